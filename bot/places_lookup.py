"""Turning what someone typed as their place into a stable key (and region when known).

A thin adapter over ``bot.places.match_place`` so onboarding, batch import and the CLI share
one forgiving matcher: "leeds", "Leeds, West Yorkshire" and "near Leeds" all give the same
key, which is what lets circles and introductions find people in the same place.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import capwords

from bot.places import load_gazetteer, match_place, normalise_place, suggest_place


@dataclass(frozen=True)
class PlaceAnswer:
    name: str
    key: str
    region: str | None
    known: bool = True  # in the gazetteer; unknown places are kept as typed


def resolve_place(text: str) -> PlaceAnswer:
    """Known areas come back with their key and region; unknown ones as typed.

    The name shown is what the person said when it is itself a known town or alias ("Hull",
    "Hebden Bridge"), and the area's name when it was found inside a longer text or a typo.
    Raises ``bot.places.PlaceError`` (a ``ValueError`` whose message is safe to show).
    """
    place = match_place(text)
    return PlaceAnswer(
        name=_shown_name(text, place.key, place.name),
        key=place.key,
        region=place.region,
        known=place.known,
    )


def suggestion_for(text: str) -> PlaceAnswer | None:
    """The known place nearest to an unknown one, to ask about; None if it is known or
    nothing is near."""
    if match_place(text).known:
        return None
    near = suggest_place(text)
    return PlaceAnswer(near.name, near.key, near.region) if near is not None else None


def _shown_name(text: str, key: str, official: str) -> str:
    typed = " ".join(text.split())
    typed_key = normalise_place(typed)
    if typed_key == key or load_gazetteer().lookup(typed_key) is None:
        return official
    return capwords(typed) if typed.islower() or typed.isupper() else typed
