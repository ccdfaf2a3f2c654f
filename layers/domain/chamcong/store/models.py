"""DynamoDB tables as pynamodb models.

Table names are not known at import time (the template generates them), so `bind_models` points
every model at its table once per warm function. The template's table definitions must equal these
models; a test compares them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chamcong.settings import Settings


def utcnow() -> datetime:
    return datetime.now(UTC)


def lost_condition(exc: Exception) -> bool:
    """True when DynamoDB refused a write because its condition (or a transaction's) did not hold."""
    return getattr(exc, "cause_response_code", None) in {"ConditionalCheckFailedException",
                                                          "TransactionCanceledException"}


class UnitModel(Model):
    """A unit of the tree: province → district → agencies, communes, schools."""

    class Meta:
        table_name = "units"

    unit_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    parent_id = UnicodeAttribute(null=True)
    report_recipients = ListAttribute(of=UnicodeAttribute, default=list)  # the unit's leaders, for daily reports
    created_at = UTCDateTimeAttribute(default=utcnow)


class StaffByUnitIndex(GlobalSecondaryIndex["StaffModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    staff_id = UnicodeAttribute(range_key=True)


class StaffModel(Model):
    class Meta:
        table_name = "staff"

    staff_id = UnicodeAttribute(hash_key=True)
    unit_id = UnicodeAttribute()
    full_name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    employed_from = UnicodeAttribute(null=True)  # YYYY-MM-DD; None: employed before the system started
    created_at = UTCDateTimeAttribute(default=utcnow)
    by_unit = StaffByUnitIndex()


class FaceModel(Model):
    """One enrolled photo. Its embedding is the record of truth; the S3 gallery is an index built from it."""

    class Meta:
        table_name = "faces"

    staff_id = UnicodeAttribute(hash_key=True)
    face_id = UnicodeAttribute(range_key=True)
    photo_key = UnicodeAttribute()
    model_id = UnicodeAttribute()
    embedding = BinaryAttribute(legacy_encoding=False)
    quality = JSONAttribute(default=dict)
    created_at = UTCDateTimeAttribute(default=utcnow)


class DeviceModel(Model):
    class Meta:
        table_name = "devices"

    device_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    # The HMAC key must be readable to verify signatures; the table is encrypted at rest and
    # the secret is shown once at registration and never returned again.
    secret = UnicodeAttribute()
    status = UnicodeAttribute(default="active")
    created_at = UTCDateTimeAttribute(default=utcnow)


class EventsByUnitIndex(GlobalSecondaryIndex["EventModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)


class EventModel(Model):
    """A recorded check-in or check-out with its evidence.

    event_key = "{local date}T{local time}#{device_id}#{capture_id}": sorted by time within a person,
    queried by day with begins_with, and unique per capture so a retry cannot add a second event.
    """

    class Meta:
        table_name = "events"

    staff_id = UnicodeAttribute(hash_key=True)
    event_key = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    local_date = UnicodeAttribute()
    captured_at = UTCDateTimeAttribute()
    captured_at_local = UnicodeAttribute()
    device_id = UnicodeAttribute()
    capture_id = UnicodeAttribute()
    similarity = NumberAttribute()
    snapshot_key = UnicodeAttribute()
    recorded_at = UTCDateTimeAttribute(default=utcnow)
    by_unit = EventsByUnitIndex()


class CaptureModel(Model):
    """Idempotency record of one device capture: the first answer is kept and returned to every retry."""

    class Meta:
        table_name = "captures"

    device_id = UnicodeAttribute(hash_key=True)
    capture_id = UnicodeAttribute(range_key=True)
    body_sha256 = UnicodeAttribute()
    status = UnicodeAttribute()  # "pending" while a request works on it, then "done"
    claimed_at = NumberAttribute()
    response = JSONAttribute(null=True)
    expires_at = NumberAttribute()  # DynamoDB TTL


class AccountsByUnitIndex(GlobalSecondaryIndex["AccountModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(range_key=True)


class AccountModel(Model):
    """A person's (or an office's) sign-in, with its role grants and where it is in its lifecycle.

    A new or reset password is temporary: `must_change_password` until the holder chooses their own,
    before `password_deadline`, or the account is locked (`lock_reason` "password_expired"). Every
    bearer token carries the account's `session_generation`; bumping it (password change, reset, lock)
    revokes every token issued before.
    """

    class Meta:
        table_name = "accounts"

    username = UnicodeAttribute(hash_key=True)
    password_hash = UnicodeAttribute()
    grants = JSONAttribute(default=list)  # [{"role": ..., "unit_id": ...}]
    unit_id = UnicodeAttribute(null=True)  # None only for the site's own system admin
    staff_id = UnicodeAttribute(null=True)
    display_name = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="active")  # active, locked
    lock_reason = UnicodeAttribute(null=True)  # password_expired, by_admin
    locked_at = UTCDateTimeAttribute(null=True)
    locked_by = UnicodeAttribute(null=True)
    must_change_password = BooleanAttribute(default=False)
    password_deadline = UTCDateTimeAttribute(null=True)
    password_changed_at = UTCDateTimeAttribute(null=True)
    failed_logins = NumberAttribute(default=0)  # consecutive; reset by a successful sign-in
    blocked_until = UTCDateTimeAttribute(null=True)  # a short lockout after too many failed sign-ins
    session_generation = NumberAttribute(default=0)
    created_by = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(default=utcnow)
    by_unit = AccountsByUnitIndex()


class SessionModel(Model):
    """A bearer token, stored only as its sha256 so a table leak does not leak sessions."""

    class Meta:
        table_name = "sessions"

    token_hash = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()
    generation = NumberAttribute(default=0)  # must equal the account's session_generation
    created_at = UTCDateTimeAttribute(default=utcnow)
    expires_at = NumberAttribute()  # DynamoDB TTL; also checked on every request


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
    by_actor = AuditByActorIndex()
    by_unit = AuditByUnitIndex()


class GalleryModel(Model):
    """Pointer to the current gallery object in S3; its version moves under a conditional write."""

    class Meta:
        table_name = "galleries"

    gallery_id = UnicodeAttribute(hash_key=True)
    version = NumberAttribute()
    object_key = UnicodeAttribute()
    model_id = UnicodeAttribute()
    size = NumberAttribute()
    updated_at = UTCDateTimeAttribute(default=utcnow)


# Logical name (as in the template's resource "<Name>Table") → model and the setting with its name.
class AbsencesByUnitIndex(GlobalSecondaryIndex["AbsenceModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    first_day = UnicodeAttribute(range_key=True)


class AbsenceModel(Model):
    """Leave, a business trip or work from home for a person over a date range, entered by a leader.

    Cancelling keeps the record (who cancelled, when): attendance history is never silently rewritten.
    """

    class Meta:
        table_name = "absences"

    staff_id = UnicodeAttribute(hash_key=True)
    absence_id = UnicodeAttribute(range_key=True)
    unit_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    first_day = UnicodeAttribute()  # YYYY-MM-DD, local
    last_day = UnicodeAttribute()
    part = UnicodeAttribute(default="full")
    reason = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(default=utcnow)
    cancelled_by = UnicodeAttribute(null=True)
    cancelled_at = UTCDateTimeAttribute(null=True)
    by_unit = AbsencesByUnitIndex()


class CorrectionsByUnitIndex(GlobalSecondaryIndex["CorrectionModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    correction_key = UnicodeAttribute(range_key=True)


class CorrectionModel(Model):
    """A leader's correction of one person's day. Append-only: the newest applies, all stay as the audit trail.

    correction_key = "{day}#{created_at ISO}#{correction_id}": a person's corrections of a day, oldest first.
    """

    class Meta:
        table_name = "corrections"

    staff_id = UnicodeAttribute(hash_key=True)
    correction_key = UnicodeAttribute(range_key=True)
    correction_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()
    day = UnicodeAttribute()
    status = UnicodeAttribute()
    reason = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute(default=utcnow)
    by_unit = CorrectionsByUnitIndex()


class ReportModel(Model):
    """One daily report to one audience: report_id = "{day}#{kind}#{audience}" (a unit id, or "district").

    The record makes sending idempotent: a report is claimed ("sending") before SES is called and marked
    "sent" after, so a re-run of the day skips it, and a run that died mid-way can be retried.
    """

    class Meta:
        table_name = "reports"

    report_id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()  # sending, sent, failed, archived (no recipients configured)
    archive_key = UnicodeAttribute(null=True)
    recipients = ListAttribute(of=UnicodeAttribute, default=list)
    units = ListAttribute(of=UnicodeAttribute, null=True)  # the units it covers: who may read it
    message_id = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    claimed_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)


class CalendarModel(Model):
    """A work calendar for the site ("site") or a unit (its unit_id).

    `schedules` and `holidays` are JSON lists; a missing one is inherited from the parent unit, then from
    the site, then from the product's defaults (the settings' hours and the shipped public holidays).
    """

    class Meta:
        table_name = "calendars"

    scope = UnicodeAttribute(hash_key=True)
    schedules = JSONAttribute(null=True)
    holidays = JSONAttribute(null=True)
    updated_by = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute(default=utcnow)


MODELS: dict[str, tuple[type[Model], str]] = {
    "Units": (UnitModel, "units_table"),
    "Staff": (StaffModel, "staff_table"),
    "Faces": (FaceModel, "faces_table"),
    "Devices": (DeviceModel, "devices_table"),
    "Events": (EventModel, "events_table"),
    "Captures": (CaptureModel, "captures_table"),
    "Accounts": (AccountModel, "accounts_table"),
    "Sessions": (SessionModel, "sessions_table"),
    "Galleries": (GalleryModel, "galleries_table"),
    "Absences": (AbsenceModel, "absences_table"),
    "Corrections": (CorrectionModel, "corrections_table"),
    "Reports": (ReportModel, "reports_table"),
    "Calendars": (CalendarModel, "calendars_table"),
    "Audit": (AuditModel, "audit_table"),
}


def bind_models(settings: Settings) -> None:
    """Point every model at its table (and at moto when an endpoint is configured)."""
    for model, setting_name in MODELS.values():
        model.Meta.table_name = getattr(settings, setting_name)
        model.Meta.region = settings.aws_region
        model.Meta.host = settings.aws_endpoint_url
        model._connection = None  # pynamodb caches a connection per class; drop the old binding
