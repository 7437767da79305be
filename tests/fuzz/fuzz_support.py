"""Driving the App directly for the fuzz tests: people put into each conversation state
through the real flows, and hostile text shaped by hypothesis strategies."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable

from hypothesis import strategies as st

from bot.app import App
from bot.messages import APOLOGY, ChatKind, EventKind, Incoming, Reply

GROUP = "fuzz-group"
NASTY = (
    "'; DROP TABLE reports; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM people WHERE ('1'='1",
    "<b>bold</b> <script>alert(1)</script> &amp; &lt;",
    "</code></pre><a href='tg://user?id=1'>x</a>",
    "*bold* _it_ `code` ```block``` [link](http://x) ||spoiler|| ~strike~ @everyone @here",
    "\u202eevil\u202c \u200f\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627 \u200e",
    "zero\u200bwidth\u200c\u200djoin\ufeff\u2060",
    "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 \U0001f3f3\ufe0f\u200d\U0001f308",
    "\u2764\ufe0f \U0001f1ec\U0001f1e7 \U0001f44d\U0001f3fd",
    "NUL\x00inside\x00",
    "\x01\x02\x07\x1b[31mred\x1b[0m\r\n\t\x7f",
    "Z\u0351\u0315\u0360a\u0352\u034fl\u0342g\u0358o\u0353",
    "%s %d %n {0} {{}} ${jndi:ldap://x} $(reboot) `id`",
    "/start@OtherBot /report /forget",
    "\\\\\\'\\\"\\x00",
    "ｆｕｌｌｗｉｄｔｈ ＳＱＬ； ＤＲＯＰ",
)
# Every code point a platform can deliver: no lone surrogates (they cannot be UTF-8).
CHARS = st.characters(codec="utf-8")
texts = st.one_of(
    st.text(CHARS, max_size=300),
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(CHARS, max_size=40)), max_size=6).map(
        "".join
    ),
)
SITUATIONS = (
    "stranger", "consent", "place", "work_area", "member", "confirm_report",
    "confirm_forget", "organiser",
)  # fmt: skip


class FailureLog(logging.Handler):
    """Collects every ERROR (App.handle logs "handling a ... message failed" there)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Conversations:
    def __init__(self, app: App) -> None:
        self.app = app
        self.fresh = itertools.count()
        self.messages = itertools.count()

    def incoming(self, user: str, text: str = "", group: bool = False, **kw: object) -> Incoming:
        return Incoming(
            platform="console",
            chat_id=GROUP if group else f"dm-{user}",
            user_id=user,
            text=text,
            chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
            user_handle=f"@{user}",
            message_id=f"fz{next(self.messages)}" if "kind" not in kw else None,
            **kw,  # type: ignore[arg-type]
        )

    async def say(self, user: str, text: str, group: bool = False) -> list[Reply]:
        return [o.reply for o in await self.app.handle(self.incoming(user, text, group))]

    async def tap(self, user: str, data: str, group: bool = False) -> list[Reply]:
        event = self.incoming(user, group=group, kind=EventKind.BUTTON, button_data=data)
        return [o.reply for o in await self.app.handle(event)]

    async def tap_label(self, user: str, replies: list[Reply], label: str) -> list[Reply]:
        data = next(b.data for r in replies for b in r.buttons if b.label == label)
        return await self.tap(user, data)

    async def onboarded(self, user: str) -> str:
        """(Re-)onboard a shared person: a fuzzed /forget may have deleted them."""
        caller = await self.app.services.people.caller(self.incoming(user))
        if caller.person_id is None:  # organisers have their role even before /start
            await self.onboard_to(user, "done")
        return user

    async def onboard_to(self, user: str, stop: str) -> str:
        steps: list[tuple[str, Callable[[list[Reply]], Awaitable[list[Reply]]]]] = [
            ("consent", lambda _: self.say(user, "/start")),
            ("place", lambda r: self.tap_label(user, r, "Yes, I agree")),
            ("work_area", lambda _: self.say(user, "Leeds")),
            ("done", lambda r: self.tap_label(user, r, "Health")),
        ]
        replies: list[Reply] = []
        for name, step in steps:
            replies = await step(replies)
            if name == stop:
                break
        return user

    async def enter(self, situation: str) -> str:
        """A person in the given conversation state, ready for the fuzzed message."""
        if situation in ("stranger", "consent", "place", "work_area"):
            user = f"new{next(self.fresh)}"
            return user if situation == "stranger" else await self.onboard_to(user, situation)
        if situation == "organiser":
            return await self.onboarded("olive")
        user = await self.onboarded("mem")
        if situation == "confirm_report":
            await self.say(user, "The rota is broken every single week.")
        elif situation == "confirm_forget":
            await self.say(user, "/forget")
        return user


def assert_no_failure(replies: list[Reply], failures: FailureLog, what: str) -> None:
    assert not failures.records, f"{what}: {failures.records[0].getMessage()}"
    assert all(r.text != APOLOGY for r in replies), f"{what}: the bot said sorry"
