"""Clustering quality with k unknown, the way the bot runs, beside baselines given the true k.

For each data set: Groundswell's vectors (sentence encoder through the spaCy pipeline) and
its spaCy-only fallback, both clustered by ``nlp.cluster.cluster_vectors`` with the number of
themes unknown; and, computed in the same run, TF-IDF + KMeans and spaCy mean word vectors
+ KMeans, both handed the true number of labels (an advantage the bot never has).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from spacy.language import Language
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from bench.common import DataSet, Embedded, embed, scores
from nlp.cluster import cluster_vectors
from nlp.labels import label_themes
from nlp.quotes import pick_quotes
from nlp.recluster import unit_rows
from nlp.scrub import scrub

Row = dict[str, object]


def kmeans(features: object, k: int, seed: int) -> NDArray[np.int64]:
    """One OpenMP thread: scikit-learn's threads slowed 30-fold on a busy 2-core machine."""
    with threadpool_limits(limits=1, user_api="openmp"):
        labels = KMeans(k, n_init=3, random_state=seed).fit_predict(features)
    return np.asarray(labels, dtype=np.int64)


def _row(
    data: DataSet, method: str, k_given: bool, labels: NDArray[np.int64], seconds: float
) -> Row:
    return {
        "data": data.name,
        "method": method,
        "k": "given" if k_given else "unknown",
        **scores(data.labels, labels),
        "cluster_s": seconds,
    }


def _timed(work: Callable[[], NDArray[np.int64]]) -> tuple[NDArray[np.int64], float]:
    start = time.perf_counter()
    labels = work()
    return labels, time.perf_counter() - start


def evaluate(
    nlp: Language, data: DataSet, seed: int = 0
) -> tuple[list[Row], Embedded, NDArray[np.int64]]:
    """Every method on one data set; returns rows of scores, the embeddings and our labels."""
    emb = embed(nlp, data.texts)
    k = len(set(data.labels))
    runs: list[tuple[str, bool, Callable[[], NDArray[np.int64]]]] = [
        ("groundswell", False, lambda: cluster_vectors(emb.groundswell, 1.0, seed=seed)),
        (
            "groundswell, granularity 0.5",
            False,
            lambda: cluster_vectors(emb.groundswell, 0.5, seed=seed),
        ),
        (
            "groundswell spaCy-only fallback",
            False,
            lambda: cluster_vectors(emb.spacy_content, 1.0, seed=seed),
        ),
        (
            "TF-IDF + KMeans",
            True,
            lambda: kmeans(TfidfVectorizer().fit_transform(data.texts), k, seed),
        ),
        ("spaCy mean vectors + KMeans", True, lambda: kmeans(unit_rows(emb.spacy_mean), k, seed)),
    ]
    rows, results = [], {}
    for method, k_given, work in runs:
        results[method], seconds = _timed(work)
        rows.append(_row(data, method, k_given, results[method], seconds))
    return rows, emb, results["groundswell"]


def theme_sample(
    nlp: Language, data: DataSet, emb: Embedded, labels: NDArray[np.int64], top: int = 8
) -> list[str]:
    """The largest themes as an organiser would see them: label, size and scrubbed quotes."""
    by_theme: dict[int, list[int]] = {}
    for row, theme in enumerate(labels.tolist()):
        by_theme.setdefault(theme, []).append(row)
    names = label_themes({t: [emb.phrases[r] for r in rows] for t, rows in by_theme.items()})
    lines = []
    for theme, _size in Counter(labels.tolist()).most_common(top):
        rows = by_theme[theme]
        vectors = emb.groundswell[rows]
        centre = unit_rows(vectors.sum(axis=0, keepdims=True))[0]
        picked = pick_quotes(vectors, centre, rows, [None] * len(rows), 2)
        truth = Counter(data.labels[r] for r in rows).most_common(1)[0][0]
        lines.append(f"- **{names[theme]}** ({len(rows)} reports; most common label: {truth})")
        for p in picked:
            lines.append(f'  - "{scrub(nlp, data.texts[rows[p]])[:160]}"')
    return lines
