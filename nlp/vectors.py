"""The pipeline component that gives each report its vector.

The vector is set inside the spaCy pipeline (``doc.user_hooks["vector"]``) so every caller
of ``doc.vector`` sees the same representation. It comes from the sentence encoder
(nlp/encoder.py) when that loads; otherwise from mean word vectors of content words (stop
words, punctuation and numbers drown the words that tell barriers apart). Either way it is
L2-normalised, so cosine similarity is a dot product, and a text with no words at all
(empty, emoji-only, digits-only) gets the zero vector, which ``Analysis.is_empty`` reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from numpy.typing import NDArray
from spacy.language import Language
from spacy.tokens import Doc

from nlp.encoder import SPACY_NAME, SentenceEncoder, load_encoder
from nlp.unit import normalise

COMPONENT = "groundswell_vector"


def has_words(doc: Doc) -> bool:
    return any(t.is_alpha for t in doc)


def content_vector(doc: Doc) -> NDArray[np.float32]:
    width = doc.vocab.vectors.shape[1]
    rows = [t.vector for t in doc if t.has_vector and t.is_alpha and not t.is_stop]
    if not rows:
        rows = [t.vector for t in doc if t.has_vector and t.is_alpha]
    if not rows:
        return np.zeros(width, dtype=np.float32)
    return normalise(np.mean(np.asarray(rows, dtype=np.float32), axis=0))


def _set_vector(doc: Doc, vector: NDArray[np.float32]) -> Doc:
    doc.user_hooks["vector"] = lambda _doc: vector
    return doc


class ReportVectors:
    """Batches docs through the encoder: one call per batch is several times faster."""

    def __init__(self, encoder: SentenceEncoder | None, word_width: int) -> None:
        self.encoder = encoder
        self.representation_name = encoder.name if encoder is not None else SPACY_NAME
        self.width = encoder.width if encoder is not None else word_width

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._vectorise(batch)
                batch = []
        if batch:
            yield from self._vectorise(batch)

    def _vectorise(self, docs: list[Doc]) -> list[Doc]:
        if self.encoder is None:
            return [_set_vector(d, content_vector(d)) for d in docs]
        worded = [d for d in docs if has_words(d)]
        rows = self.encoder.encode([d.text for d in worded])
        for doc, row in zip(worded, rows, strict=True):
            _set_vector(doc, row)
        for doc in docs:
            if not has_words(doc):
                _set_vector(doc, np.zeros(self.width, dtype=np.float32))
        return docs


@Language.factory(COMPONENT, default_config={"encoder": "auto"})
def make_report_vectors(nlp: Language, name: str, encoder: str) -> ReportVectors:
    return ReportVectors(load_encoder(encoder), nlp.vocab.vectors.shape[1])


def add_vector_component(nlp: Language, encoder: str = "auto") -> Language:
    if COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, last=True, config={"encoder": encoder})
    return nlp


def vector_component(nlp: Language) -> ReportVectors:
    component = nlp.get_pipe(COMPONENT)
    assert isinstance(component, ReportVectors)
    return component


def representation(nlp: Language) -> tuple[str, int]:
    """Name and width of the vectors this pipeline makes, so the caller can notice a change
    (stored vectors from another representation cannot be compared with new ones)."""
    component = vector_component(nlp)
    return component.representation_name, component.width
