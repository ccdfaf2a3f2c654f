"""Envelope encryption (chamcong.crypto.envelope): a secret sealed under a KMS data key opens only under its own
record's context, never shows in the sealed form, and survives a move to a new key with the old one disabled."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from chamcong.crypto import envelope
from chamcong.crypto.envelope import SealedError
from tests.kms_like_aws import disabled_keys_refused

SECRET = b"lobby-secret-6f1c2e9a"
CONTEXT = {"purpose": "device-secret", "device_id": "dev_lobby"}


@pytest.fixture
def kms() -> Iterator[Any]:
    with mock_aws(), disabled_keys_refused():
        yield boto3.client("kms", region_name="ap-southeast-1")


def _key(kms: Any) -> str:
    return str(kms.create_key(Description="test data key")["KeyMetadata"]["Arn"])


def test_a_sealed_secret_opens_under_its_context_and_its_plaintext_is_nowhere_in_the_sealed_form(kms: Any) -> None:
    key = _key(kms)
    # WHEN a secret is sealed
    sealed = envelope.seal(kms, key, SECRET, CONTEXT)
    # THEN the sealed form holds the four fields, the key's ARN, and neither the secret nor its base64
    assert set(sealed) == {"ciphertext", "nonce", "wrapped_key", "key_id"}
    assert sealed["key_id"] == key
    text = json.dumps(sealed)
    assert SECRET.decode() not in text and base64.b64encode(SECRET).decode() not in text
    assert len(base64.b64decode(sealed["nonce"])) == 12
    # AND it opens to the secret
    assert envelope.open_(kms, sealed, CONTEXT) == SECRET


def test_two_seals_of_one_secret_differ(kms: Any) -> None:
    key = _key(kms)
    first, second = envelope.seal(kms, key, SECRET, CONTEXT), envelope.seal(kms, key, SECRET, CONTEXT)
    assert first["ciphertext"] != second["ciphertext"] and first["wrapped_key"] != second["wrapped_key"]


@pytest.mark.parametrize(("case", "change"), [
    ("another device's context", lambda sealed: (sealed, {**CONTEXT, "device_id": "dev_other"})),
    ("another purpose", lambda sealed: (sealed, {**CONTEXT, "purpose": "integration-key"})),
    ("a flipped ciphertext byte", lambda sealed: (
        {**sealed, "ciphertext": base64.b64encode(bytes([base64.b64decode(sealed["ciphertext"])[0] ^ 1])
                                                  + base64.b64decode(sealed["ciphertext"])[1:]).decode()}, CONTEXT)),
    ("another nonce", lambda sealed: ({**sealed, "nonce": base64.b64encode(b"\0" * 12).decode()}, CONTEXT)),
    ("a missing field", lambda sealed: ({k: v for k, v in sealed.items() if k != "nonce"}, CONTEXT)),
    ("not base64", lambda sealed: ({**sealed, "ciphertext": "***"}, CONTEXT)),
])
def test_a_sealed_secret_does_not_open_elsewhere_or_altered(kms: Any, case: str, change: Any) -> None:
    sealed, context = change(envelope.seal(kms, _key(kms), SECRET, CONTEXT))
    with pytest.raises(SealedError):
        envelope.open_(kms, sealed, context)


def test_a_sealed_value_moved_onto_another_record_with_its_context_does_not_open(kms: Any) -> None:
    # GIVEN two devices' secrets; WHEN one's ciphertext is put with the other's wrapped key
    key = _key(kms)
    mine = envelope.seal(kms, key, SECRET, CONTEXT)
    other_context = {**CONTEXT, "device_id": "dev_other"}
    other = envelope.seal(kms, key, b"another secret", other_context)
    spliced = {**other, "ciphertext": mine["ciphertext"], "nonce": mine["nonce"]}
    # THEN it opens under neither context
    for context in (CONTEXT, other_context):
        with pytest.raises(SealedError):
            envelope.open_(kms, spliced, context)


def test_an_empty_context_is_refused(kms: Any) -> None:
    with pytest.raises(ValueError):
        envelope.seal(kms, _key(kms), SECRET, {})


def test_rewrapped_to_a_new_key_it_opens_with_the_old_key_disabled(kms: Any) -> None:
    old, new = _key(kms), _key(kms)
    sealed = envelope.seal(kms, old, SECRET, CONTEXT)
    # GIVEN the old key disabled before any rewrap: the secret no longer opens (this is what the rewrap prevents)
    kms.disable_key(KeyId=old.rsplit("/", 1)[1])  # moto wants the bare id
    with pytest.raises(ClientError) as refused:
        envelope.open_(kms, sealed, CONTEXT)
    assert refused.value.response["Error"]["Code"] == "DisabledException"
    kms.enable_key(KeyId=old.rsplit("/", 1)[1])
    # WHEN its data key is re-wrapped to the new key, then the old key disabled
    moved = envelope.rewrap(kms, sealed, CONTEXT, new)
    kms.disable_key(KeyId=old.rsplit("/", 1)[1])  # moto wants the bare id
    # THEN the ciphertext is unchanged, the wrapped key names the new key, and it opens
    assert moved["ciphertext"] == sealed["ciphertext"] and moved["key_id"] == new
    assert envelope.open_(kms, moved, CONTEXT) == SECRET
