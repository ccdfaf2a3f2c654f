"""Scheduled entry points (EventBridge Scheduler, Asia/Ho_Chi_Minh): the daily reports, the account sweep.

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
from chamcong.services import accounts, reports

log = get_logger()


@log.inject_lambda_context(clear_state=True)
def daily_report(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """event: {"kind": "morning" | "evening", "date": "YYYY-MM-DD" (optional, default today locally)}."""
    container = get_container()
    kind = event.get("kind")
    if kind not in ("morning", "evening"):
        raise ValueError("kind must be morning or evening")
    day = date.fromisoformat(event["date"]) if event.get("date") else container.today()
    result = reports.run_daily(container, Access.system(), day, kind)
    log.info("daily reports", extra={"date": result["date"], "kind": kind,
                                     "sent": sum(r["status"] == "sent" for r in result["reports"])})
    return result


@log.inject_lambda_context(clear_state=True)
def account_sweep(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Hourly: lock every account whose temporary password passed its deadline (document 001)."""
    result = accounts.sweep(get_container())
    log.info("account sweep", extra={"locked": len(result["locked"])})
    return result
