"""`make bench`: how accurate recognition is, per photo set, and what each lever of the engine gains.

Protocol (1:N identification, what a lobby does):
- Enrolment: each person's photos in turn (rotations), the first k (1 or 3) the enrolment gate accepts
  (`engine.analyse(...).problem is None`) are enrolled, always leaving at least one photo to probe with.
  A person none of whose photos the gate accepts cannot be enrolled: their passages count as not recognised.
- Genuine passages: the person's other photos. A passage is what the edge sends: crops of 1.6× the face
  box, at most 320 px, JPEG quality 92 (edge_uploader/passages.py `crop_face`). We only have still photos,
  so the three frames of a passage are SIMULATED FROM ONE PHOTO: the edge crop itself, and two crops with
  camera-like variation (centre moved by up to 8 % of the face, margin 1.45–1.75×, a Gaussian blur of
  sigma up to 1.2 px, sensor noise, JPEG again). Real frames of a pause also differ in pose and expression,
  which this does not model: read the fusion gain as an indication, not a promise. A passage is never
  built from different photos of a person (that would overstate fusion).
- Stranger passages: leave-one-person-out — every person's passages against the gallery without them.
- TAR at FMR x: the threshold is the lowest that matches at most x of the stranger passages; FMR 0 uses
  the smallest threshold above every stranger score. A genuine passage counts when the right person is
  the answer at that threshold; a wrong person above it is a "wrong-person passage".

Embeddings are cached under out/accuracy/ (never committed); delete it to recompute. It prints tables;
it is not a test.

python -m bench.accuracy [--rotations N] [--glint-per-person N] [--no-cache]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from bench.tables import print_table
from edge_uploader.detector import Face
from edge_uploader.passages import crop_face, face_quality
from face_engine import (
    DetectedFace,
    EngineOptions,
    FaceEngine,
    Gallery,
    Match,
    decide,
    decode_image,
    fuse,
    load_manifest,
)
from face_engine.engine import l2_normalise
from face_engine.gallery import IDENTIFY_MARGIN, PERSON_RULE, PersonRule

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FRAMES = 3
JPEG_QUALITY = 92
_SIMULATION_VERSION = 3  # bump when the frame simulation or the enrolment gate changes: the cache key has it
_LATER_OPTIONS = {"refine_landmarks"}
CALIBRATION_MARGIN = 0.018  # what the shipped threshold adds above the highest stranger score seen
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


@dataclass(frozen=True)
class Pass:
    """One way of preparing faces (engine options); each pass yields embeddings without and with flip."""

    name: str
    options: EngineOptions

    def key(self, embedder_sha: str) -> str:
        # Options added later count only when set, so the caches of the earlier passes stay valid.
        options = {k: v for k, v in asdict(self.options).items() if k not in _LATER_OPTIONS or v}
        text = json.dumps([options, embedder_sha, _SIMULATION_VERSION])
        return hashlib.sha256(text.encode()).hexdigest()[:12]


BASELINE = Pass("baseline", EngineOptions(pad_tight_crops=False, supersample=False, align_border="constant",
                                          refine_landmarks=False))
PADDED = Pass("padded", EngineOptions(refine_landmarks=False))
DEFAULT = Pass("default", EngineOptions())
# Tried on the padded engine, before landmark refinement was added; not adopted.
EXTRA_PASSES = (
    Pass("supersampled alignment", EngineOptions(supersample=True, refine_landmarks=False)),
    Pass("black padding", EngineOptions(pad_mode="constant", refine_landmarks=False)),
    Pass("replicated align border", EngineOptions(align_border="replicate", refine_landmarks=False)),
)
# Cumulative: each row adds one lever to the previous one; (label, pass, flip-averaged). The last is the product.
LEVERS = (
    ("baseline (main today)", BASELINE, False),
    ("+ flip-averaged embedding", BASELINE, True),
    ("+ pad tight crops before detecting", PADDED, True),
    ("+ refined landmarks of small faces (default)", DEFAULT, True),
)
EXTRA_LEVERS = tuple((f"padded (not refined), + {extra.name}", extra, True) for extra in EXTRA_PASSES)


@dataclass
class SetData:
    """Per photo of one set, with one lever: the enrolment verdict and embedding, and the passage's frames."""

    people: list[str]
    photos: list[str]  # relative paths
    person_of: np.ndarray  # (N,) index into people
    problem: list[str | None]  # the enrolment gate's verdict ("" never: None = accepted)
    enrol: np.ndarray  # (N, D), NaN rows where no face was found
    frames: np.ndarray  # (N, FRAMES, D), NaN rows where the frame had no face
    enrol_flip: np.ndarray  # the same, flip-averaged
    frames_flip: np.ndarray
    quality: np.ndarray  # (N, FRAMES): the edge's face_quality of each frame (0 when no face)
    seconds: float = 0.0


