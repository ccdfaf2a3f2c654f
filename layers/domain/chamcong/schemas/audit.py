"""Reading the audit trail."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from chamcong.schemas.common import Day, Id, Limit, Query, View


class AuditQuery(Query):
    from_: Day = Field(alias="from", description="First local day, YYYY-MM-DD")
    to: Day = Field(description="Last local day, YYYY-MM-DD; at most 92 days after from")
    actor: str | None = Field(default=None, min_length=1, max_length=128, description="A username")
    unit_id: Id | None = Field(default=None, description="Entries about this unit")
    action: str | None = Field(default=None, pattern=r"^[a-z][a-z._]{0,63}$", description="e.g. login, "
                                                                                          "account.reset")
    limit: Limit = Field(default=100, ge=1, le=500, description="1 … 500")


class AuditEntry(View):
    at: str
    actor: str
    action: str
    outcome: str
    unit_id: str | None
    subject: str | None
    details: dict[str, Any]
    source_ip: str | None
    user_agent: str | None


class AuditList(View):
    entries: list[AuditEntry]
    truncated: bool
