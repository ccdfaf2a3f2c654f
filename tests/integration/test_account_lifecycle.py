"""An account's life through the HTTP API, on a controllable clock (document 001).

A unit admin issues a temporary password; the holder must change it within 5 days or the account
locks, at sign-in or by the hourly sweep; only the unit admin's reset opens it again. Around that:
the failed sign-in block, token revocation, admin lock and unlock, and who may manage whose account.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
import scheduled  # functions/api/scheduled.py: the MaintenanceFunction's handler
from argon2 import PasswordHasher

from chamcong import passwords
from chamcong.errors import Unauthenticated
from chamcong.services import auth
from chamcong.services.audit import Source
from chamcong.store.models.accounts import AccountModel
from tests.fakes import LambdaContext
from tests.integration.harness import ADMIN_PASSWORD, DEFAULT_NOW, OWN_PASSWORD, Product, Reply

# The temporary password is read out over the phone: four groups of four, no 0/o, 1/l/i.
TEMPORARY = re.compile(r"[a-hj-km-np-z2-9]{4}(-[a-hj-km-np-z2-9]{4}){3}")
ANOTHER_PASSWORD = "Một con vịt xoè ra hai cái cánh"


def sign_in(product: Product, username: str, password: str) -> Reply:
    return product.post("/v1/auth/login", {"username": username, "password": password}, token="")


def change_password(product: Product, token: str, current: str, new: str) -> Reply:
    return product.post("/v1/auth/password", {"current_password": current, "new_password": new}, token=token)


def admin_signs_in_again(product: Product) -> None:
    """After the clock moved by days the admin's 8-hour session is over."""
    reply = sign_in(product, "admin", ADMIN_PASSWORD)
    assert reply.status == 200, reply.body
    product.token = reply.body["token"]


def me(product: Product, token: str) -> Reply:
    return product.get("/v1/auth/me", token=token)


@dataclass
class Commune:
    district: str
    unit_id: str
    admin: str  # the token of the commune's unit admin, Hà Thị Lan (lan.ha), who changed her password
    person: str  # Đinh Văn Tú, a staff member without an account yet


def open_commune(product: Product) -> Commune:
    district = product.unit("UBND huyện Đà Bắc")
    commune = product.unit("UBND xã Tú Lý", district)
    admin_person = product.staff("Hà Thị Lan", commune)
    admin = product.account("lan.ha", commune, staff_id=admin_person,
                            grants=[{"role": "unit_admin", "unit_id": commune}])
    return Commune(district, commune, admin, product.staff("Đinh Văn Tú", commune))


