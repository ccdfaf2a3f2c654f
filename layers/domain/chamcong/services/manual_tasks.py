"""Tasks a leader enters by hand for a person whose work is not in the e-office system.

Stored as the e-office's tasks are (`services.tasks`: one item per source and id, versioned, idempotent), under
the source `manual:<unit_id>` of the unit the person belonged to on the day it was assigned (whose leader enters
it), with who entered it. The monthly evaluation reads them with
every other task of the month.
"""

from __future__ import annotations

from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Conflict, Unprocessable
from chamcong.rules.tasks import check_record
from chamcong.schemas.tasks import ManualTask, TaskRecord
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import new_id
from chamcong.services.staff import person_in_scope
from chamcong.services.tasks import store_manual, task_view
from chamcong.services.transfers import unit_on
from chamcong.store.models.tasks import TaskModel

# What stands in the task's employee_code for a person without one (a code never has a space).
NO_CODE = "-"


def source_of(unit_id: str) -> str:
    return f"manual:{unit_id}"


def add_manual_task(container: Container, access: Access, staff_id: str, body: ManualTask, source: Source,
                    lang: str) -> dict[str, Any]:
    person = person_in_scope(access, "tasks:write", staff_id)
    now = container.clock()
    refusal = check_record(body.status, body.assigned_at, body.due_at, body.completed_at, now)
    if refusal is not None:
        # The field at fault: the one a date refusal starts with ("completed_at is before assigned_at"), else status.
        field = refusal.reason_en.split()[0] if refusal.code == "task_dates_impossible" else "status"
        raise Unprocessable("manual_task_invalid", details={"field": field, "reason": refusal.reason_en},
                            params={"field": field})
    unit_id = unit_on(person, body.assigned_at.astimezone(container.work_calendar.timezone).date())
    if unit_id != person.unit_id:
        access.require_unit("tasks:write", unit_id)  # a task of the unit the person was in then
    client_id = source_of(unit_id)
    record = TaskRecord.model_construct(
        external_id=body.external_id or new_id("man"), assignee=person.employee_code or NO_CODE, title=body.title,
        document_number=body.document_number, assigned_at=body.assigned_at, due_at=body.due_at,
        completed_at=body.completed_at, status=body.status, weight=body.weight, quality=body.quality,
        late_objective_cause=body.late_objective_cause, updated_at=None)
    outcome = store_manual(container, person, unit_id, client_id, record, access.username, lang)
    if outcome is None:
        raise Conflict("conflict")
    if outcome != "unchanged":
        audit.record_only(audit.entry(now, access.username, "tasks.manual", unit_id=unit_id,
                                      subject=f"{client_id}/{record.external_id}", source=source,
                                      details={"staff_id": staff_id, "outcome": outcome, "status": body.status,
                                               "weight": body.weight}))
    task = TaskModel.get(TaskModel.partition_of(client_id), record.external_id, consistent_read=True)
    return task_view(task, now)
