"""Choosing representative quotes for a theme.

A digest that quotes one person three times, or three people from one workplace, tells the
organiser less than it seems to. So quotes are taken nearest the theme's centre first, passing
over people and places already quoted while others remain, then relaxing places, then people;
near-duplicates of a quote already chosen are always skipped.

A theme can hold two neighbouring barriers (a re-cluster's theme is a coarse cut), and its
centre then lies between them, so the reports nearest it may come from both. Quotes are
therefore taken from the theme's *core*: its sub-theme shared by the most people among the
candidates (ties: the one holding the most central report), nearest the theme's centre; only
when the core has too few are others added, nearest the core's own centre (the same barrier
first, never the neighbour's most typical report).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

NEAR_DUPLICATE = 0.97


def pick_quotes(
    vectors: NDArray[np.float32],
    centroid: NDArray[np.float32],
    person_ids: Sequence[object],
    place_keys: Sequence[object | None],
    n: int = 3,
) -> list[int]:
    """Row indices of up to ``n`` quotes: central, from different people and places."""
    if len(vectors) == 0 or n <= 0:
        return []
    order = [int(i) for i in np.argsort(-(vectors @ centroid), kind="stable")]
    return _pick_in_order(order, vectors, person_ids, place_keys, n)


def core_quotes(
    vectors: NDArray[np.float32],
    centroid: NDArray[np.float32],
    groups: Sequence[object],
    person_ids: Sequence[object],
    place_keys: Sequence[object | None],
    n: int = 3,
) -> list[int]:
    """Like ``pick_quotes``, from the theme's core sub-theme first (``groups``: each
    candidate's sub-theme)."""
    if len(vectors) == 0 or n <= 0:
        return []
    central = [int(i) for i in np.argsort(-(vectors @ centroid), kind="stable")]
    core = _core_group(central, groups, person_ids)
    inside = [row for row in central if groups[row] == core]
    centre = vectors[inside].sum(axis=0)
    outside = [row for row in central if groups[row] != core]
    outside.sort(key=lambda row: -float(vectors[row] @ centre))  # stable: ties stay central
    return _pick_in_order(inside + outside, vectors, person_ids, place_keys, n)


def _core_group(
    central: list[int], groups: Sequence[object], person_ids: Sequence[object]
) -> object:
    """The group shared by the most people; among equals, the one holding the most central."""
    people: dict[object, set[object]] = {}
    for row in central:
        people.setdefault(groups[row], set()).add(person_ids[row])
    rank = {
        group: position for position, group in enumerate(dict.fromkeys(groups[r] for r in central))
    }
    return max(people, key=lambda group: (len(people[group]), -rank[group]))


def _pick_in_order(
    order: list[int],
    vectors: NDArray[np.float32],
    person_ids: Sequence[object],
    place_keys: Sequence[object | None],
    n: int,
) -> list[int]:
    chosen: list[int] = []
    for level in (2, 1, 0):  # 2: new person and place, 1: new person, 0: anyone
        for row in order:
            if len(chosen) == n:
                return chosen
            if row not in chosen and _fits(row, chosen, vectors, person_ids, place_keys, level):
                chosen.append(row)
    return chosen


def _fits(
    row: int,
    chosen: list[int],
    vectors: NDArray[np.float32],
    person_ids: Sequence[object],
    place_keys: Sequence[object | None],
    level: int,
) -> bool:
    if level >= 1 and any(person_ids[row] == person_ids[c] for c in chosen):
        return False
    place = place_keys[row]
    if level >= 2 and place is not None and any(place == place_keys[c] for c in chosen):
        return False
    return not any(float(vectors[row] @ vectors[c]) >= NEAR_DUPLICATE for c in chosen)
