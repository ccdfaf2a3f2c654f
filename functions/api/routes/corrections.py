"""Corrections of a person's day."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.corrections import CorrectionList, CorrectionRecord, CorrectionsQuery, CreateCorrection
from chamcong.services import corrections

routes = Routes("corrections", "Điều chỉnh ngày công — corrections of a day")


@routes.route("/v1/corrections", "POST", summary="Correct a person's day, with a reason (kept as an audit trail)",
              auth="user", permission="corrections:write", body=CreateCorrection, response=CorrectionRecord,
              status=201, errors=("staff_not_found", "own_correction", "correction_in_future"))
def create_correction(ctx: RequestContext) -> dict[str, Any]:
    return corrections.create_correction(ctx.container, ctx.access, ctx.body, ctx.source)


@routes.route("/v1/corrections", "GET", summary="Corrections of a unit's day or period, or of one person",
              auth="user", permission="corrections:read", query=CorrectionsQuery, response=CorrectionList,
              errors=("staff_not_found", "unit_not_found"))
def list_corrections(ctx: RequestContext) -> dict[str, Any]:
    q = ctx.query
    return corrections.list_corrections(ctx.access, q.unit_id, q.staff_id, q.date, q.from_, q.to)
