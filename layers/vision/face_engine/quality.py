"""The enrolment gate: is this photo's face good enough to be someone's reference, and if not, what to change.

Calibrated with `python -m bench.enrolment_gate` on what actually hurts matching (the genuine
similarity of a photo to the same person's other photos, against blur, face size, pose and detector
score on faces-dev, asian-celeb29 and glint-celeb24, plus synthetic blur and downscaling):

- Laplacian variance (the old `min_blur 200`) does not predict matching on real photos — it measures
  contrast and texture as much as focus. What does is the blur's *width* in the 112×112 crop the
  embedder sees, which `blur_sigma` estimates independently of contrast and lighting.
- Size: 64 px stays the minimum, with margin; pose: faces turned beyond ~45° barely match at all.

See `QualityPolicy` for the thresholds and the numbers behind them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import cv2
import numpy as np

from .engine import DetectedFace
from .pose import Pose, estimate_pose

if TYPE_CHECKING:
    from .engine import FaceEngine

QualityCode = Literal["no_face", "multiple_faces", "face_too_small", "face_not_frontal", "too_blurry"]

# The extra blur whose effect `blur_sigma` measures (crop pixels).
_PROBE_SIGMA = 1.5


def _inner_grey(aligned: np.ndarray) -> np.ndarray:
    """Brows to chin, cheek to cheek of the aligned 112×112 crop, grey, float: the corners hold hair,
    background and, for a face near the photo's edge, the warp's black fill, whose hard edge would make
    a blurred face look sharp."""
    grey = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY) if aligned.ndim == 3 else aligned
    height, width = grey.shape[:2]
    return grey[height * 2 // 7 : height * 13 // 14, width // 7 : width * 6 // 7].astype(np.float64)


def _gradient_energy(grey: np.ndarray) -> float:
    gx = cv2.Sobel(grey, cv2.CV_64F, 1, 0, ksize=3)
    gy = cv2.Sobel(grey, cv2.CV_64F, 0, 1, ksize=3)
    return float(np.mean(gx * gx + gy * gy))


def blur_sigma(aligned: np.ndarray) -> float:
    """How blurred the face is, as the width (Gaussian sigma, in pixels of the 112×112 crop) of a blur
    that would explain it: about 1 for a sharp photo, 1.5 soft, 2 and more costs matching (see
    `QualityPolicy`).

    The gradient of an edge blurred by sigma s peaks at a height proportional to 1/s; blurred further
    by sigma p, at 1/sqrt(s² + p²). The ratio r of the RMS gradients after and before the extra blur
    therefore gives s ≈ p·r/sqrt(1 − r²), whatever the contrast, the lighting or the amount of
    texture — which is what made the Laplacian variance refuse sharp but soft-lit or smooth faces.
    A face is not one edge, so this is a calibrated index rather than an exact width: on photos under
    known blurs of 1, 2, 3 and 4 crop px it reads about 1.4, 1.9, 2.5 and 3.0.
    """
    grey = _inner_grey(aligned)
    energy = _gradient_energy(grey)
    if energy <= 1e-9:
        return float("inf")  # a flat patch: nothing in focus at all
    reblurred = cv2.GaussianBlur(grey, (0, 0), _PROBE_SIGMA)
    ratio = min(float(np.sqrt(_gradient_energy(reblurred) / energy)), 0.9999)
    return float(_PROBE_SIGMA * ratio / np.sqrt(1.0 - ratio * ratio))


@dataclass(frozen=True)
class QualityPolicy:
    """What an enrolment photo must satisfy (numbers from `python -m bench.enrolment_gate`; "rate" is the
    share of a photo's genuine pairs — with the same person's other photos — at or above the match
    threshold, MobileFaceNet at 0.5).

    - min_score 0.75: the main face is the largest detection at least this confident. On faces-dev every
      real main face scored 0.85–0.96; false detections (blurred crowds) 0.60–0.71.
    - min_face_px 64: the face's smaller box side. Photos downscaled until the face is 48 px still match
      almost as well (rate 0.94 / 0.83 / 0.50 on faces-dev / asian / glint against 0.97 / 0.82 / 0.56 at
      80 px), and 40 px costs 0.05 on faces-dev; but a clean downscale is kinder than a real small face
      (noise, compression), so the limit keeps a margin. A face of 40 px is refused; on the published
      photos only 2 of 116 asian-celeb29 photos (42 and 63 px) fall below it.
    - max_blur_sigma 2.0 (`blur_sigma`): found on faces-dev, confirmed on the two other sets. Under a
      blur of 2 crop px (reading ~1.8–2.0) the rate falls from 0.99 / 0.78 / 0.53 to 0.91 / 0.68 / 0.35,
      under 2.5 px (reading ~2.1–2.3) to 0.64 / 0.49 / 0.18, under 3 px to 0.39 / 0.18 / 0.05. Real
      photos read 0.7–1.6 (one glint crop 2.0+); an office webcam's soft focus (~1.2 crop px) ~1.4. The
      old Laplacian-variance limit refused 27 % of glint photos, which matched as well as the others,
      and 57–60 % of webcam-like copies of faces-dev and asian-celeb29 (every photo of 14–17 % of people).
    - max_yaw 45°, max_pitch 30° (`pose.estimate_pose`): on glint-celeb24 the rate falls from 0.61 at
      |yaw| < 10° to 0.42 at 20–30°, 0.32 at 30–40°, 0.20 at 40–50° and 0.01 beyond 50° (a profile);
      faces-dev portraits reach 37°. The sets hold almost no pitched faces (all within ±20°), so the
      pitch limit is a judgement, not a measurement.
    - competing_face_ratio 0.6: see `competing_faces`.
    """

    min_face_px: float = 64.0
    max_blur_sigma: float = 2.0
    max_yaw: float = 45.0
    max_pitch: float = 30.0
    min_score: float = 0.75
    competing_face_ratio: float = 0.6


def main_face(faces: Sequence[DetectedFace], policy: QualityPolicy) -> DetectedFace | None:
    """The largest face scoring at least policy.min_score: the one an enrolment photo is about."""
    candidates = [face for face in faces if face.score >= policy.min_score]
    return max(candidates, key=lambda face: face.area, default=None)


def _cut_by_frame(face: DetectedFace, frame_size: tuple[int, int] | None) -> bool:
    """True when the box reaches clearly past the photo's edge: a face only partly in the picture."""
    frame_size = frame_size or face.frame_size
    if frame_size is None:
        return False
    x, y, w, h = face.box
    width, height = frame_size
    tolerance = 0.02 * face.size  # YuNet boxes of whole faces touching the edge can overshoot slightly
    return x < -tolerance or y < -tolerance or x + w > width + tolerance or y + h > height + tolerance


