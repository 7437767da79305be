"""Re-clustering: the number of themes comes from the data, granularity turns it, and the
same input and seed always give the same themes."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray
from sklearn.metrics import adjusted_rand_score, homogeneity_score

from nlp.cluster import ReclusterParams, cluster_vectors
from nlp.recluster import candidate_counts, group_sums, renumber


def blobs(
    groups: int, per_group: int, seed: int, spread: float = 0.15
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(groups, 48))
    truth = np.repeat(np.arange(groups), per_group)
    points = centres[truth] + spread * rng.normal(size=(len(truth), 48))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    return points.astype(np.float32), truth


@pytest.mark.parametrize("groups", [3, 8, 25])
def test_number_of_themes_is_found_without_being_told(groups: int) -> None:
    vectors, truth = blobs(groups, 20, seed=groups)
    labels = cluster_vectors(vectors, 1.0, seed=0)
    assert len(set(labels.tolist())) == groups
    assert adjusted_rand_score(truth, labels) == pytest.approx(1.0)


def test_micro_cluster_path_used_for_large_inputs_still_recovers_groups() -> None:
    vectors, truth = blobs(12, 100, seed=4)
    params = ReclusterParams(micro_clusters=200, fit_sample=600, silhouette_sample=500)
    labels = cluster_vectors(vectors, 1.0, seed=0, params=params)
    assert adjusted_rand_score(truth, labels) > 0.95


def test_same_input_and_seed_give_same_labels() -> None:
    vectors, _ = blobs(10, 60, seed=1, spread=0.6)
    params = ReclusterParams(micro_clusters=150, fit_sample=400)
    first = cluster_vectors(vectors, 1.0, seed=7, params=params)
    second = cluster_vectors(vectors.copy(), 1.0, seed=7, params=params)
    assert np.array_equal(first, second)


def test_finer_granularity_gives_more_themes() -> None:
    vectors, _ = blobs(6, 30, seed=2, spread=0.5)
    coarse = len(set(cluster_vectors(vectors, 0.5).tolist()))
    normal = len(set(cluster_vectors(vectors, 1.0).tolist()))
    fine = len(set(cluster_vectors(vectors, 3.0).tolist()))
    assert coarse <= normal < fine


def test_reports_that_all_say_one_thing_make_one_theme() -> None:
    rng = np.random.default_rng(3)
    base = rng.normal(size=48)
    points = base + 0.02 * rng.normal(size=(15, 48))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    assert set(cluster_vectors(points.astype(np.float32), 1.0).tolist()) == {0}


def test_tiny_inputs() -> None:
    assert cluster_vectors(np.zeros((0, 4), np.float32), 1.0).tolist() == []
    assert cluster_vectors(np.eye(4, dtype=np.float32)[:1], 1.0).tolist() == [0]
    assert cluster_vectors(np.eye(4, dtype=np.float32)[:2], 1.0).tolist() == [0, 1]
    same = np.tile(np.eye(4, dtype=np.float32)[:1], (2, 1))
    assert cluster_vectors(same, 1.0).tolist() == [0, 0]


def test_zero_vectors_do_not_crash() -> None:
    vectors, _ = blobs(3, 10, seed=5)
    vectors[::7] = 0.0
    labels = cluster_vectors(vectors, 1.0)
    assert len(labels) == len(vectors)


def test_labels_are_numbered_by_first_appearance() -> None:
    assert renumber(np.array([5, 5, 2, 9, 2])).tolist() == [0, 0, 1, 2, 1]


def test_candidate_counts_cover_small_counts_densely() -> None:
    counts = candidate_counts(500)
    assert counts[:19] == list(range(2, 21))
    assert counts[-1] == 500
    assert all(b / a < 1.1 for a, b in zip(counts[19:], counts[20:], strict=False))


def test_fewest_near_best_stops_at_the_first_dip() -> None:
    from nlp.recluster import fewest_near_best

    scores = {2: 0.09, 3: 0.05, 10: 0.085, 20: 0.095, 30: 0.10, 40: 0.07}
    assert fewest_near_best(scores, 0.02) == 10
    assert fewest_near_best(scores, 0.001) == 30
    assert fewest_near_best({5: 0.3}, 0.02) == 5


@pytest.mark.parametrize("count", [2, 5, 40])
def test_silhouette_matches_scikit_learn(count: int) -> None:
    from sklearn.metrics import silhouette_score

    from nlp.recluster import silhouette

    vectors, _ = blobs(8, 25, seed=count, spread=0.8)
    labels = np.random.default_rng(count).integers(0, count, len(vectors))
    distances = np.clip(1.0 - vectors @ vectors.T, 0.0, 2.0)
    np.fill_diagonal(distances, 0.0)
    expected = silhouette_score(distances, labels, metric="precomputed")
    assert silhouette(distances, labels) == pytest.approx(expected, abs=1e-5)


def test_copies_of_the_same_reports_do_not_multiply_themes() -> None:
    vectors, truth = blobs(6, 15, seed=9, spread=0.5)
    copies = np.vstack([vectors] * 4)
    labels = cluster_vectors(copies, 1.0, seed=0)
    assert len(set(labels.tolist())) == len(set(cluster_vectors(vectors, 1.0).tolist()))
    assert adjusted_rand_score(np.tile(truth, 4), labels) > 0.9


def test_themes_made_of_near_copies_are_kept_apart() -> None:
    """When most reports are near-copies, the copies are the themes (not noise to drop)."""
    groups = np.repeat(np.eye(5, 64, dtype=np.float32), 6, axis=0)
    groups[np.arange(30), 10 + np.arange(30)] = 0.05
    labels = cluster_vectors(groups, 1.0)
    assert adjusted_rand_score(np.repeat(np.arange(5), 6), labels) == pytest.approx(1.0)


def nested_blobs(seed: int) -> tuple[NDArray[np.float32], NDArray[np.int64], NDArray[np.int64]]:
    """Six broad topics, each with five tight sub-topics: two real levels."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(6, 48))
    subs = topics.repeat(5, axis=0) + 0.6 * rng.normal(size=(30, 48))
    fine = np.repeat(np.arange(30), 25)
    points = subs[fine] + 0.08 * rng.normal(size=(len(fine), 48))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    return points.astype(np.float32), fine // 5, fine


