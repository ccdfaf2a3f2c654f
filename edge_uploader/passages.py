"""Passages: follow each face across frames and send one capture per person passing, not one per frame.

A track follows a face from frame to frame: each track predicts where its face is now from its speed,
and detections go to the nearest prediction (relative to the face size), so two people crossing in the
lobby keep their own tracks. A track that loses its face is kept for ``lost_seconds`` (detection
flicker); a track that was already sent is kept for ``rejoin_seconds``, so a person who turns away for a
moment, or stands in front of the camera for a minute, is still one passage.

What is sent: up to ``frames_per_passage`` crops of the same passage (the server fuses them into one
decision and checks liveness on them). Each frame is scored by ``face_quality`` (detector confidence ×
frontal, from the landmarks × size × sharpness); the track keeps its best candidates, at most one per half
``frame_gap_seconds``, and ``select_frames`` takes the best, then the next best at least
``frame_gap_seconds`` from those already taken, and so on: the sharpest, most frontal frames spread over
the pause, never three consecutive near-identical frames. A frame much worse than the best
(``min_relative_quality``) is left out rather than sent as a second opinion.

When: the lobby screen asks people to stop for about 2 seconds. Once the face has stayed still for
``pause_seconds`` the capture is emitted, once, from the frames taken while standing still. A person who
walks past, or leaves before the pause is over, is sent when their track ends (gone for ``lost_seconds``)
from the best frames of the whole passage, if good enough (``send_unpaused``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import cv2
import numpy as np

from edge_uploader.detector import Face

MAX_FRAMES = 3  # what the server accepts in one capture

# Where the nose tip sits between the eye line and the mouth line, looking straight at the camera: YuNet's
# landmarks on the 76 photos of faces-dev give a median of 0.58 (1st-99th percentile 0.52-0.66). Looking
# down moves it towards the mouth, looking up towards the eyes.
FRONTAL_NOSE_DEPTH = 0.58
PITCH_SLACK = 0.10    # no penalty within this of the frontal position (all frontal dev photos)
PITCH_ZERO = 0.35     # worth nothing this far from it (the nose at the eye line or past the mouth)
YAW_ZERO = 0.45       # nose offset from the eyes' midpoint, in eye distances, at which a face is worth nothing
ROLL_ZERO = 35.0      # degrees


@dataclass(frozen=True)
class PassagePolicy:
    pause_seconds: float = 2.0      # the screen asks for "about 2 seconds"
    frames_per_passage: int = 3
    frame_gap_seconds: float = 0.5  # two frames of one capture are at least this far apart in time
    min_relative_quality: float = 0.5  # a frame below this fraction of the best one's quality is not sent
    still_ratio: float = 0.15       # "still": the centre stays within this fraction of the face width
    lost_seconds: float = 1.0
    rejoin_seconds: float = 4.0
    send_unpaused: bool = True
    min_frames: int = 3             # a track seen fewer times is not a person passing
    min_quality: float = 0.2
    match_distance: float = 1.0     # centre distance / face width to call two detections the same face
    crop_margin: float = 1.6
    crop_max_px: int = 320
    pool_size: int = 24             # candidates kept per passage (memory stays bounded for a long stay)

    def __post_init__(self) -> None:
        if not 1 <= self.frames_per_passage <= MAX_FRAMES:
            raise ValueError(f"frames_per_passage must be 1 to {MAX_FRAMES}")
        if self.pause_seconds <= 0 or self.frame_gap_seconds <= 0:
            raise ValueError("pause_seconds and frame_gap_seconds must be positive")
        if (self.frames_per_passage - 1) * self.frame_gap_seconds > self.pause_seconds:
            raise ValueError("frames_per_passage frames frame_gap_seconds apart do not fit in pause_seconds")


def frontal_score(face: Face) -> float:
    """0..1 from the landmarks: 1 looking straight at the camera, falling with yaw, pitch and roll.

    0 when the eyes are not plausibly visible (too close or too far apart, swapped, low in the box).
    """
    _x, y, w, h = face.box
    right_eye, left_eye, nose = face.landmarks[0], face.landmarks[1], face.landmarks[2]
    mouth = (face.landmarks[3] + face.landmarks[4]) / 2
    eye_dx, eye_dy = float(left_eye[0] - right_eye[0]), float(left_eye[1] - right_eye[1])
    eye_distance = math.hypot(eye_dx, eye_dy)
    eyes_high = max(right_eye[1], left_eye[1]) < y + 0.65 * h
    if not (0.25 * w <= eye_distance <= 0.75 * w and eyes_high and eye_dx > 0):
        return 0.0
    across = (eye_dx / eye_distance, eye_dy / eye_distance)  # along the eye line, and down the face
    down = (-across[1], across[0])
    eyes_x, eyes_y = float(right_eye[0] + left_eye[0]) / 2, float(right_eye[1] + left_eye[1]) / 2
    nose_x, nose_y = float(nose[0]) - eyes_x, float(nose[1]) - eyes_y
    mouth_x, mouth_y = float(mouth[0]) - eyes_x, float(mouth[1]) - eyes_y
    yaw = abs(nose_x * across[0] + nose_y * across[1]) / eye_distance
    mouth_depth = mouth_x * down[0] + mouth_y * down[1]
    if mouth_depth <= 0:
        return 0.0
    nose_depth = (nose_x * down[0] + nose_y * down[1]) / mouth_depth
    pitch = max(0.0, abs(nose_depth - FRONTAL_NOSE_DEPTH) - PITCH_SLACK)
    roll = abs(math.degrees(math.atan2(eye_dy, eye_dx)))
    return (max(0.0, 1 - yaw / YAW_ZERO) * max(0.0, 1 - pitch / (PITCH_ZERO - PITCH_SLACK))
            * max(0.0, 1 - roll / ROLL_ZERO))


def face_quality(frame: np.ndarray, face: Face) -> float:
    """0..1: detector confidence × frontal × large enough × sharp; 0 when the eyes are not plausibly visible."""
    frontal = frontal_score(face)
    if frontal == 0.0:
        return 0.0
    size = min(1.0, face.width / 112)
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


@dataclass(frozen=True)
class Candidate:
    time: float
    quality: float
    crop: np.ndarray


def select_frames(candidates: Iterable[Candidate], count: int, gap: float, *, min_quality: float = 0.0,
                  min_relative_quality: float = 0.0) -> tuple[Candidate, ...]:
    """Up to ``count`` candidates, best first: the best, then each next best at least ``gap`` seconds from
    every one already taken. None below ``min_quality``, nor below ``min_relative_quality`` × the best's."""
    ranked = sorted((c for c in candidates if c.quality >= min_quality), key=lambda c: (-c.quality, c.time))
    chosen: list[Candidate] = []
    for candidate in ranked:
        if len(chosen) == count or (chosen and candidate.quality < min_relative_quality * chosen[0].quality):
            break
        if all(abs(candidate.time - taken.time) >= gap - 1e-9 for taken in chosen):
            chosen.append(candidate)
    return tuple(chosen)


