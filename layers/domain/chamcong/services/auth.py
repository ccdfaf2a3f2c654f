"""Sign-in and bearer tokens (the minimal admin authentication; the account system extends it)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chamcong.errors import Forbidden, Unauthenticated
from chamcong.passwords import hash_password, verify_password
from chamcong.services.common import iso
from chamcong.store.models import AccountModel, SessionModel

BOOTSTRAP_ADMIN = "admin"

# Permissions are data: a role grants a set of permission names ("*" grants all).
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "system_admin": frozenset({"*"}),
}


@dataclass(frozen=True)
class Principal:
    username: str
    roles: tuple[str, ...]
    staff_id: str | None = None  # the person this account belongs to, if any

    def allows(self, permission: str) -> bool:
        for role in self.roles:
            granted = ROLE_PERMISSIONS.get(role, frozenset())
            if "*" in granted or permission in granted:
                return True
        return False


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _find_account(username: str) -> AccountModel | None:
    try:
        return AccountModel.get(username)
    except DoesNotExist:
        return None


def login(username: str, password: str, now: datetime, ttl_seconds: int) -> dict[str, Any]:
    account = _find_account(username)
    # verify_password runs the KDF even for an unknown user, so timing does not reveal usernames.
    valid = verify_password(account.password_hash if account else None, password)
    if account is None or not valid:
        raise Unauthenticated("invalid_credentials")
    if account.status != "active":
        raise Forbidden("forbidden")
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(seconds=ttl_seconds)
    SessionModel(_token_hash(token), username=account.username, created_at=now,
                 expires_at=int(expires.timestamp())).save()
    return {"token": token, "token_type": "Bearer", "expires_at": iso(expires),
            "username": account.username, "roles": list(account.roles)}


def authenticate(authorization: str | None, now: datetime) -> Principal:
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
    account = _find_account(session.username)
    if account is None or account.status != "active":
        raise Unauthenticated("unauthenticated")
    return Principal(account.username, tuple(str(role) for role in account.roles), account.staff_id)


def ensure_bootstrap_admin(password: str) -> bool:
    """Create the `admin` account if it is missing; an existing one keeps its password. True if created."""
    if _find_account(BOOTSTRAP_ADMIN) is not None:
        return False
    account = AccountModel(BOOTSTRAP_ADMIN, password_hash=hash_password(password), roles=["system_admin"])
    account.save(condition=AccountModel.username.does_not_exist())
    return True
