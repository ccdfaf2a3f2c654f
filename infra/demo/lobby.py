"""A synthetic lobby-camera clip with known ground truth, for the demo and the edge uploader's tests.

People pass a fixed camera in an office lobby: each walks in from one side, stops facing the camera
for a while, then walks out by the other side. The lobby is drawn procedurally (walls, a tiled floor in
perspective, a door, a notice board, a banner, a reception desk) with seeded sensor noise; each person
is a head cut out of a real photo around the face YuNet finds in it, blended onto a plain drawn torso
with a feathered elliptical mask. Faces grow as people approach, are slightly motion-blurred while they
walk and sharp while they stand still. `build_clip` writes an MJPG .avi and returns, per passage, the
frame times at which the face enters, stops, moves on and leaves, so a tracker's output can be checked.

The clip is derived from the photos, so it shows faces: write it outside the repository (the photos
and anything made from them are never committed).

python -m infra.demo.lobby [--faces DIR] [--models-dir DIR] --out clip.avi [--people N] [--seed N]
"""

from __future__ import annotations

import argparse
import math
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from edge_uploader.config import MODEL_NAME

REPO = Path(__file__).resolve().parents[2]
DETECTOR_FILE = MODEL_NAME  # the uploader's detector: the clip is checked with the model that will watch it
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}

# Lengths in pixels are for a 1280-px-wide frame and scale with the frame width.
BASE_WIDTH = 1280
PAUSE_FACE_WIDTH = 150.0  # face box width while standing still, ± FACE_WIDTH_JITTER per walker
FACE_WIDTH_JITTER = 12.0
STAND_JITTER = 60.0  # horizontal spread of the standing points around the centre
STAND_Y = 0.40  # face centre while standing, as a fraction of the frame height
WALK_SECONDS = 1.5  # from the edge to the standing point, and from there out
ENTRY_SCALE = 0.7  # face size when entering (far from the camera), relative to the standing size
EXIT_SCALE = 0.85  # face size when leaving
SWAY = 1.5  # ± px of sway while standing
EXPOSURE = 1 / 150  # seconds: motion blur length is the speed times this
NOISE_SIGMA = 2.0  # sensor noise, grey levels
NOISE_BANK = 8  # noise fields drawn once; each frame adds one and subtracts another
JPEG_QUALITY = 85

# Head cut-out around the YuNet face box (w × h): 1.9 w wide, from 0.4 h above the box to 0.55 h below.
CUT_WIDTH = 1.9
CUT_ABOVE = 0.4
CUT_BELOW = 0.55
MIN_PHOTO_FACE = 40  # px: a smaller face would have to be enlarged too much
DETECT_MIN_SIDE, DETECT_MAX_SIDE = 320, 1600  # photos are resized into this range for detection

# Torso colours (BGR): suits, shirts, an áo dài.
CLOTHES = [(70, 45, 30), (58, 56, 60), (196, 170, 140), (212, 212, 210), (150, 170, 186), (60, 76, 52),
           (52, 42, 122), (110, 92, 80)]
SHIRT = (222, 222, 218)


@dataclass(frozen=True)
class Walker:
    """One person passing the camera: walks in, pauses facing the camera, walks out."""

    label: str  # ground truth, e.g. the person folder name
    photo: Path
    enter_at: float  # seconds from clip start when the person starts entering the frame
    pause_seconds: float = 2.5  # how long they stand still facing the camera (could be 60 for "stands a minute")
    side: str = "left"  # "left" or "right": where they enter; they leave by the other side
    stand_x: float | None = None  # where the face stops, as a fraction of the width; None: centre ± 60 px


@dataclass(frozen=True)
class PassageTruth:
    """When one walker's face is in the clip; times are frame index / fps."""

    label: str
    photo: Path
    start: float  # seconds: first frame where the face is (at least partly) in the frame
    pause_start: float
    pause_end: float
    end: float  # last frame time the face is in the frame
    # Face box (x, y, w, h) as drawn in the middle frame of the pause, index (first + last pause index) // 2.
    pause_box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Head:
    """A head cut out of a photo, sized for the standing pose."""

    pixels: np.ndarray  # float32 BGR
    alpha: np.ndarray  # float32, 0..1
    face: tuple[float, float, float, float]  # face box inside `pixels`


