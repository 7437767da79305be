"""The one spelling of a place name that everything compares on.

People write the same council area many ways ("St. Helens", "Saint Helens",
"City of Westminster", "Notts", "Bristol, City of"); both the gazetteer and what
people type go through `normalise_place`, so that equal places get equal keys.
"""

from __future__ import annotations

import re
import unicodedata

# Common short forms, replaced word by word. County abbreviations follow Royal Mail
# and everyday usage; city nicknames are the ones people actually type.
_WORD_ABBREVIATIONS: dict[str, str] = {
    "st": "saint",
    "bham": "birmingham",
    "brum": "birmingham",
    "mcr": "manchester",
    "manc": "manchester",
    "nottm": "nottingham",
    "ldn": "london",
    "soton": "southampton",
    "lpool": "liverpool",
    "mk": "milton keynes",
    "gtr": "greater",
    "notts": "nottinghamshire",
    "yorks": "yorkshire",
    "hants": "hampshire",
    "glos": "gloucestershire",
    "gloucs": "gloucestershire",
    "lancs": "lancashire",
    "beds": "bedfordshire",
    "bucks": "buckinghamshire",
    "herts": "hertfordshire",
    "oxon": "oxfordshire",
    "wilts": "wiltshire",
    "leics": "leicestershire",
    "lincs": "lincolnshire",
    "northants": "northamptonshire",
    "cambs": "cambridgeshire",
    "worcs": "worcestershire",
    "staffs": "staffordshire",
    "salop": "shropshire",
    "shrops": "shropshire",
    "derbys": "derbyshire",
    "warks": "warwickshire",
    "berks": "berkshire",
    "northumb": "northumberland",
}

# Compass letters only expand at the start of a longer name ("N Yorks", "NE Lincs"),
# where they cannot be anything else.
_COMPASS: dict[str, str] = {
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
    "ne": "north east",
    "nw": "north west",
    "se": "south east",
    "sw": "south west",
    "co": "county",
}

# Whole names that mean one place in everyday speech.
_WHOLE_NAMES: dict[str, str] = {
    "newcastle": "newcastle upon tyne",
    "toon": "newcastle upon tyne",
}


def everyday_names() -> tuple[str, ...]:
    """Whole names people use for one area ("newcastle", "toon"): suggestions compare with
    them too, as their keys are the area's full name."""
    return tuple(_WHOLE_NAMES)


_PREFIXES: tuple[str, ...] = (
    "london borough of",
    "royal borough of",
    "metropolitan borough of",
    "county borough of",
    "city and county of",
    "city of",
    "borough of",
    "county of",
    "district of",
    "the",
)

_SUFFIXES: tuple[str, ...] = (
    "metropolitan borough council",
    "county borough council",
    "borough council",
    "district council",
    "county council",
    "city council",
    "council",
    "district",
    "borough",
    "city",
)

# Names whose prefix is the name itself: "City of London" is not London.
_KEEP_WHOLE: frozenset[str] = frozenset({"city of london"})

_INVERTED = re.compile(r",\s*(?:the\s+)?(?:city|county|royal borough|london borough) of\s*$")
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_MAX_PASSES = 5
_NON_WORD = re.compile(r"[\W_]+")


def _fold(text: str) -> str:
    """Case-fold and drop accents so "Ynys Môn" and "ynys mon" agree."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _expand(words: list[str]) -> list[str]:
    if len(words) > 1 and words[0] in _COMPASS:
        words = [_COMPASS[words[0]], *words[1:]]
    return " ".join(_WORD_ABBREVIATIONS.get(w, w) for w in words).split()


def _strip_affixes(key: str) -> str:
    """Drop council-ish prefixes and suffixes until none is left (never to nothing)."""
    changed = True
    while changed and key not in _KEEP_WHOLE:
        changed = False
        for prefix in _PREFIXES:
            if key.startswith(prefix + " "):
                key, changed = key[len(prefix) + 1 :], True
        for suffix in _SUFFIXES:
            if key.endswith(" " + suffix):
                key, changed = key[: -len(suffix) - 1], True
    return key


def _step(text: str) -> str:
    folded = _INVERTED.sub("", _fold(text).strip())
    folded = _APOSTROPHES.sub("", folded.replace("&", " and ").replace("+", " and "))
    words = _NON_WORD.sub(" ", folded).split()
    key = _strip_affixes(" ".join(_expand(words)))
    return _WHOLE_NAMES.get(key, key)


def normalise_place(text: str) -> str:
    """Return the comparison key for a place name; "" when nothing name-like is left.

    Repeats until nothing changes, so that a stored key normalises to itself
    ("The N St" -> "n saint" -> "north saint").
    """
    key = _step(text)
    for _ in range(_MAX_PASSES):
        again = _step(key)
        if again == key:
            break
        key = again
    return key
