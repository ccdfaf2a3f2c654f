"""Head pose (yaw, pitch, roll) from the five YuNet landmarks. Pure numpy: no model, no OpenCV.

A rigid five-point face model (eyes, nose tip, mouth corners, in millimetres, x to the image's right,
y down, z toward the camera) is rotated over a grid of yaw and pitch, projected orthographically, and
fitted to the landmarks by the best 2-D similarity (in-plane rotation, scale, shift). The pose whose
projection fits best is the estimate. Its frontal projection is where YuNet puts the landmarks of a
frontal face, scaled to a 64 mm distance between the pupils, so "0°" is a face looking at the camera; the
depths (nose tip 34 mm in front of the pupils, mouth corners 10 mm) are typical adult values, which set
the angles' scale: yaw is exact for synthetic landmarks of this model and within a few degrees of
what people would call it on real photos (see tests/vision/test_vision_pose.py).

Signs: yaw > 0 when the nose points to the image's right (the person turned to their left), pitch > 0
when the face tilts down (chin toward the chest), roll > 0 clockwise in the image.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# Frontal positions: where YuNet puts the five landmarks of a face looking at the camera, in the 112×112
# crop — the median over the 76 faces-dev photos after alignment, made left-right symmetric (YuNet puts
# the nose 2.5 px lower and the mouth 2 px higher than the ArcFace template does, which alone would
# read as a 25° downward pitch). Centred on the eyes' midpoint and scaled so the eyes are 64 mm apart,
# plus the typical depth of each point.
_TEMPLATE = np.array(
    [[37.24, 52.43], [74.53, 52.43], [55.885, 74.26], [39.295, 90.07], [72.475, 90.07]]
)
_MM_PER_UNIT = 64.0 / float(np.linalg.norm(_TEMPLATE[1] - _TEMPLATE[0]))
_DEPTH_MM = np.array([0.0, 0.0, 34.0, 10.0, 10.0])
FACE_MODEL_MM = np.column_stack([(_TEMPLATE - _TEMPLATE[:2].mean(axis=0)) * _MM_PER_UNIT, _DEPTH_MM])

_GRID_STEP = 1.0
_GRID_LIMIT = 80.0  # beyond this the five landmarks no longer say anything reliable


@dataclass(frozen=True)
class Pose:
    yaw: float  # degrees, + nose to the image's right
    pitch: float  # degrees, + face tilted down
    roll: float  # degrees, + clockwise in the image
    residual: float  # mean landmark misfit after the best fit, in units of the eye distance


def rotation(yaw: float, pitch: float, roll: float = 0.0) -> np.ndarray:
    """3×3 rotation for angles in degrees (pitch about x, then yaw about y, then roll about z)."""
    a, b, c = np.radians([pitch, yaw, roll])
    rx = np.array([[1, 0, 0], [0, np.cos(a), np.sin(a)], [0, -np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


def project(yaw: float, pitch: float, roll: float = 0.0, scale: float = 1.0,
            centre: tuple[float, float] = (0.0, 0.0), focal_mm: float | None = None) -> np.ndarray:
    """The model's five landmarks seen at a pose: (5, 2) pixels. `focal_mm` (camera distance in model
    millimetres) adds perspective; None projects orthographically. Used to test `estimate_pose`."""
    points = FACE_MODEL_MM @ rotation(yaw, pitch, roll).T
    xy = points[:, :2]
    if focal_mm is not None:
        xy = xy * (focal_mm / (focal_mm - points[:, 2:3]))
    return (xy * scale + np.asarray(centre)).astype(np.float32)


@lru_cache(maxsize=1)
def _grid() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Angles of every grid pose and its centred orthographic projection as complex numbers (n, 5)."""
    steps = np.arange(-_GRID_LIMIT, _GRID_LIMIT + _GRID_STEP / 2, _GRID_STEP)
    yaws, pitches = (axis.ravel() for axis in np.meshgrid(steps, steps, indexing="ij"))
    shapes = np.empty((yaws.size, 5), dtype=np.complex128)
    for i, (yaw, pitch) in enumerate(zip(yaws, pitches, strict=True)):
        xy = FACE_MODEL_MM @ rotation(float(yaw), float(pitch)).T
        shape = xy[:, 0] + 1j * xy[:, 1]
        shapes[i] = shape - shape.mean()
    return yaws, pitches, shapes


def estimate_pose(landmarks: np.ndarray) -> Pose:
    """Yaw, pitch and roll of a face from its five landmarks (right eye, left eye, nose, right mouth
    corner, left mouth corner: YuNet's order, image coordinates). ValueError for degenerate input."""
    points = np.asarray(landmarks, dtype=np.float64).reshape(5, 2)
    if not np.all(np.isfinite(points)):
        raise ValueError("landmarks must be finite")
    observed = points[:, 0] + 1j * points[:, 1]
    observed = observed - observed.mean()
    energy = float(np.sum(np.abs(observed) ** 2))
    eye_distance = float(abs(observed[1] - observed[0]))
    if energy <= 1e-9 or eye_distance <= 1e-6:
        raise ValueError("landmarks are degenerate")
    yaws, pitches, shapes = _grid()
    # Best similarity from model shape m to observed o (complex least squares): o ≈ k·m, k = <m,o>/<m,m>;
    # residual = |o|² − |<m,o>|²/|m|².
    inner = shapes.conj() @ observed
    norms = np.sum(np.abs(shapes) ** 2, axis=1)
    residuals = energy - np.abs(inner) ** 2 / norms
    best = int(np.argmin(residuals))
    factor = inner[best] / norms[best]
    roll = float(np.degrees(np.angle(factor)))
    misfit = float(np.sqrt(max(residuals[best], 0.0) / 5)) / eye_distance
    return Pose(yaw=float(yaws[best]), pitch=float(pitches[best]), roll=roll, residual=misfit)
