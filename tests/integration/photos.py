"""Real photos from ../shared/faces-dev turned into what a lobby device sends: a face crop."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from face_engine.engine import FaceEngine
from face_engine.image import decode_image, encode_jpeg


def photos_of(faces_dir: Path, person: str) -> list[Path]:
    return sorted((faces_dir / person).glob("*.jpg"))


def face_crop(engine: FaceEngine, photo: Path, side: int = 160, margin: float = 1.6) -> bytes:
    """The largest face with some margin, resized so its side is `side` px, as JPEG (a camera crop)."""
    image = decode_image(photo.read_bytes())
    faces = engine.detect(image)
    assert faces, f"no face in {photo}"
    x, y, w, h = faces[0].box
    cx, cy, half = x + w / 2, y + h / 2, max(w, h) * margin / 2
    top, left = max(int(cy - half), 0), max(int(cx - half), 0)
    crop = image[top:int(cy + half), left:int(cx + half)]
    scale = side / max(crop.shape[:2])
    return encode_jpeg(cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))


def blank_jpeg(width: int = 200, height: int = 200) -> bytes:
    gradient = np.tile(np.linspace(60, 200, width, dtype=np.uint8), (height, 1))
    return encode_jpeg(cv2.cvtColor(gradient, cv2.COLOR_GRAY2BGR))


def passage(engine: FaceEngine, sample: str, seed: int) -> list[bytes]:
    """Three crops of one pause in front of the camera of a liveness sample, as the edge sends them (jittered box,
    sensor noise)."""
    from bench.liveness import SAMPLES_DIR, edge_crop, jittered

    frame = decode_image((SAMPLES_DIR / sample).read_bytes())
    face = engine.detect(frame)[0]
    rng = np.random.default_rng(seed)
    return [encode_jpeg(edge_crop(frame, jittered(face, rng), rng=rng), 92) for _ in range(3)]
