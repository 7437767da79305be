"""Hostile input never breaks the bot: every command, button and conversation state is fed
random Unicode (right-to-left, zero-width, emoji, control characters, NUL), huge messages and
SQL- or markup-like text. Nothing may end in an unhandled error (App.handle's "handling a
... message failed" log, or the APOLOGY reply); over-long reports get a clear message and
nothing is stored; what is stored is stored verbatim.

A few hundred examples by default; the ``slow`` run does 10,000 of the main property.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from fuzz_support import (
    SITUATIONS,
    Conversations,
    FailureLog,
    assert_no_failure,
    texts,
)
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from spacy.language import Language
from sqlalchemy import func, select

from bot.app import App
from config.settings import Settings
from storage.models import ConversationState, Report

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
Running = tuple[Conversations, asyncio.Runner, FailureLog]
huge = st.integers(4_001, 30_000).map(lambda n: ("Long barrier. " * (n // 14 + 1))[:n])


def fuzz_settings(examples: int) -> hsettings:
    return hsettings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


@contextmanager
def running_app(settings: Settings, nlp: Language) -> Iterator[Running]:
    """Hypothesis drives sync functions, so the App lives on a runner we own."""
    failures = FailureLog()
    logging.getLogger().addHandler(failures)
    with asyncio.Runner() as runner:
        app = runner.run(App.create(settings, nlp=nlp))
        talk = Conversations(app)
        try:
            yield talk, runner, failures
        finally:
            runner.run(app.close())
            logging.getLogger().removeHandler(failures)


async def count(talk: Conversations, table: type) -> int:
    async with talk.app.services.db.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


def every_input_anywhere(running: Running, examples: int) -> None:
    talk, runner, failures = running
    commands = [c.name for c in talk.app.router.commands]
    buttons = [b.prefix for b in talk.app.router.buttons]

    @fuzz_settings(examples)
    @given(
        situation=st.sampled_from(SITUATIONS),
        shape=st.sampled_from(("command", "plain", "button")),
        command=st.sampled_from(commands),
        button=st.sampled_from(buttons),
        text=st.one_of(texts, huge),
        group=st.booleans(),
    )
    def one(situation: str, shape: str, command: str, button: str, text: str, group: bool) -> None:
        failures.records.clear()
        user = runner.run(talk.enter(situation))
        if shape == "command":
            replies = runner.run(talk.say(user, f"/{command} {text}", group))
        elif shape == "button":
            replies = runner.run(talk.tap(user, f"{button}:{text}", group))
        else:
            replies = runner.run(talk.say(user, text, group))
        assert_no_failure(replies, failures, f"{shape} {command}/{button} in {situation}")

    one()


def test_no_input_in_any_state_causes_an_unhandled_error(
    make_settings: Callable[..., Settings], nlp: Language
) -> None:
    with running_app(make_settings(rate_limit_per_minute=10**7), nlp) as running:
        every_input_anywhere(running, 150)


@pytest.mark.slow
def test_ten_thousand_hostile_inputs_cause_no_unhandled_error(
    make_settings: Callable[..., Settings], nlp: Language
) -> None:
    with running_app(make_settings(rate_limit_per_minute=10**7), nlp) as running:
        every_input_anywhere(running, 10_000)


def test_huge_messages_get_a_clear_answer_and_nothing_is_stored(
    make_settings: Callable[..., Settings], nlp: Language
) -> None:
    settings = make_settings(rate_limit_per_minute=10**7)
    with running_app(settings, nlp) as (talk, runner, _):
        user = runner.run(talk.onboarded("mem"))

        @fuzz_settings(25)
        @given(text=huge, as_command=st.booleans(), nul=st.booleans())
        def one(text: str, as_command: bool, nul: bool) -> None:
            text = text.replace(" ", "\x00 ") if nul else text
            before = runner.run(count(talk, Report)), runner.run(count(talk, ConversationState))
            replies = runner.run(talk.say(user, f"/report {text}" if as_command else text))
            assert "the limit is 4000" in replies[0].text and "Nothing was saved" in replies[0].text
            after = runner.run(count(talk, Report)), runner.run(count(talk, ConversationState))
            assert after == before

        one()


def test_sql_and_markup_like_reports_are_stored_verbatim(
    make_settings: Callable[..., Settings], nlp: Language
) -> None:
    with running_app(make_settings(rate_limit_per_minute=10**7), nlp) as (talk, runner, _):
        user = runner.run(talk.onboarded("mem"))

        @fuzz_settings(40)
        @given(text=texts)
        def one(text: str) -> None:
            expected = text.replace("\x00", "").strip()
            assume(any(ch.isalpha() for ch in expected) and not expected.startswith("/"))
            ack = runner.run(talk.say(user, f"/report {text}"))[0].text
            report_id = int(ack.split("(#")[1].split(")")[0])
            assert runner.run(stored_text(talk, report_id)) == expected
            assert expected in runner.run(talk.say(user, "/mine"))[0].text

        one()


async def stored_text(talk: Conversations, report_id: int) -> str | None:
    async with talk.app.services.db.transaction() as session:
        return await session.scalar(select(Report.text).where(Report.id == report_id))
