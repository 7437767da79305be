"""Short human labels for themes, built only from what enough people said.

A label is shown wherever its theme is, so it must not carry one person's words: a street,
a colleague's nickname or a made-up town typed by one reporter would point straight at
them. A phrase may enter a label only when at least ``min_people`` *different reporters*
used it (a person who reports twice counts once), and then only if the scrubber leaves it
unchanged (a phrase that holds a name or contact is dropped, not shown with a placeholder).

Among those phrases the label prefers what reads as a name for the barrier: noun phrases
("agency staff rule") before single words, ranked by class-based TF-IDF so a theme is named
by what sets it apart from the others. Pure: the scrubber is passed in, so the caller decides
where spaCy runs (off the event loop).
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

ReportPhrases = tuple[int, Sequence[str]]  # (reporter id, the phrases of one report)
Scrubber = Callable[[list[str]], list[str]]
PHRASE_BONUS = 1.5  # a noun phrase reads as a name; a lone lemma rarely does


MAX_PHRASE_WORDS = 6


def spans(phrase: str) -> set[str]:
    """The phrase and its shorter runs of two or more words: someone who wrote "agency
    staff rule" also said "agency staff", so three reporters' variants can share a name."""
    words = phrase.split()[:MAX_PHRASE_WORDS]
    out = {" ".join(words)} if words else set()
    for size in range(2, len(words)):
        out |= {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    return out


def shared_phrases(reports: Sequence[ReportPhrases], min_people: int) -> Counter[str]:
    """Each phrase used by at least ``min_people`` different reporters, with that number."""
    users: dict[str, set[int]] = defaultdict(set)
    for reporter, phrases in reports:
        for phrase in phrases:
            for span in spans(phrase):
                users[span].add(reporter)
    return Counter({p: len(who) for p, who in users.items() if len(who) >= min_people})


def label_themes(
    reports_by_theme: Mapping[int, Sequence[ReportPhrases]],
    min_people: int,
    scrub: Scrubber,
    max_terms: int = 2,
) -> dict[int, str]:
    """A label per theme; "" when no phrase is shared by enough reporters yet."""
    return labels_from(phrase_counts(reports_by_theme, min_people), scrub, max_terms)


def phrase_counts(
    reports_by_theme: Mapping[int, Sequence[ReportPhrases]], min_people: int
) -> dict[int, Counter[str]]:
    """Each theme's phrases shared by ``min_people`` reporters: the costly part of labelling
    (every run of words of every report), and free of spaCy, so a re-cluster runs it in its
    background process, away from this interpreter's lock and the model's thread."""
    return {tid: shared_phrases(reports, min_people) for tid, reports in reports_by_theme.items()}


def labels_from(
    counts: Mapping[int, Counter[str]], scrub: Scrubber, max_terms: int = 2
) -> dict[int, str]:
    """Labels from each theme's shared phrases (``phrase_counts``): those the scrubber
    leaves as they are, ranked against the other themes."""
    clean = _scrubbed({p for c in counts.values() for p in c}, scrub)
    counts = {tid: Counter({p: n for p, n in c.items() if p in clean}) for tid, c in counts.items()}
    themes_with: Counter[str] = Counter()
    for counter in counts.values():
        themes_with.update(counter.keys())
    total = max(1, len(counts))
    return {tid: _best_terms(c, themes_with, total, max_terms) for tid, c in counts.items()}


def _scrubbed(phrases: set[str], scrub: Scrubber) -> set[str]:
    """The phrases the scrubber leaves as they are."""
    ordered = sorted(phrases)
    return {p for p, s in zip(ordered, scrub(ordered) if ordered else [], strict=True) if p == s}


def _best_terms(counter: Counter[str], themes_with: Counter[str], total: int, limit: int) -> str:
    def score(term: str) -> float:
        idf = math.log(1 + total / themes_with[term])
        return counter[term] * idf * PHRASE_BONUS ** (len(term.split()) - 1)

    chosen: list[str] = []
    for term in sorted(counter, key=lambda t: (-score(t), t)):
        if any(_overlaps(term, c) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return ", ".join(chosen)


class RememberingScrubber:
    """The scrubber's verdict on each label candidate (left as it is, or not), remembered:
    the same shared phrases come up at every re-cluster, and scrubbing them again (spaCy's
    NER) was most of a re-cluster's NLP time, taken from chat's (issue 17). Kept under a
    keyed hash with a key made per process, so the memo holds nobody's words and /forget
    has nothing to remove here."""

    LIMIT = 100_000  # verdicts; then it starts afresh (a long-running bot's old phrases)

    def __init__(self, scrub: Scrubber) -> None:
        self._scrub = scrub
        self._key = secrets.token_bytes(16)
        self._kept: dict[bytes, bool] = {}

    def __call__(self, phrases: list[str]) -> list[str]:
        """As ``scrub``, except that a phrase it changes comes back empty."""
        keys = [self._digest(p) for p in phrases]
        unknown = sorted({p for p, k in zip(phrases, keys, strict=True) if k not in self._kept})
        if unknown:
            if len(self._kept) + len(unknown) > self.LIMIT:
                self._kept.clear()
            for phrase, scrubbed in zip(unknown, self._scrub(unknown), strict=True):
                self._kept[self._digest(phrase)] = phrase == scrubbed
        return [p if self._kept[k] else "" for p, k in zip(phrases, keys, strict=True)]

    def _digest(self, phrase: str) -> bytes:
        return hashlib.blake2b(phrase.encode(), key=self._key, digest_size=16).digest()


def _overlaps(a: str, b: str) -> bool:
    """'home visit' and 'visit' say the same thing twice."""
    return bool(set(a.split()) & set(b.split()))
