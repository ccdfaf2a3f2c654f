"""Accounts as the offices run them (document 001): one admin per unit creates the accounts in their scope.

An admin creates an account with a one-time temporary password, shown once. The holder must change it
before the deadline (5 days from issue, or a fixed date chosen for a roll-out), or the account locks:
at sign-in after the deadline, and by the hourly sweep. A locked holder asks their unit admin, whose
reset issues a new temporary password with a new deadline. Every change is audited in the same
transaction as the change itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from chamcong.access import ROLES, Access, Grant
from chamcong.container import Container
from chamcong.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable
from chamcong.password_policy import temporary_password
from chamcong.passwords import hash_password
from chamcong.schemas.accounts import CreateAccount, GrantSpec, LockAccount, ResetAccount
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.auth import deadline_passed, find_account, grants_of, lock
from chamcong.services.common import iso
from chamcong.services.staff import get_staff
from chamcong.services.units import get_unit
from chamcong.store.models.accounts import AccountModel
from chamcong.store.models.base import lost_condition

MAX_DEADLINE_DAYS = 90


def account_view(account: AccountModel) -> dict[str, Any]:
    return {"username": account.username, "display_name": account.display_name, "unit_id": account.unit_id,
            "staff_id": account.staff_id, "grants": [grant.as_dict() for grant in grants_of(account)],
            "status": account.status, "lock_reason": account.lock_reason,
            "must_change_password": bool(account.must_change_password),
            "password_deadline": iso(account.password_deadline) if account.password_deadline else None,
            "password_changed_at": iso(account.password_changed_at) if account.password_changed_at else None,
            "blocked_until": iso(account.blocked_until) if account.blocked_until else None,
            "created_at": iso(account.created_at), "created_by": account.created_by}


def get_account(username: str) -> AccountModel:
    account = find_account(username)
    if account is None:
        raise NotFound("account_not_found")
    return account


def _deadline(container: Container, fixed: date | None) -> datetime:
    """A fixed roll-out date ends at midnight after that day (local time); otherwise N days from now."""
    now = container.clock()
    if fixed is None:
        return now + timedelta(days=container.settings.password_change_days)
    zone = container.work_calendar.timezone
    today = container.today()
    # Counted in the site's days: a date exactly 90 days ahead is within 90 days.
    if fixed < today or (fixed - today).days > MAX_DEADLINE_DAYS:
        raise Unprocessable("password_deadline_invalid", details={"max_days": MAX_DEADLINE_DAYS})
    return datetime.combine(fixed + timedelta(days=1), time.min, zone).astimezone(UTC)


def _checked_grants(access: Access, specs: list[GrantSpec], staff_id: str | None) -> list[Grant]:
    grants: list[Grant] = []
    for spec in specs:
        grant = Grant(spec.role, spec.unit_id)
        if ROLES[spec.role].scope == "site":
            if spec.unit_id is not None:
                raise BadRequest("validation_error", details={"field": "grants.unit_id",
                                                              "reason": "system_admin is granted on the whole site"})
        else:
            if spec.unit_id is None:
                raise BadRequest("validation_error", details={"field": "grants.unit_id", "reason": "required"})
            get_unit(spec.unit_id)
        if spec.role == "staff" and staff_id is None:
            raise Unprocessable("staff_role_needs_person")
        if not access.can_grant(grant):
            raise Forbidden("forbidden", details={"grant": grant.as_dict()})
        if grant not in grants:
            grants.append(grant)
    return grants


def create_account(container: Container, access: Access, body: CreateAccount, source: Source) -> dict[str, Any]:
    if body.username in audit.RESERVED_ACTORS:
        raise Conflict("username_taken")
    get_unit(body.unit_id)
    access.require_unit("accounts:write", body.unit_id)
    display_name = body.display_name
    if body.staff_id is not None:
        person = get_staff(body.staff_id)
        if person.unit_id != body.unit_id:
            raise Unprocessable("staff_not_in_unit")
        display_name = display_name or person.full_name
    specs = body.grants if body.grants is not None else (
        [GrantSpec(role="staff", unit_id=body.unit_id)] if body.staff_id else [])
    grants = _checked_grants(access, specs, body.staff_id)
    password = temporary_password(username=body.username)
    now = container.clock()
    deadline = _deadline(container, body.password_deadline)
    account = AccountModel(body.username, password_hash=hash_password(password),
                           grants=[grant.as_dict() for grant in grants], unit_id=body.unit_id,
                           staff_id=body.staff_id, display_name=display_name, must_change_password=True,
                           password_deadline=deadline, created_by=access.username, created_at=now)
    try:
        audit.write(container, audit.entry(now, access.username, "account.create", unit_id=body.unit_id,
                                           subject=body.username, details={"grants": account.grants,
                                                                           "staff_id": body.staff_id,
                                                                           "password_deadline": iso(deadline)},
                                           source=source),
                    ("save", account, {"condition": AccountModel.username.does_not_exist()}))
    except Exception as error:
        if lost_condition(error):
            raise Conflict("username_taken") from None
        raise
    return {**account_view(account), "temporary_password": password}


def list_accounts(access: Access, unit_id: str | None) -> dict[str, Any]:
    """Accounts of one unit, or of every unit the reader may see (never one above or beside them)."""
    if unit_id is not None:
        get_unit(unit_id)
        access.require_unit("accounts:read", unit_id)
        found = list(AccountModel.by_unit.query(unit_id))
    else:
        visible = access.visible_units("accounts:read")
        found = [account for account in AccountModel.scan()
                 if visible is None or (account.unit_id is not None and account.unit_id in visible)]
    return {"accounts": [account_view(account) for account in sorted(found, key=lambda a: a.username)]}


def read_account(access: Access, username: str) -> dict[str, Any]:
    account = get_account(username)
    if username != access.username:
        access.require_unit("accounts:read", account.unit_id)
    else:
        access.acknowledge()
    return account_view(account)


def _managed(access: Access, username: str) -> AccountModel:
    """The account, if the caller may manage it; nobody manages their own (no self-unlock, no self-grant)."""
    account = get_account(username)
    if not access.can_manage(account.unit_id, grants_of(account)):
        raise Forbidden("forbidden")
    if account.username == access.username:
        raise Forbidden("own_account")
    return account


def reset_account(container: Container, access: Access, username: str, body: ResetAccount,
                  source: Source) -> dict[str, Any]:
    """A new temporary password with a new deadline; the account opens again and every old token is revoked."""
    account = _managed(access, username)
    password = temporary_password(username=username)
    now = container.clock()
    deadline = _deadline(container, body.password_deadline)
    audit.write(container, audit.entry(now, access.username, "account.reset", unit_id=account.unit_id,
                                       subject=username, details={"password_deadline": iso(deadline),
                                                                  "was": account.status}, source=source),
                ("update", account, {"actions": [
                    AccountModel.password_hash.set(hash_password(password)),
                    AccountModel.must_change_password.set(True), AccountModel.password_deadline.set(deadline),
                    AccountModel.status.set("active"), AccountModel.lock_reason.remove(),
                    AccountModel.locked_at.remove(), AccountModel.locked_by.remove(),
                    AccountModel.failed_logins.set(0), AccountModel.blocked_until.remove(),
                    AccountModel.session_generation.add(1)], "condition": AccountModel.username.exists()}))
    account.refresh()
    return {**account_view(account), "temporary_password": password}


def lock_account(container: Container, access: Access, username: str, body: LockAccount,
                 source: Source) -> dict[str, Any]:
    account = _managed(access, username)
    if account.status == "active":
        lock(container, account, "by_admin", access.username, container.clock(), source, note=body.reason)
    return account_view(account)


def unlock_account(container: Container, access: Access, username: str, source: Source) -> dict[str, Any]:
    """Open a locked or blocked account. One locked for an expired temporary password needs a reset instead."""
    account = _managed(access, username)
    now = container.clock()
    if account.lock_reason == "password_expired" or deadline_passed(account, now):
        raise Conflict("reset_required")
    if account.status == "active" and account.blocked_until is None:
        return account_view(account)
    audit.write(container, audit.entry(now, access.username, "account.unlock", unit_id=account.unit_id,
                                       subject=username, details={"was": account.lock_reason or "blocked"},
                                       source=source),
                ("update", account, {"actions": [
                    AccountModel.status.set("active"), AccountModel.lock_reason.remove(),
                    AccountModel.locked_at.remove(), AccountModel.locked_by.remove(),
                    AccountModel.failed_logins.set(0), AccountModel.blocked_until.remove()],
                    "condition": AccountModel.username.exists()}))
    account.refresh()
    return account_view(account)


def grant_role(container: Container, access: Access, username: str, spec: GrantSpec,
               source: Source) -> dict[str, Any]:
    account = _managed(access, username)
    grant = _checked_grants(access, [spec], account.staff_id)[0]
    current = grants_of(account)
    if grant in current:
        return account_view(account)
    _set_grants(container, access, account, [*current, grant], "role.grant", grant, source)
    return account_view(account)


def revoke_role(container: Container, access: Access, username: str, role: str, unit_id: str | None,
                source: Source) -> dict[str, Any]:
    account = _managed(access, username)
    grant = Grant(role, unit_id)
    current = grants_of(account)
    if grant not in current:
        raise NotFound("grant_not_found")
    if not access.can_grant(grant):
        raise Forbidden("forbidden")
    _set_grants(container, access, account, [g for g in current if g != grant], "role.revoke", grant, source)
    return account_view(account)


def _set_grants(container: Container, access: Access, account: AccountModel, grants: list[Grant], action: str,
                grant: Grant, source: Source) -> None:
    """Grants change under a condition on what was read, so two admins at once cannot lose one's change."""
    try:
        audit.write(container, audit.entry(container.clock(), access.username, action, unit_id=account.unit_id,
                                           subject=account.username, details=grant.as_dict(), source=source),
                    ("update", account, {"actions": [AccountModel.grants.set([g.as_dict() for g in grants])],
                                         "condition": AccountModel.grants == account.grants}))
    except Exception as error:
        if lost_condition(error):
            raise Conflict("conflict") from None
        raise
    account.refresh()


def sweep(container: Container) -> dict[str, Any]:
    """Lock every account whose temporary password is past its deadline (the scheduled sweep)."""
    now = container.clock()
    locked: list[str] = []
    for account in AccountModel.scan((AccountModel.must_change_password == True)  # noqa: E712 - a DynamoDB condition
                                     & (AccountModel.status == "active")):
        if deadline_passed(account, now) and lock(container, account, "password_expired", audit.SYSTEM, now):
            locked.append(account.username)
    return {"locked": sorted(locked), "at": iso(now)}
