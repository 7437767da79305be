"""Double opt-in introductions between people who share a barrier near each other.

Nothing here reveals anyone: offers say only how many people share a theme, and a handle
is handed over only once both people in a pair have said yes. A decline is never reported
to the other side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import circles as circle_store
from storage import introductions as store
from storage import people as people_store
from storage.db import Database
from storage.models import Member, Person

MAX_OFFERS_PER_REPORT = 10


@dataclass(frozen=True)
class PlatformPlaces:
    """How a reply says where someone is ("on Telegram", "in the console"). The phrases
    are the composition root's (``groundswell.platforms.PLACES``): the core names no
    platform. One it was not given reads "on" and its name, capitalised."""

    phrases: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, platform: str) -> str:
        return self.phrases.get(platform) or f"on {platform.capitalize()}"


CAPITALISED = PlatformPlaces()
"""No phrases given (a test's or a benchmark's app): every platform is "on" its name."""


@dataclass(frozen=True)
class Contact:
    """How to reach one person privately, and who to name to the other side once both
    agree: their handle, and their platform identity for a mention that cannot go stale."""

    person_id: int
    platform: str
    user_id: str
    chat_id: str | None
    handle: str


def _contact(member: Member) -> Contact:
    """The private chat is the one the person's adapter reported (``Incoming.private_chat``):
    none is derived here, so an identity that never wrote privately (an imported reporter)
    is not reachable."""
    handle = member.handle or f"user {member.platform_user_id}"
    return Contact(
        member.person_id, member.platform, member.platform_user_id, member.private_chat_id, handle
    )


@dataclass(frozen=True)
class Offer:
    """One open offer: who it is with, and its id, which its buttons carry."""

    other: int
    offer_id: int
    contact: Contact | None = None  # the other side, when read with the offer (a batch)


@dataclass(frozen=True)
class Answered:
    """The outcome of one tap on one offer: the partner when it completed a mutual yes."""

    matched: int | None
    theme_id: int | None


@dataclass
class _Near:
    """What a batch's offers are chosen from, read once for the batch: the same rule as
    ``storage.introductions.candidates`` (others sharing the theme, in the same place or a
    shared circle, open to offers, never offered to this person), in memory."""

    sharers: dict[int, list[tuple[int, str | None]]]  # per theme, by person id
    circles: dict[int, list[int]]  # each asker's circles
    offered: set[tuple[int, int]]  # pairs already offered, growing as the batch offers
    members: dict[int, set[int]] = field(default_factory=dict)  # people per asker's circle

    def choose(self, person: int, theme_id: int, place_key: str | None) -> list[int]:
        """The first ``MAX_OFFERS_PER_REPORT`` near sharers by person id, found without
        reading past them: every report of a batch searches its theme's sharers, so
        filtering all of them first made a batch quadratic in its theme's size."""
        circled = set().union(*(self.members.get(c, set()) for c in self.circles.get(person, [])))
        near = (
            other
            for other, place in self.sharers.get(theme_id, [])
            if other != person
            and ((place_key and place == place_key) or other in circled)
            and store.ordered(person, other) not in self.offered
        )
        others = list(islice(near, MAX_OFFERS_PER_REPORT))
        self.offered.update(store.ordered(person, o) for o in others)
        return others


