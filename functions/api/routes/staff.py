"""Staff records and their enrolled face photos (enrolment runs the face engine)."""

from __future__ import annotations

from typing import Any

from chamcong.http import RequestContext, Routes
from chamcong.schemas.staff import (
    MAX_BATCH_BODY_BYTES,
    MAX_IMPORT_BODY_BYTES,
    CreateStaff,
    CreateTransfer,
    EnrolFace,
    EnrolFaces,
    EnrolmentBatch,
    Face,
    ImportReport,
    ImportStaff,
    Staff,
    StaffList,
    StaffQuery,
    TransferHistory,
    UpdateStaff,
)
from chamcong.services import enrolment, staff, staff_import

routes = Routes("staff", "Cán bộ và ảnh khuôn mặt — staff and their enrolled faces")

# The notice of processing recorded with the photos (Decree 13/2023): checked before any photo is taken in.
NOTICE_ERRORS = ("notice_not_found", "consent_required", "notice_given_in_future")
ENROL_ERRORS = ("staff_not_found", "invalid_base64", "invalid_image", "image_too_large", "no_face", "multiple_faces",
                "face_too_small", "face_not_frontal", "too_blurry", "duplicate_person", "conflict", *NOTICE_ERRORS)


@routes.route("/v1/staff", "POST", summary="Create a staff record", auth="user", permission="staff:write",
              body=CreateStaff, response=Staff, status=201,
              errors=("unit_not_found", "employee_code_taken", "conflict"))
def create_staff(ctx: RequestContext) -> dict[str, Any]:
    return staff.create_staff(ctx.container, ctx.access, ctx.body, ctx.source)


@routes.route("/v1/staff", "GET", summary="The staff of a unit, or of every unit in the caller's scope",
              auth="user", permission="staff:read", query=StaffQuery, response=StaffList, errors=("unit_not_found",))
def list_staff(ctx: RequestContext) -> dict[str, Any]:
    return staff.list_staff(ctx.access, ctx.query.unit_id, ctx.query.employee_code)


# Each row's refusal is in its result (a code with its message); the file as a whole answers only these.
@routes.route("/v1/staff/import", "POST", summary="Create or update staff from a spreadsheet (.xlsx or .csv)",
              auth="user", permission="staff:write", body=ImportStaff, response=ImportReport,
              errors=("import_file_invalid", "import_columns_missing", "import_too_large"),
              max_body_bytes=MAX_IMPORT_BODY_BYTES)
def import_staff(ctx: RequestContext) -> dict[str, Any]:
    return staff_import.import_staff(ctx.container, ctx.access, ctx.body, ctx.source, ctx.lang)


@routes.route("/v1/staff/{staff_id}", "GET", summary="A staff record with its enrolled faces", auth="user",
              permission="staff:read", response=Staff, errors=("staff_not_found",))
def read_staff(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return staff.read_staff(ctx.access, staff_id)


@routes.route("/v1/staff/{staff_id}", "PATCH", summary="Rename, re-address, re-code or move a person",
              auth="user", permission="staff:write", body=UpdateStaff, response=Staff,
              errors=("staff_not_found", "unit_not_found", "employee_code_taken", "transfer_before_employment",
                      "transfer_before_last", "conflict"))
def update_staff(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return staff.update_staff(ctx.container, ctx.access, staff_id, ctx.body, ctx.source)


@routes.route("/v1/staff/{staff_id}/transfers", "POST",
              summary="Move a person to another unit from an effective day (both units in your scope)", auth="user",
              permission="staff:write", body=CreateTransfer, response=TransferHistory, status=201,
              errors=("staff_not_found", "unit_not_found", "transfer_same_unit", "transfer_in_future",
                      "transfer_before_employment", "transfer_before_last", "conflict"))
def transfer_staff(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return staff.transfer(ctx.container, ctx.access, staff_id, ctx.body, ctx.source)


@routes.route("/v1/staff/{staff_id}/transfers", "GET", summary="A person's moves between units, oldest first",
              auth="user", permission="staff:read", response=TransferHistory, errors=("staff_not_found",))
def read_transfers(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return staff.read_transfers(ctx.access, staff_id)


@routes.route("/v1/staff/{staff_id}", "DELETE", summary="Remove a person with their photos and embeddings",
              auth="user", permission="staff:write", status=204, vision=True, errors=("staff_not_found", "conflict"))
def remove_staff(ctx: RequestContext, staff_id: str) -> None:
    staff.remove_staff(ctx.container, ctx.access, staff_id, ctx.source)


@routes.route("/v1/staff/{staff_id}/faces", "POST", summary="Enrol a face photo", auth="user",
              permission="faces:write", body=EnrolFace, response=Face, status=201, vision=True, errors=ENROL_ERRORS)
def enrol_face(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return enrolment.enrol_face(ctx.container, ctx.access, staff_id, ctx.body.image_b64, ctx.source, ctx.body.notice)


# Each photo's refusal is in its result (a code of ENROL_ERRORS with its message); the batch itself answers
# only these. Its body may be larger than other routes' (see MAX_BATCH_BODY_BYTES).
@routes.route("/v1/staff/{staff_id}/faces/batch", "POST", summary="Enrol up to 5 face photos, each judged on its own",
              auth="user", permission="faces:write", body=EnrolFaces, response=EnrolmentBatch, vision=True,
              errors=("staff_not_found", "conflict", *NOTICE_ERRORS), max_body_bytes=MAX_BATCH_BODY_BYTES)
def enrol_faces(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return enrolment.enrol_faces(ctx.container, ctx.access, staff_id, ctx.body.images_b64, ctx.source, ctx.lang,
                                 ctx.body.notice)


@routes.route("/v1/staff/{staff_id}/faces/{face_id}", "DELETE", summary="Remove one enrolled photo", auth="user",
              permission="faces:write", status=204, vision=True,
              errors=("staff_not_found", "face_not_found", "conflict"))
def remove_face(ctx: RequestContext, staff_id: str, face_id: str) -> None:
    enrolment.remove_face(ctx.container, ctx.access, staff_id, face_id, ctx.source)
