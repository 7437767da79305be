"""The packaged gazetteer data: complete, consistent, and every row reachable by name."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from importlib import resources

import pytest

from bot.places import REGIONS, load_gazetteer, match_place, place_for_code

# Per-region district counts of the ONS December 2024 LAD-to-region lookup.
EXPECTED_PER_REGION = {
    "North East": 12,
    "North West": 35,
    "Yorkshire and The Humber": 15,
    "East Midlands": 35,
    "West Midlands": 30,
    "East of England": 45,
    "London": 33,
    "South East": 64,
    "South West": 27,
    "Wales": 22,
    "Scotland": 32,
    "Northern Ireland": 11,
}
CODE_PREFIXES = {
    "England": ("E06", "E07", "E08", "E09"),
    "Wales": ("W06",),
    "Scotland": ("S12",),
    "Northern Ireland": ("N09",),
}


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("bot.places.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_total_and_per_nation_counts() -> None:
    rows = _rows("uk_local_authorities.csv")
    assert len(rows) == 361
    assert Counter(r["country"] for r in rows) == {
        "England": 296,
        "Wales": 22,
        "Scotland": 32,
        "Northern Ireland": 11,
    }


def test_nine_english_regions_and_three_nations_with_ons_counts() -> None:
    counts = Counter(a.region for a in load_gazetteer().local_authorities)
    assert counts == EXPECTED_PER_REGION
    assert set(REGIONS) == set(EXPECTED_PER_REGION)
    areas = load_gazetteer().local_authorities
    english = {a.region for a in areas if (a.code or "").startswith("E")}
    assert len(english) == 9


def test_codes_are_unique_and_shaped_like_their_country() -> None:
    rows = _rows("uk_local_authorities.csv")
    assert len({r["code"] for r in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"[EWSN]\d{8}", row["code"]), row
        assert row["code"].startswith(CODE_PREFIXES[row["country"]]), row
        assert (row["region"] == "London") == row["code"].startswith("E09"), row


def test_every_district_matches_itself_by_its_ons_name() -> None:
    for row in _rows("uk_local_authorities.csv"):
        place = match_place(row["name"])
        assert (place.area_code, place.region, place.known) == (row["code"], row["region"], True)


def test_every_district_is_found_by_its_code() -> None:
    for area in load_gazetteer().local_authorities:
        assert area.code is not None
        place = place_for_code(area.code)
        assert place is not None and place.key == area.key
    assert place_for_code("E99999999") is None


def test_every_alias_points_at_a_known_area_and_matches_to_it() -> None:
    by_code = load_gazetteer().by_code
    for row in _rows("uk_place_aliases.csv"):
        assert row["code"] in by_code, row
        assert match_place(row["alias"]).area_code == row["code"], row


def test_alias_table_is_large_and_aliases_are_not_repeated() -> None:
    aliases = [r["alias"].casefold() for r in _rows("uk_place_aliases.csv")]
    assert len(aliases) >= 150
    assert len(set(aliases)) == len(aliases)


def test_wider_areas_carry_a_known_region_and_unique_codes() -> None:
    wider = load_gazetteer().wider_areas
    assert all(a.region in REGIONS for a in wider)
    codes = [a.code for a in wider if a.code is not None]
    assert len(set(codes)) == len(codes)
    regions = {a.name for a in wider if a.kind in {"region", "nation"}}
    assert regions == set(REGIONS)


def test_data_is_shipped_with_its_source_and_licence() -> None:
    source = resources.files("bot.places.data").joinpath("SOURCE.md").read_text("utf-8")
    assert "Office for National Statistics" in source
    assert "Open Government Licence v3.0" in source


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Bristol, City of", "Bristol"),
        ("Kingston upon Hull, City of", "Kingston upon Hull"),
        ("Herefordshire, County of", "Herefordshire"),
        ("Armagh City, Banbridge and Craigavon", "Armagh City, Banbridge and Craigavon"),
    ],
)
def test_display_names_drop_the_ons_inversion(name: str, shown: str) -> None:
    assert match_place(name).name == shown
