"""Staff records and their enrolled face photos."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import EmailStr, Field

from chamcong.schemas.common import Body, Day, Id, Name, Query, Text, View
from chamcong.schemas.privacy import NoticeGiven

# The office's staff number (mã cán bộ): unique in the deployment, compared without regard to case.
EMPLOYEE_CODE_PATTERN = r"^[A-Za-z0-9._-]{1,32}$"
EmployeeCode = Annotated[str, Field(pattern=EMPLOYEE_CODE_PATTERN, min_length=1, max_length=32,
                                    description="Mã cán bộ: 1-32 letters, digits, '.', '_', '-'; unique, any case")]


# The group of similar duties the cap on "excellent" is counted in (per unit); "chung" (general) by default.
DEFAULT_DUTY_GROUP = "chung"
DutyGroup = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$",
                                 description="Nhóm chức trách tương đồng: 1-64 lower-case letters, digits, '_', '-'; "
                                             "the cap on 'excellent' is counted per unit and duty group")]


class CreateStaff(Body):
    full_name: Name
    unit_id: Id
    email: EmailStr | None = None
    employed_from: Day | None = Field(default=None, description="First working day; earlier days are "
                                                                "'not_employed'")
    employee_code: EmployeeCode | None = None
    duty_group: DutyGroup = DEFAULT_DUTY_GROUP
    is_leader: bool = Field(default=False, description="Leads the unit: the monthly evaluation has the unit component")


class UpdateStaff(Body):
    """Only the fields sent change; `email` or `employee_code` sent as null are removed."""

    full_name: Name | None = None
    email: EmailStr | None = None
    employee_code: EmployeeCode | None = None
    duty_group: DutyGroup | None = None
    is_leader: bool | None = None
    unit_id: Id | None = Field(default=None, description="Move the person to this unit from today (both units in "
                                                         "your scope); a transfer of another date: POST "
                                                         "/v1/staff/{staff_id}/transfers")


class CreateTransfer(Body):
    to_unit_id: Id = Field(description="The unit the person moves to (you must manage both units)")
    effective: Day = Field(description="The first day in the new unit: not after today, not before the last "
                                       "transfer's nor the person's first working day")
    reason: Text = Field(description="Why (the decision's number, for instance); audited")


class Transfer(View):
    from_unit: str
    to_unit: str
    effective: str = Field(description="YYYY-MM-DD: the first day in to_unit")
    by: str = Field(description="Who recorded it")
    at: str = Field(description="When it was recorded")
    reason: str | None


class TransferHistory(View):
    staff_id: str
    unit_id: str = Field(description="The unit the person is in today")
    transfers: list[Transfer] = Field(description="Oldest first")


class StaffQuery(Query):
    unit_id: Id | None = Field(default=None, description="One unit; default: every unit in the caller's scope")
    employee_code: EmployeeCode | None = Field(default=None, description="The one person with this code (any case)")


class Face(View):
    face_id: str
    staff_id: str
    model_id: str
    quality: dict[str, float]
    created_at: str


class Staff(View):
    staff_id: str
    full_name: str
    unit_id: str
    email: str | None
    employed_from: str | None = None
    employee_code: str | None = None
    duty_group: str = DEFAULT_DUTY_GROUP
    is_leader: bool = False
    created_at: str
    faces: list[Face] | None = None


class StaffList(View):
    staff: list[Staff]


class EnrolFace(Body):
    image_b64: str = Field(min_length=1, description="The photo (JPEG or PNG), base64; at most 2 MB of request body")
    notice: NoticeGiven | None = Field(default=None, description="The notice of processing the person was given "
                                       "(Decree 13/2023); absent: the current version, now, by you")


# Photos one batch may carry, and the body it may take: five ordinary photos (≤ ~750 KB of JPEG each) fit in
# 5 MiB of base64, and Lambda takes at most 6 MB of synchronous request (the body plus the event around it).
MAX_BATCH_PHOTOS = 5
MAX_BATCH_BODY_BYTES = 5 * 1024 * 1024


class EnrolFaces(Body):
    images_b64: list[Annotated[str, Field(min_length=1)]] = Field(
        min_length=1, max_length=MAX_BATCH_PHOTOS,
        description="1 to 5 photos (JPEG or PNG) of the same person, base64; at most 5 MiB of request body")
    notice: NoticeGiven | None = Field(default=None, description="The notice of processing the person was given "
                                       "(Decree 13/2023); absent: the current version, now, by you")


class EnrolmentResult(View):
    index: int = Field(description="Position of the photo in images_b64")
    status: Literal["enrolled", "refused"]
    code: str | None = Field(description="Why the photo was refused (an error code of the single-photo route)")
    message: str | None = Field(description="What to change, in the language asked for (Accept-Language)")
    details: dict[str, Any] = Field(description="The measurements behind a refusal, e.g. face_px and min_face_px")
    face: Face | None


class EnrolmentBatch(View):
    results: list[EnrolmentResult]
    enrolled: int


# A staff spreadsheet: at most 2 MiB of file (≈ 2.7 MiB of base64) and 2,000 people.
MAX_IMPORT_FILE_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 2000
MAX_IMPORT_BODY_BYTES = 3 * 1024 * 1024


class ImportStaff(Body):
    filename: Name = Field(max_length=200, description="The file's name: .xlsx or .csv says how it is read")
    content_b64: str = Field(min_length=1, description="The file, base64; at most 2 MiB once decoded")
    dry_run: bool = Field(default=False, description="Check and report every row without changing anything")


class ImportRow(View):
    row: int = Field(description="The row's number in the spreadsheet (the header is row 1)")
    employee_code: str | None
    full_name: str | None
    status: Literal["created", "updated", "unchanged", "refused"]
    staff_id: str | None
    code: str | None = Field(description="Why the row was refused")
    message: str | None = Field(description="What to fix, in the language asked for (Accept-Language)")


class ImportReport(View):
    rows: list[ImportRow]
    created: int
    updated: int
    unchanged: int
    refused: int
    dry_run: bool
