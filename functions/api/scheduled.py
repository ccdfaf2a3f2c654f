"""Scheduled entry points (EventBridge Scheduler, Asia/Ho_Chi_Minh): the daily reports and the 16:00 and 17:00
work-from-home reports, the account sweep, the re-embedding job.

They call the same services as the routes, as the system identity (a site-wide grant, audited as actor
"system"). The schedule fires every day; the calendar decides whether it is a working day (a make-up
Saturday is, a public holiday is not). A failed send raises, so the scheduler's retry policy tries again,
and what was already sent is not sent twice.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from chamcong.access import Access
from chamcong.container import get_container
from chamcong.observability import get_logger
from chamcong.services import accounts, reembedding, reports, wfh_reports

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
def account_sweep(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Hourly: lock every account whose temporary password passed its deadline (document 001)."""
    result = accounts.sweep(get_container())
    log.info("account sweep", extra={"locked": len(result["locked"])})
    return result


# Stop taking new faces this long before Lambda's limit: saving the cursor and releasing the job takes a moment.
REEMBED_MARGIN_MS = 60_000


@log.inject_lambda_context(clear_state=True)
def reembed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every few minutes: continue the re-embedding job if one is running (one GetItem when none is).

    A job is started by `python -m infra.reembed start --model ID` (or POST /v1/galleries/reembed); each
    invocation embeds until a minute before its time limit, saves where it stands, and the next one continues.
    """
    container = get_container()
    result = reembedding.run(container,
                             should_stop=lambda: context.get_remaining_time_in_millis() < REEMBED_MARGIN_MS)
    job = result["job"] or {}
    log.info("re-embedding", extra={"active_model_id": result["active_model_id"], "status": job.get("status"),
                                    "phase": job.get("phase"), "counts": job.get("counts")})
    return result
