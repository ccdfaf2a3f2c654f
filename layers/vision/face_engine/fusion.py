"""One decision from the frames of one passage: their embeddings fused into one vector.

The edge sends up to three crops of the same pause in front of the camera. Embedding each and averaging
the unit vectors cancels part of what differs between frames (blur, noise, a slightly different crop)
while what they share — the face — adds up. Measured against the single best frame in bench/accuracy.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .engine import l2_normalise


def fuse(embeddings: Sequence[np.ndarray], weights: Sequence[float] | None = None) -> np.ndarray:
    """The normalised (weighted) mean of the frames' unit embeddings; ValueError for no frame or bad weights."""
    if not embeddings:
        raise ValueError("nothing to fuse")
    vectors = np.stack([l2_normalise(embedding) for embedding in embeddings])
    if weights is None:
        return l2_normalise(vectors.mean(axis=0))
    factors = np.asarray(weights, dtype=np.float32).reshape(-1)
    if factors.shape[0] != vectors.shape[0] or not np.all(np.isfinite(factors)) or np.any(factors < 0):
        raise ValueError("one finite, non-negative weight per frame")
    if float(factors.sum()) == 0.0:
        raise ValueError("the weights add up to zero")
    return l2_normalise((vectors * factors[:, None]).sum(axis=0))
