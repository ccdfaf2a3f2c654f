"""Benchmark and calibration helpers for the face engine (used by bench/recognition.py).

Timings are wall-clock milliseconds per call; nothing here prints, the caller formats the results.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from face_engine import FaceEngine, Gallery, QualityPolicy, decode_image, main_face

STAGES = ("decode", "detect", "align_embed")


def median(values: Iterable[float]) -> float:
    """Median of the values; NaN for none (a benchmark with nothing to time is not an error)."""
    collected = list(values)
    return statistics.median(collected) if collected else float("nan")


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def time_stages(engine: FaceEngine, photo_paths: Sequence[Path], repeats: int = 3) -> dict[str, list[float]]:
    """Milliseconds for decode, detect and align+embed (main face) of each photo, `repeats` times each.

    Photos are read from disk once beforehand, so "decode" measures JPEG decoding, not file I/O.
    Photos without a face contribute no align_embed sample.
    """
    timings: dict[str, list[float]] = {stage: [] for stage in STAGES}
    policy = QualityPolicy()
    for path in photo_paths:
        data = Path(path).read_bytes()
        for _ in range(repeats):
            start = time.perf_counter()
            image = decode_image(data)
            timings["decode"].append(_ms_since(start))

            start = time.perf_counter()
            faces = engine.detect(image)
            timings["detect"].append(_ms_since(start))

            face = main_face(faces, policy)
            if face is None:
                continue
            start = time.perf_counter()
            engine.embed(engine.align(image, face))
            timings["align_embed"].append(_ms_since(start))
    return timings


def random_unit_vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def time_gallery_match(n: int, dim: int = 128, repeats: int = 20) -> list[float]:
    """Milliseconds per `Gallery.best_match` against a gallery of n random unit vectors."""
    gallery = Gallery.from_embeddings(
        "bench", [f"s{i}" for i in range(n)], [f"f{i}" for i in range(n)], random_unit_vectors(n, dim)
    )
    probes = random_unit_vectors(repeats, dim, seed=1)
    samples = []
    for probe in probes:
        start = time.perf_counter()
        gallery.best_match(probe)
        samples.append(_ms_since(start))
    return samples


# --- calibration -------------------------------------------------------------------------------------


def photos_by_person(faces_dir: Path) -> dict[str, list[Path]]:
    """`faces_dir/<person>/<photo>.jpg` grouped by person, sorted (the faces-dev layout)."""
    return {
        person.name: sorted(person.glob("*.jpg"))
        for person in sorted(Path(faces_dir).iterdir())
        if person.is_dir() and any(person.glob("*.jpg"))
    }


def embed_photos(
    engine: FaceEngine, photos: Mapping[str, Sequence[Path]], policy: QualityPolicy | None = None
) -> dict[str, list[tuple[Path, np.ndarray]]]:
    """Embedding of each photo's main face, per person; photos without a main face are left out."""
    policy = policy or QualityPolicy()
    result: dict[str, list[tuple[Path, np.ndarray]]] = {}
    for person, paths in photos.items():
        for path in paths:
            image = decode_image(Path(path).read_bytes())
            face = main_face(engine.detect(image), policy)
            if face is not None:
                result.setdefault(person, []).append((Path(path), engine.embed(engine.align(image, face))))
    return result


@dataclass(frozen=True)
class PairScores:
    genuine: np.ndarray  # cosine similarities of photo pairs of the same person
    impostor: np.ndarray  # ... of different people


def pair_similarities(embeddings: Mapping[str, Sequence[tuple[Path, np.ndarray]]]) -> PairScores:
    """All-pairs cosine similarities, split into genuine and impostor pairs."""
    labelled = [(person, vector) for person, items in embeddings.items() for _, vector in items]
    genuine: list[float] = []
    impostor: list[float] = []
    for (person_a, a), (person_b, b) in itertools.combinations(labelled, 2):
        (genuine if person_a == person_b else impostor).append(float(np.dot(a, b)))
    return PairScores(np.array(genuine, dtype=np.float64), np.array(impostor, dtype=np.float64))


def error_rates(scores: PairScores, threshold: float) -> tuple[float, float]:
    """(false match rate, false non-match rate) when similarity ≥ threshold means "same person"."""
    fmr = float(np.mean(scores.impostor >= threshold)) if scores.impostor.size else float("nan")
    fnmr = float(np.mean(scores.genuine < threshold)) if scores.genuine.size else float("nan")
    return fmr, fnmr


def percentiles(
    values: np.ndarray, points: Sequence[float] = (0, 1, 5, 50, 95, 99, 100)
) -> dict[float, float]:
    return {p: float(np.percentile(values, p)) for p in points} if values.size else {}
