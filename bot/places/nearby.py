"""How close two places are, for "same place first, then nearby (same region)".

Region is the only geography held for every area, so "nearby" means the same ONS
region (or nation). Unknown places are only ever close to the very same key.
"""

from __future__ import annotations

from enum import IntEnum

from bot.places.gazetteer import Place, load_gazetteer


class Closeness(IntEnum):
    """Sorts naturally: same place before same region before elsewhere."""

    SAME_PLACE = 0
    SAME_REGION = 1
    ELSEWHERE = 2


def same_place(a: Place, b: Place) -> bool:
    return a.key == b.key


def same_region(a: Place, b: Place) -> bool:
    return a.region is not None and a.region == b.region


def closeness(a: Place, b: Place) -> Closeness:
    if same_place(a, b):
        return Closeness.SAME_PLACE
    if same_region(a, b):
        return Closeness.SAME_REGION
    return Closeness.ELSEWHERE


def nearby(place: Place) -> list[Place]:
    """The other local authorities in the same region, by name; none for unknown places."""
    if not place.known or place.region is None:
        return []
    areas = load_gazetteer().in_region(place.region)
    return sorted((a.to_place() for a in areas if a.key != place.key), key=lambda p: p.name)


def place_for_code(code: str) -> Place | None:
    """The gazetteer place for a stored ONS code, e.g. when reloading a circle's place."""
    area = load_gazetteer().by_code.get(code)
    return area.to_place() if area is not None else None
