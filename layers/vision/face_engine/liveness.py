"""Passive liveness: is the face in a capture a person in front of the camera, or a photo or a screen?

One net (MiniFASNetV2-SE by default, see its manifest) scores each frame of a passage; `judge` decides on
the whole passage. A frame's score is the net's real − spoof logit difference on a square crop of
`manifest.context` × the face box's longer side (reflect-padded where the crop leaves the image: the edge's
crop of 1.6× the box leaves little room), averaged with the same crop mirrored. Mirroring halves the
frame-to-frame spread of the score on the samples (bench.liveness), which is what a threshold close to
the live faces' lowest scores needs.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from .engine import DetectedFace
from .manifest import ModelManifest


@dataclass(frozen=True)
class LivenessPolicy:
    """How a passage's frame scores become a verdict.

    A passage is live when the mean of its frame scores reaches `threshold` and no frame falls below
    `frame_floor`: the mean evens out one unlucky frame of a live person, the floor refuses a passage
    where one frame clearly shows a photo or a screen (an attacker cannot be let through by two good frames).
    """

    threshold: float
    frame_floor: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.threshold) and math.isfinite(self.frame_floor)):
            raise ValueError("liveness thresholds must be finite")
        if self.frame_floor > self.threshold:
            raise ValueError("the frame floor cannot be above the passage threshold")


@dataclass(frozen=True)
class LivenessVerdict:
    live: bool
    score: float  # the passage's mean frame score (real − spoof logit difference)
    frames: int


def judge(scores: Sequence[float], policy: LivenessPolicy) -> LivenessVerdict:
    """The passage's verdict from its frames' scores (pure). A non-finite score counts as a spoof."""
    if not scores:
        raise ValueError("a passage needs at least one frame score")
    values = [float(score) if math.isfinite(score) else -math.inf for score in scores]
    mean = sum(values) / len(values)
    live = mean >= policy.threshold and min(values) >= policy.frame_floor
    return LivenessVerdict(live=live, score=mean, frames=len(values))


def context_crop(image: np.ndarray, face: DetectedFace, context: float, size: tuple[int, int]) -> np.ndarray:
    """Square crop of `context` × the box's longer side around its centre, reflect-padded, resized to `size`."""
    x, y, w, h = face.box
    side = max(1, round(max(w, h) * context))
    left, top = round(x + w / 2 - side / 2), round(y + h / 2 - side / 2)
    height, width = image.shape[:2]
    pad_left, pad_top = max(0, -left), max(0, -top)
    pad_right, pad_bottom = max(0, left + side - width), max(0, top + side - height)
    if pad_left or pad_top or pad_right or pad_bottom:
        # Reflection needs the padding to be smaller than the image; a box far outside it (never the case
        # for a detected face) falls back to replicating the edge.
        border = cv2.BORDER_REFLECT_101 if max(pad_left, pad_right) < width and max(pad_top, pad_bottom) < height \
            else cv2.BORDER_REPLICATE
        image = cv2.copyMakeBorder(image, pad_top, pad_bottom, pad_left, pad_right, border)
        left, top = left + pad_left, top + pad_top
    crop = image[top : top + side, left : left + side]
    interpolation = cv2.INTER_AREA if side > max(size) else cv2.INTER_LINEAR
    return cv2.resize(crop, size, interpolation=interpolation)


class LivenessModel:
    """A passive anti-spoofing net loaded from a verified file. Thread-safe (one lock around the net)."""

    def __init__(self, net: cv2.dnn.Net, manifest: ModelManifest) -> None:
        if manifest.kind != "liveness" or manifest.context is None:
            raise ValueError("LivenessModel needs a liveness manifest")
        self._net = net
        self.manifest = manifest
        self._lock = threading.Lock()

    @classmethod
    def from_path(cls, path: Path, manifest: ModelManifest) -> LivenessModel:
        """Load the net from an (already verified, see ModelStore) file."""
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        return cls(cv2.dnn.readNetFromONNX(str(path)), manifest)

    @property
    def model_id(self) -> str:
        return self.manifest.model_id

    def default_policy(self) -> LivenessPolicy:
        """The manifest's threshold for the passage mean; a frame may fall `FRAME_FLOOR_MARGIN` below it."""
        threshold = self.manifest.default_threshold
        return LivenessPolicy(threshold=threshold, frame_floor=threshold - FRAME_FLOOR_MARGIN)

    def _crop(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        manifest = self.manifest
        return context_crop(image, face, float(manifest.context or 1.0), (manifest.input_width, manifest.input_height))

    def _differences(self, crops: Sequence[np.ndarray]) -> np.ndarray:
        """real − spoof logit difference of each crop, in one forward pass."""
        manifest = self.manifest
        blob = cv2.dnn.blobFromImages(list(crops), scalefactor=manifest.scale, mean=manifest.mean,
                                      swapRB=manifest.swap_rb)
        with self._lock:
            self._net.setInput(blob)
            output = np.asarray(self._net.forward(), dtype=np.float64).reshape(len(crops), -1)
        return output[:, 0] - output[:, 1]

    def raw_score(self, image: np.ndarray, face: DetectedFace, *, mirrored: bool = False) -> float:
        """real − spoof logit difference of one view of the face (no mirror average: for benchmarks)."""
        crop = self._crop(image, face)
        if mirrored:
            crop = np.ascontiguousarray(crop[:, ::-1])
        return float(self._differences([crop])[0])

    def score(self, image: np.ndarray, face: DetectedFace) -> float:
        """The frame's score: real − spoof logit difference, averaged over the crop and its mirror image.

        `face` is a detection in `image` (FaceEngine.detect on the same array).
        """
        return self.scores([(image, face)])[0]

    def scores(self, faces: Sequence[tuple[np.ndarray, DetectedFace]]) -> list[float]:
        """`score` of several (image, face) pairs — the frames of one passage — in one forward pass."""
        crops = [self._crop(image, face) for image, face in faces]
        if not crops:
            return []
        differences = self._differences(crops + [np.ascontiguousarray(crop[:, ::-1]) for crop in crops])
        return [float((differences[i] + differences[i + len(crops)]) / 2) for i in range(len(crops))]


# How far below the passage threshold a single frame may score (see LivenessPolicy). On the simulated passages
# of bench.liveness it refuses nothing the mean does not (neither live nor spoof): it guards real passages,
# whose frames differ more than one photo jittered, against an attack that scores well in only some frames.
FRAME_FLOOR_MARGIN = 2.0
