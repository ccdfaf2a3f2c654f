"""Fixtures for the face engine tests: the real models and photos from ../shared, one engine per session."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from face_engine import FaceEngine, ModelManifest, decode_image, load_manifest

MODELS_DIR = Path(os.environ.get("MODELS_DIR", Path(__file__).resolve().parents[3] / "shared" / "models"))
FACES_DIR = Path(os.environ.get("FACES_DIR", Path(__file__).resolve().parents[3] / "shared" / "faces-dev"))

DETECTOR_ID = "yunet_2023mar"
EMBEDDER_ID = "mobilefacenet_128d"


def _required(path: Path, variable: str) -> Path:
    if not path.is_dir():
        pytest.fail(f"{path} is missing: put the shared folder beside the checkout or set {variable}")
    return path


@pytest.fixture(scope="session")
def models_dir() -> Path:
    return _required(MODELS_DIR, "MODELS_DIR")


@pytest.fixture(scope="session")
def faces_dir() -> Path:
    return _required(FACES_DIR, "FACES_DIR")


@pytest.fixture(scope="session")
def detector_manifest() -> ModelManifest:
    return load_manifest(DETECTOR_ID)


@pytest.fixture(scope="session")
def embedder_manifest() -> ModelManifest:
    return load_manifest(EMBEDDER_ID)


@pytest.fixture(scope="session")
def engine(
    models_dir: Path, detector_manifest: ModelManifest, embedder_manifest: ModelManifest
) -> FaceEngine:
    """Loaded once: model loading is the slow part of a cold start, not what these tests are about."""
    return FaceEngine.from_paths(
        models_dir / detector_manifest.file_name,
        detector_manifest,
        models_dir / embedder_manifest.file_name,
        embedder_manifest,
    )


@pytest.fixture(scope="session")
def photo(faces_dir: Path) -> Callable[[str], np.ndarray]:
    """A faces-dev photo as a BGR array, by its path relative to faces-dev."""

    def load(relative: str) -> np.ndarray:
        return decode_image((faces_dir / relative).read_bytes())

    return load
