"""Staff records and their enrolled faces."""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chamcong.store.models.base import utcnow


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
    # The office's own staff number (mã cán bộ), as written; unique site-wide, compared upper-cased, held by an
    # EmployeeCodeClaim written in the same transaction as the record.
    employee_code = UnicodeAttribute(null=True)
    # The monthly evaluation: the cap on "excellent" is counted per unit and group of similar duties; a leader's
    # evaluation has the unit component. Absent on records written before: "chung" and False.
    duty_group = UnicodeAttribute(null=True)
    is_leader = BooleanAttribute(null=True)
    created_at = UTCDateTimeAttribute(default=utcnow)
    # The moves between units, in the order made (rules.transfers): [{"from_unit", "to_unit", "effective", "by",
    # "at", "reason"}]. `unit_id` is the unit of today, so the by_unit index lists today's members; who belonged to
    # a unit on a past day is `services.transfers.members_between`, helped by each unit's UnitMovesRecord.
    transfers = JSONAttribute(null=True)
    by_unit = StaffByUnitIndex()


class EmployeeCodeClaim(Model):
    """Who holds an employee code: an item of the staff table under a key no staff id can take.

    Written, moved and deleted in the same transaction as the staff record that names the code, each under a
    condition (absent when claimed, owned by that person when released), so two people never hold one code.
    Claims have no unit_id: the by_unit index never sees them; a scan of the table skips them by their key.
    """

    class Meta:
        table_name = "staff"

    staff_id = UnicodeAttribute(hash_key=True)  # claim_key(code): "#code#" + the code upper-cased
    owner = UnicodeAttribute()  # the staff id holding the code
    claimed_at = UTCDateTimeAttribute(default=utcnow)

    PREFIX = "#code#"

    @classmethod
    def claim_key(cls, code: str) -> str:
        return cls.PREFIX + code.upper()

    @classmethod
    def is_claim_key(cls, key: str) -> bool:
        return key.startswith(cls.PREFIX)


class RemovedStaffRecord(Model):
    """What stays of a removed person (issue 16 §2): their name, as a work record, so their events, evaluations and
    audit entries still say whose they are. An item of the staff table under a key no staff id can take, with no
    unit_id (the by_unit index and the lists of staff never see it); no face, no e-mail, no employee code's claim.
    """

    class Meta:
        table_name = "staff"

    staff_id = UnicodeAttribute(hash_key=True)  # key_of(staff_id): "#removed#" + the staff id
    full_name = UnicodeAttribute()
    former_unit_id = UnicodeAttribute()  # their unit when removed (not "unit_id": stays out of by_unit)
    employee_code = UnicodeAttribute(null=True)  # as it was (the claim is released: the code may be reused)
    removed_at = UTCDateTimeAttribute(default=utcnow)
    removed_by = UnicodeAttribute()

    PREFIX = "#removed#"

    @classmethod
    def key_of(cls, staff_id: str) -> str:
        return cls.PREFIX + staff_id

    @classmethod
    def is_removed_key(cls, key: str) -> bool:
        return key.startswith(cls.PREFIX)


class UnitMove(MapAttribute[str, str]):
    staff_id = UnicodeAttribute()
    change = UnicodeAttribute()  # "left" | "joined"
    effective = UnicodeAttribute()  # YYYY-MM-DD


class UnitMovesRecord(Model):
    """Who ever left or joined a unit by a transfer: an item of the staff table under a key no staff id can take.

    The by_unit index finds today's members only; a unit's past days also need those who have left since. Each
    transfer appends to both units' records in the same transaction as the person's record. The person's own
    `transfers` history stays the truth of which days they spent where; this record only says whom to look at.
    Like the employee codes' claims it has no unit_id, so the by_unit index never sees it.
    """

    class Meta:
        table_name = "staff"

    staff_id = UnicodeAttribute(hash_key=True)  # key_of(unit_id): "#moves#" + the unit id
    moves = ListAttribute(of=UnitMove, default=list)

    PREFIX = "#moves#"

    @classmethod
    def key_of(cls, unit_id: str) -> str:
        return cls.PREFIX + unit_id

    @classmethod
    def is_moves_key(cls, key: str) -> bool:
        return key.startswith(cls.PREFIX)


class FaceModel(Model):
    """One enrolled photo. Its embedding is the record of truth; the S3 gallery is an index built from it.

    `embedding` is the one made at enrolment by `model_id`; `embeddings` holds the ones the re-embedding job
    made with other models (model id → base64 of little-endian float32), so any model's gallery can be rebuilt.
    """

    class Meta:
        table_name = "faces"

    staff_id = UnicodeAttribute(hash_key=True)
    face_id = UnicodeAttribute(range_key=True)
    photo_key = UnicodeAttribute()
    model_id = UnicodeAttribute()
    embedding = BinaryAttribute(legacy_encoding=False)
    embeddings: MapAttribute[str, str] = MapAttribute(null=True)
    quality = JSONAttribute(default=dict)
    created_at = UTCDateTimeAttribute(default=utcnow)

    @staticmethod
    def photo_key_for(staff_id: str, face_id: str) -> str:
        return f"faces/{staff_id}/{face_id}.jpg"
