"""Stable theme ids: a theme that mostly stays together keeps its id (and so its name,
demand and "me too"s) across re-clusterings."""

from __future__ import annotations

import numpy as np
from spacy.language import Language

from nlp.analysis import analyse
from nlp.cluster import cluster_vectors
from nlp.stable import inherit_ids


def test_renumbered_clusters_keep_their_old_ids() -> None:
    old = [7, 7, 7, 9, 9, 9]
    new = [1, 1, 1, 0, 0, 0]
    assert inherit_ids(old, new) == {1: 7, 0: 9}


def test_split_theme_keeps_id_in_larger_part_only() -> None:
    old = [7, 7, 7, 7, 7]
    new = [0, 0, 0, 1, 1]
    assert inherit_ids(old, new) == {0: 7}


def test_merged_themes_keep_the_id_of_the_bigger_one() -> None:
    old = [3, 3, 3, 4, 4]
    new = [0, 0, 0, 0, 0]
    assert inherit_ids(old, new) == {0: 3}


def test_scattered_theme_loses_its_id() -> None:
    old = [5, 5, 5, 5]
    new = [0, 1, 2, 3]
    assert inherit_ids(old, new) == {}


def test_new_reports_without_a_theme_do_not_count() -> None:
    old = [2, 2, None, None, None]
    new = [0, 0, 0, 0, 0]
    assert inherit_ids(old, new) == {0: 2}


REPORTS = [
    "Rotas are published too late to arrange childcare",
    "We only find out our shifts the day before",
    "The shift pattern changes without any notice",
    "Nobody tells us the rota until the last minute",
    "There is nowhere to park for night staff",
    "Night workers have no parking near the hospital",
    "The car park is closed when the late shift finishes",
    "Parking permits are refused to community nurses",
]


def test_named_theme_survives_recluster_after_new_reports(spacy_nlp: Language) -> None:
    """End to end over real vectors: cluster, name a theme, add reports, cluster again."""
    vectors = np.vstack([a.vector for a in analyse(spacy_nlp, REPORTS)])
    first = cluster_vectors(vectors, 1.0, seed=0)
    ids = {int(c): 100 + int(c) for c in set(first.tolist())}
    names = {ids[int(first[0])]: "late rotas"}
    extra = ["My rota changed again with two days notice", "Still no staff parking at night"]
    more = np.vstack([vectors] + [a.vector for a in analyse(spacy_nlp, extra)])
    second = cluster_vectors(more, 1.0, seed=0)
    old_theme_of: list[int | None] = [ids[int(c)] for c in first] + [None, None]
    mapping = inherit_ids(old_theme_of, [int(c) for c in second])
    theme_of_first_report = mapping[int(second[0])]
    assert names[theme_of_first_report] == "late rotas"
    assert mapping[int(second[8])] == theme_of_first_report  # the new rota report joined it


def test_recluster_is_deterministic_on_real_reports(spacy_nlp: Language) -> None:
    vectors = np.vstack([a.vector for a in analyse(spacy_nlp, REPORTS)])
    assert np.array_equal(cluster_vectors(vectors, 1.0, 3), cluster_vectors(vectors, 1.0, 3))
