"""Circles: local groups people join, and the chats linked to them."""

from __future__ import annotations

import re

from bot.roles import CircleRole
from storage import circles as store
from storage.db import Database
from storage.models import Circle, CircleChat

MAX_NAME_WORDS = 12


def circle_key(name: str) -> str:
    return re.sub(r"[^\w]+", " ", name.casefold()).strip()


class CircleService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> list[Circle]:
        async with self.db.reading() as session:
            return await store.list_circles(session)

    async def find(self, name: str) -> Circle | None:
        async with self.db.reading() as session:
            return await store.circle_by_key(session, circle_key(name))

    async def by_id(self, circle_id: int) -> Circle | None:
        async with self.db.reading() as session:
            return await store.circle_by_id(session, circle_id)

    async def create(
        self,
        name: str,
        place: str | None,
        place_key: str | None,
        region: str | None,
        focus: str | None,
        creator: int | None,
        approved: bool = True,
    ) -> Circle | None:
        """None when the name is taken."""
        async with self.db.transaction() as session:
            if await store.circle_by_key(session, circle_key(name)) is not None:
                return None
            circle = Circle(
                name=name.strip(),
                name_key=circle_key(name),
                place=place,
                place_key=place_key,
                region=region,
                focus=focus,
                created_by=creator,
                approved=approved,
            )
            return await store.create_circle(session, circle)

    async def join(
        self, circle_id: int, person_id: int, role: CircleRole = CircleRole.MEMBER
    ) -> bool:
        async with self.db.transaction() as session:
            return await store.join(session, circle_id, person_id, role)

    async def leave(self, circle_id: int, person_id: int) -> bool:
        async with self.db.transaction() as session:
            return await store.leave(session, circle_id, person_id)

    async def mine(self, person_id: int) -> list[tuple[Circle, str]]:
        async with self.db.reading() as session:
            return await store.circles_of(session, person_id)

    async def link(
        self, circle_id: int, platform: str, chat_id: str, title: str | None
    ) -> int | None:
        """Link a chat; a chat already linked to another circle stays as it is (the id of
        the circle it is linked to is returned), so nobody can take over another circle's
        chat: its coordinator or an organiser unlinks it first."""
        async with self.db.transaction() as session:
            return await store.link_chat(session, circle_id, platform, chat_id, title)

    async def unlink(self, platform: str, chat_id: str) -> None:
        async with self.db.transaction() as session:
            await store.unlink_chat(session, platform, chat_id)

    async def invite(self, circle_id: int, person_id: int) -> int:
        """Ask a person to coordinate: nothing changes until they accept."""
        async with self.db.transaction() as session:
            return await store.invite(session, circle_id, person_id)

    async def answer_invitation(
        self, invitation_id: int, person_id: int, yes: bool
    ) -> Circle | None:
        """Accepting makes the person a coordinator; either answer ends the invitation.
        None when the invitation is not (or no longer) theirs."""
        async with self.db.transaction() as session:
            circle_id = await store.take_invitation(session, invitation_id, person_id)
            circle = await store.circle_by_id(session, circle_id) if circle_id else None
            if circle is not None and yes:
                await store.set_role(session, circle.id, person_id, CircleRole.COORDINATOR)
            return circle

    async def chats(self, circle_id: int) -> list[CircleChat]:
        async with self.db.reading() as session:
            return await store.chats_of(session, circle_id)

    async def pending(self) -> list[Circle]:
        async with self.db.reading() as session:
            return await store.pending_circles(session)

    async def approve(self, circle_id: int) -> tuple[Circle, int | None] | None:
        """Approve a proposal. The proposer is asked to coordinate it (the invitation's id
        is returned) rather than made coordinator: proposing gives no powers by itself."""
        async with self.db.transaction() as session:
            circle = await store.circle_by_id(session, circle_id)
            if circle is None or circle.approved:
                return None
            circle.approved = True
            invitation = None
            if circle.created_by is not None:
                invitation = await store.invite(session, circle.id, circle.created_by)
            return circle, invitation

    async def set_role(self, circle_id: int, person_id: int, role: CircleRole) -> None:
        async with self.db.transaction() as session:
            await store.set_role(session, circle_id, person_id, role)

    async def role_of(self, circle_id: int, person_id: int) -> str | None:
        async with self.db.reading() as session:
            row = await store.membership(session, circle_id, person_id)
            return row.role if row else None

    async def coordinators(self, circle_id: int) -> list[int]:
        async with self.db.reading() as session:
            return await store.people_with_role(session, circle_id, CircleRole.COORDINATOR)

    async def linked_chats(self, circle_id: int) -> list[tuple[str, str]]:
        """(platform, chat_id) of every chat linked to the circle, on every platform:
        what announcements and a circle's scheduled digest are sent to."""
        return [(c.platform, c.chat_id) for c in await self.chats(circle_id)]

    async def theme_strength(self, theme_id: int) -> dict[int, int]:
        async with self.db.reading() as session:
            return await store.theme_strength(session, theme_id)

    async def find_leading(self, text: str) -> tuple[Circle, str] | None:
        """The circle named by the longest leading words of ``text``, and the words after.

        Lets "/announce Leeds Carers meet on Friday" work without quoting the name.
        """
        words = text.split()
        for cut in range(min(len(words), MAX_NAME_WORDS), 0, -1):
            circle = await self.find(" ".join(words[:cut]))
            if circle is not None:
                return circle, " ".join(words[cut:])
        return None
