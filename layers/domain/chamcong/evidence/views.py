"""Every view of evidence goes on the audit trail: who saw whose snapshot, clip or bundle, of which day.

A view is recorded when a link to the evidence is issued (a presigned link is the view: whoever holds it can
open it until it expires) or a bundle is made. Scheduled work (the reports, which keep only capture ids) is
not a person looking and is not recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chamcong import access as access_module
from chamcong.access import Access
from chamcong.container import Container
from chamcong.services import audit

ACTION = "evidence.view"


@dataclass(frozen=True)
class View:
    """What was shown: `what` is snapshot, clip, spoof (a refused capture's frames) or bundle."""

    staff_id: str | None  # whose evidence (None: a spoof that resembled nobody the reader may see)
    unit_id: str | None  # the unit the view is filed under, for scoped reading of the audit trail
    what: str
    keys: tuple[str, ...]
    day: str  # YYYY-MM-DD, the local day the evidence is of


def record_views(container: Container, access: Access, views: Iterable[View]) -> int:
    """One audit entry per view (action `evidence.view`); the number written."""
    if access.username == access_module.SYSTEM:
        return 0
    now = container.clock()
    written = 0
    for view in views:
        if not view.keys:
            continue
        audit.record_only(audit.entry(now, access.username, ACTION, unit_id=view.unit_id, subject=view.staff_id,
                                      details={"what": view.what, "keys": list(view.keys), "date": view.day}))
        written += 1
    return written
