"""The benchmark helpers run and return well-formed samples."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from bench.engine import (
    PairScores,
    error_rates,
    median,
    pair_similarities,
    time_gallery_match,
    time_stages,
)
from face_engine import FaceEngine


def test_time_stages(engine: FaceEngine, faces_dir: Path) -> None:
    # GIVEN two photos WHEN timing each stage twice THEN four positive samples per stage
    photos = [faces_dir / "obama" / "obama.jpg", faces_dir / "biden" / "biden.jpg"]
    timings = time_stages(engine, photos, repeats=2)
    assert set(timings) == {"decode", "detect", "align_embed"}
    assert all(len(samples) == 4 and min(samples) > 0 for samples in timings.values())


def test_time_gallery_match_and_median() -> None:
    samples = time_gallery_match(1000, 128, repeats=5)
    assert len(samples) == 5 and all(s >= 0 for s in samples)
    assert median([3.0, 1.0, 2.0]) == 2.0
    assert math.isnan(median([]))


def test_pair_similarities_and_error_rates() -> None:
    # GIVEN two people with two identical-ish embeddings each
    a, b = np.array([1.0, 0.0], np.float32), np.array([0.0, 1.0], np.float32)
    scores = pair_similarities({"p": [(Path("1"), a), (Path("2"), a)], "q": [(Path("3"), b), (Path("4"), b)]})
    # THEN 2 genuine pairs at 1.0 and 4 impostor pairs at 0.0
    assert isinstance(scores, PairScores)
    assert sorted(scores.genuine) == [1.0, 1.0] and sorted(scores.impostor) == [0.0] * 4
    assert error_rates(scores, 0.5) == (0.0, 0.0)
    assert error_rates(scores, 1.5) == (0.0, 1.0)
