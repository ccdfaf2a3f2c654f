"""Edge uploader benchmark: how many frames per second the box beside the camera can look at.

Frames come from a synthetic lobby clip (real photos pasted on a drawn lobby, people walking in, pausing
and leaving), rendered to a temporary folder and deleted afterwards. Measured on one core
(``cv2.setNumThreads(1)``, what a small ARM board offers per process) and with OpenCV's default threads:

- YuNet detection alone, on the whole frame, at 640×480 and 1280×720;
- the uploader's per-frame work (detection on the frame scaled to ``--detect-width`` 640, tracking,
  crop selection) on 1280×720 frames.

python -m bench.edge [--faces DIR] [--models-dir DIR] [--seconds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from edge_uploader.detector import Detector
from edge_uploader.passages import PassageTracker
from infra.demo.lobby import DETECTOR_FILE, build_clip, photo_folders, schedule, usable

REPO = Path(__file__).resolve().parents[1]


def lobby_frames(faces_dir: Path, models_dir: Path, seconds: float) -> list[np.ndarray]:
    count = max(2, int(seconds / 4))
    walkers = schedule([(name, usable(photos, models_dir / DETECTOR_FILE, limit=1)[0])
                        for name, photos in list(photo_folders(faces_dir).items())[:count]], gap=4.0)
    with tempfile.TemporaryDirectory() as folder:
        clip = Path(folder) / "lobby.avi"
        build_clip(walkers, clip, detector_model=models_dir / DETECTOR_FILE)
        capture = cv2.VideoCapture(str(clip))
        frames = []
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            frames.append(frame)
        capture.release()
    return frames


def per_frame_ms(work: Callable[[np.ndarray], object], frames: list[np.ndarray], repeats: int = 2) -> list[float]:
    timings = []
    for _ in range(repeats):
        for frame in frames:
            start = time.perf_counter()
            work(frame)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


class Pipeline:
    """What the uploader does with each frame before anything is queued: detect, then follow passages."""

    def __init__(self, model: str) -> None:
        self.detector = Detector(model, detect_width=640)
        self.tracker = PassageTracker()
        self.frames = 0

    def __call__(self, frame: np.ndarray) -> None:
        self.frames += 1
        self.tracker.update(frame, self.frames / 10, self.detector.detect(frame))


def row(label: str, timings: list[float]) -> str:
    median = statistics.median(timings)
    p95 = sorted(timings)[int(len(timings) * 0.95)]
    return f"{label:<62} {median:7.1f} ms {p95:7.1f} ms {1000 / median:7.1f} fps"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.edge", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", default=os.environ.get("FACES_DIR", str(REPO.parent / "shared" / "faces-dev")))
    parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", str(REPO.parent / "shared" / "models")))
    parser.add_argument("--seconds", type=float, default=16.0, help="length of the lobby clip to measure on")
    args = parser.parse_args(argv)
    faces_dir, models_dir = Path(args.faces), Path(args.models_dir)
    if not (models_dir / DETECTOR_FILE).is_file() or not faces_dir.is_dir():
        parser.error("needs the photo folder (--faces) and the models folder (--models-dir)")
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    model = str(models_dir / DETECTOR_FILE)
    frames = lobby_frames(faces_dir, models_dir, args.seconds)
    with_faces = sum(1 for f in frames if Detector(model).detect(f))
    print(f"\nEdge uploader: {len(frames)} lobby frames, {with_faces} with a face ({os.cpu_count()} cores here)")
    print(f"{'':<62} {'median':>10} {'p95':>10} {'rate':>11}")
    for threads in (1, 0):
        cv2.setNumThreads(threads if threads else -1)
        label = "1 core" if threads == 1 else "default threads"
        for width, height in ((640, 480), (1280, 720)):
            # 4:3 from the 16:9 clip: the centre 960×720, so faces keep their shape
            shaped = frames if width * 9 == height * 16 else [f[:, 160:1120] for f in frames]
            sized = [cv2.resize(f, (width, height), interpolation=cv2.INTER_AREA) for f in shaped]
            detector = Detector(model, detect_width=width, min_face_px=16)
            print(row(f"YuNet detection {width}×{height}, {label}", per_frame_ms(detector.detect, sized)))
        print(row(f"uploader per frame 1280×720 (detect at 640), {label}", per_frame_ms(Pipeline(model), frames)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