def list_photos(folder: Path, per_person: int | None) -> list[tuple[str, Path]]:
    """(person, path) of every photo in `folder/<person>/`, sorted, at most `per_person` each."""
    result: list[tuple[str, Path]] = []
    for person in sorted(p for p in folder.iterdir() if p.is_dir()):
        photos = sorted(p for p in person.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES)
        result.extend((person.name, photo) for photo in photos[:per_person])
    return result


def simulate_frames(image: np.ndarray, box: tuple[float, float, float, float], seed: int) -> list[np.ndarray]:
    """Three frames of one passage from one photo (see the module docstring), decoded back from JPEG.

    A photo whose face reaches its edge (glint-celeb24's 112×112 aligned faces) is what the API receives
    as it is: its first frame is the photo itself, the others the photo moved by a few percent, scaled by
    ±5 % and turned by ±3° (edges replicated), blurred, noised and JPEG-encoded like the others.
    """
    rng = np.random.default_rng(seed)
    height, width = image.shape[:2]
    x, y, w, h = box
    tight = x < 0.05 * w or y < 0.05 * h or x + w > width - 0.05 * w or y + h > height - 0.05 * h
    frames = []
    for index in range(FRAMES):
        if tight:
            if index == 0:
                frames.append(image)
                continue
            matrix = cv2.getRotationMatrix2D((width / 2, height / 2), float(rng.uniform(-3, 3)),
                                             float(rng.uniform(0.95, 1.05)))
            matrix[:, 2] += rng.uniform(-0.03, 0.03, 2) * np.array([width, height])
            crop = cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR,
                                  borderMode=cv2.BORDER_REPLICATE)
        else:
            cx, cy, margin = x, y, 1.6
            if index:
                size = max(w, h)
                cx += float(rng.uniform(-0.08, 0.08)) * size
                cy += float(rng.uniform(-0.08, 0.08)) * size
                margin = float(rng.uniform(1.45, 1.75))
            crop = crop_face(image, Face((cx, cy, w, h), np.zeros((5, 2), np.float32), 1.0), margin=margin,
                             max_px=320)
        if index:
            sigma = float(rng.uniform(0.0, 1.2))
            if sigma > 0.3:
                crop = cv2.GaussianBlur(crop, (0, 0), sigma)
            noise = rng.normal(0.0, float(rng.uniform(1.0, 4.0)), crop.shape)
            crop = np.clip(crop.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        ok, data = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        assert ok
        frames.append(np.asarray(cv2.imdecode(data, cv2.IMREAD_COLOR)))
    return frames


def _edge_face(face: object) -> Face:
    return Face(face.box, face.landmarks, face.score)  # type: ignore[attr-defined]


def make_engine(models_dir: Path, options: EngineOptions) -> FaceEngine:
    """An engine without flip-averaging (embed_set derives the flip-averaged vectors from the same crops)."""
    detector = load_manifest("yunet_2023mar")
    embedder = load_manifest("mobilefacenet_128d").model_copy(update={"flip_average": False})
    return FaceEngine.from_paths(
        models_dir / detector.file_name, detector, models_dir / embedder.file_name, embedder, options
    )


def _both(engine: FaceEngine, image: np.ndarray, face: DetectedFace) -> tuple[np.ndarray, np.ndarray]:
    """(plain, flip-averaged) embeddings of one face: the flip-averaged one is exactly what `embed` returns
    with `flip_average` in the manifest (the normalised sum of the two unit vectors)."""
    aligned = engine.align(image, face)
    plain = engine.embed(aligned)
    return plain, l2_normalise(plain + engine.embed(cv2.flip(aligned, 1)))


def reference_boxes(engine: FaceEngine, photos: Sequence[tuple[str, Path]]) -> np.ndarray:
    """The face box of each photo as the edge would crop it (the default engine's largest face)."""
    boxes = np.zeros((len(photos), 4), np.float32)
    for row, (_, path) in enumerate(photos):
        image = decode_image(path.read_bytes())
        faces = engine.detect(image)
        boxes[row] = faces[0].box if faces else (0.0, 0.0, float(image.shape[1]), float(image.shape[0]))
    return boxes


def embed_set(engine: FaceEngine, boxes: np.ndarray, photos: Sequence[tuple[str, Path]], root: Path) -> SetData:
    """Enrolment verdicts and embeddings, and the simulated passage frames' embeddings, of every photo.

    The crops come from the same `boxes` for every pass: the edge finds the face in its own camera
    frame, whatever the server does.
    """
    started = time.perf_counter()
    people = sorted({person for person, _ in photos})
    dim = engine.dimension
    n = len(photos)
    enrol = np.full((2, n, dim), np.nan, np.float32)
    frames = np.full((2, n, FRAMES, dim), np.nan, np.float32)
    quality = np.zeros((n, FRAMES), np.float32)
    problems: list[str | None] = []
    for row, (_, path) in enumerate(photos):
        image = decode_image(path.read_bytes())
        analysis = engine.analyse(image)  # the enrolment gate as it stands
        problems.append(analysis.problem)
        if analysis.face is not None:
            enrol[:, row] = _both(engine, image, analysis.face)
        box = tuple(float(v) for v in boxes[row])
        seed = zlib.crc32(str(path.relative_to(root)).encode())
        for index, crop in enumerate(simulate_frames(image, box, seed)):  # type: ignore[arg-type]
            found = engine.detect(crop)
            if found:  # what the server does with a crop: its largest face
                frames[:, row, index] = _both(engine, crop, found[0])
                quality[row, index] = face_quality(crop, _edge_face(found[0]))
    return SetData(
        people=people,
        photos=[str(path.relative_to(root)) for _, path in photos],
        person_of=np.array([people.index(person) for person, _ in photos], dtype=np.int64),
        problem=problems,
        enrol=enrol[0],
        frames=frames[0],
        enrol_flip=enrol[1],
        frames_flip=frames[1],
        quality=quality,
        seconds=time.perf_counter() - started,
    )


def with_flip(data: SetData, flip: bool) -> SetData:
    """The set's data in one vector space: plain or flip-averaged embeddings in `enrol` and `frames`."""
    if not flip:
        return data
    return SetData(data.people, data.photos, data.person_of, data.problem, data.enrol_flip, data.frames_flip,
                   data.enrol_flip, data.frames_flip, data.quality, data.seconds)


def _embedder(
    engine: FaceEngine, boxes: np.ndarray, photos: Sequence[tuple[str, Path]], root: Path
) -> Callable[[], SetData]:
    return lambda: embed_set(engine, boxes, photos, root)


def cached(path: Path, compute: Callable[[], SetData], use_cache: bool) -> SetData:
    if use_cache and path.is_file():
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(str(archive["meta"]))
            return SetData(
                people=meta["people"],
                photos=meta["photos"],
                person_of=archive["person_of"],
                problem=meta["problem"],
                enrol=archive["enrol"],
                frames=archive["frames"],
                enrol_flip=archive["enrol_flip"],
                frames_flip=archive["frames_flip"],
                quality=archive["quality"],
            )
    data = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps({"people": data.people, "photos": data.photos, "problem": data.problem})
    np.savez(path, meta=np.array(meta), person_of=data.person_of, enrol=data.enrol, frames=data.frames,
             enrol_flip=data.enrol_flip, frames_flip=data.frames_flip, quality=data.quality)
    return data


# --- passages and decisions ----------------------------------------------------------------------------

ProbeMode = str  # "frame0" | "best" | "fused" | "fused_quality" | "score_mean"
PROBE_MODES: dict[str, str] = {
    "frame0": "one frame: the edge's crop",
    "best": "best of 3 frames by the edge's face quality",
    "fused": "3 frames, mean of unit embeddings (default)",
    "fused_quality": "3 frames, quality-weighted mean",
    "score_mean": "3 frames, per-person scores averaged",
}


def _finite(vector: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(vector)))


