"""Decoding untrusted image bytes (uploads, camera captures) into BGR arrays, and JPEG encoding."""

from __future__ import annotations

import struct
from typing import Literal

import cv2
import numpy as np

InvalidImageCode = Literal["invalid_image", "image_too_large"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers carry the dimensions; C4 (DHT), C8 (JPG) and CC (DAC) share the range
# but are not frames.
_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


class InvalidImage(ValueError):
    """The bytes are not an image we accept. `code` is the API error code."""

    def __init__(self, code: InvalidImageCode, message: str) -> None:
        super().__init__(message)
        self.code: InvalidImageCode = code


def _jpeg_header(data: bytes) -> tuple[int, int, int]:
    """(width, height, offset of the first scan) from the JPEG segment headers, without decoding."""
    pos = 2
    size: tuple[int, int] | None = None
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise InvalidImage("invalid_image", "corrupt JPEG header")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2:
            raise InvalidImage("invalid_image", "corrupt JPEG header")
        if marker in _JPEG_SOF and pos + 9 <= len(data):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            size = (width, height)
        if marker == 0xDA:  # start of scan: the headers are over
            if size is None:
                break
            return size[0], size[1], pos
        pos += 2 + length
    raise InvalidImage("invalid_image", "JPEG without a frame header or scan")


def _png_size(data: bytes) -> tuple[int, int]:
    # IHDR is always the first chunk: width and height are at fixed offsets.
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise InvalidImage("invalid_image", "corrupt PNG header")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return width, height
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    raise InvalidImage("invalid_image", "corrupt WebP header")


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) read from the header of a JPEG, PNG or WebP file; InvalidImage otherwise.

    Only these formats are accepted because their headers can be checked before decoding: a decoder
    handed a 60 000 × 60 000 image would allocate gigabytes before we could refuse it.
    """
    if data.startswith(b"\xff\xd8\xff"):
        width, height, scan = _jpeg_header(data)
        # libjpeg "decodes" a truncated file into a half-grey image with only a warning; the end-of-image
        # marker after the first scan is what tells a complete file apart. Scan data cannot contain
        # FF D9 (0xFF bytes are stuffed), and bytes after the marker (some cameras append data) are fine.
        if data.rfind(b"\xff\xd9") < scan:
            raise InvalidImage("invalid_image", "truncated JPEG")
        return width, height
    if data.startswith(_PNG_SIGNATURE):
        if b"IEND" not in data[-12:]:
            raise InvalidImage("invalid_image", "truncated PNG")
        return _png_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    raise InvalidImage("invalid_image", "not a JPEG, PNG or WebP image")


def decode_image(data: bytes, *, max_pixels: int = 40_000_000) -> np.ndarray:
    """Decode image bytes into a BGR uint8 array of shape (h, w, 3).

    Greyscale and alpha images are converted to 3-channel BGR; EXIF orientation is applied (phones
    store portraits sideways). Raises InvalidImage with code "image_too_large" beyond max_pixels,
    "invalid_image" for anything that is not a complete JPEG, PNG or WebP image.
    """
    if not data:
        raise InvalidImage("invalid_image", "empty image")
    width, height = image_size(data)
    if width <= 0 or height <= 0:
        raise InvalidImage("invalid_image", "image has no pixels")
    if width * height > max_pixels:
        raise InvalidImage("image_too_large", f"{width}×{height} exceeds {max_pixels} pixels")
    try:
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as exc:
        raise InvalidImage("invalid_image", "image could not be decoded") from exc
    # IMREAD_COLOR without IMREAD_ANYDEPTH already yields 8-bit BGR, 16-bit PNGs included.
    if image is None or image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise InvalidImage("invalid_image", "image could not be decoded")
    return np.ascontiguousarray(image)


def encode_jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    """JPEG bytes of a BGR (or greyscale) uint8 image."""
    if not 1 <= quality <= 100:
        raise ValueError(f"JPEG quality must be 1..100, got {quality}")
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError("image could not be encoded as JPEG")
    return buffer.tobytes()
