"""Circles: local groups people join, and the chats linked to them."""

from __future__ import annotations

import re

from storage import circles as store
from storage.db import Database
from storage.models import Circle, CircleChat


def circle_key(name: str) -> str:
    return re.sub(r"[^\w]+", " ", name.casefold()).strip()


class CircleService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def all(self) -> list[Circle]:
        async with self.db.transaction() as session:
            return await store.list_circles(session)

    async def find(self, name: str) -> Circle | None:
        async with self.db.transaction() as session:
            return await store.circle_by_key(session, circle_key(name))

    async def by_id(self, circle_id: int) -> Circle | None:
        async with self.db.transaction() as session:
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

    async def join(self, circle_id: int, person_id: int, role: str = "member") -> bool:
        async with self.db.transaction() as session:
            return await store.join(session, circle_id, person_id, role)

    async def leave(self, circle_id: int, person_id: int) -> bool:
        async with self.db.transaction() as session:
            return await store.leave(session, circle_id, person_id)

    async def mine(self, person_id: int) -> list[tuple[Circle, str]]:
        async with self.db.transaction() as session:
            return await store.circles_of(session, person_id)

    async def link(self, circle_id: int, platform: str, chat_id: str, title: str | None) -> None:
        async with self.db.transaction() as session:
            await store.link_chat(session, circle_id, platform, chat_id, title)

    async def chats(self, circle_id: int) -> list[CircleChat]:
        async with self.db.transaction() as session:
            return await store.chats_of(session, circle_id)
