"""Enrolment photo quality: the codes, on real photos made bad and on synthetic detections."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from face_engine import DetectedFace, FaceEngine, QualityPolicy, assess, main_face

Photo = Callable[[str], np.ndarray]


def _face(
    x: float, y: float, size: float, score: float = 0.95, frame: tuple[int, int] | None = None
) -> DetectedFace:
    landmarks = np.zeros((5, 2), np.float32)
    return DetectedFace(box=(x, y, size, size * 1.3), landmarks=landmarks, score=score, frame_size=frame)


def test_every_dev_photo_is_acceptable(engine: FaceEngine, faces_dir: Path) -> None:
    # GIVEN all faces-dev photos (one face dominates in each; some have bystanders or false detections)
    photos = sorted(faces_dir.glob("*/*.jpg"))
    assert len(photos) >= 70
    # WHEN assessing each as an enrolment photo
    problems = {}
    for path in photos:
        image = cv2.imread(str(path))
        problem = engine.analyse(image).problem
        if problem is not None:
            problems[path.relative_to(faces_dir).as_posix()] = problem
    # THEN none is refused
    assert problems == {}


def test_no_face(engine: FaceEngine) -> None:
    # GIVEN an office wall (plain) and sensor noise WHEN assessing THEN no_face
    plain = np.full((600, 800, 3), (180, 190, 200), np.uint8)
    noise = np.random.default_rng(5).integers(0, 255, (600, 800, 3), dtype=np.uint8)
    assert engine.analyse(plain).problem == "no_face"
    assert engine.analyse(noise).problem == "no_face"


def test_two_people_side_by_side(engine: FaceEngine, photo: Photo) -> None:
    # GIVEN two portraits of similar framing put side by side
    left, right = photo("person03/img47.jpg"), photo("person03/img48.jpg")
    right = cv2.resize(right, (round(right.shape[1] * left.shape[0] / right.shape[0]), left.shape[0]))
    # WHEN assessing THEN multiple_faces: we cannot tell whose photo it is
    assert engine.analyse(np.hstack([left, right])).problem == "multiple_faces"


def test_face_too_small(engine: FaceEngine, photo: Photo) -> None:
    # GIVEN a photo shrunk until the face is ~40 px
    image = photo("person01/img1.jpg")
    scale = 40 / engine.analyse(image).face.size  # type: ignore[union-attr]
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # WHEN assessing THEN the face is still found but too small
    analysis = engine.analyse(small)
    assert analysis.face is not None
    assert analysis.problem == "face_too_small"


def test_too_blurry(engine: FaceEngine, photo: Photo) -> None:
    # GIVEN a photo under a strong Gaussian blur (sigma 6)
    blurred = cv2.GaussianBlur(photo("person03/img47.jpg"), (0, 0), 6)
    # WHEN assessing THEN the face is still found but too blurry
    analysis = engine.analyse(blurred)
    assert analysis.face is not None
    assert analysis.problem == "too_blurry"


def test_bystanders_are_ignored() -> None:
    # GIVEN a main face with a background face at half its size, one cut by the photo's edge
    # and a low-score false detection of the same size
    frame = (1000, 800)
    main = _face(400, 200, 200, frame=frame)
    background = _face(50, 50, 100, score=0.9, frame=frame)
    cut = _face(900, 600, 180, score=0.9, frame=frame)  # box reaches x=1080 in a 1000-wide photo
    false_detection = _face(650, 100, 200, score=0.62, frame=frame)
    # WHEN assessing THEN the photo is fine
    assert assess([main, cut, background, false_detection], blur=800.0) is None


def test_comparable_second_face_counts() -> None:
    # GIVEN two confident faces of nearly the same size, both inside the photo
    faces = [_face(100, 100, 200, frame=(1000, 800)), _face(600, 100, 180, frame=(1000, 800))]
    # WHEN assessing THEN multiple_faces
    assert assess(faces, blur=800.0) == "multiple_faces"


@pytest.mark.parametrize(
    ("faces", "blur", "expected"),
    [
        ([], None, "no_face"),
        ([_face(0, 0, 200, score=0.6)], 800.0, "no_face"),
        ([_face(0, 0, 50)], 800.0, "face_too_small"),
        ([_face(0, 0, 200)], 20.0, "too_blurry"),
        ([_face(0, 0, 200)], None, None),
        ([_face(0, 0, 50), _face(300, 0, 48)], 20.0, "multiple_faces"),  # ambiguity is reported first
    ],
)
def test_codes_by_table(faces: list[DetectedFace], blur: float | None, expected: str | None) -> None:
    # GIVEN detections and a blur score WHEN assessing with the default policy THEN the expected code
    assert assess(faces, blur) == expected


def test_policy_is_configurable_and_main_face_skips_false_detections() -> None:
    # GIVEN a big low-score detection and a smaller confident face
    false_detection, real = _face(0, 0, 300, score=0.65), _face(400, 0, 120)
    # WHEN picking the main face THEN the confident one
    assert main_face([false_detection, real], QualityPolicy()) is real
    # AND a stricter site policy can refuse what the default accepts
    assert assess([real], 800.0, QualityPolicy(min_face_px=150)) == "face_too_small"