def test_from_a_temporary_password_to_a_lock_to_a_reset_to_daily_use(product: Product) -> None:
    commune = open_commune(product)
    # WHEN the unit admin creates an account for a staff member of her commune
    created = product.post("/v1/accounts", {"username": "tu.dinh", "unit_id": commune.unit_id,
                                            "staff_id": commune.person}, token=commune.admin)
    # THEN it comes with a temporary password and a deadline 5 days ahead
    assert created.status == 201, created.body
    temporary = created.body["temporary_password"]
    assert TEMPORARY.fullmatch(temporary)
    assert created.body["password_deadline"] == "2026-11-25T07:40:00+07:00"
    assert created.body["must_change_password"] is True and created.body["status"] == "active"
    assert created.body["grants"] == [{"role": "staff", "unit_id": commune.unit_id}]
    assert (created.body["display_name"], created.body["created_by"]) == ("Đinh Văn Tú", "lan.ha")
    # and the password is shown that once: reading the account never gives it again
    read = product.get("/v1/accounts/tu.dinh", token=commune.admin)
    assert read.status == 200
    assert "temporary_password" not in read.body and temporary not in json.dumps(read.body)
    assert "password_hash" not in read.body

    # WHEN the holder signs in with it
    first = sign_in(product, "tu.dinh", temporary)
    # THEN they are told to change it, and by when
    assert first.status == 200, first.body
    assert first.body["must_change_password"] is True
    assert first.body["password_deadline"] == "2026-11-25T07:40:00+07:00"
    # and that token opens nothing but their own account until they do
    for path in ("/v1/units", f"/v1/staff/{commune.person}/days", "/v1/accounts/tu.dinh"):
        refused = product.get(path, token=first.body["token"])
        assert (refused.status, refused.body["code"]) == (403, "password_change_required"), path
        assert refused.body["message"] == "Bạn cần đổi mật khẩu tạm thời trước khi sử dụng hệ thống."
    assert me(product, first.body["token"]).body["must_change_password"] is True

    # WHEN five days pass without a change, and the hourly sweep runs
    product.clock.advance(days=5, minutes=5)
    swept = scheduled.account_sweep({}, LambdaContext())
    # THEN the account is locked for an expired password
    assert swept["locked"] == ["tu.dinh"]
    admin = sign_in(product, "lan.ha", OWN_PASSWORD).body["token"]
    account = product.get("/v1/accounts/tu.dinh", token=admin).body
    assert (account["status"], account["lock_reason"]) == ("locked", "password_expired")

    # WHEN the holder finally signs in with the right temporary password
    expired = sign_in(product, "tu.dinh", temporary)
    # THEN they read that it expired, and whom to ask: their unit admin, by name, and the unit
    assert (expired.status, expired.body["code"]) == (403, "password_expired")
    message = expired.body["message"]
    assert message.startswith("Bạn chưa đổi mật khẩu tạm thời trước hạn")
    assert "quản trị viên của UBND xã Tú Lý: Hà Thị Lan (lan.ha)" in message
    assert expired.body["details"]["contact"] == {"unit_id": commune.unit_id, "unit_name": "UBND xã Tú Lý",
                                                  "admins": ["lan.ha"]}
    # and the deadline as they were told it, in Ha Noi time (07:40, not 00:40 UTC)
    assert "25-11-2026 07:40" in message

    # WHEN the unit admin tries to unlock it THEN she is told to reset it instead
    unlock = product.post("/v1/accounts/tu.dinh/unlock", token=admin)
    assert (unlock.status, unlock.body["code"]) == (409, "reset_required")
    assert unlock.body["message"].startswith("Tài khoản bị khoá do quá hạn đổi mật khẩu tạm thời")
    # WHEN she resets it
    reset = product.post("/v1/accounts/tu.dinh/reset", {}, token=admin)
    # THEN a new temporary password with a new deadline, and the account is open again
    assert reset.status == 200, reset.body
    renewed = reset.body["temporary_password"]
    assert TEMPORARY.fullmatch(renewed) and renewed != temporary
    assert reset.body["password_deadline"] == "2026-11-30T07:45:00+07:00"
    assert (reset.body["status"], reset.body["lock_reason"], reset.body["must_change_password"]) == (
        "active", None, True)
    # and the old temporary password is worth nothing
    old = sign_in(product, "tu.dinh", temporary)
    assert (old.status, old.body["code"]) == (401, "invalid_credentials")

    # WHEN the holder signs in with the new one and picks a password
    second = sign_in(product, "tu.dinh", renewed)
    assert second.status == 200 and second.body["must_change_password"] is True
    token = second.body["token"]
    # THEN the password rules are enforced, with a message saying which
    for password, code, text in (
            ("password123!", "password_too_common", "Mật khẩu này quá phổ biến"),
            ("Tu.Dinh@Đà Bắc 2026", "password_contains_username", "Mật khẩu không được chứa tên đăng nhập."),
            ("ngắn-quá", "password_too_short", "Mật khẩu phải có ít nhất 10 ký tự."),
            (renewed, "password_reused", "Mật khẩu mới phải khác mật khẩu hiện tại.")):
        bad = change_password(product, token, renewed, password)
        assert (bad.status, bad.body["code"]) == (422, code), password
        assert bad.body["message"].startswith(text)
    changed = change_password(product, token, renewed, OWN_PASSWORD)
    assert changed.status == 200, changed.body
    assert changed.body["must_change_password"] is False and changed.body["password_deadline"] is None

    # THEN the account is in normal use: their own account, and their own days
    mine = me(product, changed.body["token"])
    assert mine.status == 200
    assert (mine.body["status"], mine.body["must_change_password"], mine.body["password_deadline"]) == (
        "active", False, None)
    assert mine.body["password_changed_at"] == "2026-11-25T07:45:00+07:00"
    days = product.get(f"/v1/staff/{commune.person}/days", token=changed.body["token"])
    assert days.status == 200, days.body
    assert (days.body["staff_id"], days.body["month"], len(days.body["days"])) == (commune.person, "2026-11", 30)
    # and later sweeps leave it alone
    product.clock.advance(days=10)
    assert scheduled.account_sweep({}, LambdaContext())["locked"] == []
    assert sign_in(product, "tu.dinh", OWN_PASSWORD).status == 200


