"""Passages: one capture of up to 3 crops per person passing, from synthetic faces on a textured frame at 10 fps.

The synthetic faces have YuNet's geometry on real frontal photos (the nose 0.58 of the way from the eye line
to the mouth line); the check against the real detector is in test_detector.py.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence

import cv2
import numpy as np
import pytest

from edge_uploader.detector import Face
from edge_uploader.passages import (
    Candidate,
    Emission,
    PassagePolicy,
    PassageTracker,
    crop_face,
    face_quality,
    frontal_score,
    select_frames,
)

FPS = 10
PAUSE = PassagePolicy().pause_seconds  # 2 s: what the lobby screen asks for
GAP = PassagePolicy().frame_gap_seconds
T0 = 1_763_600_000.0
SHARP = np.random.default_rng(0).integers(0, 255, (720, 1280, 3), np.uint8)
BLURRED = cv2.GaussianBlur(SHARP, (0, 0), 2)

Frame = tuple[np.ndarray, list[Face]]


def at(index: int) -> float:
    return T0 + index / FPS


def face(cx: float, cy: float = 360.0, width: float = 160.0, *, nose_dx: float = 0.0, nose_dy: float = 0.0,
         score: float = 0.9) -> Face:
    """A frontal face centred at (cx, cy); nose_dx moves the nose sideways (a fraction of the width: yaw),
    nose_dy up or down (a fraction of the height: pitch)."""
    height = width * 1.2
    x, y = cx - width / 2, cy - height / 2
    landmarks = np.array([
        [x + 0.30 * width, y + 0.40 * height],               # right eye (on the image's left)
        [x + 0.70 * width, y + 0.40 * height],               # left eye
        [x + (0.50 + nose_dx) * width, y + (0.60 + nose_dy) * height],   # nose tip
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


def spread_apart(emission: Emission, gap: float = GAP) -> bool:
    times = sorted(frame.time for frame in emission.frames)
    return all(later - earlier >= gap - 1e-6 for earlier, later in itertools.pairwise(times))


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
    # THEN exactly one capture, marked as a pause, sent while the person was standing, about 2 s into the pause
    assert len(emitted) == 1
    sent_at, emission = emitted[0]
    assert emission.paused is True
    assert at(15) + PAUSE - 0.05 <= sent_at <= at(15) + PAUSE + 0.25
    # AND it holds 3 crops, all taken while standing (the face the lobby screen asked to hold still),
    # spread over the pause: at least 0.5 s apart, not three consecutive frames
    assert len(emission.frames) == 3
    assert all(at(15) <= frame.time <= sent_at for frame in emission.frames)
    assert spread_apart(emission)
    assert emission.quality == pytest.approx(0.9)
    assert all(0 < max(crop.shape[:2]) <= 320 and crop.shape[2] == 3 for crop in emission.crops)


def test_standing_still_for_a_minute_is_one_capture() -> None:
    # GIVEN a person standing in front of the camera for 60 s, then leaving
    emitted = run(PassageTracker(), walk([400, 440, 480]) + stand(520, 600) + nobody(60))
    # THEN one capture, sent about 2 s after they stopped, from frames taken while standing
    assert len(emitted) == 1
    sent_at, emission = emitted[0]
    assert emission.paused is True
    assert at(3) + PAUSE - 0.05 <= sent_at <= at(3) + PAUSE + 0.25
    assert all(at(3) <= frame.time <= sent_at for frame in emission.frames) and len(emission.frames) == 3


def test_told_to_look_at_the_camera_after_a_spoof_verdict_a_person_gets_one_more_passage() -> None:
    # GIVEN a person whose first capture was answered "spoof_suspected" while they still stand there
    tracker = PassageTracker()
    first = run(tracker, walk([400, 440, 480]) + stand(520, 25))
    assert len(first) == 1
    track_id = first[0][1].track_id
    refused_at = at(27)
    # WHEN the uploader re-arms their track (the screen asks them to look straight at the camera)
    assert tracker.look_again(track_id, refused_at) is True
    assert tracker.look_again(track_id, refused_at) is False  # once per passage
    later = []
    for index in range(28, 28 + 40):
        later.extend((at(index), e) for e in tracker.update(SHARP, at(index), [face(520)]))
    # THEN exactly one new capture, from frames taken after the verdict, after a new 2-second pause
    assert len(later) == 1
    sent_at, emission = later[0]
    assert emission.track_id == track_id
    assert all(frame.time >= refused_at for frame in emission.frames)
    assert sent_at >= refused_at + PAUSE - 0.05
    # AND a second verdict gives no third try: the photo held up is not retried for ever
    assert tracker.look_again(track_id, sent_at) is False
    assert [e for index in range(68, 130) for e in tracker.update(SHARP, at(index), [face(520)])] == []


def test_detection_flicker_does_not_make_a_second_capture() -> None:
    # GIVEN a person pausing, whose face the detector misses for 3 frames during the pause
    frames = walk([300 + 40 * i for i in range(10)]) + stand(700, 3) + nobody(3) + stand(700, 20)  # 0..35
    # AND, after the capture was sent, for 20 frames (2 s: they looked down at their phone)
    frames += nobody(20) + stand(700, 15) + nobody(60)
    # WHEN the tracker follows them
    emitted = run(PassageTracker(), frames)
    # THEN still one capture, sent during the pause after the first gap
    assert len(emitted) == 1
    sent_at, emission = emitted[0]
    assert emission.paused is True
    assert at(10) + PAUSE - 0.05 <= sent_at <= at(36)


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
    assert all(at(10) + PAUSE - 0.05 <= sent_at <= at(39) for sent_at, _ in emitted)


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
    assert all(at(0) <= frame.time <= at(31) for frame in emission.frames)
    assert len(emission.frames) == 3 and spread_apart(emission)
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
    standing = [face(300)] * 26
    walker = [face(1200 - 40 * i) for i in range(6)]
    frames: list[Frame] = [(SHARP, [s]) for s in standing[:20]] + [
        (SHARP, [s, w]) for s, w in zip(standing[20:], walker, strict=True)]
    tracker = PassageTracker()
    emitted = run(tracker, frames)
    assert len(emitted) == 1 and emitted[0][1].paused
    # WHEN the source ends
    flushed = tracker.flush()
    # THEN only the walker is sent, as not paused
    assert len(flushed) == 1
    assert flushed[0].paused is False
    assert flushed[0].track_id != emitted[0][1].track_id
    assert all(at(20) <= frame.time <= at(25) for frame in flushed[0].frames)
    # AND nothing is left to send
    assert tracker.flush() == []


def test_in_single_crop_mode_the_capture_is_the_sharpest_most_frontal_frame() -> None:
    # GIVEN a person walking in with motion blur, then standing sharp but turned slightly,
    # except for one moment they look straight at the camera (pause frame 4, i.e. frame 14)
    frames = walk([200 + 40 * i for i in range(10)], image=BLURRED)                                   # 0..9
    frames += [(SHARP, [face(640, nose_dx=0.0 if i == 4 else 0.06)]) for i in range(25)] + nobody(60)  # 10..34
    straight = face(640)
    assert face_quality(SHARP, straight) > face_quality(SHARP, face(640, nose_dx=0.06)) > 0.2
    assert face_quality(SHARP, face(640, nose_dx=0.06)) > face_quality(BLURRED, straight) > 0.2
    # WHEN the tracker follows them, set to send one crop per passage
    emitted = run(PassageTracker(PassagePolicy(frames_per_passage=1)), frames)
    # THEN the one capture is one crop: that sharp, frontal moment, cut from the sharp frame
    assert len(emitted) == 1
    _, emission = emitted[0]
    assert len(emission.frames) == 1
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


def test_three_frames_are_the_most_frontal_moments_spread_over_the_pause() -> None:
    # GIVEN a person standing 2.5 s, turned slightly, who looks straight at the camera at three moments
    # (pause frames 2, 9 and 16: 0.7 s apart), walking in with motion blur before
    straight_at = {12, 19, 26}
    frames = walk([200 + 40 * i for i in range(10)], image=BLURRED)                                      # 0..9
    frames += [(SHARP, [face(640, nose_dx=0.0 if i in straight_at else 0.06)]) for i in range(10, 35)]   # 10..34
    frames += nobody(60)
    # WHEN the tracker follows them
    emitted = run(PassageTracker(), frames)
    # THEN the capture holds exactly those three frontal frames, none of the blurred ones
    [(_, emission)] = emitted
    assert sorted(frame.time for frame in emission.frames) == [at(i) for i in sorted(straight_at)]
    assert all(np.array_equal(crop, crop_face(SHARP, face(640))) for crop in emission.crops)


def test_the_best_moment_is_first_and_its_neighbours_are_not_sent_with_it() -> None:
    # GIVEN a person standing 2.5 s, slightly turned, looking straight for half a second (frames 20..24):
    # five consecutive near-identical frontal frames, the best of the pause
    frames = walk([200 + 40 * i for i in range(10)])
    frames += [(SHARP, [face(640, nose_dx=0.0 if 20 <= i <= 24 else 0.05)]) for i in range(10, 35)] + nobody(60)
    # WHEN the tracker follows them
    [(_, emission)] = run(PassageTracker(), frames)
    # THEN the first crop is from that frontal half second, and the other two are not its neighbours:
    # every pair is at least 0.5 s apart
    assert at(20) <= emission.frames[0].time <= at(24)
    assert len(emission.frames) == 3 and spread_apart(emission)
    assert sum(at(20) <= frame.time <= at(24) for frame in emission.frames) == 1
    assert emission.frames[0].quality > emission.frames[1].quality >= emission.frames[2].quality


def test_a_short_pause_sends_fewer_frames_rather_than_near_copies() -> None:
    # GIVEN a person walking in, standing only 0.4 s, and leaving: every frame but the standing ones blurred
    frames = walk([100 + 40 * i for i in range(10)], image=BLURRED) + stand(500, 4)
    frames += walk([540 + 40 * i for i in range(10)], image=BLURRED) + nobody(30)
    # WHEN the tracker follows them
    [(_, emission)] = run(PassageTracker(), frames)
    # THEN it is sent when they are gone (not a full pause), the best standing frame first; a blurred frame
    # from walking may follow, but never two frames less than 0.5 s apart
    assert emission.paused is False
    assert at(10) <= emission.frames[0].time <= at(13)
    assert spread_apart(emission)


def candidates(*pairs: tuple[float, float]) -> list[Candidate]:
    crop = np.zeros((2, 2, 3), np.uint8)
    return [Candidate(T0 + seconds, quality, crop) for seconds, quality in pairs]


def times(chosen: tuple[Candidate, ...]) -> list[float]:
    return [round(candidate.time - T0, 2) for candidate in chosen]


@pytest.mark.parametrize(("pairs", "count", "kwargs", "expected"), [
    # best first, then the next best at least 0.5 s from every frame taken
    ([(0.0, 0.5), (0.1, 0.9), (0.2, 0.8), (0.3, 0.7), (0.7, 0.6), (1.5, 0.55)], 3, {}, [0.1, 0.7, 1.5]),
    # three consecutive best frames: only one of them
    ([(1.0, 0.9), (1.1, 0.9), (1.2, 0.9), (0.0, 0.5), (2.0, 0.5)], 3, {}, [1.0, 0.0, 2.0]),
    # at most `count`
    ([(0.0, 0.9), (0.6, 0.8), (1.2, 0.7), (1.8, 0.6)], 2, {}, [0.0, 0.6]),
    ([(0.0, 0.9), (0.6, 0.8), (1.2, 0.7), (1.8, 0.6)], 1, {}, [0.0]),
    # nothing near enough to spread: fewer frames, never crowded
    ([(0.0, 0.9), (0.1, 0.8), (0.2, 0.7)], 3, {}, [0.0]),
    # below the floor, or far below the best: left out
    ([(0.0, 0.9), (0.6, 0.1), (1.2, 0.5)], 3, {"min_quality": 0.2}, [0.0, 1.2]),
    ([(0.0, 0.9), (0.6, 0.44), (1.2, 0.46)], 3, {"min_relative_quality": 0.5}, [0.0, 1.2]),
    ([(0.0, 0.1)], 3, {"min_quality": 0.2}, []),
    ([], 3, {}, []),
])
def test_select_frames(pairs: list[tuple[float, float]], count: int, kwargs: dict[str, float],
                       expected: list[float]) -> None:
    assert times(select_frames(candidates(*pairs), count, 0.5, **kwargs)) == expected


@pytest.mark.parametrize(("turned", "expected_range"), [
    # (eyes at 0.40 of the box height, mouth at 0.75, nose at 0.60: 0.57 of the way down, as on real photos)
    (face(640), (1.0, 1.0)),                        # straight at the camera
    (face(640, nose_dx=0.05), (0.7, 0.75)),         # turned a little (0.125 eye distances)
    (face(640, nose_dx=-0.15), (0.1, 0.2)),         # turned far (0.375 eye distances)
    (face(640, nose_dx=-0.3), (0.0, 0.0)),          # in profile
    (face(640, nose_dy=0.02), (1.0, 1.0)),          # within the spread of frontal photos (0.63)
    (face(640, nose_dy=-0.02), (1.0, 1.0)),         # (0.51)
    (face(640, nose_dy=0.05), (0.8, 0.9)),          # looking down a little (0.71)
    (face(640, nose_dy=0.10), (0.25, 0.35)),        # looking down (0.86)
    (face(640, nose_dy=-0.05), (0.75, 0.85)),       # looking up a little (0.43)
    (face(640, nose_dy=-0.12), (0.0, 0.0)),         # looking up, the nose near the eye line (0.23)
])
def test_frontal_score_from_the_landmarks(turned: Face, expected_range: tuple[float, float]) -> None:
    low, high = expected_range
    assert low - 1e-6 <= frontal_score(turned) <= high + 1e-6


def test_frontal_score_ignores_roll_for_yaw_and_pitch_but_counts_it_once() -> None:
    # GIVEN a frontal face, and the same face rotated 20° in the image plane (a tilted head)
    straight = face(640)
    angle = math.radians(20)
    cx, cy = straight.center
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]], np.float32)
    tilted = Face(straight.box, (straight.landmarks - [cx, cy]) @ rotation.T + [cx, cy], straight.score)
    # THEN the tilted one loses only the roll term (20° of 35°)
    assert frontal_score(tilted) == pytest.approx(1 - 20 / 35, abs=0.02)


def test_single_frame_policy_and_a_pause_too_short_for_its_frames() -> None:
    assert PassagePolicy(frames_per_passage=1, pause_seconds=0.3).frames_per_passage == 1
    with pytest.raises(ValueError, match="do not fit"):
        PassagePolicy(pause_seconds=0.8, frame_gap_seconds=0.5)
    with pytest.raises(ValueError, match="1 to 3"):
        PassagePolicy(frames_per_passage=4)


def test_the_uploader_re_arms_the_track_whose_capture_was_refused_as_a_spoof() -> None:
    """The sender thread only notes the verdict; the main loop re-arms the track (the tracker is not thread-safe)."""
    import threading

    from edge_uploader.runner import Uploader

    tracker = PassageTracker()
    [(_, emission)] = run(tracker, walk([400, 440, 480]) + stand(520, 25))
    uploader = Uploader.__new__(Uploader)  # only the parts the verdict touches: no camera, queue or sender
    uploader.tracker, uploader._lock = tracker, threading.Lock()
    uploader._captures, uploader._answers, uploader._look_again, uploader._banner = {}, {}, [], None
    uploader._captures[emission.track_id] = "c-1"
    uploader._answered("c-2-someone-else", {"result": "matched", "display_message": "Xin chào"})
    uploader._answered("c-1", {"result": "spoof_suspected", "display_message": "Vui lòng nhìn thẳng vào camera."})
    uploader._rearm_refused(at(28))
    [track] = tracker.tracks
    assert (track.sent, track.looked_again) == (False, True)
    assert uploader._look_again == []
    uploader._rearm_refused(at(29))  # nothing pending: nothing changes
    assert track.anchor_time == at(28)
