"""Face detection (YuNet), 5-point alignment and embedding (ONNX through cv2.dnn); the enrolment gate is in
`quality`."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np

from .manifest import ModelManifest

if TYPE_CHECKING:
    from .quality import FaceAnalysis, QualityPolicy

# Where the five landmarks of a frontal face sit in the 112×112 crop the ArcFace family of embedders
# (MobileFaceNet, SFace) was trained on; same order as YuNet's landmarks.
ARCFACE_REFERENCE_112 = np.array(
    [
        [38.2946, 51.6963],  # right eye (image left)
        [73.5318, 51.5014],  # left eye
        [56.0252, 71.7366],  # nose tip
        [41.5493, 92.3655],  # right mouth corner
        [70.7299, 92.2041],  # left mouth corner
    ],
    dtype=np.float32,
)
ALIGNED_SIZE = 112

# YuNet misses faces below ~80 px, and even where it finds a face in a tiny image its landmarks are
# coarse: on faces-dev faces cropped to 100 px, the worst similarity to the full-resolution embedding
# was 0.79 without upscaling and 0.87 with it. So images whose shorter side is under this are upscaled
# first: YuNet sees the ~65 px face of a 90×110 camera crop at ~230 px.
MIN_DETECT_SIDE = 320
# Larger images are downscaled for speed; a face that stays detectable at this size is big enough for
# enrolment anyway.
MAX_DETECT_SIDE = 1280
# A face that fills the picture (an ID-photo crop, a 112×112 aligned face, a camera crop cut close) is
# found late or not at all, with coarse landmarks: YuNet was trained on faces with context around them.
# When no face is found, or the main one reaches the picture's edge, the picture is detected again inside
# a border of this fraction of its longer side on every side. See bench/accuracy.py for what it gains.
PAD_FRACTION = 0.25
# "Reaches the edge": the box comes within this fraction of its own size of a border.
_EDGE_FRACTION = 0.05
# Downscaling a large face straight to 112 px with bilinear sampling aliases (each output pixel reads
# 4 input pixels of a 400 px face); the face is warped at up to this many times 112 px, then area-averaged.
MAX_SUPERSAMPLE = 4
# Landmarks of a face the detector saw smaller than this are refined (EngineOptions.refine_landmarks).
REFINE_BELOW_PX = 120
_NMS_THRESHOLD = 0.3
_TOP_K = 5000

@dataclass(frozen=True, eq=False)
class DetectedFace:
    """One face, in the coordinates of the image passed to `detect`."""

    box: tuple[float, float, float, float]  # x, y, w, h
    landmarks: np.ndarray  # (5, 2) float32: right eye, left eye, nose, right mouth, left mouth
    score: float
    # (width, height) of the image it was found in: lets `assess` tell a face cut by the edge.
    frame_size: tuple[int, int] | None = None

    @property
    def size(self) -> float:
        """The face's smaller box side in pixels: what detectors and embedders care about."""
        return min(self.box[2], self.box[3])

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]


def detection_scale(width: int, height: int) -> float:
    """Factor to resize an image by before detection (see MIN_DETECT_SIDE / MAX_DETECT_SIDE)."""
    shorter, longer = min(width, height), max(width, height)
    scale = MIN_DETECT_SIDE / shorter if shorter < MIN_DETECT_SIDE else 1.0
    # The cap wins over the upscale: a 100×3000 strip is not worth a 320×9600 detection.
    return min(scale, MAX_DETECT_SIDE / longer)


def _faces_from_yunet(
    rows: np.ndarray | None, scale: float, frame_size: tuple[int, int]
) -> list[DetectedFace]:
    """Map YuNet output rows (x, y, w, h, 10 landmark coords, score) back to original pixels."""
    if rows is None:
        return []
    faces = []
    for row in np.asarray(rows, dtype=np.float32).reshape(-1, 15):
        x, y, w, h = (row[:4] / scale).tolist()
        landmarks = (row[4:14].reshape(5, 2) / scale).astype(np.float32)
        faces.append(
            DetectedFace(box=(x, y, w, h), landmarks=landmarks, score=float(row[14]), frame_size=frame_size)
        )
    return sorted(faces, key=lambda face: face.area, reverse=True)


