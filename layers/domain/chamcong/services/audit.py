"""The audit trail: sign-ins, accounts, roles, and every change to attendance records, never edited.

An entry is written in the same DynamoDB transaction as the change it describes wherever the change is
a single write, so a change cannot land without its entry (nor an entry without its change).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chamcong import access
from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import BadRequest
from chamcong.services.common import iso, new_id
from chamcong.settings import get_settings
from chamcong.store.models.audit import AuditModel

MAX_QUERY_DAYS = 92
MAX_ENTRIES = 500


@dataclass(frozen=True)
class Source:
    """Where a request came from, as API Gateway saw it."""

    ip: str | None = None
    user_agent: str | None = None


SYSTEM = access.SYSTEM  # the actor of scheduled work (the lock sweep, the reports)
ANONYMOUS = "anonymous"  # the actor of a sign-in attempt with an unknown username
RESERVED_ACTORS = frozenset({SYSTEM, ANONYMOUS, "bootstrap"})  # no account may be named so


def entry(at: datetime, actor: str, action: str, *, unit_id: str | None = None, subject: str | None = None,
          details: dict[str, Any] | None = None, source: Source | None = None, outcome: str = "ok") -> AuditModel:
    at = at.astimezone(UTC)
    expires_at = int((at + timedelta(days=get_settings().audit_retention_days)).timestamp())
    return AuditModel(AuditModel.partition(at), AuditModel.key(at, new_id("aud")), at=at, expires_at=expires_at,
                      actor=actor[:128], action=action, outcome=outcome, unit_id=unit_id, subject=subject,
                      details=details or {}, source_ip=source.ip if source else None,
                      user_agent=source.user_agent[:256] if source and source.user_agent else None)


def write(container: Container, record: AuditModel, *changes: tuple[str, Model, Any]) -> None:
    """Commit the entry together with the changes: ("save" | "update" | "delete", model, kwargs)."""
    with TransactWrite(connection=container.dynamodb) as transaction:
        for kind, model, kwargs in changes:
            getattr(transaction, kind)(model, **kwargs)
        transaction.save(record, condition=AuditModel.entry_key.does_not_exist())


def record_only(record: AuditModel) -> None:
    record.save(condition=AuditModel.entry_key.does_not_exist())


def query(container: Container, access: Access, first: date, last: date, actor: str | None, unit_id: str | None,
          action: str | None, limit: int) -> dict[str, Any]:
    """Entries from `first` to `last` (local days, inclusive), newest first, within what the reader oversees."""
    if last < first or (last - first).days >= MAX_QUERY_DAYS:
        raise BadRequest("validation_error", details={"field": "from/to",
                                                      "reason": f"from ≤ to, at most {MAX_QUERY_DAYS} days"})
    zone = container.work_calendar.timezone
    start = datetime.combine(first, time.min, zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, zone).astimezone(UTC)
    visible = access.visible_units("audit:read")
    if unit_id is not None:
        access.require_unit("audit:read", unit_id)
    between = AuditModel.entry_key.between(AuditModel.key(start), AuditModel.key(end))
    found: Iterable[AuditModel]
    if actor is not None:
        found = AuditModel.by_actor.query(actor, between, scan_index_forward=False)
    elif unit_id is not None:
        found = AuditModel.by_unit.query(unit_id, between, scan_index_forward=False)
    else:
        found = (item for month in reversed(_months(start, end))
                 for item in AuditModel.query(month, between, scan_index_forward=False))
    entries: list[dict[str, Any]] = []
    truncated = False
    for item in found:
        if unit_id is not None and item.unit_id != unit_id:
            continue
        if action is not None and item.action != action:
            continue
        # An oversight reader sees entries about their units only; site-wide entries are for system admins.
        if visible is not None and (item.unit_id is None or item.unit_id not in visible):
            continue
        if len(entries) == limit:
            truncated = True
            break
        entries.append(view(item))
    return {"entries": entries, "truncated": truncated}


def view(item: AuditModel) -> dict[str, Any]:
    return {"at": iso(item.at), "actor": item.actor, "action": item.action, "outcome": item.outcome,
            "unit_id": item.unit_id, "subject": item.subject, "details": item.details,
            "source_ip": item.source_ip, "user_agent": item.user_agent}


def _months(start: datetime, end: datetime) -> list[str]:
    months: list[str] = []
    # From the first instant of start's month: a range ending just after a month's first midnight (a local day
    # at the start of a month) still reaches that month's partition.
    cursor = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    while cursor < end:
        months.append(f"{cursor:%Y-%m}")
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return months
