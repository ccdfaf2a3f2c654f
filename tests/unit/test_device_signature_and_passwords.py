"""Device signatures and password hashing."""

from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher, Type

from chamcong import device_signature
from chamcong.passwords import PARAMETERS, hash_password, verify_password


def test_signature_matches_the_documented_formula() -> None:
    # GIVEN the formula in the README, computed here independently of chamcong.device_signature
    body = b'{"capture_id":"c1"}'
    expected = hmac.new(b"s3cret", f"1763600000\n{hashlib.sha256(body).hexdigest()}".encode(),
                        hashlib.sha256).hexdigest()
    # THEN the module signs exactly that, and accepts it in upper case too
    assert device_signature.sign("s3cret", 1763600000, body) == expected
    assert device_signature.signature_matches("s3cret", "1763600000", body, expected.upper())


def test_signature_binds_body_time_and_secret() -> None:
    signature = device_signature.sign("s3cret", 100, b"body")
    assert not device_signature.signature_matches("s3cret", 100, b"bodY", signature)
    assert not device_signature.signature_matches("s3cret", 101, b"body", signature)
    assert not device_signature.signature_matches("other", 100, b"body", signature)


def test_secret_is_utf8_bytes_of_the_string() -> None:
    secret = "khóa-bí-mật"
    expected = hmac.new(secret.encode("utf-8"), device_signature.signing_message(5, b""), hashlib.sha256).hexdigest()
    assert device_signature.sign(secret, 5, b"") == expected


def test_password_hash_is_argon2id_and_verifies() -> None:
    stored = hash_password("Mật khẩu dài 2026!")
    assert stored.startswith("$argon2id$")
    assert "Mật khẩu" not in stored
    assert verify_password(stored, "Mật khẩu dài 2026!")
    assert not verify_password(stored, "mật khẩu dài 2026!")
    assert not verify_password(None, "anything")
    assert not verify_password("not-a-hash", "anything")


def test_the_deployed_password_hash_costs_what_rfc_9106_recommends() -> None:
    # The test process hashes at the cheapest cost (tests/conftest.py); the product ships RFC 9106's low-memory
    # profile, which a stored hash names in its parameters.
    assert (PARAMETERS.type, PARAMETERS.time_cost, PARAMETERS.memory_cost, PARAMETERS.parallelism) == (
        Type.ID, 3, 64 * 1024, 4)
    stored = PasswordHasher.from_parameters(PARAMETERS).hash("Mật khẩu dài 2026!")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
