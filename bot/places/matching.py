"""Forgiving free-text place matching against the gazetteer.

People answer "where are you?" in every way: "Leeds, West Yorkshire", "near Leeds",
"Manchestr", "Hebden Bridge". We try, in order: the whole text as a key, a town or
old-district alias, the pieces of the text, and finally a strict fuzzy match. Anything
still unknown is kept as typed, so a village we have never heard of still works.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher, get_close_matches
from functools import cache

from bot.places.gazetteer import Area, Place, load_gazetteer
from bot.places.normalise import everyday_names, normalise_place

PLACE_PROMPT = "Please tell me a town, city or council area, e.g. Leeds."
MAX_PLACE_LENGTH = 200

# Fuzzy matching is only for typos: a high bar, higher still for short names where
# one wrong letter is a bigger share of the word.
_FUZZY_CUTOFF = 0.85
_FUZZY_SHORT_CUTOFF = 0.9
_FUZZY_SHORT_LENGTH = 7
_FUZZY_MIN_LENGTH = 4
_FUZZY_MARGIN = 0.02
_FUZZY_MAX_LENGTH_GAP = 2
# A suggestion is only offered, never applied: a lower bar than matching, chosen once as
# "one or two letters wrong or swapped in a name of six or more letters" (0.8 of difflib's
# ratio), and the first letter must agree as in matching.
_SUGGEST_CUTOFF = 0.8

_LEADING_FILLER: tuple[str, ...] = (
    "i live in",
    "i live near",
    "i work in",
    "i work near",
    "i am in",
    "i m in",
    "im in",
    "based in",
    "based near",
    "just outside",
    "outside",
    "near",
    "nr",
    "around",
    "close to",
    "in",
    "from",
    "at",
    "by",
    "county",
)
_TRAILING_FILLER: tuple[str, ...] = (
    "and surrounding areas",
    "and surrounding area",
    "and surrounds",
    "area",
    "city centre",
    "town centre",
    "centre",
    "region",
    "way",
    "uk",
    "united kingdom",
    "gb",
    "england",
)
_MARKERS = frozenset({"in", "near", "nr", "around", "outside"})
_SPLIT = re.compile(r"[,;/|()\[\]]+|\s+-\s+")


class PlaceError(ValueError):
    """Raised for input that cannot be a place; its message is safe to show people."""

    def __init__(self, message: str = PLACE_PROMPT) -> None:
        super().__init__(message)


def _check(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned or len(cleaned) > MAX_PLACE_LENGTH or not any(c.isalpha() for c in cleaned):
        raise PlaceError()
    return cleaned


def _strip_filler(key: str) -> str:
    """Remove "near", "I work in", "area", ... around a name, never down to nothing."""
    for prefix in _LEADING_FILLER:
        if key.startswith(prefix + " "):
            key = key[len(prefix) + 1 :]
            break
    for suffix in _TRAILING_FILLER:
        if key.endswith(" " + suffix):
            key = key[: -len(suffix) - 1]
            break
    return key


def _after_marker(key: str) -> str | None:
    """The words after the last "in"/"near" in a sentence: "a nurse in Leeds" -> "leeds"."""
    words = key.split()
    spots = [i for i, word in enumerate(words) if word in _MARKERS and i < len(words) - 1]
    return " ".join(words[spots[-1] + 1 :]) if spots else None


def _pieces(text: str) -> list[str]:
    """Candidate keys from the parts of the text, most direct first, without repeats."""
    found: list[str] = []
    for part in _SPLIT.split(text):
        key = normalise_place(part)
        for candidate in (key, _strip_filler(key), _after_marker(key)):
            if candidate:
                found.append(normalise_place(candidate))
    return list(dict.fromkeys(found))


def _best_exact(keys: Iterable[str]) -> Area | None:
    """The most specific area named by any piece; earlier pieces win ties."""
    gazetteer = load_gazetteer()
    hits: list[tuple[int, int, Area]] = []
    for position, key in enumerate(keys):
        hit = gazetteer.lookup(key)
        if hit is not None:
            area, via_alias = hit
            rank = 1 if via_alias and area.specificity == 0 else area.specificity
            hits.append((rank, position, area))
    return min(hits, key=lambda h: (h[0], h[1]))[2] if hits else None


def _similarity(a: str, b: str) -> float:
    """Typo closeness: names must share a first letter ("Cromford" is not "Romford") and
    differ in length by a slip of the keyboard, not a word ("Washington DC")."""
    if a[:1] != b[:1] or abs(len(a) - len(b)) > _FUZZY_MAX_LENGTH_GAP:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < _FUZZY_CUTOFF or matcher.quick_ratio() < _FUZZY_CUTOFF:
        return 0.0
    return matcher.ratio()


def _fuzzy(key: str) -> Area | None:
    """A typo of one known name, or None when nothing is close or two areas are equally close."""
    if len(key) < _FUZZY_MIN_LENGTH:
        return None
    gazetteer = load_gazetteer()
    cutoff = _FUZZY_SHORT_CUTOFF if len(key) < _FUZZY_SHORT_LENGTH else _FUZZY_CUTOFF
    scored: dict[str, tuple[float, Area]] = {}
    for known in gazetteer.all_keys():
        score = _similarity(key, known)
        hit = gazetteer.lookup(known)
        if score >= cutoff and hit is not None:
            area = hit[0]
            best = scored.get(area.official_name)
            if best is None or score > best[0]:
                scored[area.official_name] = (score, area)
    ranked = sorted(scored.values(), key=lambda s: -s[0])
    if not ranked or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < _FUZZY_MARGIN):
        return None
    return ranked[0][1]


def _display(text: str) -> str:
    """Keep what people typed, only tidying all-lower or all-caps text to title case."""
    if not (text.islower() or text.isupper()):
        return text
    small = {"and", "of", "on", "upon", "under", "the", "in", "by", "le", "de", "la"}
    words = text.lower().split()
    return " ".join(w if i and w in small else w.capitalize() for i, w in enumerate(words))


def match_place(text: str) -> Place:
    """Match free text to a gazetteer area; unknown places come back as typed, known=False."""
    cleaned = _check(text)
    key = normalise_place(cleaned)
    if not key:
        raise PlaceError()
    pieces = _pieces(cleaned)
    area = _best_exact([key]) or _best_exact(pieces)
    if area is None:
        area = next((a for a in map(_fuzzy, dict.fromkeys([key, *pieces])) if a), None)
    if area is not None:
        return area.to_place()
    return Place(key=key, name=_display(cleaned), region=None, area_code=None, known=False)


@cache
def _suggestion_keys() -> dict[str, str]:
    """Every spelling a suggestion can be: gazetteer names and aliases, and the everyday
    names ("newcastle") that stand for one area, each with the key it stands for."""
    gazetteer = load_gazetteer()
    keys = {key: key for key in gazetteer.all_keys()}
    for name in everyday_names():
        keys.setdefault(name, normalise_place(name))
    return keys


def suggest_place(text: str) -> Place | None:
    """For a place the gazetteer does not know, the nearest known one to ask about ("Did
    you mean Newcastle upon Tyne?" for "Newcastel"); None when nothing is near enough."""
    key = normalise_place(" ".join(text.split()))
    if len(key) < _FUZZY_MIN_LENGTH or load_gazetteer().lookup(key) is not None:
        return None
    keys = _suggestion_keys()
    near = [k for k in keys if k[:1] == key[:1]]
    found = get_close_matches(key, near, n=1, cutoff=_SUGGEST_CUTOFF)
    hit = load_gazetteer().lookup(keys[found[0]]) if found else None
    return hit[0].to_place() if hit is not None else None
