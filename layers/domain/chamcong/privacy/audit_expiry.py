"""Audit entries written before the audit trail had its retention (issue 16) carry no `expires_at`, so DynamoDB's TTL
never removes them. `backfill` gives each its expiry — its own time + AUDIT_RETENTION_DAYS — and changes nothing
else: the entry's content is never rewritten and nothing is deleted here (an entry already past its retention is
removed by DynamoDB's TTL within days, as every other one). Idempotent: a second run finds nothing to do.

Run once by an operator after deploying (`python -m infra.backfill_audit_expiry`); the functions themselves may not
update audit entries (the trail is append-only for them).
"""

from __future__ import annotations

from datetime import timedelta

from pynamodb.exceptions import UpdateError

from chamcong.container import Container
from chamcong.services import audit
from chamcong.store.models.audit import AuditModel
from chamcong.store.models.base import lost_condition


def backfill(container: Container, actor: str) -> dict[str, int]:
    """Set `expires_at` on every audit entry without one; counts {"entries", "set"}. Audited (counts only)."""
    days = container.settings.audit_retention_days
    entries = updated = 0
    for item in AuditModel.scan(AuditModel.expires_at.does_not_exist()):
        entries += 1
        expires_at = int((item.at + timedelta(days=days)).timestamp())
        try:
            # Only the expiry is added, and only where there is none (a concurrent run sets the same value).
            item.update(actions=[AuditModel.expires_at.set(expires_at)],
                        condition=AuditModel.expires_at.does_not_exist())
        except UpdateError as error:
            if not lost_condition(error):
                raise
            continue
        updated += 1
    audit.record_only(audit.entry(container.clock(), actor, "privacy.audit_expiry_backfill",
                                  details={"entries": entries, "set": updated, "retention_days": days}))
    return {"entries": entries, "set": updated}
