"""The daily purge (issue 16 §1): every class of data kept in DynamoDB is deleted once it is older than its
retention, by the item's own date or time; the S3 prefixes expire by the bucket's lifecycle rules (template.yaml).

Run every day at 02:30 (Asia/Ho_Chi_Minh) by the maintenance function. An item is purged when it is MORE than its
retention old: an event of day D with 1826 days' retention is kept on D + 1826 and gone the day after. Classes
whose items carry a DynamoDB TTL attribute (`expires_at`: captures, sessions, spoofs) are purged here as well when
DynamoDB has not got to them yet (its TTL deletes within days, not at the second). The audit trail is the exception:
append-only, no function may delete from it, its entries expire by their TTL attribute alone (`TTL_ONLY`).
Idempotent: a second run the same day deletes nothing. Audited once, `privacy.purge`, with the counts per class
and the retention applied — never content.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from chamcong.container import Container
from chamcong.privacy.classes import DATA_CLASSES, by_key, retention_days
from chamcong.services import audit
from chamcong.store.models.absences import AbsenceModel
from chamcong.store.models.accounts import SessionModel
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.corrections import CorrectionModel
from chamcong.store.models.devices import CaptureModel, SpoofModel
from chamcong.store.models.evaluations import EvaluationModel
from chamcong.store.models.privacy import ErasureRequestModel, NoticeRecordModel
from chamcong.store.models.reports import ReportModel
from chamcong.store.models.roster import RosterExceptionModel, RosterModel
from chamcong.store.models.tasks import TaskModel

ACTOR = "system"


@dataclass(frozen=True)
class Cutoff:
    """What "older than the retention" means today: items dated before `day` (local) or timed before `at`."""

    now: datetime
    day: date  # the oldest local day still kept
    at: datetime  # the oldest instant still kept
    epoch: int  # now, for TTL attributes

    @classmethod
    def of(cls, now: datetime, today: date, days: int | None) -> Cutoff:
        keep = timedelta(days=days or 0)
        return cls(now, today - keep, now - keep, int(now.timestamp()))


@dataclass(frozen=True)
class Target:
    """One kind of item of one table, its class, and which of its items are due (a scan filter)."""

    class_key: str
    model: type[Model]
    due: Callable[[Cutoff], Condition]
    objects: Callable[[Any], list[str]] = lambda item: []  # S3 objects that go with the item


TARGETS: tuple[Target, ...] = (
    Target("captures", CaptureModel, lambda c: CaptureModel.expires_at < c.epoch),
    Target("sessions", SessionModel, lambda c: SessionModel.expires_at < c.epoch),
    Target("spoofs", SpoofModel, lambda c: SpoofModel.local_date < c.day.isoformat(),
           lambda item: [str(key) for key in item.snapshot_keys or []] + ([item.clip_key] if item.clip_key else [])),
    Target("events", EventModel, lambda c: EventModel.local_date < c.day.isoformat()),
    Target("absences", AbsenceModel, lambda c: AbsenceModel.last_day < c.day.isoformat()),
    Target("absences", CorrectionModel, lambda c: CorrectionModel.day < c.day.isoformat()),
    Target("rosters", RosterModel, lambda c: RosterModel.day < c.day.isoformat()),
    Target("rosters", RosterExceptionModel, lambda c: RosterExceptionModel.last_day < c.day.isoformat()),
    Target("tasks", TaskModel, lambda c: TaskModel.assigned_at < c.at),
    # A month is due once the whole of it is older than the retention.
    Target("evaluations", EvaluationModel,
           lambda c: (EvaluationModel.month < f"{c.day:%Y-%m}") & EvaluationModel.unit_month.exists()),
    Target("reports", ReportModel, lambda c: ReportModel.claimed_at < c.at,
           lambda item: [item.archive_key] if item.archive_key else []),
    # The notices given and the erasure requests answered: the proof of lawful processing, as long as the audit trail.
    # (A request still waiting for its answer is never purged.)
    Target("privacy_records", NoticeRecordModel, lambda c: NoticeRecordModel.given_at < c.at),
    Target("privacy_records", ErasureRequestModel,
           lambda c: (ErasureRequestModel.requested_at < c.at)
           & ErasureRequestModel.status.is_in("completed", "refused")),
)

# Classes that expire by their TTL attribute only: the audit trail is append-only, no function may delete an entry
# (tests/integration/test_audit_and_devices.py), so DynamoDB removes entries AUDIT_RETENTION_DAYS after them.
TTL_ONLY = frozenset({"audit"})


def purged_classes() -> list[str]:
    """The classes the purge deletes from (every class with a table and a retention or a TTL)."""
    return [data_class.key for data_class in DATA_CLASSES if data_class.key in {t.class_key for t in TARGETS}]


def purge(container: Container, now: datetime | None = None) -> dict[str, int]:
    """Delete what is older than its class's retention; the counts per class (0 included). One audit entry."""
    now = now or container.clock()
    today = now.astimezone(container.site_windows.timezone).date()
    counts = {key: 0 for key in purged_classes()}
    objects = 0
    applied: dict[str, int | None] = {}
    for target in TARGETS:
        days = retention_days(by_key(target.class_key), container.settings)
        applied[target.class_key] = days
        due = list(target.model.scan(target.due(Cutoff.of(now, today, days)), consistent_read=True))
        keys = [key for item in due for key in target.objects(item)]
        if keys:
            container.blobs.delete(*keys)
            objects += len(keys)
        with target.model.batch_write() as batch:
            for item in due:
                batch.delete(item)
        counts[target.class_key] += len(due)
    audit.record_only(audit.entry(now, ACTOR, "privacy.purge",
                                  details={"counts": counts, "objects": objects, "retention_days": applied}))
    return counts