def passage_ranking(gallery: Gallery, data: SetData, row: int, mode: ProbeMode, rule: PersonRule) -> list[Match]:
    """The ranked people (best two) for one photo's passage; [] when no frame had a face."""
    frames = [index for index in range(FRAMES) if _finite(data.frames[row, index])]
    if mode == "frame0":
        frames = [index for index in frames if index == 0]
    if not frames or len(gallery) == 0:
        return []
    if mode == "best":
        frames = [max(frames, key=lambda index: float(data.quality[row, index]))]
    if mode == "score_mean":
        totals: dict[str, list[float]] = {}
        faces: dict[str, str] = {}
        for index in frames:
            for match in gallery.ranked_people(data.frames[row, index], rule=rule, top=len(gallery)):
                totals.setdefault(match.staff_id, []).append(match.similarity)
                faces.setdefault(match.staff_id, match.face_id)
        scores = sorted(((float(np.mean(v)), k) for k, v in totals.items()), reverse=True)
        runner = scores[1][0] if len(scores) > 1 else None
        return [Match(scores[0][1], faces[scores[0][1]], scores[0][0], runner)]
    if mode == "fused_quality":
        weights = [max(float(data.quality[row, index]), 1e-3) for index in frames]
        probe = fuse([data.frames[row, index] for index in frames], weights)
    else:
        probe = fuse([data.frames[row, index] for index in frames])
    return gallery.ranked_people(probe, rule=rule, top=1)


