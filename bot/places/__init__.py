"""UK places: a gazetteer of local-authority areas with their regions, and forgiving matching.

Pure: the only I/O is reading the packaged CSV files once (see data/SOURCE.md).
"""

from bot.places.gazetteer import LOCAL_AUTHORITY, REGIONS, Place, load_gazetteer, written_names
from bot.places.matching import PLACE_PROMPT, PlaceError, match_place, suggest_place
from bot.places.nearby import (
    Closeness,
    closeness,
    nearby,
    place_for_code,
    same_place,
    same_region,
)
from bot.places.normalise import normalise_place

__all__ = [
    "LOCAL_AUTHORITY",
    "PLACE_PROMPT",
    "REGIONS",
    "Closeness",
    "Place",
    "PlaceError",
    "closeness",
    "load_gazetteer",
    "match_place",
    "nearby",
    "normalise_place",
    "place_for_code",
    "same_place",
    "same_region",
    "suggest_place",
    "written_names",
]
