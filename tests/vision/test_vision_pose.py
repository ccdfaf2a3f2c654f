"""Head pose from the five landmarks: by table on synthetic landmarks, and on real photos."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from face_engine import FaceEngine, QualityPolicy, estimate_pose, main_face
from face_engine.pose import project

Photo = Callable[[str], np.ndarray]


@pytest.mark.parametrize(
    ("yaw", "pitch", "roll"),
    [
        (0, 0, 0),
        (15, 0, 0),
        (-15, 0, 0),
        (35, 0, 0),
        (-60, 0, 0),
        (0, 20, 0),
        (0, -20, 0),
        (25, -10, 12),
        (-30, 25, -20),
        (10, 5, 45),
    ],
)
@pytest.mark.parametrize("focal_mm", [None, 600.0])  # orthographic, and a webcam 60 cm away
def test_pose_of_synthetic_landmarks(yaw: float, pitch: float, roll: float, focal_mm: float | None) -> None:
    # GIVEN the model's landmarks seen at a known pose, anywhere in the image and at any size
    landmarks = project(yaw, pitch, roll, scale=2.7, centre=(412.0, 230.0), focal_mm=focal_mm)
    # WHEN estimating the pose
    pose = estimate_pose(landmarks)
    # THEN it is found within 1° (orthographic) or 6° (perspective of a close webcam)
    tolerance = 1.0 if focal_mm is None else 6.0
    assert abs(pose.yaw - yaw) <= tolerance
    assert abs(pose.pitch - pitch) <= tolerance
    assert abs(pose.roll - roll) <= tolerance


def test_a_face_turned_sideways_keeps_its_sign_and_grows() -> None:
    # GIVEN the same face turned further and further to the side WHEN estimating THEN yaw grows with it
    estimates = [estimate_pose(project(angle, 0)).yaw for angle in (0, 10, 20, 30, 45, 60)]
    assert estimates == sorted(estimates) and estimates[0] == 0 and estimates[-1] >= 55


@pytest.mark.parametrize(
    "landmarks",
    [np.zeros((5, 2)), np.full((5, 2), np.nan), np.array([[10, 10]] * 2 + [[12, 20], [9, 30], [14, 30]])],
)
def test_degenerate_landmarks_are_refused(landmarks: np.ndarray) -> None:
    with pytest.raises(ValueError, match="landmarks"):
        estimate_pose(landmarks)


def test_real_frontal_photos_are_near_frontal(engine: FaceEngine, faces_dir: Path) -> None:
    # GIVEN the faces-dev photos (portraits, mostly facing the camera)
    yaws, pitches = [], []
    for path in sorted(faces_dir.glob("*/*.jpg")):
        face = main_face(engine.detect(cv2.imread(str(path))), QualityPolicy())
        assert face is not None
        pose = estimate_pose(face.landmarks)
        yaws.append(pose.yaw)
        pitches.append(pose.pitch)
    # WHEN estimating their pose THEN most are within 20° and none is anywhere near a profile
    assert np.median(np.abs(yaws)) <= 10 and np.median(np.abs(pitches)) <= 10
    assert np.mean(np.abs(yaws) <= 20) >= 0.85
    assert max(np.abs(yaws)) < 45


def test_a_mirrored_photo_turns_the_other_way(engine: FaceEngine, photo: Photo) -> None:
    # GIVEN a photo whose face is clearly turned (|yaw| ≥ 8°) and its mirror image
    image = photo("person05/img59.jpg")
    face = main_face(engine.detect(image), QualityPolicy())
    mirrored_face = main_face(engine.detect(cv2.flip(image, 1)), QualityPolicy())
    assert face is not None and mirrored_face is not None
    # WHEN estimating both THEN the yaws are opposite (within 6°: YuNet's landmarks on a mirrored photo
    # are not exactly mirrored), the pitches alike
    pose, mirrored = estimate_pose(face.landmarks), estimate_pose(mirrored_face.landmarks)
    assert abs(pose.yaw) >= 8 and abs(mirrored.yaw) >= 8
    assert abs(pose.yaw + mirrored.yaw) <= 6
    assert abs(pose.pitch - mirrored.pitch) <= 4
