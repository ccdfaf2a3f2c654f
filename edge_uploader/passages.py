"""Passages: follow each face across frames and send one capture per person passing, not one per frame.

A track follows a face from frame to frame: each track predicts where its face is now from its speed,
and detections go to the nearest prediction (relative to the face size), so two people crossing in the
lobby keep their own tracks. While a person walks, the track only remembers its best crop. When the face
has stayed still for ``pause_seconds`` (the lobby screen asks people to stop for about 2 seconds), the
best crop taken while standing still is emitted, once. A track that loses its face is kept for
``lost_seconds`` (detection flicker); a track that was already sent is kept for ``rejoin_seconds``, so a
person who turns away for a moment, or stands in front of the camera for a minute, is still one passage.
A person who walks past without stopping is still sent when their track ends, from the best frame seen,
if that frame is good enough.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import cv2
import numpy as np

from edge_uploader.detector import Face


@dataclass(frozen=True)
class PassagePolicy:
    pause_seconds: float = 1.0
    still_ratio: float = 0.15       # "still": the centre stays within this fraction of the face width
    lost_seconds: float = 1.0
    rejoin_seconds: float = 4.0
    send_unpaused: bool = True
    min_frames: int = 3             # a track seen fewer times is not a person passing
    min_quality: float = 0.2
    match_distance: float = 1.0     # centre distance / face width to call two detections the same face
    crop_margin: float = 1.6
    crop_max_px: int = 320


def face_quality(frame: np.ndarray, face: Face) -> float:
    """0..1: detector confidence × frontal × large enough × sharp; 0 when the eyes are not plausibly visible."""
    _x, y, w, h = face.box
    right_eye, left_eye, nose = face.landmarks[0], face.landmarks[1], face.landmarks[2]
    eye_dx, eye_dy = float(left_eye[0] - right_eye[0]), float(left_eye[1] - right_eye[1])
    eye_distance = math.hypot(eye_dx, eye_dy)
    eyes_high = max(right_eye[1], left_eye[1]) < y + 0.65 * h
    if not (0.25 * w <= eye_distance <= 0.75 * w and eyes_high and eye_dx > 0):
        return 0.0
    yaw = abs(float(nose[0]) - float(right_eye[0] + left_eye[0]) / 2) / eye_distance
    roll = abs(math.degrees(math.atan2(eye_dy, eye_dx)))
    frontal = max(0.0, 1 - yaw / 0.45) * max(0.0, 1 - roll / 35)
    size = min(1.0, w / 112)
    return face.score * frontal * size * sharpness(frame, face)


def sharpness(frame: np.ndarray, face: Face) -> float:
    """0..1 from the variance of the Laplacian of the face, at a fixed scale so faces of any size compare."""
    x, y, w, h = (round(v) for v in face.box)
    top, left = max(y, 0), max(x, 0)
    patch = frame[top:max(y + h, top + 1), left:max(x + w, left + 1)]
    if patch.size == 0:
        return 0.0
    gray = cv2.cvtColor(cv2.resize(patch, (96, 96), interpolation=cv2.INTER_AREA), cv2.COLOR_BGR2GRAY)
    return min(1.0, float(cv2.Laplacian(gray, cv2.CV_64F).var()) / 150.0) ** 0.5


def crop_face(frame: np.ndarray, face: Face, margin: float = 1.6, max_px: int = 320) -> np.ndarray:
    """The face with some margin (the server re-detects it), from the full-resolution frame."""
    cx, cy = face.center
    half = max(face.box[2], face.box[3]) * margin / 2
    top, left = max(int(cy - half), 0), max(int(cx - half), 0)
    crop = frame[top:max(int(cy + half), top + 1), left:max(int(cx + half), left + 1)]
    scale = max_px / max(crop.shape[:2])
    if scale < 1:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(crop)


@dataclass
class Candidate:
    time: float
    quality: float
    crop: np.ndarray


@dataclass(frozen=True)
class Emission:
    track_id: int
    time: float          # when the chosen frame was taken
    crop: np.ndarray
    quality: float
    paused: bool         # False: the person walked past without stopping


@dataclass
class Track:
    track_id: int
    first_time: float
    last_time: float
    face: Face
    anchor: tuple[float, float]
    anchor_time: float
    frames: int = 1
    velocity: tuple[float, float] = (0.0, 0.0)  # px/s, smoothed
    best: Candidate | None = None        # of the whole passage
    best_still: Candidate | None = None  # since the face stopped moving
    sent: bool = False
    capture_id: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def still_for(self) -> float:
        return self.last_time - self.anchor_time

    def predicted(self, now: float) -> tuple[float, float]:
        cx, cy = self.face.center
        gap = now - self.last_time
        return cx + self.velocity[0] * gap, cy + self.velocity[1] * gap


class PassageTracker:
    def __init__(self, policy: PassagePolicy | None = None) -> None:
        self.policy = policy or PassagePolicy()
        self.tracks: list[Track] = []
        self._next_id = 1

    def visible(self, now: float) -> list[Track]:
        """Tracks whose face is in the current frame."""
        return [track for track in self.tracks if track.last_time == now]

    def update(self, frame: np.ndarray, now: float, faces: Iterable[Face]) -> list[Emission]:
        policy = self.policy
        unmatched = list(faces)
        pairs = sorted(
            ((_distance(track, face, now), index, track) for track in self.tracks
             for index, face in enumerate(unmatched) if _similar_size(track.face, face)),
            key=lambda item: item[0])
        taken_tracks: set[int] = set()
        taken_faces: set[int] = set()
        for distance, index, track in pairs:
            if distance > policy.match_distance or track.track_id in taken_tracks or index in taken_faces:
                continue
            taken_tracks.add(track.track_id)
            taken_faces.add(index)
            self._follow(track, frame, now, unmatched[index])
        for index, face in enumerate(unmatched):
            if index not in taken_faces:
                track = Track(self._next_id, now, now, face, face.center, now)
                self._next_id += 1
                self._consider(track, frame, now, face)
                self.tracks.append(track)
        emitted = []
        for track in self.tracks:
            if not track.sent and track.last_time == now and track.still_for >= policy.pause_seconds:
                emission = self._emit(track, paused=True)
                if emission is not None:
                    emitted.append(emission)
        emitted.extend(self._expire(now))
        return emitted

    def flush(self) -> list[Emission]:
        """The source ended: every passage not yet sent is sent from its best frame, if good enough."""
        emitted = [e for e in (self._emit(t, paused=False) for t in self.tracks if not t.sent) if e is not None]
        self.tracks = []
        return emitted

    def _follow(self, track: Track, frame: np.ndarray, now: float, face: Face) -> None:
        cx, cy = face.center
        if now > track.last_time:
            (px, py), gap = track.face.center, now - track.last_time
            track.velocity = (0.5 * track.velocity[0] + 0.5 * (cx - px) / gap,
                              0.5 * track.velocity[1] + 0.5 * (cy - py) / gap)
        if math.hypot(cx - track.anchor[0], cy - track.anchor[1]) > self.policy.still_ratio * face.width:
            track.anchor, track.anchor_time = (cx, cy), now
            track.best_still = None
        track.face, track.last_time = face, now
        track.frames += 1
        self._consider(track, frame, now, face)

    def _consider(self, track: Track, frame: np.ndarray, now: float, face: Face) -> None:
        if track.sent:
            return
        quality = face_quality(frame, face)
        better_still = track.best_still is None or quality > track.best_still.quality
        if better_still or track.best is None or quality > track.best.quality:
            crop = crop_face(frame, face, self.policy.crop_margin, self.policy.crop_max_px)
            candidate = Candidate(now, quality, crop)
            if better_still:
                track.best_still = candidate
            if track.best is None or quality > track.best.quality:
                track.best = candidate

    def _emit(self, track: Track, *, paused: bool) -> Emission | None:
        best = track.best_still if paused else track.best
        if best is None or best.quality < self.policy.min_quality:
            return None
        if not paused and (track.frames < self.policy.min_frames or not self.policy.send_unpaused):
            return None
        track.sent, track.best, track.best_still = True, None, None
        return Emission(track.track_id, best.time, best.crop, best.quality, paused)

    def _expire(self, now: float) -> list[Emission]:
        emitted, kept = [], []
        for track in self.tracks:
            gone_for = now - track.last_time
            if not track.sent and gone_for > self.policy.lost_seconds:
                emission = self._emit(track, paused=False)
                if emission is not None:
                    emitted.append(emission)
                    kept.append(track)  # sent now; may still rejoin
            elif track.sent and gone_for > self.policy.rejoin_seconds:
                continue
            else:
                kept.append(track)
        self.tracks = kept
        return emitted


def _distance(track: Track, face: Face, now: float) -> float:
    (px, py), (fx, fy) = track.predicted(now), face.center
    return math.hypot(px - fx, py - fy) / max(track.face.width, face.width)


def _similar_size(a: Face, b: Face) -> bool:
    return 0.6 <= a.width / b.width <= 1 / 0.6
