"""The 16:00 and 17:00 work-from-home reports: composed from the roster, the day rules and the tasks, and sent
once each by the daily reports' machinery (`services.reports.deliver`: claim, archive in S3, SES, mark sent).

- **units** (16:00): each unit with someone at home gets its own report (to its `report_recipients`, the
  leaders), and Home Affairs gets every such unit in one report (audience "district"). A working day with
  nobody at home: one short note to Home Affairs only (audience "district", no attachment).
- **province** (17:00): one summary to the `province_recipients` (audience "province"); on a working day with
  nobody at home nothing is sent and the answer says so (`nobody_at_home`).
- A day off for every unit: nothing (`working_day` false).

Who is at home on D: on their unit's roster for D *and* judged "work_from_home" by the day rules (a full-day
leave or trip wins). Their tasks are read per unit, one query (the tasks' `by_unit` index: the assignee's unit
when the e-office system last wrote the task; tasks assigned from `LOOKBACK` days before D to D, filtered to
those assigned on D or due on D); which count and which were processed is `rules.wfh_report`'s. A person moved to
another unit brings their older tasks along once the e-office system sends them again (a task's unit is
rewritten with it).

Reading: `GET /v1/reports/wfh?date=` lists the day's afternoon reports the caller may read (the same reading
rule as the daily reports: a unit's report to whoever reads that unit, a summary to whoever reads every unit it
covers, the note to a site-wide reader); `…/{date}/{kind}/{audience}` the .eml, `…/attachment` the .xlsx,
`…/text` the subject and plain text.
"""

from __future__ import annotations

import email
import email.policy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import NotFound
from chamcong.observability import count
from chamcong.reports import wfh
from chamcong.rules.attendance import DayStatus
from chamcong.rules.collation import vietnamese_key
from chamcong.rules.roster import working_day
from chamcong.rules.wfh_report import (
    TaskTimes,
    WfhKind,
    best_performers,
    cutoff,
    processed_nothing,
    tally,
)
from chamcong.schemas.common import FileResult
from chamcong.services.attendance import judge_unit
from chamcong.services.calendars import calendar_for
from chamcong.services.common import iso
from chamcong.services.reports import (
    DISTRICT,
    PROVINCE,
    ReportsFailed,
    archived,
    attachment_of,
    deliver,
    read_daily,
    reader_units,
)
from chamcong.services.roster import rostered
from chamcong.services.transfers import has_members
from chamcong.store.models.reports import WFH_PREFIX, ReportModel
from chamcong.store.models.tasks import TaskModel
from chamcong.store.models.units import UnitModel

KINDS: tuple[WfhKind, ...] = ("units", "province")
LOOKBACK = timedelta(days=366)  # a task assigned longer ago than this, due on D, is not read
AUDIENCE_NAMES = {DISTRICT: "Tổng hợp các đơn vị (gửi Phòng Nội vụ)", PROVINCE: "Tổng hợp toàn tỉnh"}


@dataclass(frozen=True)
class _Day:
    """What a run found: the units with people at home (in name order), and whether it is anyone's working day."""

    working: bool
    units: list[wfh.UnitRows]


def run(container: Container, access: Access, day: date, kind: WfhKind) -> dict[str, Any]:
    """One kind of afternoon report for a day: a site-wide operation (the scheduler runs it as system)."""
    access.require_site("reports:run")
    zone = container.work_calendar.timezone
    at = cutoff(day, kind, container.clock(), zone)
    every_unit = sorted(UnitModel.scan(), key=lambda u: vietnamese_key(u.name))
    found = _at_home(container, every_unit, day, at)
    answer: dict[str, Any] = {"date": day.isoformat(), "kind": kind, "working_day": found.working,
                              "cutoff": iso(at), "nobody_at_home": found.working and not found.units, "reports": []}
    if not found.working:
        return answer
    stored_kind = WFH_PREFIX + kind
    sender = container.settings.sender_email
    names = {unit.unit_id: unit.name for unit in every_unit}
    tops = [unit.name for unit in every_unit if not unit.parent_id]
    agency = tops[0] if len(tops) == 1 else ""
    home_affairs = _addresses(container.settings.home_affairs_recipients)
    covers = [unit.unit_id for unit in found.units]
    outcomes: list[dict[str, Any]] = []
    if kind == "units":
        if not found.units:
            outcomes.append(deliver(container, day, stored_kind, DISTRICT, home_affairs, [],
                                    partial(wfh.nobody_report, day, sender)))
        parents = {unit.unit_id: unit.parent_id for unit in every_unit}
        recipients = {unit.unit_id: [str(a) for a in unit.report_recipients or []] for unit in every_unit}
        for rows in found.units:
            outcomes.append(deliver(container, day, stored_kind, rows.unit_id, recipients[rows.unit_id],
                                    [rows.unit_id],
                                    partial(wfh.unit_report, rows, day, at.astimezone(zone), sender,
                                            superior=names.get(parents.get(rows.unit_id) or "", ""))))
        if found.units:
            outcomes.append(deliver(container, day, stored_kind, DISTRICT, home_affairs, covers,
                                    partial(wfh.home_affairs_report, found.units, day, at.astimezone(zone), sender,
                                            agency=agency)))
    elif found.units:
        people = [(person, rows.unit_name) for rows in found.units for person in rows.people]
        idle = sorted((wfh.Named(person.full_name, unit_name, person.tally) for person, unit_name in people
                       if processed_nothing(person.tally)),
                      key=lambda one: (vietnamese_key(one.unit_name), vietnamese_key(one.full_name)))
        best = [wfh.Named(name, unit_name, counted) for unit_name, name, counted in
                best_performers([(unit_name, person.full_name, person.tally) for person, unit_name in people],
                                vietnamese_key)]
        outcomes.append(deliver(container, day, stored_kind, PROVINCE,
                                _addresses(container.settings.province_recipients), covers,
                                partial(wfh.province_report, found.units, idle, best, day, at.astimezone(zone),
                                        sender, agency=agency)))
    failed = [o for o in outcomes if o["status"] == "failed"]
    count("WfhReportsSent", sum(o["status"] == "sent" for o in outcomes), kind=kind)
    count("WfhReportsFailed", len(failed), kind=kind)
    if failed:
        raise ReportsFailed(details={"failed": [o["report_id"] for o in failed]})
    return {**answer, "reports": outcomes}


