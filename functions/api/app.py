"""The HTTP API (API Gateway REST → Lambda). Routes only: parse, call one service, return its data.

Deployed as two functions from this same code (see template.yaml): routes marked `vision=True` run
the face engine and go to the function with the OpenCV layer; the others stay light.
"""

from __future__ import annotations

from typing import Any

from chalice import Chalice

from chamcong import schemas
from chamcong.http import ApiRouter, RequestContext
from chamcong.services import (
    absences,
    attendance,
    auth,
    calendars,
    devices,
    enrolment,
    events,
    recognition,
    reports,
    staff,
    units,
)

app = Chalice(app_name="chamcong-api")
api = ApiRouter(app)

ENROL_ERRORS = ("no_face", "multiple_faces", "face_too_small", "too_blurry", "duplicate_person")


@api.route("/v1/openapi.json", "GET", summary="This API's OpenAPI description", auth="public")
def openapi(ctx: RequestContext) -> dict[str, Any]:
    return api.openapi("Chấm công khuôn mặt — HTTP API", "1.0")


@api.route("/v1/auth/login", "POST", summary="Sign in; returns a bearer token", auth="public",
           body=schemas.LoginRequest, response=schemas.LoginResponse, errors=("invalid_credentials",))
def login(ctx: RequestContext) -> dict[str, Any]:
    return auth.login(ctx.body.username, ctx.body.password, ctx.now, ctx.container.settings.token_ttl_seconds)


@api.route("/v1/units", "POST", summary="Create a unit", auth="user", permission="units:write",
           body=schemas.CreateUnit, response=schemas.Unit, status=201)
def create_unit(ctx: RequestContext) -> dict[str, Any]:
    return units.create_unit(ctx.body)


@api.route("/v1/units", "GET", summary="List units", auth="user", permission="units:read",
           response=schemas.UnitList)
def list_units(ctx: RequestContext) -> dict[str, Any]:
    return units.list_units()


@api.route("/v1/staff", "POST", summary="Create a staff record", auth="user", permission="staff:write",
           body=schemas.CreateStaff, response=schemas.Staff, status=201)
def create_staff(ctx: RequestContext) -> dict[str, Any]:
    return staff.create_staff(ctx.body)


@api.route("/v1/staff", "GET", summary="List the staff of a unit", auth="user", permission="staff:read",
           response=schemas.StaffList, query={"unit_id": "the unit (required)"})
def list_staff(ctx: RequestContext) -> dict[str, Any]:
    return staff.list_staff(ctx.required_query("unit_id"))


@api.route("/v1/staff/{staff_id}", "GET", summary="A staff record with its enrolled faces", auth="user",
           permission="staff:read", response=schemas.Staff)
