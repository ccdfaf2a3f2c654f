"""Schemathesis hooks for fuzzing the local stack (loaded by the CLI through `schemathesis.toml`'s `hooks`).

What the fuzz run needs to reach past 401 and 404, and to keep its session:

- the admin's long-lived token for every signed-in route, except
- `POST /v1/auth/logout` and `POST /v1/auth/password`, which revoke tokens and count wrong passwords
  towards a sign-in block: those get a fresh token of a sacrificial account (`fuzz-self`) per case,
  unlocked first (a wrong current password blocks it after 5) and reset if its password was changed;
- `POST /v1/recognitions`, signed as a registered lobby device over the exact bytes sent (this module
  serialises JSON bodies itself, so the bytes signed are the bytes sent);
- known ids (a unit, a staff member, an account, a device, a date) substituted for about half of the
  generated `unit_id`/`staff_id`/`username`/... path and query parameters.

`tests/fuzz/harness.py` creates that data through the API and writes it to the JSON file named by
`CHAMCONG_FUZZ_STATE` before the CLI starts.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import requests
import schemathesis
from hypothesis import strategies as st

from chamcong.device_signature import signed_headers

STATE: dict[str, Any] = json.loads(Path(os.environ["CHAMCONG_FUZZ_STATE"]).read_text())
API: str = STATE["api_url"]
TIMEOUT = 30

# Routes whose side effects would end the run's session: a token of their own each time.
SELF_ROUTES = ["/v1/auth/logout", "/v1/auth/password"]
DEVICE_ROUTE = "/v1/recognitions"
PUBLIC_ROUTES = ["/v1/auth/login", "/v1/openapi.json"]


def wire_json(value: Any) -> bytes:
    """The bytes a JSON body goes out as (and is signed over): one spelling, decided here."""
    if isinstance(value, bytes):
        return value
    return json.dumps(value).encode("utf-8")


@schemathesis.serializer("application/json")
def _json_body(ctx: schemathesis.SerializationContext, value: Any) -> bytes:
    return wire_json(value)


def _sent_body(case: schemathesis.Case) -> bytes:
    body = case.body
    if body is None or type(body).__name__ == "NotSet":
        return b""
    if case.media_type and "json" in case.media_type:
        return wire_json(body)
    if isinstance(body, bytes):
        return body
    return str(body).encode("utf-8")


def _login(username: str, password: str) -> requests.Response:
    return requests.post(f"{API}/v1/auth/login", json={"username": username, "password": password}, timeout=TIMEOUT)


def _admin_token() -> str:
    answer = _login(STATE["admin"]["username"], STATE["admin"]["password"])
    answer.raise_for_status()
    return str(answer.json()["token"])


class _AdminCalls:
    """The sacrificial account's upkeep (unlock, reset) as the admin, outside the fuzzed requests."""

    token: str | None = None

    @classmethod
    def post(cls, path: str, body: dict[str, Any] | None = None) -> requests.Response:
        for _attempt in range(2):
            if cls.token is None:
                cls.token = _admin_token()
            answer = requests.post(f"{API}{path}", headers={"Authorization": f"Bearer {cls.token}"}, json=body,
                                   timeout=TIMEOUT)
            if answer.status_code != 401:
                return answer
            cls.token = None
        return answer


@schemathesis.auth(refresh_interval=None).apply_to(path=DEVICE_ROUTE)
class DeviceSignature:
    """A registered device's signature over the timestamp and the sha256 of the body actually sent."""

    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> dict[str, str]:
        return dict(STATE["device"])

    def set(self, case: schemathesis.Case, data: dict[str, str], ctx: schemathesis.AuthContext) -> None:
        headers = signed_headers(data["device_id"], data["secret"], int(time.time()), _sent_body(case))
        headers.pop("Content-Type")  # the case's own media type stays what the fuzzer chose
        case.headers.update(headers)


class _SelfAccount:
    """The sacrificial account: its password as the harness set it, or a temporary one after a reset."""

    lock = threading.Lock()
    password: str = STATE["self_account"]["password"]


