"""Request and response bodies of the HTTP contract. The OpenAPI description is generated from these."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginRequest(Body):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)  # a password is taken as typed

    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=256)


RoleName = Literal["staff", "unit_leader", "unit_admin", "oversight", "system_admin"]
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"


class GrantSpec(Body):
    role: RoleName
    unit_id: str | None = Field(default=None, pattern=ID_PATTERN,
                                description="The unit whose subtree the role covers; null only for system_admin")


class GrantView(BaseModel):
    role: str
    unit_id: str | None


class LoginResponse(BaseModel):
    token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a scheme name
    expires_at: str
    username: str
    roles: list[str]
    grants: list[GrantView]
    must_change_password: bool = Field(description="Only POST /v1/auth/password is allowed until it is changed")
    password_deadline: str | None = Field(description="When the temporary password expires and the account locks")


class ChangePassword(Body):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class CreateAccount(Body):
    username: str = Field(pattern=USERNAME_PATTERN, description="lower-case letters, digits, . _ -; 3 to 64")
    unit_id: str = Field(pattern=ID_PATTERN, description="The unit the account belongs to")
    staff_id: str | None = Field(default=None, pattern=ID_PATTERN, description="The person, for a personal account")
    display_name: str | None = Field(default=None, min_length=1, max_length=200)
    grants: list[GrantSpec] | None = Field(default=None, max_length=20,
                                           description="Default: the role staff for a personal account")
    password_deadline: date | None = Field(default=None, description="A fixed last day for a roll-out; "
                                                                     "default: 5 days from now")


class ResetAccount(Body):
    password_deadline: date | None = None


class LockAccount(Body):
    reason: str = Field(min_length=1, max_length=500)


class Account(BaseModel):
    username: str
    display_name: str | None
    unit_id: str | None
    staff_id: str | None
    grants: list[GrantView]
    status: Literal["active", "locked"]
    lock_reason: str | None
    must_change_password: bool
    password_deadline: str | None
    password_changed_at: str | None
    blocked_until: str | None
    created_at: str
    created_by: str | None


class AccountWithPassword(Account):
    temporary_password: str = Field(description="Shown once; must be changed before password_deadline")


class AccountList(BaseModel):
    accounts: list[Account]


class AuditEntry(BaseModel):
    at: str
    actor: str
    action: str
    outcome: str
    unit_id: str | None
    subject: str | None
    details: dict[str, object]
    source_ip: str | None
    user_agent: str | None


class AuditList(BaseModel):
    entries: list[AuditEntry]
    truncated: bool


class CreateUnit(Body):
    name: str = Field(min_length=1, max_length=200)
    parent_id: str | None = Field(default=None, pattern=ID_PATTERN)
    report_recipients: list[EmailStr] = Field(default_factory=list, max_length=20,
                                              description="Who receives the unit's daily attendance reports")


class UpdateUnit(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    parent_id: str | None = Field(default=None, pattern=ID_PATTERN, description="Move under this unit "
                                                                               "(null: to the top)")
    report_recipients: list[EmailStr] | None = Field(default=None, max_length=20)


class Unit(BaseModel):
    unit_id: str
    name: str
    parent_id: str | None
    report_recipients: list[str]
    created_at: str


class UnitList(BaseModel):
    units: list[Unit]


class CreateStaff(Body):
    full_name: str = Field(min_length=1, max_length=200)
    unit_id: str = Field(pattern=ID_PATTERN)
    email: EmailStr | None = None
    employed_from: date | None = Field(default=None, description="First working day; earlier days are "
                                                                 "'not_employed'")


class Face(BaseModel):
    face_id: str
    staff_id: str
    model_id: str
    quality: dict[str, float]
    created_at: str


class Staff(BaseModel):
    staff_id: str
    full_name: str
    unit_id: str
    email: str | None
    employed_from: str | None = None
    created_at: str
    faces: list[Face] | None = None


class StaffList(BaseModel):
    staff: list[Staff]


class EnrolFace(Body):
    image_b64: str = Field(min_length=1, description="The photo (JPEG or PNG), base64; at most 2 MB of request body")


class CreateDevice(Body):
    name: str = Field(min_length=1, max_length=200)
    unit_id: str = Field(pattern=ID_PATTERN)


class Device(BaseModel):
    device_id: str
    name: str
    unit_id: str
    status: str
    created_at: str
    secret: str | None = Field(default=None, description="Shown once, in the registration response only")


class DeviceList(BaseModel):
    devices: list[Device]


class RecognitionRequest(Body):
    capture_id: str = Field(pattern=ID_PATTERN, description="Unique per device; retries reuse it")
    captured_at: str = Field(description="ISO 8601 with offset, e.g. 2026-11-20T07:31:05+07:00")
    image_b64: str = Field(min_length=1, description="The face crop (JPEG or PNG), base64")


class RecognitionResponse(BaseModel):
    capture_id: str
    result: Literal["matched", "unknown", "no_face"]
    staff_id: str | None
    full_name: str | None
    similarity: float | None
    event: Literal["check_in", "check_out"] | None
    recorded: bool
    captured_at_local: str
    display_message: str = Field(description="What the lobby screen shows, in Vietnamese")


class Event(BaseModel):
    event: Literal["check_in", "check_out"]
    captured_at: str
    captured_at_local: str
    device_id: str
    capture_id: str
    similarity: float
    snapshot_url: str
    snapshot_url_expires_at: str


class EventList(BaseModel):
    staff_id: str
    date: str
    events: list[Event]


DayStatusName = Literal["on_time", "late", "left_early", "missing_check_in", "missing_check_out", "absent",
                        "on_leave", "business_trip", "work_from_home", "holiday", "weekend", "not_employed",
                        "pending"]


class Evidence(BaseModel):
    event: Literal["check_in", "check_out"]
    captured_at_local: str
    device_id: str
    capture_id: str
    snapshot_url: str
    snapshot_url_expires_at: str


class Day(BaseModel):
    staff_id: str
    full_name: str
    date: str
    status: DayStatusName
    flags: list[str] = Field(description="Everything that applies, the most serious first (status is the first)")
    check_in: str | None = Field(description="Local time of the first check-in, HH:MM:SS")
    check_out: str | None = Field(description="Local time of the last check-out, HH:MM:SS")
    late_minutes: int
    early_minutes: int
    holiday: str | None
    evidence: Evidence | None = Field(description="The event that made the day late or early, with its snapshot")
    absence_id: str | None = Field(default=None, description="The leave, trip or work from home that applies")
    correction_id: str | None = Field(default=None, description="The correction that set the status, if any")
    status_before_correction: str | None = Field(default=None, description="What the rules said before it")


class UnitDays(BaseModel):
    unit_id: str
    date: str
    days: list[Day]


class StaffDays(BaseModel):
    staff_id: str
    month: str
    days: list[Day]


class CreateAbsence(Body):
    staff_id: str = Field(pattern=ID_PATTERN)
    kind: Literal["leave", "business_trip", "work_from_home"]
    first_day: date
    last_day: date
    part: Literal["full", "morning", "afternoon"] = Field(default="full", description="A half day applies to "
                                                                                          "every day of the range")
    reason: str = Field(min_length=3, max_length=500)


class AbsenceRecord(BaseModel):
    absence_id: str
    staff_id: str
    unit_id: str
    kind: Literal["leave", "business_trip", "work_from_home"]
    first_day: str
    last_day: str
    part: Literal["full", "morning", "afternoon"]
    reason: str
    created_by: str
    created_at: str
    cancelled_by: str | None
    cancelled_at: str | None


class AbsenceList(BaseModel):
    absences: list[AbsenceRecord]


class CreateCorrection(Body):
    staff_id: str = Field(pattern=ID_PATTERN)
    date: date
    status: DayStatusName
    reason: str = Field(min_length=3, max_length=500)


class CorrectionRecord(BaseModel):
    correction_id: str
    staff_id: str
    unit_id: str
    date: str
    status: DayStatusName
    reason: str
    created_by: str
    created_at: str


class CorrectionList(BaseModel):
    corrections: list[CorrectionRecord]


class ScheduleSpec(Body):
    valid_from: date
    valid_to: date | None = None
    check_in: str = Field(default="05:30-08:00", pattern=r"^\d\d:\d\d-\d\d:\d\d$")
    check_out: str = Field(default="16:30-18:00", pattern=r"^\d\d:\d\d-\d\d:\d\d$")
    work_start: str = Field(default="07:30", pattern=r"^\d\d:\d\d$")
    work_end: str = Field(default="17:00", pattern=r"^\d\d:\d\d$")
    late_grace_minutes: int = Field(default=0, ge=0, le=120)
    early_grace_minutes: int = Field(default=0, ge=0, le=120)
    weekdays: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4], min_length=1, max_length=7,
                                description="0 = Monday … 6 = Sunday")


class HolidaySpec(Body):
    date: date
    name: str = Field(min_length=1, max_length=200)
    working: bool = Field(default=False, description="True: a make-up working day (a weekend day worked)")


class CalendarUpdate(Body):
    schedules: list[ScheduleSpec] | None = Field(default=None, max_length=50,
                                                 description="None: inherit from the parent unit or the site")
    holidays: list[HolidaySpec] | None = Field(default=None, max_length=500,
                                               description="None: inherit from the parent unit or the site")


class CalendarView(BaseModel):
    scope: str
    schedules: list[ScheduleSpec]
    holidays: list[HolidaySpec]
    schedules_from: str = Field(description="Where the schedules come from: this scope, a parent unit, site, "
                                            "or defaults")
    holidays_from: str


class RunDailyReport(Body):
    date: date
    kind: Literal["morning", "evening"]


class ReportOutcome(BaseModel):
    report_id: str
    audience: str
    status: Literal["sent", "already_sent", "in_progress", "archived", "failed"]
    recipients: list[str]
    archive_key: str | None


class DailyReportRun(BaseModel):
    date: str
    kind: Literal["morning", "evening"]
    working_day: bool
    reports: list[ReportOutcome]


class DailyReportEntry(BaseModel):
    report_id: str
    date: str
    kind: Literal["morning", "evening"]
    audience: str  # a unit id, or "district"
    audience_name: str
    status: Literal["sending", "sent", "failed", "archived"]
    recipients: list[str]
    sent_at: str | None
    download: str | None  # the archived e-mail (.eml); None until it is archived
    attachment: str | None  # its CSV


class DailyReportList(BaseModel):
    date: str
    reports: list[DailyReportEntry]


class Error(BaseModel):
    code: str
    message: str
    details: dict[str, object] | None = None
