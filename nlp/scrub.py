"""Scrubbing quotes before they leave the system: names, contacts, numbers and addresses
become placeholders ("[name]", "[phone]", "[nhs number]", ...). The stored report keeps the
original, shown only to its author.

Rules with a written form (nlp/pii.py) run first and win any overlap, because the model
mislabels contact details (an email's local part often comes out as a PERSON). Names come
next (nlp/names.py): with the English NER model only when the report is English
(nlp/language.py), by capitalised-word rules otherwise, so Welsh or Polish text is not
shredded. Every step works on spans over the original text, which is what the benchmark
(bench/scrub_bench.py) scores.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from nlp.language import ENGLISH, detect_language
from nlp.names import (
    context_names,
    foreign_names,
    model_names,
    ordinary_words,
    outside_organisations,
    recase,
    rule_names,
)
from nlp.pii import PLACEHOLDERS, Found, apply, find_patterns, merge
from nlp.places import Marked, find_places, mark
from nlp.vectors import COMPONENT

__all__ = [
    "PLACEHOLDERS",
    "Found",
    "find_pii",
    "scrub",
    "scrub_many",
    "scrub_marked",
    "scrub_patterns",
]


def scrub_patterns(text: str) -> str:
    """Only the rules without a model: contacts, numbers, postcodes, addresses."""
    return apply(text, find_patterns(text))


def _not_needed(nlp: Language) -> list[str]:
    return [COMPONENT] if COMPONENT in nlp.pipe_names else []


def _english(text: str, doc: Doc, ordinary: frozenset[str]) -> list[Found]:
    found = model_names(text, doc, ordinary) + rule_names(text) + context_names(doc, ordinary)
    return outside_organisations(text, found)


def _analysed(nlp: Language, texts: Sequence[str]) -> list[tuple[list[Found], Doc | None]]:
    """Each text's spans of personal detail, and the model's parse where it ran (English
    texts, one batched NER pass)."""
    patterns = [find_patterns(text) for text in texts]
    english = [i for i, text in enumerate(texts) if detect_language(text) == ENGLISH]
    parsed: dict[int, tuple[list[Found], Doc | None]] = {}
    ordinary = ordinary_words(nlp)
    docs = nlp.pipe([recase(texts[i]) for i in english], disable=_not_needed(nlp), batch_size=64)
    for i, parse in zip(english, docs, strict=True):
        parsed[i] = _english(texts[i], parse, ordinary), parse
    out: list[tuple[list[Found], Doc | None]] = []
    for i, text in enumerate(texts):
        names, doc = parsed.get(i) or (rule_names(text) + foreign_names(text), None)
        out.append((merge(names, patterns[i]), doc))
    return out


def find_pii(nlp: Language, texts: Sequence[str]) -> list[list[Found]]:
    """Spans of personal detail in each text, one batched NER pass for the English ones."""
    return [found for found, _ in _analysed(nlp, texts)]


def scrub_marked(nlp: Language, texts: Sequence[str], places: frozenset[str]) -> list[Marked]:
    """``scrub_many``, with the place names left in each text marked (nlp.places) so that
    the caller shows each only where enough reporters stand there. ``places``: the
    gazetteer's names in lower case."""
    ordinary = ordinary_words(nlp)
    return [
        mark(text, found, find_places(text, doc, places, ordinary))
        for text, (found, doc) in zip(texts, _analysed(nlp, texts), strict=True)
    ]


def scrub(nlp: Language, text: str) -> str:
    """One text; ``scrub_many`` for several."""
    return scrub_many(nlp, [text])[0]


def scrub_many(nlp: Language, texts: Sequence[str]) -> list[str]:
    """``scrub`` for each text, with one batched NER pass: a digest's forty quotes take about
    a third of the time they take one by one."""
    return [apply(text, found) for text, found in zip(texts, find_pii(nlp, texts), strict=True)]