@dataclass
class Outcome:
    """Per passage: the score of the answer when it is the right person (genuine) / anyone (stranger)."""

    genuine: list[float] = field(default_factory=list)  # -inf: wrong person on top, no face, not enrolled
    wrong: list[float] = field(default_factory=list)  # genuine passages whose top answer is someone else
    stranger: list[float] = field(default_factory=list)
    refused_photos: int = 0
    refused_people: int = 0
    photos: int = 0
    people: int = 0


def _effective(ranked: Sequence[Match], margin: float) -> tuple[str | None, float]:
    """(top person, score) the decision would use, or (None, -inf) when the margin already refuses it."""
    match = decide(ranked, -math.inf, margin)
    return (match.staff_id, match.similarity) if match is not None else (None, -math.inf)


def evaluate(
    data: SetData, k: int, rotations: int, mode: ProbeMode = "fused", rule: PersonRule = PERSON_RULE,
    margin: float = IDENTIFY_MARGIN,
) -> Outcome:
    outcome = Outcome(
        refused_photos=sum(problem is not None for problem in data.problem),
        photos=len(data.photos),
        people=len(data.people),
    )
    rows_of = [np.flatnonzero(data.person_of == p).tolist() for p in range(len(data.people))]
    accepted = [[r for r in rows if data.problem[r] is None and _finite(data.enrol[r])] for rows in rows_of]
    outcome.refused_people = sum(not rows for rows in accepted)
    for rotation in range(rotations):
        enrolled: dict[int, list[int]] = {}
        for person, rows in enumerate(rows_of):
            start = rotation % len(rows)
            turn = rows[start:] + rows[:start]
            chosen = [r for r in turn if r in accepted[person]][: min(k, len(rows) - 1)]
            if chosen:
                enrolled[person] = chosen
        staff = [data.people[p] for p, rows in enrolled.items() for _ in rows]
        faces = [data.photos[r] for rows in enrolled.values() for r in rows]
        matrix = np.array([data.enrol[r] for rows in enrolled.values() for r in rows], dtype=np.float32)
        gallery = Gallery.from_embeddings("bench", staff, faces, matrix)
        for person, rows in enumerate(rows_of):
            name = data.people[person]
            without = gallery.without_staff(name)
            for row in rows:
                if row in enrolled.get(person, []):
                    continue
                top, score = _effective(passage_ranking(gallery, data, row, mode, rule), margin)
                outcome.genuine.append(score if top == name else -math.inf)
                if top is not None and top != name:
                    outcome.wrong.append(score)
                _, stranger = _effective(passage_ranking(without, data, row, mode, rule), margin)
                outcome.stranger.append(stranger)
    return outcome


