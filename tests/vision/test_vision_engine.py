"""Detection, alignment and embedding with the real YuNet and MobileFaceNet models."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

from face_engine import DetectedFace, FaceEngine
from face_engine.engine import ARCFACE_REFERENCE_112, detection_scale, similarity_transform

Photo = Callable[[str], np.ndarray]


def _embedding(engine: FaceEngine, image: np.ndarray) -> np.ndarray:
    faces = engine.detect(image)
    assert faces, "no face detected"
    return engine.embed(engine.align(image, faces[0]))


def _face_crop(image: np.ndarray, face: DetectedFace, margin: float, side: int) -> np.ndarray:
    """The face with `margin` of its size around it, shrunk so its longer side is `side` px."""
    x, y, w, h = face.box
    cx, cy, half = x + w / 2, y + h / 2, max(w, h) * (0.5 + margin)
    top, left = max(int(cy - half), 0), max(int(cx - half), 0)
    crop = image[top : int(cy + half), left : int(cx + half)]
    scale = side / max(crop.shape[:2])
    return cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def test_face_in_a_big_photo(engine: FaceEngine, photo: Photo) -> None:
    # GIVEN a 819×1024 portrait
    image = photo("obama/obama.jpg")
    # WHEN detecting
    faces = engine.detect(image)
    # THEN one face, in original pixel coordinates, landmarks inside the box in YuNet order
    assert len(faces) == 1
    face = faces[0]
    x, y, w, h = face.box
    assert 150 < face.size < 300
    assert x >= 0 and x + w <= image.shape[1] and y >= 0 and y + h <= image.shape[0]
    assert face.landmarks.shape == (5, 2) and face.landmarks.dtype == np.float32
    assert np.all((face.landmarks[:, 0] > x) & (face.landmarks[:, 0] < x + w))
    right_eye, left_eye, nose, right_mouth, left_mouth = face.landmarks
    assert right_eye[0] < nose[0] < left_eye[0]  # the subject's right eye is on the image's left
    assert right_mouth[0] < left_mouth[0] and nose[1] < right_mouth[1]
    assert face.score > 0.8


def test_very_big_photo_is_downscaled_and_mapped_back(engine: FaceEngine, photo: Photo) -> None:
    # GIVEN the same portrait at twice the size (2048 px, above the detection cap)
    image = photo("obama/obama.jpg")
    big = cv2.resize(image, None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)
    assert detection_scale(big.shape[1], big.shape[0]) < 1
    # WHEN detecting in both
    small_face, big_face = engine.detect(image)[0], engine.detect(big)[0]
    # THEN the big photo's face is where the small one's is, twice as large (the detector sees the two at
    # different scales, so allow a few percent of the face's size)
    tolerance = 0.06 * big_face.size
    assert np.allclose(np.array(big_face.box), 2 * np.array(small_face.box), atol=tolerance)
    assert np.allclose(big_face.landmarks, 2 * small_face.landmarks, atol=tolerance / 2)


def test_small_face_crop_is_detected_thanks_to_upscaling(engine: FaceEngine, photo: Photo) -> None:
    # GIVEN a camera-like crop: the face with a margin, shrunk to 100 px
    image = photo("person03/img47.jpg")
    crop = _face_crop(image, engine.detect(image)[0], margin=0.2, side=100)
    assert max(crop.shape[:2]) == 100
    # WHEN detecting in the crop
    faces = engine.detect(crop)
    # THEN the face is found, in the crop's coordinates, and still matches the full photo
    assert len(faces) == 1
    assert 40 < faces[0].size < 100
    similarity = float(_embedding(engine, crop) @ _embedding(engine, image))
    assert similarity > engine.embedder_manifest.default_threshold


def test_align_and_embed_shapes(engine: FaceEngine, photo: Photo) -> None:
    # GIVEN a detected face
    image = photo("biden/biden2.jpg")
    face = engine.detect(image)[0]
    # WHEN aligning and embedding
    aligned = engine.align(image, face)
    embedding = engine.embed(aligned)
    # THEN a 112×112 BGR crop and a unit float32 vector of the manifest's dimension
    assert aligned.shape == (112, 112, 3) and aligned.dtype == np.uint8
    assert embedding.shape == (engine.dimension,) and embedding.dtype == np.float32
    assert np.linalg.norm(embedding) == pytest.approx(1.0, abs=1e-5)
    # AND the landmarks land on the ArcFace template
    matrix = similarity_transform(face.landmarks, ARCFACE_REFERENCE_112)
    moved = face.landmarks @ matrix[:, :2].T + matrix[:, 2]
    assert np.abs(moved - ARCFACE_REFERENCE_112).max() < 6


def test_similarity_transform_recovers_a_known_transform() -> None:
    # GIVEN the template moved by a known rotation, scale and shift
    angle, scale, shift = np.deg2rad(20), 2.5, np.array([30.0, -12.0])
    rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = ARCFACE_REFERENCE_112 @ rotation.T + shift
    # WHEN estimating the transform back onto the template
    matrix = similarity_transform(moved, ARCFACE_REFERENCE_112)
    # THEN it maps the points exactly
    assert np.allclose(moved @ matrix[:, :2].T + matrix[:, 2], ARCFACE_REFERENCE_112, atol=1e-3)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("obama/obama.jpg", "obama/obama1.jpg"),
        ("biden/biden.jpg", "biden/biden2.jpg"),
        ("person03/img47.jpg", "person03/img48.jpg"),
        ("kit_harington/john1.jpg", "kit_harington/john2.jpg"),
    ],
)
def test_same_person_matches(engine: FaceEngine, photo: Photo, first: str, second: str) -> None:
    # GIVEN two photos of one person WHEN comparing embeddings THEN above the calibrated threshold
    similarity = float(_embedding(engine, photo(first)) @ _embedding(engine, photo(second)))
    assert similarity >= engine.embedder_manifest.default_threshold


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("obama/obama.jpg", "biden/biden.jpg"),
        ("person01/img2.jpg", "person03/img47.jpg"),
        ("kit_harington/john1.jpg", "rose_leslie/img1.jpg"),
        ("person03/img48.jpg", "rose_leslie/img2.jpg"),
    ],
)
def test_different_people_do_not_match(engine: FaceEngine, photo: Photo, first: str, second: str) -> None:
    # GIVEN photos of two people WHEN comparing embeddings THEN below the calibrated threshold
    similarity = float(_embedding(engine, photo(first)) @ _embedding(engine, photo(second)))
    assert similarity < engine.embedder_manifest.default_threshold


def test_engine_is_thread_safe(engine: FaceEngine, photo: Photo) -> None:
    # GIVEN one engine shared by the threads of the local dev server
    images = [photo("obama/obama1.jpg"), photo("person01/img5.jpg"), photo("rose_leslie/img2.jpg")]
    expected = [_embedding(engine, image) for image in images]
    # WHEN the same photos are processed concurrently
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda i: _embedding(engine, images[i % 3]), range(12)))
    # THEN every result is what a lone thread gets
    for i, embedding in enumerate(results):
        assert np.allclose(embedding, expected[i % 3], atol=1e-5)


def test_nothing_to_detect_in_an_empty_scene(engine: FaceEngine) -> None:
    # GIVEN a plain grey image and a noise image WHEN detecting THEN no faces
    assert engine.detect(np.full((480, 640, 3), 128, np.uint8)) == []
    noise = np.random.default_rng(3).integers(0, 255, (480, 640, 3), dtype=np.uint8)
    assert engine.detect(noise) == []


@pytest.mark.parametrize(
    ("size", "expected"),
    [((640, 480), 1.0), ((90, 110), 320 / 90), ((2048, 1536), 1280 / 2048), ((100, 3000), 1280 / 3000)],
)
def test_detection_scale(size: tuple[int, int], expected: float) -> None:
    # GIVEN image sizes WHEN choosing the detection scale THEN small ones grow, big ones shrink
    assert detection_scale(*size) == pytest.approx(expected)
