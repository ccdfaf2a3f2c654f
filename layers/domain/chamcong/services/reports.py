"""Daily reports: one per unit to its leaders, one district summary to Home Affairs; archived, sent once.

For each report: claim it in the reports table (a conditional write), archive the complete message in
S3 (so it is never lost, even if sending fails), send it through SES, mark it sent. A re-run of the same
day skips what was sent; a report that could not be composed, archived or sent, or whose run died, is
tried again. One report's failure never stops the others: when anything failed the run raises at the
end, after the other reports went out, so the scheduler retries it.
"""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any

from chamcong.access import Access, Target
from chamcong.container import Container
from chamcong.errors import DomainError, Forbidden, NotFound
from chamcong.observability import count
from chamcong.reports.daily import Kind, SpoofAttempt, UnitDay, district_report, unit_report
from chamcong.reports.xlsx import CONTENT_TYPE as XLSX
from chamcong.rules.calendar import DayKind
from chamcong.rules.collation import vietnamese_key
from chamcong.schemas.common import FileResult
from chamcong.services.attendance import unit_days
from chamcong.services.calendars import calendar_for
from chamcong.services.common import iso
from chamcong.services.transfers import has_members
from chamcong.store import claims
from chamcong.store.models.devices import SpoofModel
from chamcong.store.models.reports import ReportModel
from chamcong.store.models.units import UnitModel

log = logging.getLogger("chamcong")
CLAIM_TIMEOUT = timedelta(minutes=10)  # a run that died holding a claim is taken over after this
REPORT_DELAY = timedelta(minutes=15)   # reports go out 15 minutes after their window closes (08:15, 18:15)


DISTRICT = "district"
DISTRICT_NAME = "Tổng hợp toàn huyện"
PROVINCE = "province"  # the 17:00 work-from-home summary's audience (services.wfh_reports)
SUMMARIES = frozenset({DISTRICT, PROVINCE})  # audiences that are not one unit: read by whoever reaches them all
KINDS: tuple[Kind, ...] = ("morning", "evening")


class ReportsFailed(DomainError):
    status = 502
    code = "reports_failed"


def run_daily(container: Container, access: Access, day: date, kind: Kind) -> dict[str, Any]:
    """Every unit's report and the district summary: a site-wide operation (the scheduler runs it as system)."""
    access.require_site("reports:run")
    units = []
    every_unit = sorted(UnitModel.scan(), key=lambda u: vietnamese_key(u.name))
    for unit in every_unit:
        if not has_members(unit.unit_id, day, day):
            continue  # a unit without staff (e.g. the district itself) has nothing to report
        calendar = calendar_for(container, unit.unit_id)
        schedule = calendar.schedule_on(day)
        if calendar.kind_of(day) != DayKind.WORKING or schedule is None:
            continue  # not a working day for this unit
        # A report judges the day as at its own hour, so running it again later tells the same story.
        closes = schedule.check_in.end if kind == "morning" else schedule.check_out.end
        rows = unit_days(container, access, unit.unit_id, day, calendar.at(day, closes) + REPORT_DELAY,
                         calendar)["days"]
        units.append((unit, UnitDay(unit.unit_id, unit.name, rows)))
    if not units:
        return {"date": day.isoformat(), "kind": kind, "working_day": False, "reports": []}
    sender = container.settings.sender_email
    site_url = container.site_url()
    names = {unit.unit_id: unit.name for unit in every_unit}
    tops = [unit.name for unit in every_unit if not unit.parent_id]
    outcomes = [deliver(container, day, kind, unit.unit_id, [str(a) for a in unit.report_recipients or []],
                         [unit.unit_id], partial(unit_report, unit_day, day, kind, sender,
                                                  site_url=site_url, superior=names.get(unit.parent_id or "", "")))
                for unit, unit_day in units]
    home_affairs = [a.strip() for a in container.settings.home_affairs_recipients.split(",") if a.strip()]
    spoofs = spoof_attempts(day, kind, names)
    outcomes.append(deliver(container, day, kind, DISTRICT, home_affairs, [unit.unit_id for unit, _ in units],
                             partial(district_report, [unit_day for _, unit_day in units], day, kind, sender,
                                     spoofs=spoofs, site_url=site_url,
                                     agency=tops[0] if len(tops) == 1 else "")))
    failed = [o for o in outcomes if o["status"] == "failed"]
    count("ReportsSent", sum(o["status"] == "sent" for o in outcomes), kind=kind)
    count("ReportsFailed", len(failed), kind=kind)
    if failed:
        raise ReportsFailed(details={"failed": [o["report_id"] for o in failed]})
    return {"date": day.isoformat(), "kind": kind, "working_day": True, "reports": outcomes}


