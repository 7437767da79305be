"""Full re-clustering with the number of themes chosen from the data.

One fixed distance cut suits one data set and not the next (intent-like reports form many
tight groups, broad topics few loose ones), so the cut is chosen per run: the reports are
summarised by up to two thousand k-means micro-clusters (so 100,000 reports cost about as
much as 20,000), Ward linkage builds one tree over those, and each candidate cut is scored by
the silhouette of a fixed sample of reports. From the best cut, the count walks down to fewer
themes while the score stays within a tolerance of the best; the organisers' granularity then
scales that number. Finally, themes whose centres are nearly the same are merged, which is
also how a set of reports that all say one thing ends up as one theme (a silhouette cannot
choose "one"). Deterministic for a given input and seed.

Two levels come from the same tree. The cut above gives **sub-themes** (the fine
distinctions: intents, specific ways a barrier shows up). **Themes**, the campaign level an
organiser ranks, are a coarser cut of the same tree: the silhouette picks it within a
readable window that grows slowly with the number of reports, ``[c/2, c]`` with
``c = theme_scale * ln(n)`` (20 themes at most for 4,500 reports, 28 for 100,000). Each
sub-theme then belongs to the theme holding most of its reports, so the levels nest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from nlp.unit import unit_rows

Vectors = NDArray[np.float32]
Labels = NDArray[np.int64]


@dataclass(frozen=True)
class ReclusterParams:
    """Chosen once on CLINC150 and applied unchanged to every other data set."""

    micro_clusters: int = 2000
    fit_sample: int = 10_000
    silhouette_sample: int = 3000
    tolerance: float = 0.02  # absolute: relative ones merged clearly separate groups
    merge_similarity: float = 0.90
    duplicate_similarity: float = 0.999  # copies only: near-copies may be a real theme
    kmeans_iterations: int = 10
    theme_scale: float = 2.4  # themes <= 2.4 ln(n): tens for thousands of reports, never hundreds


@dataclass(frozen=True)
class Levels:
    """Theme and sub-theme number of each report; every sub-theme lies inside one theme."""

    themes: NDArray[np.int64]
    subthemes: NDArray[np.int64]


def nearest_rows(vectors: Vectors, centres: Vectors, chunk: int = 8192) -> Labels:
    """Index of the most similar centre for each row, in chunks to bound memory."""
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), chunk):
        out[start : start + chunk] = np.argmax(vectors[start : start + chunk] @ centres.T, axis=1)
    return out


def spherical_kmeans(rows: Vectors, count: int, iterations: int, seed: int) -> Vectors:
    """Unit centres of ``count`` clusters of unit rows (Lloyd's steps as matrix products).

    Hand-written because it is a few lines of BLAS calls, while scikit-learn's OpenMP k-means
    ran 30x slower on a busy 2-core machine.
    """
    rng = np.random.default_rng(seed)
    centres = rows[np.sort(rng.choice(len(rows), count, replace=False))].copy()
    for _ in range(iterations):
        members = nearest_rows(rows, centres)
        sums = np.asarray(_membership(members, count) @ rows, dtype=np.float32)
        empty = ~np.any(sums, axis=1)
        centres = np.where(empty[:, None], centres, unit_rows(sums))
    return centres


def _membership(labels: Labels, count: int) -> csr_matrix:
    ones = np.ones(len(labels), dtype=np.float32)
    return csr_matrix((ones, (labels, np.arange(len(labels)))), shape=(count, len(labels)))


def group_sums(vectors: Vectors, groups: Sequence[int]) -> tuple[list[int], Vectors, list[int]]:
    """The distinct groups in ascending order, each one's vector sum and member count, from
    one sparse product: a re-cluster's apply needs them under the write lock, where a Python
    loop over every report cost milliseconds per pass."""
    keys, inverse, counts = np.unique(
        np.asarray(groups, dtype=np.int64), return_inverse=True, return_counts=True
    )
    sums = _membership(inverse, len(keys)) @ np.asarray(vectors, dtype=np.float32)
    return keys.tolist(), np.asarray(sums, dtype=np.float32), counts.tolist()


def micro_clusters(vectors: Vectors, params: ReclusterParams, seed: int) -> tuple[Labels, Vectors]:
    """Micro-cluster of each report and the micro-clusters' unit centres."""
    n = len(vectors)
    if n <= params.micro_clusters:
        return np.arange(n, dtype=np.int64), vectors
    rng = np.random.default_rng(seed)
    fit_rows = vectors[np.sort(rng.choice(n, min(n, params.fit_sample), replace=False))]
    centres = spherical_kmeans(fit_rows, params.micro_clusters, params.kmeans_iterations, seed)
    micro = nearest_rows(vectors, centres)
    used, micro = np.unique(micro, return_inverse=True)
    return micro.astype(np.int64), centres[used]


def candidate_counts(limit: int) -> list[int]:
    """Theme counts worth scoring: every count up to 20, then steps of about 7 %."""
    counts: set[int] = set(range(2, min(limit, 20) + 1))
    value = 20.0
    while value < limit:
        value *= 1.07
        counts.add(min(limit, round(value)))
    return sorted(counts)


def cut_scores(
    tree: NDArray[np.float64],
    micro: Labels,
    vectors: Vectors,
    params: ReclusterParams,
    seed: int,
    extra: range = range(0),
) -> dict[int, float]:
    """Silhouette of a fixed sample of reports for each candidate cut (plus ``extra``)."""
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(len(vectors), min(len(vectors), params.silhouette_sample), False))
    distances, kept = distinct_distances(vectors[sample], params.duplicate_similarity)
    sample = sample[kept]
    limit = min(int(micro.max()) + 1, len(sample) - 1, max(2, len(vectors) // 2))
    scores: dict[int, float] = {}
    for count in sorted(set(candidate_counts(limit)) | {c for c in extra if 1 < c <= limit}):
        labels = fcluster(tree, count, criterion="maxclust")[micro[sample]]
        if 1 < len(np.unique(labels)) < len(sample):
            scores[count] = silhouette(distances, labels)
    return scores


def theme_window(reports: int, scale: float) -> range:
    """Theme counts an organiser can read: between c/2 and c, c = scale * ln(reports)."""
    top = max(2, round(scale * np.log(max(reports, 2))))
    return range(max(2, top // 2), top + 1)


def best_in(scores: dict[int, float], window: range) -> int | None:
    """The best-scoring count inside the window (the fewer on a tie)."""
    inside = [c for c in window if c in scores]
    return max(inside, key=lambda c: (scores[c], -c)) if inside else None


def distinct_distances(
    rows: Vectors, duplicate_similarity: float
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Cosine distances among rows, keeping one of each group of near-duplicates.

    Copies of one text (a shared template, a resent report) would make any cut that puts the
    copies together and apart from everything else look excellent, pushing the silhouette
    towards hundreds of tiny themes. ``duplicate_similarity`` above 1 keeps every row.
    """
    similarities = rows @ rows.T
    np.fill_diagonal(similarities, 0.0)
    earlier_twin = np.triu(similarities >= duplicate_similarity).any(axis=0)
    kept = np.flatnonzero(~earlier_twin)
    distances = np.clip(1.0 - similarities[np.ix_(kept, kept)], 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    return distances, kept


def silhouette(distances: NDArray[np.float32], raw_labels: NDArray[np.integer]) -> float:
    """Mean silhouette over precomputed distances (singletons score 0, as in scikit-learn).

    Written out because scikit-learn's version reserves up to 1 GB of working memory, which
    alone broke the memory budget; this one needs one (sample x clusters) matrix.
    """
    labels = np.unique(raw_labels, return_inverse=True)[1].astype(np.int64)
    count = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=count).astype(np.float32)
    totals = np.asarray((_membership(labels, count) @ distances.T).T, dtype=np.float32)
    rows = np.arange(len(labels))
    own_size = sizes[labels]
    inside = totals[rows, labels] / np.maximum(own_size - 1, 1)
    means = totals / sizes[None, :]
    means[rows, labels] = np.inf
    nearest = means.min(axis=1)
    score = (nearest - inside) / np.maximum(np.maximum(nearest, inside), 1e-12)
    return float(np.where(own_size > 1, score, 0.0).mean())


def fewest_near_best(scores: dict[int, float], tolerance: float) -> int:
    """Walk down from the best count while every score stays within tolerance of the best.

    Stopping at the first dip (rather than taking any smaller count that scores well) keeps a
    coarse split, such as two unrelated domains, from swallowing the real themes.
    """
    counts = sorted(scores)
    position = max(range(len(counts)), key=lambda i: (scores[counts[i]], -i))
    floor = scores[counts[position]] - tolerance
    while position > 0 and scores[counts[position - 1]] >= floor:
        position -= 1
    return counts[position]


def merge_close(labels: Labels, vectors: Vectors, similarity: float) -> Labels:
    """Join themes whose unit centres are at least ``similarity`` alike."""
    count = int(labels.max()) + 1
    # a sparse membership product, not np.add.at: at 100,000 reports add.at took 19 s a call
    sums = np.asarray(_membership(labels, count) @ vectors, dtype=np.float32)
    centres = unit_rows(sums)
    close = (centres @ centres.T) >= similarity
    _, component = connected_components(close, directed=False)
    return np.asarray(component, dtype=np.int64)[labels]


def renumber(labels: Labels) -> Labels:
    """Number clusters by first appearance, so equal partitions give equal labels."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse].astype(np.int64)


def cluster_levels(
    vectors: Vectors, granularity: float = 1.0, seed: int = 0, params: ReclusterParams | None = None
) -> Levels:
    """Theme and sub-theme of each report vector; >1 granularity gives more, finer ones."""
    params = params or ReclusterParams()
    vectors = unit_rows(np.asarray(vectors, dtype=np.float32))
    if len(vectors) == 0:
        return Levels(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if len(vectors) < 3:
        labels = np.arange(len(vectors), dtype=np.int64)
        subs = renumber(merge_close(labels, vectors, params.merge_similarity))
        return Levels(subs.copy(), subs)
    micro, centres = micro_clusters(vectors, params, seed)
    tree = linkage(centres.astype(np.float64), method="ward")
    window = theme_window(len(vectors), params.theme_scale * granularity)
    scores = cut_scores(tree, micro, vectors, params, seed, window)
    fine = fewest_near_best(scores, params.tolerance) if scores else 1
    fine = int(np.clip(round(fine * granularity), 1, len(centres)))
    subs = (fcluster(tree, fine, criterion="maxclust") - 1).astype(np.int64)[micro]
    subs = renumber(merge_close(subs, vectors, params.merge_similarity))
    coarse = best_in(scores, window)
    if coarse is None or coarse >= int(subs.max()) + 1:
        return Levels(subs.copy(), subs)
    cut = (fcluster(tree, coarse, criterion="maxclust") - 1).astype(np.int64)[micro]
    themes = merge_close(nest(subs, cut), vectors, params.merge_similarity)
    return Levels(renumber(themes), subs)


def nest(subs: Labels, coarse: Labels) -> Labels:
    """Each report's theme is the coarse cluster holding most of its sub-theme's reports."""
    table = csr_matrix(
        (np.ones(len(subs), dtype=np.int64), (subs, coarse)),
        shape=(int(subs.max()) + 1, int(coarse.max()) + 1),
    )
    home = np.asarray(table.argmax(axis=1)).ravel().astype(np.int64)
    return home[subs]


def cluster_vectors(
    vectors: Vectors, granularity: float = 1.0, seed: int = 0, params: ReclusterParams | None = None
) -> Labels:
    """Sub-theme (the fine level) of each report vector."""
    return cluster_levels(vectors, granularity, seed, params).subthemes
