"""Tasks from a spreadsheet, for offices whose e-office system has no API: the records of `POST /v1/tasks/batch`,
one per row, judged and stored by the batch's own code (`tasks.store_records`).

The rows of a file imported for a unit are stored as from the source `import:<unit_id>`, so importing the same
file again changes nothing, and a row whose content changed (a completion time filled in) updates its task and
keeps the earlier version in the task's history. Every assignee must be in the unit or below it. `check` judges
every row and writes nothing. A problem in a row refuses that row only; only a file that cannot be read, lacks a
required column or is too large is refused whole (400), before anything is written.
"""

from __future__ import annotations

import re
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import BadRequest
from chamcong.rules.staff_sheet import HeaderMissing, find_header, is_blank
from chamcong.rules.task_sheet import HEADERS, REQUIRED, record_of
from chamcong.schemas.staff import EMPLOYEE_CODE_PATTERN
from chamcong.schemas.tasks import MAX_TASK_IMPORT_ROWS, ImportTasks
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.staff_import import decode_file, read_table
from chamcong.services.tasks import TaskSource, store_records
from chamcong.services.units import get_unit

_CODE = re.compile(EMPLOYEE_CODE_PATTERN)


def source_of(unit_id: str) -> TaskSource:
    return TaskSource(f"import:{unit_id}", unit_id)


def _table(body: ImportTasks) -> list[tuple[int, Any]]:
    try:
        return read_table(body.file_name, decode_file(body.content_base64))
    except BadRequest as error:
        if error.code == "import_too_large":
            raise BadRequest("task_import_too_large") from None
        raise


def import_tasks(container: Container, access: Access, body: ImportTasks, source: Source,
                 lang: str) -> dict[str, Any]:
    get_unit(body.unit_id)
    access.require_unit("tasks:import", body.unit_id)
    table = _table(body)
    try:
        header = find_header(table, HEADERS, REQUIRED)
    except HeaderMissing:
        raise BadRequest("task_import_columns_missing") from None
    zone = container.work_calendar.timezone
    rows = [(number, record_of(cells, header, zone)) for number, cells in table
            if number > header.row and not is_blank(cells)]
    if len(rows) > MAX_TASK_IMPORT_ROWS:
        raise BadRequest("task_import_too_large")
    owner = source_of(body.unit_id)
    writing = body.mode == "import"
    batch = store_records(container, owner, [record for _, record in rows], lang, write=writing)
    refusals = {rejection["index"]: rejection for rejection in batch.rejected}
    report: list[dict[str, Any]] = []
    for index, (number, record) in enumerate(rows):
        refusal = refusals.get(index)
        # The row's ids as the batch echoes them: only when well-formed (never arbitrary input back).
        external_id = refusal["external_id"] if refusal else record["external_id"]
        assignee = record.get("assignee")
        report.append({"row": number, "external_id": external_id,
                       "assignee": assignee if isinstance(assignee, str) and _CODE.match(assignee) else None,
                       "status": batch.outcomes[index], "code": refusal["code"] if refusal else None,
                       "message": refusal["message"] if refusal else None})
    counts = {status: sum(1 for row in report if row["status"] == status)
              for status in ("created", "updated", "unchanged", "refused")}
    if writing:
        audit.record_only(audit.entry(container.clock(), access.username, "tasks.import", unit_id=body.unit_id,
                                      subject=owner.client_id, source=source,
                                      details={"file_name": body.file_name, **counts}))
    return {"client_id": owner.client_id, "mode": body.mode, "rows": report, **counts}
