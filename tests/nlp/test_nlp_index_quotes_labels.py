"""The live theme index, representative quotes and labels."""

from __future__ import annotations

import numpy as np
import pytest

from nlp.cluster import ThemeIndex, normalise, similarity_threshold
from nlp.labels import label_themes
from nlp.quotes import core_quotes, pick_quotes


def unit(*values: float) -> np.ndarray:
    return normalise(np.asarray(values, dtype=np.float32))


def test_index_finds_nearest_and_follows_absorb_and_remove() -> None:
    index = ThemeIndex(dim=2)
    assert index.nearest(unit(1, 0)) == (None, 0.0)
    index.add(1, unit(1, 0))
    index.add(2, unit(0, 1))
    assert index.nearest(unit(0.9, 0.1))[0] == 1
    index.absorb(1, unit(0, 1) * 5)
    theme, score = index.nearest(unit(0, 1))
    assert theme in (1, 2) and score > 0.9
    index.remove(2)
    assert index.nearest(unit(0, 1))[0] == 1
    index.clear()
    assert index.nearest(unit(0, 1)) == (None, 0.0)


def test_threshold_rises_with_granularity() -> None:
    values = [similarity_threshold(g) for g in (0.5, 1.0, 2.0, 5.0)]
    assert values == sorted(values)
    assert all(0.05 <= v <= 0.99 for v in values)


def test_quotes_are_central_and_from_different_people_and_places() -> None:
    centroid = unit(1, 0, 0)
    vectors = np.vstack(
        [unit(1, 0.05, 0), unit(1, 0.1, 0), unit(1, 0.2, 0.1), unit(1, 0.4, 0), unit(0, 1, 0)]
    )
    people = ["ann", "ann", "bob", "cat", "dan"]
    places = ["leeds", "leeds", "leeds", "york", "hull"]
    assert pick_quotes(vectors, centroid, people, places, 3) == [0, 3, 4]


def test_quotes_relax_places_then_people_when_needed() -> None:
    centroid = unit(1, 0)
    vectors = np.vstack([unit(1, 0.1), unit(1, 0.5), unit(1, 0.9)])
    assert pick_quotes(vectors, centroid, ["a", "b", "c"], ["x", "x", "x"], 2) == [0, 1]
    assert pick_quotes(vectors, centroid, ["a", "a", "a"], [None, None, None], 3) == [0, 1, 2]


def test_quotes_skip_near_duplicates() -> None:
    centroid = unit(1, 0)
    vectors = np.vstack([unit(1, 0.1), unit(1, 0.1001), unit(1, 0.8)])
    assert pick_quotes(vectors, centroid, ["a", "b", "c"], [None] * 3, 2) == [0, 2]


@pytest.mark.parametrize("n", [0, 3])
def test_quotes_of_nothing(n: int) -> None:
    assert pick_quotes(np.zeros((0, 2), np.float32), unit(1, 0), [], [], n) == []


def test_labels_prefer_what_sets_a_theme_apart() -> None:
    def reports(*phrases: list[str]) -> list[tuple[int, list[str]]]:
        return [(reporter, list(p)) for reporter, p in enumerate(phrases)]

    labels = label_themes(
        {
            1: reports(["late rota", "rota", "staff"], ["late rota", "notice", "staff"]),
            2: reports(["staff parking", "parking", "staff"], ["parking", "night", "staff"]),
            3: [],
        },
        min_people=2,
        scrub=lambda texts: texts,
    )
    assert labels[1].startswith("late rota")
    assert "parking" in labels[2]
    assert "staff" not in labels[1].split(", ")[0]
    assert labels[3] == ""


def test_index_stays_equal_to_a_rebuilt_one_after_many_changes() -> None:
    rng = np.random.default_rng(0)
    index = ThemeIndex(dim=8)
    for step in range(200):
        vector = normalise(rng.normal(size=8).astype(np.float32))
        theme, score = index.nearest(vector)
        if theme is not None and score > 0.3:
            index.absorb(theme, vector)
        else:
            index.add(1000 + step, vector)
        if step % 50 == 49:
            index.remove(index.ids[0])
    rebuilt = ThemeIndex(dim=8)
    for theme_id, total in zip(index.ids, index.sums, strict=True):
        rebuilt.add(theme_id, total)
    probe = normalise(rng.normal(size=8).astype(np.float32))
    assert index.nearest(probe) == pytest.approx(rebuilt.nearest(probe))
    assert np.allclose(index.matrix(), rebuilt.matrix(), atol=1e-6)
    with pytest.raises(ValueError):
        index.absorb(-1, probe)


def test_index_counts_reports_through_absorb_and_remove() -> None:
    """The join bar depends on a theme's size (nlp.cluster.theme_join_threshold)."""
    index = ThemeIndex(dim=2)
    index.add(1, np.array([3.0, 0.0], np.float32), 3)
    index.add(2, np.zeros(2, np.float32))
    index.absorb(2, np.array([0.0, 1.0], np.float32))
    index.absorb(1, np.array([1.0, 0.0], np.float32))
    assert (index.size(1), index.size(2)) == (4, 1)
    index.remove(1)
    assert index.size(2) == 1
    with pytest.raises(ValueError):
        index.size(1)


def test_quotes_come_from_the_core_subtheme_not_a_neighbour_in_the_theme() -> None:
    """A theme holding two barriers: its centre lies between them and the single most
    central report is the neighbour's, yet both quotes are from the barrier most people
    share (sub-theme 7), the one a reader would take the theme to be."""
    vectors = np.vstack(
        [unit(1, 0.1, 0), unit(1, -0.2, 0), unit(1, 0.5, 0.5), unit(1, 0.6, -0.5), unit(1, 0.9, 0)]
    )
    centroid = unit(1, 0, 0)
    groups = [8, 9, 7, 7, 7]
    people, places = ["a", "b", "c", "d", "e"], [None] * 5
    assert pick_quotes(vectors, centroid, people, places, 2) == [0, 1]  # both neighbours
    assert core_quotes(vectors, centroid, groups, people, places, 2) == [2, 3]


def test_core_quotes_fall_back_nearest_the_core() -> None:
    """When the core has one report, the next quote is the candidate nearest it, not the
    one nearest the theme's centre."""
    vectors = np.vstack([unit(1, 0.3), unit(1, -0.5), unit(1, 0.9)])
    groups = [1, 2, 3]  # a young theme: every report its own sub-theme
    people, places = ["a", "b", "c"], [None] * 3
    assert pick_quotes(vectors, unit(1, 0), people, places, 2) == [0, 1]
    assert core_quotes(vectors, unit(1, 0), groups, people, places, 2) == [0, 2]
