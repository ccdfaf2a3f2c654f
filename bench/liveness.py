"""Liveness benchmark: photos and screens shown to a camera against live faces, as the server sees them.

python -m bench.liveness [--passages N] [--seed S]

The server never sees the camera frame: the edge sends a crop of 1.6× the face box (clipped at the frame,
at most 320 px, JPEG q92; edge_uploader.passages.crop_face). So every sample frame is detected (YuNet, as
at the edge), cropped with the edge's own function and JPEG-encoded, and the server's path runs on that
crop: detect again, score with face_engine.liveness.

The samples are single frames. A passage's 3 frames are SIMULATED from one frame: the edge's face box
shifted (σ 4 % of its width) and scaled (σ 5 %), sensor noise (σ 2 grey levels on the crop) and the edge's JPEG, so
the crop differs from frame to frame as it does at the camera. Real passages also differ in pose and light,
which this cannot show: a photo moved by hand and a live face are both simulated as one still frame.

Sets: camera spoof / live (Silent-Face-Anti-Spoofing samples), phone spoof / live (vietmoney samples),
faces-dev (76 photos, where the threshold is chosen) and asian-celeb29 (116 photos, held out: only reported).
"""

from __future__ import annotations

import argparse
import os
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from edge_uploader.detector import Face
from edge_uploader.passages import crop_face
from face_engine import DetectedFace, FaceEngine, decode_image, encode_jpeg, load_manifest
from face_engine.liveness import LivenessModel, LivenessPolicy, judge

SHARED = Path(__file__).resolve().parents[2] / "shared"
MODELS_DIR = Path(os.environ.get("MODELS_DIR", SHARED / "models"))
FACES_DIR = Path(os.environ.get("FACES_DIR", SHARED / "faces-dev"))
SAMPLES_DIR = SHARED / "liveness-samples"
EVAL_DIR = SHARED / "faces-eval"
EDGE_MARGIN, EDGE_MAX_PX, EDGE_JPEG = 1.6, 320, 92


@dataclass(frozen=True)
class SampleSet:
    name: str
    spoof: bool
    paths: list[Path]


def sample_sets() -> list[SampleSet]:
    samples = SAMPLES_DIR
    sets = [
        SampleSet("camera spoof", True, [samples / "spoof-1.jpg", samples / "spoof-2.jpg"]),
        SampleSet("camera live", False, [samples / "live-1.jpg"]),
        SampleSet("phone spoof", True, sorted(samples.glob("phone-spoof-*"))),
        SampleSet("phone live", False, sorted(samples.glob("phone-live-*"))),
        SampleSet("faces-dev (calibration)", False, sorted(FACES_DIR.glob("*/*.jpg"))),
    ]
    held_out = sorted((EVAL_DIR / "asian-celeb29").glob("*/*.jpg"))
    if held_out:
        sets.append(SampleSet("asian-celeb29 (held out)", False, held_out))
    return sets


def load_models() -> tuple[FaceEngine, LivenessModel]:
    detector, embedder = load_manifest("yunet_2023mar"), load_manifest("mobilefacenet_128d")
    engine = FaceEngine.from_paths(MODELS_DIR / detector.file_name, detector, MODELS_DIR / embedder.file_name, embedder)
    manifest = load_manifest("minifasnetv2se_128")
    return engine, LivenessModel.from_path(MODELS_DIR / manifest.file_name, manifest)


def edge_crop(frame: np.ndarray, face: DetectedFace, margin: float = EDGE_MARGIN, max_px: int = EDGE_MAX_PX,
              rng: np.random.Generator | None = None) -> np.ndarray:
    """What the edge uploads for this face: its crop (with sensor noise when `rng` is given), JPEG-encoded,
    decoded as the server does."""
    crop = crop_face(frame, Face(face.box, face.landmarks, face.score), margin, max_px)
    if rng is not None:
        crop = noisy(crop, rng)
    return decode_image(encode_jpeg(crop, EDGE_JPEG))


def jittered(face: DetectedFace, rng: np.random.Generator) -> DetectedFace:
    """The edge's box of the same face in another frame of the pause: shifted and scaled a little."""
    x, y, w, h = face.box
    scale = float(np.exp(rng.normal(0.0, 0.05)))
    dx, dy = (float(v) for v in rng.normal(0.0, 0.04 * w, 2))
    box = (x + w / 2 + dx - w * scale / 2, y + h / 2 + dy - h * scale / 2, w * scale, h * scale)
    return DetectedFace(box=box, landmarks=face.landmarks, score=face.score, frame_size=face.frame_size)


