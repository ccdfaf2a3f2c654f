"""Integration clients and the tasks an e-office system posts (an outside contract: keep it stable)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt

from chamcong.schemas.common import Body, Day, Id, Name, Query, View
from chamcong.schemas.staff import EmployeeCode

MAX_TASKS_PER_BATCH = 500
TaskStatus = Literal["assigned", "in_progress", "done", "cancelled"]
Period = Literal["day", "month", "quarter"]


# --- integration clients -----------------------------------------------------------------------------------

class CreateIntegration(Body):
    name: Name
    unit_id: Id = Field(description="The client may write tasks only for people of this unit and the units below")


class IntegrationsQuery(Query):
    unit_id: Id | None = Field(default=None, description="One unit; default: every unit in the caller's scope")


class Integration(View):
    client_id: str
    name: str
    unit_id: str
    status: Literal["active", "revoked"]
    created_at: str
    created_by: str
    rotated_at: str | None = None
    key: str | None = Field(default=None, description="Shown once, when created or rotated: "
                                                      "send it as `Authorization: ApiKey <key>`")


class IntegrationList(View):
    integrations: list[Integration]


# --- one task record, as the e-office system sends it --------------------------------------------------------

def _aware(value: Any) -> datetime:
    """ISO 8601 with an offset (2026-12-02T08:00:00+07:00 or …Z); a time without its zone is ambiguous."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("ISO 8601 date-time with offset expected, as a string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("ISO 8601 date-time with offset expected") from None
    if parsed.tzinfo is None:
        raise ValueError("the time zone offset is missing")
    if not 2000 <= parsed.year <= 2099:
        raise ValueError("out of range")
    return parsed


Instant = Annotated[datetime, BeforeValidator(_aware),
                    Field(description="ISO 8601 with offset, e.g. 2026-12-02T08:00:00+07:00")]


class TaskQuality(BaseModel):
    model_config = ConfigDict(extra="forbid")

    meets_requirements: StrictBool
    major_errors: Annotated[StrictInt, Field(ge=0, le=1000)] = 0
    objective_cause: StrictBool = False


class TaskRecord(BaseModel):
    """One task of `POST /v1/tasks/batch`. Validated record by record: a bad one is rejected, the others stored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    external_id: Id = Field(description="The task's id in the e-office system; unique per client")
    assignee: EmployeeCode = Field(description="The person's employee_code (mã cán bộ)")
    title: Name
    document_number: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    assigned_at: Instant
    due_at: Instant | None = None
    completed_at: Instant | None = None
    status: TaskStatus
    weight: float = Field(default=1, gt=0, le=1000, strict=True, description="Units of work after conversion")
    quality: TaskQuality | None = None
    late_objective_cause: StrictBool | None = None
    updated_at: Instant | None = Field(default=None, description="Optional: when the e-office system last changed "
                                                                 "the task; an older version than the stored one "
                                                                 "is rejected (task_outdated)")


class TaskBatch(Body):
    tasks: list[Any] = Field(
        max_length=MAX_TASKS_PER_BATCH,
        description=f"Up to {MAX_TASKS_PER_BATCH} task records, each checked on its own: external_id, assignee "
                    "(employee_code), title, document_number?, assigned_at, due_at?, completed_at?, status "
                    "(assigned|in_progress|done|cancelled), weight? (default 1), quality? {meets_requirements, "
                    "major_errors, objective_cause}, late_objective_cause?, updated_at?")


class Rejection(View):
    index: int
    external_id: str | None
    code: str
    message: str


class BatchResult(View):
    accepted: int = Field(description="Records stored or already stored with the same content")
    created: int
    updated: int
    unchanged: int
    rejected: list[Rejection]


# --- reading ---------------------------------------------------------------------------------------------

class TasksQuery(Query):
    period: Period = "day"
    date: Day = Field(description="Any day of the period (local days; a quarter is Jan-Mar, Apr-Jun, …)")


class TaskCounts(View):
    assigned: int = Field(description="Tasks assigned in the period, cancelled ones excluded")
    done: int
    open: int = Field(description="assigned or in_progress")
    late: int = Field(description="Done after due_at, or open past due_at, without an objective cause")
    late_objective_cause: int = Field(description="Late, with an objective cause reported")
    cancelled: int
    weight_assigned: float
    weight_done: float


class Task(View):
    client_id: str
    external_id: str
    staff_id: str
    unit_id: str
    employee_code: str
    title: str
    document_number: str | None
    assigned_at: str
    due_at: str | None
    completed_at: str | None
    status: str
    weight: float
    quality: dict[str, Any] | None
    late_objective_cause: bool | None
    late: bool
    revision: int
    received_at: str
    versions: int = Field(description="How many earlier versions are kept in the task's history")
    entered_by: str | None = Field(default=None, description="A task entered by hand: the account that entered it")


class StaffTasks(View):
    staff_id: str
    period: str
    first_day: date
    last_day: date
    counts: TaskCounts
    tasks: list[Task]


class PersonCounts(View):
    staff_id: str
    counts: TaskCounts


class UnitTasks(View):
    unit_id: str
    period: str
    first_day: date
    last_day: date
    counts: TaskCounts
    people: list[PersonCounts]
    tasks: list[Task]


# --- a task spreadsheet (offices without an API) --------------------------------------------------------------

MAX_TASK_IMPORT_ROWS = 1000


class ImportTasks(Body):
    unit_id: Id = Field(description="The unit the file is for: its tasks are stored as from the source "
                                    "`import:<unit_id>`, and every assignee must be in this unit or below it")
    file_name: Name = Field(max_length=200, description="The file's name: .xlsx or .csv says how it is read")
    content_base64: str = Field(min_length=1, description="The file, base64; at most 2 MiB once decoded")
    mode: Literal["check", "import"] = Field(description="check: judge every row and write nothing; "
                                                         "import: store the good rows")


class TaskImportRow(View):
    row: int = Field(description="The row's number in the spreadsheet")
    external_id: str | None
    assignee: str | None
    status: Literal["created", "updated", "unchanged", "refused"] = Field(
        description="What importing did (mode import) or would do (mode check)")
    code: str | None = Field(description="Why the row was refused: a code of POST /v1/tasks/batch's rejections")
    message: str | None


class TaskImportReport(View):
    client_id: str = Field(description="The source the tasks are stored under: import:<unit_id>")
    mode: Literal["check", "import"]
    rows: list[TaskImportRow]
    created: int
    updated: int
    unchanged: int
    refused: int


# --- a task entered by hand (work not in the e-office system) --------------------------------------------------

class ManualTask(Body):
    """POST /v1/staff/{staff_id}/tasks: stored as a task of the source `manual:<unit_id>` (the person's unit)."""

    external_id: Id | None = Field(default=None, description="Optional: the office's own id; sent again with the same "
                                                              "id it updates that task. Default: a new id")
    title: Name
    document_number: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    weight: float = Field(default=1, gt=0, le=1000, description="Units of work after conversion")
    assigned_at: Instant
    due_at: Instant | None = None
    status: TaskStatus
    completed_at: Instant | None = None
    quality: TaskQuality | None = None
    late_objective_cause: StrictBool | None = None
