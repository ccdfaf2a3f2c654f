"""The monthly evaluation report (Decree 335/2025): computed drafts where missing, each unit's report to its
leaders, the district summary to Home Affairs, and the reminders of the steps due; each sent once.

Sending goes through the daily reports' machinery (`services.reports.deliver`: claim in the reports table, archive
the complete message under `reports/monthly/YYYY-MM/`, SES, mark sent), kind "monthly", day = the month's first day.
A re-run sends nothing twice; a failed send is tried again (the run raises `reports_failed` at the end, after the
other reports went out).

**Inline** (`evaluation_fanout` = "inline", a district): one invocation computes every unit's drafts, sends every
unit's report, then the summary.

**Queue** (= "queue", a province): the run writes a run record (`ReportModel`, kind "monthly-run", audience
"district") holding the units still `pending`, and sends one message per unit to the evaluation queue. Each
worker (`process_unit`, SQS, batch size 1) computes its unit's drafts (a recomputation never touches an approved
evaluation), sends the unit's report (claimed: once), and removes its unit from `pending` with a conditional
update. Whoever finds `pending` empty afterwards — the worker that finished the last unit, or a re-delivered
message — sends the summary, claimed, so once. A re-delivered message recomputes and finds its report sent and its
unit already removed. A re-run of a month resends the messages of the units still pending.

Who is behind and the reminders: `rules.monthly_report`. Reminders (`send_reminders`, every working day) go once
per (month, step, day): a self-assessment to each person (their staff record's e-mail), a review to the unit's
leaders (`report_recipients`), an approval to the unit's heads (the accounts holding `unit_head` over the unit,
their staff records' e-mails; the unit's leaders when none has one).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from email.message import EmailMessage
from functools import partial
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chamcong.access import Access
from chamcong.container import Container
from chamcong.errors import Conflict, DomainError, NotFound
from chamcong.observability import count
from chamcong.reports import monthly
from chamcong.rules import monthly_report as rules
from chamcong.rules import transfers as transfer_rules
from chamcong.rules.collation import vietnamese_key
from chamcong.schemas.common import FileResult
from chamcong.services import evaluation_inputs, evaluations, transfers
from chamcong.services.reports import (
    DISTRICT,
    ReportsFailed,
    archived,
    attachment_of,
    deliver,
    read_daily,
    reader_units,
)
from chamcong.store.models.accounts import AccountModel
from chamcong.store.models.base import lost_condition
from chamcong.store.models.evaluations import EvaluationModel
from chamcong.store.models.reports import MONTHLY, MONTHLY_RUN, REMINDER_PREFIX, ReportModel
from chamcong.store.models.staff import StaffModel
from chamcong.store.models.units import UnitModel

log = logging.getLogger("chamcong")
_MONTH = re.compile(r"^20\d\d-(0[1-9]|1[0-2])$")


def first_day(month: str) -> date:
    return date.fromisoformat(f"{month}-01")


@dataclass(frozen=True)
class _Tree:
    """The units' names and parents, read once per run."""

    names: dict[str, str]
    parents: dict[str, str | None]

    @property
    def agency(self) -> str:
        """The district's own name (the top of the tree), for the summary's title block; "" if several."""
        tops = [name for unit_id, name in self.names.items() if not self.parents.get(unit_id)]
        return tops[0] if len(tops) == 1 else ""

    def superior(self, unit: UnitModel) -> str:
        return self.names.get(unit.parent_id or "", "")

    def above(self, unit_id: str) -> Iterator[str]:
        current = self.parents.get(unit_id)
        while current:
            yield current
            current = self.parents.get(current)


def _tree() -> _Tree:
    every = list(UnitModel.scan())
    return _Tree({unit.unit_id: unit.name for unit in every}, {unit.unit_id: unit.parent_id for unit in every})


def _addresses(text: str) -> list[str]:
    return [address.strip() for address in text.split(",") if address.strip()]


# --- computing and reading a unit's month ----------------------------------------------------------------------

