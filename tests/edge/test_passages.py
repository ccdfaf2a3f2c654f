"""Passages: one capture per person passing, from synthetic faces on a textured frame at 10 fps (no model)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import cv2
import numpy as np
import pytest

from edge_uploader.detector import Face
from edge_uploader.passages import Emission, PassagePolicy, PassageTracker, crop_face, face_quality

FPS = 10
T0 = 1_763_600_000.0
SHARP = np.random.default_rng(0).integers(0, 255, (720, 1280, 3), np.uint8)
BLURRED = cv2.GaussianBlur(SHARP, (0, 0), 2)

Frame = tuple[np.ndarray, list[Face]]


def at(index: int) -> float:
    return T0 + index / FPS


def face(cx: float, cy: float = 360.0, width: float = 160.0, *, nose_dx: float = 0.0, score: float = 0.9) -> Face:
    """A frontal face centred at (cx, cy); nose_dx moves the nose sideways (a fraction of the width: yaw)."""
    height = width * 1.2
    x, y = cx - width / 2, cy - height / 2
    landmarks = np.array([
        [x + 0.30 * width, y + 0.40 * height],               # right eye (on the image's left)
        [x + 0.70 * width, y + 0.40 * height],               # left eye
        [x + (0.50 + nose_dx) * width, y + 0.55 * height],   # nose tip
        [x + 0.35 * width, y + 0.75 * height],               # right mouth corner
        [x + 0.65 * width, y + 0.75 * height],               # left mouth corner
    ], dtype=np.float32)
    return Face((x, y, width, height), landmarks, score)


def run(tracker: PassageTracker, frames: Iterable[Frame]) -> list[tuple[float, Emission]]:
    """Feed the frames at 10 fps; every emission with the time of the frame at which it was emitted."""
    emitted = []
    for index, (image, faces) in enumerate(frames):
        emitted.extend((at(index), emission) for emission in tracker.update(image, at(index), faces))
    return emitted


def walk(xs: Sequence[float], image: np.ndarray = SHARP, cy: float = 360.0) -> list[Frame]:
    return [(image, [face(x, cy)]) for x in xs]


def stand(x: float, frames: int, image: np.ndarray = SHARP, cy: float = 360.0) -> list[Frame]:
    return [(image, [face(x, cy)]) for _ in range(frames)]


def nobody(frames: int) -> list[Frame]:
    return [(SHARP, []) for _ in range(frames)]


def test_walk_in_pause_walk_out_is_one_capture_sent_during_the_pause() -> None:
    # GIVEN a person walking in for 1.5 s (40 px per frame), standing 2.5 s, walking out, then nobody for 6 s
    walk_in = walk([100 + 40 * i for i in range(15)])                  # frames 0..14
    pause = stand(700, 25)                                             # frames 15..39
    walk_out = walk([740 + 40 * i for i in range(14)])                 # frames 40..53
    # WHEN the tracker follows them
    emitted = run(PassageTracker(), walk_in + pause + walk_out + nobody(60))
    # THEN exactly one capture, marked as a pause, sent while the person was standing, about 1 s into the pause
    assert len(emitted) == 1
    sent_at, emission = emitted[0]
    assert emission.paused is True
    assert at(15) + 0.95 <= sent_at <= at(15) + 1.25
    # AND its frame was taken while standing (the face the lobby screen asked to hold still)
    assert at(15) <= emission.time <= sent_at
    assert emission.quality == pytest.approx(0.9)
    assert 0 < max(emission.crop.shape[:2]) <= 320 and emission.crop.shape[2] == 3


def test_standing_still_for_a_minute_is_one_capture() -> None:
    # GIVEN a person standing in front of the camera for 60 s, then leaving
    emitted = run(PassageTracker(), walk([400, 440, 480]) + stand(520, 600) + nobody(60))
    # THEN one capture, sent about 1 s after they stopped, from a frame taken while standing
    assert len(emitted) == 1
    sent_at, emission = emitted[0]
    assert emission.paused is True
    assert at(3) + 0.95 <= sent_at <= at(3) + 1.25
    assert at(3) <= emission.time <= sent_at


def test_detection_flicker_does_not_make_a_second_capture() -> None:
    # GIVEN a person pausing, whose face the detector misses for 3 frames during the pause
    frames = walk([300 + 40 * i for i in range(10)]) + stand(700, 3) + nobody(3) + stand(700, 10)  # 0..25
    # AND, after the capture was sent, for 20 frames (2 s: they looked down at their phone)
    frames += nobody(20) + stand(700, 15) + nobody(60)
    # WHEN the tracker follows them
    emitted = run(PassageTracker(), frames)
    # THEN still one capture, sent during the pause after the first gap
    assert len(emitted) == 1
    sent_at, emission = emitted[0]
    assert emission.paused is True
    assert at(10) + 0.95 <= sent_at <= at(26)


def test_two_people_at_once_are_two_captures() -> None:
    # GIVEN two people walking in from both sides and pausing at the same time, far apart
    left = [face(100 + 40 * i) for i in range(10)] + [face(500)] * 30
    right = [face(1180 - 40 * i) for i in range(10)] + [face(780)] * 30
    frames: list[Frame] = [(SHARP, [a, b]) for a, b in zip(left, right, strict=True)] + nobody(60)
    # WHEN the tracker follows them
    emitted = run(PassageTracker(), frames)
    # THEN two captures, one per person, both pauses
    assert len(emitted) == 2
    assert len({emission.track_id for _, emission in emitted}) == 2
    assert all(emission.paused for _, emission in emitted)
    assert all(at(10) + 0.95 <= sent_at <= at(39) for sent_at, _ in emitted)


def test_walking_past_is_sent_once_the_track_is_lost_unless_disabled() -> None:
    # GIVEN a person crossing the whole frame without stopping (40 px per frame), then nobody
    frames = walk([40 * i for i in range(32)]) + nobody(40)                     # last seen at frame 31
    # WHEN the tracker follows them with the default policy
    emitted = run(PassageTracker(), frames)
    # THEN one capture, not a pause, sent once they have been gone for lost_seconds (1 s)
    assert len(emitted) == 1
    sent_at, emission = emitted[0]
    assert emission.paused is False
    assert at(31) + 1.0 < sent_at <= at(31) + 1.25
    assert at(0) <= emission.time <= at(31)
    # AND with send_unpaused off, nobody who did not stop is sent
    assert run(PassageTracker(PassagePolicy(send_unpaused=False)), frames) == []


def test_a_two_frame_blip_is_not_a_person() -> None:
    # GIVEN a face detected in 2 frames only (a poster, a reflection)
    tracker = PassageTracker()
    emitted = run(tracker, walk([600, 600]) + nobody(40))
    # THEN nothing is sent, not even when the source ends
    assert emitted == []
    assert tracker.flush() == []


def test_a_face_in_profile_is_never_sent() -> None:
    # GIVEN a face turned sideways: the nose at the end of the eye line
    profile = face(640, nose_dx=-0.2)
    assert face_quality(SHARP, profile) == 0.0
    # WHEN it stays 3 s, then leaves
    tracker = PassageTracker()
    emitted = run(tracker, [(SHARP, [profile])] * 30 + nobody(60))
    # THEN nothing is sent (the server could not recognise it)
    assert emitted == []
    assert tracker.flush() == []


def test_flush_sends_the_passage_in_progress_and_not_the_ones_already_sent() -> None:
    # GIVEN a person who paused and was sent, still standing, and another walking past when the video ends
    standing = [face(300)] * 20
    walker = [face(1200 - 40 * i) for i in range(6)]
    frames: list[Frame] = [(SHARP, [s]) for s in standing[:14]] + [
        (SHARP, [s, w]) for s, w in zip(standing[14:], walker, strict=True)]
    tracker = PassageTracker()
    emitted = run(tracker, frames)
    assert len(emitted) == 1 and emitted[0][1].paused
    # WHEN the source ends
    flushed = tracker.flush()
    # THEN only the walker is sent, as not paused
    assert len(flushed) == 1
    assert flushed[0].paused is False
    assert flushed[0].track_id != emitted[0][1].track_id
    assert at(14) <= flushed[0].time <= at(19)
    # AND nothing is left to send
    assert tracker.flush() == []


def test_the_capture_is_the_sharpest_most_frontal_frame() -> None:
    # GIVEN a person walking in with motion blur, then standing sharp but turned slightly,
    # except for one moment they look straight at the camera (pause frame 4, i.e. frame 14)
    frames = walk([200 + 40 * i for i in range(10)], image=BLURRED)                                   # 0..9
    frames += [(SHARP, [face(640, nose_dx=0.0 if i == 4 else 0.06)]) for i in range(25)] + nobody(60)  # 10..34
    straight = face(640)
    assert face_quality(SHARP, straight) > face_quality(SHARP, face(640, nose_dx=0.06)) > 0.2
    assert face_quality(SHARP, face(640, nose_dx=0.06)) > face_quality(BLURRED, straight) > 0.2
    # WHEN the tracker follows them
    emitted = run(PassageTracker(), frames)
    # THEN the one capture is that sharp, frontal moment, cut from the sharp frame
    assert len(emitted) == 1
    _, emission = emitted[0]
    assert emission.time == at(14)
    assert np.array_equal(emission.crop, crop_face(SHARP, straight))
    assert emission.quality == pytest.approx(face_quality(SHARP, straight))


def test_face_quality_is_zero_when_the_eyes_are_implausible() -> None:
    # GIVEN a detection whose eyes collapse to one point (a false positive, a face seen from above)
    collapsed = face(640)
    landmarks = collapsed.landmarks.copy()
    landmarks[1] = landmarks[0]
    # THEN it is worth nothing, whereas the same face with its eyes apart is good
    assert face_quality(SHARP, Face(collapsed.box, landmarks, 0.9)) == 0.0
    assert face_quality(SHARP, collapsed) > 0.5
    # AND eyes swapped (a mirrored or upside-down detection) or below the mouth are worth nothing too
    swapped = collapsed.landmarks.copy()
    swapped[[0, 1]] = swapped[[1, 0]]
    assert face_quality(SHARP, Face(collapsed.box, swapped, 0.9)) == 0.0
    low = collapsed.landmarks.copy()
    low[:2, 1] += 0.4 * collapsed.box[3]
    assert face_quality(SHARP, Face(collapsed.box, low, 0.9)) == 0.0


@pytest.mark.parametrize(("cx", "cy"), [(20, 20), (1270, 715), (1300, 360), (640, -30)])
def test_crop_stays_inside_the_frame_for_a_face_at_the_edge(cx: float, cy: float) -> None:
    # GIVEN a face partly outside the frame
    edge_face = face(cx, cy)
    # WHEN its crop is cut
    crop = crop_face(SHARP, edge_face)
    # THEN it is a non-empty piece of the frame itself (no wrap-around to the other side, no padding)
    height, width = crop.shape[:2]
    assert height > 0 and width > 0 and crop.shape[2] == 3
    top = max(int(cy - 153.6), 0)
    left = max(int(cx - 153.6), 0)
    assert np.array_equal(crop, SHARP[top:top + height, left:left + width])
    assert top + height <= SHARP.shape[0] and left + width <= SHARP.shape[1]


def test_a_large_face_is_cropped_down_to_the_maximum_size() -> None:
    crop = crop_face(SHARP, face(640, 360, width=400), max_px=320)
    assert max(crop.shape[:2]) == 320