@dataclass(frozen=True)
class _Plan:
    """Where one walker goes, decided before any frame is drawn."""

    walker: Walker
    head: Head
    from_x: float  # face centre x at the start of the walk in (face just entering)
    stand_x: float
    stand_y: float
    to_x: float  # face centre x at the end of the walk out (face just outside the other edge)
    clothes: tuple[int, int, int]
    sway_phase: float


@dataclass(frozen=True)
class _Pose:
    plan: _Plan
    x: float  # face centre
    y: float
    scale: float  # relative to the standing size
    speed: float  # px/s, horizontal
    paused: bool

    def face_box(self) -> tuple[int, int, int, int]:
        fx, fy, fw, fh = self.plan.head.face
        left, top = self.origin()
        return (left + round(fx * self.scale), top + round(fy * self.scale), round(fw * self.scale),
                round(fh * self.scale))

    def origin(self) -> tuple[int, int]:
        """Top-left corner of the head cut-out in the frame."""
        fx, fy, fw, fh = self.plan.head.face
        return round(self.x - (fx + fw / 2) * self.scale), round(self.y - (fy + fh / 2) * self.scale)


def open_detector(model: Path, score_threshold: float = 0.6) -> cv2.FaceDetectorYN:
    """YuNet from its ONNX file (the input size is set per image)."""
    # OpenCV 5 warns on every detector creation that its new graph engine ignores compute targets.
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    if not model.is_file():
        raise FileNotFoundError(f"YuNet model not found: {model}")
    return cv2.FaceDetectorYN.create(str(model), "", (320, 320), score_threshold, 0.3, 5000)


def detect_faces(detector: cv2.FaceDetectorYN, image: np.ndarray) -> np.ndarray:
    """YuNet rows (x, y, w, h, 5 landmarks, score) in the image's pixels, largest face first.

    Small images are enlarged and large ones reduced first: YuNet misses faces that are tiny in its input.
    """
    height, width = image.shape[:2]
    scale = min(max(1.0, DETECT_MIN_SIDE / min(width, height)), DETECT_MAX_SIDE / max(width, height))
    resized = image
    if scale != 1.0:
        interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        resized = cv2.resize(image, (round(width * scale), round(height * scale)), interpolation=interpolation)
    detector.setInputSize((resized.shape[1], resized.shape[0]))
    _, rows = detector.detect(resized)
    if rows is None:
        return np.zeros((0, 15), np.float32)
    faces = np.array(rows, dtype=np.float32).reshape(-1, 15)
    faces[:, :14] /= scale
    return faces[np.argsort(-faces[:, 2] * faces[:, 3], kind="stable")]