def test_signing_in_after_the_deadline_is_refused_and_locks_before_any_sweep(product: Product) -> None:
    # GIVEN an account whose holder signed in once but never changed the temporary password
    unit = product.unit("UBND xã Tú Lý")
    created = product.post("/v1/accounts", {"username": "van.thu", "unit_id": unit, "display_name": "Văn thư xã"})
    assert created.status == 201, created.body
    temporary = created.body["temporary_password"]
    # WHEN it is one second before the deadline THEN the temporary password still opens
    product.clock.advance(days=5, seconds=-1)
    last_minute = sign_in(product, "van.thu", temporary)
    assert last_minute.status == 200 and last_minute.body["must_change_password"] is True
    token = last_minute.body["token"]
    # WHEN the deadline has come, and no sweep has run
    product.clock.advance(seconds=1)
    # THEN even the token from before is refused for the expired password
    late_token = me(product, token)
    assert (late_token.status, late_token.body["code"]) == (403, "password_expired")
    # and signing in is refused, pointing to the system admin (the commune has no unit admin)
    late = sign_in(product, "van.thu", temporary)
    assert (late.status, late.body["code"]) == (403, "password_expired")
    assert "quản trị viên hệ thống" in late.body["message"]
    assert late.body["details"]["contact"] == {"admins": []}
    # and the account is locked there and then: its tokens are revoked, the sweep has nothing left to do
    revoked = me(product, token)
    assert (revoked.status, revoked.body["code"]) == (401, "token_revoked")
    admin_signs_in_again(product)
    account = product.get("/v1/accounts/van.thu").body
    assert (account["status"], account["lock_reason"]) == ("locked", "password_expired")
    assert scheduled.account_sweep({}, LambdaContext())["locked"] == []


def test_a_roll_out_deadline_ends_at_midnight_after_that_day_in_ha_noi(product: Product) -> None:
    unit = product.unit("UBND xã Tú Lý")
    # WHEN an account is created for a roll-out ending on Monday 30 November
    created = product.post("/v1/accounts", {"username": "van.thu", "unit_id": unit, "display_name": "Văn thư xã",
                                            "password_deadline": "2026-11-30"})
    # THEN its deadline is midnight at the end of that day in Ha Noi (17:00 UTC)
    assert created.status == 201, created.body
    assert created.body["password_deadline"] == "2026-12-01T00:00:00+07:00"
    temporary = created.body["temporary_password"]
    assert sign_in(product, "van.thu", temporary).body["password_deadline"] == "2026-12-01T00:00:00+07:00"
    # and the temporary password opens until 23:59:59 that day, not after
    product.clock.now = datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC)
    assert sign_in(product, "van.thu", temporary).status == 200
    product.clock.now = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert sign_in(product, "van.thu", temporary).body["code"] == "password_expired"

    # GIVEN Friday 20 November again
    product.clock.now = DEFAULT_NOW
    admin_signs_in_again(product)
    # WHEN a deadline in the past or more than 90 days ahead is asked for THEN 422, and nothing is created
    for day in ("2026-11-19", "2027-02-19", "2027-06-01"):
        bad = product.post("/v1/accounts", {"username": "ke.toan", "unit_id": unit, "password_deadline": day})
        assert (bad.status, bad.body["code"]) == (422, "password_deadline_invalid"), day
        assert bad.body["message"] == "Hạn đổi mật khẩu phải từ hôm nay trở đi và không quá 90 ngày."
    assert product.get("/v1/accounts/ke.toan").status == 404
    # and a reset is held to the same rule
    bad_reset = product.post("/v1/accounts/van.thu/reset", {"password_deadline": "2026-11-01"})
    assert (bad_reset.status, bad_reset.body["code"]) == (422, "password_deadline_invalid")
    # WHEN the date is exactly 90 days ahead (18 February 2027) THEN it is accepted
    edge = product.post("/v1/accounts", {"username": "ke.toan", "unit_id": unit, "password_deadline": "2027-02-18"})
    assert edge.status == 201, edge.body
    assert edge.body["password_deadline"] == "2027-02-19T00:00:00+07:00"