@dataclass(frozen=True)
class Emission:
    track_id: int
    frames: tuple[Candidate, ...]  # 1 to frames_per_passage, best first, frame_gap_seconds apart at least
    paused: bool                   # False: the person walked past (or left) without a full pause

    @property
    def crops(self) -> tuple[np.ndarray, ...]:
        return tuple(frame.crop for frame in self.frames)

    @property
    def crop(self) -> np.ndarray:
        """The best crop."""
        return self.frames[0].crop

    @property
    def quality(self) -> float:
        return self.frames[0].quality

    @property
    def time(self) -> float:
        """When the best frame was taken."""
        return self.frames[0].time

    @property
    def first_time(self) -> float:
        """When the earliest frame sent was taken: the moment the capture stands for."""
        return min(frame.time for frame in self.frames)


class Pool:
    """The best candidate per time slot (half the frame gap), at most ``size`` slots, the worst dropped."""

    def __init__(self, slot_seconds: float, size: int) -> None:
        self.slot_seconds = slot_seconds
        self.size = size
        self.slots: dict[int, Candidate] = {}

    def wants(self, now: float, quality: float) -> bool:
        held = self.slots.get(self._slot(now))
        if held is not None:
            return quality > held.quality
        return len(self.slots) < self.size or quality > min(c.quality for c in self.slots.values())

    def add(self, candidate: Candidate) -> None:
        if not self.wants(candidate.time, candidate.quality):
            return
        self.slots[self._slot(candidate.time)] = candidate
        if len(self.slots) > self.size:
            worst = min(self.slots, key=lambda slot: (self.slots[slot].quality, -slot))
            del self.slots[worst]

    def candidates(self) -> list[Candidate]:
        return list(self.slots.values())

    def clear(self) -> None:
        self.slots.clear()

    def _slot(self, now: float) -> int:
        return math.floor(now / self.slot_seconds)


