"""Scrubbing: what must become a placeholder, and ordinary text that must survive."""

from __future__ import annotations

import pytest
from spacy.language import Language

from nlp.scrub import scrub, scrub_patterns

HITS = [
    ("Call me on 07700 900123 after six", "[phone]", "07700"),
    ("Mobile +44 7700 900 123 any time", "[phone]", "7700"),
    ("My number is 07700900123.", "[phone]", "900123"),
    ("The office is (020) 7946 0958", "[phone]", "7946"),
    ("Ring +44 (0)161 496 0000 for the depot", "[phone]", "496"),
    ("Landline 0161 496 0000 is never answered", "[phone]", "0161"),
    ("Our US team is on +1 202-555-0143", "[phone]", "555"),
    ("Paris office +33 1 23 45 67 89", "[phone]", "67 89"),
    ("Write to jane.doe@nhs.net about it", "[email]", "jane"),
    ("See https://example.org/rota?week=3 for details", "[link]", "example"),
    ("It is on www.council.gov.uk/jobs now", "[link]", "council"),
    ("Ask @sarah_k in the group", "[handle]", "sarah_k"),
    ("The depot at LS1 4AB floods", "[postcode]", "LS1"),
    ("Our centre, SW1A 1AA, has no ramp", "[postcode]", "SW1A"),
    ("I work at 12 High Street in town", "[address]", "High Street"),
    ("Flat 3, 45 Mill Lane has damp", "[address]", "Mill Lane"),
]

NON_HITS = [
    "Between 2019 - 2023 we lost 1,200 hours of training",
    "Shifts run 07:00-19:00 and the form is dated 12/03/2024",
    "Ward 7B and room 12 cost £1,250.50 to refit",
    "We do 3 12-hour shifts a week on the M25 corridor",
    "Version 3.5 of the app lost report.pdf again",
    "Staff at the office said e.g. the rota is late",
]


@pytest.mark.parametrize(("text", "placeholder", "secret"), HITS)
def test_contact_details_are_replaced(text: str, placeholder: str, secret: str) -> None:
    cleaned = scrub_patterns(text)
    assert placeholder in cleaned
    assert secret not in cleaned


@pytest.mark.parametrize("text", NON_HITS)
def test_ordinary_numbers_and_words_survive(text: str) -> None:
    assert scrub_patterns(text) == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sarah Jones told us the rota was wrong", "Sarah Jones"),
        ("Our manager, Priya Shah, ignored the complaint", "Priya Shah"),
    ],
)
def test_person_names_are_replaced(spacy_nlp: Language, text: str, name: str) -> None:
    cleaned = scrub(spacy_nlp, text)
    assert "[name]" in cleaned
    assert name not in cleaned


def test_text_without_names_is_unchanged(spacy_nlp: Language) -> None:
    text = "The lifts in the tower block have been broken since March"
    assert scrub(spacy_nlp, text) == text


def test_scrub_combines_names_and_contacts(spacy_nlp: Language) -> None:
    cleaned = scrub(spacy_nlp, "Email Tom Baker at tom.baker@example.com or 07700 900123")
    assert cleaned == "Email [name] at [email] or [phone]"


@pytest.mark.parametrize("text", ["", "😀", "Привет, меня зовут Иван", "没有午休时间"])
def test_scrub_never_crashes(spacy_nlp: Language, text: str) -> None:
    assert isinstance(scrub(spacy_nlp, text), str)
