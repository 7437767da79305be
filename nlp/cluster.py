"""Themes as clusters of report vectors: incremental assignment and full re-clustering.

Vectors are L2-normalised, so cosine similarity is a dot product. Pure functions and one
small in-memory index: no database, no event loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import AgglomerativeClustering

BASE_SIMILARITY = 0.5


def similarity_threshold(granularity: float) -> float:
    """Granularity > 1 asks for finer themes (a higher bar to join one)."""
    distance = (1.0 - BASE_SIMILARITY) / granularity
    return float(min(0.99, max(0.05, 1.0 - distance)))


def normalise(vector: NDArray[np.float32]) -> NDArray[np.float32]:
    norm = float(np.linalg.norm(vector))
    return (vector / norm).astype(np.float32) if norm > 0 else vector.astype(np.float32)


@dataclass
class ThemeIndex:
    """Centroids of the live themes, kept in memory for fast nearest-theme lookups."""

    dim: int
    ids: list[int] = field(default_factory=list)
    sums: list[NDArray[np.float32]] = field(default_factory=list)
    _matrix: NDArray[np.float32] | None = None

    def add(self, theme_id: int, vector_sum: NDArray[np.float32]) -> None:
        self.ids.append(theme_id)
        self.sums.append(vector_sum.astype(np.float32))
        self._matrix = None

    def clear(self) -> None:
        self.ids.clear()
        self.sums.clear()
        self._matrix = None

    def matrix(self) -> NDArray[np.float32]:
        if self._matrix is None:
            rows = [normalise(s) for s in self.sums] or [np.zeros(self.dim, np.float32)]
            self._matrix = np.vstack(rows)
        return self._matrix

    def nearest(self, vector: NDArray[np.float32]) -> tuple[int | None, float]:
        if not self.ids:
            return None, 0.0
        scores = self.matrix() @ vector
        best = int(np.argmax(scores))
        return self.ids[best], float(scores[best])

    def absorb(self, theme_id: int, vector: NDArray[np.float32]) -> None:
        """Move a theme's centroid towards a new member."""
        position = self.ids.index(theme_id)
        self.sums[position] = self.sums[position] + vector
        if self._matrix is not None:
            self._matrix[position] = normalise(self.sums[position])

    def set_sum(self, theme_id: int, vector_sum: NDArray[np.float32]) -> None:
        """Replace a theme's centroid sum (as read back from the database)."""
        position = self.ids.index(theme_id)
        self.sums[position] = vector_sum.astype(np.float32)
        if self._matrix is not None:
            self._matrix[position] = normalise(self.sums[position])

    def remove(self, theme_id: int) -> None:
        if theme_id in self.ids:
            position = self.ids.index(theme_id)
            del self.ids[position]
            del self.sums[position]
            self._matrix = None


def cluster_vectors(vectors: NDArray[np.float32], granularity: float) -> NDArray[np.int64]:
    """Average-linkage clustering cut at the granularity's similarity threshold."""
    if len(vectors) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(vectors) == 1:
        return np.zeros(1, dtype=np.int64)
    model = AgglomerativeClustering(
        n_clusters=None,
        metric="cosine",
        linkage="average",
        distance_threshold=1.0 - similarity_threshold(granularity),
    )
    return np.asarray(model.fit_predict(vectors), dtype=np.int64)
