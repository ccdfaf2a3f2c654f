"""The demo's spoof attempts: real camera frames of photos held up to a camera, played to the edge uploader.

`../shared/liveness-samples` holds single frames of printed photos and phone screens shown to a camera. The clip
shows each for a few seconds with the small shake of a hand holding it, then an empty lobby so the edge ends
the passage, exactly as a camera would see someone trying it. Nothing here judges anything: the uploader cuts its
crops and the server decides.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

# Frames of photos shown to a 640×480 camera like a lobby's (the phone samples were taken with a phone camera).
ATTEMPTS = ["spoof-1.jpg", "spoof-2.jpg"]
SIZE = (640, 480)
HOLD_SECONDS, GAP_SECONDS = 3.5, 6.0


def _fitted(frame: np.ndarray) -> np.ndarray:
    """The frame scaled into the lobby camera's 640×480, grey bars where the aspect ratio differs."""
    width, height = SIZE
    scale = min(width / frame.shape[1], height / frame.shape[0])
    resized = cv2.resize(frame, (round(frame.shape[1] * scale), round(frame.shape[0] * scale)),
                         interpolation=cv2.INTER_AREA)
    canvas = np.full((height, width, 3), 96, dtype=np.uint8)
    top, left = (height - resized.shape[0]) // 2, (width - resized.shape[1]) // 2
    canvas[top:top + resized.shape[0], left:left + resized.shape[1]] = resized
    return canvas


def spoof_clip(samples_dir: Path, out: Path, fps: float = 10.0, seed: int = 3) -> list[str]:
    """Write the clip (MJPG .avi) and return the samples shown, in order."""
    rng = np.random.default_rng(seed)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"MJPG"), fps, SIZE)
    empty = np.full((SIZE[1], SIZE[0], 3), 96, dtype=np.uint8)
    try:
        for _ in range(round(GAP_SECONDS * fps / 2)):
            writer.write(empty)
        for name in ATTEMPTS:
            image = cv2.imread(str(samples_dir / name), cv2.IMREAD_COLOR)
            if image is None:
                raise FileNotFoundError(samples_dir / name)
            frame = _fitted(np.asarray(image))
            for _ in range(round(HOLD_SECONDS * fps)):
                dx, dy = rng.normal(0.0, 1.5, 2)  # a hand is never quite still
                shake = np.array([[1, 0, dx], [0, 1, dy]], dtype=np.float32)
                writer.write(cv2.warpAffine(frame, shake, SIZE, borderMode=cv2.BORDER_REPLICATE))
            for _ in range(round(GAP_SECONDS * fps)):
                writer.write(empty)
    finally:
        writer.release()
    return list(ATTEMPTS)
