"""Reading the audit trail."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.audit import AuditList, AuditQuery
from chamcong.services import audit

routes = Routes("audit", "Nhật ký hệ thống — the audit trail")


@routes.route("/v1/audit", "GET", summary="The audit trail, newest first, within the units the caller oversees",
              auth="user", permission="audit:read", query=AuditQuery, response=AuditList)
def read_audit(ctx: RequestContext) -> dict[str, Any]:
    q = ctx.query
    return audit.query(ctx.container, ctx.access, q.from_, q.to, q.actor, q.unit_id, q.action, q.limit)
