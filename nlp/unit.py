"""L2 normalisation, the one implementation: every vector the bot compares is a unit
vector, so cosine similarity is a dot product. A zero vector (a text with no known words)
stays zero rather than becoming NaN, and so is similar to nothing."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Vectors = NDArray[np.float32]


def unit_rows(vectors: Vectors) -> Vectors:
    """Each row scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return unit


def normalise(vector: NDArray[np.floating]) -> Vectors:
    """One vector scaled to length 1, as float32 (a zero vector stays zero)."""
    row: Vectors = unit_rows(np.asarray(vector, dtype=np.float32)[None, :])[0]
    return row