def compute_drafts(container: Container, unit_id: str, month: str) -> list[EvaluationModel] | None:
    """The unit's drafts computed or refreshed by the evaluation service (reviewed and approved ones are left);
    returns the unit's evaluations of the month as they stand after it (the report is made of them)."""
    return evaluations.compute_records(container, Access.system(), unit_id, month)


def deadlines_for(container: Container, month: str) -> dict[str, int]:
    """The step deadlines (days after the month's end) of the rule set in force for the month (the setting
    `evaluation_ruleset`, its newest version effective then, built in or added); the decree's when none is."""
    try:
        ruleset = evaluation_inputs.in_force(container, month)
    except NotFound:
        return dict(rules.DEFAULT_DEADLINES)
    return dict(ruleset.deadlines_days_after_month_end.model_dump())


def _items(unit_id: str, month: str, stored: Iterable[EvaluationModel] | None = None) -> list[rules.Item]:
    """The unit's evaluations of the month as the report shows them: `stored` if the caller has them (just
    computed), else read."""
    if stored is None:
        stored = EvaluationModel.by_unit.query(EvaluationModel.unit_month_of(unit_id, month))
    items = [rules.Item(e.staff_id, e.full_name, e.state, e.total, e.grade, e.final_grade, e.duty_group,
                        bool(e.is_leader), e.computed or {}, e.cap) for e in stored]
    return sorted(items, key=lambda item: vietnamese_key(item.full_name))


def _stays(person: StaffModel, first: date, last: date) -> tuple[rules.Stay, ...]:
    """The units the person belonged to from `first` to `last` (their transfers' history), in date order."""
    if person.employed_from and person.employed_from > last.isoformat():
        return ()  # not employed yet that month
    return tuple(transfer_rules.units_in_month(person.transfers or [], person.unit_id, first, last))


def _person(person: StaffModel, month: str) -> rules.Person:
    return rules.Person(person.staff_id, person.full_name, _stays(person, first_day(month), rules.month_end(month)))


def people_of_month(month: str) -> rules.Split:
    """Who is evaluated where, and who moved, for every unit in one pass (one scan, not a query per unit)."""
    return rules.split_month(_person(person, month) for person in StaffModel.scan()
                             if not person.staff_id.startswith("#"))  # the staff table's claims and moves records


def _unit_split(unit_id: str, month: str) -> rules.Split:
    """The same for one unit (a worker's part): its people of the month, with those who moved through it."""
    people = {person.staff_id: person for person, _, _ in
              transfers.members_between(unit_id, first_day(month), rules.month_end(month))}.values()
    return rules.split_month(_person(person, month) for person in people)


def unit_month(container: Container, unit: UnitModel, month: str, deadlines: dict[str, int] | None = None,
               split: rules.Split | None = None, names: dict[str, str] | None = None,
               stored: Iterable[EvaluationModel] | None = None) -> rules.UnitReport:
    """A unit's month as the report shows it, as of today. `stored`: the unit's evaluations of the month, if the
    caller has them (the run, which has just computed them)."""
    split = split if split is not None else _unit_split(unit.unit_id, month)
    names = names if names is not None else _tree().names
    moved_out = list(split.moved_out.get(unit.unit_id, []))
    if moved_out:  # their evaluation in the unit they are evaluated in
        found = {e.staff_id: e for e in EvaluationModel.batch_get([(m.staff_id, month) for m in moved_out])}
        moved_out = [replace(m, evaluated_in_name=names.get(m.evaluated_in, m.evaluated_in),
                             total=rules.decimal(found[m.staff_id].total) if m.staff_id in found else None,
                             grade=found[m.staff_id].grade if m.staff_id in found else None,
                             final_grade=found[m.staff_id].final_grade if m.staff_id in found else None)
                     for m in sorted(moved_out, key=lambda m: vietnamese_key(m.full_name))]
    members = split.members.get(unit.unit_id, [])
    moved_in = {staff_id: [(names.get(other, other), a, b) for other, a, b in split.elsewhere[staff_id]]
                for staff_id, _ in members if staff_id in split.elsewhere}
    return rules.unit_report(unit.unit_id, unit.name, month, _items(unit.unit_id, month, stored), members,
                             container.today(), deadlines or deadlines_for(container, month), moved_out, moved_in)


