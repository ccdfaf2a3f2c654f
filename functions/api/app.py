"""The HTTP API (API Gateway REST → Lambda). Routes only: parse, call one service, return its data.

Deployed as two functions from this same code (see template.yaml): routes marked `vision=True` run
the face engine and go to the function with the OpenCV layer; the others stay light.
"""

from __future__ import annotations

from typing import Any

from chalice import Chalice

from chamcong import schemas
from chamcong.access import SELF
from chamcong.http import DEVICE, PUBLIC, ApiRouter, FileResult, RequestContext
from chamcong.services import (
    absences,
    accounts,
    attendance,
    audit,
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
PASSWORD_ERRORS = ("password_too_short", "password_too_long", "password_contains_username", "password_too_common",
                   "password_reused")


@api.route("/v1/openapi.json", "GET", summary="This API's OpenAPI description", auth="public", permission=PUBLIC)
def openapi(ctx: RequestContext) -> dict[str, Any]:
    return api.openapi("Chấm công khuôn mặt — HTTP API", "1.0")


# --- signing in and one's own account --------------------------------------------------------------

@api.route("/v1/auth/login", "POST", summary="Sign in; returns a bearer token, and whether the password must be "
           "changed first", auth="public", permission=PUBLIC, body=schemas.LoginRequest,
           response=schemas.LoginResponse, errors=("invalid_credentials", "login_blocked", "account_locked",
                                                   "password_expired"))
def login(ctx: RequestContext) -> dict[str, Any]:
    return auth.login(ctx.container, ctx.body.username, ctx.body.password, ctx.source)


@api.route("/v1/auth/password", "POST", summary="Change one's own password (a temporary one must be changed "
           "before its deadline); every other token is revoked", auth="user", permission=SELF,
           body=schemas.ChangePassword, response=schemas.LoginResponse,
           errors=("current_password_wrong", *PASSWORD_ERRORS))
def change_password(ctx: RequestContext) -> dict[str, Any]:
    ctx.access.acknowledge()
    return auth.change_password(ctx.container, ctx.access.principal, ctx.body.current_password,
                                ctx.body.new_password, ctx.source)


@api.route("/v1/auth/logout", "POST", summary="Sign out: this token stops working", auth="user", permission=SELF,
           status=204)
def logout(ctx: RequestContext) -> None:
    ctx.access.acknowledge()
    auth.logout(ctx.request.headers.get("authorization"))


@api.route("/v1/auth/me", "GET", summary="The signed-in account", auth="user", permission=SELF,
           response=schemas.Account)
def me(ctx: RequestContext) -> dict[str, Any]:
    return accounts.read_account(ctx.access, ctx.access.username)


# --- accounts and roles ------------------------------------------------------------------------------

@api.route("/v1/accounts", "POST", summary="Create an account with a one-time temporary password (shown once)",
           auth="user", permission="accounts:write", body=schemas.CreateAccount,
           response=schemas.AccountWithPassword, status=201,
           errors=("username_taken", "staff_not_in_unit", "staff_role_needs_person", "password_deadline_invalid"))
def create_account(ctx: RequestContext) -> dict[str, Any]:
    return accounts.create_account(ctx.container, ctx.access, ctx.body, ctx.source)


@api.route("/v1/accounts", "GET", summary="Accounts of a unit, or of every unit in the caller's scope", auth="user",
           permission="accounts:read", response=schemas.AccountList, query={"unit_id": "one unit (optional)"})
def list_accounts(ctx: RequestContext) -> dict[str, Any]:
    return accounts.list_accounts(ctx.access, ctx.query.get("unit_id"))


@api.route("/v1/accounts/{username}", "GET", summary="One account", auth="user", permission="accounts:read",
           response=schemas.Account)
def read_account(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.read_account(ctx.access, username)


@api.route("/v1/accounts/{username}/reset", "POST", summary="Issue a new temporary password with a new deadline "
           "(opens a locked account; revokes its tokens)", auth="user", permission="accounts:write",
           body=schemas.ResetAccount, response=schemas.AccountWithPassword, errors=("password_deadline_invalid",))
def reset_account(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.reset_account(ctx.container, ctx.access, username, ctx.body, ctx.source)


@api.route("/v1/accounts/{username}/lock", "POST", summary="Lock an account (its tokens stop working)",
           auth="user", permission="accounts:write", body=schemas.LockAccount, response=schemas.Account)
def lock_account(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.lock_account(ctx.container, ctx.access, username, ctx.body, ctx.source)


@api.route("/v1/accounts/{username}/unlock", "POST", summary="Unlock an account an admin locked, or one blocked "
           "after failed sign-ins", auth="user", permission="accounts:write", response=schemas.Account,
           errors=("reset_required",))
def unlock_account(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.unlock_account(ctx.container, ctx.access, username, ctx.source)


@api.route("/v1/accounts/{username}/roles", "POST", summary="Grant a role on a unit's subtree", auth="user",
           permission="roles:write", body=schemas.GrantSpec, response=schemas.Account,
           errors=("staff_role_needs_person",))
def grant_role(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.grant_role(ctx.container, ctx.access, username, ctx.body, ctx.source)


@api.route("/v1/accounts/{username}/roles/{role}", "DELETE", summary="Revoke a role", auth="user",
           permission="roles:write", response=schemas.Account,
           query={"unit_id": "the unit it was granted on (omit for system_admin)"})
def revoke_role(ctx: RequestContext, username: str, role: str) -> dict[str, Any]:
    return accounts.revoke_role(ctx.container, ctx.access, username, role, ctx.query.get("unit_id"), ctx.source)


@api.route("/v1/audit", "GET", summary="The audit trail, newest first, within the units the caller oversees",
           auth="user", permission="audit:read", response=schemas.AuditList,
           query={"from": "YYYY-MM-DD (required)", "to": "YYYY-MM-DD (required, at most 92 days)",
                  "actor": "a username", "unit_id": "a unit", "action": "e.g. login, account.reset",
                  "limit": "1 … 500 (default 100)"})
def read_audit(ctx: RequestContext) -> dict[str, Any]:
    q = ctx.query
    return audit.query(ctx.container, ctx.access, q.get("from"), q.get("to"), q.get("actor"), q.get("unit_id"),
                       q.get("action"), q.get("limit"))


# --- the unit tree -----------------------------------------------------------------------------------

@api.route("/v1/units", "POST", summary="Create a unit under one in the caller's scope", auth="user",
           permission="units:write", body=schemas.CreateUnit, response=schemas.Unit, status=201)
def create_unit(ctx: RequestContext) -> dict[str, Any]:
    return units.create_unit(ctx.container, ctx.access, ctx.body, ctx.source)


@api.route("/v1/units", "GET", summary="The units in the caller's scope", auth="user", permission="units:read",
           response=schemas.UnitList)
def list_units(ctx: RequestContext) -> dict[str, Any]:
    return units.list_units(ctx.access)


@api.route("/v1/units/{unit_id}", "GET", summary="One unit", auth="user", permission="units:read",
           response=schemas.Unit)
def read_unit(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return units.read_unit(ctx.access, unit_id)


@api.route("/v1/units/{unit_id}", "PATCH", summary="Rename a unit, set its report recipients, or move it",
           auth="user", permission="units:write", body=schemas.UpdateUnit, response=schemas.Unit,
           errors=("unit_move_cycle",))
def update_unit(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return units.update_unit(ctx.container, ctx.access, unit_id, ctx.body, ctx.source)


@api.route("/v1/units/{unit_id}", "DELETE", summary="Remove an empty unit", auth="user", permission="units:write",
           status=204)
def delete_unit(ctx: RequestContext, unit_id: str) -> None:
    units.delete_unit(ctx.container, ctx.access, unit_id, ctx.source)


# --- staff and their faces ---------------------------------------------------------------------------

@api.route("/v1/staff", "POST", summary="Create a staff record", auth="user", permission="staff:write",
           body=schemas.CreateStaff, response=schemas.Staff, status=201)
def create_staff(ctx: RequestContext) -> dict[str, Any]:
    return staff.create_staff(ctx.container, ctx.access, ctx.body, ctx.source)


@api.route("/v1/staff", "GET", summary="List the staff of a unit", auth="user", permission="staff:read",
           response=schemas.StaffList, query={"unit_id": "the unit (required)"})
def list_staff(ctx: RequestContext) -> dict[str, Any]:
    return staff.list_staff(ctx.access, ctx.required_query("unit_id"))


@api.route("/v1/staff/{staff_id}", "GET", summary="A staff record with its enrolled faces", auth="user",
           permission="staff:read", response=schemas.Staff)
def read_staff(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return staff.read_staff(ctx.access, staff_id)


@api.route("/v1/staff/{staff_id}", "DELETE", summary="Remove a person with their photos and embeddings",
           auth="user", permission="staff:write", status=204, vision=True)
def remove_staff(ctx: RequestContext, staff_id: str) -> None:
    staff.remove_staff(ctx.container, ctx.access, staff_id, ctx.source)


@api.route("/v1/staff/{staff_id}/faces", "POST", summary="Enrol a face photo", auth="user",
           permission="faces:write", body=schemas.EnrolFace, response=schemas.Face, status=201, vision=True,
           errors=ENROL_ERRORS)
def enrol_face(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return enrolment.enrol_face(ctx.container, ctx.access, staff_id, ctx.body.image_b64, ctx.source)


@api.route("/v1/staff/{staff_id}/faces/{face_id}", "DELETE", summary="Remove one enrolled photo", auth="user",
           permission="faces:write", status=204, vision=True)
def remove_face(ctx: RequestContext, staff_id: str, face_id: str) -> None:
    enrolment.remove_face(ctx.container, ctx.access, staff_id, face_id, ctx.source)


# --- lobby devices -----------------------------------------------------------------------------------

@api.route("/v1/devices", "POST", summary="Register a lobby device; the secret is shown once", auth="user",
           permission="devices:write", body=schemas.CreateDevice, response=schemas.Device, status=201)
def register_device(ctx: RequestContext) -> dict[str, Any]:
    return devices.register_device(ctx.container, ctx.access, ctx.body, ctx.source)


@api.route("/v1/devices", "GET", summary="Lobby devices in the caller's scope (never their secrets)", auth="user",
           permission="devices:read", response=schemas.DeviceList, query={"unit_id": "one unit (optional)"})
def list_devices(ctx: RequestContext) -> dict[str, Any]:
    return devices.list_devices(ctx.access, ctx.query.get("unit_id"))


@api.route("/v1/devices/{device_id}/rotate", "POST", summary="Give a device a new secret (shown once; the old "
           "one stops working)", auth="user", permission="devices:write", response=schemas.Device,
           errors=("device_revoked",))
def rotate_device(ctx: RequestContext, device_id: str) -> dict[str, Any]:
    return devices.rotate_device(ctx.container, ctx.access, device_id, ctx.source)


@api.route("/v1/devices/{device_id}/revoke", "POST", summary="Revoke a device for good", auth="user",
           permission="devices:write", response=schemas.Device)
def revoke_device(ctx: RequestContext, device_id: str) -> dict[str, Any]:
    return devices.revoke_device(ctx.container, ctx.access, device_id, ctx.source)


@api.route("/v1/recognitions", "POST", summary="A signed face crop from a lobby device", auth="device",
           permission=DEVICE, body=schemas.RecognitionRequest, response=schemas.RecognitionResponse, vision=True,
           errors=("captured_at_in_future", "captured_at_too_old", "capture_conflict", "capture_in_progress"))
def recognise(ctx: RequestContext) -> dict[str, Any]:
    assert ctx.device is not None
    return recognition.recognise(ctx.container, ctx.device, ctx.raw_body, ctx.body)


# --- attendance --------------------------------------------------------------------------------------

@api.route("/v1/staff/{staff_id}/events", "GET", summary="Recorded events of a day, with evidence links",
           auth="user", permission="events:read", response=schemas.EventList,
           query={"date": "YYYY-MM-DD in the site's timezone (default today)"})
def list_events(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return events.list_events(ctx.container, ctx.access, staff_id, ctx.query.get("date"))


@api.route("/v1/attendance/days", "GET", summary="A unit's working day: one row per person, with evidence",
           auth="user", permission="attendance:read", response=schemas.UnitDays,
           query={"unit_id": "the unit (required)", "date": "YYYY-MM-DD in the site's timezone (default today)"})
def unit_days(ctx: RequestContext) -> dict[str, Any]:
    unit_id = ctx.required_query("unit_id")
    ctx.access.require_unit("attendance:read", unit_id)  # before any evidence link is made
    return attendance.unit_days(ctx.container, unit_id, ctx.query.get("date"))


@api.route("/v1/staff/{staff_id}/days", "GET", summary="Every day of a month for one person",
           auth="user", permission="attendance:read", response=schemas.StaffDays,
           query={"month": "YYYY-MM (default this month)"})
def staff_days(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return attendance.staff_days(ctx.container, ctx.access, staff_id, ctx.query.get("month"))


@api.route("/v1/absences", "POST", summary="Record leave, a business trip or work from home for a person",
           auth="user", permission="absences:write", body=schemas.CreateAbsence, response=schemas.AbsenceRecord,
           status=201, errors=("own_absence", "absence_dates_invalid", "absence_overlaps"))
def create_absence(ctx: RequestContext) -> dict[str, Any]:
    return absences.create_absence(ctx.container, ctx.access, ctx.body, ctx.source)


@api.route("/v1/absences", "GET", summary="Absences overlapping a period: one person's, a unit's, or every unit's "
           "the caller oversees", auth="user", permission="absences:read", response=schemas.AbsenceList,
           query={"unit_id": "one unit", "staff_id": "one person", "from": "YYYY-MM-DD (required)",
                  "to": "YYYY-MM-DD (required)"})
def list_absences(ctx: RequestContext) -> dict[str, Any]:
    return absences.list_absences(ctx.access, ctx.query.get("unit_id"), ctx.query.get("staff_id"),
                                  ctx.required_query("from"), ctx.required_query("to"))


@api.route("/v1/staff/{staff_id}/absences/{absence_id}", "DELETE", summary="Cancel an absence (the record stays)",
           auth="user", permission="absences:write", response=schemas.AbsenceRecord, errors=("own_absence",))
def cancel_absence(ctx: RequestContext, staff_id: str, absence_id: str) -> dict[str, Any]:
    return absences.cancel_absence(ctx.container, ctx.access, staff_id, absence_id, ctx.source)


@api.route("/v1/corrections", "POST", summary="Correct a person's day, with a reason (kept as an audit trail)",
           auth="user", permission="corrections:write", body=schemas.CreateCorrection,
           response=schemas.CorrectionRecord, status=201, errors=("own_correction", "correction_in_future"))
def create_correction(ctx: RequestContext) -> dict[str, Any]:
    return absences.create_correction(ctx.container, ctx.access, ctx.body, ctx.source)


@api.route("/v1/corrections", "GET", summary="Corrections of a unit's day, or of one person",
           auth="user", permission="corrections:read", response=schemas.CorrectionList,
           query={"unit_id": "the unit (with date)", "staff_id": "one person (instead of unit_id)",
                  "date": "YYYY-MM-DD"})
def list_corrections(ctx: RequestContext) -> dict[str, Any]:
    return absences.list_corrections(ctx.access, ctx.query.get("unit_id"), ctx.query.get("staff_id"),
                                     ctx.query.get("date"))


@api.route("/v1/reports/daily/run", "POST", summary="Run a day's morning or evening reports again (sent ones are "
           "not sent twice)", auth="user", permission="reports:run", body=schemas.RunDailyReport,
           response=schemas.DailyReportRun, errors=("reports_failed",))
def run_daily_report(ctx: RequestContext) -> dict[str, Any]:
    ctx.access.require_site("reports:run")  # every unit's reports and the district summary
    return reports.run_daily(ctx.container, ctx.body.date, ctx.body.kind)


@api.route("/v1/reports/daily", "GET", summary="A day's daily reports the caller may read, with download paths",
           auth="user", permission="reports:read", response=schemas.DailyReportList,
           query={"date": "YYYY-MM-DD in the site's timezone (default today)"})
def list_daily_reports(ctx: RequestContext) -> dict[str, Any]:
    return reports.list_daily(ctx.container, ctx.access, ctx.query.get("date"))


@api.route("/v1/reports/daily/{date}/{kind}/{audience}", "GET", summary="An archived daily report as the e-mail "
           "sent (message/rfc822, an .eml file); audience is a unit id or \"district\"", auth="user",
           permission="reports:read", errors=("report_not_found",))
def download_daily_report(ctx: RequestContext, date: str, kind: str, audience: str) -> FileResult:
    archived = reports.read_daily(ctx.container, ctx.access, date, kind, audience)
    _, csv_name = reports.attachment_of(archived)
    return FileResult(archived, "message/rfc822", csv_name.removesuffix(".csv") + ".eml")


@api.route("/v1/reports/daily/{date}/{kind}/{audience}/attachment", "GET", summary="The CSV attached to an "
           "archived daily report", auth="user", permission="reports:read", errors=("report_not_found",))
def download_daily_report_attachment(ctx: RequestContext, date: str, kind: str, audience: str) -> FileResult:
    data, name = reports.attachment_of(reports.read_daily(ctx.container, ctx.access, date, kind, audience))
    return FileResult(data, "text/csv; charset=utf-8", name)


@api.route("/v1/calendars/site", "GET", summary="The site's work calendar (hours by date range, holidays)",
           auth="user", permission="calendars:read", response=schemas.CalendarView)
def read_site_calendar(ctx: RequestContext) -> dict[str, Any]:
    return calendars.read_calendar(ctx.container, ctx.access, None)


@api.route("/v1/calendars/site", "PUT", summary="Set the site's hours and holidays (units inherit them)",
           auth="user", permission="calendars:write", body=schemas.CalendarUpdate, response=schemas.CalendarView,
           errors=("calendar_invalid",))
def write_site_calendar(ctx: RequestContext) -> dict[str, Any]:
    return calendars.write_calendar(ctx.container, ctx.access, None, ctx.body, ctx.source)


@api.route("/v1/units/{unit_id}/calendar", "GET", summary="The calendar that applies to a unit, and where each "
           "part comes from", auth="user", permission="calendars:read", response=schemas.CalendarView)
def read_unit_calendar(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return calendars.read_calendar(ctx.container, ctx.access, unit_id)


@api.route("/v1/units/{unit_id}/calendar", "PUT", summary="Give a unit its own hours or holidays (null: inherit)",
           auth="user", permission="calendars:write", body=schemas.CalendarUpdate, response=schemas.CalendarView,
           errors=("calendar_invalid",))
def write_unit_calendar(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return calendars.write_calendar(ctx.container, ctx.access, unit_id, ctx.body, ctx.source)
