"""Choosing representative quotes for a theme.

A digest that quotes one person three times, or three people from one workplace, tells the
organiser less than it seems to. So quotes are taken nearest the theme's centre first, passing
over people and places already quoted while others remain, then relaxing places, then people;
near-duplicates of a quote already chosen are always skipped.
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
