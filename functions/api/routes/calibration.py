"""Match thresholds calibrated per site, unit or device.

They run in the recognition function: a proposal scores the gallery (numpy), and every route needs the active
model's manifest (its id and default threshold), which ships with the vision layer.
"""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.calibration import (
    AppliedThreshold,
    Proposal,
    ProposalQuery,
    SetThreshold,
    ThresholdHistory,
    ThresholdList,
)
from chamcong.services import calibration

routes = Routes("calibration", "Ngưỡng nhận diện theo cơ quan, đơn vị, thiết bị — match thresholds per site, unit, "
                               "device")

SCOPE_ERRORS = ("unknown_threshold_scope", "unit_not_found", "device_not_found")


@routes.route("/v1/thresholds/proposal", "GET", summary="Propose a threshold for a false-match rate, from the "
              "gallery and recent captures", auth="user", permission="recognition:calibrate", query=ProposalQuery,
              response=Proposal, vision=True, errors=(*SCOPE_ERRORS, "threshold_scope_conflict"))
def propose_threshold(ctx: RequestContext) -> dict[str, Any]:
    query = ctx.query
    return calibration.propose(ctx.container, ctx.access, query.fmr, query.unit_id, query.device_id, query.days,
                               query.basis)


@routes.route("/v1/thresholds", "GET", summary="Thresholds set in the caller's reach, each with its previous value",
              auth="user", permission="recognition:calibrate", response=ThresholdList, vision=True)
def list_thresholds(ctx: RequestContext) -> dict[str, Any]:
    return calibration.list_thresholds(ctx.container, ctx.access)


@routes.route("/v1/thresholds/{scope}/{scope_id}", "PUT", summary="Set a scope's threshold (scope: site with id "
              "\"site\", unit or device), audited", auth="user", permission="recognition:calibrate",
              body=SetThreshold, response=AppliedThreshold, vision=True,
              errors=(*SCOPE_ERRORS, "threshold_out_of_range", "conflict"))
def set_threshold(ctx: RequestContext, scope: str, scope_id: str) -> dict[str, Any]:
    body = ctx.body
    return calibration.apply(ctx.container, ctx.access, scope, scope_id, body.threshold, body.reason,
                             body.target_fmr, ctx.source)


@routes.route("/v1/thresholds/{scope}/{scope_id}", "GET", summary="A scope's threshold, what applies there, and "
              "its history", auth="user", permission="recognition:calibrate", response=ThresholdHistory,
              vision=True, errors=SCOPE_ERRORS)
def threshold_history(ctx: RequestContext, scope: str, scope_id: str) -> dict[str, Any]:
    return calibration.history(ctx.container, ctx.access, scope, scope_id)
