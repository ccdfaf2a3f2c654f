"""Wrong passwords sent all at once, to the local stack served as its own process (its HTTP server is threaded).

However many guesses arrive together, at most `max_failed_logins` (5) of them are checked; the others are
refused as blocked without a check, and the right password sent in the same burst does not get in. The
same holds for guessing the current password with a stolen token.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.integration.served import local_stack

PASSWORD = "Mật-khẩu-thử-2026"
OWN_PASSWORD = "Trà đá vỉa hè lúc năm giờ chiều"
WRONG = "Một con vịt xoè ra hai cái cánh"
NEW_PASSWORD = "Bà Triệu cưỡi voi đánh giặc Ngô"
BURST = 16
LIMIT = 5  # the product's max_failed_logins
TIMEOUT = 60  # seconds for any one request: the test is bounded even if the server hangs

BLOCKED = (403, "login_blocked")


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any

    @property
    def code(self) -> tuple[int, str | None]:
        return self.status, self.body.get("code") if isinstance(self.body, dict) else None


class Api:
    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        reply = self.session.request(method, f"{self.url}{path}", json=body, headers=headers, timeout=TIMEOUT)
        return Answer(reply.status_code, reply.json() if reply.content else None)

    def sign_in(self, username: str, password: str) -> Answer:
        return self.call("POST", "/v1/auth/login", {"username": username, "password": password})


@pytest.fixture(scope="module")
def served(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local_stack(models_dir, tmp_path_factory.mktemp("out"), PASSWORD) as (url, _):
        yield url


@pytest.fixture(scope="module")
def admin(served: str) -> tuple[Api, str]:
    """The API, and the admin's token with a unit to create accounts in."""
    api = Api(served)
    login = api.sign_in("admin", PASSWORD)
    assert login.status == 200, login.body
    return api, str(login.body["token"])


def new_account(api: Api, admin_token: str, username: str) -> str:
    """An account created through the API whose holder chose OWN_PASSWORD; the holder's token."""
    unit = api.call("POST", "/v1/units", {"name": f"UBND xã {username}"}, admin_token)
    assert unit.status == 201, unit.body
    created = api.call("POST", "/v1/accounts", {"username": username, "unit_id": unit.body["unit_id"]}, admin_token)
    assert created.status == 201, created.body
    first = api.sign_in(username, created.body["temporary_password"])
    assert first.status == 200, first.body
    changed = api.call("POST", "/v1/auth/password", {"current_password": created.body["temporary_password"],
                                                     "new_password": OWN_PASSWORD}, first.body["token"])
    assert changed.status == 200, changed.body
    return str(changed.body["token"])


def burst(url: str, path: str, wrong: dict[str, str], right: dict[str, str],
          token: str | None = None) -> tuple[list[Answer], Answer]:
    """BURST requests with `wrong`, one thread and connection each, released together; then `right`, once all of
    them were sent and the first answer is back (so the others are still being answered, in the same burst)."""
    parts = urlsplit(url)
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    start = threading.Barrier(BURST, timeout=TIMEOUT)
    sent = threading.Barrier(BURST + 1, timeout=TIMEOUT)
    first_back = threading.Event()
    answers: list[Answer | None] = [None] * BURST
    errors: list[BaseException] = []

    def post(body: dict[str, str]) -> Answer:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=TIMEOUT)
        try:
            connection.request("POST", path, json.dumps(body), headers)
            return read(connection)
        finally:
            connection.close()

    def read(connection: http.client.HTTPConnection) -> Answer:
        response = connection.getresponse()
        return Answer(response.status, json.loads(response.read() or b"null"))

    def guess(index: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=TIMEOUT)
        try:
            connection.connect()
            start.wait()
            connection.request("POST", path, json.dumps(wrong), headers)
            sent.wait()
            answers[index] = read(connection)
        except BaseException as error:
            errors.append(error)
            raise
        finally:
            first_back.set()
            connection.close()

    threads = [threading.Thread(target=guess, args=(index,), daemon=True) for index in range(BURST)]
    for thread in threads:
        thread.start()
    sent.wait()
    assert first_back.wait(TIMEOUT)
    last = post(right)
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive()
    assert not errors, errors
    return [answer for answer in answers if answer is not None], last


def audit_of(api: Api, admin_token: str, username: str, action: str) -> list[dict[str, Any]]:
    """The account's refused `action` entries of the last days, oldest first."""
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    query = f"from={today - timedelta(days=1)}&to={today + timedelta(days=1)}&actor={username}&action={action}"
    reply = api.call("GET", f"/v1/audit?{query}", token=admin_token)
    assert reply.status == 200, reply.body
    return [entry for entry in reversed(reply.body["entries"]) if entry["outcome"] == "refused"]


