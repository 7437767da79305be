"""Places in quotes: found by the scrubber (nlp.places), shown by the digest's names
(bot.digests.naming.quote_place), so a town only one reporter stands in never reaches a
reader while a place enough reporters share stays readable."""

from __future__ import annotations

import pytest
from spacy.language import Language

from bot.digests.model import NamedPlace
from bot.digests.naming import quote_place, quote_text
from bot.places import written_names
from nlp.places import PLACE_MASK
from nlp.scrub import scrub_many, scrub_marked

LEEDS = (NamedPlace("Leeds", 3),)
CALDERDALE = (NamedPlace("Calderdale", 3),)
REGION = (NamedPlace("Yorkshire and The Humber", 4),)

TEXTS = [
    "Kev Quillfeather, our agency manager in Brackenthwaite, makes us sign the form.",
    "In Leeds the rota is late; staff from Halifax cover the UK.",
    "Call 07700 900123 before you drive to Otley; Mrs Jones in Leeds knows.",
    "the agency rule in brackenthwaite means we wait",
    "Reading the rota is hard. Deal with it, they say at Bath.",
    "Nothing here names a place at all, only the agency staff rule.",
]


def shown(spacy_nlp: Language, text: str, named: tuple[NamedPlace, ...]) -> str:
    return quote_text(scrub_marked(spacy_nlp, [text], written_names())[0], named)


def test_marked_text_is_the_scrubbers_text(spacy_nlp: Language) -> None:
    """Marking places changes nothing else: with every place kept as written, the text is
    exactly what scrub_many gives (personal detail masked the same way)."""
    marked = scrub_marked(spacy_nlp, TEXTS, written_names())
    assert [m.text for m in marked] == scrub_many(spacy_nlp, TEXTS)
    assert all(m.text[s:e].strip() for m in marked for s, e in m.places)


@pytest.mark.parametrize(
    ("text", "named", "expected"),
    [
        (TEXTS[0], LEEDS, "[name], our agency manager in [place], makes us sign the form."),
        (TEXTS[1], LEEDS, "In Leeds the rota is late; staff from [place] cover the UK."),
        (TEXTS[1], CALDERDALE, "In [place] the rota is late; staff from Calderdale cover the UK."),
        (TEXTS[1], REGION, "In Yorkshire and The Humber the rota is late; staff from "
         "Yorkshire and The Humber cover the UK."),
        (TEXTS[2], LEEDS, "Call [phone] before you drive to Leeds; Mrs [name] in Leeds knows."),
        (TEXTS[3], LEEDS, "the agency rule in [place] means we wait"),
        (TEXTS[4], (), "Reading the rota is hard. Deal with it, they say at [place]."),
        (TEXTS[5], (), TEXTS[5]),
        ("Birmingham and Coventry share one rota.", (), "[place] and [place] share one rota."),
        ("Rydw i'n gweithio ym Mangor ac mae'r rota yn hwyr bob wythnos.", (),
         "Rydw i'n gweithio ym [place] ac mae'r rota yn hwyr bob wythnos."),
        ("Pracuję w Gdańsku i grafik jest zawsze za późno.", (),
         "Pracuję w [place] i grafik jest zawsze za późno."),
    ],
)  # fmt: skip
def test_a_place_is_shown_only_where_k_reporters_stand(
    spacy_nlp: Language, text: str, named: tuple[NamedPlace, ...], expected: str
) -> None:
    assert shown(spacy_nlp, text, named) == expected


@pytest.mark.parametrize(
    ("mention", "named", "expected"),
    [
        ("Leeds", LEEDS, "Leeds"),
        ("leeds", LEEDS, "leeds"),
        ("Otley", LEEDS, "Leeds"),  # a town in the named district reads as the district
        ("Bradford", LEEDS, PLACE_MASK),  # one reporter there: not "the rest of Yorkshire"
        ("Bradford", REGION, "Yorkshire and The Humber"),
        ("Yorkshire and The Humber", LEEDS, "Yorkshire and The Humber"),
        ("West Yorkshire", LEEDS, "Yorkshire and The Humber"),  # a county: k stand in the region
        ("Wales", LEEDS, PLACE_MASK),
        ("UK", (), "UK"),
        ("Brackenthwaite", LEEDS, PLACE_MASK),  # unknown: nobody can be counted there
        ("Leeds", (NamedPlace("elsewhere in Yorkshire and The Humber", 3), *LEEDS), "Leeds"),
    ],
)
def test_quote_place_uses_the_digests_names(
    mention: str, named: tuple[NamedPlace, ...], expected: str
) -> None:
    assert quote_place(mention, named) == expected
