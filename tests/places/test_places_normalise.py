"""The comparison key: every spelling of one place must give the same key."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.places import normalise_place


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("  LEEDS  ", "leeds"),
        ("St Albans", "saint albans"),
        ("st. helens", "saint helens"),
        ("Saint Helens", "saint helens"),
        ("St. Helens", "saint helens"),
        ("Brighton & Hove", "brighton and hove"),
        ("Brighton and Hove", "brighton and hove"),
        ("Stoke-on-Trent", "stoke on trent"),
        ("King's Lynn", "kings lynn"),
        ("King\u2019s Lynn", "kings lynn"),
        ("Ynys Môn", "ynys mon"),
        ("City of Westminster", "westminster"),
        ("Westminster City Council", "westminster"),
        ("London Borough of Camden", "camden"),
        ("Royal Borough of Greenwich", "greenwich"),
        ("Metropolitan Borough of Wigan", "wigan"),
        ("Wigan Council", "wigan"),
        ("Bolton Borough", "bolton"),
        ("Bristol, City of", "bristol"),
        ("Kingston upon Hull, City of", "kingston upon hull"),
        ("Herefordshire, County of", "herefordshire"),
        ("City and County of Swansea", "swansea"),
        ("Glasgow City", "glasgow"),
        ("City of London", "city of london"),
        ("The City of London", "city of london"),
        ("Newcastle", "newcastle upon tyne"),
        ("Newcastle City Council", "newcastle upon tyne"),
        ("Newcastle-under-Lyme", "newcastle under lyme"),
        ("Bham", "birmingham"),
        ("Brum", "birmingham"),
        ("Mcr", "manchester"),
        ("Notts", "nottinghamshire"),
        ("North Yorks", "north yorkshire"),
        ("N. Yorks", "north yorkshire"),
        ("Hants", "hampshire"),
        ("Glos", "gloucestershire"),
        ("Lancs", "lancashire"),
        ("Beds", "bedfordshire"),
        ("Bucks", "buckinghamshire"),
        ("Herts", "hertfordshire"),
        ("Oxon", "oxfordshire"),
        ("Wilts", "wiltshire"),
        ("Leics", "leicestershire"),
        ("Lincs", "lincolnshire"),
        ("NE Lincs", "north east lincolnshire"),
        ("Northants", "northamptonshire"),
        ("Cambs", "cambridgeshire"),
        ("Worcs", "worcestershire"),
        ("Staffs", "staffordshire"),
        ("Salop", "shropshire"),
        ("Co. Durham", "county durham"),
        ("the Wirral", "wirral"),
        ("City", "city"),
        ("🙂🙂", ""),
        ("", ""),
    ],
)
def test_normalise_place(text: str, key: str) -> None:
    assert normalise_place(text) == key


@given(st.text(max_size=60))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise_place(text)
    assert normalise_place(once) == once


@given(st.text(max_size=60))
def test_keys_are_lower_case_single_spaced(text: str) -> None:
    key = normalise_place(text)
    assert key == key.strip() and "  " not in key
    assert key == key.casefold()
