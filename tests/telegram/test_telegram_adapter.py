"""The adapter on the real PTB Application against the fake Bot API, with an echo core."""

from __future__ import annotations

import tg_updates as tg
from conftest import EchoCore
from fake_bot_api import FakeBotApi

from bot.messages import ChatKind, EventKind

ALICE = tg.user(501, "alice", "Alice")
BOB = tg.user(502, None, "Bob")


async def wait_received(core: EchoCore, count: int) -> None:
    import asyncio

    for _ in range(500):
        if len(core.received) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"core received {len(core.received)}, wanted {count}")


async def test_start_registers_menus_per_scope(echo: EchoCore, fake_api: FakeBotApi) -> None:
    calls = fake_api.sent("setMyCommands")
    scopes = {call.params["scope"]["type"]: call.params["commands"] for call in calls}
    assert set(scopes) == {"all_private_chats", "all_group_chats"}
    assert {"report", "forget", "mydata"} <= {c["command"] for c in scopes["all_private_chats"]}
    assert "link" in {c["command"] for c in scopes["all_group_chats"]}
    assert "link" not in {c["command"] for c in scopes["all_private_chats"]}
    assert fake_api.sent("deleteWebhook"), "polling must clear any webhook first"


async def test_private_text_round_trip_is_escaped(echo: EchoCore, fake_api: FakeBotApi) -> None:
    chat = tg.private_chat(ALICE)
    await fake_api.inject(tg.text(chat, ALICE, "rules <b>say</b> a & b > c"))
    await fake_api.wait_for("sendMessage", chat_id=ALICE["id"])
    incoming = echo.received[0]
    assert (incoming.platform, incoming.chat_id, incoming.user_id) == ("telegram", "501", "501")
    assert incoming.chat_kind is ChatKind.PRIVATE and incoming.kind is EventKind.TEXT
    assert incoming.user_handle == "@alice" and incoming.message_id is not None
    assert fake_api.texts(ALICE["id"]) == ["echo: rules <b>say</b> a & b > c"]
    assert fake_api.sent("sendMessage")[0].params["parse_mode"] == "HTML"
