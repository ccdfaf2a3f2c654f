"""Signing in, one's own account, and accounts with their roles (document 001's rules)."""

from __future__ import annotations

from typing import Any

from chamcong.access import SELF
from chamcong.http import PUBLIC, RequestContext, Routes
from chamcong.schemas.accounts import (
    Account,
    AccountList,
    AccountsQuery,
    AccountWithPassword,
    ChangePassword,
    CreateAccount,
    GrantSpec,
    LockAccount,
    LoginRequest,
    LoginResponse,
    ResetAccount,
    RevokeRoleQuery,
)
from chamcong.services import accounts, auth

routes = Routes("accounts", "Đăng nhập, tài khoản và vai trò — signing in, accounts and roles")

PASSWORD_ERRORS = ("password_too_short", "password_too_long", "password_contains_username", "password_too_common",
                   "password_reused")


@routes.route("/v1/auth/login", "POST", summary="Sign in; returns a bearer token, and whether the password must be "
              "changed first", auth="public", permission=PUBLIC, body=LoginRequest, response=LoginResponse,
              errors=("invalid_credentials", "login_blocked", "account_locked", "password_expired"))
def login(ctx: RequestContext) -> dict[str, Any]:
    return auth.login(ctx.container, ctx.body.username, ctx.body.password, ctx.source)


@routes.route("/v1/auth/password", "POST", summary="Change one's own password (a temporary one must be changed "
              "before its deadline); every other token is revoked", auth="user", permission=SELF,
              body=ChangePassword, response=LoginResponse,
              errors=("current_password_wrong", "login_blocked", "conflict", *PASSWORD_ERRORS))
def change_password(ctx: RequestContext) -> dict[str, Any]:
    return auth.change_password(ctx.container, ctx.access, ctx.body.current_password, ctx.body.new_password,
                                ctx.source)


@routes.route("/v1/auth/logout", "POST", summary="Sign out: this token stops working", auth="user", permission=SELF,
              status=204)
def logout(ctx: RequestContext) -> None:
    auth.logout(ctx.access, ctx.request.headers.get("authorization"))


@routes.route("/v1/auth/me", "GET", summary="The signed-in account", auth="user", permission=SELF,
              response=Account, errors=("account_not_found",))
def me(ctx: RequestContext) -> dict[str, Any]:
    return accounts.read_account(ctx.access, ctx.access.username)


@routes.route("/v1/accounts", "POST", summary="Create an account with a one-time temporary password (shown once)",
              auth="user", permission="accounts:write", body=CreateAccount, response=AccountWithPassword,
              status=201, errors=("username_taken", "unit_not_found", "staff_not_found", "staff_not_in_unit",
                                  "staff_role_needs_person", "password_deadline_invalid"))
def create_account(ctx: RequestContext) -> dict[str, Any]:
    return accounts.create_account(ctx.container, ctx.access, ctx.body, ctx.source)


@routes.route("/v1/accounts", "GET", summary="Accounts of a unit, or of every unit in the caller's scope",
              auth="user", permission="accounts:read", query=AccountsQuery, response=AccountList,
              errors=("unit_not_found",))
def list_accounts(ctx: RequestContext) -> dict[str, Any]:
    return accounts.list_accounts(ctx.access, ctx.query.unit_id)


@routes.route("/v1/accounts/{username}", "GET", summary="One account", auth="user", permission="accounts:read",
              response=Account, errors=("account_not_found",))
def read_account(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.read_account(ctx.access, username)


@routes.route("/v1/accounts/{username}/reset", "POST", summary="Issue a new temporary password with a new deadline "
              "(opens a locked account; revokes its tokens)", auth="user", permission="accounts:write",
              body=ResetAccount, response=AccountWithPassword,
              errors=("account_not_found", "own_account", "password_deadline_invalid"))
def reset_account(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.reset_account(ctx.container, ctx.access, username, ctx.body, ctx.source)


@routes.route("/v1/accounts/{username}/lock", "POST", summary="Lock an account (its tokens stop working)",
              auth="user", permission="accounts:write", body=LockAccount, response=Account,
              errors=("account_not_found", "own_account"))
def lock_account(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.lock_account(ctx.container, ctx.access, username, ctx.body, ctx.source)


@routes.route("/v1/accounts/{username}/unlock", "POST", summary="Unlock an account an admin locked, or one blocked "
              "after failed sign-ins", auth="user", permission="accounts:write", response=Account,
              errors=("account_not_found", "own_account", "reset_required"))
def unlock_account(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.unlock_account(ctx.container, ctx.access, username, ctx.source)


@routes.route("/v1/accounts/{username}/roles", "POST", summary="Grant a role on a unit's subtree", auth="user",
              permission="roles:write", body=GrantSpec, response=Account,
              errors=("account_not_found", "own_account", "unit_not_found", "staff_role_needs_person", "conflict"))
def grant_role(ctx: RequestContext, username: str) -> dict[str, Any]:
    return accounts.grant_role(ctx.container, ctx.access, username, ctx.body, ctx.source)


@routes.route("/v1/accounts/{username}/roles/{role}", "DELETE", summary="Revoke a role", auth="user",
              permission="roles:write", query=RevokeRoleQuery, response=Account,
              errors=("account_not_found", "own_account", "grant_not_found", "conflict"))
def revoke_role(ctx: RequestContext, username: str, role: str) -> dict[str, Any]:
    return accounts.revoke_role(ctx.container, ctx.access, username, role, ctx.query.unit_id, ctx.source)
