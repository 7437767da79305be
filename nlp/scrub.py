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
from nlp.vectors import COMPONENT

__all__ = ["PLACEHOLDERS", "Found", "find_pii", "scrub", "scrub_many", "scrub_patterns"]


def scrub_patterns(text: str) -> str:
    """Only the rules without a model: contacts, numbers, postcodes, addresses."""
    return apply(text, find_patterns(text))


def _not_needed(nlp: Language) -> list[str]:
    return [COMPONENT] if COMPONENT in nlp.pipe_names else []


def _english(text: str, doc: Doc, ordinary: frozenset[str]) -> list[Found]:
    found = model_names(text, doc, ordinary) + rule_names(text) + context_names(doc, ordinary)
    return outside_organisations(text, found)


def find_pii(nlp: Language, texts: Sequence[str]) -> list[list[Found]]:
    """Spans of personal detail in each text, one batched NER pass for the English ones."""
    patterns = [find_patterns(text) for text in texts]
    english = [i for i, text in enumerate(texts) if detect_language(text) == ENGLISH]
    names: dict[int, list[Found]] = {}
    ordinary = ordinary_words(nlp)
    docs = nlp.pipe([recase(texts[i]) for i in english], disable=_not_needed(nlp), batch_size=64)
    for i, doc in zip(english, docs, strict=True):
        names[i] = _english(texts[i], doc, ordinary)
    return [
        merge(names[i] if i in names else rule_names(text) + foreign_names(text), patterns[i])
        for i, text in enumerate(texts)
    ]


def scrub(nlp: Language, text: str) -> str:
    """One text; ``scrub_many`` for several."""
    return scrub_many(nlp, [text])[0]


def scrub_many(nlp: Language, texts: Sequence[str]) -> list[str]:
    """``scrub`` for each text, with one batched NER pass: a digest's forty quotes take about
    a third of the time they take one by one."""
    return [apply(text, found) for text, found in zip(texts, find_pii(nlp, texts), strict=True)]
