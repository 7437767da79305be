"""Which language a report is in, cheaply and offline, so English-only steps (the English
NER model's names) are not run on Welsh or Polish text, where they shred ordinary words.

The identifier is py3langid (BSD licence; a naive Bayes model over byte n-grams that ships
inside the wheel), read once, when the spaCy model is loaded (nlp/model.py). Short or
unsure texts count as English: the bot's main language, and the one whose name model is the
stronger net.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

ENGLISH = "en"
MIN_LETTERS = 12  # below this (a name, a number, "ok thanks") the guess is noise
MIN_CONFIDENCE = 0.9
NOT_WORDS = re.compile(r"\S*[@/\d]\S*|\(at\)|\(dot\)")  # links, emails, numbers: no language


@lru_cache(maxsize=1)
def load_identifier() -> Any:
    """Read once (a few seconds); ``nlp.model.load_model`` calls it at start-up."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str:
    """An ISO 639-1 code; "en" when the text is short or the model unsure."""
    words = NOT_WORDS.sub(" ", text)
    if sum(ch.isalpha() for ch in words) < MIN_LETTERS:
        return ENGLISH
    language, confidence = load_identifier().classify(words)
    return str(language) if confidence >= MIN_CONFIDENCE else ENGLISH