def cut_head(photo: Path, detector: cv2.FaceDetectorYN, face_width: float) -> Head:
    """The head around the largest face in `photo`, scaled so the face box is `face_width` px wide.

    Raises ValueError when the photo cannot be read, has no face or only a tiny one.
    """
    image = cv2.imread(str(photo), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot read {photo}")
    faces = detect_faces(detector, image)
    if not len(faces):
        raise ValueError(f"no face found in {photo}")
    x, y, w, h = (float(v) for v in faces[0, :4])
    if w < MIN_PHOTO_FACE:
        raise ValueError(f"the face in {photo} is {w:.0f} px wide; at least {MIN_PHOTO_FACE} px are needed")
    # Whole-pixel cut region; beyond the photo's edges the cut-out gets no alpha.
    left, top = math.floor(x + w / 2 - CUT_WIDTH * w / 2), math.floor(y - CUT_ABOVE * h)
    right, bottom = math.ceil(x + w / 2 + CUT_WIDTH * w / 2), math.ceil(y + h + CUT_BELOW * h)
    pad = max(0, -left, -top, right - image.shape[1], bottom - image.shape[0])
    padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    inside = cv2.copyMakeBorder(np.ones(image.shape[:2], np.float32), pad, pad, pad, pad, cv2.BORDER_CONSTANT,
                                value=0)
    region = (slice(top + pad, bottom + pad), slice(left + pad, right + pad))
    scale = face_width / w
    size = (round((right - left) * scale), round((bottom - top) * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    pixels = cv2.resize(padded[region], size, interpolation=interpolation)
    inside = cv2.resize(inside[region], size, interpolation=cv2.INTER_LINEAR)
    mask = np.zeros((size[1], size[0]), np.float32)
    feather = 0.06 * size[0]
    centre = (round(size[0] / 2), round(size[1] * 0.47))
    axes = (round(size[0] / 2 - 2 * feather), round(size[1] * 0.47 - 2 * feather))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 1.0, thickness=-1, lineType=cv2.LINE_AA)
    # Other faces in a group photo must not come along.
    for other in faces[1:]:
        ox, oy, ow, oh = ((other[:4] - [left, top, 0, 0]) * scale).tolist()
        cv2.rectangle(mask, (round(ox - 0.2 * ow), round(oy - 0.2 * oh)),
                      (round(ox + 1.2 * ow), round(oy + 1.2 * oh)), 0.0, thickness=-1)
    alpha = cv2.GaussianBlur(mask, (0, 0), feather) * inside
    box = ((x - left) * scale, (y - top) * scale, face_width, h * scale)
    return Head(pixels.astype(np.float32), alpha, box)


def draw_lobby(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """An empty office lobby (BGR), drawn from primitives; `rng` varies its colours and the notices."""
    width, height = size

    def at(fx: float, fy: float) -> tuple[int, int]:
        return round(fx * width), round(fy * height)

    def tint(colour: tuple[int, int, int], spread: int = 10) -> tuple[int, int, int]:
        """The colour a little lighter or darker, its hue nearly unchanged."""
        shift = rng.integers(-spread, spread + 1) + rng.integers(-2, 3, 3)
        return (int(np.clip(colour[0] + shift[0], 0, 255)), int(np.clip(colour[1] + shift[1], 0, 255)),
                int(np.clip(colour[2] + shift[2], 0, 255)))

    def box(top_left: tuple[float, float], bottom_right: tuple[float, float], colour: tuple[int, int, int]) -> None:
        cv2.rectangle(image, at(*top_left), at(*bottom_right), colour, -1, lineType=cv2.LINE_AA)

    horizon = 0.64
    image = np.empty((height, width, 3), np.uint8)
    # Wall: warm off-white, lighter towards the ceiling lights, with a faint low-frequency texture.
    wall = np.array(tint((192, 204, 212)), np.float32)
    shade = np.linspace(1.04, 0.9, round(horizon * height), dtype=np.float32)[:, None, None]
    texture = cv2.resize(rng.normal(0, 3, (12, 20)).astype(np.float32), (width, round(horizon * height)),
                         interpolation=cv2.INTER_CUBIC)[:, :, None]
    image[: round(horizon * height)] = np.clip(wall * shade + texture, 0, 255).astype(np.uint8)
    # Ceiling strip with light panels.
    box((0, 0), (1, 0.05), tint((214, 218, 220)))
    for fx in (0.12, 0.42, 0.72):
        box((fx, 0.012), (fx + 0.16, 0.036), (246, 248, 248))
    # Floor: tiles in perspective towards a vanishing point above the centre.
    box((0, horizon), (1, 1), tint((146, 156, 162)))
    vanishing = (0.5 * width, 0.3 * height)
    grout = tint((118, 126, 132), 6)
    for fx in np.linspace(-1.5, 2.5, 17):
        bottom = (fx * width, float(height))
        t = (horizon * height - vanishing[1]) / (bottom[1] - vanishing[1])
        start = (vanishing[0] + t * (bottom[0] - vanishing[0]), horizon * height)
        cv2.line(image, (round(start[0]), round(start[1])), (round(bottom[0]), height), grout, 1, cv2.LINE_AA)
    for k in range(1, 9):
        y = round((horizon + (1 - horizon) * (k / 8) ** 1.7) * height)
        cv2.line(image, (0, y), (width, y), grout, 1, cv2.LINE_AA)
    box((0, horizon - 0.02), (1, horizon), tint((62, 84, 104)))  # skirting board
    # Door on the left: wooden frame and leaf, frosted glass panel, handle.
    box((0.055, 0.15), (0.205, horizon), tint((44, 62, 84)))
    box((0.065, 0.165), (0.195, horizon), tint((66, 100, 138)))
    box((0.09, 0.2), (0.17, 0.36), tint((176, 170, 160)))
    box((0.175, 0.41), (0.185, 0.43), (168, 172, 176))
    # Notice board: aluminium frame, cork, pinned sheets with lines of text.
    box((0.27, 0.17), (0.47, 0.43), (150, 152, 156))
    box((0.275, 0.18), (0.465, 0.42), tint((92, 134, 170)))
    papers = [(238, 238, 236), (200, 236, 246), (236, 224, 206), (214, 236, 214)]
    for column in range(3):
        for row in range(2):
            fx = 0.285 + column * 0.06 + float(rng.uniform(-0.005, 0.005))
            fy = 0.195 + row * 0.11 + float(rng.uniform(-0.006, 0.006))
            box((fx, fy), (fx + 0.048, fy + 0.095), papers[int(rng.integers(len(papers)))])
            for line in range(int(rng.integers(3, 7))):
                ly = fy + 0.014 + line * 0.012
                box((fx + 0.005, ly), (fx + float(rng.uniform(0.025, 0.043)), ly + 0.003), (110, 110, 112))
    # Banner: muted red with yellow lettering blocks, as in Vietnamese public offices.
    box((0.52, 0.08), (0.93, 0.15), tint((52, 50, 150), 6))
    cursor = 0.545
    while cursor < 0.9:
        word = float(rng.uniform(0.015, 0.04))
        box((cursor, 0.103), (min(cursor + word, 0.905), 0.127), (60, 170, 205))
        cursor += word + 0.01
    # Reception desk on the right: top, front panel, kick plate, a monitor and a name plate.
    box((0.66, 0.40), (0.71, 0.47), (48, 48, 52))
    box((0.675, 0.47), (0.695, 0.5), (70, 70, 74))
    box((0.6, 0.5), (0.97, 0.53), tint((120, 150, 176)))
    box((0.61, 0.53), (0.96, 0.78), tint((70, 104, 140)))
    box((0.61, 0.76), (0.96, 0.79), tint((44, 56, 70)))
    box((0.74, 0.6), (0.84, 0.65), (200, 210, 214))
    box((0.75, 0.618), (0.83, 0.632), (90, 90, 96))
    # Softer than a drawing, darker in the corners like a real lens.
    soft = cv2.GaussianBlur(image, (0, 0), 0.8)
    ys, xs = np.ogrid[:height, :width]
    distance = ((xs - width / 2) / (width / 2)) ** 2 + ((ys - height / 2) / (height / 2)) ** 2
    vignette = (1 - 0.12 * distance / 2).astype(np.float32)[:, :, None]
    return np.clip(soft * vignette, 0, 255).astype(np.uint8)


def photo_folders(faces: Path) -> dict[str, list[Path]]:
    """A photo folder as `<person>/<photo>`: each person's photos (any case of .jpg/.jpeg/.png), sorted."""
    people = {}
    for folder in sorted(faces.iterdir()) if faces.is_dir() else []:
        if folder.is_dir() and not folder.name.startswith("."):
            photos = sorted(p for p in folder.iterdir() if p.suffix.lower() in PHOTO_SUFFIXES)
            if photos:
                people[folder.name] = photos
    return people


def usable(photos: Sequence[Path], detector_model: Path, limit: int | None = None) -> list[Path]:
    """The photos a head can be cut out of (a face YuNet finds, large enough), in order; at most `limit`."""
    detector = open_detector(detector_model)
    kept: list[Path] = []
    for photo in photos:
        if limit is not None and len(kept) >= limit:
            break
        try:
            cut_head(photo, detector, PAUSE_FACE_WIDTH)
        except ValueError:
            continue
        kept.append(photo)
    return kept


def _plan(walker: Walker, size: tuple[int, int], detector: cv2.FaceDetectorYN, rng: np.random.Generator) -> _Plan:
    if walker.side not in ("left", "right"):
        raise ValueError(f"{walker.label}: side must be 'left' or 'right', not {walker.side!r}")
    if walker.pause_seconds < 0 or walker.enter_at < 0:
        raise ValueError(f"{walker.label}: enter_at and pause_seconds must not be negative")
    if walker.stand_x is not None and not 0 < walker.stand_x < 1:
        raise ValueError(f"{walker.label}: stand_x is a fraction of the frame width, between 0 and 1")
    width, height = size
    unit = width / BASE_WIDTH
    face_width = round((PAUSE_FACE_WIDTH + float(rng.uniform(-FACE_WIDTH_JITTER, FACE_WIDTH_JITTER))) * unit)
    head = cut_head(walker.photo, detector, face_width)
    centre = width / 2 if walker.stand_x is None else walker.stand_x * width
    jitter = float(rng.uniform(-STAND_JITTER, STAND_JITTER)) * unit if walker.stand_x is None else 0.0
    stand_y = STAND_Y * height + float(rng.uniform(-12, 12)) * unit
    # At `enter_at` a sliver of the face (4 px) is in the frame; at the end of the walk out it is 2 px beyond.
    entry_half, exit_half = ENTRY_SCALE * face_width / 2 - 4 * unit, EXIT_SCALE * face_width / 2 + 2 * unit
    from_x, to_x = -entry_half, width + exit_half
    if walker.side == "right":
        from_x, to_x = width + entry_half, -exit_half
    clothes = CLOTHES[int(rng.integers(len(CLOTHES)))]
    return _Plan(walker, head, from_x, centre + jitter, stand_y, to_x, clothes, float(rng.uniform(0, 2 * math.pi)))


def _arrival(p: float) -> tuple[float, float]:
    """Share of the way covered after share `p` of the time, and the speed (per unit time), for a walker who
    keeps a steady pace for the first half and then slows down evenly to a stop; played backwards it is a
    start from rest."""
    if p < 0.5:
        return 4 / 3 * p, 4 / 3
    return 4 / 3 * (2 * p - p * p - 0.25), 8 / 3 * (1 - p)


def _pose(plan: _Plan, t: float, height: int) -> _Pose | None:
    """The walker at clip time `t`, or None before they come and after they have gone."""
    u = t - plan.walker.enter_at
    pause = plan.walker.pause_seconds
    if u < 0 or u > 2 * WALK_SECONDS + pause:
        return None
    if u < WALK_SECONDS:  # walking in, slowing down to a stop
        eased, rate = _arrival(u / WALK_SECONDS)
        x = plan.from_x + (plan.stand_x - plan.from_x) * eased
        speed = abs(plan.stand_x - plan.from_x) * rate / WALK_SECONDS
        scale = ENTRY_SCALE + (1 - ENTRY_SCALE) * eased
    elif u <= WALK_SECONDS + pause:  # standing, swaying a little
        sway = SWAY * plan.head.face[2] / PAUSE_FACE_WIDTH
        x = plan.stand_x + sway * math.sin(2 * math.pi * u / 1.7 + plan.sway_phase)
        y = plan.stand_y + 0.6 * sway * math.sin(2 * math.pi * u / 2.3 + plan.sway_phase)
        return _Pose(plan, x, y, 1.0, 0.0, True)
    else:  # walking out, starting from rest
        remaining, rate = _arrival(1 - (u - WALK_SECONDS - pause) / WALK_SECONDS)
        eased = 1 - remaining
        x = plan.stand_x + (plan.to_x - plan.stand_x) * eased
        speed = abs(plan.to_x - plan.stand_x) * rate / WALK_SECONDS
        scale = 1 - (1 - EXIT_SCALE) * eased
    # Farther from the camera the face is smaller and a little higher.
    return _Pose(plan, x, plan.stand_y - (1 - scale) * 0.25 * height, scale, speed, False)


def _visible(box: tuple[int, int, int, int], size: tuple[int, int]) -> bool:
    x, y, w, h = box
    return min(x + w, size[0]) > max(x, 0) and min(y + h, size[1]) > max(y, 0)


def _blend(frame: np.ndarray, pixels: np.ndarray, alpha: np.ndarray, left: int, top: int) -> None:
    """Alpha-blend `pixels` onto `frame` with its top-left corner at (left, top), clipped to the frame."""
    height, width = alpha.shape
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + width, frame.shape[1]), min(top + height, frame.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    part = (slice(y0 - top, y1 - top), slice(x0 - left, x1 - left))
    weight = alpha[part][:, :, None]
    under = frame[y0:y1, x0:x1].astype(np.float32)
    frame[y0:y1, x0:x1] = (under + weight * (pixels[part] - under) + 0.5).astype(np.uint8)


def _draw_person(frame: np.ndarray, pose: _Pose) -> None:
    """Torso (plain clothes) and, on top, the head cut-out; blurred along the walk when moving."""
    head = pose.plan.head
    x, y, w, h = pose.face_box()
    # Shoulders: a half ellipse under the chin, the body straight down to the bottom of the frame.
    shoulders_top = y + h + round(0.12 * h)
    half = round(1.25 * w)
    rise = round(0.6 * w)
    centre_x = x + w // 2
    clothes = pose.plan.clothes
    cv2.ellipse(frame, (centre_x, shoulders_top + rise), (half, rise), 0, 180, 360, clothes, -1, cv2.LINE_AA)
    cv2.rectangle(frame, (centre_x - half, shoulders_top + rise), (centre_x + half, frame.shape[0]), clothes, -1)
    collar = np.array([[centre_x - round(0.3 * w), shoulders_top], [centre_x + round(0.3 * w), shoulders_top],
                       [centre_x, shoulders_top + round(0.7 * w)]], np.int32)
    if sum(clothes) < 450:  # a dark jacket: the shirt shows at the collar
        cv2.fillConvexPoly(frame, collar, SHIRT, cv2.LINE_AA)
    pixels, alpha = head.pixels, head.alpha
    if pose.scale != 1.0:
        size = (max(1, round(alpha.shape[1] * pose.scale)), max(1, round(alpha.shape[0] * pose.scale)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
        alpha = cv2.resize(alpha, size, interpolation=cv2.INTER_AREA)
    streak = round(pose.speed * EXPOSURE)
    if streak >= 2:
        pixels = cv2.blur(pixels, (streak, 1))
        alpha = cv2.blur(alpha, (streak, 1))
    _blend(frame, pixels, alpha, *pose.origin())


def build_clip(walkers: Sequence[Walker], out: Path, *, detector_model: Path, size: tuple[int, int] = (1280, 720),
               fps: float = 10.0, seed: int = 0, tail_seconds: float = 1.0,
               dropout_frames: Sequence[int] = ()) -> list[PassageTruth]:
    """Render the clip to `out` (an .avi with MJPG fourcc, readable by cv2.VideoCapture) and return the ground truth.

    The clip runs until `tail_seconds` after the last face has left. In `dropout_frames` (indices; those
    past the end are ignored) a grey board hides every face. Raises ValueError for a photo without a
    usable face. The same arguments give the same truth and the same frames.
    """
    if fps <= 0 or tail_seconds < 0:
        raise ValueError("fps must be positive and tail_seconds not negative")
    width, height = size
    streams = np.random.SeedSequence(seed).spawn(2 + len(walkers))
    detector = open_detector(detector_model)
    plans = [_plan(walker, size, detector, np.random.default_rng(stream))
             for walker, stream in zip(walkers, streams[2:], strict=True)]
    last = max((math.floor((w.enter_at + 2 * WALK_SECONDS + w.pause_seconds) * fps) for w in walkers), default=-1)
    frames = [[pose for plan in plans if (pose := _pose(plan, index / fps, height)) is not None]
              for index in range(last + 1)]
    truth = _truth(plans, frames, size, fps)
    last_seen = max((round(passage.end * fps) for passage in truth), default=-1)
    count = max(1, last_seen + 1 + round(tail_seconds * fps))
    hidden = set(dropout_frames)

    background = draw_lobby(size, np.random.default_rng(streams[0]))
    noise_rng = np.random.default_rng(streams[1])
    bank = [np.rint(noise_rng.standard_normal((height, width, 3), np.float32) * NOISE_SIGMA)
            for _ in range(NOISE_BANK)]
    brighter = [np.clip(field, 0, 255).astype(np.uint8) for field in bank]
    darker = [np.clip(-field, 0, 255).astype(np.uint8) for field in bank]
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write an MJPG video to {out}")
    writer.set(cv2.VIDEOWRITER_PROP_QUALITY, JPEG_QUALITY)
    try:
        for index in range(count):
            frame = background.copy()
            poses = frames[index] if index < len(frames) else []
            # Nearer people (bigger faces) are drawn last, in front.
            for pose in sorted(poses, key=lambda pose: pose.scale):
                _draw_person(frame, pose)
            if index in hidden:
                for pose in poses:
                    x, y, w, h = pose.face_box()
                    cv2.rectangle(frame, (x - w // 4, y - h // 4), (x + w + w // 4, y + h + h // 4), (128, 128, 128),
                                  -1)
            plus, minus = noise_rng.integers(NOISE_BANK, size=2)
            cv2.add(frame, brighter[plus], dst=frame)
            cv2.subtract(frame, darker[minus], dst=frame)
            writer.write(frame)
    finally:
        writer.release()
    return truth


def _truth(plans: Sequence[_Plan], frames: Sequence[Sequence[_Pose]], size: tuple[int, int],
           fps: float) -> list[PassageTruth]:
    truth = []
    for plan in plans:
        seen = [(index, pose) for index, poses in enumerate(frames) for pose in poses
                if pose.plan is plan and _visible(pose.face_box(), size)]
        paused = [(index, pose) for index, pose in seen if pose.paused]
        if not paused:
            raise ValueError(f"{plan.walker.label}: the pause is shorter than a frame at {fps} fps")
        middle = paused[(len(paused) - 1) // 2]  # pause frames are consecutive
        truth.append(PassageTruth(plan.walker.label, plan.walker.photo, seen[0][0] / fps, paused[0][0] / fps,
                                  paused[-1][0] / fps, seen[-1][0] / fps, middle[1].face_box()))
    return truth


def schedule(labels_and_photos: Sequence[tuple[str, Path]], *, start: float = 0.5, gap: float = 4.0,
             pause_seconds: float = 2.5, seed: int = 0) -> list[Walker]:
    """Convenience: one walker after another, alternating sides, `gap` seconds between entries (so consecutive
    walkers may overlap briefly in the frame, like a real lobby), deterministic jitter from seed.

    Each entry is delayed by up to a quarter of the gap (at most 0.5 s), so nobody enters before `start`.
    """
    rng = np.random.default_rng(seed)
    delay = min(0.5, gap / 4)
    return [Walker(label, photo, round(start + number * gap + float(rng.uniform(0, delay)), 2), pause_seconds,
                   "left" if number % 2 == 0 else "right")
            for number, (label, photo) in enumerate(labels_and_photos)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.demo.lobby", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--faces", default=os.environ.get("FACES_DIR", str(REPO.parent / "shared" / "faces-dev")),
                        help="folder of <person>/*.jpg; the first photo of each person is used")
    parser.add_argument("--models-dir", default=os.environ.get("MODELS_DIR", str(REPO.parent / "shared" / "models")),
                        help=f"folder holding {DETECTOR_FILE}")
    parser.add_argument("--out", required=True, help="the .avi to write (keep it out of the repository)")
    parser.add_argument("--people", type=int, default=4, help="how many people pass, one after another")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    faces, model = Path(args.faces), Path(args.models_dir) / DETECTOR_FILE
    if not model.is_file():
        parser.error(f"{model} not found (--models-dir or MODELS_DIR)")
    folders = photo_folders(faces)
    if args.people < 1 or len(folders) < args.people:
        parser.error(f"--people must be between 1 and the {len(folders)} folders of <person>/<photo> in {faces}")
    people = []
    for name, photos in folders.items():
        first = usable(photos, model, limit=1)
        people += [(name, first[0])] if first else []
    if len(people) < args.people:
        parser.error(f"only {len(people)} people in {faces} have a photo with a usable face")
    people = people[: args.people]
    started = time.monotonic()
    out = Path(args.out)
    truth = build_clip(schedule(people, seed=args.seed), out, detector_model=model, seed=args.seed)
    elapsed = time.monotonic() - started
    print(f"{'label':<16} {'photo':<24} {'start':>6} {'pause':>6} {'moves':>6} {'end':>6}  face box in the pause")
    for passage in truth:
        print(f"{passage.label:<16} {passage.photo.name:<24} {passage.start:6.1f} {passage.pause_start:6.1f} "
              f"{passage.pause_end:6.1f} {passage.end:6.1f}  {passage.pause_box}")
    capture = cv2.VideoCapture(str(out))
    frames = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    capture.release()
    print(f"\n{out}: {frames} frames, rendered in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
