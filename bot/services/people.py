"""People: who is calling, onboarding, and a person's right to see and erase their data."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Caller
from bot.gathered import Gathered
from bot.messages import Incoming
from bot.places_lookup import PlaceAnswer
from bot.roles import CircleRole, Role
from bot.services.derived import Rederiver
from config.settings import Settings
from storage import circles as circle_store
from storage import people as store
from storage.db import Database
from storage.models import Circle, ConversationState, Member, Person
from storage.people import CallerRows

NOTICE_VERSION = "2026-11"
CALLERS_TOGETHER = 256  # a batch's callers: 3 parameters each, under SQLite's 999
CallerAndState = tuple[Caller, ConversationState | None]


class PeopleService:
    def __init__(self, db: Database, settings: Settings, derived: Rederiver) -> None:
        self.db = db
        self.settings = settings
        self.derived = derived
        self._callers: Gathered[Incoming, CallerAndState] = Gathered(
            self._read_callers, CALLERS_TOGETHER
        )

    async def caller(self, incoming: Incoming) -> Caller:
        return (await self.caller_and_state(incoming))[0]

    async def caller_and_state(self, incoming: Incoming) -> CallerAndState:
        """Who is calling and their conversation state in this chat. Messages arriving
        while the last callers are being read are read together (``bot.gathered``): under
        a launch many people's messages share one reading transaction and its statements."""
        [found] = await self._callers.ask([incoming])
        return found

    async def _read_callers(self, incomings: list[Incoming]) -> list[CallerAndState]:
        """Two statements for everyone (three with group chats, whose circles are looked
        up too) in one reading transaction."""
        keys = [(i.platform, i.user_id, i.chat_id) for i in incomings]
        groups = {(i.platform, i.chat_id) for i in incomings if not i.is_private}
        async with self.db.reading() as session:  # only group chats are linked to circles
            found = await store.find_callers(session, keys, CircleRole.COORDINATOR.value)
            circles = await circle_store.circles_for_chats(session, groups)
        return [
            (
                self._caller(
                    i, rows, None if i.is_private else circles.get((i.platform, i.chat_id))
                ),
                rows.state,
            )
            for i, rows in zip(incomings, found, strict=True)
        ]

    def _caller(self, incoming: Incoming, found: CallerRows, chat_circle: Circle | None) -> Caller:
        person, member = found.person, found.member
        coordinates = found.coordinates if person is not None else frozenset()
        if chat_circle is not None and incoming.manages_chat and person and person.onboarded:
            coordinates |= {chat_circle.id}  # a server manager coordinates circles linked there
        role = self._role(incoming, person, chat_circle.id if chat_circle else None, coordinates)
        return Caller(
            person_id=person.id if person else None,
            role=role,
            place_key=person.place_key if person else None,
            place=person.place if person else None,
            chat_circle_id=chat_circle.id if chat_circle else None,
            coordinates=coordinates,
            identity_changed=member is not None and _changed(member, incoming),
        )

    async def refresh_identity(self, incoming: Incoming) -> None:
        """Keep the handle and private chat the platform shows now (``identity_changed``):
        a handle from the first /start may since have been changed, or taken by someone
        else, and must not be what an introduction hands over. A deferred write: in a
        message's unit it is done first in the message's turn (or first in its batch item),
        so the message's own writes and the reads after them see it, at no transaction of
        its own."""

        async def write(session: AsyncSession) -> None:
            await store.refresh_identity(
                session,
                incoming.platform,
                incoming.user_id,
                incoming.user_handle,
                incoming.private_chat,
            )

        await self.db.write_later(write)

    def _role(
        self,
        incoming: Incoming,
        person: Person | None,
        chat_circle: int | None,
        coords: frozenset[int],
    ) -> Role:
        if self.settings.is_organiser(incoming.platform, incoming.user_id):
            return Role.ORGANISER
        if person is None or not person.onboarded:
            return Role.STRANGER
        if chat_circle is not None and chat_circle in coords:
            return Role.COORDINATOR
        if chat_circle is None and incoming.is_private and coords:
            return Role.COORDINATOR
        return Role.MEMBER

    async def ensure_person(self, incoming: Incoming) -> int:
        async with self.db.transaction() as session:
            person = await store.find_person(session, incoming.platform, incoming.user_id)
            if person is None:
                person = await store.create_person(
                    session,
                    incoming.platform,
                    incoming.user_id,
                    incoming.user_handle,
                    incoming.private_chat,
                )
            return person.id

    async def imported(
        self, platform: str, reporters: list[tuple[str, PlaceAnswer | None]]
    ) -> list[int]:
        """Reporters from a CSV import, set up together in one transaction with a few
        multi-row statements: an import without a reporter column has a new person per row."""
        user_ids = [user_id for user_id, _ in reporters]
        async with self.db.transaction() as session:
            known = await store.people_by_identity(session, platform, user_ids)
            new_ids = [u for u in dict.fromkeys(user_ids) if u not in known]
            created = await store.create_people(session, platform, [(u, None) for u in new_ids])
            known.update(zip(new_ids, created, strict=True))
            for user_id, place in reporters:
                _mark_imported(known[user_id], place)
            return [known[user_id].id for user_id in user_ids]

    async def consent(self, person_id: int) -> None:
        async with self.db.transaction() as session:
            await store.record_consent(session, person_id, "reports", NOTICE_VERSION)

    async def set_place(self, person_id: int, place: str, key: str, region: str | None) -> None:
        async with self.db.transaction() as session:
            person = await session.get(Person, person_id)
            if person is not None:
                person.place, person.place_key, person.region = place, key, region

    async def finish_onboarding(self, person_id: int, work_area: str) -> None:
        async with self.db.transaction() as session:
            person = await session.get(Person, person_id)
            if person is not None:
                person.work_area = work_area
                person.onboarded = True

    async def set_offers(self, person_id: int, allowed: bool) -> None:
        async with self.db.transaction() as session:
            person = await session.get(Person, person_id)
            if person is not None:
                person.offers_ok = allowed

    async def forget(self, person_id: int) -> None:
        """Everything about the person goes in one transaction: the cascades take the rows
        that hang off them; their pending circle proposals and any conversation state kept
        under their platform identities (a state row written before they had a person row
        has no person id to cascade from) go explicitly. Then what was built from their
        words (theme centres and labels) is rebuilt from the reports that remain."""
        async with self.db.transaction() as session:
            themes = await store.theme_ids_of(session, person_id)
            reports = await store.report_ids_of(session, person_id)
            await store.delete_traces(session, person_id)
            await store.delete_person(session, person_id)
        await self.derived.after_removal(themes, reports)

    async def export(self, person_id: int) -> dict[str, Any]:
        """Everything stored about the person, one list per table."""
        async with self.db.reading() as session:
            return await store.person_data(session, person_id)


def _changed(member: Member, incoming: Incoming) -> bool:
    """What the platform reports (None: not reported this time) differs from what is kept."""
    handle, chat = incoming.user_handle, incoming.private_chat
    return (handle is not None and handle != member.handle) or (
        chat is not None and chat != member.private_chat_id
    )


def _mark_imported(person: Person, place: PlaceAnswer | None) -> None:
    if place is not None:
        person.place, person.place_key, person.region = place.name, place.key, place.region
    person.work_area = person.work_area or "imported"
    person.onboarded = True
