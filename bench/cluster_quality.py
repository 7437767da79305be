"""Clustering quality with k unknown, the way the bot runs, beside baselines given the true k.

For each data set, at both levels (themes against the broad labels, sub-themes against the
fine ones, where a set has two): Groundswell's vectors (sentence encoder through the spaCy
pipeline) and its spaCy-only fallback, both clustered by ``nlp.recluster.cluster_levels``
with the number of themes unknown; and, computed in the same run, TF-IDF + KMeans and spaCy
mean word vectors + KMeans, both handed the true number of labels (an advantage the bot never has).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from spacy.language import Language
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from bench.common import DATA_DIR, DataSet, Embedded, embed, level_truth, scores
from nlp.labels import label_themes
from nlp.quotes import pick_quotes
from nlp.recluster import Levels, cluster_levels, unit_rows
from nlp.scrub import scrub

Row = dict[str, object]


def kmeans(features: object, k: int, seed: int) -> NDArray[np.int64]:
    """One OpenMP thread: scikit-learn's threads slowed 30-fold on a busy 2-core machine."""
    with threadpool_limits(limits=1, user_api="openmp"):
        labels = KMeans(k, n_init=3, random_state=seed).fit_predict(features)
    return np.asarray(labels, dtype=np.int64)


def _row(
    data: DataSet,
    method: str,
    level: str,
    k_given: bool,
    truth: list[str],
    labels: NDArray[np.int64],
    seconds: float,
) -> Row:
    return {
        "data": data.name,
        "level": level,
        "method": method,
        "k": "given" if k_given else "unknown",
        "labels": len(set(truth)),
        **scores(truth, labels),
        "cluster_s": seconds,
    }


def _timed(work: Callable[[], Levels]) -> tuple[Levels, float]:
    start = time.perf_counter()
    labels = work()
    return labels, time.perf_counter() - start


def _kmeans_levels(features: object, k: int, seed: int) -> Levels:
    labels = kmeans(features, k, seed)
    return Levels(labels, labels)


def evaluate(
    nlp: Language, data: DataSet, seed: int = 0, data_dir: Path = DATA_DIR
) -> tuple[list[Row], Embedded, NDArray[np.int64]]:
    """Every method at both levels of one data set: Groundswell's themes and sub-themes
    (k unknown) beside baselines handed the true number of labels at each level."""
    emb = embed(nlp, data.texts)
    theme_truth, sub_truth = level_truth(data, data_dir)
    rows: list[Row] = []
    ours, seconds = _timed(lambda: cluster_levels(emb.groundswell, 1.0, seed=seed))
    fallback, fallback_s = _timed(lambda: cluster_levels(emb.spacy_content, 1.0, seed=seed))
    tfidf = TfidfVectorizer().fit_transform(data.texts)
    spacy_rows = unit_rows(emb.spacy_mean)
    baselines_done: set[int] = set()
    for level, truth in (("themes", theme_truth), ("sub-themes", sub_truth)):
        found = ours.themes if level == "themes" else ours.subthemes
        backup = fallback.themes if level == "themes" else fallback.subthemes
        rows.append(_row(data, "groundswell", level, False, truth, found, seconds))
        rows.append(_row(data, "groundswell spaCy-only", level, False, truth, backup, fallback_s))
        k = len(set(truth))
        if k in baselines_done:  # one-level sets: the baselines would repeat themselves
            continue
        baselines_done.add(k)
        for method, features in (("TF-IDF + KMeans", tfidf), ("spaCy mean + KMeans", spacy_rows)):
            flat, flat_s = _timed(partial(_kmeans_levels, features, k, seed))
            rows.append(_row(data, method, level, True, truth, flat.themes, flat_s))
    return rows, emb, ours.themes


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
