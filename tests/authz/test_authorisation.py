"""Every registered command x every role x every kind of chat: allowed, or a polite refusal
that reveals nothing. Commands are read from ``build_router()``, so a new command is tested
(and must be given a rule in policy.py) the moment it is registered.

Authorisation does not depend on the database engine, so this matrix runs on SQLite: one
world (two circles, their coordinators, a linked group) is built once, and each command gets
a fresh copy of it, so one command's side effects never change another's expectations.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from authz_policy import (
    ACTORS,
    CHATS,
    CIRCLE,
    HERE,
    LINKED,
    MEMBER,
    ORG,
    OTHER,
    OTHER_CIRCLE,
    POLICY,
    PRIVATE,
    STRANGER,
)
from spacy.language import Language

from bot.app import App
from bot.handlers import build_router
from bot.messages import APOLOGY, ChatKind, EventKind, Incoming, Reply
from bot.roles import REFUSAL
from config.settings import Settings, load_settings
from groundswell.testing import BotHarness

COMMANDS = [c.name for c in build_router().commands]
USERS = {ORG: "olive", HERE: "cara", OTHER: "cody", MEMBER: "mia", STRANGER: "zed"}
LINKED_GROUP = "grp-leeds-carers"
START_FIRST = "Please send /start first"
# Nothing a refusal says may name a circle, a person or the chat's link.
SECRETS = (CIRCLE, OTHER_CIRCLE, "cara", "cody", "mia", "pat", "olive", "coordinator")


def settings_for(db: Path) -> Settings:
    return load_settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{db}",
        organisers=["console:olive"],
        rate_limit_per_minute=10**6,
    )


async def build_world(db: Path, nlp: Language) -> None:
    app = await App.create(settings_for(db), nlp=nlp)
    async with BotHarness(app) as bot:
        for user in ("olive", "cara", "cody", "mia", "pat"):
            await bot.onboard(user, "Leeds")
        for name, place in ((CIRCLE, "Leeds"), (OTHER_CIRCLE, "York")):
            made = await bot.push("olive", f"/circle new {name} place {place}")
            assert "is open" in made[0].text
        for user, name in (("cara", CIRCLE), ("cody", OTHER_CIRCLE)):
            await bot.push(user, f"/join {name}")
            said = (await bot.push("olive", f"/appoint {name} @{user}"))[0].text
            assert "I've asked them privately" in said, said
            accepted = (await bot.tap(user, "Yes, I'll coordinate"))[0].text
            assert "You're now a coordinator" in accepted, accepted
        assert "now linked" in (await bot.push("cara", f"/link {CIRCLE}", LINKED_GROUP))[0].text
        await bot.push("mia", f"/join {CIRCLE}", LINKED_GROUP)
    await app.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, nlp: Language) -> Path:
    db = tmp_path_factory.mktemp("authz") / "world.db"
    asyncio.run(build_world(db, nlp))
    return db


def copy_world(world: Path, to: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        source = world.with_name(world.name + suffix)
        if source.exists():
            shutil.copy(source, to.with_name(to.name + suffix))
    return to


def chat_of(actor: str, chat: str, command: str) -> tuple[str, ChatKind]:
    if chat == PRIVATE:
        return f"dm-{USERS[actor]}", ChatKind.PRIVATE
    if chat == LINKED:
        return LINKED_GROUP, ChatKind.GROUP
    return f"grp-free-{command}-{actor}", ChatKind.GROUP  # never linked by an earlier row


def outcome(replies: list[Reply], failed: bool) -> str:
    if failed or any(r.text == APOLOGY for r in replies):
        return "error"
    first = replies[0].text if replies else ""
    if first == REFUSAL:
        return "refused"
    if first.startswith(START_FIRST):
        return "start"
    return "private" if "in a private chat" in first else "ok"


def reveals(replies: list[Reply]) -> str | None:
    """A refusal is one plain message; anything more would tell the caller something."""
    if len(replies) != 1 or replies[0].buttons or replies[0].files:
        return "a refusal came with more than one message, buttons or files"
    leaked = [s for s in SECRETS if s.casefold() in replies[0].text.casefold()]
    return f"the refusal mentions {leaked}" if leaked else None


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def try_command(app: App, command: str, actor: str, chat: str) -> tuple[str, str]:
    errors = Errors()
    logging.getLogger().addHandler(errors)
    chat_id, kind = chat_of(actor, chat, command)
    user = USERS[actor]
    text = f"/{command} {POLICY[command].args}".strip()
    incoming = Incoming("console", chat_id, user, text, chat_kind=kind, user_handle=f"@{user}")
    try:
        replies = [o.reply for o in await app.handle(incoming)]
    finally:
        logging.getLogger().removeHandler(errors)
    got = outcome(replies, errors.count > 0)
    problem = reveals(replies) if got in ("refused", "start") else None
    return got, problem or (replies[0].text[:80] if replies else "(no reply)")


async def matrix(db: Path, nlp: Language, command: str) -> list[str]:
    app = await App.create(settings_for(db), nlp=nlp)
    wrong: list[str] = []
    try:
        for actor, chat in itertools.product(ACTORS, CHATS):
            expected = POLICY[command].expect(actor, chat)
            got, said = await try_command(app, command, actor, chat)
            leak = said if said.startswith(("a refusal", "the refusal")) else None
            if got != expected or leak:
                wrong.append(f"/{command} by {actor} in {chat}: expected {expected}, got {got}"
                             f" ({leak or said})")  # fmt: skip
    finally:
        await app.close()
    return wrong


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_allowed_or_politely_refused(
    command: str, world: Path, nlp: Language, tmp_path: Path
) -> None:
    assert command in POLICY, (
        f"/{command} is registered but has no rule in tests/authz/authz_policy.py: "
        "write down who may use it, and where"
    )
    db = copy_world(world, tmp_path / "world.db")
    wrong = asyncio.run(matrix(db, nlp, command))
    assert not wrong, "\n".join(wrong)


def test_every_rule_is_for_a_registered_command() -> None:
    assert set(POLICY) <= set(COMMANDS), set(POLICY) - set(COMMANDS)


@pytest.mark.parametrize("command", ["offers", "mine", "withdraw", "metoo"])
def test_an_organiser_who_never_started_gets_an_answer_not_an_error(
    command: str, tmp_path: Path, nlp: Language
) -> None:
    async def ask() -> tuple[str, str]:
        app = await App.create(settings_for(tmp_path / "fresh.db"), nlp=nlp)
        try:
            return await try_command(app, command, ORG, PRIVATE)
        finally:
            await app.close()

    got, said = asyncio.run(ask())
    assert got != "error", said


def test_a_stranger_tapping_a_forged_metoo_button_gets_an_answer(
    tmp_path: Path, nlp: Language
) -> None:
    async def tap() -> list[Reply]:
        app = await App.create(settings_for(tmp_path / "fresh.db"), nlp=nlp)
        try:
            event = Incoming("console", "dm-zed", "zed", kind=EventKind.BUTTON)
            event = replace(event, button_data="metoo:1")
            return [o.reply for o in await app.handle(event)]
        finally:
            await app.close()

    assert [r.text for r in asyncio.run(tap())] != [APOLOGY]


ROLE_COMMANDS = ("appoint", "unappoint")


@pytest.mark.parametrize("command", ROLE_COMMANDS)
def test_role_changes_answer_the_same_whoever_is_named(
    command: str, world: Path, nlp: Language, tmp_path: Path
) -> None:
    """An organiser learns nothing about who uses the bot from /appoint or /unappoint: the
    answer for a member, for a handle nobody has, and for a platform id is the same text
    (bar the handle itself), and so is the answer for a platform id."""

    async def answers() -> dict[str, str]:
        app = await App.create(settings_for(copy_world(world, tmp_path / "w.db")), nlp=nlp)
        said = {}
        try:
            for handle in ("@pat", "@nobody-here", "@cara"):
                event = Incoming(
                    "console", "dm-olive", "olive", f"/{command} {CIRCLE} {handle}",
                    chat_kind=ChatKind.PRIVATE, user_handle="@olive",
                )  # fmt: skip
                first = [o.reply for o in await app.handle(event)][0].text
                said[handle] = first.replace(handle, "@X")
            event = Incoming(
                "console", "dm-olive", "olive", f"/{command} {CIRCLE} console:pat",
                chat_kind=ChatKind.PRIVATE, user_handle="@olive",
            )  # fmt: skip
            said["id"] = [o.reply for o in await app.handle(event)][0].text.replace(
                "console:pat", "@X"
            )
        finally:
            await app.close()
        return said

    said = asyncio.run(answers())
    assert said["@pat"] == said["@nobody-here"] == said["@cara"] == said["id"], said