def test_five_wrong_passwords_block_sign_in_for_15_minutes(product: Product) -> None:
    wrong = "Quản-trị-2025!"
    # GIVEN five wrong passwords in a row, each answered exactly like an unknown username
    unknown = sign_in(product, "khong.ton.tai", ADMIN_PASSWORD)
    assert (unknown.status, unknown.body) == (401, {
        "code": "invalid_credentials", "message": "Tên đăng nhập hoặc mật khẩu không đúng."})
    for _ in range(5):
        bad = sign_in(product, "admin", wrong)
        assert (bad.status, bad.body) == (unknown.status, unknown.body)
    # WHEN the right password comes sixth
    blocked = sign_in(product, "admin", ADMIN_PASSWORD)
    # THEN sign-in is blocked for 15 minutes, and the message says so
    assert (blocked.status, blocked.body["code"]) == (403, "login_blocked")
    assert "15 phút" in blocked.body["message"]
    assert blocked.body["message"].startswith("Bạn đã nhập sai mật khẩu quá nhiều lần")
    assert blocked.body["details"]["blocked_until"] == "2026-11-20T07:55:00+07:00"
    assert sign_in(product, "admin", wrong).body["code"] == "login_blocked"
    product.clock.advance(minutes=14, seconds=59)
    assert sign_in(product, "admin", ADMIN_PASSWORD).body["code"] == "login_blocked"
    # WHEN the 15 minutes are over THEN the right password opens
    product.clock.advance(seconds=1)
    assert sign_in(product, "admin", ADMIN_PASSWORD).status == 200

    # GIVEN four wrong, one right, four wrong: a success starts the count again
    for attempts in (4, 0, 4):
        for _ in range(attempts):
            assert sign_in(product, "admin", wrong).status == 401
        if attempts == 0:
            assert sign_in(product, "admin", ADMIN_PASSWORD).status == 200
    # THEN the right password still opens
    assert sign_in(product, "admin", ADMIN_PASSWORD).status == 200


class CountingHasher:
    """The product's Argon2id hasher, recording the stored hash of every verification it runs (each one a KDF run)."""

    def __init__(self, real: PasswordHasher) -> None:
        self.real = real
        self.verified: list[str] = []

    def hash(self, password: str) -> str:
        return self.real.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        self.verified.append(stored)
        return self.real.verify(stored, password)

    def runs(self, action: Callable[[], object]) -> list[str]:
        """The parameters ($argon2id$v=…$m=…,t=…,p=…) of each verification `action` ran."""
        self.verified.clear()
        action()
        return [stored.rsplit("$", 2)[0] for stored in self.verified]


