"""Shared pieces of the benchmark: the labelled data sets, one spaCy pass that yields every
representation compared, and the clustering metrics."""

from __future__ import annotations

import csv
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix
from spacy.language import Language

from nlp.analysis import phrases_of
from nlp.vectors import content_vector

_HERE = Path(__file__).resolve()
# beside the repository; from a worktree (/work/wt/issue-N) that is one level further up
DATA_DIR = next(
    (p / "shared" / "data" for p in _HERE.parents[2:4] if (p / "shared" / "data").is_dir()),
    _HERE.parents[2] / "shared" / "data",
)
DATA_SETS = ("clinc150_test", "stackoverflow", "nhs_fft_negative")


@dataclass(frozen=True)
class DataSet:
    name: str
    texts: list[str]
    labels: list[str]  # NHS comments carry several labels; the first is used (see README)


@dataclass(frozen=True)
class Embedded:
    groundswell: NDArray[np.float32]  # what the bot stores: doc.vector from the pipeline
    spacy_mean: NDArray[np.float32]  # plain mean of en_core_web_md word vectors
    spacy_content: NDArray[np.float32]  # the bot's fallback when the encoder cannot load
    phrases: list[tuple[str, ...]]
    seconds: float


def load(name: str, data_dir: Path = DATA_DIR, limit: int | None = None, seed: int = 0) -> DataSet:
    """Read one TSV; ``limit`` takes a seeded random subset (for --quick)."""
    csv.field_size_limit(10**7)
    with (data_dir / f"{name}.tsv").open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)][1:]
    rows = [r for r in rows if len(r) >= 2]
    if limit is not None and limit < len(rows):
        keep = np.sort(np.random.default_rng(seed).choice(len(rows), limit, replace=False))
        rows = [rows[i] for i in keep]
    return DataSet(name, [r[0] for r in rows], [r[1].split("|")[0] for r in rows])


def level_truth(data: DataSet, data_dir: Path = DATA_DIR) -> tuple[list[str], list[str]]:
    """True labels at the theme and sub-theme level. CLINC150's intents map to its 10
    domains (clinc150_domains.tsv); the other sets have one level, used for both."""
    mapping = data_dir / "clinc150_domains.tsv"
    if data.name.startswith("clinc150") and mapping.exists():
        with mapping.open(encoding="utf-8") as handle:
            rows = [line.rstrip("\n").split("\t") for line in handle][1:]
        domain = {label: dom for label, dom in rows}
        return [domain[label] for label in data.labels], data.labels
    return data.labels, data.labels


def embed(nlp: Language, texts: Sequence[str]) -> Embedded:
    """One pass through the full pipeline collects every representation compared."""
    ours, mean, content, phrases = [], [], [], []
    start = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=256):
        ours.append(np.asarray(doc.vector, dtype=np.float32))
        words = np.asarray([t.vector for t in doc if t.has_vector], dtype=np.float32)
        mean.append(words.mean(axis=0) if len(words) else np.zeros(doc.vocab.vectors.shape[1]))
        content.append(content_vector(doc))
        phrases.append(phrases_of(doc))
    seconds = time.perf_counter() - start
    return Embedded(
        np.vstack(ours), np.vstack(mean).astype(np.float32), np.vstack(content), phrases, seconds
    )


def hungarian_accuracy(truth: Sequence[str], found: NDArray[np.int64]) -> float:
    """Share of reports in clusters matched one-to-one to labels (extra clusters score 0)."""
    table = contingency_matrix(truth, found)
    rows, cols = linear_sum_assignment(-table)
    return float(table[rows, cols].sum() / len(found))


def scores(truth: Sequence[str], found: NDArray[np.int64]) -> dict[str, float | int]:
    return {
        "NMI": float(normalized_mutual_info_score(truth, found)),
        "ARI": float(adjusted_rand_score(truth, found)),
        "ACC": hungarian_accuracy(truth, found),
        "themes": int(len(np.unique(found))),
        "themes >=3": int(np.sum(np.bincount(found) >= 3)),
    }
