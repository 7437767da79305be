"""Scrubbing quotes before they leave the system: names, contacts and addresses become
placeholders. The stored report keeps the original, shown only to its author."""

from __future__ import annotations

import re

from spacy.language import Language

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("[email]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[link]", re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)),
    ("[handle]", re.compile(r"(?<![\w@])@\w{2,}")),
    (
        "[postcode]",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    ),
    (
        "[phone]",
        re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(0?\d{1,4}\)[\s.-]?)?\d[\d\s.-]{6,}\d\b"),
    ),
    (
        "[address]",
        re.compile(
            r"\b\d{1,4}[a-z]?\s+(?:[A-Z][a-z]+\s+){1,3}"
            r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Place|Crescent|Court|Terrace)\b"
        ),
    ),
)


def scrub_patterns(text: str) -> str:
    for placeholder, pattern in PATTERNS:
        text = pattern.sub(placeholder, text)
    return text


def scrub(nlp: Language, text: str) -> str:
    """Regex contacts first (NER mislabels them), then spaCy's PERSON entities."""
    cleaned = scrub_patterns(text)
    doc = nlp(cleaned)
    for ent in reversed(doc.ents):
        if ent.label_ == "PERSON" and "[" not in ent.text:
            cleaned = cleaned[: ent.start_char] + "[name]" + cleaned[ent.end_char :]
    return cleaned