class IntroductionService:
    def __init__(self, db: Database, where: PlatformPlaces) -> None:
        self.db = db
        self.where = where  # "on Telegram": how replies name another person's platform

    async def contact(self, person_id: int, prefer: str | None = None) -> Contact | None:
        """The person's identity on ``prefer`` when they have one, else their first one."""
        async with self.db.reading() as session:
            members = await people_store.identities(session, person_id)
        members.sort(key=lambda m: (m.platform != prefer, m.private_chat_id is None, m.id))
        return _contact(members[0]) if members else None

    async def contacts(self, person_ids: Sequence[int]) -> dict[int, Contact]:
        """``contact`` (no preferred platform) for many people in one query."""
        if not person_ids:
            return {}
        async with self.db.reading() as session:
            return await _contacts_in(session, person_ids)

    async def offer(self, person_id: int, theme_id: int, place_key: str | None) -> list[Offer]:
        """Open one offer per new pair; returns the offers now made (never twice a pair)."""
        async with self.db.transaction() as session:
            person = await session.get(Person, person_id)
            if person is None or not person.offers_ok:
                return []
            circles = [c.id for c, _ in await circle_store.circles_of(session, person_id)]
            others = await store.candidates(
                session, person_id, theme_id, place_key, circles, MAX_OFFERS_PER_REPORT
            )
            offered: list[Offer] = []
            for other in others:
                offer_id = await _create(session, person_id, other, theme_id)
                if offer_id is not None:
                    offered.append(Offer(other, offer_id))
            return offered

    async def offer_many(
        self, session: AsyncSession, asks: list[tuple[int, int, str | None]]
    ) -> list[list[Offer]]:
        """``offer`` for a batch of reports (person, theme, place) inside the caller's
        transaction, in a few statements however many reports: who is open to offers, the
        themes' sharers, the circles that make people near, the pairs offered before, then
        one insert. The caller passes only reports whose theme may be shown
        (``VisibleThemes.views_in``). A pair two reports of the batch would both offer goes
        to the first."""
        people = sorted({person for person, _, _ in asks})
        open_to = await store.open_to_offers(session, people)
        asks_open = [(p, t, k) for p, t, k in asks if p in open_to]
        if not asks_open:
            return [[] for _ in asks]
        near = _Near(
            await store.sharers_of(session, sorted({t for _, t, _ in asks_open})),
            await store.circle_ids_of(session, people),
            await store.offered_pairs(session, people),
        )
        near.members = await store.members_of(
            session, sorted({c for cs in near.circles.values() for c in cs})
        )
        chosen = [near.choose(*ask) if ask[0] in open_to else [] for ask in asks]
        rows = [(p, o, t) for (p, t, _), mine in zip(asks, chosen, strict=True) for o in mine]
        created = await store.create_offers(session, rows)
        contacts = await _contacts_in(session, [o for mine in chosen for o in mine])
        made: list[list[Offer]] = []
        for (person, _, _), mine in zip(asks, chosen, strict=True):
            ids = [created.get(store.ordered(person, o)) for o in mine]
            pairs = [(o, i) for o, i in zip(mine, ids, strict=True) if i is not None]
            made.append([Offer(o, i, contacts.get(o)) for o, i in pairs])
        return made

    async def answer(self, person_id: int, offer_id: int, yes: bool) -> Answered | None:
        """Record the answer on the one offer its button names; None when that offer is not
        this person's or is already answered by them."""
        word = "yes" if yes else "no"
        async with self.db.transaction() as session:
            offer = await store.open_offer(session, person_id, offer_id)
            if offer is None:
                return None
            mutual = store.record_answer(offer, person_id, word)
            other = offer.person_high if offer.person_low == person_id else offer.person_low
            return Answered(matched=other if mutual else None, theme_id=offer.theme_id)

    async def shared_circle_chats(self, a: int, b: int) -> list[tuple[str, list[str]]]:
        """Circles both people belong to that have linked chats: (name, platforms)."""
        async with self.db.reading() as session:
            theirs = {c.id for c, _ in await circle_store.circles_of(session, b)}
            shared = [c for c, _ in await circle_store.circles_of(session, a) if c.id in theirs]
            found = []
            for circle in shared:
                chats = await circle_store.chats_of(session, circle.id)
                if chats:
                    found.append((circle.name, sorted({chat.platform for chat in chats})))
            return found

    async def set_offers(self, person_id: int, allowed: bool) -> None:
        async with self.db.transaction() as session:
            await store.set_offers_ok(session, person_id, allowed)

    async def people_by_handle(self, handle: str) -> list[int]:
        """Onboarded people known by this handle, user id, or "platform:user_id"."""
        async with self.db.reading() as session:
            return await store.people_by_handle(session, handle)


async def _contacts_in(session: AsyncSession, person_ids: Sequence[int]) -> dict[int, Contact]:
    """Each person's first reachable identity, else their first (``contact``'s order)."""
    members = await people_store.identities_of(session, sorted(set(person_ids)))
    members.sort(key=lambda m: (m.private_chat_id is None, m.id))
    found: dict[int, Contact] = {}
    for member in members:
        found.setdefault(member.person_id, _contact(member))
    return found


async def _create(session: AsyncSession, person_id: int, other: int, theme_id: int) -> int | None:
    """A savepoint per pair, so a concurrent duplicate only skips that pair."""
    try:
        async with session.begin_nested():
            made = await store.create_offer(session, person_id, other, theme_id)
            return made.id if made is not None else None
    except IntegrityError:
        return None
