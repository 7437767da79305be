"""Which circles to suggest to someone: same place first, then nearby, then by theme.

"Nearby" is the same region of the gazetteer (see bot.places.nearby); a circle whose
members already share the person's theme is suggested wherever it is, because shared
barriers are what circles organise around.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from bot.places import Closeness
from bot.services.circles import CircleService
from bot.visibility import Visibility
from storage.db import Database
from storage.models import Circle, Person

MAX_SUGGESTIONS = 3
type Circles = Sequence[Circle]  # the approved circles, as a caller may pass them


class Reason(IntEnum):
    """Why a circle is suggested; sorts in the order the suggestions are shown."""

    SAME_PLACE = Closeness.SAME_PLACE
    NEARBY = Closeness.SAME_REGION
    THEME = 2


@dataclass(frozen=True)
class Suggestion:
    circle: Circle
    reason: Reason
    sharing: int = 0  # members sharing the theme, for THEME suggestions (never shown)


def _closeness(circle: Circle, person: Person) -> Reason | None:
    if person.place_key and circle.place_key == person.place_key:
        return Reason.SAME_PLACE
    if person.region and circle.region == person.region:
        return Reason.NEARBY
    return None


class DiscoveryService:
    def __init__(self, db: Database, circles: CircleService, min_people: int) -> None:
        self.db = db
        self.circles = circles
        self.rule = Visibility(min_people)

    async def suggest(
        self,
        person_id: int,
        theme_id: int | None = None,
        circles: Circles | None = None,
    ) -> list[Suggestion]:
        """Approved circles the person has not joined, best first, at most a few.
        ``circles``: the approved circles when the caller has them (a report's batch read
        them for all its replies at once)."""
        circles = list(circles) if circles is not None else await self.circles.all()
        if not circles:
            return []  # no circle at all (a new deployment): nothing else to read
        async with self.db.reading() as session:
            person = await session.get(Person, person_id)
        if person is None:
            return []
        joined = {c.id for c, _ in await self.circles.mine(person_id)}
        open_circles = [c for c in circles if c.id not in joined]
        found = [
            Suggestion(c, reason)
            for c in open_circles
            if (reason := _closeness(c, person)) is not None
        ]
        if theme_id is not None and open_circles:
            found += await self._by_theme(open_circles, theme_id, {s.circle.id for s in found})
        found.sort(key=lambda s: (s.reason, -s.sharing, s.circle.name_key))
        return found[:MAX_SUGGESTIONS]

    async def _by_theme(
        self, circles: list[Circle], theme_id: int, taken: set[int]
    ) -> list[Suggestion]:
        """ "Members share this barrier" is a statement about those members: made only
        when at least ``min_people`` of them reported it (bot.visibility)."""
        strength = await self.circles.theme_strength(theme_id)
        return [
            Suggestion(c, Reason.THEME, strength[c.id])
            for c in circles
            if c.id not in taken and self.rule.shows(strength.get(c.id, 0))
        ]
