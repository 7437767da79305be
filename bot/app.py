"""The bot's core, assembled: settings in, ``handle(Incoming) -> list[Outgoing]`` out.

No platform types and no global state: adapters, the console and tests all drive the same
object, and each test can build its own against its own database file.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from spacy.language import Language

from bot.context import Context
from bot.handlers import build_router
from bot.messages import APOLOGY, Incoming, Outgoing, Reply, resolve
from bot.nlp_worker import NlpWorker
from bot.ratelimit import RateLimiter
from bot.router import Router
from bot.services import Services, build_services
from bot.services.introductions import CAPITALISED, PlatformPlaces
from config.settings import Settings
from nlp.model import load_model
from storage.db import Database

log = logging.getLogger("groundswell.core")


class App:
    def __init__(self, services: Services, router: Router) -> None:
        self.services = services
        self.router = router
        settings = services.settings
        self.limiter = RateLimiter(settings.rate_limit_per_minute, frozenset(settings.organisers))

    @classmethod
    async def create(
        cls,
        settings: Settings,
        nlp: Language | None = None,
        places: PlatformPlaces = CAPITALISED,
    ) -> App:
        """Migrate the database, load the model (unless injected) and the theme index.
        ``places`` names the platforms in replies (the composition root's table)."""
        db = Database(settings.database_url)
        await db.migrate()
        model = nlp if nlp is not None else load_model(settings.nlp_model)
        services = build_services(settings, db, NlpWorker(model), places)
        await services.themes.load()
        return cls(services, build_router())

    @property
    def settings(self) -> Settings:
        return self.services.settings

    async def context(self, incoming: Incoming) -> Context:
        """The caller and their conversation state, in one reading transaction."""
        caller, row = await self.services.people.caller_and_state(incoming)
        parsed = _split_args(incoming.text)
        return Context(
            incoming=incoming,
            caller=caller,
            services=self.services,
            args=parsed,
            state=row.state if row else None,
            state_data=dict(row.data) if row else {},
        )

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """Contain every failure: the sender gets a friendly error, and nothing of the
        failed message's work is kept; other messages (in its batch too) go on."""
        refused = self.limiter.check(incoming)  # before any database work: floods stay cheap
        if refused is not None:
            return resolve(incoming, refused)
        try:
            ctx = await self.context(without_nul(incoming))
            async with self.services.db.unit():  # replies only once its writes committed
                if ctx.caller.identity_changed:  # rides on the message's first write
                    await self.services.people.refresh_identity(ctx.incoming)
                replies = await self.router.dispatch(ctx)
        except Exception:
            log.exception("handling a %s message failed", incoming.platform)
            replies = [Reply(APOLOGY)]
        return resolve(incoming, replies)

    async def close(self) -> None:
        await self.services.reclusterer.idle()  # a background re-cluster finishes its write
        self.services.nlp.close()
        self.services.background.close()
        await self.services.db.close()


HANDLE_CHARS = 200  # the members table's handle column; platform names are far shorter


def _clean(value: str | None, limit: int | None = None) -> str | None:
    cleaned = value.replace("\x00", "") if value else value
    return cleaned[:limit] if cleaned and limit else cleaned


def without_nul(incoming: Incoming) -> Incoming:
    """NUL never means anything in chat text, and PostgreSQL text cannot hold it; names
    and titles are cut to fit their columns rather than failing the whole message."""
    return replace(
        incoming,
        text=_clean(incoming.text) or "",
        user_handle=_clean(incoming.user_handle, HANDLE_CHARS),
        chat_title=_clean(incoming.chat_title, HANDLE_CHARS),
    )


def _split_args(text: str) -> str:
    from bot.router import parse_command

    parsed = parse_command(text)
    return parsed[1] if parsed else ""
