"""The synthetic lobby clip (infra/demo/lobby.py): YuNet sees the faces where and when the ground truth says.

Real photos and the real YuNet model; the clips are written under pytest's tmp_path, never into the
repository (they show faces).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from infra.demo.lobby import DETECTOR_FILE, PassageTruth, Walker, build_clip, photo_folders, schedule, usable

FPS = 10.0
TAIL = 1.0
# Several people; a small face in a large photo (98 px in 1024 × 511), a group photo (four faces),
# a face that fills most of its photo (441 px), and two different photos of one person.
PASSERS = [("kit_harington", "john1.jpg"), ("person02", "img54.jpg"), ("obama", "obama.jpg"),
           ("person09", "img24.jpg"), ("obama", "obama3.jpg"), ("rose_leslie", "img1.jpg")]


@dataclass(frozen=True)
class Clip:
    path: Path
    walkers: list[Walker]
    truth: list[PassageTruth]
    dropouts: list[int]
    count: int  # frames actually decoded
    frames: dict[int, np.ndarray]  # the frames the tests look at


def index_of(seconds: float) -> int:
    return round(seconds * FPS)


def mid_pause(passage: PassageTruth) -> int:
    return (index_of(passage.pause_start) + index_of(passage.pause_end)) // 2


def read_frames(path: Path, wanted: Iterable[int]) -> tuple[int, dict[int, np.ndarray]]:
    """How many frames the clip has, and the wanted ones (decoding only those)."""
    wanted = set(wanted)
    capture = cv2.VideoCapture(str(path))
    assert capture.isOpened(), f"cv2 cannot open {path}"
    frames, count = {}, 0
    while capture.grab():
        if count in wanted:
            ok, frame = capture.retrieve()
            assert ok
            frames[count] = frame
        count += 1
    capture.release()
    return count, frames


def faces_in(detector: cv2.FaceDetectorYN, frame: np.ndarray) -> np.ndarray:
    """YuNet rows (x, y, w, h, …, score) for a whole frame."""
    detector.setInputSize((frame.shape[1], frame.shape[0]))
    _, rows = detector.detect(frame)
    return np.zeros((0, 15), np.float32) if rows is None else np.asarray(rows).reshape(-1, 15)


def read_photo(path: Path) -> np.ndarray:
    image = cv2.imread(str(path))
    assert image is not None, f"cannot read {path}"
    return image


def centre(box: Iterable[float]) -> tuple[float, float]:
    x, y, w, h = list(box)[:4]
    return x + w / 2, y + h / 2


@pytest.fixture(scope="module")
def detector(models_dir: Path) -> cv2.FaceDetectorYN:
    # A lower threshold than the product's 0.6: "no face" must hold for weak detections too.
    return cv2.FaceDetectorYN.create(str(models_dir / DETECTOR_FILE), "", (320, 320), 0.5, 0.3, 5000)


@pytest.fixture(scope="module")
def clip(faces_dir: Path, models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Clip:
    walkers = schedule([(person, faces_dir / person / name) for person, name in PASSERS], seed=3)
    # Faces hidden: half a second into the third person's pause, and while the fourth is walking in.
    dropouts = [math.ceil((walkers[2].enter_at + 2.0) * FPS), math.ceil((walkers[3].enter_at + 0.6) * FPS)]
    path = tmp_path_factory.mktemp("lobby") / "clip.avi"
    truth = build_clip(walkers, path, detector_model=models_dir / DETECTOR_FILE, fps=FPS, seed=3,
                       tail_seconds=TAIL, dropout_frames=dropouts)
    before = range(index_of(truth[0].start))
    tail = range(index_of(truth[-1].end) + 1, index_of(truth[-1].end + TAIL) + 1)
    count, frames = read_frames(path, [*before, *tail, *dropouts, *(mid_pause(p) for p in truth)])
    return Clip(path, walkers, truth, dropouts, count, frames)


def test_schedule_alternates_sides_at_the_gap_and_is_deterministic(tmp_path: Path) -> None:
    people = [(f"p{n}", tmp_path / f"{n}.jpg") for n in range(5)]
    walkers = schedule(people, start=1.0, gap=3.0, pause_seconds=4.0, seed=7)
    assert [w.side for w in walkers] == ["left", "right", "left", "right", "left"]
    assert [w.label for w in walkers] == ["p0", "p1", "p2", "p3", "p4"]
    assert all(w.pause_seconds == 4.0 for w in walkers)
    for number, walker in enumerate(walkers):
        assert 1.0 + 3.0 * number <= walker.enter_at <= 1.0 + 3.0 * number + 0.5
    assert schedule(people, start=1.0, gap=3.0, pause_seconds=4.0, seed=7) == walkers
    assert schedule(people, start=1.0, gap=3.0, pause_seconds=4.0, seed=8) != walkers


def test_clip_opens_with_the_expected_size_and_length(clip: Clip) -> None:
    capture = cv2.VideoCapture(str(clip.path))
    assert capture.isOpened()
    assert (capture.get(cv2.CAP_PROP_FRAME_WIDTH), capture.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (1280, 720)
    assert capture.get(cv2.CAP_PROP_FPS) == pytest.approx(FPS)
    assert int(capture.get(cv2.CAP_PROP_FOURCC)) == cv2.VideoWriter.fourcc(*"MJPG")
    capture.release()
    assert clip.count == index_of(clip.truth[-1].end) + 1 + index_of(TAIL)
    assert abs(clip.count - (clip.truth[-1].end + TAIL) * FPS) <= 1


def test_truth_follows_each_walk(clip: Clip) -> None:
    assert [p.label for p in clip.truth] == [person for person, _ in PASSERS]
    for walker, passage in zip(clip.walkers, clip.truth, strict=True):
        assert passage.photo == walker.photo
        # The face shows from the first frame at or after enter_at; times are frame times.
        assert passage.start == math.ceil(walker.enter_at * FPS - 1e-9) / FPS
        assert all(index_of(t) == pytest.approx(t * FPS) for t in (passage.start, passage.pause_start,
                                                                   passage.pause_end, passage.end))
        assert passage.pause_start - passage.start == pytest.approx(1.5, abs=0.15)
        assert passage.pause_end - passage.pause_start == pytest.approx(walker.pause_seconds, abs=0.15)
        assert passage.end - passage.pause_end == pytest.approx(1.5, abs=0.15)
        x, _ = centre(passage.pause_box)
        assert abs(x - 640) <= 60 + 5
        assert 130 <= passage.pause_box[2] <= 170


def test_yunet_finds_each_face_where_it_pauses(clip: Clip, detector: cv2.FaceDetectorYN) -> None:
    for passage in clip.truth:
        index = mid_pause(passage)
        # Nobody else is in the frame in the middle of a pause with the default gap.
        assert [p.label for p in clip.truth if p.start <= index / FPS <= p.end] == [passage.label]
        faces = faces_in(detector, clip.frames[index])
        assert len(faces) == 1, f"{passage.label} ({passage.photo.name}) at frame {index}: {faces[:, :4]}"
        assert 110 <= faces[0, 2] <= 190
        assert faces[0, 2] == pytest.approx(passage.pause_box[2], rel=0.15)
        (x, y), (expected_x, expected_y) = centre(faces[0]), centre(passage.pause_box)
        assert abs(x - expected_x) <= 15 and abs(y - expected_y) <= 20, (passage.label, faces[0, :4])


def test_no_face_before_the_first_walker_in_the_tail_or_in_dropouts(clip: Clip,
                                                                  detector: cv2.FaceDetectorYN) -> None:
    empty = [i for i in clip.frames if i < index_of(clip.truth[0].start) or i > index_of(clip.truth[-1].end)]
    assert len(empty) >= index_of(0.5) + index_of(TAIL)
    for index in [*empty, *clip.dropouts]:
        assert len(faces_in(detector, clip.frames[index])) == 0, f"a face in frame {index}"
    # The dropouts fall where somebody is in the frame.
    for index in clip.dropouts:
        assert any(p.start <= index / FPS <= p.end for p in clip.truth)


def test_two_people_standing_side_by_side_at_another_size(faces_dir: Path, models_dir: Path, tmp_path: Path,
                                                          detector: cv2.FaceDetectorYN) -> None:
    walkers = [Walker("biden", faces_dir / "biden" / "biden.jpg", 0.3, 3.0, "left", stand_x=0.27),
               Walker("person05", faces_dir / "person05" / "img16.jpg", 0.5, 3.0, "right", stand_x=0.73)]
    truth = build_clip(walkers, tmp_path / "pair.avi", detector_model=models_dir / DETECTOR_FILE, size=(960, 540),
                       fps=FPS, tail_seconds=0.5)
    index = (index_of(truth[1].pause_start) + index_of(truth[0].pause_end)) // 2
    count, frames = read_frames(tmp_path / "pair.avi", [index])
    assert count == index_of(max(p.end for p in truth)) + 1 + index_of(0.5)
    assert frames[index].shape == (540, 960, 3)
    faces = sorted(faces_in(detector, frames[index]).tolist(), key=lambda face: face[0])
    assert len(faces) == 2
    for face, passage in zip(faces, truth, strict=True):
        assert 0.75 * 110 <= face[2] <= 0.75 * 190
        assert np.hypot(*np.subtract(centre(face), centre(passage.pause_box))) <= 15


def test_same_seed_same_clip(faces_dir: Path, models_dir: Path, tmp_path: Path) -> None:
    walkers = [Walker("person11", faces_dir / "person11" / "img29.jpg", 0.2, 1.0, "right")]
    model = models_dir / DETECTOR_FILE
    runs = [build_clip(walkers, tmp_path / f"{name}.avi", detector_model=model, size=(640, 360), seed=seed)
            for name, seed in (("a", 5), ("b", 5), ("c", 6))]
    firsts = [read_frames(tmp_path / f"{name}.avi", [0])[1][0] for name in "abc"]
    assert runs[0] == runs[1]
    assert firsts[0].tobytes() == firsts[1].tobytes()
    assert (tmp_path / "a.avi").read_bytes() == (tmp_path / "b.avi").read_bytes()
    assert firsts[0].tobytes() != firsts[2].tobytes()


def test_a_photo_without_a_face_is_refused(models_dir: Path, tmp_path: Path) -> None:
    blank = tmp_path / "wall.jpg"
    cv2.imwrite(str(blank), np.full((400, 300, 3), 180, np.uint8))
    with pytest.raises(ValueError, match="no face"):
        build_clip([Walker("nobody", blank, 0.0)], tmp_path / "x.avi", detector_model=models_dir / DETECTOR_FILE)


def test_a_photo_larger_than_the_detector_input(faces_dir: Path, models_dir: Path, tmp_path: Path,
                                                detector: cv2.FaceDetectorYN) -> None:
    # The small face of john1.jpg in a 3072 × 1533 photo: detected on a reduced copy, cut from the full one.
    photo = read_photo(faces_dir / "kit_harington" / "john1.jpg")
    large = tmp_path / "large.jpg"
    cv2.imwrite(str(large), cv2.resize(photo, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC))
    truth = build_clip([Walker("kit_harington", large, 0.0, 1.0)], tmp_path / "large.avi",
                       detector_model=models_dir / DETECTOR_FILE, fps=FPS, tail_seconds=0.0)
    index = mid_pause(truth[0])
    _, frames = read_frames(tmp_path / "large.avi", [index])
    faces = faces_in(detector, frames[index])
    assert len(faces) == 1
    assert np.hypot(*np.subtract(centre(faces[0]), centre(truth[0].pause_box))) <= 15
    assert 110 <= faces[0, 2] <= 190


def test_a_tiny_face_is_refused(faces_dir: Path, models_dir: Path, tmp_path: Path) -> None:
    photo = read_photo(faces_dir / "kit_harington" / "john1.jpg")
    small = tmp_path / "small.jpg"
    cv2.imwrite(str(small), cv2.resize(photo, None, fx=0.3, fy=0.3, interpolation=cv2.INTER_AREA))
    with pytest.raises(ValueError, match="px wide"):
        build_clip([Walker("kit_harington", small, 0.0)], tmp_path / "x.avi",
                   detector_model=models_dir / DETECTOR_FILE)
    assert not (tmp_path / "x.avi").exists()


def test_a_photo_folder_of_any_layout_is_read(tmp_path: Path, faces_dir: Path, models_dir: Path) -> None:
    # GIVEN a FACES folder with upper-case suffixes, PNGs, a hidden folder, an empty folder and a photo without a face
    obama = sorted((faces_dir / "obama").glob("*.jpg"))
    (tmp_path / "an").mkdir()
    (tmp_path / "an" / "A.JPG").write_bytes(obama[0].read_bytes())
    cv2.imwrite(str(tmp_path / "an" / "b.png"), cv2.imread(str(obama[1])))
    (tmp_path / "an" / "c.jpg").write_bytes(cv2.imencode(".jpg", np.full((400, 400, 3), 90, np.uint8))[1].tobytes())
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "x.jpg").write_bytes(obama[0].read_bytes())
    (tmp_path / "empty").mkdir()
    # WHEN it is listed and its usable photos picked
    folders = photo_folders(tmp_path)
    # THEN only real people count, every photo format is seen, and the faceless photo is not used
    assert {name: [p.name for p in photos] for name, photos in folders.items()} == {"an": ["A.JPG", "b.png", "c.jpg"]}
    assert [p.name for p in usable(folders["an"], models_dir / DETECTOR_FILE)] == ["A.JPG", "b.png"]
    assert [p.name for p in usable(folders["an"], models_dir / DETECTOR_FILE, limit=1)] == ["A.JPG"]
