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


ISSUE_14_HITS = [
    ("NHS number 485 777 3456 was on the board", "485 777 3456"),
    ("Referral for 9434765919 went missing", "9434765919"),
    ("My NI number is QQ 12 34 56 C", "QQ 12 34 56 C"),
    ("Born 4th May 1958, she waited all night", "1958"),
    ("The clinic at m1 1ae and the depot at ls7 3ab", "1ae"),
    ("My staff number is 4471829 and payroll lost it", "4471829"),
    ("kev told me the hoist is broken", "kev"),
    ("The manager, JONES, refused", "JONES"),
    ("Ffion Evans-Pritchard changed the rota", "Pritchard"),
    ("Dafydd ap Rhys was moved to nights", "Rhys"),
    ("ring me on 447700900127 tonight", "447700900127"),
    ("my work phone is 7700 900123", "900123"),
    ("email bev (at) nhs (dot) net", "nhs (dot)"),
    ("Sign at bit.ly/3xYzAbc today", "3xYzAbc"),
    ("Ask @Sarah-Collins for the photos", "Collins"),
    ("my insta is kev.the.porter", "kev.the.porter"),
    ("She lives at 3 Park View now", "Park View"),
    ("The hostel at 12 St. John's Wood Road", "Wood Road"),
    ("Pay me to sort code 20-00-00 account 55779911", "55779911"),
    ("The refund went to GB29 NWBK 6016 1331 9268 19", "9268"),
    ("My card 4771 5087 5008 6333 was charged twice", "5008"),
]


@pytest.mark.parametrize(("text", "secret"), ISSUE_14_HITS)
def test_issue_14_misses_are_hidden(spacy_nlp: Language, text: str, secret: str) -> None:
    assert secret not in scrub(spacy_nlp, text)


KEPT = [
    "NHS England says the money is there but Leeds City Council says it has not arrived.",
    "The Care Act 2014 and Section 117 aftercare both apply; band 5 pay is £28,407.",
    "I used to be a baker and now I'm a healthcare assistant in Swansea since 2019.",
    "We do 12-hour shifts with one 30-minute break on Ward 7B.",
    "Marie Curie nurses are the only ones who do night sits in Cumbria.",
]


@pytest.mark.parametrize("text", KEPT)
def test_what_campaigns_need_is_kept(spacy_nlp: Language, text: str) -> None:
    assert scrub(spacy_nlp, text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Pani od pacjenta z łóżka 4 czekała całą noc, a szpital w Leeds nie ma ludzi.",
        "Does dim digon o staff ar y ward ers 2022 ac mae'r cleifion yn aros am oriau.",
    ],
)
def test_welsh_and_polish_are_not_shredded(spacy_nlp: Language, text: str) -> None:
    assert scrub(spacy_nlp, text) == text


def test_polish_names_still_go(spacy_nlp: Language) -> None:
    text = "Moja kierowniczka, Agnieszka Kowalczyk, nie pozwala nam robić przerw w Leeds."
    assert scrub(spacy_nlp, text) == (
        "Moja kierowniczka, [name], nie pozwala nam robić przerw w Leeds."
    )


def test_ten_digits_failing_the_nhs_check_are_kept() -> None:
    assert scrub_patterns("Order 8047545224 of chairs") == "Order 8047545224 of chairs"
