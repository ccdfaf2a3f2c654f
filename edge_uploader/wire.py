"""The body of ``POST /v1/recognitions``, the same for the running uploader and ``send`` (standard library only).

One capture is one passage: ``image_b64`` when it has one crop (what every client sent before), ``images_b64``
when it has 2 or 3 crops of the same passage, never both. The edge puts its best crop first, then the others
in descending quality; the crops are JPEG (the uploader's, quality 92) or PNG (``send`` sends files as they
are). The body is a pure function of the capture, so a retry sends exactly the bytes the first attempt sent,
and the device signature, which covers the raw body, is computed over those bytes.

``clip_sha256`` is there when the uploader kept a clip of the passage (``edge_uploader.clips``): the clip itself
is uploaded after the capture is answered (``clip_body``), and the server keeps it only if it hashes to this.

``clock_offset_seconds`` is there only when the box's clock was found wrong by more than 2 s: ``captured_at``
was then corrected by that many seconds (server time − the box's time, from the ``Date`` of its answers).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence

MAX_FRAMES = 3
SPOOF_SUSPECTED = "spoof_suspected"  # the server's verdict: not a live person; not recorded, never retried

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"


def image_kind(data: bytes) -> str | None:
    """"jpeg" or "png" from the file's first bytes, else None (what the server accepts as a crop)."""
    if data.startswith(_JPEG):
        return "jpeg"
    if data.startswith(_PNG):
        return "png"
    return None


def recognition_body(capture_id: str, captured_at: str, images: Sequence[bytes],
                     clock_offset_seconds: float | None = None, clip_sha256: str | None = None) -> bytes:
    """The JSON body for one capture of 1 to ``MAX_FRAMES`` crops (ValueError otherwise)."""
    if not 1 <= len(images) <= MAX_FRAMES or not all(images):
        raise ValueError(f"a capture has 1 to {MAX_FRAMES} non-empty crops, not {len(images)}")
    encoded = [base64.b64encode(image).decode("ascii") for image in images]
    crops: dict[str, str | list[str]] = {"image_b64": encoded[0]} if len(encoded) == 1 else {"images_b64": encoded}
    corrected = {} if clock_offset_seconds is None else {"clock_offset_seconds": clock_offset_seconds}
    clip = {} if clip_sha256 is None else {"clip_sha256": clip_sha256}
    return json.dumps({"capture_id": capture_id, "captured_at": captured_at, **crops, **corrected, **clip}).encode()


def clip_body(clip: bytes) -> bytes:
    """The JSON body of ``PUT /v1/recognitions/{capture_id}/clip``."""
    return json.dumps({"clip_b64": base64.b64encode(clip).decode("ascii")}).encode()


def clip_wanted(answer: dict[str, object]) -> bool:
    """Whether a capture's clip is evidence of something the server kept: its event, a suspected spoof, or an
    unmatched passage (kept briefly as the nearest evidence of someone's day). Not for no face, nor outside the
    windows."""
    return bool(answer.get("recorded")) or answer.get("result") in (SPOOF_SUSPECTED, "unknown")
