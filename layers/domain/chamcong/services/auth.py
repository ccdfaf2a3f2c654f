"""Signing in, bearer tokens, and a holder's own password (document 001's rules for accounts).

- A wrong password counts against the account; after `max_failed_logins` in a row it is blocked for
  `failed_login_block_minutes`, with a message that says so. Each check is counted before it runs, by one
  conditional write, so passwords sent all at once get no more checks than passwords sent one by one.
- A temporary password (new account, reset) must be changed before its deadline. After it, sign-in is
  refused with `password_expired` and the account is locked, here or by the hourly sweep, whichever
  comes first. Only the unit admin's reset opens it again.
- A token carries the account's session generation; a password change, a reset or a lock bumps it,
  so every earlier token stops working at once.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import datetime, timedelta, tzinfo
from typing import Any

from pynamodb.exceptions import DoesNotExist, UpdateError

from chamcong.access import Access, Grant, Principal
from chamcong.container import Container
from chamcong.errors import Conflict, Forbidden, Unauthenticated, Unprocessable
from chamcong.observability import count
from chamcong.password_policy import check_new_password
from chamcong.passwords import hash_password, verify_password
from chamcong.services import audit
from chamcong.services.audit import Source
from chamcong.services.common import iso
from chamcong.services.units import load_tree
from chamcong.store.models.accounts import AccountModel, SessionModel
from chamcong.store.models.base import lost_condition
from chamcong.store.models.units import UnitModel

BOOTSTRAP_ADMIN = "admin"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_account(username: str) -> AccountModel | None:
    if not username or len(username) > 128:
        return None
    try:
        return AccountModel.get(username)
    except DoesNotExist:
        return None


def grants_of(account: AccountModel) -> tuple[Grant, ...]:
    return tuple(Grant(str(item["role"]), item.get("unit_id")) for item in account.grants or [])


def deadline_passed(account: AccountModel, now: datetime) -> bool:
    return bool(account.must_change_password and account.password_deadline is not None
                and account.password_deadline <= now)


def login(container: Container, username: str, password: str, source: Source) -> dict[str, Any]:
    now = container.clock()
    account = find_account(username)
    if account is not None and not _take_attempt(container, account, now):
        count("SignInBlocks")
        audit.record_only(audit.entry(now, account.username, "login", unit_id=account.unit_id, outcome="refused",
                                      details={"reason": "blocked"}, source=source))
        raise block_refusal(container, account, now)
    # The KDF runs once whether or not the username exists (against a stand-in hash with the same parameters
    # when it does not), so the time an answer takes does not tell which usernames exist.
    matches = verify_password(account.password_hash if account is not None else None, password)
    if account is None or not matches:
        _count_failure(container, account, username, now, source)
        raise Unauthenticated("invalid_credentials")
    if account.status != "active" or deadline_passed(account, now):
        _give_back_attempt(account)
        if account.status == "active":
            lock(container, account, "password_expired", audit.SYSTEM, now, source)
        audit.record_only(audit.entry(now, account.username, "login", unit_id=account.unit_id, outcome="refused",
                                      details={"reason": account.lock_reason or "locked"}, source=source))
        raise refusal(account, now, container.site_windows.timezone)
    updates = [AccountModel.failed_logins.set(0), AccountModel.blocked_until.remove()]
    audit.write(container, audit.entry(now, account.username, "login", unit_id=account.unit_id, source=source),
                ("update", account, {"actions": updates}))
    return _session(container, account, now)


def blocked(account: AccountModel, now: datetime) -> bool:
    return account.blocked_until is not None and account.blocked_until > now


def block_refusal(container: Container, account: AccountModel, now: datetime) -> Forbidden:
    minutes = container.settings.failed_login_block_minutes
    # Not blocked any more only if the last attempt counted turned out to be the right password meanwhile.
    until = account.blocked_until if blocked(account, now) else now + timedelta(minutes=minutes)
    return Forbidden("login_blocked", details={"blocked_until": iso(until)}, params={"minutes": str(minutes)})


def _take_attempt(container: Container, account: AccountModel, now: datetime) -> bool:
    """Count a password check against the account before it runs; False (nothing counted) if it is blocked.

    One conditional write takes the attempt, so however many arrive at once, at most `max_failed_logins` are
    checked before the block: `account.failed_logins` is then this attempt's number. When the count is full
    but no block is written yet (its last attempt is still being checked, or never finished), the block is
    written here; a right password in that last attempt lifts it again, as any sign-in does.
    """
    settings = container.settings
    unblocked = AccountModel.blocked_until.does_not_exist() | (AccountModel.blocked_until <= now)
    try:
        account.update(actions=[AccountModel.failed_logins.add(1)], condition=unblocked & (
            AccountModel.failed_logins.does_not_exist() | (AccountModel.failed_logins < settings.max_failed_logins)))
        return True
    except UpdateError as error:
        if not lost_condition(error):
            raise
    until = now + timedelta(minutes=settings.failed_login_block_minutes)
    try:
        account.update(actions=[AccountModel.failed_logins.set(0), AccountModel.blocked_until.set(until)],
                       condition=unblocked & (AccountModel.failed_logins >= settings.max_failed_logins))
    except UpdateError as error:  # blocked already, or the count started again meanwhile
        if not lost_condition(error):
            raise
    account.refresh()
    return False


def _give_back_attempt(account: AccountModel) -> None:
    """The right password was given without a sign-in (a locked account, or a password change): it does not count.

    Not below zero: a block written meanwhile has started the count again.
    """
    try:
        account.update(actions=[AccountModel.failed_logins.add(-1)], condition=AccountModel.failed_logins > 0)
    except UpdateError as error:
        if not lost_condition(error):
            raise


def refusal(account: AccountModel, now: datetime, zone: tzinfo) -> Forbidden:
    """403 for a locked account, saying whom to ask: the nearest unit admin above the holder."""
    contact = contact_for(account)
    if account.lock_reason == "password_expired" or deadline_passed(account, now):
        # As the holder was told it: the site's local time, not UTC.
        deadline = f"{account.password_deadline.astimezone(zone):%d-%m-%Y %H:%M}" if account.password_deadline else ""
        return Forbidden("password_expired", details={"contact": contact["details"]},
                         params={"contact": contact["text"], "deadline": deadline})
    return Forbidden("account_locked", details={"contact": contact["details"]}, params={"contact": contact["text"]})


def contact_for(account: AccountModel) -> dict[str, Any]:
    """The unit admins whose grant is nearest above the account's unit (its own unit first, then upwards).

    Read only when a locked holder signs in, so one pass over the accounts is affordable.
    """
    if account.unit_id is not None:
        lineage = load_tree().lineage(account.unit_id)
        admins_at: dict[str, list[AccountModel]] = {}
        for other in AccountModel.scan():
            if other.username == account.username or other.status != "active":
                continue
            for grant in grants_of(other):
                if grant.role == "unit_admin" and grant.unit_id in lineage:
                    admins_at.setdefault(grant.unit_id, []).append(other)
        for unit_id in lineage:
            admins = sorted(admins_at.get(unit_id, []), key=lambda a: a.username)
            if admins:
                try:
                    unit_name = UnitModel.get(unit_id).name
                except DoesNotExist:
                    unit_name = unit_id
                names = ", ".join(f"{a.display_name or a.username} ({a.username})" for a in admins)
                return {"text": (f"quản trị viên của {unit_name}: {names}", f"the admin of {unit_name}: {names}"),
                        "details": {"unit_id": unit_id, "unit_name": unit_name,
                                    "admins": [a.username for a in admins]}}
    return {"text": ("quản trị viên hệ thống", "the system administrator"), "details": {"admins": []}}


def _count_failure(container: Container, account: AccountModel | None, username: str, now: datetime,
                   source: Source, action: str = "login", reason: str = "wrong_password") -> None:
    """Record a wrong password (at sign-in, or as the current one when changing it), already counted by
    `_take_attempt`; the attempt whose number reaches `max_failed_logins` blocks the account."""
    settings = container.settings
    count("SignInFailures", reason="unknown_user" if account is None else reason)
    if account is None:
        # Whatever was typed is kept as a detail, never as an actor it could impersonate ("system").
        audit.record_only(audit.entry(now, audit.ANONYMOUS, "login", outcome="refused",
                                      details={"reason": "unknown_user", "username": username[:64]},
                                      source=source))
        return
    details: dict[str, Any] = {"reason": reason, "failures": int(account.failed_logins)}
    if account.failed_logins >= settings.max_failed_logins:
        until = now + timedelta(minutes=settings.failed_login_block_minutes)
        account.update(actions=[AccountModel.failed_logins.set(0), AccountModel.blocked_until.set(until)])
        details["blocked_until"] = iso(until)
        count("SignInBlocks")
    audit.record_only(audit.entry(now, account.username, action, unit_id=account.unit_id, outcome="refused",
                                  details=details, source=source))


def _session(container: Container, account: AccountModel, now: datetime) -> dict[str, Any]:
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(seconds=container.settings.token_ttl_seconds)
    SessionModel(_token_hash(token), username=account.username, generation=account.session_generation,
                 created_at=now, expires_at=int(expires.timestamp())).save()
    grants = grants_of(account)
    return {"token": token, "token_type": "Bearer", "expires_at": iso(expires), "username": account.username,
            "roles": sorted({grant.role for grant in grants}), "grants": [grant.as_dict() for grant in grants],
            "must_change_password": bool(account.must_change_password),
            "password_deadline": iso(account.password_deadline) if account.must_change_password
            and account.password_deadline else None}


def authenticate(authorization: str | None, now: datetime, zone: tzinfo) -> Principal:
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthenticated("unauthenticated")
    token = authorization.removeprefix("Bearer ").strip()
    if not token or len(token) > 256:
        raise Unauthenticated("unauthenticated")
    try:
        session = SessionModel.get(_token_hash(token))
    except DoesNotExist:
        raise Unauthenticated("unauthenticated") from None
    # DynamoDB's TTL deletes expired items only eventually: the expiry is checked here.
    if session.expires_at <= now.timestamp():
        raise Unauthenticated("token_expired")
    account = find_account(session.username)
    if account is None or account.status != "active" or session.generation != account.session_generation:
        raise Unauthenticated("token_revoked")
    if deadline_passed(account, now):  # the sweep has not run yet: the temporary password is spent anyway
        raise refusal(account, now, zone)
    return Principal(account.username, grants_of(account), account.staff_id, account.unit_id,
                     bool(account.must_change_password), account.password_deadline)


def logout(access: Access, authorization: str | None) -> None:
    access.acknowledge()  # one's own session, whoever one is
    token = (authorization or "").removeprefix("Bearer ").strip()
    with contextlib.suppress(DoesNotExist):
        SessionModel.get(_token_hash(token)).delete()


def change_password(container: Container, access: Access, current: str, new: str,
                    source: Source) -> dict[str, Any]:
    """The holder's own change: the current password, then the rules; every earlier token is revoked."""
    access.acknowledge()  # one's own password, whoever one is
    principal = access.principal
    now = container.clock()
    account = find_account(principal.username)
    if account is None:
        raise Unauthenticated("token_revoked")
    # The counting below rereads the account: a reset or lock from now on must still make the change fail.
    seen = account.session_generation
    # Guessing the current password with a stolen token counts like guessing it at sign-in.
    if not _take_attempt(container, account, now):
        raise block_refusal(container, account, now)
    if not verify_password(account.password_hash, current):
        _count_failure(container, account, account.username, now, source, "password.change", "wrong_current_password")
        raise Unprocessable("current_password_wrong")
    _give_back_attempt(account)
    check_new_password(new, account.username, current_password_hash=account.password_hash)
    generation = seen + 1
    try:
        audit.write(container, audit.entry(now, account.username, "password.change", unit_id=account.unit_id,
                                           subject=account.username, source=source),
                    ("update", account, {"actions": [
                        AccountModel.password_hash.set(hash_password(new)),
                        AccountModel.must_change_password.set(False), AccountModel.password_deadline.remove(),
                        AccountModel.password_changed_at.set(now), AccountModel.session_generation.set(generation)],
                        "condition": AccountModel.session_generation == seen}))
    except Exception as error:  # a reset, lock or other change landed in between: nothing was changed
        if lost_condition(error):
            raise Conflict("conflict") from None
        raise
    account.refresh()
    return _session(container, account, now)


