"""Leave, business trips and work from home."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.absences import AbsenceList, AbsenceRecord, AbsencesQuery, CreateAbsence
from chamcong.services import absences

routes = Routes("absences", "Nghỉ phép, công tác, làm việc tại nhà — leave, trips and work from home")


@routes.route("/v1/absences", "POST", summary="Record leave, a business trip or work from home for a person",
              auth="user", permission="absences:write", body=CreateAbsence, response=AbsenceRecord, status=201,
              errors=("staff_not_found", "own_absence", "absence_dates_invalid", "absence_overlaps"))
def create_absence(ctx: RequestContext) -> dict[str, Any]:
    return absences.create_absence(ctx.container, ctx.access, ctx.body, ctx.source)


@routes.route("/v1/absences", "GET", summary="Absences overlapping a period: one person's, a unit's, or every "
              "unit's the caller oversees", auth="user", permission="absences:read", query=AbsencesQuery,
              response=AbsenceList, errors=("staff_not_found", "unit_not_found"))
def list_absences(ctx: RequestContext) -> dict[str, Any]:
    q = ctx.query
    return absences.list_absences(ctx.access, q.unit_id, q.staff_id, q.from_, q.to)


@routes.route("/v1/staff/{staff_id}/absences/{absence_id}", "DELETE", summary="Cancel an absence (the record stays)",
              auth="user", permission="absences:write", response=AbsenceRecord,
              errors=("absence_not_found", "own_absence"))
def cancel_absence(ctx: RequestContext, staff_id: str, absence_id: str) -> dict[str, Any]:
    return absences.cancel_absence(ctx.container, ctx.access, staff_id, absence_id, ctx.source)
