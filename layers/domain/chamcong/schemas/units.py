"""The unit tree and work calendars."""

from __future__ import annotations

from pydantic import EmailStr, Field

from chamcong.schemas.common import Body, Day, Id, Name, View

HH_MM = r"^([01]\d|2[0-3]):[0-5]\d$"
WINDOW = r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$"


class CreateUnit(Body):
    name: Name
    parent_id: Id | None = None
    report_recipients: list[EmailStr] = Field(default_factory=list, max_length=20,
                                              description="Who receives the unit's daily attendance reports")


class UpdateUnit(Body):
    name: Name | None = None
    parent_id: Id | None = Field(default=None, description="Move under this unit (null: to the top)")
    report_recipients: list[EmailStr] | None = Field(default=None, max_length=20)
    wfh_cap_percent: int | None = Field(default=None, ge=0, le=100, description="At most this percent of the unit's "
                                        "staff employed on a day may work from home (null: the default, 50)")


class Unit(View):
    unit_id: str
    name: str
    parent_id: str | None
    report_recipients: list[str]
    wfh_cap_percent: int = Field(description="The work-from-home cap in force, in percent (default 50)")
    created_at: str


class UnitList(View):
    units: list[Unit]


class ScheduleSpec(Body):
    valid_from: Day
    valid_to: Day | None = None
    check_in: str = Field(default="05:30-08:00", pattern=WINDOW)
    check_out: str = Field(default="16:30-18:00", pattern=WINDOW)
    work_start: str = Field(default="07:30", pattern=HH_MM)
    work_end: str = Field(default="17:00", pattern=HH_MM)
    late_grace_minutes: int = Field(default=0, ge=0, le=120)
    early_grace_minutes: int = Field(default=0, ge=0, le=120)
    weekdays: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4], min_length=1, max_length=7,
                                description="0 = Monday … 6 = Sunday")


class HolidaySpec(Body):
    date: Day
    name: Name
    working: bool = Field(default=False, description="True: a make-up working day (a weekend day worked)")


class CalendarUpdate(Body):
    schedules: list[ScheduleSpec] | None = Field(default=None, max_length=50,
                                                 description="None: inherit from the parent unit or the site")
    holidays: list[HolidaySpec] | None = Field(default=None, max_length=500,
                                               description="None: inherit from the parent unit or the site")


class ScheduleView(View):
    valid_from: str
    valid_to: str | None
    check_in: str
    check_out: str
    work_start: str
    work_end: str
    late_grace_minutes: int
    early_grace_minutes: int
    weekdays: list[int]


class HolidayView(View):
    date: str
    name: str
    working: bool


class CalendarView(View):
    scope: str
    schedules: list[ScheduleView]
    holidays: list[HolidayView]
    schedules_from: str = Field(description="Where the schedules come from: this scope, a parent unit, site, "
                                            "or defaults")
    holidays_from: str
