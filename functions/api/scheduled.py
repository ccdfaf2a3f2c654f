"""Scheduled entry points (EventBridge Scheduler, Asia/Ho_Chi_Minh): the daily reports and the 16:00 and 17:00
work-from-home reports, the monthly evaluation (its report and reminders; its queue's worker), the account sweep,
the re-embedding job.

They call the same services as the routes, as the system identity (a site-wide grant, audited as actor
"system"). The schedule fires every day; the calendar decides whether it is a working day (a make-up
Saturday is, a public holiday is not). A failed send raises, so the scheduler's retry policy tries again,
and what was already sent is not sent twice.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from chamcong.access import Access
from chamcong.container import get_container
from chamcong.observability import get_logger
from chamcong.privacy.purge import purge
from chamcong.rules.calendar import DayKind
from chamcong.rules.monthly_report import is_first_working_day, previous_month
from chamcong.services import accounts, dossier, galleries, monthly_reports, reembedding, reports, wfh_reports
from chamcong.services.calendars import calendar_for

log = get_logger()


@log.inject_lambda_context(clear_state=True)
def daily_report(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """event: {"kind": "morning" | "evening", "date": "YYYY-MM-DD" (optional, default today locally)}; or
    {"report": "wfh", "kind": "units" | "province", "date"?}: the 16:00 and 17:00 work-from-home reports."""
    container = get_container()
    kind = event.get("kind")
    if event.get("report") == "wfh":
        return _wfh_report(container, event)
    if kind not in ("morning", "evening"):
        raise ValueError("kind must be morning or evening")
    day = date.fromisoformat(event["date"]) if event.get("date") else container.today()
    result = reports.run_daily(container, Access.system(), day, kind)
    log.info("daily reports", extra={"date": result["date"], "kind": kind,
                                     "sent": sum(r["status"] == "sent" for r in result["reports"])})
    return result


def _wfh_report(container: Any, event: dict[str, Any]) -> dict[str, Any]:
    kind = event.get("kind")
    if kind not in ("units", "province"):
        raise ValueError("kind must be units or province")
    day = date.fromisoformat(event["date"]) if event.get("date") else container.today()
    result = wfh_reports.run(container, Access.system(), day, kind)
    log.info("work-from-home reports", extra={"date": result["date"], "kind": kind,
                                              "sent": sum(r["status"] == "sent" for r in result["reports"])})
    return result


@log.inject_lambda_context(clear_state=True)
def monthly_evaluation(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every day at 07:30: on a working day (the site's calendar: holidays off, make-up days worked), the reminders
    of the evaluation steps due within a day or overdue; on the month's FIRST working day, first the previous
    month's report (drafts computed where missing, each unit's report, the district summary). event: {"date":
    "YYYY-MM-DD"} (optional, default today locally). Everything is sent once, so the scheduler's retry is safe."""
    container = get_container()
    day = date.fromisoformat(event["date"]) if event.get("date") else container.today()
    calendar = calendar_for(container, None)

    def is_working(one: date) -> bool:
        return calendar.kind_of(one) == DayKind.WORKING

    result: dict[str, Any] = {"date": day.isoformat(), "working_day": is_working(day), "report": None,
                              "reminders": None}
    if not result["working_day"]:
        return result
    if is_first_working_day(day, is_working):
        result["report"] = monthly_reports.run_month(container, Access.system(), previous_month(day))
    result["reminders"] = monthly_reports.send_reminders(container, Access.system(), day)
    log.info("monthly evaluation", extra={"date": result["date"], "reported": result["report"] is not None,
                                          "reminders": len(result["reminders"]["reminders"])})
    return result


@log.inject_lambda_context(clear_state=True)
def evaluation_worker(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The evaluation queue's worker (batch size 1): one unit's part of a fanned-out monthly run. A message that
    failed is reported back (ReportBatchItemFailures) and delivered again; a part done twice changes nothing."""
    container = get_container()
    failures = []
    for record in event.get("Records", []):
        try:
            body = json.loads(record["body"])
            monthly_reports.process_unit(container, str(body["month"]), str(body["unit_id"]))
        except Exception as error:  # this message only; the queue delivers it again, then to the dead-letter queue
            log.error("evaluation part failed", extra={"message_id": record.get("messageId"),
                                                       "error": type(error).__name__})
            failures.append({"itemIdentifier": record.get("messageId")})
    return {"batchItemFailures": failures}


@log.inject_lambda_context(clear_state=True)
def account_sweep(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The maintenance function. Hourly: lock every account whose temporary password passed its deadline (document
    001). Daily at 02:30, event {"job": "privacy_purge"}: the retention purge (`privacy.purge`)."""
    if event.get("job") == "privacy_purge":
        return privacy_purge(event)
    result = accounts.sweep(get_container())
    log.info("account sweep", extra={"locked": len(result["locked"])})
    return result


def privacy_purge(event: dict[str, Any]) -> dict[str, Any]:
    """Delete every item older than its class's retention (counts per class, audited as `privacy.purge`)."""
    container = get_container()
    counts = purge(container)
    # A configuration changed since the last dossier (a deploy): its impact-assessment dossier is rebuilt now.
    dossier_digest = dossier.regenerate_if_changed(container)
    log.info("privacy purge", extra={"counts": counts, "dossier_rebuilt": dossier_digest})
    return {"job": "privacy_purge", "counts": counts, "dossier_rebuilt": dossier_digest}


# Stop taking new faces this long before Lambda's limit: saving the cursor and releasing the job takes a moment.
REEMBED_MARGIN_MS = 60_000


@log.inject_lambda_context(clear_state=True)
def reembed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every 10 minutes: continue the re-embedding job if one is running (one GetItem when none is), then reconcile
    the site galleries (`services.galleries.reconcile`).

    A job is started by `python -m infra.reembed start --model ID` (or POST /v1/galleries/reembed); each
    invocation embeds until a minute before its time limit, saves where it stands, and the next one continues.
    """
    container = get_container()
    result = reembedding.run(container,
                             should_stop=lambda: context.get_remaining_time_in_millis() < REEMBED_MARGIN_MS)
    job = result["job"] or {}
    log.info("re-embedding", extra={"active_model_id": result["active_model_id"], "status": job.get("status"),
                                    "phase": job.get("phase"), "counts": job.get("counts")})
    # Then the site galleries: any whose rows are not what its people make today is rebuilt (a crash between the
    # deployment's gallery and a site's, a transfer or a rename made in the API function, a grant expired).
    sites = galleries.reconcile(container)
    log.info("site galleries", extra={"sites": sites["sites"], "rebuilt": len(sites["rebuilt"])})
    return {**result, "site_galleries": sites}
