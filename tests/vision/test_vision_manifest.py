"""Packaged model manifests."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from face_engine import ModelManifest, UnknownModelError, available_manifests, load_manifest, sha256_file


def test_the_three_models_are_packaged() -> None:
    # GIVEN the face_engine package
    # WHEN listing its manifests
    ids = available_manifests()
    # THEN the detector, the test embedder and the production embedder are there
    assert {"yunet_2023mar", "mobilefacenet_128d", "sface_2021dec"} <= set(ids)


@pytest.mark.parametrize("model_id", ["yunet_2023mar", "mobilefacenet_128d"])
def test_manifest_hash_and_size_match_the_shared_file(model_id: str, models_dir: Path) -> None:
    # GIVEN a manifest of a model that exists in ../shared/models
    manifest = load_manifest(model_id)
    path = models_dir / manifest.file_name
    # WHEN comparing it with the file
    # THEN size and sha256 are exactly the file's
    assert path.stat().st_size == manifest.size_bytes
    assert sha256_file(path) == manifest.sha256


def test_sface_is_described_as_the_production_default() -> None:
    # GIVEN the SFace manifest (the file itself is not on development machines)
    manifest = load_manifest("sface_2021dec")
    # THEN it carries the published identity and FaceRecognizerSF's preprocessing
    assert manifest.kind == "embedder"
    assert manifest.size_bytes == 38696353
    assert manifest.sha256 == "0ba9fbfa01b5270c96627c4ef784da859931e02f04419c829e83484087c34e79"
    assert manifest.source_url.startswith("https://github.com/opencv/opencv_zoo/")
    assert manifest.default_threshold == pytest.approx(0.363)
    assert (manifest.scale, manifest.mean, manifest.swap_rb, manifest.dimension) == (
        1.0,
        (0, 0, 0),
        True,
        128,
    )


def test_mobilefacenet_is_marked_test_only_and_calibrated() -> None:
    # GIVEN the MobileFaceNet manifest
    manifest = load_manifest("mobilefacenet_128d")
    # THEN its licence warns, its preprocessing is (x - 127.5) / 128 on RGB and its threshold is documented
    assert "tests and demo only" in manifest.licence
    assert manifest.scale == pytest.approx(1 / 128)
    assert manifest.mean == (127.5, 127.5, 127.5)
    assert manifest.swap_rb is True
    assert 0.3 < manifest.default_threshold < 0.7
    assert "FMR" in manifest.notes


@pytest.mark.parametrize("model_id", ["no_such_model", "../manifests/yunet_2023mar", "", "YUNET"])
def test_unknown_or_malformed_ids_are_refused(model_id: str) -> None:
    # GIVEN an id with no packaged manifest (or one trying to leave the folder)
    # WHEN loading it
    # THEN UnknownModelError
    with pytest.raises(UnknownModelError):
        load_manifest(model_id)


def test_manifests_are_frozen_and_validated() -> None:
    # GIVEN a loaded manifest
    manifest = load_manifest("yunet_2023mar")
    # WHEN changing it, THEN pydantic refuses
    with pytest.raises(ValidationError):
        manifest.sha256 = "0" * 64  # type: ignore[misc]
    # AND an embedder without a dimension, or a malformed hash, is not a manifest
    data = load_manifest("mobilefacenet_128d").model_dump()
    with pytest.raises(ValidationError):
        ModelManifest.model_validate({**data, "dimension": None})
    with pytest.raises(ValidationError):
        ModelManifest.model_validate({**data, "sha256": "ABC"})
