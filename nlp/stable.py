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


def pin_levels(
    themes: Sequence[int],
    subthemes: Sequence[int],
    old_theme_of: Sequence[int | None],
    old_sub_of: Sequence[int | None],
    pinned_themes: set[int],
    pinned_subs: set[int],
) -> tuple[list[int], list[int]]:
    """Cluster numbers after organisers' curation is applied, both levels nested.

    Reports of a sub-theme an organiser shaped (a report moved into it) stay together; each
    sub-theme then lies in the theme holding most of its reports; reports of a curated theme
    (named, merged, split, promoted, a report moved in...) keep that theme. Pinned groups get
    numbers of their own, which ``inherit_ids`` maps back to their ids. Finally a sub-theme
    whose reports ended in two themes becomes one sub-theme per theme, so the levels nest.
    """
    subs = _pinned(list(subthemes), old_sub_of, pinned_subs)
    home: dict[int, Counter[int]] = defaultdict(Counter)
    for sub, theme in zip(subs, themes, strict=True):
        home[sub][theme] += 1
    majority = {sub: counts.most_common(1)[0][0] for sub, counts in home.items()}
    nested = _pinned([majority[sub] for sub in subs], old_theme_of, pinned_themes)
    pairs: dict[tuple[int, int], int] = {}
    split_subs = [pairs.setdefault((t, s), len(pairs)) for t, s in zip(nested, subs, strict=True)]
    return nested, split_subs


def _pinned(labels: list[int], old_of: Sequence[int | None], pinned: set[int]) -> list[int]:
    next_label = max(labels, default=-1) + 1
    label_of: dict[int, int] = {}
    out = list(labels)
    for i, old in enumerate(old_of):
        if old is not None and old in pinned:
            if old not in label_of:
                label_of[old] = next_label
                next_label += 1
            out[i] = label_of[old]
    return out
