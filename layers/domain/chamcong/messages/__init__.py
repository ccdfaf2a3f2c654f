"""What people read when something goes wrong: one catalogue, Vietnamese first, English available.

Codes are machine-readable and stable; clients branch on them, people read the message. Each area keeps
its codes in its own module here, each with the HTTP status it is always answered with, so the router maps
every domain error to HTTP in one place and the OpenAPI document lists each route's codes under their
statuses. A code defined twice is refused when this module loads.
"""

from __future__ import annotations

from chamcong.messages import (
    absences,
    accounts,
    calibration,
    common,
    corrections,
    devices,
    evaluations,
    evidence,
    galleries,
    privacy,
    reports,
    roster,
    staff,
    tasks,
    units,
)
from chamcong.messages.attendance import DAY_STATUS_LABELS, day_status_label
from chamcong.messages.base import Message

__all__ = ["CATALOGUE", "DAY_STATUS_LABELS", "Message", "day_status_label", "message_for", "status_of"]


def _merge(*areas: dict[str, Message]) -> dict[str, Message]:
    merged: dict[str, Message] = {}
    for area in areas:
        doubled = set(merged) & set(area)
        if doubled:
            raise ValueError(f"error codes defined twice: {sorted(doubled)}")
        merged.update(area)
    return merged


CATALOGUE: dict[str, Message] = _merge(common.MESSAGES, accounts.MESSAGES, devices.MESSAGES, staff.MESSAGES,
                                       units.MESSAGES, absences.MESSAGES, corrections.MESSAGES, reports.MESSAGES,
                                       galleries.MESSAGES, calibration.MESSAGES,
                                       tasks.MESSAGES, roster.MESSAGES, evaluations.MESSAGES,
                                       evidence.MESSAGES, privacy.MESSAGES)


def status_of(code: str) -> int:
    return CATALOGUE[code].status if code in CATALOGUE else 500


def message_for(code: str, lang: str = "vi", params: dict[str, str | tuple[str, str]] | None = None) -> str:
    entry = CATALOGUE.get(code, CATALOGUE["internal_error"])
    template = entry.en if lang == "en" else entry.vi
    if not params:
        return template
    index = 1 if lang == "en" else 0
    return template.format(**{name: value if isinstance(value, str) else value[index]
                              for name, value in params.items()})
