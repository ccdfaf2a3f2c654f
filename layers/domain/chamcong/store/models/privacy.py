"""Records of the person's rights under Decree 13/2023/NĐ-CP: the notices they were given, their erasure requests.

One table, keyed by the person: `record_key` is "notice#{UTC time}#{id}" for a notice given at an enrolment and
"erasure#{request_id}" for an erasure request. Only erasure requests carry `unit_id` and `request_id`, so the two
indexes (a unit's requests; a request by its id) list nothing else. Both kinds are kept after the person is erased:
they are the record that the processing was lawful and that the request was answered (no photo, no embedding).
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.attributes import BooleanAttribute, JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chamcong.store.models.base import utcnow


class PrivacyByUnitIndex(GlobalSecondaryIndex["ErasureRequestModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    record_key = UnicodeAttribute(range_key=True)


class PrivacyByRequestIndex(GlobalSecondaryIndex["ErasureRequestModel"]):
    class Meta:
        index_name = "by_request"
        projection = AllProjection()

    request_id = UnicodeAttribute(hash_key=True)


class NoticeRecordModel(Model):
    """The notice a person was given at an enrolment: which version, when, by whom, on which legal basis."""

    class Meta:
        table_name = "privacy"

    staff_id = UnicodeAttribute(hash_key=True)
    record_key = UnicodeAttribute(range_key=True)  # key(given_at, notice_id)
    notice_id = UnicodeAttribute()
    version = UnicodeAttribute()
    given_at = UTCDateTimeAttribute()
    given_by = UnicodeAttribute()  # the enrolling official's username
    legal_basis = UnicodeAttribute()  # privacy.classes.Basis
    consent = BooleanAttribute(null=True)  # True when the basis is consent; None otherwise
    face_ids = JSONAttribute(default=list)  # the photos enrolled under it
    created_at = UTCDateTimeAttribute(default=utcnow)

    PREFIX = "notice#"

    @classmethod
    def key(cls, given_at: datetime, notice_id: str) -> str:
        return f"{cls.PREFIX}{given_at.astimezone(UTC).isoformat(timespec='seconds')}#{notice_id}"


class ErasureRequestModel(Model):
    """A request to erase a person's biometric data ("biometric") or the person ("all"), and its answer."""

    class Meta:
        table_name = "privacy"

    staff_id = UnicodeAttribute(hash_key=True)
    record_key = UnicodeAttribute(range_key=True)  # key(request_id)
    request_id = UnicodeAttribute()
    unit_id = UnicodeAttribute()  # the person's unit when asked: whose admin answers it
    full_name = UnicodeAttribute()  # shown in the unit's list, after the person is erased too
    scope = UnicodeAttribute()  # "biometric" | "all"
    reason = UnicodeAttribute()
    status = UnicodeAttribute(default="pending")  # pending | completing | completed | refused
    requested_by = UnicodeAttribute()
    requested_at = UTCDateTimeAttribute()
    decided_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)
    decision_reason = UnicodeAttribute(null=True)
    outcome = JSONAttribute(null=True)  # counts of what was erased (never content)
    by_unit = PrivacyByUnitIndex()
    by_request = PrivacyByRequestIndex()

    PREFIX = "erasure#"

    @classmethod
    def key(cls, request_id: str) -> str:
        return cls.PREFIX + request_id
