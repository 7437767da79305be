"""The runtime wires configured platforms and shuts down without losing replies."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from spacy.language import Language

from bot.app import App
from bot.messages import Incoming, Outgoing
from config.settings import Settings, SettingsError
from groundswell.platforms import PLATFORMS, configured_platforms
from groundswell.runtime import Runtime
from groundswell.testing import RecordingAdapter
from tests.test_heap import tracked


def test_only_platforms_with_tokens_start(make_settings: Callable[..., Settings]) -> None:
    assert configured_platforms(make_settings()) == []
    chosen = configured_platforms(make_settings(discord_token="x"))
    assert [entry.platform for entry in chosen] == ["discord"]
    assert {entry.platform for entry in PLATFORMS} == {"telegram", "discord"}


async def test_stop_drains_replies_before_closing(settings: Settings, nlp: Language) -> None:
    app = await App.create(settings, nlp=nlp)
    runtime = Runtime(app)
    recorder = RecordingAdapter("console")
    runtime.add(recorder)
    await runtime.start()
    for number in range(5):
        user = f"u{number}"
        await runtime.dispatcher.submit(Incoming("console", f"dm-{user}", user, "/help"))
    await runtime.stop()
    answered = [chat for chat, replies in recorder.sent.items() if replies]
    assert sorted(answered) == [f"dm-u{n}" for n in range(5)]
    await asyncio.sleep(0)


async def test_what_starting_built_is_frozen_while_the_bot_runs(
    settings: Settings, nlp: Language
) -> None:
    """Full collections skip the model and services while running (groundswell.heap) and
    get them back after the stop, so the next app in this process can free this one."""
    app = await App.create(settings, nlp=nlp)
    runtime = Runtime(app)
    runtime.add(RecordingAdapter("console"))
    await runtime.start()
    try:
        assert not tracked(app.services)
    finally:
        await runtime.stop()
    assert tracked(app.services)


async def test_a_stuck_message_holds_the_stop_no_longer_than_stop_timeout(
    make_settings: Callable[..., Settings], nlp: Language, caplog: pytest.LogCaptureFixture
) -> None:
    """The drain waits until idle, bounded by the operator's setting (not a fixed 10 s)."""
    app = await App.create(make_settings(stop_timeout=0.5), nlp=nlp)
    runtime = Runtime(app)
    runtime.add(RecordingAdapter("console"))
    stuck = asyncio.Event()

    async def never_finishes(_incoming: Incoming) -> list[Outgoing]:
        stuck.set()
        await asyncio.Event().wait()
        return []

    runtime.dispatcher.handle = never_finishes
    await runtime.start()
    await runtime.dispatcher.submit(Incoming("console", "dm-u", "u", "/help"))
    await asyncio.wait_for(stuck.wait(), 5)
    started = time.monotonic()
    await runtime.stop()
    assert time.monotonic() - started < 5, "waited past stop_timeout"
    assert "1 message(s) unfinished" in caplog.text


async def test_the_drain_waits_for_slow_work_within_stop_timeout(
    make_settings: Callable[..., Settings], nlp: Language
) -> None:
    app = await App.create(make_settings(stop_timeout=30), nlp=nlp)
    runtime = Runtime(app)
    recorder = RecordingAdapter("console")
    runtime.add(recorder)
    handle = runtime.dispatcher.handle

    async def slow(incoming: Incoming) -> list[Outgoing]:
        await asyncio.sleep(1.0)  # a commit waiting for a busy database, say
        return await handle(incoming)

    runtime.dispatcher.handle = slow
    await runtime.start()
    await runtime.dispatcher.submit(Incoming("console", "dm-u", "u", "/help"))
    await runtime.stop()
    assert recorder.sent["dm-u"], "stopped before the slow message was answered"


def test_stop_timeout_is_a_positive_setting(make_settings: Callable[..., Settings]) -> None:
    assert make_settings().stop_timeout == 25.0
    with pytest.raises(SettingsError, match="stop_timeout"):
        make_settings(stop_timeout=0)