def noisy(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.clip(frame.astype(np.float32) + rng.normal(0.0, 2.0, frame.shape), 0, 255).astype(np.uint8)


Scorer = Callable[[np.ndarray, DetectedFace], float]


@dataclass
class Measured:
    frames: list[float]  # one per photo: the undisturbed edge crop
    raw_frames: list[float]  # the same, one view only (no mirror average)
    passages: list[list[float]]  # per simulated passage, its frames' scores
    first_raw: list[float]  # per simulated passage, its first frame's one-view score


def measure(engine: FaceEngine, model: LivenessModel, paths: Sequence[Path], passages_per_photo: int,
            rng: np.random.Generator, margin: float = EDGE_MARGIN, max_px: int = EDGE_MAX_PX) -> Measured:
    result = Measured([], [], [], [])

    def server_score(crop: np.ndarray) -> tuple[float, float] | None:
        faces = engine.detect(crop)
        if not faces:
            return None
        return model.score(crop, faces[0]), model.raw_score(crop, faces[0])

    for path in paths:
        frame = decode_image(path.read_bytes())
        faces = engine.detect(frame)
        if not faces:
            continue
        scored = server_score(edge_crop(frame, faces[0], margin, max_px))
        if scored is None:
            continue
        result.frames.append(scored[0])
        result.raw_frames.append(scored[1])
        for _ in range(passages_per_photo):
            scored_frames = [server_score(edge_crop(frame, jittered(faces[0], rng), margin, max_px, rng))
                             for _ in range(3)]
            kept = [pair for pair in scored_frames if pair is not None]
            if kept:
                result.passages.append([pair[0] for pair in kept])
                result.first_raw.append(kept[0][1])
    return result


def pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "-"


def quantiles(values: Sequence[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p5 = float(np.percentile(ordered, 5))
    return f"{ordered[0]:+6.1f} {p5:+6.1f} {statistics.median(ordered):+6.1f} {ordered[-1]:+6.1f}"


def table(results: list[tuple[SampleSet, Measured]], policy: LivenessPolicy) -> None:
    print(f"\nPer frame (one edge crop per photo), live when score ≥ {policy.threshold:+.1f};"
          f" per passage (3 SIMULATED frames from one photo: box jitter, noise, JPEG), live when mean ≥"
          f" {policy.threshold:+.1f} and every frame ≥ {policy.frame_floor:+.1f}")
    print(f"{'set':26s} {'photos':>6s}  {'frame min   p5   med   max':26s} {'frames refused':>15s}  "
          f"{'passages refused':>17s}  {'margin':>7s}")
    for sample_set, measured in results:
        frames, verdicts = measured.frames, [judge(p, policy) for p in measured.passages]
        refused_frames = sum(score < policy.threshold for score in frames)
        refused_passages = sum(not verdict.live for verdict in verdicts)
        passage_scores = [verdict.score for verdict in verdicts]
        # Margin: how far the worst case is from the threshold, positive when on the right side.
        if sample_set.spoof:
            margin = policy.threshold - max(passage_scores + frames) if frames else float("nan")
        else:
            margin = min(passage_scores + frames) - policy.threshold if frames else float("nan")
        print(f"{sample_set.name:26s} {len(frames):6d}  {quantiles(frames):26s} {pct(refused_frames, len(frames)):>15s}"
              f"  {pct(refused_passages, len(verdicts)):>17s}  {margin:+7.1f}")


def rules_table(results: list[tuple[SampleSet, Measured]], thresholds: Sequence[float], floor_margin: float) -> None:
    """What each cue gains: live refused on calibration / held-out sets and spoofs refused, per rule."""
    print("\nPassage rules compared (SIMULATED passages; spoof refused = of all spoof passages, live refused ="
          " per set)")
    rules: list[tuple[str, Callable[[Sequence[float], Sequence[float], float], bool]]] = [
        ("one frame, one view", lambda p, raw, t: raw[0] >= t),
        ("one frame, mirror-avg", lambda p, raw, t: p[0] >= t),
        ("min of 3 frames", lambda p, raw, t: min(p) >= t),
        ("mean of 3 frames", lambda p, raw, t: sum(p) / len(p) >= t),
        (f"mean, floor t−{floor_margin:g}",
         lambda p, raw, t: judge(p, LivenessPolicy(t, t - floor_margin)).live),
    ]
    names = [s.name.split(" (")[0] for s, _ in results if not s.spoof]
    print(f"{'rule':24s} {'t':>5s} {'spoof refused':>14s} " + " ".join(f"{n[:14]:>14s}" for n in names))
    for threshold in thresholds:
        for rule_name, rule in rules:
            spoof_total = spoof_refused = 0
            live_cells = []
            for sample_set, measured in results:
                accepted = [rule(p, [raw], threshold) for p, raw in zip(measured.passages, measured.first_raw,
                                                                         strict=True)]
                if sample_set.spoof:
                    spoof_total += len(accepted)
                    spoof_refused += accepted.count(False)
                else:
                    live_cells.append(pct(accepted.count(False), len(accepted)))
            print(f"{rule_name:24s} {threshold:+5.1f} {pct(spoof_refused, spoof_total):>14s} "
                  + " ".join(f"{c:>14s}" for c in live_cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.liveness", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=3, help="simulated passages per photo (default 3)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--margin", type=float, default=EDGE_MARGIN, help="edge crop margin (default 1.6)")
    parser.add_argument("--max-px", type=int, default=EDGE_MAX_PX, help="edge crop size limit (default 320)")
    args = parser.parse_args(argv)
    engine, model = load_models()
    rng = np.random.default_rng(args.seed)
    print(f"Liveness: {model.model_id}, context {model.manifest.context}× box, mirror-averaged; edge crop "
          f"{args.margin}× box, ≤ {args.max_px} px, JPEG q{EDGE_JPEG}")
    results = [(s, measure(engine, model, s.paths, args.passages, rng, args.margin, args.max_px))
               for s in sample_sets()]
    policy = model.default_policy()
    table(results, policy)
    t = policy.threshold
    rules_table(results, [t - 1.0, t, t + 1.0], policy.threshold - policy.frame_floor)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
