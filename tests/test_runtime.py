"""The runtime wires configured platforms and shuts down without losing replies."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from spacy.language import Language

from bot.app import App
from bot.messages import Incoming
from config.settings import Settings
from groundswell.platforms import PLATFORMS, configured_platforms
from groundswell.runtime import Runtime
from groundswell.testing import RecordingAdapter


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
