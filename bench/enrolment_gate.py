"""`make bench`: what makes an enrolment photo hurt matching, and how many people the gate refuses.

Over faces-dev, asian-celeb29 and glint-celeb24 (../shared; glint's 112×112 tight aligned crops are
padded with 56 px of grey on each side so YuNet sees a whole face — 3 of 942 are still not found), each
photo's main face is embedded with the current embedder (`engine.embed(engine.align(...))`) and its
*genuine* score measured: mean cosine similarity to the same person's other photos, and the share of
those pairs at or above the model's match threshold. Then:

1. genuine score against blur, face size, yaw, pitch and detector score on the real photos;
2. synthetic degradations of a subset (Gaussian blur given in pixels of the 112×112 crop; downscaling to
   small faces): where matching really breaks, and what each gate refuses;
3. "webcam-like" copies (face brought to ~170 px, soft focus, sensor noise, JPEG 75), the case the old
   fixed blur threshold refused;
4. old gate vs new gate per set: photos refused, people whose every photo is refused, people whose first
   photo is refused.

It prints tables; it is not a test. Photos and embeddings stay in memory.

python -m bench.enrolment_gate [--glint-every N] [--synthetic-every N]
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from bench.tables import print_table
from face_engine import FaceEngine, Verdict, blur_score, decode_image, judge_photo, load_manifest
from face_engine.pose import estimate_pose
from face_engine.quality import QualityPolicy, blur_sigma, main_face

REPO = Path(__file__).resolve().parents[1]
SETS = ("faces-dev", "asian-celeb29", "glint-celeb24")
GLINT_PAD = 56
OLD_MIN_BLUR = 200.0  # the old gate: Laplacian variance of the aligned crop
BLUR_LEVELS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0)  # Gaussian sigma in pixels of the 112×112 crop
SIZE_LEVELS = (32, 40, 48, 56, 64, 80)


@dataclass
class Measure:
    size: float
    score: float
    yaw: float
    pitch: float
    sigma: float  # blur_sigma (new gate)
    laplacian: float  # blur_score (old gate)
    embedding: np.ndarray
    new: Verdict | None  # the new gate's verdict
    old: str | None  # the old gate's code


@dataclass
class Photo:
    set: str
    person: str
    path: Path
    measure: Measure | None
    genuine: float = float("nan")  # mean similarity to the person's other photos
    rate: float = float("nan")  # share of those at or above the threshold
    extra: dict[str, float] = field(default_factory=dict)


def old_gate(faces: Sequence, laplacian: float | None) -> str | None:
    """The gate before this change: no pose check, face ≥ 64 px, Laplacian variance ≥ 200."""
    verdict = judge_photo(faces, None, None, QualityPolicy())
    if verdict is not None:
        return verdict.code
    return "too_blurry" if laplacian is not None and laplacian < OLD_MIN_BLUR else None


def measure(engine: FaceEngine, image: np.ndarray) -> Measure | None:
    faces = engine.detect(image)
    face = main_face(faces, QualityPolicy())
    if face is None:
        return None
    aligned = engine.align(image, face)
    pose = estimate_pose(face.landmarks)
    sigma, laplacian = blur_sigma(aligned), blur_score(aligned)
    return Measure(size=face.size, score=face.score, yaw=pose.yaw, pitch=pose.pitch, sigma=sigma,
                   laplacian=laplacian, embedding=engine.embed(aligned), new=judge_photo(faces, sigma, pose),
                   old=old_gate(faces, laplacian))


def load(path: Path, set_name: str) -> np.ndarray:
    image = decode_image(path.read_bytes())
    if set_name == "glint-celeb24":
        image = cv2.copyMakeBorder(image, *(GLINT_PAD,) * 4, cv2.BORDER_CONSTANT, value=(128, 128, 128))
    return image


def photo_paths(shared: Path, glint_every: int) -> list[tuple[str, str, Path]]:
    found = []
    for set_name in SETS:
        root = shared / "faces-dev" if set_name == "faces-dev" else shared / "faces-eval" / set_name
        for person in sorted(p for p in root.iterdir() if p.is_dir()):
            files = sorted(p for p in person.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
            if set_name == "glint-celeb24":
                files = files[::glint_every]
            found += [(set_name, person.name, path) for path in files]
    return found


def genuine_scores(photos: Sequence[Photo], threshold: float) -> None:
    by_person: dict[tuple[str, str], list[Photo]] = defaultdict(list)
    for photo in photos:
        if photo.measure is not None:
            by_person[(photo.set, photo.person)].append(photo)
    for photo in photos:
        if photo.measure is None:
            continue
        others = [o.measure.embedding for o in by_person[(photo.set, photo.person)] if o is not photo and o.measure]
        if others:
            sims = np.array(others) @ photo.measure.embedding
            photo.genuine, photo.rate = float(sims.mean()), float(np.mean(sims >= threshold))


def against_others(photo: Photo, embedding: np.ndarray, clean: dict[tuple[str, str], list[Photo]],
                   threshold: float) -> tuple[float, float]:
    others = [o.measure.embedding for o in clean[(photo.set, photo.person)] if o is not photo and o.measure]
    sims = np.array(others) @ embedding
    return float(sims.mean()), float(np.mean(sims >= threshold))


def binned(photos: Sequence[Photo], key: Callable[[Measure], float], edges: Sequence[float],
           label: Callable[[float, float], str]) -> list[list[object]]:
    rows: list[list[object]] = []
    for low, high in itertools.pairwise(edges):
        row: list[object] = [label(low, high)]
        for set_name in SETS:
            inside = [p for p in photos if p.set == set_name and p.measure is not None and not np.isnan(p.rate)
                      and low <= key(p.measure) < high]
            if inside:
                sim, rate = np.mean([p.genuine for p in inside]), np.mean([p.rate for p in inside])
                row.append(f"{len(inside):4d} {sim:.2f} {rate:.2f}")
            else:
                row.append("   0    -    -")
        rows.append(row)
    return rows


def webcam_like(image: np.ndarray, face_px: float, rng: np.random.Generator) -> np.ndarray:
    """The photo as an ordinary office webcam takes it: face ~170 px, soft focus, noise, JPEG 75."""
    scale = 170.0 / face_px
    resized = cv2.resize(image, None, fx=scale, fy=scale,
                         interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    soft = cv2.GaussianBlur(resized, (0, 0), 1.8)  # ~1.2 px of the 112 crop: soft but not out of focus
    noisy = np.clip(soft.astype(np.float32) + rng.normal(0, 4, soft.shape), 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 75])
    decoded = cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else None
    if decoded is None:
        raise RuntimeError("JPEG round trip failed")
    return np.asarray(decoded)


def gate_summary(rows: list[list[object]], name: str, items: Sequence[tuple[Photo, str | None, str | None]]) -> None:
    """One table row per set: photos and people refused by the old and the new gate."""
    for set_name in SETS:
        mine = [(p, old, new) for p, old, new in items if p.set == set_name]
        if not mine:
            continue
        people: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
        for p, old, new in mine:
            people[p.person].append((old, new))
        n_people = len(people)

        def pct(count: int, total: int) -> str:
            return f"{count}/{total} ({100 * count / total:.1f} %)"

        old_codes = Counter(old for _, old, _ in mine if old)
        new_codes = Counter(new for _, _, new in mine if new)
        rows.append([name, set_name,
                     pct(sum(old is not None for _, old, _ in mine), len(mine)),
                     pct(sum(new is not None for _, _, new in mine), len(mine)),
                     pct(sum(all(o is not None for o, _ in v) for v in people.values()), n_people),
                     pct(sum(all(n is not None for _, n in v) for v in people.values()), n_people),
                     pct(sum(v[0][0] is not None for v in people.values()), n_people),
                     pct(sum(v[0][1] is not None for v in people.values()), n_people),
                     " ".join(f"{c}:{n}" for c, n in old_codes.most_common()) or "-",
                     " ".join(f"{c}:{n}" for c, n in new_codes.most_common()) or "-"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.enrolment_gate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("SHARED", REPO.parent / "shared")))
    parser.add_argument("--glint-every", type=int, default=2, help="use every Nth glint photo (942 in all)")
    parser.add_argument("--synthetic-every", type=int, default=4, help="degrade every Nth photo")
    args = parser.parse_args(argv)
    models = Path(os.environ.get("MODELS_DIR", args.shared / "models"))
    detector, embedder = load_manifest("yunet_2023mar"), load_manifest("mobilefacenet_128d")
    engine = FaceEngine.from_paths(models / detector.file_name, detector, models / embedder.file_name, embedder)
    threshold = embedder.default_threshold
    policy = QualityPolicy()
    print(f"Enrolment gate: {embedder.model_id}, match threshold {threshold}; new policy {policy}")

    photos = [Photo(s, person, path, measure(engine, load(path, s)))
              for s, person, path in photo_paths(args.shared, args.glint_every)]
    genuine_scores(photos, threshold)
    clean: dict[tuple[str, str], list[Photo]] = defaultdict(list)
    for p in photos:
        if p.measure is not None:
            clean[(p.set, p.person)].append(p)
    header = ["", *(f"{s}: n sim rate" for s in SETS)]
    print("\n== 1. What hurts matching, real photos. Cells: photos, mean genuine similarity, genuine pairs ≥ "
          f"{threshold} ==")
    print_table("blur_sigma (new measure, 112-crop px)", header,
                binned(photos, lambda m: m.sigma, [0, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 9], lambda a, b: f"{a}–{b}"))
    print_table("Laplacian variance (old measure; old gate refuses < 200)", header,
                binned(photos, lambda m: m.laplacian, [0, 100, 200, 400, 800, 1600, 1e9], lambda a, b: f"{a:g}–{b:g}"))
    print_table("face size px", header, binned(photos, lambda m: m.size, [0, 64, 80, 100, 150, 250, 1e4],
                                               lambda a, b: f"{a:g}–{b:g}"))
    print_table("|yaw| degrees", header, binned(photos, lambda m: abs(m.yaw), [0, 10, 20, 30, 40, 50, 90],
                                                lambda a, b: f"{a:g}–{b:g}"))
    pitch_edges = [-90, -30, -20, -10, 10, 20, 30, 90]
    print_table("pitch degrees (+ down)", header, binned(photos, lambda m: m.pitch, pitch_edges,
                                                         lambda a, b: f"{a:g}–{b:g}"))
    print_table("detector score", header, binned(photos, lambda m: m.score, [0, 0.85, 0.9, 0.93, 0.95, 1.01],
                                                 lambda a, b: f"{a:g}–{b:g}"))

    print(f"\n== 2. Synthetic degradations (every {args.synthetic_every}th photo): genuine pairs ≥ threshold "
          "vs the person's other, clean photos; refused by the old / new gate ==")
    subset = [p for p in photos if p.measure is not None and not np.isnan(p.rate)][:: args.synthetic_every]
    blur_rows, size_rows = [], []
    for set_name in SETS:
        mine = [p for p in subset if p.set == set_name]
        images = {id(p): load(p.path, p.set) for p in mine}
        blur_rows.append([set_name, "clean", len(mine), f"{np.median([p.measure.sigma for p in mine]):.2f}",  # type: ignore[union-attr]
                          f"{np.median([p.measure.laplacian for p in mine]):.0f}",  # type: ignore[union-attr]
                          f"{np.mean([p.rate for p in mine]):.2f}", "", ""])
        for level in BLUR_LEVELS:
            found = []
            for p in mine:
                assert p.measure is not None
                m = measure(engine, cv2.GaussianBlur(images[id(p)], (0, 0), level * p.measure.size / 112))
                if m is not None:
                    found.append((p, m))
            rate = np.mean([against_others(p, m.embedding, clean, threshold)[1] for p, m in found])
            blur_rows.append([set_name, f"σ {level}", len(found), f"{np.median([m.sigma for _, m in found]):.2f}",
                              f"{np.median([m.laplacian for _, m in found]):.0f}", f"{rate:.2f}",
                              f"{np.mean([m.old is not None for _, m in found]):.2f}",
                              f"{np.mean([m.new is not None for _, m in found]):.2f}"])
        for px in SIZE_LEVELS:
            found, tried = [], 0
            for p in mine:
                assert p.measure is not None
                if p.measure.size <= px:
                    continue
                tried += 1
                k = px / p.measure.size
                m = measure(engine, cv2.resize(images[id(p)], None, fx=k, fy=k, interpolation=cv2.INTER_AREA))
                if m is not None:
                    found.append((p, m))
            if not found:
                continue
            rate = np.mean([against_others(p, m.embedding, clean, threshold)[1] for p, m in found])
            size_rows.append([set_name, f"{px} px", f"{len(found)}/{tried}", f"{rate:.2f}",
                              f"{np.mean([m.old is not None for _, m in found]):.2f}",
                              f"{np.mean([m.new is not None for _, m in found]):.2f}",
                              " ".join(f"{c}:{n}" for c, n in Counter(m.new.code for _, m in found if m.new).items())])
    print_table("Gaussian blur (σ in 112-crop px)", ["set", "blur", "found", "blur_sigma", "laplacian", "rate",
                                                     "old refuses", "new refuses"], blur_rows)
    print_table("Face downscaled to", ["set", "size", "found", "rate", "old refuses", "new refuses", "new codes"],
                size_rows)

    rng = np.random.default_rng(11)
    webcam: list[tuple[Photo, str | None, str | None]] = []
    for p in photos:
        if p.measure is None or p.set == "glint-celeb24":  # glint faces are ~80 px: nothing to bring to 170
            continue
        m = measure(engine, webcam_like(load(p.path, p.set), p.measure.size, rng))
        webcam.append((p, m.old if m else "no_face", (m.new.code if m.new else None) if m else "no_face"))

    print("\n== 3/4. Old vs new gate ==")
    rows: list[list[object]] = []
    gate_summary(rows, "as published", [(p, p.measure.old if p.measure else "no_face",
                                         (p.measure.new.code if p.measure.new else None) if p.measure else "no_face")
                                        for p in photos])
    gate_summary(rows, "webcam-like", webcam)
    print_table("Refused (photos; people with every photo refused; people whose first photo is refused)",
                ["photos", "set", "photos old", "photos new", "people all old", "people all new", "first old",
                 "first new", "old codes", "new codes"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
