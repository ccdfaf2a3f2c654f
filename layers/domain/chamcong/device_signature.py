"""How a lobby device signs a request (HMAC-SHA256 over the time and the body). Shared with the edge uploader.

Standard library only, so the edge uploader can import it without the server's dependencies.
The signature binds the body (through its sha256) and the time, so a captured request can be
replayed only within the freshness tolerance, and there the server's capture_id idempotency
makes a replay a no-op.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER_DEVICE_ID = "X-Device-Id"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_SIGNATURE = "X-Signature"


def signing_message(timestamp: int | str, body: bytes) -> bytes:
    return f"{timestamp}\n{hashlib.sha256(body).hexdigest()}".encode()


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """hex HMAC-SHA256(key=secret UTF-8, message="{timestamp}\\n{sha256 hex of body}")."""
    return hmac.new(secret.encode("utf-8"), signing_message(timestamp, body), hashlib.sha256).hexdigest()


def signature_matches(secret: str, timestamp: int | str, body: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(secret, timestamp, body), signature.strip().lower())


def signed_headers(device_id: str, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        HEADER_DEVICE_ID: device_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: sign(secret, timestamp, body),
        "Content-Type": "application/json",
    }
