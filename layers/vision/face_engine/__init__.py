"""Face engine for the vision layer: model manifests and verified model files, image decoding,
YuNet detection, 5-point alignment, ONNX embeddings, enrolment quality, the gallery and passive liveness.

Importing the package loads no model and touches no network or disk beyond the package itself.
"""

from .engine import DetectedFace, EngineOptions, FaceEngine, blur_score
from .fusion import fuse
from .gallery import Gallery, Match, decide
from .image import InvalidImage, decode_image, encode_jpeg
from .liveness import LivenessModel, LivenessPolicy, LivenessVerdict, judge
from .manifest import ModelManifest, UnknownModelError, available_manifests, load_manifest
from .model_files import ModelIntegrityError, ModelStore, fetch_url, sha256_file, upload_to_s3
from .pose import Pose, estimate_pose
from .quality import (
    FaceAnalysis,
    QualityCode,
    QualityPolicy,
    Verdict,
    analyse,
    assess,
    blur_sigma,
    judge_photo,
    main_face,
)

__all__ = [
    "DetectedFace",
    "EngineOptions",
    "FaceAnalysis",
    "FaceEngine",
    "Gallery",
    "InvalidImage",
    "LivenessModel",
    "LivenessPolicy",
    "LivenessVerdict",
    "Match",
    "ModelIntegrityError",
    "ModelManifest",
    "ModelStore",
    "Pose",
    "QualityCode",
    "QualityPolicy",
    "UnknownModelError",
    "Verdict",
    "analyse",
    "assess",
    "available_manifests",
    "blur_score",
    "blur_sigma",
    "decide",
    "decode_image",
    "encode_jpeg",
    "estimate_pose",
    "fetch_url",
    "fuse",
    "judge",
    "judge_photo",
    "load_manifest",
    "main_face",
    "sha256_file",
    "upload_to_s3",
]
