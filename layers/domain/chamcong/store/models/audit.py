"""The audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


class AuditByActorIndex(GlobalSecondaryIndex["AuditModel"]):
    class Meta:
        index_name = "by_actor"
        projection = AllProjection()

    actor = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)


class AuditByUnitIndex(GlobalSecondaryIndex["AuditModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)


class AuditModel(Model):
    """One entry of the audit trail: who did what, to what, when and from where. Written, never changed.

    month = "YYYY-MM" (UTC) partitions the trail by time; entry_key = "{UTC ISO time}#{entry_id}" sorts it.
    The API's role may only put and query this table (see template.yaml).
    """

    class Meta:
        table_name = "audit"

    month = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()  # a username, a device id, or "system" for scheduled work
    action = UnicodeAttribute()
    outcome = UnicodeAttribute(default="ok")  # ok, refused
    unit_id = UnicodeAttribute(null=True)  # the unit the change concerns, for scoped reading
    subject = UnicodeAttribute(null=True)  # what was changed: an account, a staff id, an absence id …
    details = JSONAttribute(default=dict)
    source_ip = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    # DynamoDB TTL: AUDIT_RETENTION_DAYS after the entry. The trail is append-only (no function may delete an
    # entry), so it is DynamoDB that removes entries past their retention, not the purge.
    expires_at = NumberAttribute(null=True)
    by_actor = AuditByActorIndex()
    by_unit = AuditByUnitIndex()

    @staticmethod
    def partition(at: datetime) -> str:
        return f"{at.astimezone(UTC):%Y-%m}"

    @staticmethod
    def key(at: datetime, entry_id: str = "") -> str:
        """Sorts by time; with no entry id, the bound of a time range."""
        stamp = at.astimezone(UTC).isoformat(timespec="microseconds")
        return f"{stamp}#{entry_id}" if entry_id else stamp