def threshold_at(stranger: Sequence[float], fmr: float) -> float:
    """The lowest threshold matching at most `fmr` of the stranger passages (just above the allowed ones)."""
    scores = np.sort(np.array([s for s in stranger if np.isfinite(s)], dtype=np.float64))[::-1]
    allowed = math.floor(fmr * len(stranger))
    if len(scores) <= allowed:
        return -math.inf
    return float(np.nextafter(scores[allowed], np.inf))


def tar(outcome: Outcome, threshold: float) -> float:
    genuine = np.array(outcome.genuine, dtype=np.float64)
    return float(np.mean(genuine >= threshold)) if genuine.size else float("nan")


def rates(outcome: Outcome, threshold: float) -> tuple[float, int, float]:
    """(genuine recognised, wrong-person passages, strangers matched) at `threshold`."""
    wrong = int(sum(score >= threshold for score in outcome.wrong))
    stranger = np.array(outcome.stranger, dtype=np.float64)
    return tar(outcome, threshold), wrong, float(np.mean(stranger >= threshold)) if stranger.size else float("nan")


# --- printing ------------------------------------------------------------------------------------------


def pct(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f}%"


# Gallery sizes for the false-match table: measured by drawing that many enrolled people from the photo sets,
# modelled beyond what the sets hold.
MEASURED_SIZES = (1, 10, 25, 50)
MODELLED_SIZES = (50, 500, 5_000, 50_000)


def impostor_scores(sets: Sequence[SetData]) -> tuple[np.ndarray, np.ndarray]:
    """Every stranger passage (the three frames fused) against every other person of all the sets pooled, each
    person enrolled from their first photo the gate accepts: an (passages × people) score matrix, and a mask of the
    cells that are impostor pairs (the passage's own person masked out)."""
    people: list[np.ndarray] = []
    probes: list[np.ndarray] = []
    owner: list[int] = []
    for data in sets:
        for person in range(len(data.people)):
            rows = np.flatnonzero(data.person_of == person).tolist()
            accepted = [r for r in rows if data.problem[r] is None and _finite(data.enrol[r])]
            if not accepted:
                continue
            index = len(people)
            people.append(l2_normalise(data.enrol[accepted[0]]))
            for row in rows:
                frames = [data.frames[row, f] for f in range(FRAMES) if _finite(data.frames[row, f])]
                if row != accepted[0] and frames:
                    probes.append(fuse(frames))
                    owner.append(index)
    scores = np.array(probes, dtype=np.float32) @ np.array(people, dtype=np.float32).T
    impostor = np.ones(scores.shape, dtype=bool)
    impostor[np.arange(len(owner)), owner] = False
    return scores, impostor