def competing_faces(
    faces: Sequence[DetectedFace],
    main: DetectedFace,
    policy: QualityPolicy,
    frame_size: tuple[int, int] | None = None,
) -> list[DetectedFace]:
    """Other faces that make it unclear whose photo this is.

    We always enrol the main (largest) face, so a second face only matters when it could be the
    subject instead: confidently detected, comparable in size (≥ 0.6× the main face's side) and wholly
    inside the picture. Bystanders are smaller or cut by the edge: in faces-dev, person05/img59 shows
    a profile at the left edge at 0.52× the subject and person05/img62 a face cut by the frame's corner
    at 0.68×, both obviously not the subject (a 0.5 ratio alone would refuse both photos). Two
    portraits of person03 put side by side come out at 0.75×. Refusing a usable photo costs a retake;
    enrolling the wrong person costs wrong attendance records, so the ratio leans strict.
    """
    return [
        face
        for face in faces
        if face is not main
        and face.score >= policy.min_score
        and face.size >= policy.competing_face_ratio * main.size
        and not _cut_by_frame(face, frame_size)
    ]


@dataclass(frozen=True)
class Verdict:
    """Why a photo cannot be used (code) with what the person needs to know to fix it (details)."""

    code: QualityCode
    details: dict[str, Any] = field(default_factory=dict)


