"""The spaCy pipeline (with the sentence encoder) is loaded once a session: it takes seconds."""

from __future__ import annotations

import pytest
from spacy.language import Language


@pytest.fixture(scope="session")
def spacy_nlp(nlp: Language) -> Language:
    """The root conftest's session model (nlp.model.load_model("auto")), under a clear name."""
    return nlp
