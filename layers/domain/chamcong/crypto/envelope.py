"""Envelope encryption: a secret sealed with AES-256-GCM under a data key that only KMS can unwrap.

`seal` asks KMS for a fresh 256-bit data key (GenerateDataKey, under the deployment's key `DATA_KEY_ID`), encrypts
the plaintext with it locally (AES-256-GCM, a random 96-bit nonce) and keeps only the KMS-wrapped copy of the key.
`open_` asks KMS to unwrap the data key (Decrypt) and decrypts. The encryption context (e.g. {"purpose":
"device-secret", "device_id": …}) is bound twice: KMS refuses to unwrap the data key under another context, and the
same context, as canonical JSON, is the GCM associated data, so a sealed value copied onto another record does
not open there. Nothing here logs, and the data key's plaintext never leaves these functions.

The sealed form is JSON-ready: {"ciphertext", "nonce", "wrapped_key"} base64, "key_id" the KMS key's ARN that
wrapped the data key (KMS ReEncrypt moves it to another key without seeing the secret: `rewrap`).
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12
SEALED_FIELDS = ("ciphertext", "nonce", "wrapped_key", "key_id")


class SealedError(ValueError):
    """The sealed value is malformed, or does not open under this context (tampered, or another record's)."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise SealedError("sealed field is not base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise SealedError("sealed field is not base64 text") from None


def associated_data(context: Mapping[str, str]) -> bytes:
    """The context as canonical JSON (sorted keys, no spaces): the GCM associated data."""
    return json.dumps(dict(context), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _check_context(context: Mapping[str, str]) -> dict[str, str]:
    if not context or not all(isinstance(k, str) and isinstance(v, str) and k and v for k, v in context.items()):
        raise ValueError("an encryption context of non-empty strings is required")
    return dict(context)


def is_sealed(value: Any) -> bool:
    return isinstance(value, Mapping) and all(isinstance(value.get(name), str) for name in SEALED_FIELDS)


def seal(kms: Any, key_id: str, plaintext: bytes, context: Mapping[str, str]) -> dict[str, str]:
    """`plaintext` encrypted under a new data key wrapped by KMS key `key_id`, bound to `context`."""
    bound = _check_context(context)
    generated = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=bound)
    data_key = generated["Plaintext"]
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, associated_data(bound))
    del data_key
    return {"ciphertext": _b64(ciphertext), "nonce": _b64(nonce), "wrapped_key": _b64(generated["CiphertextBlob"]),
            "key_id": str(generated["KeyId"])}


def open_(kms: Any, sealed: Mapping[str, Any], context: Mapping[str, str]) -> bytes:
    """The plaintext of `sealed`; SealedError if it is malformed or was sealed for another context.

    KMS errors (the key disabled, no permission) are raised as they come (botocore's ClientError)."""
    bound = _check_context(context)
    if not is_sealed(sealed):
        raise SealedError("not a sealed value")
    nonce = _unb64(sealed["nonce"])
    if len(nonce) != NONCE_BYTES:
        raise SealedError("bad nonce")
    from botocore.exceptions import ClientError

    try:
        unwrapped = kms.decrypt(CiphertextBlob=_unb64(sealed["wrapped_key"]), KeyId=sealed["key_id"],
                                EncryptionContext=bound)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "InvalidCiphertextException":
            raise SealedError("the data key does not unwrap under this context") from None
        raise
    try:
        return AESGCM(unwrapped["Plaintext"]).decrypt(nonce, _unb64(sealed["ciphertext"]), associated_data(bound))
    except InvalidTag:
        raise SealedError("the sealed value was altered or belongs to another record") from None


def rewrap(kms: Any, sealed: Mapping[str, Any], context: Mapping[str, str], to_key_id: str) -> dict[str, str]:
    """The same sealed value with its data key re-wrapped under `to_key_id` (KMS ReEncrypt: the data key's
    plaintext never leaves KMS, the secret is never decrypted). The ciphertext and nonce are unchanged."""
    bound = _check_context(context)
    if not is_sealed(sealed):
        raise SealedError("not a sealed value")
    moved = kms.re_encrypt(CiphertextBlob=_unb64(sealed["wrapped_key"]), SourceKeyId=sealed["key_id"],
                           SourceEncryptionContext=bound, DestinationKeyId=to_key_id,
                           DestinationEncryptionContext=bound)
    return {"ciphertext": sealed["ciphertext"], "nonce": sealed["nonce"], "wrapped_key": _b64(moved["CiphertextBlob"]),
            "key_id": str(moved["KeyId"])}
