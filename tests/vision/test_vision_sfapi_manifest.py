"""The second MobileFaceNet manifest (normalisation inside the graph): the model the re-embedding tests switch to."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from face_engine import FaceEngine, ModelManifest, decode_image, load_manifest, sha256_file

SFAPI = "mobilefacenet_128d_sfapi"


def test_its_hash_and_size_match_the_shared_file(models_dir: Path) -> None:
    manifest = load_manifest(SFAPI)
    path = models_dir / manifest.file_name
    assert path.stat().st_size == manifest.size_bytes
    assert sha256_file(path) == manifest.sha256


def test_it_takes_raw_rgb_pixels_like_sface() -> None:
    manifest = load_manifest(SFAPI)
    assert (manifest.kind, manifest.scale, manifest.mean, manifest.swap_rb, manifest.dimension) == (
        "embedder", 1.0, (0.0, 0.0, 0.0), True, 128)


def test_its_embeddings_equal_the_plain_network_s_so_the_preprocessing_is_right(
        models_dir: Path, faces_dir: Path, engine: FaceEngine, detector_manifest: ModelManifest) -> None:
    # GIVEN the same network behind the two manifests
    manifest = load_manifest(SFAPI)
    sfapi = FaceEngine.from_paths(models_dir / detector_manifest.file_name, detector_manifest,
                                  models_dir / manifest.file_name, manifest)
    same, wrong = [], []
    for photo in sorted(faces_dir.rglob("*.jpg"))[::4]:
        image = decode_image(photo.read_bytes())
        faces = engine.detect(image)
        assert faces, photo
        aligned = engine.align(image, faces[0])
        plain = engine.embed(aligned)
        # WHEN each embeds the same aligned face
        same.append(float(plain @ sfapi.embed(aligned)))
        # (and, as a control, the graph-normalised file is fed the plain file's normalisation twice over)
        doubled = sfapi.embed(((aligned.astype(np.float32) - 127.5) / 128.0).astype(np.float32))
        wrong.append(float(plain @ doubled))
    # THEN the embeddings are the same vectors (cosine ≈ 1), while wrong preprocessing is far from them
    assert len(same) >= 15
    assert min(same) > 0.9999
    assert np.median(wrong) < 0.9