def false_match_by_size(scores: np.ndarray, impostor: np.ndarray, threshold: float, rng: np.random.Generator,
                        draws: int = 200) -> tuple[list[tuple[int, float]], list[tuple[int, float, float]]]:
    """A stranger's chance of being taken for someone, by gallery size.

    Measured: for each passage, `draws` random galleries of n people (never the passage's own), the share whose best
    score reaches `threshold`. Modelled: the maximum of N impostor scores drawn from the measured impostor
    distribution (independent draws, computed exactly), and the same from an upper bound (95 %) on a single pair's
    rate: Wilson's score bound, or the rule of three when no measured score reaches the threshold."""
    measured = []
    for size in MEASURED_SIZES:
        hits = total = 0
        for row in range(scores.shape[0]):
            others = np.flatnonzero(impostor[row])
            if len(others) < size:
                continue
            picks = np.argsort(rng.random((draws, len(others))), axis=1)[:, :size]
            best = scores[row, others[picks]].max(axis=1)
            hits += int(np.count_nonzero(best >= threshold))
            total += draws
        measured.append((size, hits / total if total else float("nan")))
    pool = scores[impostor]
    per_pair = float(np.mean(pool >= threshold))
    bound = 3.0 / pool.size if per_pair == 0 else _wilson_upper(per_pair, pool.size)
    # The chance that the best of N independent draws from the pool reaches the threshold, computed exactly
    # (drawing them would give the same figure with sampling noise).
    return measured, [(size, 1.0 - (1.0 - per_pair) ** size, 1.0 - (1.0 - bound) ** size) for size in MODELLED_SIZES]


def _wilson_upper(rate: float, trials: int, z: float = 1.96) -> float:
    """Wilson's 95 % upper bound on a rate measured over `trials` (pairs share passages: it is optimistic)."""
    centre = rate + z * z / (2 * trials)
    spread = z * math.sqrt(rate * (1 - rate) / trials + z * z / (4 * trials * trials))
    return min(1.0, (centre + spread) / (1 + z * z / trials))


def _chance(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.3f}%"


