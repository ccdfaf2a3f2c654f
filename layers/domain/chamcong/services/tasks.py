"""Tasks from the e-office system: a client's batch (record by record), and a person's or a unit's period.

A batch is judged record by record: a record that cannot be stored is answered in `rejected` with its index,
its external_id and a code; the others are stored. Storing is idempotent: a record whose content (and
resolved assignee) equals the stored one writes nothing; a changed record becomes the next revision under a
condition on the revision it replaced, the replaced version kept in the task's history. Retrying a whole
batch therefore never creates, counts or versions anything twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from pynamodb.exceptions import PutError, TransactWriteError

from chamcong.access import Access
from chamcong.container import Container
from chamcong.messages import message_for
from chamcong.rules.tasks import MAX_HISTORY, TaskFacts, check_record, content_hash, count_tasks, is_late, period_bounds
from chamcong.schemas.common import ID_PATTERN
from chamcong.schemas.tasks import TaskBatch, TaskRecord
from chamcong.services import audit
from chamcong.services.common import iso
from chamcong.services.staff import person_in_scope
from chamcong.services.transfers import unit_on
from chamcong.services.units import get_unit, load_tree
from chamcong.store.models.base import lost_condition
from chamcong.store.models.staff import EmployeeCodeClaim, StaffModel
from chamcong.store.models.tasks import IntegrationClientModel, TaskModel

_ID = re.compile(ID_PATTERN)


def _utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value is not None else None


def _content(record: TaskRecord) -> dict[str, Any]:
    """The record as stored: times in UTC, so the same instant written with another offset is the same content."""
    return {"external_id": record.external_id, "assignee": record.assignee, "title": record.title,
            "document_number": record.document_number, "assigned_at": _utc(record.assigned_at),
            "due_at": _utc(record.due_at), "completed_at": _utc(record.completed_at), "status": record.status,
            "weight": record.weight, "quality": record.quality.model_dump() if record.quality else None,
            "late_objective_cause": record.late_objective_cause, "updated_at": _utc(record.updated_at)}


def _field_of(exc: ValidationError) -> str:
    error = exc.errors(include_input=False, include_url=False)[0]
    return ".".join(str(part) for part in error["loc"]) or "(record)"


@dataclass(frozen=True)
class Rejected:
    external_id: str | None
    code: str
    params: dict[str, str | tuple[str, str]] | None = None


def judge_record(raw: Any, now: datetime) -> TaskRecord | Rejected:
    """One record on its own (no I/O): its fields' shapes, then what is impossible in it. The assignee, the
    client's reach and the stored version are judged afterwards, for the whole batch at once."""
    given = raw.get("external_id") if isinstance(raw, dict) else None
    external_id = given if isinstance(given, str) and _ID.match(given) else None  # echoed only if well-formed
    try:
        record = TaskRecord.model_validate(raw)
    except ValidationError as exc:
        return Rejected(external_id, "task_invalid", {"field": _field_of(exc)})
    refusal = check_record(record.status, record.assigned_at, record.due_at, record.completed_at, now)
    if refusal is not None:
        return Rejected(record.external_id, refusal.code, {"reason": (refusal.reason_vi, refusal.reason_en)})
    return record


@dataclass(frozen=True)
class TaskSource:
    """Who a set of records comes from: the owner of their external ids (an integration client's id, or
    `import:<unit_id>` for files imported for a unit) and the unit whose subtree the assignees must be in."""

    client_id: str
    unit_id: str


