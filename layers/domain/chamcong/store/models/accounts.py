"""Accounts and their sessions."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chamcong.store.models.base import utcnow


class AccountsByUnitIndex(GlobalSecondaryIndex["AccountModel"]):
    class Meta:
        index_name = "by_unit"
        projection = AllProjection()

    unit_id = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute(range_key=True)


class AccountModel(Model):
    """A person's (or an office's) sign-in, with its role grants and where it is in its lifecycle.

    A new or reset password is temporary: `must_change_password` until the holder chooses their own,
    before `password_deadline`, or the account is locked (`lock_reason` "password_expired"). Every
    bearer token carries the account's `session_generation`; bumping it (password change, reset, lock)
    revokes every token issued before.
    """

    class Meta:
        table_name = "accounts"

    username = UnicodeAttribute(hash_key=True)
    password_hash = UnicodeAttribute()
    grants = JSONAttribute(default=list)  # [{"role": ..., "unit_id": ...}]
    unit_id = UnicodeAttribute(null=True)  # None only for the site's own system admin
    staff_id = UnicodeAttribute(null=True)
    display_name = UnicodeAttribute(null=True)
    status = UnicodeAttribute(default="active")  # active, locked
    lock_reason = UnicodeAttribute(null=True)  # password_expired, by_admin
    locked_at = UTCDateTimeAttribute(null=True)
    locked_by = UnicodeAttribute(null=True)
    must_change_password = BooleanAttribute(default=False)
    password_deadline = UTCDateTimeAttribute(null=True)
    password_changed_at = UTCDateTimeAttribute(null=True)
    failed_logins = NumberAttribute(default=0)  # consecutive; reset by a successful sign-in
    blocked_until = UTCDateTimeAttribute(null=True)  # a short lockout after too many failed sign-ins
    session_generation = NumberAttribute(default=0)
    created_by = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(default=utcnow)
    by_unit = AccountsByUnitIndex()


class SessionModel(Model):
    """A bearer token, stored only as its sha256 so a table leak does not leak sessions."""

    class Meta:
        table_name = "sessions"

    token_hash = UnicodeAttribute(hash_key=True)
    username = UnicodeAttribute()
    generation = NumberAttribute(default=0)  # must equal the account's session_generation
    created_at = UTCDateTimeAttribute(default=utcnow)
    expires_at = NumberAttribute()  # DynamoDB TTL; also checked on every request