def units_of_month(month: str, split: rules.Split) -> list[UnitModel]:
    """The units to report, in name order: those with people in the month or with evaluations of the month."""
    found = []
    for unit in UnitModel.scan():
        if split.members.get(unit.unit_id) or split.moved_out.get(unit.unit_id) or next(iter(
                EvaluationModel.by_unit.query(EvaluationModel.unit_month_of(unit.unit_id, month), limit=1)),
                None) is not None:
            found.append(unit)
    return sorted(found, key=lambda unit: vietnamese_key(unit.name))


def _require_ended(container: Container, month: str) -> None:
    if not _MONTH.match(month):
        raise NotFound("report_not_found")
    if rules.month_end(month) >= container.today():
        raise Conflict("report_month_not_ended")


# --- the run ---------------------------------------------------------------------------------------------------

def run_month(container: Container, access: Access, month: str, mode: str | None = None) -> dict[str, Any]:
    """The month's reports: a site-wide operation (the scheduler runs it as system). `mode` overrides the
    `evaluation_fanout` setting (inline | queue)."""
    access.require_site("reports:run")
    _require_ended(container, month)
    evaluation_inputs.in_force(container, month)  # 404 ruleset_not_found: no rule set covers the month, nothing run
    mode = mode or container.settings.evaluation_fanout
    split = people_of_month(month)
    units = units_of_month(month, split)
    if mode == "queue":
        return _fan_out(container, month, units)
    deadlines = deadlines_for(container, month)
    tree = _tree()
    parts: list[rules.UnitReport] = []
    outcomes: list[dict[str, Any]] = []
    for unit in units:
        try:
            stored = compute_drafts(container, unit.unit_id, month)
        except DomainError as error:  # e.g. a reviewer saved meanwhile (evaluation_changed): this unit next time
            log.error("drafts not computed", extra={"unit_id": unit.unit_id, "error": error.code})
            outcomes.append({"report_id": ReportModel.key(first_day(month), MONTHLY, unit.unit_id),
                             "audience": unit.unit_id, "recipients": [], "archive_key": None, "status": "failed"})
            continue
        part = unit_month(container, unit, month, deadlines, split, tree.names, stored)
        parts.append(part)
        outcomes.append(_deliver_unit(container, unit, part, tree))
    if units and len(parts) == len(units):  # the summary once every unit's drafts are in (a re-run completes it)
        outcomes.append(_deliver_district(container, month, parts, tree))
    return _finish(month, "inline", outcomes, queued=0)


def _finish(month: str, mode: str, outcomes: list[dict[str, Any]], queued: int) -> dict[str, Any]:
    failed = [o for o in outcomes if o["status"] == "failed"]
    count("MonthlyReportsSent", sum(o["status"] == "sent" for o in outcomes), mode=mode)
    count("MonthlyReportsFailed", len(failed), mode=mode)
    if failed:
        raise ReportsFailed(details={"failed": [o["report_id"] for o in failed]})
    return {"month": month, "mode": mode, "queued": queued, "reports": outcomes}


def _deliver_unit(container: Container, unit: UnitModel, part: rules.UnitReport, tree: _Tree) -> dict[str, Any]:
    sender, zone, superior = container.settings.sender_email, container.work_calendar.timezone, tree.superior(unit)

    def compose(recipients: Sequence[str], sent_at: datetime) -> EmailMessage:
        return monthly.unit_report(part, sender, recipients, sent_at.astimezone(zone), superior=superior)

    return deliver(container, first_day(part.month), MONTHLY, unit.unit_id,
                   [str(a) for a in unit.report_recipients or []], [unit.unit_id], compose)


def _deliver_district(container: Container, month: str, parts: list[rules.UnitReport], tree: _Tree,
                      unit_sheets: bool = True) -> dict[str, Any]:
    district = rules.assemble(month, parts)
    sender, zone = container.settings.sender_email, container.work_calendar.timezone

    def compose(recipients: Sequence[str], sent_at: datetime) -> EmailMessage:
        return monthly.district_report(district, sender, recipients, sent_at.astimezone(zone), agency=tree.agency,
                                       unit_sheets=unit_sheets)

    return deliver(container, first_day(month), MONTHLY, DISTRICT,
                   _addresses(container.settings.home_affairs_recipients), [p.unit_id for p in parts], compose)