def lock(container: Container, account: AccountModel, reason: str, actor: str, now: datetime,
         source: Source | None = None, note: str | None = None) -> bool:
    """Lock an active account and revoke its tokens; False if it was no longer active (someone was first).

    `note` is what the admin wrote when locking it, kept in the audit entry.
    """
    details = {"reason": reason} if note is None else {"reason": reason, "note": note}
    try:
        audit.write(container, audit.entry(now, actor, "account.lock", unit_id=account.unit_id,
                                           subject=account.username, details=details, source=source),
                    ("update", account, {"actions": [
                        AccountModel.status.set("locked"), AccountModel.lock_reason.set(reason),
                        AccountModel.locked_at.set(now), AccountModel.locked_by.set(actor),
                        AccountModel.session_generation.add(1)],
                        "condition": AccountModel.status == "active"}))
    except Exception as error:
        if not lost_condition(error):
            raise
        account.refresh()
        return False
    account.refresh()
    return True


def ensure_bootstrap_admin(password: str, *, must_change: bool = False, now: datetime | None = None,
                           change_days: int = 5) -> bool:
    """Create the site's first system admin if missing; an existing one keeps its password. True if created.

    The local stack's admin keeps the password it was given; a deployed stack's first admin holds a
    temporary one and must change it like everyone else (`must_change`).
    """
    if find_account(BOOTSTRAP_ADMIN) is not None:
        return False
    account = AccountModel(BOOTSTRAP_ADMIN, password_hash=hash_password(password),
                           grants=[Grant("system_admin", None).as_dict()], display_name="Quản trị hệ thống",
                           must_change_password=must_change, created_by="bootstrap")
    if must_change and now is not None:
        account.password_deadline = now + timedelta(days=change_days)
    account.save(condition=AccountModel.username.does_not_exist())
    return True
