"""Naming the places behind a theme: at the level where enough reporters stand, by the
gazetteer's name.

A district (local authority) is named when at least ``min_people`` distinct reporters there
share the theme. Reporters in districts too thin to name are pooled by region, and a region
is named ("elsewhere in Yorkshire and The Humber") when that pool reaches ``min_people``:
counting the named districts' people in the region too would let a reader subtract them and
find the one person left over. Places the gazetteer does not know are never named: their
key is one person's spelling.

The same names decide what a quote may say about a place it mentions (``quote_place``): a
town only one reporter stands in would name that reporter's workplace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from bot.digests.model import NamedPlace
from bot.places import LOCAL_AUTHORITY, load_gazetteer, normalise_place
from bot.visibility import Visibility
from nlp.places import PLACE_MASK, Marked, show_places

Area = tuple[str, str]  # (district name, region): region-level areas have no district
REGION_ONLY = ""
NATIONWIDE = frozenset({"uk", "united kingdom", "britain", "great britain"})  # everyone's


def _area_of(key: str) -> Area | None:
    """The district's gazetteer name and its region; None for an unknown place."""
    found = load_gazetteer().lookup(key)
    if found is None:
        return None
    area, _alias = found
    return (area.name if area.kind == "local authority" else REGION_ONLY), area.region


def name_places(
    rows: Iterable[tuple[int, str, int]], rule: Visibility
) -> dict[int, list[NamedPlace]]:
    """Rows are (theme, place key, reporter), once per reporter and place."""
    people: dict[int, dict[Area, set[int]]] = defaultdict(lambda: defaultdict(set))
    for theme_id, key, person in rows:
        area = _area_of(key)
        if area is not None:
            people[theme_id][area].add(person)
    return {theme_id: _theme_places(areas, rule) for theme_id, areas in people.items()}


def _theme_places(areas: dict[Area, set[int]], rule: Visibility) -> list[NamedPlace]:
    shown = {area: who for area, who in areas.items() if area[0] and rule.shows(len(who))}
    named_people: set[int] = set().union(*shown.values()) if shown else set()
    pooled: dict[str, set[int]] = defaultdict(set)
    for area, who in areas.items():
        if area not in shown:
            pooled[area[1]] |= who
    out = [NamedPlace(district, len(who)) for (district, _), who in shown.items()]
    regions_named = {region for _, region in shown}
    for region, who in pooled.items():
        rest = who - named_people
        if rule.shows(len(rest)):
            name = f"elsewhere in {region}" if region in regions_named else region
            out.append(NamedPlace(name, len(rest)))
    return sorted(out, key=lambda p: (-p.people, p.name))


def place_name_for(key: str, named: list[NamedPlace]) -> str:
    """The shown name that covers a place key: its district when that is named, else its
    region when that is; "" when neither may be shown."""
    area = _area_of(key)
    if area is None:
        return ""
    district, region = area
    names = {p.name for p in named}
    if district and district in names:
        return district
    for name in (region, f"elsewhere in {region}"):
        if name in names:
            return region
    return ""


def _region_shown(region: str, named: Sequence[NamedPlace]) -> bool:
    """At least ``min_people`` of the theme's reporters stand in the region: it, or the rest
    of it, or one of its districts is named."""
    names = {p.name for p in named}
    if region in names or f"elsewhere in {region}" in names:
        return True
    return any(_area_of(normalise_place(name)) == (name, region) for name in names)


def quote_place(mention: str, named: Sequence[NamedPlace]) -> str:
    """What a quote may say for a place it mentions, given the places the digest names for
    the quote's theme (``name_places``): the mention where it is itself a named district or
    a region where enough reporters stand; the district or region that covers it where that
    is named ("Halifax" reads "Calderdale": k reporters stand in Calderdale, not in Halifax);
    else the mask. A place the gazetteer does not know is always masked: nobody can be
    counted there ("Brackenthwaite")."""
    key = normalise_place(mention)
    if key in NATIONWIDE:
        return mention
    found = load_gazetteer().lookup(key)
    if found is None:
        return PLACE_MASK
    area, alias = found
    if area.kind == LOCAL_AUTHORITY:
        shown = place_name_for(key, list(named))
        return mention if shown == area.name and not alias else shown or PLACE_MASK
    if not _region_shown(area.region, named):
        return PLACE_MASK
    return mention if area.name == area.region else area.region


def quote_text(marked: Marked, named: Sequence[NamedPlace]) -> str:
    """A scrubbed report's text as others may read it: each place it mentions by
    ``quote_place`` for the places named for its theme (none: every place but the UK
    itself is masked)."""
    return show_places(marked, lambda mention: quote_place(mention, named))