# --- the fan-out (a province) ----------------------------------------------------------------------------------

def _run_id(month: str) -> str:
    return ReportModel.key(first_day(month), MONTHLY_RUN, DISTRICT)


def _fan_out(container: Container, month: str, units: list[UnitModel]) -> dict[str, Any]:
    """The run record with every unit pending, and one message per pending unit to the evaluation queue."""
    queue = container.settings.evaluation_queue_url
    if not queue:
        raise RuntimeError("EVALUATION_QUEUE_URL is not set: the queue mode needs the evaluation queue")
    unit_ids = [unit.unit_id for unit in units]
    if not unit_ids:  # nobody to evaluate: no run, no summary
        return _finish(month, "queue", [], queued=0)
    record = ReportModel(_run_id(month), status="running", claimed_at=container.clock(), units=unit_ids,
                         pending=set(unit_ids) or None)
    try:
        record.save(condition=ReportModel.report_id.does_not_exist())
        pending = set(unit_ids)
    except PutError as error:  # a re-run: the units still pending are sent again (their workers are idempotent)
        if not lost_condition(error):
            raise
        pending = set(ReportModel.get(_run_id(month), consistent_read=True).pending or ())
    ordered = [unit_id for unit_id in unit_ids if unit_id in pending]
    for start in range(0, len(ordered), 10):
        container.sqs.send_message_batch(QueueUrl=queue, Entries=[
            {"Id": str(index), "MessageBody": json.dumps({"month": month, "unit_id": unit_id})}
            for index, unit_id in enumerate(ordered[start:start + 10])])
    outcomes = [] if ordered else [complete(container, month)]
    return _finish(month, "queue", [o for o in outcomes if o is not None], queued=len(ordered))


def process_unit(container: Container, month: str, unit_id: str) -> dict[str, Any]:
    """One unit's part of a fanned-out run (the worker's message): compute, report, mark done; the summary when
    every unit is done. Raises when the unit's report failed, so the message is delivered again."""
    try:
        unit = UnitModel.get(unit_id)
    except UnitModel.DoesNotExist:
        unit = None
    outcome = None
    if unit is not None:
        stored = compute_drafts(container, unit_id, month)
        outcome = _deliver_unit(container, unit, unit_month(container, unit, month, stored=stored), _tree())
        if outcome["status"] == "failed":
            raise ReportsFailed(details={"failed": [outcome["report_id"]]})
    try:
        ReportModel(_run_id(month)).update(actions=[ReportModel.pending.delete({unit_id})],
                                           condition=ReportModel.pending.contains(unit_id))
    except UpdateError as error:  # a re-delivered message: the unit was already done
        if not lost_condition(error):
            raise
    summary = complete(container, month)
    return {"month": month, "unit_id": unit_id, "unit": outcome, "summary": summary}


def complete(container: Container, month: str) -> dict[str, Any] | None:
    """The summary, if every unit of the run is done (claimed: sent once whoever calls); None while some are not."""
    record = ReportModel.get(_run_id(month), consistent_read=True)
    if record.pending:
        return None
    tree = _tree()
    deadlines = deadlines_for(container, month)
    units = sorted((UnitModel.get(unit_id) for unit_id in record.units or [] if unit_id in tree.names),
                   key=lambda unit: vietnamese_key(unit.name))
    split = people_of_month(month)
    outcome = _deliver_district(container, month, [unit_month(container, unit, month, deadlines, split, tree.names)
                                                   for unit in units], tree, unit_sheets=False)
    if outcome["status"] == "failed":
        raise ReportsFailed(details={"failed": [outcome["report_id"]]})
    return outcome


# --- reminders -------------------------------------------------------------------------------------------------