@dataclass(frozen=True)
class EngineOptions:
    """How the engine prepares a face before embedding. The defaults are what the product uses; the
    benchmark (bench/accuracy.py) turns them off one by one to show what each gains. Unlike flip-averaging
    (a manifest field, part of the vector space), these only make the same vector more accurate.

    - pad_tight_crops: detect again inside a border when no face is found or the face touches the edge.
    - pad_mode: "replicate" (edge pixels smeared outwards) or "constant" (black border).
    - supersample: warp large faces at a multiple of 112 px and area-average down (anti-aliasing). Off:
      it changed nothing measurable (+1 passage on asian-celeb29, −1 on faces-dev) for a bigger warp.
    - refine_landmarks: a face the detector saw under `REFINE_BELOW_PX` (small, or in a photo shrunk for
      detection) is detected again in a crop around it, at ~160 px, for finer landmarks before aligning.
      Lobby crops (≤ 320 px, upscaled for detection) rarely need it; enrolment photos with small faces do.
    - align_border: how the 112×112 crop is filled where it reaches past the photo: "replicate" or "constant".
    """

    pad_tight_crops: bool = True
    pad_mode: Literal["replicate", "constant"] = "replicate"
    supersample: bool = False
    refine_landmarks: bool = True
    align_border: Literal["replicate", "constant"] = "constant"


_BORDERS = {"replicate": cv2.BORDER_REPLICATE, "constant": cv2.BORDER_CONSTANT}


def touches_edge(face: DetectedFace, width: int, height: int) -> bool:
    """True when the face's box comes within a few percent of its size of the picture's border."""
    x, y, w, h = face.box
    margin = _EDGE_FRACTION * max(w, h)
    return x < margin or y < margin or x + w > width - margin or y + h > height - margin


