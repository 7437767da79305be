"""The pipeline component that gives each report its vector.

Mean word vectors weighted towards content words: stop words, punctuation and numbers are
left out (they drown the words that tell barriers apart), and the result is L2-normalised
so cosine similarity is a dot product.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from spacy.language import Language
from spacy.tokens import Doc

COMPONENT = "groundswell_vector"


def content_vector(doc: Doc) -> NDArray[np.float32]:
    width = doc.vocab.vectors.shape[1]
    rows = [t.vector for t in doc if t.has_vector and t.is_alpha and not t.is_stop]
    if not rows:
        rows = [t.vector for t in doc if t.has_vector]
    if not rows:
        return np.zeros(width, dtype=np.float32)
    mean = np.mean(np.asarray(rows, dtype=np.float32), axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 0 else mean.astype(np.float32)


@Language.component(COMPONENT)
def set_report_vector(doc: Doc) -> Doc:
    """Overrides ``doc.vector`` so every caller sees the same representation."""
    vector = content_vector(doc)
    doc.user_hooks["vector"] = lambda _doc: vector
    return doc


def add_vector_component(nlp: Language) -> Language:
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True)
    return nlp
