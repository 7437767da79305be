"""Keeping theme ids stable across re-clustering.

A new cluster inherits an old theme's id when most of that old theme's reports landed in it
(and it is that cluster's largest source), so names, demands and "me too"s survive.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence


def inherit_ids(
    old_theme_of: Sequence[int | None], new_cluster_of: Sequence[int]
) -> dict[int, int]:
    """Map new cluster number -> old theme id, for clusters that keep an old theme."""
    overlap: dict[int, Counter[int]] = defaultdict(Counter)
    old_sizes: Counter[int] = Counter()
    for old, new in zip(old_theme_of, new_cluster_of, strict=True):
        if old is not None:
            overlap[new][old] += 1
            old_sizes[old] += 1
    candidates = []
    for new, counts in overlap.items():
        for old, shared in counts.items():
            if shared * 2 > old_sizes[old]:
                candidates.append((shared, -old, new, old))
    mapping: dict[int, int] = {}
    taken: set[int] = set()
    for _shared, _neg, new, old in sorted(candidates, reverse=True):
        if new not in mapping and old not in taken:
            mapping[new] = old
            taken.add(old)
    return mapping