def send_reminders(container: Container, access: Access, day: date) -> dict[str, Any]:
    """The reminders of the previous month's steps due within a day or overdue, once per (month, step, day)."""
    access.require_site("reports:run")
    month = rules.previous_month(day)
    deadlines = deadlines_for(container, month)
    tree = _tree()
    heads = _heads()
    outcomes = []
    split = people_of_month(month)
    for unit in units_of_month(month, split):
        part = unit_month(container, unit, month, deadlines, split, tree.names)
        leaders = [str(a) for a in unit.report_recipients or []]
        for reminder in rules.reminders(part, day):
            kind = f"{REMINDER_PREFIX}{reminder.step}-{month}"
            if reminder.step == "self_assess":
                for staff_id, full_name in reminder.people:
                    outcomes.append(deliver(container, day, kind, staff_id, _emails([staff_id]), [unit.unit_id],
                                            partial(_compose_reminder, unit.name, month, reminder, [full_name],
                                                    container.settings.sender_email)))
                continue
            recipients = leaders
            if reminder.step == "approve":
                lineage = [unit.unit_id, *tree.above(unit.unit_id)]
                nearest = next((heads[above] for above in lineage if heads.get(above)), [])
                recipients = _emails(nearest) or leaders
            outcomes.append(deliver(container, day, kind, unit.unit_id, recipients, [unit.unit_id],
                                    partial(_compose_reminder, unit.name, month, reminder,
                                            [name for _, name in reminder.people], container.settings.sender_email)))
    failed = [o for o in outcomes if o["status"] == "failed"]
    count("EvaluationRemindersSent", sum(o["status"] == "sent" for o in outcomes))
    if failed:
        raise ReportsFailed(details={"failed": [o["report_id"] for o in failed]})
    return {"date": day.isoformat(), "month": month, "reminders": outcomes}


def _compose_reminder(unit_name: str, month: str, reminder: rules.Reminder, people: list[str], sender: str,
                      recipients: Sequence[str], sent_at: Any) -> Any:
    return monthly.reminder(unit_name, month, reminder.step, reminder.deadline, reminder.overdue, people, sender,
                            recipients, sent_at)


def _emails(staff_ids: Iterable[str]) -> list[str]:
    ids = list(dict.fromkeys(staff_ids))
    if not ids:
        return []
    return [str(person.email) for person in StaffModel.batch_get(ids) if person.email]


def _heads() -> dict[str, list[str]]:
    """unit id → the staff ids of the accounts holding unit_head granted on that unit."""
    found: dict[str, list[str]] = {}
    for account in AccountModel.scan(AccountModel.status == "active"):
        if not account.staff_id:
            continue
        for grant in account.grants or []:
            if grant.get("role") == "unit_head" and grant.get("unit_id"):
                found.setdefault(str(grant["unit_id"]), []).append(str(account.staff_id))
    return found


# --- reading the archive ---------------------------------------------------------------------------------------

def list_monthly(container: Container, access: Access, month: str | None) -> dict[str, Any]:
    """The month's reports the caller may read: their units' and, if they reach every unit it covers, the summary."""
    month = month or rules.previous_month(container.today())
    day = first_day(month)
    names, units = reader_units(access)
    ids = [ReportModel.key(day, MONTHLY, audience) for audience in [*units, DISTRICT]]
    entries = archived(access, ids, names, lambda _, audience: f"/v1/reports/monthly/{month}/{audience}")
    reports = [{**entry, "date": day.isoformat(), "month": month} for _, entry in entries]
    return {"month": month, "reports": reports}


def _archived(container: Container, access: Access, month: str, audience: str) -> bytes:
    if not _MONTH.match(month):
        access.acknowledge()
        raise NotFound("report_not_found")
    return read_daily(container, access, f"{month}-01", MONTHLY, audience)


def download(container: Container, access: Access, month: str, audience: str) -> FileResult:
    """The archived e-mail as sent (HTML with a plain-text part and the XLSX): an .eml file."""
    return FileResult(_archived(container, access, month, audience), "message/rfc822",
                      f"danh-gia-xep-loai-{month}-{audience}.eml")


def download_attachment(container: Container, access: Access, month: str, audience: str) -> FileResult:
    """The XLSX attached to the archived report, under the name the e-mail gives it."""
    data, name, content_type = attachment_of(_archived(container, access, month, audience))
    return FileResult(data, content_type, name)