def test_an_unknown_username_costs_the_same_password_check_as_a_wrong_password(
        product: Product, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-in time must not tell whether a username exists: every path runs the KDF once, with the same cost."""
    hasher = CountingHasher(passwords._HASHER)
    monkeypatch.setattr(passwords, "_HASHER", hasher)
    unit = product.unit("UBND xã Tú Lý")
    product.account("tu.dinh", unit, staff_id=product.staff("Đinh Văn Tú", unit))
    admin_parameters = AccountModel.get("admin").password_hash.rsplit("$", 2)[0]
    assert admin_parameters.startswith("$argon2id$")
    answers: list[Reply] = []

    # GIVEN a wrong password for an existing account: one verification against its hash
    assert hasher.runs(lambda: answers.append(sign_in(product, "admin", "Quản-trị-2025!"))) == [admin_parameters]
    # WHEN the username does not exist THEN also exactly one, with the same Argon2id parameters
    assert hasher.runs(lambda: answers.append(sign_in(product, "khong.ton.tai", "Quản-trị-2025!"))) == [
        admin_parameters]
    # and the same again (the stand-in hash is computed once, then only verified against)
    assert hasher.runs(lambda: answers.append(sign_in(product, "khong.ton.tai", ADMIN_PASSWORD))) == [
        admin_parameters]
    # WHEN the account is locked by its admin THEN a wrong password costs the same and reads the same
    assert product.post("/v1/accounts/tu.dinh/lock", {"reason": "Kiểm tra bảo mật"}).status == 200
    assert hasher.runs(lambda: answers.append(sign_in(product, "tu.dinh", ANOTHER_PASSWORD))) == [admin_parameters]
    assert all((reply.status, reply.body) == (401, {
        "code": "invalid_credentials", "message": "Tên đăng nhập hoặc mật khẩu không đúng."}) for reply in answers)
    # (only the right password says it is locked, after the same check)
    assert hasher.runs(lambda: answers.append(sign_in(product, "tu.dinh", OWN_PASSWORD))) == [admin_parameters]
    assert answers[-1].body["code"] == "account_locked"

    # WHEN a username longer than any account's reaches sign-in THEN it too costs one verification (the API
    # refuses it as invalid input before that, whatever it is, which tells nothing about who exists)
    def too_long() -> None:
        with pytest.raises(Unauthenticated):
            auth.login(product.container, "a" * 129, "Quản-trị-2025!", Source())
    assert hasher.runs(too_long) == [admin_parameters]
    refused = product.post("/v1/auth/login", {"username": "a" * 129, "password": ADMIN_PASSWORD}, token="")
    assert (refused.status, refused.body["code"]) == (400, "validation_error")


def test_guessing_the_current_password_with_a_token_counts_like_guessing_at_sign_in(product: Product) -> None:
    # GIVEN someone holding the admin's token but not the password
    for _ in range(5):
        guess = change_password(product, product.token, "Quản-trị-2025!", ANOTHER_PASSWORD)
        assert (guess.status, guess.body["code"]) == (422, "current_password_wrong")
    # WHEN they try again, even with the right current password
    again = change_password(product, product.token, ADMIN_PASSWORD, ANOTHER_PASSWORD)
    # THEN the account is blocked like after five wrong sign-ins: no change, no sign-in for 15 minutes
    assert (again.status, again.body["code"]) == (403, "login_blocked")
    assert sign_in(product, "admin", ADMIN_PASSWORD).body["code"] == "login_blocked"
    product.clock.advance(minutes=15)
    assert sign_in(product, "admin", ADMIN_PASSWORD).status == 200


def test_a_right_password_is_not_counted_as_a_try_and_a_count_left_full_still_blocks(product: Product) -> None:
    """Each password check is counted before it runs (see test_sign_in_burst.py); a right one is given back."""
    unit = product.unit("UBND xã Tú Lý")
    token = product.account("tu.dinh", unit, staff_id=product.staff("Đinh Văn Tú", unit))
    # WHEN the holder gives the right current password with a new one that is refused, again and again
    for _ in range(6):
        weak = change_password(product, token, OWN_PASSWORD, "matkhau123")
        assert (weak.status, weak.body["code"]) == (422, "password_too_common"), weak.body
    # and the right password while the account is locked
    assert product.post("/v1/accounts/tu.dinh/lock", {"reason": "Kiểm tra bảo mật"}).status == 200
    for _ in range(6):
        assert sign_in(product, "tu.dinh", OWN_PASSWORD).body["code"] == "account_locked"
    # THEN none of it counted
    assert AccountModel.get("tu.dinh").failed_logins == 0
    assert product.post("/v1/accounts/tu.dinh/unlock").status == 200
    assert sign_in(product, "tu.dinh", OWN_PASSWORD).status == 200

    # GIVEN a count left full without a block (the last wrong password's check never finished)
    AccountModel.get("tu.dinh").update(actions=[AccountModel.failed_logins.set(5)])
    # WHEN the right password comes THEN it is refused, and the block is written from now on
    blocked = sign_in(product, "tu.dinh", OWN_PASSWORD)
    assert (blocked.status, blocked.body["code"]) == (403, "login_blocked")
    assert blocked.body["details"]["blocked_until"] == "2026-11-20T07:55:00+07:00"
    assert product.get("/v1/accounts/tu.dinh").body["blocked_until"] == "2026-11-20T07:55:00+07:00"
    product.clock.advance(minutes=15)
    assert sign_in(product, "tu.dinh", OWN_PASSWORD).status == 200


def test_a_password_change_that_a_lock_overtakes_while_its_password_is_checked_changes_nothing(
        product: Product, monkeypatch: pytest.MonkeyPatch) -> None:
    unit = product.unit("UBND xã Tú Lý")
    token = product.account("tu.dinh", unit, staff_id=product.staff("Đinh Văn Tú", unit))
    checked = passwords.verify_password

    def lock_meanwhile(stored: str | None, password: str) -> bool:
        assert product.post("/v1/accounts/tu.dinh/lock", {"reason": "Kiểm tra bảo mật"}).status == 200
        return checked(stored, password)

    # WHEN the admin locks the account while the holder's current password is being checked
    with monkeypatch.context() as patched:
        patched.setattr(auth, "verify_password", lock_meanwhile)
        changed = change_password(product, token, OWN_PASSWORD, ANOTHER_PASSWORD)
    # THEN the change loses: 409, the password is the old one and the account stays locked
    assert (changed.status, changed.body["code"]) == (409, "conflict"), changed.body
    assert product.post("/v1/accounts/tu.dinh/unlock").status == 200
    assert sign_in(product, "tu.dinh", ANOTHER_PASSWORD).status == 401
    assert sign_in(product, "tu.dinh", OWN_PASSWORD).status == 200


def test_tokens_end_on_password_change_reset_and_lock_and_logout_ends_only_its_own(product: Product) -> None:
    unit = product.unit("UBND xã Tú Lý")
    first = product.account("tu.dinh", unit, staff_id=product.staff("Đinh Văn Tú", unit))
    second = sign_in(product, "tu.dinh", OWN_PASSWORD).body["token"]
    # WHEN one session signs out THEN that token stops working, the other does not
    assert product.post("/v1/auth/logout", token=second).status == 204
    assert me(product, second).body["code"] == "unauthenticated"
    assert me(product, first).status == 200

    # WHEN the holder changes the password in one session
    third = sign_in(product, "tu.dinh", OWN_PASSWORD).body["token"]
    changed = change_password(product, first, OWN_PASSWORD, ANOTHER_PASSWORD)
    assert changed.status == 200, changed.body
    # THEN every earlier token is revoked, and the answer carries a working one
    for old in (first, third):
        revoked = me(product, old)
        assert (revoked.status, revoked.body["code"]) == (401, "token_revoked")
        assert revoked.body["message"].startswith("Phiên đăng nhập không còn hiệu lực")
    fourth = changed.body["token"]
    assert me(product, fourth).status == 200

    # WHEN the admin resets the account THEN its tokens are revoked
    reset = product.post("/v1/accounts/tu.dinh/reset", {})
    assert reset.status == 200
    assert me(product, fourth).body["code"] == "token_revoked"
    temporary_session = sign_in(product, "tu.dinh", reset.body["temporary_password"]).body["token"]
    fifth = change_password(product, temporary_session, reset.body["temporary_password"], OWN_PASSWORD).body["token"]
    assert me(product, fifth).status == 200

    # WHEN the admin locks it THEN its tokens are revoked, and unlocking does not bring them back
    assert product.post("/v1/accounts/tu.dinh/lock", {"reason": "Kiểm tra bảo mật"}).status == 200
    assert me(product, fifth).body["code"] == "token_revoked"
    assert product.post("/v1/accounts/tu.dinh/unlock").status == 200
    assert me(product, fifth).body["code"] == "token_revoked"
    assert sign_in(product, "tu.dinh", OWN_PASSWORD).status == 200


def test_an_admin_lock_names_whom_to_ask_and_unlock_opens_again(product: Product) -> None:
    commune = open_commune(product)
    product.account("tu.dinh", commune.unit_id, staff_id=commune.person, token=commune.admin)
    # WHEN the unit admin locks the account
    locked = product.post("/v1/accounts/tu.dinh/lock", {"reason": "Đang chờ quyết định điều chuyển"},
                          token=commune.admin)
    assert locked.status == 200, locked.body
    assert (locked.body["status"], locked.body["lock_reason"]) == ("locked", "by_admin")
    # THEN the holder's right password is refused, saying whom to contact
    refused = sign_in(product, "tu.dinh", OWN_PASSWORD)
    assert (refused.status, refused.body["code"]) == (403, "account_locked")
    assert refused.body["message"] == (
        "Tài khoản của bạn đã bị khoá. Vui lòng liên hệ quản trị viên của UBND xã Tú Lý: Hà Thị Lan (lan.ha) để "
        "được mở khoá hoặc cấp lại mật khẩu.")
    assert refused.body["details"]["contact"]["admins"] == ["lan.ha"]
    # WHEN she unlocks it THEN it works again
    unlocked = product.post("/v1/accounts/tu.dinh/unlock", token=commune.admin)
    assert unlocked.status == 200, unlocked.body
    assert (unlocked.body["status"], unlocked.body["lock_reason"]) == ("active", None)
    assert sign_in(product, "tu.dinh", OWN_PASSWORD).status == 200

    # GIVEN the holder blocked themself with wrong passwords WHEN she unlocks THEN they may sign in at once
    for _ in range(5):
        sign_in(product, "tu.dinh", ANOTHER_PASSWORD)
    assert sign_in(product, "tu.dinh", OWN_PASSWORD).body["code"] == "login_blocked"
    unblocked = product.post("/v1/accounts/tu.dinh/unlock", token=commune.admin)
    assert unblocked.status == 200 and unblocked.body["blocked_until"] is None
    assert sign_in(product, "tu.dinh", OWN_PASSWORD).status == 200


def test_nobody_locks_resets_unlocks_or_changes_the_roles_of_their_own_account(product: Product) -> None:
    commune = open_commune(product)
    for token, username in ((commune.admin, "lan.ha"), (product.token, "admin")):
        requests: list[tuple[str, str, Any]] = [
            ("POST", f"/v1/accounts/{username}/lock", {"reason": "thử"}),
            ("POST", f"/v1/accounts/{username}/unlock", None),
            ("POST", f"/v1/accounts/{username}/reset", {}),
            ("POST", f"/v1/accounts/{username}/roles", {"role": "unit_leader", "unit_id": commune.unit_id}),
            ("DELETE", f"/v1/accounts/{username}/roles/unit_admin?unit_id={commune.unit_id}", None)]
        for method, path, body in requests:
            reply = product.request(method, path, body, token=token)
            assert (reply.status, reply.body["code"]) == (403, "own_account"), (username, path)
            assert reply.body["message"].startswith("Không thể tự khoá, mở khoá")
    # and nothing changed
    assert me(product, commune.admin).body["grants"] == [{"role": "unit_admin", "unit_id": commune.unit_id}]
    assert me(product, product.token).body["status"] == "active"


def test_a_unit_admin_manages_only_accounts_below_them_that_hold_nothing_they_could_not_grant(
        product: Product) -> None:
    # GIVEN a district with two communes, a team inside Tú Lý, and Tú Lý's unit admin
    commune = open_commune(product)
    sibling = product.unit("UBND xã Hào Lý", commune.district)
    team = product.unit("Bộ phận một cửa", commune.unit_id)
    # and accounts the system admin created (nobody signs in to them)
    for username, unit_id, grants in (
            ("can.bo.hao.ly", sibling, [{"role": "unit_leader", "unit_id": sibling}]),
            ("chu.tich.huyen", commune.district, [{"role": "unit_leader", "unit_id": commune.district}]),
            ("giam.sat.tu.ly", commune.unit_id, [{"role": "oversight", "unit_id": commune.unit_id}]),
            ("he.thong.tu.ly", commune.unit_id, [{"role": "system_admin", "unit_id": None}]),
            ("mot.cua", team, [])):
        created = product.post("/v1/accounts", {"username": username, "unit_id": unit_id, "grants": grants})
        assert created.status == 201, created.body
    # WHEN she tries to reset, lock or change the roles of an account beside or above her, or of an oversight or
    # system admin account that belongs to her commune THEN 403
    for username in ("can.bo.hao.ly", "chu.tich.huyen", "giam.sat.tu.ly", "he.thong.tu.ly"):
        for path, body in (("reset", {}), ("lock", {"reason": "thử"}), ("unlock", None),
                           ("roles", {"role": "unit_leader", "unit_id": commune.unit_id})):
            reply = product.post(f"/v1/accounts/{username}/{path}", body, token=commune.admin)
            assert (reply.status, reply.body["code"]) == (403, "forbidden"), (username, path)
            assert reply.body["message"] == "Bạn không có quyền thực hiện thao tác này."
        assert product.get(f"/v1/accounts/{username}").body["status"] == "active"
    # and she cannot create an account beside her
    beside = product.post("/v1/accounts", {"username": "moi.hao.ly", "unit_id": sibling}, token=commune.admin)
    assert (beside.status, beside.body["code"]) == (403, "forbidden")

    # WHEN she manages an account below her THEN she may reset it and grant and revoke delegable roles
    assert product.post("/v1/accounts/mot.cua/reset", {}, token=commune.admin).status == 200
    granted = product.post("/v1/accounts/mot.cua/roles", {"role": "unit_leader", "unit_id": team},
                           token=commune.admin)
    assert granted.status == 200 and granted.body["grants"] == [{"role": "unit_leader", "unit_id": team}]
    revoked = product.delete(f"/v1/accounts/mot.cua/roles/unit_leader?unit_id={team}", token=commune.admin)
    assert revoked.status == 200 and revoked.body["grants"] == []
    # but not on a unit beside her, and never oversight or system_admin, neither on an existing account nor a new one
    beside_grant = product.post("/v1/accounts/mot.cua/roles", {"role": "unit_leader", "unit_id": sibling},
                                token=commune.admin)
    assert (beside_grant.status, beside_grant.body["code"]) == (403, "forbidden")
    for grant in ({"role": "oversight", "unit_id": commune.unit_id}, {"role": "system_admin", "unit_id": None}):
        refused = product.post("/v1/accounts/mot.cua/roles", grant, token=commune.admin)
        assert (refused.status, refused.body["code"]) == (403, "forbidden"), grant
        new = product.post("/v1/accounts", {"username": "moi.tu.ly", "unit_id": commune.unit_id,
                                            "grants": [grant]}, token=commune.admin)
        assert (new.status, new.body["code"]) == (403, "forbidden"), grant
    assert product.get("/v1/accounts/mot.cua").body["grants"] == []
    assert product.get("/v1/accounts/moi.tu.ly").status == 404

    # WHEN the system admin grants them THEN they hold
    for grant in ({"role": "oversight", "unit_id": commune.unit_id}, {"role": "system_admin", "unit_id": None}):
        assert product.post("/v1/accounts/mot.cua/roles", grant).status == 200
    assert product.get("/v1/accounts/mot.cua").body["grants"] == [
        {"role": "oversight", "unit_id": commune.unit_id}, {"role": "system_admin", "unit_id": None}]
    # and from then on the unit admin no longer manages that account
    assert product.post("/v1/accounts/mot.cua/reset", {}, token=commune.admin).body["code"] == "forbidden"


def test_the_local_bootstrap_admin_keeps_its_password(product: Product) -> None:
    # WHEN the local stack's admin signs in THEN it is not asked to change its password
    login = sign_in(product, "admin", ADMIN_PASSWORD)
    assert login.status == 200
    assert (login.body["must_change_password"], login.body["password_deadline"]) == (False, None)
    assert login.body["roles"] == ["system_admin"]
    # and no sweep ever locks it
    product.clock.advance(days=30)
    assert "admin" not in scheduled.account_sweep({}, LambdaContext())["locked"]
    again = sign_in(product, "admin", ADMIN_PASSWORD)
    assert again.status == 200
    mine = me(product, again.body["token"]).body
    assert (mine["status"], mine["must_change_password"]) == ("active", False)
