"""Short human labels for themes: the phrases a theme uses more than the others do."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence


def label_themes(
    phrases_by_theme: Mapping[int, Sequence[Sequence[str]]], max_terms: int = 3
) -> dict[int, str]:
    """Class-based TF-IDF over each theme's noun-chunk and lemma phrases."""
    counts = {
        tid: Counter(p for doc in docs for p in set(doc)) for tid, docs in phrases_by_theme.items()
    }
    themes_with: Counter[str] = Counter()
    for counter in counts.values():
        themes_with.update(counter.keys())
    total = max(1, len(counts))
    labels = {}
    for tid, counter in counts.items():
        labels[tid] = _best_terms(counter, themes_with, total, max_terms)
    return labels


def _best_terms(counter: Counter[str], themes_with: Counter[str], total: int, limit: int) -> str:
    def score(term: str) -> float:
        idf = math.log(1 + total / themes_with[term])
        return counter[term] * idf * (1.3 if " " in term else 1.0)

    chosen: list[str] = []
    for term in sorted(counter, key=lambda t: (-score(t), t)):
        if any(term in c or c in term for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return ", ".join(chosen) if chosen else "unlabelled"
