"""Themes as clusters of report vectors: incremental assignment and full re-clustering.

Vectors are L2-normalised, so cosine similarity is a dot product. Pure functions and one
small in-memory index: no database, no event loop. Full re-clustering, which chooses the
number of themes from the data, lives in nlp/recluster.py and is re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from nlp.recluster import ReclusterParams, cluster_vectors
from nlp.unit import normalise

__all__ = [
    "BASE_SIMILARITY",
    "THEME_SIMILARITY",
    "ReclusterParams",
    "ThemeIndex",
    "cluster_vectors",
    "normalise",
    "similarity_threshold",
    "theme_join_threshold",
]

BASE_SIMILARITY = 0.5  # to join a sub-theme
# To join a theme (in a new sub-theme): the 10th percentile of report-to-own-domain-centre
# similarity (leave-one-out) on CLINC150's 10 domains with the USE vectors, 0.361; chosen
# there once, like the other thresholds (bench/README.md).
THEME_SIMILARITY = 0.36
# 0.36 is the bar for a centre of a whole domain (hundreds of reports). A centre of n reports
# is noisier, so a report of the same barrier is less similar to it; if each report is its
# barrier's direction plus independent noise, with rho the mean similarity of two reports of
# one barrier, the similarity to an n-report centre is rho / sqrt(rho + (1 - rho) / n), which
# tends to sqrt(rho) as n grows: so rho = 0.36 ** 2. Checked on CLINC150's domains (random
# n-report centres, 10th percentile of a held-out same-domain report's similarity): measured
# 0.232 / 0.267 / 0.289 / 0.326 at n = 5 / 8 / 13 / 30, the formula 0.236 / 0.270 / 0.293 /
# 0.326. Below 5 reports the measurement falls away from the formula (0.086 measured at n = 1,
# 0.13 predicted) and same-domain and other-domain similarities overlap almost completely, so
# a young theme keeps the whole-domain bar: ESTABLISHED = 5 is the smallest n at which the
# formula held within 0.005 on CLINC150. Chosen there once; bench/README.md.
ESTABLISHED = 5


def similarity_threshold(granularity: float, base: float = BASE_SIMILARITY) -> float:
    """Granularity > 1 asks for finer themes (a higher bar to join one)."""
    distance = (1.0 - base) / granularity
    return float(min(0.99, max(0.05, 1.0 - distance)))


def theme_join_threshold(size: int, base: float = THEME_SIMILARITY) -> float:
    """The similarity a report needs to a theme of ``size`` reports to join it: ``base`` for
    a young theme, lower for an established one whose centre averages more reports (the
    derivation and its check on CLINC150 are beside THEME_SIMILARITY)."""
    if size < ESTABLISHED:
        return base
    rho = base * base
    return float(rho / np.sqrt(rho + (1.0 - rho) / size))


@dataclass
class ThemeIndex:
    """Centroids of the live themes, kept in memory for fast nearest-theme lookups.

    The unit-centroid matrix is updated row by row (adding or changing one theme never
    re-normalises all of them), so placing a report costs one matrix-vector product.
    """

    dim: int
    ids: list[int] = field(default_factory=list)
    sums: list[NDArray[np.float32]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # reports in each, as this process knows
    _matrix: NDArray[np.float32] | None = None
    _positions: dict[int, int] = field(default_factory=dict)

    def add(self, theme_id: int, vector_sum: NDArray[np.float32], size: int = 0) -> None:
        self._positions[theme_id] = len(self.ids)
        self.ids.append(theme_id)
        self.sums.append(vector_sum.astype(np.float32))
        self.sizes.append(size)
        if self._matrix is not None and self._matrix.shape[0] == len(self.ids) - 1:
            self._matrix = np.vstack([self._matrix, normalise(self.sums[-1])[None, :]])
        else:
            self._matrix = None

    def clear(self) -> None:
        self.ids.clear()
        self.sums.clear()
        self.sizes.clear()
        self._positions.clear()
        self._matrix = None

    def position(self, theme_id: int) -> int:
        found = self._positions.get(theme_id)
        if found is None or found >= len(self.ids) or self.ids[found] != theme_id:
            self._positions = {t: i for i, t in enumerate(self.ids)}  # ids edited directly
            if theme_id not in self._positions:
                raise ValueError(f"theme {theme_id} is not in the index")
            found = self._positions[theme_id]
        return found

    def matrix(self) -> NDArray[np.float32]:
        if self._matrix is None or self._matrix.shape[0] != max(1, len(self.ids)):
            rows = [normalise(s) for s in self.sums] or [np.zeros(self.dim, np.float32)]
            self._matrix = np.vstack(rows)
        return self._matrix

    def nearest(self, vector: NDArray[np.float32]) -> tuple[int | None, float]:
        if not self.ids:
            return None, 0.0
        scores = self.matrix() @ vector
        best = int(np.argmax(scores))
        return self.ids[best], float(scores[best])

    def size(self, theme_id: int) -> int:
        return self.sizes[self.position(theme_id)]

    def absorb(self, theme_id: int, vector: NDArray[np.float32]) -> None:
        """Move a theme's centroid towards a new member."""
        position = self.position(theme_id)
        self.sizes[position] += 1
        self.set_sum(theme_id, self.sums[position] + vector)

    def set_sum(self, theme_id: int, vector_sum: NDArray[np.float32]) -> None:
        """Replace a theme's centroid sum (as read back from the database)."""
        position = self.position(theme_id)
        self.sums[position] = vector_sum.astype(np.float32)
        if self._matrix is not None and self._matrix.shape[0] == len(self.ids):
            self._matrix[position] = normalise(self.sums[position])

    def rename(self, old_id: int, new_id: int) -> None:
        """A provisional id becomes the id the database gave the theme."""
        position = self.position(old_id)
        self.ids[position] = new_id
        del self._positions[old_id]
        self._positions[new_id] = position

    def remove(self, theme_id: int) -> None:
        if theme_id in self.ids:
            position = self.position(theme_id)
            del self.ids[position]
            del self.sums[position]
            del self.sizes[position]
            self._positions = {t: i for i, t in enumerate(self.ids)}
            self._matrix = None