def spoof_attempts(day: date, kind: Kind, unit_names: dict[str, str]) -> list[SpoofAttempt]:
    """The passages refused as photos or screens in the report's half of the day (morning: before noon)."""
    attempts = []
    for spoof in SpoofModel.on(day):
        local_time = spoof.captured_at_local[11:16]
        if (local_time < "12:00") != (kind == "morning"):
            continue
        attempts.append(SpoofAttempt(local_time, unit_names.get(spoof.unit_id, spoof.unit_id), spoof.device_name,
                                     spoof.resembles_name, int(spoof.frames)))
    return attempts


def deliver(container: Container, day: date, kind: str, audience: str, recipients: list[str], covers: list[str],
             compose: Callable[[list[str], datetime], EmailMessage]) -> dict[str, Any]:
    report_id = ReportModel.key(day, kind, audience)
    outcome = {"report_id": report_id, "audience": audience, "recipients": recipients, "archive_key": None}
    now = container.clock()
    record = ReportModel(report_id, status="sending", claimed_at=now, recipients=recipients, units=covers)
    # A failed or unsent (archived) report is claimed again at once; one still "sending" only once its run died.
    existing = claims.claim(record, stale_before=now - CLAIM_TIMEOUT, retryable=("failed", "archived"))
    if existing is not None:
        return {**outcome, "status": "already_sent" if existing.status == "sent" else "in_progress",
                "archive_key": existing.archive_key}
    archive_key = ReportModel.archive_key_for(day, kind, audience)
    try:
        message = compose(recipients or [container.settings.sender_email], container.clock())
        container.blobs.put(archive_key, bytes(message), "message/rfc822")
    except Exception as error:  # this report only (bad stored data, S3 down): the others still go out
        # The error's type only: its text may quote a name or an address.
        record.update(actions=[ReportModel.status.set("failed"), ReportModel.error.set(type(error).__name__)])
        log.error("report not composed or archived", extra={"report_id": report_id, "error": type(error).__name__})
        return {**outcome, "status": "failed"}
    outcome["archive_key"] = archive_key
    if not recipients:
        record.update(actions=[ReportModel.status.set("archived"), ReportModel.archive_key.set(archive_key)])
        log.warning("report archived but not sent: no recipients configured", extra={"report_id": report_id})
        return {**outcome, "status": "archived"}
    try:
        message_id = send(container, message, recipients)
    except Exception as error:  # SES refused or was unreachable: keep the archive, let the run be retried
        record.update(actions=[ReportModel.status.set("failed"), ReportModel.archive_key.set(archive_key),
                               ReportModel.error.set(type(error).__name__)])
        log.error("report not sent", extra={"report_id": report_id, "error": type(error).__name__})
        return {**outcome, "status": "failed"}
    record.update(actions=[ReportModel.status.set("sent"), ReportModel.archive_key.set(archive_key),
                           ReportModel.message_id.set(message_id), ReportModel.sent_at.set(container.clock())])
    return {**outcome, "status": "sent"}


def send(container: Container, message: EmailMessage, recipients: Sequence[str]) -> str:
    """Through SES; on the local stack also written as an .eml file a person can open."""
    answer = container.ses.send_raw_email(Source=container.settings.sender_email, Destinations=list(recipients),
                                          RawMessage={"Data": bytes(message)})
    copies = container.settings.mail_copy_dir
    if copies:
        folder = Path(copies)
        folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Subject"]).replace("/", "-").replace(":", "")[:150]
        (folder / f"{name}.eml").write_bytes(bytes(message))
    return str(answer["MessageId"])


# --- reading the archive -------------------------------------------------------------------------------

def reader_units(access: Access) -> tuple[dict[str, str], list[str]]:
    """Every unit's name, and the units whose reports the caller may read, in Vietnamese order."""
    visible = access.visible_units("reports:read")
    names = {unit.unit_id: unit.name for unit in UnitModel.scan()}
    return names, sorted(names if visible is None else visible & set(names),
                         key=lambda unit_id: vietnamese_key(names[unit_id]))