@dataclass
class Track:
    track_id: int
    first_time: float
    last_time: float
    face: Face
    anchor: tuple[float, float]
    anchor_time: float
    passage: Pool                   # the best frames of the whole passage
    still: Pool                     # the best frames since the face stopped moving
    frames: int = 1
    velocity: tuple[float, float] = (0.0, 0.0)  # px/s, smoothed
    sent: bool = False
    looked_again: bool = False      # re-armed once after a spoof verdict (see PassageTracker.look_again)
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
                track = Track(self._next_id, now, now, face, face.center, now, self._pool(), self._pool())
                self._next_id += 1
                self._consider(track, frame, now, face)
                self.tracks.append(track)
        emitted = []
        for track in self.tracks:
            if not track.sent and track.last_time == now and track.still_for >= policy.pause_seconds - 1e-9:
                emission = self._emit(track, paused=True)
                if emission is not None:
                    emitted.append(emission)
        emitted.extend(self._expire(now))
        return emitted

    def look_again(self, track_id: int, now: float) -> bool:
        """After a "spoof_suspected" answer the screen asks the person to look straight at the camera: give their
        track one more passage, from frames taken from now on and after a new full pause. Once per track, so a
        photo held up gets two refused captures, not a stream of them; the refused capture is never resent."""
        for track in self.tracks:
            if track.track_id == track_id and track.sent and not track.looked_again:
                track.sent, track.looked_again = False, True
                track.anchor, track.anchor_time = track.face.center, now
                track.still.clear()
                track.passage.clear()
                return True
        return False

    def flush(self) -> list[Emission]:
        """The source ended: every passage not yet sent is sent from its best frames, if good enough."""
        emitted = [e for e in (self._emit(t, paused=False) for t in self.tracks if not t.sent) if e is not None]
        self.tracks = []
        return emitted

    def _pool(self) -> Pool:
        return Pool(self.policy.frame_gap_seconds / 2, self.policy.pool_size)

    def _follow(self, track: Track, frame: np.ndarray, now: float, face: Face) -> None:
        cx, cy = face.center
        if now > track.last_time:
            (px, py), gap = track.face.center, now - track.last_time
            track.velocity = (0.5 * track.velocity[0] + 0.5 * (cx - px) / gap,
                              0.5 * track.velocity[1] + 0.5 * (cy - py) / gap)
        if math.hypot(cx - track.anchor[0], cy - track.anchor[1]) > self.policy.still_ratio * face.width:
            track.anchor, track.anchor_time = (cx, cy), now
            track.still.clear()
        track.face, track.last_time = face, now
        track.frames += 1
        self._consider(track, frame, now, face)

    def _consider(self, track: Track, frame: np.ndarray, now: float, face: Face) -> None:
        if track.sent:
            return
        quality = face_quality(frame, face)
        if track.still.wants(now, quality) or track.passage.wants(now, quality):
            candidate = Candidate(now, quality, crop_face(frame, face, self.policy.crop_margin,
                                                          self.policy.crop_max_px))
            track.still.add(candidate)
            track.passage.add(candidate)

    def _emit(self, track: Track, *, paused: bool) -> Emission | None:
        policy = self.policy
        if not paused and (track.frames < policy.min_frames or not policy.send_unpaused):
            return None
        pool = track.still if paused else track.passage
        frames = select_frames(pool.candidates(), policy.frames_per_passage, policy.frame_gap_seconds,
                               min_quality=policy.min_quality, min_relative_quality=policy.min_relative_quality)
        if not frames:
            return None
        track.sent = True
        track.still.clear()
        track.passage.clear()
        return Emission(track.track_id, frames, paused)

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
