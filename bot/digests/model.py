"""What a digest holds, independent of how it is rendered.

Every number here is already safe to publish: the builder masks anything that would describe
fewer than ``min_people`` people, so no renderer can leak what it never receives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class NamedPlace:
    """A place shown by name: at least ``min_people`` people there share the theme."""

    name: str
    people: int


UNNAMED = "not yet named"
"""How a shown sub-theme is listed before it has a name or label: a label is made only from
a phrase ``min_people`` of its reporters used (nlp.labels), so a shown one may have none
yet. Not "sub-theme #N": no command takes a sub-theme's number, so it would only be a
number next to theme numbers for a reader to confuse."""


def part_title(title: str) -> str:
    """A shown sub-theme's title wherever it is listed (/themes N, digests): ``UNNAMED``
    until it has a name or label, never blank."""
    return title or UNNAMED


@dataclass(frozen=True)
class GroupCount:
    """A part of a theme shown with its own count (a sub-theme, or a work area people chose
    at /start): at least ``min_people`` reporters share it."""

    name: str
    people: int
    group_id: int | None = None  # the sub-theme's id; None for a work area


@dataclass(frozen=True)
class CampaignStep:
    """One progress update on a theme's campaign (raised, answered, won, dropped)."""

    status: str
    text: str
    at: datetime


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
    me_too: int | None  # None: fewer than min_people said "me too" (shown as "fewer than k")
    named_places: tuple[NamedPlace, ...]
    trend: str  # new / growing / rising / steady / falling
    previous_people: int | None  # None: fewer than min_people in the previous period
    quotes: tuple[str, ...]  # already scrubbed
    latest: datetime | None
    subthemes: tuple[GroupCount, ...] = ()  # the biggest, each shared by >= min_people
    services: tuple[GroupCount, ...] = ()  # work areas, each with >= min_people reporters
    campaign: tuple[CampaignStep, ...] = ()  # newest first

    @property
    def change(self) -> int | None:
        """People gained since the previous period, when that period can be described."""
        return None if self.previous_people is None else self.people - self.previous_people


@dataclass(frozen=True)
class Digest:
    scope_label: str
    start: datetime
    end: datetime
    min_people: int
    themes: tuple[DigestTheme, ...]
    # No count of the themes left out: "1 more theme" in a place digest would say that
    # someone there reported something (bot.visibility).
