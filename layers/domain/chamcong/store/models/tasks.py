"""Tasks posted by e-office systems, and the integration clients that post them (one table).

Keys, chosen for the three ways the table is read:

- A task:   partition = "client#{client_id}", entry_key = external_id.
  One item per (client, external_id): a record posted again is one GetItem and, if it changed, one conditional
  write on its own key (the condition is the revision read), so a retry never makes a second task.
- A client: partition = "#clients", entry_key = client_id (`IntegrationClientModel`). The API key names its
  client (`{client_id}.{secret}`), so authenticating is one consistent GetItem; listing clients is one query.
- GSI by_staff: staff_id + assigned_key = "{local day of assigned_at}#{client_id}#{external_id}".
  A person's day, month or quarter is one query: assigned_key BETWEEN "{first day}" AND "{last day}#\\uffff".
- GSI by_unit: unit_id (the assignee's unit when the task was last written) + assigned_key: a unit's period,
  the same way.
Both indexes are sparse: client items carry neither staff_id nor unit_id.

A task keeps its earlier versions in `history` (newest last, at most rules.tasks.MAX_HISTORY).
"""

from __future__ import annotations

from datetime import date

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chamcong.store.models.base import utcnow

CLIENTS_PARTITION = "#clients"


class TasksByStaffIndex(GlobalSecondaryIndex["TaskModel"]):
    class Meta:
        index_name = "by_staff"
        projection = AllProjection()

    staff_id = UnicodeAttribute(hash_key=True)
    assigned_key = UnicodeAttribute(range_key=True)


class TasksByUnitIndex(GlobalSecondaryIndex["TaskModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    assigned_key = UnicodeAttribute(range_key=True)


class TaskModel(Model):
    class Meta:
        table_name = "tasks"

    partition = UnicodeAttribute(hash_key=True)  # "client#{client_id}"
    entry_key = UnicodeAttribute(range_key=True)  # external_id
    client_id = UnicodeAttribute()
    external_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    employee_code = UnicodeAttribute()  # as the e-office system wrote it
    assigned_key = UnicodeAttribute()
    title = UnicodeAttribute()
    document_number = UnicodeAttribute(null=True)
    assigned_at = UTCDateTimeAttribute()
    due_at = UTCDateTimeAttribute(null=True)
    completed_at = UTCDateTimeAttribute(null=True)
    status = UnicodeAttribute()
    weight = NumberAttribute(default=1)
    quality = JSONAttribute(null=True)
    late_objective_cause = BooleanAttribute(null=True)
    source_updated_at = UTCDateTimeAttribute(null=True)  # the record's updated_at, if the system sends it
    content = JSONAttribute()  # the record as stored (normalised), the base of content_hash
    content_hash = UnicodeAttribute()
    revision = NumberAttribute()  # 1 when created, +1 for every version that changed something
    received_at = UTCDateTimeAttribute(default=utcnow)
    history = JSONAttribute(default=list)  # [{"revision", "received_at", "content"}] earlier versions
    entered_by = UnicodeAttribute(null=True)  # a task entered by hand (client "manual:{unit_id}"): who entered it
    by_staff = TasksByStaffIndex()
    by_unit = TasksByUnitIndex()

    @staticmethod
    def partition_of(client_id: str) -> str:
        return f"client#{client_id}"

    @staticmethod
    def assigned_key_of(local_day: date, client_id: str, external_id: str) -> str:
        return f"{local_day.isoformat()}#{client_id}#{external_id}"

    @staticmethod
    def period_range(first: date, last: date) -> tuple[str, str]:
        """The assigned_key bounds of the local days first..last (inclusive)."""
        return first.isoformat(), f"{last.isoformat()}#\uffff"


class IntegrationClientModel(Model):
    """An outside system allowed to post tasks for the people of one unit subtree.

    Only the SHA-256 of its key is stored. The key is 256 random bits, so — unlike a password, which a person
    chooses and which needs a slow, salted hash against guessing — nothing can be guessed from a fast hash,
    and a fast hash keeps every authenticated call cheap. (A device secret, by contrast, must stay readable:
    the server recomputes the device's HMAC with it.)
    """

    class Meta:
        table_name = "tasks"

    partition = UnicodeAttribute(hash_key=True)  # CLIENTS_PARTITION
    entry_key = UnicodeAttribute(range_key=True)  # client_id
    name = UnicodeAttribute()
    unit_id_of_client = UnicodeAttribute(attr_name="client_unit_id")  # not "unit_id": stays out of by_unit
    key_sha256 = UnicodeAttribute()
    status = UnicodeAttribute(default="active")  # active | revoked
    created_at = UTCDateTimeAttribute(default=utcnow)
    created_by = UnicodeAttribute()
    rotated_at = UTCDateTimeAttribute(null=True)

    @property
    def client_id(self) -> str:
        return self.entry_key