def judge_photo(
    faces: Sequence[DetectedFace],
    blur: float | None,
    pose: Pose | None = None,
    policy: QualityPolicy | None = None,
    frame_size: tuple[int, int] | None = None,
) -> Verdict | None:
    """The gate's decision, pure: None when the photo will do, else the first problem found.

    Checked in the order a person fixes them: whose face (none, several), then distance (size), then
    posture (pose), then focus (blur). `blur` is `blur_sigma` of the aligned main face and `pose` its
    `estimate_pose`; None skips that check. `frame_size` (width, height), by default the one `detect`
    recorded in each face, lets faces cut by the photo's edge be ignored as bystanders.
    """
    policy = policy or QualityPolicy()
    main = main_face(faces, policy)
    if main is None:
        return Verdict("no_face")
    if competing_faces(faces, main, policy, frame_size):
        return Verdict("multiple_faces", {"faces": 1 + len(competing_faces(faces, main, policy, frame_size))})
    if main.size < policy.min_face_px:
        return Verdict("face_too_small", {"face_px": round(main.size), "min_face_px": round(policy.min_face_px)})
    if pose is not None and (abs(pose.yaw) > policy.max_yaw or abs(pose.pitch) > policy.max_pitch):
        return Verdict("face_not_frontal", {"yaw": round(pose.yaw), "pitch": round(pose.pitch),
                                            "max_yaw": round(policy.max_yaw), "max_pitch": round(policy.max_pitch)})
    if blur is not None and not blur <= policy.max_blur_sigma:
        measured = round(blur, 2) if math.isfinite(blur) else None
        return Verdict("too_blurry", {"blur_sigma": measured, "max_blur_sigma": policy.max_blur_sigma})
    return None


def assess(
    faces: Sequence[DetectedFace],
    blur: float | None,
    policy: QualityPolicy | None = None,
    frame_size: tuple[int, int] | None = None,
    pose: Pose | None = None,
) -> QualityCode | None:
    """The code of `judge_photo`'s verdict, or None when the photo is fine."""
    verdict = judge_photo(faces, blur, pose, policy, frame_size)
    return verdict.code if verdict is not None else None


@dataclass(frozen=True)
class FaceAnalysis:
    """Everything `FaceEngine.analyse` found in one photo."""

    faces: list[DetectedFace]
    face: DetectedFace | None  # the main face, if any
    embedding: np.ndarray | None  # of the main face
    blur: float | None  # `blur_sigma` of the main face
    pose: Pose | None  # of the main face
    verdict: Verdict | None  # why it would not do as an enrolment photo

    @property
    def problem(self) -> QualityCode | None:
        return self.verdict.code if self.verdict is not None else None

    def quality(self) -> dict[str, float]:
        """The measurements kept with an enrolled face (numbers only: no image, no embedding)."""
        if self.face is None:
            return {}
        measured = {"face_px": round(float(self.face.size), 1), "score": round(float(self.face.score), 3)}
        if self.blur is not None and math.isfinite(self.blur):
            measured["blur_sigma"] = round(float(self.blur), 2)
        if self.pose is not None:
            measured.update(yaw=round(self.pose.yaw, 1), pitch=round(self.pose.pitch, 1))
        return measured


def analyse(engine: FaceEngine, image: np.ndarray, policy: QualityPolicy | None = None) -> FaceAnalysis:
    """Detect, pick the main face, align, embed and judge it as an enrolment photo."""
    policy = policy or QualityPolicy()
    faces = engine.detect(image)
    face = main_face(faces, policy)
    if face is None:
        return FaceAnalysis(faces=faces, face=None, embedding=None, blur=None, pose=None, verdict=Verdict("no_face"))
    aligned = engine.align(image, face)
    blur = blur_sigma(aligned)
    try:
        pose: Pose | None = estimate_pose(face.landmarks)
    except ValueError:
        pose = None
    verdict = judge_photo(faces, blur, pose, policy)
    # embed_face, not embed(aligned): enrolment embeds exactly as recognition does (e.g. mirror-averaged).
    return FaceAnalysis(faces=faces, face=face, embedding=engine.embed_face(image, face), blur=blur, pose=pose,
                        verdict=verdict)
