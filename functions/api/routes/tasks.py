"""Tasks from the e-office system: posted by integration clients, read per person and per unit."""

from __future__ import annotations

from typing import Any

from chamcong.http import INTEGRATION, RequestContext, Routes
from chamcong.schemas.staff import MAX_IMPORT_BODY_BYTES
from chamcong.schemas.tasks import (
    BatchResult,
    ImportTasks,
    StaffTasks,
    TaskBatch,
    TaskImportReport,
    TasksQuery,
    UnitTasks,
)
from chamcong.services import task_import, tasks

routes = Routes("tasks", "Nhiệm vụ từ hệ thống quản lý văn bản — tasks from the e-office system")


@routes.route("/v1/tasks/batch", "POST", summary="Up to 500 tasks from an integration client; each record is "
              "stored or rejected on its own", auth="apikey", permission=INTEGRATION, body=TaskBatch,
              response=BatchResult)
def post_tasks(ctx: RequestContext) -> dict[str, Any]:
    assert ctx.integration is not None
    return tasks.post_batch(ctx.container, ctx.integration, ctx.body, ctx.lang)


# The same records from a file; each row's refusal is in its result, the file as a whole answers only these.
@routes.route("/v1/tasks/import", "POST", summary="Check or import tasks from a spreadsheet (.xlsx or .csv) for a "
              "unit whose e-office system has no API; a report per row", auth="user", permission="tasks:import",
              body=ImportTasks, response=TaskImportReport,
              errors=("unit_not_found", "import_file_invalid", "task_import_columns_missing", "task_import_too_large"),
              max_body_bytes=MAX_IMPORT_BODY_BYTES)
def import_tasks(ctx: RequestContext) -> dict[str, Any]:
    return task_import.import_tasks(ctx.container, ctx.access, ctx.body, ctx.source, ctx.lang)


@routes.route("/v1/staff/{staff_id}/tasks", "GET", summary="A person's tasks and counts for a day, month or quarter",
              auth="user", permission="tasks:read", query=TasksQuery, response=StaffTasks,
              errors=("staff_not_found",))
def staff_tasks(ctx: RequestContext, staff_id: str) -> dict[str, Any]:
    return tasks.staff_tasks(ctx.container, ctx.access, staff_id, ctx.query.period, ctx.query.date)


@routes.route("/v1/units/{unit_id}/tasks", "GET", summary="A unit's tasks and counts (in total and per person) "
              "for a day, month or quarter", auth="user", permission="tasks:read", query=TasksQuery,
              response=UnitTasks, errors=("unit_not_found",))
def unit_tasks(ctx: RequestContext, unit_id: str) -> dict[str, Any]:
    return tasks.unit_tasks(ctx.container, ctx.access, unit_id, ctx.query.period, ctx.query.date)