def run_both(container: Container, day: date) -> dict[str, Any]:
    """Both afternoon reports for a day, as the system (the demo calls this): {"units": …, "province": …}."""
    return {kind: run(container, Access.system(), day, kind) for kind in KINDS}


def _addresses(text: str) -> list[str]:
    return [address.strip() for address in text.split(",") if address.strip()]


def _at_home(container: Container, units: Iterable[UnitModel], day: date, at: datetime) -> _Day:
    working = False
    found: list[wfh.UnitRows] = []
    zone = container.work_calendar.timezone
    for unit in units:
        calendar = calendar_for(container, unit.unit_id)
        if not working_day(calendar, day):
            continue
        if not has_members(unit.unit_id, day, day):
            continue  # a unit without staff (e.g. the district itself) has nobody to report
        working = True
        on_roster = {staff_id for staff_id, _ in rostered(unit.unit_id, day, day)}
        if not on_roster:
            continue
        home = [judged.person for judged in judge_unit(container, unit.unit_id, day, day, calendar, at)
                if judged.summary.status == DayStatus.WORK_FROM_HOME and judged.person.staff_id in on_roster]
        if home:
            tasks = _unit_tasks(unit.unit_id, day, zone)
            found.append(wfh.UnitRows(unit.unit_id, unit.name,
                                      [wfh.PersonRow(person.staff_id, person.full_name,
                                                     tally(tasks.get(person.staff_id, []), day, at, zone))
                                       for person in home]))
    return _Day(working, found)


def _unit_tasks(unit_id: str, day: date, zone: Any) -> dict[str, list[TaskTimes]]:
    """Staff id → their tasks that may count on `day` (assigned on it, or assigned before it and due on it): one
    query of the unit's tasks (`by_unit`: the assignee's unit when the task was last written)."""
    first, last = TaskModel.period_range(day - LOOKBACK, day)
    start = datetime.combine(day, time(0), tzinfo=zone)
    due_on_day = TaskModel.due_at.between(start, start + timedelta(days=1) - timedelta(microseconds=1))
    tasks: dict[str, list[TaskTimes]] = defaultdict(list)
    for task in TaskModel.by_unit.query(unit_id, TaskModel.assigned_key.between(first, last),
                                        filter_condition=TaskModel.assigned_key.startswith(day.isoformat())
                                        | due_on_day):
        tasks[task.staff_id].append(TaskTimes(task.status, task.assigned_at, task.due_at, task.completed_at))
    return tasks


# --- reading the archive -------------------------------------------------------------------------------

def list_reports(container: Container, access: Access, day: date | None) -> dict[str, Any]:
    """The day's afternoon reports the caller may read, in order: per kind, the units' then the summaries."""
    day = day or container.today()
    names, units = reader_units(access)
    ids = [ReportModel.key(day, WFH_PREFIX + kind, audience) for kind in KINDS
           for audience in ([*units, DISTRICT] if kind == "units" else [PROVINCE])]
    entries = archived(access, ids, names, lambda stored_kind, audience: (
        f"/v1/reports/wfh/{day.isoformat()}/{stored_kind[len(WFH_PREFIX):]}/{audience}"), AUDIENCE_NAMES)
    reports = [{**entry, "date": day.isoformat(), "kind": record.kind_and_audience[0][len(WFH_PREFIX):],
                "text": f"{entry['download']}/text" if entry["download"] else None,
                # the note of a day with nobody at home covers no unit and has no attachment
                "attachment": entry["attachment"] if record.units else None}
               for record, entry in entries]
    return {"date": day.isoformat(), "reports": reports}


def _archived(container: Container, access: Access, day_text: str, kind: str, audience: str) -> bytes:
    if kind not in KINDS:
        access.acknowledge()
        raise NotFound("report_not_found")
    return read_daily(container, access, day_text, WFH_PREFIX + kind, audience)


def download(container: Container, access: Access, day_text: str, kind: str, audience: str) -> FileResult:
    """The archived e-mail as sent: an .eml file."""
    archived = _archived(container, access, day_text, kind, audience)
    return FileResult(archived, "message/rfc822", f"lam-viec-tai-nha-{day_text}-{kind}-{audience}.eml")


def download_attachment(container: Container, access: Access, day_text: str, kind: str,
                        audience: str) -> FileResult:
    """The XLSX attached to an archived afternoon report, under the name the e-mail gives it."""
    archived = _archived(container, access, day_text, kind, audience)
    try:
        data, name, content_type = attachment_of(archived)
    except StopIteration:  # the note of a day with nobody at home has none
        raise NotFound("report_not_found") from None
    return FileResult(data, content_type, name)


def text(container: Container, access: Access, day_text: str, kind: str, audience: str) -> dict[str, Any]:
    """The archived e-mail's subject and plain-text part, for reading on the site."""
    message = email.message_from_bytes(_archived(container, access, day_text, kind, audience),
                                       policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    return {"subject": str(message["Subject"]), "text": body.get_content() if body is not None else ""}