def test_a_burst_of_wrong_passwords_is_checked_only_up_to_the_limit(admin: tuple[Api, str]) -> None:
    api, admin_token = admin
    new_account(api, admin_token, "tu.dinh")
    # WHEN 16 wrong passwords arrive at once, and the right one while they are being answered
    wrong, right = burst(api.url, "/v1/auth/login", {"username": "tu.dinh", "password": WRONG},
                         {"username": "tu.dinh", "password": OWN_PASSWORD})
    # THEN only 5 were checked, each answered like any wrong password; the others were refused as blocked
    answered = Counter(answer.code for answer in wrong)
    assert answered == {(401, "invalid_credentials"): LIMIT, BLOCKED: BURST - LIMIT}, answered
    # and the right password did not get in
    assert right.code == BLOCKED, right.body
    assert "15 phút" in right.body["message"]
    # and the account shows the block, for 15 minutes
    account = api.call("GET", "/v1/accounts/tu.dinh", token=admin_token).body
    assert account["blocked_until"] is not None
    until = datetime.fromisoformat(account["blocked_until"])
    assert timedelta(minutes=14) < until - datetime.now(until.tzinfo) <= timedelta(minutes=15)
    # and so does the audit trail: five wrong passwords, the fifth one blocking, every other attempt refused
    entries = audit_of(api, admin_token, "tu.dinh", "login")
    checked = [entry["details"] for entry in entries if entry["details"]["reason"] == "wrong_password"]
    assert sorted(details["failures"] for details in checked) == [1, 2, 3, 4, 5]
    assert [details["blocked_until"] for details in checked if "blocked_until" in details] == [
        account["blocked_until"]]
    assert Counter(entry["details"]["reason"] for entry in entries) == {
        "wrong_password": LIMIT, "blocked": BURST - LIMIT + 1}

    # WHEN the admin unlocks it THEN the right password opens at once
    assert api.call("POST", "/v1/accounts/tu.dinh/unlock", token=admin_token).status == 200
    assert api.sign_in("tu.dinh", OWN_PASSWORD).status == 200
    # and one by one nothing changed: four wrong, the right one, four wrong, the right one still opens
    for attempts in (4, 0, 4):
        for _ in range(attempts):
            assert api.sign_in("tu.dinh", WRONG).code == (401, "invalid_credentials")
        assert api.sign_in("tu.dinh", OWN_PASSWORD).status == 200
    # and five wrong in a row block it, the right one included
    for _ in range(LIMIT):
        assert api.sign_in("tu.dinh", WRONG).code == (401, "invalid_credentials")
    assert api.sign_in("tu.dinh", OWN_PASSWORD).code == BLOCKED
    assert api.sign_in("tu.dinh", WRONG).code == BLOCKED


def test_a_burst_of_wrong_current_passwords_with_a_token_is_checked_only_up_to_the_limit(
        admin: tuple[Api, str]) -> None:
    api, admin_token = admin
    # GIVEN someone holding the account's token but not its password
    token = new_account(api, admin_token, "lan.ha")
    # WHEN they send 16 guesses of the current password at once, and the right one while they are being answered
    wrong, right = burst(api.url, "/v1/auth/password", {"current_password": WRONG, "new_password": NEW_PASSWORD},
                         {"current_password": OWN_PASSWORD, "new_password": NEW_PASSWORD}, token)
    # THEN only 5 were checked; the others, and the right one, were refused as blocked
    answered = Counter(answer.code for answer in wrong)
    assert answered == {(422, "current_password_wrong"): LIMIT, BLOCKED: BURST - LIMIT}, answered
    assert right.code == BLOCKED, right.body
    # and nothing changed: the token still works, the password is still the old one, and sign-in is blocked
    assert api.call("GET", "/v1/auth/me", token=token).status == 200
    assert api.sign_in("lan.ha", OWN_PASSWORD).code == BLOCKED
    entries = audit_of(api, admin_token, "lan.ha", "password.change")
    assert sorted(entry["details"]["failures"] for entry in entries) == [1, 2, 3, 4, 5]
    assert api.call("POST", "/v1/accounts/lan.ha/unlock", token=admin_token).status == 200
    assert api.sign_in("lan.ha", OWN_PASSWORD).status == 200
