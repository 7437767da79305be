"""Free-text place matching: forgiving for real places, never inventing a match."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.places import (
    PLACE_PROMPT,
    Closeness,
    Place,
    PlaceError,
    closeness,
    match_place,
    nearby,
    normalise_place,
    same_place,
    same_region,
)


@pytest.mark.parametrize(
    ("text", "name", "code"),
    [
        ("Leeds", "Leeds", "E08000035"),
        ("leeds", "Leeds", "E08000035"),
        ("LEEDS!", "Leeds", "E08000035"),
        ("St Albans", "St Albans", "E07000240"),
        ("st albans", "St Albans", "E07000240"),
        ("st. helens", "St. Helens", "E08000013"),
        ("Saint Helens", "St. Helens", "E08000013"),
        ("City of Westminster", "Westminster", "E09000033"),
        ("Kingston upon Hull", "Kingston upon Hull", "E06000010"),
        ("Kingston-upon-Hull", "Kingston upon Hull", "E06000010"),
        ("Hull", "Kingston upon Hull", "E06000010"),
        ("Bristol, City of", "Bristol", "E06000023"),
        ("Bristol City Council", "Bristol", "E06000023"),
        ("Newcastle", "Newcastle upon Tyne", "E08000021"),
        ("Newcastle-under-Lyme", "Newcastle-under-Lyme", "E07000195"),
        ("Brighton & Hove", "Brighton and Hove", "E06000043"),
        ("City of London", "City of London", "E09000001"),
        ("London Borough of Tower Hamlets", "Tower Hamlets", "E09000030"),
        ("Glasgow", "Glasgow City", "S12000049"),
        ("Edinburgh", "City of Edinburgh", "S12000036"),
        ("Cardiff", "Cardiff", "W06000015"),
        ("Caerdydd", "Cardiff", "W06000015"),
        ("Belfast", "Belfast", "N09000003"),
        ("Derry", "Derry City and Strabane", "N09000005"),
        ("Co. Durham", "County Durham", "E06000047"),
        ("Durham", "County Durham", "E06000047"),
        ("Bham", "Birmingham", "E08000025"),
        ("Brum", "Birmingham", "E08000025"),
        ("Mcr", "Manchester", "E08000003"),
        ("N Yorks", "North Yorkshire", "E06000065"),
        ("Kings Lynn", "King's Lynn and West Norfolk", "E07000146"),
        ("Ynys Mon", "Isle of Anglesey", "W06000001"),
    ],
)
def test_known_names_in_many_spellings(text: str, name: str, code: str) -> None:
    place = match_place(text)
    assert (place.name, place.area_code, place.known) == (name, code, True)


@pytest.mark.parametrize(
    ("town", "area"),
    [
        ("Scarborough", "North Yorkshire"),
        ("Harrogate", "North Yorkshire"),
        ("Keighley", "Bradford"),
        ("Hebden Bridge", "Calderdale"),
        ("Hove", "Brighton and Hove"),
        ("Bootle", "Sefton"),
        ("Bath", "Bath and North East Somerset"),
        ("Bury St Edmunds", "West Suffolk"),
        ("bury st. edmunds", "West Suffolk"),
        ("Sutton Coldfield", "Birmingham"),
        ("Kendal", "Westmorland and Furness"),
        ("Taunton", "Somerset"),
        ("Inverness", "Highland"),
        ("Stockport", "Stockport"),
        ("Crawley", "Crawley"),
        ("Salford", "Salford"),
        ("Dudley", "Dudley"),
        ("Wolverhampton", "Wolverhampton"),
        ("Bury", "Bury"),
    ],
)
def test_a_town_inside_a_known_area_matches_that_area(town: str, area: str) -> None:
    place = match_place(town)
    assert place.known and place.name == area


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Manchestr", "Manchester"),
        ("Birmingam", "Birmingham"),
        ("Liverpol", "Liverpool"),
        ("Sheffeld", "Sheffield"),
        ("Edinburough", "City of Edinburgh"),
        ("Notingham", "Nottingham"),
        ("Scarbrough", "North Yorkshire"),
        ("Bristl", "Bristol"),
    ],
)
def test_typos_still_match(text: str, name: str) -> None:
    assert match_place(text).name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Leeds, West Yorkshire", "Leeds"),
        ("West Yorkshire, Leeds", "Leeds"),
        ("near Leeds", "Leeds"),
        ("just outside Leeds", "Leeds"),
        ("Leeds area", "Leeds"),
        ("Leeds city centre", "Leeds"),
        ("I'm a nurse in Leeds", "Leeds"),
        ("Keighley, West Yorkshire", "Bradford"),
        ("Richmond, North Yorkshire", "North Yorkshire"),
        ("Leeds (UK)", "Leeds"),
        ("Leeds / Bradford", "Leeds"),
        ("County Antrim", "Antrim and Newtownabbey"),
    ],
)
def test_place_inside_a_longer_text(text: str, name: str) -> None:
    assert match_place(text).name == name


@pytest.mark.parametrize(
    ("text", "name", "region"),
    [
        ("London", "London", "London"),
        ("Yorkshire", "Yorkshire", "Yorkshire and The Humber"),
        ("Notts", "Nottinghamshire", "East Midlands"),
        ("Hants", "Hampshire", "South East"),
        ("Greater Manchester", "Greater Manchester", "North West"),
        ("Wales", "Wales", "Wales"),
        ("North East England", "North East", "North East"),
    ],
)
def test_counties_and_regions_are_known_with_a_region(text: str, name: str, region: str) -> None:
    place = match_place(text)
    assert (place.name, place.region, place.known) == (name, region, True)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Little Snoring", "Little Snoring"),
        ("little snoring", "Little Snoring"),
        ("MUCH WENLOCK", "Much Wenlock"),
        ("bourton-on-the-water", "Bourton-on-the-water"),
        ("Paris", "Paris"),
    ],
)
def test_unknown_places_are_kept_as_given(text: str, shown: str) -> None:
    place = match_place(text)
    assert place == Place(
        key=normalise_place(text), name=shown, region=None, area_code=None, known=False
    )


@pytest.mark.parametrize(
    "text",
    [
        "Ilchester",
        "Cromford",
        "Ledbury",
        "Marlborough",
        "Washington DC",
        "heart",
        "Lees",
        "hospital",
        "Springfield",
    ],
)
def test_near_misses_are_not_forced_onto_a_known_area(text: str) -> None:
    assert not match_place(text).known


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "🙂🙂🙂", "12345", "!!!", "x" * 201])
def test_empty_or_absurd_input_raises_a_friendly_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="town, city or council area") as caught:
        match_place(text)
    assert isinstance(caught.value, PlaceError)
    assert str(caught.value) == PLACE_PROMPT


@given(st.text(max_size=80))
def test_any_text_gives_a_place_or_the_friendly_error(text: str) -> None:
    try:
        place = match_place(text)
    except PlaceError:
        return
    assert place.key
    assert place.known == (place.region is not None)
    if not place.known:
        assert place.key == normalise_place(text)


def test_same_place_first_then_same_region() -> None:
    leeds, bradford = match_place("Leeds"), match_place("Bradford")
    keighley, manchester = match_place("Keighley"), match_place("Manchester")
    assert same_place(bradford, keighley) and not same_place(leeds, bradford)
    assert same_region(leeds, bradford) and not same_region(leeds, manchester)
    ranked = sorted([manchester, leeds, bradford], key=lambda p: closeness(keighley, p))
    assert [p.name for p in ranked] == ["Bradford", "Leeds", "Manchester"]
    assert closeness(keighley, leeds) is Closeness.SAME_REGION


def test_unknown_places_are_close_only_to_the_same_text() -> None:
    village, again = match_place("Little Snoring"), match_place("little  snoring")
    assert closeness(village, again) is Closeness.SAME_PLACE
    assert not same_region(village, again)
    assert closeness(village, match_place("Norwich")) is Closeness.ELSEWHERE


def test_nearby_lists_the_rest_of_the_region() -> None:
    around = nearby(match_place("Leeds"))
    names = [p.name for p in around]
    assert len(around) == 14 and "Leeds" not in names
    assert {"Bradford", "Calderdale", "Kirklees", "Wakefield", "York"} <= set(names)
    assert names == sorted(names)
    assert all(p.region == "Yorkshire and The Humber" and p.known for p in around)


def test_nearby_a_region_is_every_district_in_it_and_unknown_has_none() -> None:
    assert len(nearby(match_place("Wales"))) == 22
    assert len(nearby(match_place("London"))) == 33
    assert nearby(match_place("Little Snoring")) == []
