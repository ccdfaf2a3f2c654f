"""Signing in, one's own account, accounts and their role grants."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chamcong.schemas.common import Body, Day, Id, Name, Query, Username, View

RoleName = Literal["staff", "unit_leader", "unit_head", "unit_admin", "oversight", "system_admin"]


class LoginRequest(Body):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)  # a password is taken as typed

    username: str = Field(min_length=1, max_length=128)
    password: str = Field(min_length=1, max_length=256)


class GrantSpec(Body):
    role: RoleName
    unit_id: Id | None = Field(default=None, description="The unit whose subtree the role covers; null only for "
                                                          "system_admin")


class GrantView(View):
    role: str
    unit_id: str | None


class LoginResponse(View):
    token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a scheme name
    expires_at: str
    username: str
    roles: list[str]
    grants: list[GrantView]
    must_change_password: bool = Field(description="Only POST /v1/auth/password is allowed until it is changed")
    password_deadline: str | None = Field(description="When the temporary password expires and the account locks")


class ChangePassword(Body):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class CreateAccount(Body):
    username: Username = Field(description="lower-case letters, digits, . _ -; 3 to 64")
    unit_id: Id = Field(description="The unit the account belongs to")
    staff_id: Id | None = Field(default=None, description="The person, for a personal account")
    display_name: Name | None = None
    grants: list[GrantSpec] | None = Field(default=None, max_length=20,
                                           description="Default: the role staff for a personal account")
    password_deadline: Day | None = Field(default=None, description="A fixed last day for a roll-out; "
                                                                    "default: 5 days from now")


class ResetAccount(Body):
    password_deadline: Day | None = None


class LockAccount(Body):
    reason: str = Field(min_length=1, max_length=500)


class Account(View):
    username: str
    display_name: str | None
    unit_id: str | None
    staff_id: str | None
    grants: list[GrantView]
    status: Literal["active", "locked"]
    lock_reason: str | None
    must_change_password: bool
    password_deadline: str | None
    password_changed_at: str | None
    blocked_until: str | None
    created_at: str
    created_by: str | None


class AccountWithPassword(Account):
    temporary_password: str = Field(description="Shown once; must be changed before password_deadline")


class AccountList(View):
    accounts: list[Account]


class AccountsQuery(Query):
    unit_id: Id | None = Field(default=None, description="One unit; default: every unit in the caller's scope")


class RevokeRoleQuery(Query):
    unit_id: Id | None = Field(default=None, description="The unit it was granted on (omit for system_admin)")


