"""DynamoDB tables as pynamodb models, one module per area; this module is their registry.

Table names are not known at import time (the template generates them), so `bind_models` points every
model at its table once per warm function. The template's table definitions must equal these models, and
every table must be registered here: `tests/template/test_template.py` compares them. A new table is a
model in its area's module, a line in `MODELS`, a `<Name>Table` resource in `template.yaml` and a
`<name>_table` setting.
"""

from __future__ import annotations

from pynamodb.models import Model

from chamcong.settings import Settings
from chamcong.store.models.absences import AbsenceModel
from chamcong.store.models.accounts import AccountModel, SessionModel
from chamcong.store.models.attendance import EventModel
from chamcong.store.models.audit import AuditModel
from chamcong.store.models.calibration import ThresholdModel
from chamcong.store.models.corrections import CorrectionModel
from chamcong.store.models.devices import (
    ActiveModelRecord,
    CaptureModel,
    DeviceModel,
    GalleryModel,
    ReembedJobRecord,
    SiteGrantsRecord,
    SpoofModel,
)
from chamcong.store.models.evaluations import EvaluationModel, RuleSetModel
from chamcong.store.models.privacy import ErasureRequestModel, NoticeRecordModel
from chamcong.store.models.reports import ReportModel
from chamcong.store.models.roster import RosterExceptionModel, RosterModel
from chamcong.store.models.staff import (
    EmployeeCodeClaim,
    FaceModel,
    RemovedStaffRecord,
    StaffModel,
    UnitMovesRecord,
)
from chamcong.store.models.tasks import IntegrationClientModel, TaskModel
from chamcong.store.models.units import CalendarModel, UnitModel

# Logical name (as in the template's resource "<Name>Table") → model and the setting with its name.
MODELS: dict[str, tuple[type[Model], str]] = {
    "Units": (UnitModel, "units_table"),
    "Staff": (StaffModel, "staff_table"),
    "Faces": (FaceModel, "faces_table"),
    "Devices": (DeviceModel, "devices_table"),
    "Events": (EventModel, "events_table"),
    "Captures": (CaptureModel, "captures_table"),
    "Spoofs": (SpoofModel, "spoofs_table"),
    "Accounts": (AccountModel, "accounts_table"),
    "Sessions": (SessionModel, "sessions_table"),
    "Galleries": (GalleryModel, "galleries_table"),
    "Absences": (AbsenceModel, "absences_table"),
    "Corrections": (CorrectionModel, "corrections_table"),
    "Reports": (ReportModel, "reports_table"),
    "Calendars": (CalendarModel, "calendars_table"),
    "Audit": (AuditModel, "audit_table"),
    "Thresholds": (ThresholdModel, "thresholds_table"),
    "Tasks": (TaskModel, "tasks_table"),
    "Rosters": (RosterModel, "rosters_table"),
    "Evaluations": (EvaluationModel, "evaluations_table"),
    "Privacy": (ErasureRequestModel, "privacy_table"),
}


# Further models kept in a registered model's table (items of another shape under reserved keys).
SHARING: dict[type[Model], str] = {
    ActiveModelRecord: "galleries_table",
    ReembedJobRecord: "galleries_table",
    SiteGrantsRecord: "galleries_table",
    EmployeeCodeClaim: "staff_table",
    UnitMovesRecord: "staff_table",
    RemovedStaffRecord: "staff_table",
    IntegrationClientModel: "tasks_table",
    RosterExceptionModel: "rosters_table",
    RuleSetModel: "evaluations_table",
    NoticeRecordModel: "privacy_table",
}


def bind_models(settings: Settings) -> None:
    """Point every model at its table (and at moto when an endpoint is configured)."""
    for model, setting_name in [*MODELS.values(), *SHARING.items()]:
        model.Meta.table_name = getattr(settings, setting_name)
        model.Meta.region = settings.aws_region
        model.Meta.host = settings.aws_endpoint_url
        model._connection = None  # pynamodb caches a connection per class; drop the old binding