def print_false_match_table(data: Sequence[SetData], threshold: float) -> None:
    scores, impostor = impostor_scores(data)
    rng = np.random.default_rng(15)
    thresholds = (threshold, round(threshold - 0.10, 2))
    results = {t: false_match_by_size(scores, impostor, t, rng) for t in thresholds}
    rows = []
    for index, size in enumerate(MEASURED_SIZES):
        rows.append((f"{size}", "measured (real photos)",
                     *(_chance(results[t][0][index][1]) for t in thresholds), "—"))
    for index, size in enumerate(MODELLED_SIZES):
        rows.append((f"{size:,}", "modelled (max of N drawn impostor scores)",
                     *(_chance(results[t][1][index][1]) for t in thresholds),
                     _chance(results[thresholds[0]][1][index][2])))
    print_table(f"A stranger's false-match chance by gallery size: {impostor.sum():,} impostor pairs from "
                f"{scores.shape[0]} stranger passages and {scores.shape[1]} people of the three sets pooled (enrolled "
                "from one photo). Sizes above the sets' people are MODELLED, not measured: the best of N scores drawn "
                "independently from the measured impostor distribution (real galleries hold look-alikes and twins, "
                f"so read them as a floor). A site's gallery of 50 instead of a province's 50,000 is the lever.",
                ("gallery size", "how", *(f"at {t}" for t in thresholds),
                 f"from the pair rate's upper bound at {thresholds[0]} (95 %)"), rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.accuracy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models-dir", type=Path, default=Path(os.environ.get("MODELS_DIR", SHARED / "models")))
    parser.add_argument("--faces", type=Path, default=Path(os.environ.get("FACES_DIR", SHARED / "faces-dev")))
    parser.add_argument("--faces-eval", type=Path, default=Path(os.environ.get("FACES_EVAL_DIR",
                                                                              SHARED / "faces-eval")))
    parser.add_argument("--rotations", type=int, default=4, help="enrolment rotations per person")
    parser.add_argument("--glint-per-person", type=int, default=12,
                        help="photos per person of glint-celeb24 (it has 22-40; all of them take ~3x longer)")
    parser.add_argument("--extra", action="store_true", help="also the levers tried and not adopted")
    parser.add_argument("--no-cache", action="store_true", help="recompute the embeddings under out/accuracy/")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "out" / "accuracy")
    args = parser.parse_args(argv)
    if args.rotations < 1 or args.glint_per_person < 2:
        parser.error("--rotations must be ≥ 1 and --glint-per-person ≥ 2")
    sets = {
        "faces-dev": (args.faces, None),
        "asian-celeb29": (args.faces_eval / "asian-celeb29", None),
        "glint-celeb24": (args.faces_eval / "glint-celeb24", args.glint_per_person),
    }
    for folder, _ in sets.values():
        if not folder.is_dir():
            parser.error(f"{folder} does not exist")
    shipped = load_manifest("mobilefacenet_128d")
    threshold = shipped.default_threshold
    print(f"Accuracy benchmark — mobilefacenet_128d + yunet_2023mar, shipped threshold {threshold}, "
          f"{args.rotations} enrolment rotations, glint-celeb24 at {args.glint_per_person} photos per person")

    passes = (BASELINE, PADDED, DEFAULT, *(EXTRA_PASSES if args.extra else ()))
    levers = (*LEVERS, *(EXTRA_LEVERS if args.extra else ()))
    started = time.perf_counter()
    raw: dict[tuple[str, str], SetData] = {}
    engines = {one.name: make_engine(args.models_dir, one.options) for one in passes}
    for name, (folder, per_person) in sets.items():
        photos = list_photos(folder, per_person)
        stem = f"{name}-{per_person or 'all'}"
        boxes_path = args.cache_dir / f"{stem}-boxes-{DEFAULT.key(shipped.sha256)}.npy"
        if args.no_cache or not boxes_path.is_file():
            boxes_path.parent.mkdir(parents=True, exist_ok=True)
            np.save(boxes_path, reference_boxes(engines[DEFAULT.name], photos))
        boxes = np.load(boxes_path)
        for one in passes:
            path = args.cache_dir / f"{stem}-{one.key(shipped.sha256)}.npz"
            raw[(one.name, name)] = cached(path, _embedder(engines[one.name], boxes, photos, folder), not args.no_cache)
    data = {(label, name): with_flip(raw[(one.name, name)], flip) for label, one, flip in levers for name in sets}
    print(f"(embeddings ready in {time.perf_counter() - started:.0f} s)")
    default = LEVERS[-1][0]

    # 1. The accuracy table: the product as it ships (default engine, 3 fused frames, identify's rule).
    rows: list[tuple[str, ...]] = []
    for name in sets:
        for k in (1, 3):
            outcome = evaluate(data[(default, name)], k, args.rotations)
            recognised, wrong, strangers = rates(outcome, threshold)
            rows.append((name, str(k), f"{outcome.refused_photos}/{outcome.photos}",
                         f"{outcome.refused_people}/{outcome.people}", str(len(outcome.genuine)),
                         pct(tar(outcome, threshold_at(outcome.stranger, 0.001))),
                         pct(tar(outcome, threshold_at(outcome.stranger, 0.0))),
                         f"{max(outcome.stranger):.3f}", pct(recognised), str(wrong), pct(strangers)))
    print_table(f"Accuracy per passage (3 frames fused, person rule {PERSON_RULE!r}, margin {IDENTIFY_MARGIN}); "
                f"at the shipped threshold {threshold}",
                ("set", "enrol", "photos refused", "people refused", "passages", "TAR@FMR0.1%", "TAR@FMR0",
                 "max stranger", "recognised", "wrong person", "strangers matched"), rows)

    # 2. Levers: the engine's levers cumulative, one frame per passage (what main does), then the passage.
    def lever_row(label: str, key: str, mode: ProbeMode, rule: PersonRule = PERSON_RULE,
                  margin: float = IDENTIFY_MARGIN, ks: Sequence[int] = (1, 3)) -> tuple[str, ...]:
        cells = [label]
        for name in sets:
            for k in ks:
                outcome = evaluate(data[(key, name)], k, args.rotations, mode, rule, margin)
                cells.append(f"{pct(tar(outcome, threshold_at(outcome.stranger, 0.001)))} / "
                             f"{pct(tar(outcome, threshold_at(outcome.stranger, 0.0)))}")
        return tuple(cells)

    header = ("lever", *(f"{name} k={k}" for name in sets for k in (1, 3)))
    rows = [lever_row(label, label, "frame0") for label, _, _ in levers]
    rows += [lever_row(f"default engine, {PROBE_MODES[mode]}", default, mode) for mode in PROBE_MODES]
    print_table("Levers: TAR at FMR 0.1 % / at FMR 0 (k = enrolment photos per person; one frame unless said)",
                header, rows)

    rows = []
    rules: tuple[PersonRule, ...] = ("max", "top2_mean")
    for rule in rules:
        for margin in (0.0, 0.03, 0.06):
            rows.append(lever_row(f"rule {rule}, margin {margin}", default, "fused", rule, margin))
    print_table("Several enrolment photos: per-person rule and runner-up margin (3 fused frames)", header, rows)

    # 3. Calibration: the highest stranger score per set and what a threshold would give on each.
    rows = []
    for name in sets:
        for k in (1, 3):
            outcome = evaluate(data[(default, name)], k, args.rotations)
            stranger = np.array(outcome.stranger)
            finite = stranger[np.isfinite(stranger)]
            rows.append((name, str(k), str(len(stranger)), f"{np.percentile(finite, 99):.3f}",
                         f"{np.percentile(finite, 99.9):.3f}", f"{finite.max():.3f}",
                         f"{np.percentile([g for g in outcome.genuine if np.isfinite(g)], 5):.3f}"))
    print_table("Stranger scores per passage (the threshold must sit above them on every set)",
                ("set", "enrol", "strangers", "p99", "p99.9", "max", "genuine p5"), rows)
    rows = []
    for candidate in (0.44, 0.46, 0.48, 0.50, 0.52, 0.54, 0.56):
        cells = [f"{candidate:.2f}"]
        for name in sets:
            for k in (1, 3):
                recognised, wrong, strangers = rates(evaluate(data[(default, name)], k, args.rotations), candidate)
                cells.append(f"{pct(recognised)} / {wrong} / {pct(strangers)}")
        rows.append(tuple(cells))
    print_table("Thresholds: recognised / wrong-person passages / strangers matched",
                ("threshold", *(f"{name} k={k}" for name in sets for k in (1, 3))), rows)

    # 3b. Galleries per site: how a stranger's false-match chance grows with the gallery's size.
    print_false_match_table([data[(default, name)] for name in sets], threshold)

    # 4. Held out: a threshold calibrated on the other sets (above all their strangers, + CALIBRATION_MARGIN),
    # reported on the set it never saw.
    outcomes = {(name, k): evaluate(data[(default, name)], k, args.rotations) for name in sets for k in (1, 3)}
    rows = []
    for held in sets:
        others = [score for (name, _), outcome in outcomes.items() if name != held for score in outcome.stranger]
        calibrated = round(threshold_at(others, 0.0) + CALIBRATION_MARGIN, 3)
        cells = [held, f"{calibrated:.3f}"]
        for k in (1, 3):
            recognised, wrong, strangers = rates(outcomes[(held, k)], calibrated)
            cells.append(f"{pct(recognised)} / {wrong} / {pct(strangers)}")
        rows.append(tuple(cells))
    print_table(f"Held out: threshold from the other sets' strangers + {CALIBRATION_MARGIN}, on the set left out "
                "(recognised / wrong person / strangers matched)", ("held-out set", "threshold", "k=1", "k=3"), rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
