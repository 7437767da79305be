"""Turning report texts into what the rest of the bot needs: a vector and label material."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from spacy.language import Language
from spacy.tokens import Doc, Token

from nlp.safety import Concern, assess_doc
from nlp.topic import not_a_barrier


@dataclass(frozen=True)
class Analysis:
    vector: NDArray[np.float32]
    phrases: tuple[str, ...]  # lemmatised noun chunks and content lemmas, for labels
    not_barrier: bool = False  # off-topic, a test or abuse (nlp.topic): kept out of themes
    concern: Concern | None = None  # nlp.safety's verdict on the same parse

    @property
    def is_empty(self) -> bool:
        return not bool(np.any(self.vector))


def _label_word(token: Token) -> bool:
    """Words fit for a theme label: content words, never a name or contact detail."""
    return (
        token.is_alpha
        and not token.is_stop
        and token.ent_type_ != "PERSON"
        and not token.like_email
        and not token.like_url
    )


def phrases_of(doc: Doc) -> tuple[str, ...]:
    """Lemmatised noun chunks, then common-noun lemmas: the material labels are made from.
    Nouns only, so a label names the barrier ("agency rule") instead of listing verbs
    ("send, home, know"); proper nouns only inside chunks, which nlp.labels admits only
    when enough different reporters used them."""
    chunks = []
    for chunk in doc.noun_chunks:
        words = [t.lemma_.lower() for t in chunk if _label_word(t)]
        if words:
            chunks.append(" ".join(words))
    lemmas = [t.lemma_.lower() for t in doc if _label_word(t) and t.pos_ == "NOUN"]
    return tuple(chunks + lemmas)


def analyse(nlp: Language, texts: Iterable[str], batch_size: int = 256) -> list[Analysis]:
    """CPU-bound: call it off the event loop. The safety screen reads the same parse, so a
    message screened and stored at once is parsed once."""
    results = []
    for doc in nlp.pipe(texts, batch_size=batch_size):
        vector = np.asarray(doc.vector, dtype=np.float32)
        results.append(Analysis(vector, phrases_of(doc), not_a_barrier(doc), assess_doc(doc)))
    return results


def vector_to_bytes(vector: NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def vector_from_bytes(data: bytes) -> NDArray[np.float32]:
    return np.frombuffer(data, dtype=np.float32).copy()