def test_two_levels_recover_topics_and_subtopics_and_nest() -> None:
    from nlp.recluster import cluster_levels

    vectors, topics, subtopics = nested_blobs(seed=5)
    levels = cluster_levels(vectors, 1.0, seed=0)
    assert adjusted_rand_score(subtopics, levels.subthemes) > 0.95
    # a theme never mixes broad topics (it may hold part of one: the window keeps it readable)
    assert homogeneity_score(topics, levels.themes) == pytest.approx(1.0)
    assert len(set(levels.themes.tolist())) < len(set(levels.subthemes.tolist()))
    for sub in set(levels.subthemes.tolist()):
        assert len(set(levels.themes[levels.subthemes == sub].tolist())) == 1


def test_theme_count_stays_readable_as_reports_grow() -> None:
    from nlp.recluster import cluster_levels, theme_window

    assert theme_window(4500, 2.4) == range(10, 21)
    assert theme_window(100_000, 2.4).stop - 1 == 28
    vectors, _ = blobs(120, 12, seed=9, spread=0.3)
    levels = cluster_levels(vectors, 1.0, seed=0)
    themes = len(set(levels.themes.tolist()))
    assert themes in theme_window(len(vectors), 2.4)
    assert len(set(levels.subthemes.tolist())) > 3 * themes


def test_two_levels_are_deterministic() -> None:
    from nlp.recluster import cluster_levels

    vectors, _, _ = nested_blobs(seed=6)
    first = cluster_levels(vectors, 1.0, seed=3)
    second = cluster_levels(vectors.copy(), 1.0, seed=3)
    assert np.array_equal(first.themes, second.themes)
    assert np.array_equal(first.subthemes, second.subthemes)


def test_group_sums_adds_each_groups_vectors_and_counts_its_members() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(40, 6)).astype(np.float32)
    groups = rng.choice([7, 2, 31, 900], size=40).tolist()
    keys, sums, counts = group_sums(vectors, groups)
    assert keys == sorted(set(groups))
    for key, total, count in zip(keys, sums, counts, strict=True):
        members = [v for v, g in zip(vectors, groups, strict=True) if g == key]
        assert count == len(members)
        np.testing.assert_allclose(total, np.sum(members, axis=0), rtol=1e-5, atol=1e-5)


def test_group_sums_of_no_reports_is_empty() -> None:
    keys, sums, counts = group_sums(np.zeros((0, 6), np.float32), [])
    assert (keys, sums.shape, counts) == ([], (0, 6), [])