def archived(access: Access, ids: Sequence[str], names: dict[str, str], path_of: Callable[[str, str], str],
             audience_names: dict[str, str] | None = None) -> list[tuple[ReportModel, dict[str, Any]]]:
    """The reports of `ids` that exist and the caller may read, in that order, each with what a listing says of
    it (`ArchivedReport`): `path_of(kind, audience)` is where its archived e-mail is read."""
    labels = audience_names or {DISTRICT: DISTRICT_NAME}
    found = {record.report_id: record for record in ReportModel.batch_get(list(ids))}
    entries = []
    for report_id in ids:
        record = found.get(report_id)
        if record is None or not readable(access, record):
            continue
        kind, audience = record.kind_and_audience
        path = path_of(kind, audience) if record.archive_key else None
        entries.append((record, {
            "report_id": report_id, "audience": audience,
            "audience_name": labels.get(audience) or names.get(audience, audience), "status": record.status,
            "recipients": list(record.recipients or []), "sent_at": iso(record.sent_at) if record.sent_at else None,
            "download": path, "attachment": f"{path}/attachment" if path else None}))
    return entries


def list_daily(container: Container, access: Access, day: date | None) -> dict[str, Any]:
    """The day's reports the caller may read: their units' and, if they reach every unit it covers, the summary."""
    day = day or container.today()
    names, units = reader_units(access)
    ids = [ReportModel.key(day, kind, audience) for kind in KINDS for audience in [*units, DISTRICT]]
    entries = archived(access, ids, names,
                       lambda kind, audience: f"/v1/reports/daily/{day.isoformat()}/{kind}/{audience}")
    return {"date": day.isoformat(),
            "reports": [{**entry, "date": day.isoformat(), "kind": record.kind_and_audience[0]}
                        for record, entry in entries]}


def download_daily(container: Container, access: Access, day_text: str, kind: str, audience: str) -> FileResult:
    """The archived e-mail of one report as sent: an .eml file a mail program opens."""
    archived = read_daily(container, access, day_text, kind, audience)
    _, name, _ = attachment_of(archived)
    return FileResult(archived, "message/rfc822", name.rsplit(".", 1)[0] + ".eml")


def download_attachment(container: Container, access: Access, day_text: str, kind: str,
                        audience: str) -> FileResult:
    """The spreadsheet attached to an archived report (XLSX; CSV for reports archived before the XLSX), under
    the name the e-mail gives it."""
    data, name, content_type = attachment_of(read_daily(container, access, day_text, kind, audience))
    return FileResult(data, content_type, name)


def read_daily(container: Container, access: Access, day_text: str, kind: str, audience: str) -> bytes:
    """The archived e-mail of one report, as sent (message/rfc822). The path's shape is checked by the router."""
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise NotFound("report_not_found") from None
    if audience not in SUMMARIES:
        access.require_unit("reports:read", audience)  # before saying whether it exists
    try:
        record = ReportModel.get(ReportModel.key(day, kind, audience))
    except ReportModel.DoesNotExist:
        access.acknowledge()
        raise NotFound("report_not_found") from None
    if not readable(access, record):
        raise Forbidden("forbidden")
    if not record.archive_key:
        raise NotFound("report_not_found")
    return container.blobs.get(record.archive_key)


ATTACHMENT_TYPES = {XLSX: XLSX, "text/csv": "text/csv; charset=utf-8"}  # as attached → as served


def attachment_of(archived: bytes) -> tuple[bytes, str, str]:
    """The spreadsheet attached to an archived report: its bytes, file name and content type."""
    message = email.message_from_bytes(archived, policy=email.policy.default)
    part = next(p for p in message.walk() if p.get_content_type() in ATTACHMENT_TYPES)
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload, str(part.get_filename()), ATTACHMENT_TYPES[part.get_content_type()]


def readable(access: Access, record: ReportModel) -> bool:
    _, audience = record.kind_and_audience
    if audience not in SUMMARIES:
        return access.allows("reports:read", Target(audience))
    covered = list(record.units or [])
    if not covered:  # a summary archived before reports kept their units: the whole site
        return access.allows("reports:read", Target(None))
    return all(access.allows("reports:read", Target(str(unit_id))) for unit_id in covered)