def similarity_transform(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """2×3 least-squares similarity (rotation, uniform scale, translation) mapping source onto target.

    Umeyama's closed form: deterministic, unlike the RANSAC/LMEDS estimators, so the same photo always
    yields the same embedding.
    """
    src = np.asarray(source, dtype=np.float64)
    dst = np.asarray(target, dtype=np.float64)
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    covariance = dst_c.T @ src_c / len(src)
    u, singular, vt = np.linalg.svd(covariance)
    reflection = np.eye(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        reflection[1, 1] = -1.0
    rotation = u @ reflection @ vt
    variance = (src_c**2).sum() / len(src)
    scale = float(np.trace(np.diag(singular) @ reflection) / variance) if variance > 0 else 1.0
    translation = dst_mean - scale * rotation @ src_mean
    return np.hstack([scale * rotation, translation[:, None]]).astype(np.float32)


def blur_score(aligned: np.ndarray) -> float:
    """Variance of the Laplacian of the grey aligned face: low means blurry.

    Measured on the 112×112 crop, so a sharp face scores alike in a 400 px and a 4000 px photo, and
    only on its inner part (brows to chin, cheek to cheek): the crop's corners hold hair, background
    and, for a face near the photo's edge, the black fill of the warp, whose hard edge would make a
    blurred face look sharp.
    """
    grey = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY) if aligned.ndim == 3 else aligned
    height, width = grey.shape[:2]
    inner = grey[height * 2 // 7 : height * 13 // 14, width // 7 : width * 6 // 7]
    return float(cv2.Laplacian(inner, cv2.CV_64F).var())


def l2_normalise(vector: np.ndarray) -> np.ndarray:
    """float32 unit vector; ValueError for a zero or non-finite vector (it would match nothing sanely)."""
    flat = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(flat))
    if not np.isfinite(norm) or norm == 0.0:
        raise ValueError("embedding has zero or non-finite norm")
    return flat / norm


class FaceEngine:
    """Detect, align and embed faces with one detector and one embedder. Thread-safe."""

    def __init__(
        self,
        detector: cv2.FaceDetectorYN,
        detector_manifest: ModelManifest,
        net: cv2.dnn.Net,
        embedder_manifest: ModelManifest,
        options: EngineOptions | None = None,
    ) -> None:
        if detector_manifest.kind != "detector" or embedder_manifest.kind != "embedder":
            raise ValueError("FaceEngine needs a detector manifest and an embedder manifest")
        self._detector = detector
        self._net = net
        self.detector_manifest = detector_manifest
        self.embedder_manifest = embedder_manifest
        self.options = options or EngineOptions()
        # cv2 nets keep per-call state; the local dev server is threaded.
        self._detector_lock = threading.Lock()
        self._net_lock = threading.Lock()

    @classmethod
    def from_paths(
        cls,
        detector_path: Path,
        detector_manifest: ModelManifest,
        embedder_path: Path,
        embedder_manifest: ModelManifest,
        options: EngineOptions | None = None,
    ) -> FaceEngine:
        """Load both models from (already verified) files."""
        # OpenCV 5 warns on every detector creation that its new graph engine ignores compute targets;
        # harmless (we run on the CPU) and it would fill every function's log.
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
        detector = cv2.FaceDetectorYN.create(
            str(detector_path),
            "",
            (detector_manifest.input_width, detector_manifest.input_height),
            detector_manifest.default_threshold,
            _NMS_THRESHOLD,
            _TOP_K,
        )
        net = cv2.dnn.readNetFromONNX(str(embedder_path))
        return cls(detector, detector_manifest, net, embedder_manifest, options)

    @property
    def model_id(self) -> str:
        """Id of the embedder: galleries are only comparable within one embedder."""
        return self.embedder_manifest.model_id

    @property
    def dimension(self) -> int:
        return int(self.embedder_manifest.dimension or 0)

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        """Faces in a BGR image, largest first, in the image's own pixel coordinates.

        A picture with no face, or whose main face touches its edge, is detected again inside a border
        (`PAD_FRACTION`); the second answer wins when it finds a face. Boxes and landmarks may then reach
        past the picture: the alignment fills what is outside.
        """
        height, width = image.shape[:2]
        if height == 0 or width == 0:
            return []
        faces = self._detect(image, (width, height))
        if self.options.pad_tight_crops and (not faces or touches_edge(faces[0], width, height)):
            pad = max(1, round(PAD_FRACTION * max(width, height)))
            padded = cv2.copyMakeBorder(image, pad, pad, pad, pad, _BORDERS[self.options.pad_mode])
            again = self._detect(padded, (width, height), shift=(-float(pad), -float(pad)))
            if again:
                faces = again
        return faces

    def _detect(
        self, image: np.ndarray, frame_size: tuple[int, int], shift: tuple[float, float] = (0.0, 0.0)
    ) -> list[DetectedFace]:
        """YuNet on the (resized) image; coordinates moved by `shift` (a border added, a crop taken)."""
        height, width = image.shape[:2]
        scale = detection_scale(width, height)
        resized = image
        if scale != 1.0:
            size = (max(1, round(width * scale)), max(1, round(height * scale)))
            interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
            resized = cv2.resize(image, size, interpolation=interpolation)
        with self._detector_lock:
            self._detector.setInputSize((resized.shape[1], resized.shape[0]))
            _, rows = self._detector.detect(resized)
        faces = _faces_from_yunet(rows, scale, frame_size)
        if shift != (0.0, 0.0):
            faces = [
                DetectedFace(
                    box=(face.box[0] + shift[0], face.box[1] + shift[1], face.box[2], face.box[3]),
                    landmarks=(face.landmarks + np.array(shift, dtype=np.float32)).astype(np.float32),
                    score=face.score,
                    frame_size=frame_size,
                )
                for face in faces
            ]
        return faces

    def align(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        """The face warped onto the 112×112 ArcFace template (5-point similarity transform).

        A face larger than the template is warped at an integer multiple of 112 px (up to
        `MAX_SUPERSAMPLE`) and area-averaged down, so every source pixel counts instead of one in four.
        """
        face = self._refined(image, face)
        matrix = similarity_transform(face.landmarks, ARCFACE_REFERENCE_112)
        border = _BORDERS[self.options.align_border]
        shrink = float(np.sqrt(abs(np.linalg.det(matrix[:, :2].astype(np.float64)))))  # output px per input px
        factor = 1
        if self.options.supersample and shrink > 0:
            factor = int(min(MAX_SUPERSAMPLE, max(1, np.floor(1.0 / shrink))))
        if factor == 1:
            return cv2.warpAffine(
                image, matrix, (ALIGNED_SIZE, ALIGNED_SIZE), flags=cv2.INTER_LINEAR, borderMode=border
            )
        # Output pixel i of the area-averaged crop is the mean of supersampled pixels f·i … f·i + f − 1,
        # whose centre is f·i + (f − 1) / 2: the translation keeps the template where it was.
        big = matrix * np.float32(factor)
        big[:, 2] += (factor - 1) / 2.0
        side = ALIGNED_SIZE * factor
        warped = cv2.warpAffine(image, big, (side, side), flags=cv2.INTER_LINEAR, borderMode=border)
        return cv2.resize(warped, (ALIGNED_SIZE, ALIGNED_SIZE), interpolation=cv2.INTER_AREA)

    def _refined(self, image: np.ndarray, face: DetectedFace) -> DetectedFace:
        """The face detected again in a crop of twice its size around it, when the detector saw it small."""
        height, width = image.shape[:2]
        if not self.options.refine_landmarks or face.size * detection_scale(width, height) >= REFINE_BELOW_PX:
            return face
        x, y, w, h = face.box
        cx, cy, half = x + w / 2, y + h / 2, max(w, h)
        left, top = max(int(cx - half), 0), max(int(cy - half), 0)
        right, bottom = min(int(cx + half), width), min(int(cy + half), height)
        if right - left < 8 or bottom - top < 8:
            return face
        found = self._detect(image[top:bottom, left:right], (width, height), shift=(float(left), float(top)))
        # The same face: the detection whose centre is nearest the first one's, if it is within half its size.
        nearest = min(found, key=lambda f: np.hypot(f.box[0] + f.box[2] / 2 - cx, f.box[1] + f.box[3] / 2 - cy),
                      default=None)
        if nearest is None:
            return face
        distance = np.hypot(nearest.box[0] + nearest.box[2] / 2 - cx, nearest.box[1] + nearest.box[3] / 2 - cy)
        return nearest if distance < 0.5 * face.size else face

    def embed(self, aligned: np.ndarray) -> np.ndarray:
        """L2-normalised float32 embedding of an aligned face, in the model's vector space: with
        `flip_average` in its manifest, the normalised sum of the face's and its mirror image's embeddings
        (a face and its mirror are the same person; averaging cancels part of the pose and light noise)."""
        return self._embed_aligned([aligned])[0]

    def _forward_batch(self, crops: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Unit embeddings of aligned crops, in one forward pass (a passage's frames and their mirrors at once
        cost less than one pass each)."""
        manifest = self.embedder_manifest
        blob = cv2.dnn.blobFromImages(
            list(crops),
            scalefactor=manifest.scale,
            size=(manifest.input_width, manifest.input_height),
            mean=manifest.mean,
            swapRB=manifest.swap_rb,
            crop=False,
        )
        with self._net_lock:
            self._net.setInput(blob)
            output = np.asarray(self._net.forward()).reshape(len(crops), -1)
        return [l2_normalise(row) for row in output]

    def embed_faces(self, faces: Sequence[tuple[np.ndarray, DetectedFace]]) -> list[np.ndarray]:
        """`embed_face` of several (image, face) pairs — the frames of one passage — in one forward pass."""
        return self._embed_aligned([self.align(image, face) for image, face in faces])

    def _embed_aligned(self, aligned: list[np.ndarray]) -> list[np.ndarray]:
        """`embed` of several aligned crops, with their mirrors when the manifest says so, in one forward pass."""
        if not aligned:
            return []
        if not self.embedder_manifest.flip_average:
            return self._forward_batch(aligned)
        views = self._forward_batch(aligned + [cv2.flip(crop, 1) for crop in aligned])
        return [l2_normalise(views[i] + views[i + len(aligned)]) for i in range(len(aligned))]

    def embed_face(self, image: np.ndarray, face: DetectedFace) -> np.ndarray:
        """Align and embed one face `detect` found in `image`: what recognition and enrolment compare."""
        return self.embed(self.align(image, face))

    def blur_score(self, aligned: np.ndarray) -> float:
        return blur_score(aligned)

    def analyse(self, image: np.ndarray, policy: QualityPolicy | None = None) -> FaceAnalysis:
        """Main face, its embedding, blur and pose, and the enrolment verdict (see `quality.analyse`)."""
        from .quality import analyse

        return analyse(self, image, policy)


_MOVED_TO_QUALITY = frozenset({"QualityPolicy", "FaceAnalysis", "QualityCode", "main_face", "competing_faces",
                               "assess", "analyse"})


def __getattr__(name: str) -> object:
    """The enrolment gate moved to `quality`; `from face_engine.engine import QualityPolicy` keeps working."""
    if name in _MOVED_TO_QUALITY:
        from . import quality

        return getattr(quality, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