class _Batch:
    """The answer being built: counts, the rejections (each in the caller's language) and each record's outcome."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.created = self.updated = self.unchanged = 0
        self.rejected: list[dict[str, Any]] = []
        self.outcomes: dict[int, str] = {}  # index → created | updated | unchanged | refused

    def reject(self, index: int, external_id: str | None, code: str,
               params: dict[str, str | tuple[str, str]] | None = None) -> None:
        self.outcomes[index] = "refused"
        self.rejected.append({"index": index, "external_id": external_id, "code": code,
                              "message": message_for(code, self.lang, params)})

    def landed(self, index: int, outcome: str) -> None:
        self.outcomes[index] = outcome
        setattr(self, outcome, getattr(self, outcome) + 1)

    def answer(self) -> dict[str, Any]:
        return {"accepted": self.created + self.updated + self.unchanged, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged,
                "rejected": sorted(self.rejected, key=lambda r: r["index"])}


def _holders(codes: Iterable[str]) -> dict[str, StaffModel]:
    """Employee code (upper-cased) → the living person holding it: two batched reads for the whole batch."""
    keys = sorted({EmployeeCodeClaim.claim_key(code) for code in codes})
    if not keys:
        return {}
    owners = {claim.staff_id: claim.owner for claim in EmployeeCodeClaim.batch_get(keys, consistent_read=True)}
    people = {person.staff_id: person for person in StaffModel.batch_get(sorted(set(owners.values())))}
    return {key[len(EmployeeCodeClaim.PREFIX):]: people[owner] for key, owner in owners.items() if owner in people}


def post_batch(container: Container, client: IntegrationClientModel, body: TaskBatch, lang: str) -> dict[str, Any]:
    batch = store_records(container, TaskSource(client.client_id, client.unit_id_of_client), body.tasks, lang)
    if batch.created or batch.updated:
        audit.record_only(audit.entry(container.clock(), f"integration:{client.client_id}", "tasks.batch",
                                      unit_id=client.unit_id_of_client, subject=client.client_id,
                                      details={"created": batch.created, "updated": batch.updated,
                                               "unchanged": batch.unchanged, "rejected": len(batch.rejected)}))
    return batch.answer()


def store_records(container: Container, source: TaskSource, records: Sequence[Any], lang: str, *,
                  write: bool = True) -> _Batch:
    """Judge and store records as the batch does, one by one; `write=False` judges and writes nothing (the
    outcomes say what storing would do). The same for a client's batch and for an imported file."""
    now = container.clock()
    zone = container.work_calendar.timezone
    batch = _Batch(lang)
    valid: list[tuple[int, TaskRecord]] = []
    seen: set[str] = set()
    for index, raw in enumerate(records):
        verdict = judge_record(raw, now)
        if isinstance(verdict, Rejected):
            batch.reject(index, verdict.external_id, verdict.code, verdict.params)
            continue
        if verdict.external_id in seen:
            batch.reject(index, verdict.external_id, "task_duplicate_in_batch")
            continue
        seen.add(verdict.external_id)
        valid.append((index, verdict))

    holders = _holders(record.assignee for _, record in valid)
    # The source's reach: its unit and every unit below it, as the tree stands now.
    reach = load_tree().subtree(source.unit_id) if valid else set()
    partition = TaskModel.partition_of(source.client_id)
    stored = {task.entry_key: task for task in
              TaskModel.batch_get([(partition, record.external_id) for _, record in valid], consistent_read=True)} \
        if valid else {}
    for index, record in valid:
        person = holders.get(record.assignee.upper())
        if person is None:
            batch.reject(index, record.external_id, "task_assignee_unknown")
            continue
        assigned_day = record.assigned_at.astimezone(zone).date()
        unit_id = unit_on(person, assigned_day)  # a task belongs to the unit of its assignee on the day assigned
        if unit_id not in reach:
            batch.reject(index, record.external_id, "task_assignee_out_of_scope")
            continue
        _store(batch, index, record, person, unit_id, source.client_id, stored.get(record.external_id), now,
               assigned_day, write)
    return batch


def _store(batch: _Batch, index: int, record: TaskRecord, person: StaffModel, unit_id: str, client_id: str,
           existing: TaskModel | None, now: datetime, local_day: date, write: bool,
           entered_by: str | None = None) -> None:
    content = _content(record)
    digest = content_hash({**content, "staff_id": person.staff_id, "unit_id": unit_id})
    if existing is not None and existing.content_hash == digest:
        batch.landed(index, "unchanged")
        return
    if (existing is not None and record.updated_at is not None and existing.source_updated_at is not None
            and record.updated_at < existing.source_updated_at):
        batch.reject(index, record.external_id, "task_outdated")
        return
    if not write:
        batch.landed(index, "created" if existing is None else "updated")
        return
    history: list[dict[str, Any]] = []
    if existing is not None:
        history = [*existing.history, {"revision": int(existing.revision), "received_at": iso(existing.received_at),
                                       "content": existing.content}][-MAX_HISTORY:]
    task = TaskModel(
        TaskModel.partition_of(client_id), record.external_id, client_id=client_id,
        external_id=record.external_id, staff_id=person.staff_id, unit_id=unit_id,
        employee_code=record.assignee,
        assigned_key=TaskModel.assigned_key_of(local_day, client_id, record.external_id),
        title=record.title, document_number=record.document_number, assigned_at=record.assigned_at,
        due_at=record.due_at, completed_at=record.completed_at, status=record.status, weight=record.weight,
        quality=content["quality"], late_objective_cause=record.late_objective_cause,
        source_updated_at=record.updated_at, content=content, content_hash=digest,
        revision=1 if existing is None else int(existing.revision) + 1, received_at=now, history=history,
        entered_by=entered_by)
    condition = (TaskModel.entry_key.does_not_exist() if existing is None
                 else TaskModel.revision == int(existing.revision))
    try:
        task.save(condition=condition)
    except (PutError, TransactWriteError) as exc:
        if not lost_condition(exc):
            raise
        batch.reject(index, record.external_id, "task_conflict")
        return
    batch.landed(index, "created" if existing is None else "updated")


