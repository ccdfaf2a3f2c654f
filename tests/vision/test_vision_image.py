"""Decoding untrusted image bytes."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from face_engine import InvalidImage, decode_image, encode_jpeg
from face_engine.image import image_size


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims the given size but holds no pixel data (a decompression bomb's header)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def _encoded(extension: str, image: np.ndarray) -> bytes:
    ok, buffer = cv2.imencode(extension, image)
    assert ok
    return buffer.tobytes()


@pytest.fixture(scope="module")
def jpeg_bytes(faces_dir: Path) -> bytes:
    return (faces_dir / "obama" / "obama.jpg").read_bytes()


def test_photo_decodes_to_bgr_uint8(jpeg_bytes: bytes) -> None:
    # GIVEN a real JPEG WHEN decoding THEN a 3-channel uint8 array of the header's size
    image = decode_image(jpeg_bytes)
    width, height = image_size(jpeg_bytes)
    assert image.shape == (height, width, 3)
    assert image.dtype == np.uint8


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(np.random.default_rng(7).bytes(4096), id="random-bytes"),
        pytest.param(b"GIF89a" + bytes(100), id="gif"),
        pytest.param(b"\xff\xd8\xff\xe0" + bytes(30), id="jpeg-header-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(10), id="png-signature-only"),
    ],
)
def test_non_images_are_invalid(data: bytes) -> None:
    # GIVEN bytes that are not an image we accept WHEN decoding THEN invalid_image
    with pytest.raises(InvalidImage) as refused:
        decode_image(data)
    assert refused.value.code == "invalid_image"


def test_truncated_jpeg_is_invalid(jpeg_bytes: bytes) -> None:
    # GIVEN a JPEG cut in half (libjpeg alone would return a half-grey picture with a warning)
    # WHEN decoding THEN it is refused
    with pytest.raises(InvalidImage) as refused:
        decode_image(jpeg_bytes[: len(jpeg_bytes) // 2])
    assert refused.value.code == "invalid_image"


def test_truncated_png_is_invalid() -> None:
    # GIVEN a PNG missing its end WHEN decoding THEN it is refused
    data = _encoded(".png", np.full((64, 64, 3), 128, np.uint8))
    with pytest.raises(InvalidImage, match="truncated"):
        decode_image(data[:-20])


def test_oversize_image_is_refused_from_its_header() -> None:
    # GIVEN a PNG claiming 60 000 × 60 000 pixels (3.6 billion) with no data
    data = _png_header_only(60_000, 60_000)
    # WHEN decoding THEN image_too_large, decided from the header before any decoding
    with pytest.raises(InvalidImage) as refused:
        decode_image(data)
    assert refused.value.code == "image_too_large"


def test_max_pixels_is_configurable(jpeg_bytes: bytes) -> None:
    # GIVEN a ~840 000-pixel photo WHEN the limit is lower THEN image_too_large
    with pytest.raises(InvalidImage) as refused:
        decode_image(jpeg_bytes, max_pixels=500_000)
    assert refused.value.code == "image_too_large"


@pytest.mark.parametrize("extension", [".png", ".webp", ".jpg"])
def test_greyscale_and_alpha_become_bgr(extension: str) -> None:
    # GIVEN greyscale and BGRA images
    grey = np.tile(np.arange(0, 256, 4, dtype=np.uint8), (48, 1))
    bgra = np.dstack([grey, grey, grey, np.full_like(grey, 255)])
    for image in (grey, bgra):
        # WHEN encoded and decoded THEN they come back as 3-channel uint8
        decoded = decode_image(_encoded(extension, image))
        assert decoded.shape == (48, 64, 3)
        assert decoded.dtype == np.uint8


def test_jpeg_roundtrip() -> None:
    # GIVEN a smooth BGR image WHEN encoded and decoded THEN it is nearly unchanged
    image = cv2.GaussianBlur(
        np.random.default_rng(1).integers(0, 255, (80, 120, 3), dtype=np.uint8), (0, 0), 3
    )
    data = encode_jpeg(image, quality=95)
    assert data[:3] == b"\xff\xd8\xff"
    assert np.abs(decode_image(data).astype(int) - image.astype(int)).mean() < 3
    with pytest.raises(ValueError):
        encode_jpeg(image, quality=0)