def read_staff(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return staff.read_staff(staff_id)


@api.route("/v1/staff/{staff_id}", "DELETE", summary="Remove a person with their photos and embeddings",
           auth="user", permission="staff:write", status=204, vision=True)
def remove_staff(ctx: RequestContext, staff_id: str) -> None:
    staff.remove_staff(ctx.container, staff_id)


@api.route("/v1/staff/{staff_id}/faces", "POST", summary="Enrol a face photo", auth="user",
           permission="faces:write", body=schemas.EnrolFace, response=schemas.Face, status=201, vision=True,
           errors=ENROL_ERRORS)
def enrol_face(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return enrolment.enrol_face(ctx.container, staff_id, ctx.body.image_b64)


@api.route("/v1/staff/{staff_id}/faces/{face_id}", "DELETE", summary="Remove one enrolled photo", auth="user",
           permission="faces:write", status=204, vision=True)
def remove_face(ctx: RequestContext, staff_id: str, face_id: str) -> None:
    enrolment.remove_face(ctx.container, staff_id, face_id)


@api.route("/v1/devices", "POST", summary="Register a lobby device; the secret is shown once", auth="user",
           permission="devices:write", body=schemas.CreateDevice, response=schemas.Device, status=201)
def register_device(ctx: RequestContext) -> dict[str, Any]:
    return devices.register_device(ctx.body)


@api.route("/v1/recognitions", "POST", summary="A signed face crop from a lobby device", auth="device",
           body=schemas.RecognitionRequest, response=schemas.RecognitionResponse, vision=True,
           errors=("captured_at_in_future", "captured_at_too_old", "capture_conflict", "capture_in_progress"))
def recognise(ctx: RequestContext) -> dict[str, Any]:
    assert ctx.device is not None
    return recognition.recognise(ctx.container, ctx.device, ctx.raw_body, ctx.body)


@api.route("/v1/staff/{staff_id}/events", "GET", summary="Recorded events of a day, with evidence links",
           auth="user", permission="events:read", response=schemas.EventList,
           query={"date": "YYYY-MM-DD in the site's timezone (default today)"})
def list_events(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return events.list_events(ctx.container, staff_id, ctx.query.get("date"))


@api.route("/v1/attendance/days", "GET", summary="A unit's working day: one row per person, with evidence",
           auth="user", permission="attendance:read", response=schemas.UnitDays,
           query={"unit_id": "the unit (required)", "date": "YYYY-MM-DD in the site's timezone (default today)"})
def unit_days(ctx: RequestContext) -> dict[str, Any]:
    return attendance.unit_days(ctx.container, ctx.required_query("unit_id"), ctx.query.get("date"))


@api.route("/v1/staff/{staff_id}/days", "GET", summary="Every day of a month for one person",
           auth="user", permission="attendance:read", response=schemas.StaffDays,
           query={"month": "YYYY-MM (default this month)"})
def staff_days(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return attendance.staff_days(ctx.container, staff_id, ctx.query.get("month"))


@api.route("/v1/absences", "POST", summary="Record leave, a business trip or work from home for a person",
           auth="user", permission="absences:write", body=schemas.CreateAbsence, response=schemas.AbsenceRecord,
           status=201, errors=("own_absence", "absence_dates_invalid", "absence_overlaps"))
def create_absence(ctx: RequestContext) -> dict[str, Any]:
    return absences.create_absence(ctx.container, ctx.user, ctx.body)


@api.route("/v1/absences", "GET", summary="Absences overlapping a period, for a unit or for every unit",
           auth="user", permission="absences:read", response=schemas.AbsenceList,
           query={"unit_id": "the unit (omit for every unit)", "from": "YYYY-MM-DD (required)",
                  "to": "YYYY-MM-DD (required)"})
def list_absences(ctx: RequestContext) -> dict[str, Any]:
    return absences.list_absences(ctx.query.get("unit_id"), ctx.required_query("from"), ctx.required_query("to"))


@api.route("/v1/staff/{staff_id}/absences/{absence_id}", "DELETE", summary="Cancel an absence (the record stays)",
           auth="user", permission="absences:write", response=schemas.AbsenceRecord, errors=("own_absence",))
def cancel_absence(ctx: RequestContext, staff_id: str, absence_id: str) -> dict[str, Any]:
    return absences.cancel_absence(ctx.container, ctx.user, staff_id, absence_id)


@api.route("/v1/corrections", "POST", summary="Correct a person's day, with a reason (kept as an audit trail)",
           auth="user", permission="corrections:write", body=schemas.CreateCorrection,
           response=schemas.CorrectionRecord, status=201, errors=("own_correction", "correction_in_future"))
def create_correction(ctx: RequestContext) -> dict[str, Any]:
    return absences.create_correction(ctx.container, ctx.user, ctx.body)


@api.route("/v1/corrections", "GET", summary="Corrections of a unit's day, or of one person",
           auth="user", permission="corrections:read", response=schemas.CorrectionList,
           query={"unit_id": "the unit (with date)", "staff_id": "one person (instead of unit_id)",
                  "date": "YYYY-MM-DD"})
def list_corrections(ctx: RequestContext) -> dict[str, Any]:
    return absences.list_corrections(ctx.query.get("unit_id"), ctx.query.get("staff_id"), ctx.query.get("date"))


@api.route("/v1/reports/daily/run", "POST", summary="Run a day's morning or evening reports again (sent ones are "
           "not sent twice)", auth="user", permission="reports:run", body=schemas.RunDailyReport,
           response=schemas.DailyReportRun, errors=("reports_failed",))
def run_daily_report(ctx: RequestContext) -> dict[str, Any]:
    return reports.run_daily(ctx.container, ctx.body.date, ctx.body.kind)


@api.route("/v1/calendars/site", "GET", summary="The site's work calendar (hours by date range, holidays)",
           auth="user", permission="calendars:read", response=schemas.CalendarView)
def read_site_calendar(ctx: RequestContext) -> dict[str, Any]:
    return calendars.read_calendar(ctx.container, None)


@api.route("/v1/calendars/site", "PUT", summary="Set the site's hours and holidays (units inherit them)",
           auth="user", permission="calendars:write", body=schemas.CalendarUpdate, response=schemas.CalendarView,
           errors=("calendar_invalid",))
def write_site_calendar(ctx: RequestContext) -> dict[str, Any]:
    return calendars.write_calendar(ctx.container, ctx.user, None, ctx.body)


@api.route("/v1/units/{unit_id}/calendar", "GET", summary="The calendar that applies to a unit, and where each "
           "part comes from", auth="user", permission="calendars:read", response=schemas.CalendarView)
def read_unit_calendar(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return calendars.read_calendar(ctx.container, unit_id)


@api.route("/v1/units/{unit_id}/calendar", "PUT", summary="Give a unit its own hours or holidays (null: inherit)",
           auth="user", permission="calendars:write", body=schemas.CalendarUpdate, response=schemas.CalendarView,
           errors=("calendar_invalid",))
def write_unit_calendar(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return calendars.write_calendar(ctx.container, ctx.user, unit_id, ctx.body)