@schemathesis.auth(refresh_interval=None).apply_to(path=SELF_ROUTES)
class SacrificialToken:
    """A fresh token of `fuzz-self` for each case of the routes that revoke tokens or count wrong passwords."""

    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
        username = STATE["self_account"]["username"]
        with _SelfAccount.lock:
            # Wrong current passwords from earlier cases block sign-in after 5: an admin lifts it.
            _AdminCalls.post(f"/v1/accounts/{username}/unlock")
            answer = _login(username, _SelfAccount.password)
            if answer.status_code != 200:
                # A fuzzed password change succeeded (or the account ended up expired): start it over.
                reset = _AdminCalls.post(f"/v1/accounts/{username}/reset", {})
                reset.raise_for_status()
                _SelfAccount.password = reset.json()["temporary_password"]
                answer = _login(username, _SelfAccount.password)
            answer.raise_for_status()
            return str(answer.json()["token"])

    def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.auth(refresh_interval=3600).skip_for(path=[*SELF_ROUTES, DEVICE_ROUTE, *PUBLIC_ROUTES])
class AdminToken:
    """The system admin `admin`, signed in once an hour (tokens last 8 hours)."""

    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
        return _admin_token()

    def set(self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


# --- known data for path and query parameters ---------------------------------------------------------

def _known_path(method: str, path: str) -> dict[str, str]:
    known = {"unit_id": STATE["unit_id"], "staff_id": STATE["staff_id"], "username": STATE["target_username"],
             "device_id": STATE["target_device_id"], "role": "staff",
             # a threshold scope that exists: the unit's (any other scope answers 404 unknown_threshold_scope)
             "scope": "unit", "scope_id": STATE["unit_id"], "date": STATE["date"]}
    # Removals get records of their own, so the others stay for the rest of the run.
    if method == "DELETE" and path == "/v1/units/{unit_id}":
        known["unit_id"] = STATE["disposable_unit_id"]
    if method == "DELETE" and path == "/v1/staff/{staff_id}":
        known["staff_id"] = STATE["disposable_staff_id"]
    return known


KNOWN_QUERY = {"unit_id": STATE["unit_id"], "staff_id": STATE["staff_id"], "date": STATE["date"],
               "month": STATE["date"][:7], "from": STATE["date"], "to": STATE["date"],
               "actor": STATE["admin"]["username"]}


def _with_known(values: dict[str, Any] | None, known: dict[str, str], names: list[str]) -> st.SearchStrategy:
    values = dict(values or {})
    chosen = {name: known[name] for name in names if name in known}
    if not chosen:
        return st.just(values)
    return st.sampled_from([values, {**values, **chosen}])


@schemathesis.hook
def flatmap_path_parameters(ctx: schemathesis.HookContext, path_parameters: dict[str, Any]) -> st.SearchStrategy:
    operation = ctx.operation
    assert operation is not None
    known = _known_path(operation.method.upper(), operation.path)
    return _with_known(path_parameters, known, list((path_parameters or {}).keys()))


@schemathesis.hook
def flatmap_query(ctx: schemathesis.HookContext, query: dict[str, Any]) -> st.SearchStrategy:
    operation = ctx.operation
    assert operation is not None
    names = [parameter.name for parameter in operation.query]
    return _with_known(query, KNOWN_QUERY, names)


# --- the admin's session is not the fuzzer's to end ---------------------------------------------------

@schemathesis.hook
def before_call(ctx: schemathesis.HookContext, case: schemathesis.Case, kwargs: dict[str, Any]) -> None:
    """Schemathesis learns `admin` from responses and would lock, reset or block the account the run signs
    in with (wrong passwords at sign-in block it for 15 minutes): such requests name `fuzz-target` instead."""
    admin, target = STATE["admin"]["username"], STATE["target_username"]
    if case.path_parameters and case.path_parameters.get("username") == admin:
        case.path_parameters["username"] = target
    if case.path == "/v1/auth/login" and isinstance(case.body, dict) and case.body.get("username") == admin:
        case.body["username"] = target