def store_manual(container: Container, person: StaffModel, unit_id: str, client_id: str, record: TaskRecord,
                 entered_by: str, lang: str) -> str | None:
    """A task a leader entered by hand for one person, stored as a batch's record is (idempotent, versioned);
    who entered it recorded. The outcome (created | updated | unchanged), or None when it lost a race."""
    batch = _Batch(lang)
    existing = next(iter(TaskModel.batch_get([(TaskModel.partition_of(client_id), record.external_id)],
                                             consistent_read=True)), None)
    local_day = record.assigned_at.astimezone(container.work_calendar.timezone).date()
    _store(batch, 0, record, person, unit_id, client_id, existing, container.clock(), local_day, True, entered_by)
    return None if batch.rejected else batch.outcomes[0]


# --- reading -------------------------------------------------------------------------------------------------

def task_view(task: TaskModel, now: datetime) -> dict[str, Any]:
    return {"client_id": task.client_id, "external_id": task.external_id, "staff_id": task.staff_id,
            "unit_id": task.unit_id, "employee_code": task.employee_code, "title": task.title,
            "document_number": task.document_number, "assigned_at": iso(task.assigned_at),
            "due_at": iso(task.due_at) if task.due_at else None,
            "completed_at": iso(task.completed_at) if task.completed_at else None, "status": task.status,
            "weight": float(task.weight), "quality": task.quality, "late_objective_cause": task.late_objective_cause,
            "late": is_late(task.status, task.due_at, task.completed_at, now), "revision": int(task.revision),
            "received_at": iso(task.received_at), "versions": len(task.history or []),
            "entered_by": task.entered_by}


def _facts(task: TaskModel) -> TaskFacts:
    return TaskFacts(status=task.status, weight=float(task.weight), due_at=task.due_at,
                     completed_at=task.completed_at, late_objective_cause=task.late_objective_cause)


def _ordered(tasks: Iterable[TaskModel]) -> list[TaskModel]:
    return sorted(tasks, key=lambda t: (t.assigned_at, t.client_id, t.external_id))


def staff_tasks(container: Container, access: Access, staff_id: str, period: str, day: date) -> dict[str, Any]:
    person_in_scope(access, "tasks:read", staff_id)
    first, last = period_bounds(period, day)
    tasks = _ordered(TaskModel.by_staff.query(staff_id, TaskModel.assigned_key.between(
        *TaskModel.period_range(first, last))))
    now = container.clock()
    return {"staff_id": staff_id, "period": period, "first_day": first.isoformat(), "last_day": last.isoformat(),
            "counts": count_tasks((_facts(task) for task in tasks), now),
            "tasks": [task_view(task, now) for task in tasks]}


def unit_tasks(container: Container, access: Access, unit_id: str, period: str, day: date) -> dict[str, Any]:
    """The tasks of the unit's own people (not its sub-units'), with the counts per person and in total."""
    get_unit(unit_id)
    access.require_unit("tasks:read", unit_id)
    first, last = period_bounds(period, day)
    tasks = _ordered(TaskModel.by_unit.query(unit_id, TaskModel.assigned_key.between(
        *TaskModel.period_range(first, last))))
    now = container.clock()
    by_person: dict[str, list[TaskModel]] = {}
    for task in tasks:
        by_person.setdefault(task.staff_id, []).append(task)
    return {"unit_id": unit_id, "period": period, "first_day": first.isoformat(), "last_day": last.isoformat(),
            "counts": count_tasks((_facts(task) for task in tasks), now),
            "people": [{"staff_id": staff_id, "counts": count_tasks((_facts(t) for t in owned), now)}
                       for staff_id, owned in sorted(by_person.items())],
            "tasks": [task_view(task, now) for task in tasks]}
