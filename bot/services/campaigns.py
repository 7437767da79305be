"""Closing the loop: a theme's campaign progress, and telling the people who raised it.

An update is stored together with the list of people to tell (everyone who reported the
theme or said "me too", unless they sent /updates off). ``UpdateSender`` then sends them
privately, a batch at a time and at a bounded rate, off the path of people's messages. The
message carries the theme, the status, the organiser's words and the date: nothing about
anyone else who reported it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.digests.build import campaign_step
from bot.digests.model import CampaignStep
from bot.messages import Outgoing, Reply
from bot.services.introductions import IntroductionService
from bot.visibility import Visibility
from storage import campaigns as store
from storage import curation as curation_store
from storage import digests as digest_store
from storage import themes as theme_store
from storage.db import Database
from storage.models import CampaignUpdate

log = logging.getLogger("groundswell.campaigns")
STATUSES = ("raised", "answered", "won", "dropped")
MAX_UPDATE_CHARS = 1000
BATCH = 100  # deliveries claimed in one pass
PER_SECOND = 20.0  # below Telegram's 30 messages a second and Discord's 50
Deliver = Callable[[Outgoing], Awaitable[None]]
Clock = Callable[[], datetime]
Platforms = Callable[[], Collection[str]]


class CampaignError(ValueError):
    """The update cannot be posted; the message says why."""


EVER = datetime(2000, 1, 1, tzinfo=UTC)


class CampaignService:
    def __init__(self, db: Database, min_people: int) -> None:
        self.db = db
        self.rule = Visibility(min_people)

    async def shared_by_circles(self, theme_id: int, circle_ids: Collection[int]) -> bool:
        """Whether the theme shows in one of these circles' digests (over all time): what a
        coordinator may campaign on. Shown means ``bot.visibility``'s rule, reporters only,
        so a coordinator's own "me too" cannot open a theme to them."""
        now = datetime.now(UTC)
        async with self.db.reading() as session:
            for circle_id in circle_ids:
                counts = await digest_store.theme_counts(
                    session, EVER, now, [theme_id], circle_id=circle_id
                )
                if any(self.rule.shows(c.reporters) for c in counts):
                    return True
        return False

    async def post(self, actor: str, theme_id: int, status: str, text: str) -> CampaignStep:
        """Store the update and queue it for everyone to tell, in one transaction."""
        status = status.casefold()
        if status not in STATUSES:
            raise CampaignError(f"The status is one of: {', '.join(STATUSES)}.")
        text = " ".join(text.split())
        if not text or len(text) > MAX_UPDATE_CHARS:
            raise CampaignError(f"Please say what happened in 1 to {MAX_UPDATE_CHARS} characters.")
        async with self.db.transaction() as session:
            theme = await theme_store.get_theme(session, theme_id)
            if theme is None or theme.hidden:
                raise CampaignError(f"There's no theme #{theme_id}.")
            row = await store.add_update(session, theme_id, status, text, actor)
            detail = {"status": status, "text": text}
            await curation_store.log(session, actor, "update", theme_id, detail=detail)
        return campaign_step(row)

    async def steps(
        self, theme_ids: list[int], per_theme: int = 3
    ) -> dict[int, list[CampaignStep]]:
        async with self.db.reading() as session:
            found = await store.updates_for(session, theme_ids, per_theme)
        return {theme: [campaign_step(r) for r in rows] for theme, rows in found.items()}

    async def set_updates(self, person_id: int, wanted: bool) -> None:
        async with self.db.transaction() as session:
            await store.set_opted_out(session, person_id, not wanted)


def update_message(theme_id: int, title: str, step: CampaignStep) -> str:
    """What a reporter receives: the theme and what happened, and how to stop these."""
    return (
        f"News on a barrier you raised: theme #{theme_id} “{title}” is now {step.status.upper()} "
        f"({step.at:%d %b %Y}).\n{step.text}\n"
        "You get this because you reported it or said “me too”. /updates off stops these."
    )


class UpdateSender:
    """Sends queued updates; ``tick`` is one pass (a batch), ``run`` polls until stopped."""

    def __init__(
        self,
        db: Database,
        contacts: IntroductionService,
        deliver: Deliver,
        platforms: Platforms,
        holder: str,
        clock: Clock,
        per_second: float = PER_SECOND,
    ) -> None:
        self.db = db
        self.contacts = contacts
        self.deliver = deliver
        self.platforms = platforms
        self.holder = holder
        self.clock = clock
        self.gap = 1.0 / per_second if per_second > 0 else 0.0
        self.claimed = 0  # in the last pass: a full batch means more may be waiting

    async def tick(self) -> int:
        """Claim a batch, send each privately on the person's platform, mark them sent."""
        platforms = sorted(self.platforms())
        async with self.db.transaction() as session:
            claimed = await store.claim(session, self.holder, self.clock(), BATCH, platforms)
            titles = await _titles(session, {u.theme_id for _, u in claimed})
        self.claimed = len(claimed)
        sent: list[int] = []
        for delivery, row in claimed:
            title = titles.get(row.theme_id, "")
            if await self._send(delivery.person_id, row, title, platforms):
                sent.append(delivery.id)
            if self.gap:
                await asyncio.sleep(self.gap)
        async with self.db.transaction() as session:
            await store.mark_sent(session, [d.id for d, _ in claimed], self.clock())
        return len(sent)

    async def _send(
        self, person_id: int, row: CampaignUpdate, title: str, platforms: list[str]
    ) -> bool:
        """Privately, on a platform this process serves. A failed send is logged, not
        retried: retrying risks telling someone twice."""
        contact = None
        for platform in platforms:
            contact = await self.contacts.contact(person_id, prefer=platform)
            if contact is not None and contact.platform == platform and contact.chat_id:
                break
            contact = None
        if contact is None or contact.chat_id is None:
            return False
        text = update_message(row.theme_id, title, campaign_step(row))
        try:
            await self.deliver(Outgoing(contact.platform, contact.chat_id, Reply(text)))
        except Exception:
            log.exception("sending a campaign update on %s failed", contact.platform)
            return False
        return True

    async def run(self, stop: asyncio.Event, poll_seconds: float = 5.0) -> None:
        while not stop.is_set():
            try:
                await self.tick()
                while self.claimed == BATCH and not stop.is_set():
                    await self.tick()
            except Exception:
                log.exception("a campaign-update pass failed; retrying at the next poll")
            try:
                await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
            except TimeoutError:
                continue


async def _titles(session: AsyncSession, theme_ids: set[int]) -> dict[int, str]:
    titles: dict[int, str] = {}
    for theme_id in theme_ids:
        theme = await theme_store.get_theme(session, theme_id)
        if theme is not None:
            titles[theme_id] = theme.name or theme.label
    return titles


def build_update_sender(
    db: Database,
    contacts: IntroductionService,
    deliver: Deliver,
    platforms: Platforms,
    clock: Clock | None = None,
    per_second: float = PER_SECOND,
) -> UpdateSender:
    """The runtime's sender: real time, and a holder name unique to this process."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    tick = clock or (lambda: datetime.now(UTC))
    return UpdateSender(db, contacts, deliver, platforms, holder, tick, per_second)
