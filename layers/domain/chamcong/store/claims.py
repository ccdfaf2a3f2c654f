"""Do a piece of work once: claim it with a conditional write, and take over a claim whose holder died.

A daily report is sent once per day, kind and audience (a device capture no longer claims: its one conditional
write decides, see services/recognition.py). The work keeps a record with a `status` and a `claimed_at`: the
first request saves it in its working status
(only if there is none yet); a later one finds the record and either reads the finished answer, waits, or —
when the claim is older than the timeout, so its holder must have died — takes it over with the same
conditional write. A status listed as retryable (a report that failed to send) may be claimed again at once.

The model passed in must have `status` and `claimed_at` attributes; `claimed_at` holds whatever the caller
compares (nanoseconds for captures, a datetime for reports) and doubles as the proof that a claim is still
one's own when the work is finished (`held`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pynamodb.exceptions import PutError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from chamcong.store.models.base import lost_condition

M = TypeVar("M", bound=Model)


def claim(record: M, *, stale_before: Any, retryable: Iterable[str] = (),
          takeover_guard: Condition | None = None) -> M | None:
    """Save `record` as the claim; None if it is now ours, otherwise the record that holds the work.

    `record.status` is the working status and `record.claimed_at` the claim's time. A stale claim (working,
    claimed before `stale_before`) is taken over only if `takeover_guard` also holds (e.g. the same body).
    """
    model = type(record)
    fields: Any = model
    claimed: Any = record
    stale = (fields.status == claimed.status) & (fields.claimed_at < stale_before)
    if takeover_guard is not None:
        stale = stale & takeover_guard
    condition = model._hash_key_attribute().does_not_exist() | stale
    retry = list(retryable)
    if retry:
        condition = condition | fields.status.is_in(*retry)
    try:
        record.save(condition=condition)
        return None
    except PutError as error:
        if not lost_condition(error):
            raise
    hash_key, range_key = _keys(record)
    existing: M = model.get(hash_key, range_key, consistent_read=True)
    return existing


def held(record: Model) -> Condition:
    """The condition under which the claim is still this request's: finish or release the work under it."""
    fields: Any = type(record)
    claimed: Any = record
    return (fields.status == claimed.status) & (fields.claimed_at == claimed.claimed_at)


def _keys(record: Any) -> tuple[Any, Any]:
    model = type(record)
    hash_name = model._hash_key_attribute().attr_name
    range_attribute = model._range_key_attribute()
    range_key = getattr(record, range_attribute.attr_name) if range_attribute is not None else None
    return getattr(record, hash_name), range_key
