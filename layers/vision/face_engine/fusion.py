"""Fusing the embeddings of a passage's frames into one."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .engine import l2_normalise


def fuse(embeddings: Sequence[np.ndarray]) -> np.ndarray:
    """The normalised mean of the frames' unit embeddings."""
    if not embeddings:
        raise ValueError("nothing to fuse")
    return l2_normalise(np.mean([l2_normalise(e) for e in embeddings], axis=0))
