"""What a digest holds, independent of how it is rendered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DigestTheme:
    theme_id: int
    title: str  # the organiser's name for it, else the label
    label: str
    demand: str | None
    people: int
    places: int
    circles: int
    reports: int
    me_too: int
    named_places: tuple[str, ...]  # only places with at least min_people sharing the theme
    trend: str  # new / rising / steady / falling
    previous_people: int
    quotes: tuple[str, ...]  # already scrubbed
    latest: datetime | None


@dataclass(frozen=True)
class Digest:
    scope_label: str
    start: datetime
    end: datetime
    min_people: int
    themes: tuple[DigestTheme, ...]
    withheld: int  # themes left out because fewer than min_people share them
