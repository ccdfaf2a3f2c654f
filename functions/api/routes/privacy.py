"""Personal data under Decree 13/2023/NĐ-CP: the notice, the person's own data, erasure requests, the dossier."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.common import FileResult
from chamcong.schemas.privacy import (
    CreateErasureRequest,
    ErasureRequest,
    ErasureRequestList,
    ErasureRequestQuery,
    NoticeList,
    NoticeQuery,
    NoticeText,
    PersonalData,
    RefuseErasureRequest,
)
from chamcong.services import dossier, erasure_requests, notices, personal_data

routes = Routes("privacy", "Dữ liệu cá nhân — notices, a person's own data, erasure requests, the dossier")


@routes.route("/v1/privacy/notices", "GET", summary="The versions of the notice of processing of personal data "
              "(every role reads them)", auth="user", permission="staff:read", response=NoticeList)
def list_notices(ctx: RequestContext) -> dict[str, Any]:
    return notices.list_notices(ctx.container, ctx.access)


@routes.route("/v1/privacy/notices/{notice_version}", "GET", summary="A notice's printable text (Markdown), the "
              "deployment's retention and legal basis filled in", auth="user", permission="staff:read",
              query=NoticeQuery, response=NoticeText, errors=("notice_not_found",))
def read_notice(ctx: RequestContext, notice_version: str) -> dict[str, Any]:
    return notices.read_notice(ctx.container, ctx.access, notice_version, ctx.query.lang or ctx.lang)


@routes.route("/v1/staff/{staff_id}/personal-data", "GET", summary="Everything the product holds about a person "
              "(the person, or who may read them); audited", auth="user", permission="staff:read",
              response=PersonalData, errors=("staff_not_found",))
def read_personal_data(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return personal_data.read(ctx.container, ctx.access, staff_id, ctx.source)


@routes.route("/v1/staff/{staff_id}/personal-data/archive", "GET", summary="The same as one .zip with the photos "
              "and snapshots; audited", auth="user", permission="staff:read", errors=("staff_not_found",),
              produces="application/zip")
def download_personal_data(ctx: RequestContext, staff_id: str) -> FileResult:
    return personal_data.archive(ctx.container, ctx.access, staff_id, ctx.source)


@routes.route("/v1/staff/{staff_id}/erasure-requests", "POST", summary="Ask for the erasure of a person's "
              "biometric data or of the person (by the person, or their unit admin)", auth="user",
              permission="privacy:request", body=CreateErasureRequest, response=ErasureRequest, status=201,
              errors=("staff_not_found", "erasure_request_pending", "conflict"))
def create_erasure_request(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return erasure_requests.create(ctx.container, ctx.access, staff_id, ctx.body, ctx.source)


@routes.route("/v1/erasure-requests", "GET", summary="The erasure requests of a unit, or of every unit you answer "
              "for", auth="user", permission="privacy:erasure", query=ErasureRequestQuery,
              response=ErasureRequestList)
def list_erasure_requests(ctx: RequestContext) -> dict[str, Any]:
    return erasure_requests.list_requests(ctx.access, ctx.query.unit_id, ctx.query.status)


@routes.route("/v1/erasure-requests/{request_id}/complete", "POST", summary="Erase as asked: every face photo "
              "and embedding, or the person", auth="user", permission="privacy:erasure", response=ErasureRequest,
              vision=True, errors=("erasure_request_not_found", "erasure_request_decided", "staff_not_found",
                                   "face_not_found", "conflict"))
def complete_erasure_request(ctx: RequestContext, request_id: str) -> dict[str, Any]:
    return erasure_requests.complete(ctx.container, ctx.access, request_id, ctx.source)


@routes.route("/v1/erasure-requests/{request_id}/refuse", "POST", summary="Refuse an erasure request, with the "
              "reason the person reads", auth="user", permission="privacy:erasure", body=RefuseErasureRequest,
              response=ErasureRequest, errors=("erasure_request_not_found", "erasure_request_decided", "conflict"))
def refuse_erasure_request(ctx: RequestContext, request_id: str) -> dict[str, Any]:
    return erasure_requests.refuse(ctx.container, ctx.access, request_id, ctx.body.reason, ctx.source)


@routes.route("/v1/privacy/dossier", "GET", summary="The impact-assessment dossier (Decree 13/2023 Art. 24) as a "
              ".docx, regenerated when the configuration changes", auth="user", permission="dossier:read",
              produces="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
def download_dossier(ctx: RequestContext) -> FileResult:
    return dossier.download(ctx.container, ctx.access)
