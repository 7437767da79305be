"""The adapter on the real PTB Application against the fake Bot API, with an echo core."""

from __future__ import annotations

import asyncio
import logging

import pytest
import tg_updates as tg
from fake_bot_api import BOT_USER, FakeBotApi, html_to_text
from tg_support import EchoCore

from adapters.telegram import TelegramAdapter
from bot.messages import Button, ChatKind, EventKind, OutFile, Outgoing, Reply
from config.settings import Settings

ALICE = tg.user(501, "alice", "Alice")
BOB = tg.user(502, None, "Bob")
GROUP = tg.group_chat(-1001, "Leeds care workers")
BOT_NAME = BOT_USER["username"]


async def test_start_registers_menus_per_scope(echo: EchoCore, fake_api: FakeBotApi) -> None:
    calls = fake_api.sent("setMyCommands")
    scopes = {call.params["scope"]["type"]: call.params["commands"] for call in calls}
    assert set(scopes) == {"all_private_chats", "all_group_chats", "all_chat_administrators"}
    assert {"report", "forget", "mydata"} <= {c["command"] for c in scopes["all_private_chats"]}
    assert "link" in {c["command"] for c in scopes["all_chat_administrators"]}
    assert "link" not in {c["command"] for c in scopes["all_group_chats"]}
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


async def test_deep_link_start_arrives_as_text(echo: EchoCore, fake_api: FakeBotApi) -> None:
    await fake_api.inject(tg.text(tg.private_chat(BOB), BOB, "/start circle_7"))
    (incoming,) = await echo.wait(1)
    assert incoming.text == "/start circle_7"
    assert incoming.user_handle == "Bob", "no username: the first name is the handle"


async def test_group_passes_only_our_commands(echo: EchoCore, fake_api: FakeBotApi) -> None:
    for body in (
        "anyone else fed up with the rota?",
        "/digest@some_other_bot",
        f"/link@{BOT_NAME} Leeds carers",
        "/digest",
    ):
        await fake_api.inject(tg.text(GROUP, ALICE, body))
    received = await echo.wait(2)
    await asyncio.sleep(0.2)
    assert [i.text for i in received] == ["/link Leeds carers", "/digest"]
    assert all(i.chat_kind is ChatKind.GROUP and i.chat_id == "-1001" for i in received)
    assert received[0].chat_title == "Leeds care workers"


async def test_non_text_is_unsupported_privately_and_ignored_in_groups(
    echo: EchoCore, fake_api: FakeBotApi
) -> None:
    chat = tg.private_chat(ALICE)
    for update in (tg.photo(chat, ALICE), tg.sticker(chat, ALICE), tg.voice(chat, ALICE)):
        await fake_api.inject(update)
    await fake_api.inject(tg.edited(chat, ALICE, "changed my mind"))
    await fake_api.inject(tg.photo(GROUP, ALICE))
    await fake_api.inject(tg.edited(GROUP, ALICE, "typo"))
    await fake_api.inject(tg.text(chat, ALICE, "last"))
    received = await echo.wait(5)
    await asyncio.sleep(0.2)
    kinds = [i.kind for i in received]
    assert kinds == [EventKind.UNSUPPORTED] * 3 + [EventKind.EDITED, EventKind.TEXT]
    assert received[3].text == "changed my mind"
    assert all(i.chat_kind is ChatKind.PRIVATE for i in received)


async def test_new_members_each_become_an_event(echo: EchoCore, fake_api: FakeBotApi) -> None:
    robot = {"id": 900, "is_bot": True, "first_name": "Other bot"}
    await fake_api.inject(tg.joined(GROUP, ALICE, ALICE, BOB, robot))
    received = await echo.wait(2)
    await asyncio.sleep(0.1)
    assert [(i.kind, i.user_id, i.user_handle) for i in received] == [
        (EventKind.MEMBER_JOINED, "501", "@alice"),
        (EventKind.MEMBER_JOINED, "502", "Bob"),
    ]


async def test_button_tap_round_trip(echo: EchoCore, fake_api: FakeBotApi) -> None:
    assert echo.adapter is not None
    long_data = "circle:" + "x" * 80
    buttons = (Button("Yes", "consent:yes"), Button("No", "consent:no"), Button("Join", long_data))
    reply = Reply(text="May we store your reports?", buttons=buttons)
    await echo.adapter.send(Outgoing("telegram", "501", reply))
    await echo.adapter.flush()
    (sent,) = await fake_api.wait_for("sendMessage", chat_id=501)
    rows = sent.params["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in rows] == [["Yes", "No", "Join"]]
    bot_message = fake_api.last_message(501)
    await fake_api.inject(tg.tap(ALICE, bot_message, rows[0][2]["callback_data"]))
    await fake_api.inject(tg.tap(ALICE, bot_message, "consent:yes"))
    received = await echo.wait(2)
    assert [(i.kind, i.button_data) for i in received] == [
        (EventKind.BUTTON, long_data),
        (EventKind.BUTTON, "consent:yes"),
    ]
    assert len(await fake_api.wait_for("answerCallbackQuery", 2)) == 2
    edits = await fake_api.wait_for("editMessageText", 2)
    assert all("reply_markup" not in edit.params for edit in edits), "keyboard retired on tap"
    chosen = [html_to_text(edit.params["text"]) for edit in edits]
    assert chosen == ["May we store your reports?\n\n» Join", "May we store your reports?\n\n» Yes"]


async def test_long_reply_is_split_on_lines(echo: EchoCore, fake_api: FakeBotApi) -> None:
    assert echo.adapter is not None
    lines = [f"{n}. theme <{n}> & friends " + "é" * 60 for n in range(300)]
    text = "\n".join(lines)
    await echo.adapter.send(Outgoing("telegram", "501", Reply(text=text)))
    await echo.adapter.flush()
    await fake_api.wait_for("sendMessage", 2, chat_id=501)
    await asyncio.sleep(0.2)
    parts = fake_api.texts(501)
    assert len(parts) >= 6 and all(len(part) < 4096 for part in parts)
    assert "\n".join(parts) == text


async def test_files_go_as_one_album(echo: EchoCore, fake_api: FakeBotApi) -> None:
    assert echo.adapter is not None
    export = OutFile("digest.csv", b"theme,people\nprocurement,3\n", "text/csv")
    chart = OutFile("chart.png", b"\x89PNG\r\n\x1a\nfake", "image/png", is_image=True)
    reply = Reply(text="Your digest", files=(export, chart))
    await echo.adapter.send(Outgoing("telegram", "-1001", reply))
    await echo.adapter.flush()
    (album,) = await fake_api.wait_for("sendMediaGroup", chat_id=-1001)
    assert [item["type"] for item in album.params["media"]] == ["document", "document"]
    assert sorted(fake_api.documents(-1001)) == [
        ("chart.png", chart.content),
        ("digest.csv", export.content),
    ]
    assert not fake_api.sent("sendPhoto") and not fake_api.sent("sendDocument")
    assert fake_api.texts(-1001) == ["Your digest"]


async def test_429_is_retried_after_the_wait(echo: EchoCore, fake_api: FakeBotApi) -> None:
    fake_api.fail_once("sendMessage", retry_after=1)
    started = asyncio.get_running_loop().time()
    await fake_api.inject(tg.text(tg.private_chat(ALICE), ALICE, "hello"))
    calls = await fake_api.wait_for("sendMessage", 2, chat_id=501)
    assert asyncio.get_running_loop().time() - started >= 1.0
    assert [c.params["text"] for c in calls] == ["echo: hello", "echo: hello"]
    assert fake_api.texts(501)[-1] == "echo: hello"


async def test_one_failing_update_is_apologised_for(
    echo: EchoCore, fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    echo.fail_on.add("explode")
    chat = tg.private_chat(ALICE)
    await fake_api.inject(tg.text(chat, ALICE, "explode"))
    await fake_api.inject(tg.text(chat, ALICE, "still here?"))
    await fake_api.wait_for("sendMessage", 2, chat_id=501)
    texts = fake_api.texts(501)
    assert texts[0].startswith("Sorry, something went wrong") and texts[1] == "echo: still here?"
    failures = [r for r in caplog.records if r.name == "adapters.telegram.adapter"]
    assert any(r.levelno == logging.ERROR and "core failed" in r.getMessage() for r in failures)


async def test_blocked_chat_does_not_stop_other_sends(echo: EchoCore, fake_api: FakeBotApi) -> None:
    assert echo.adapter is not None
    fake_api.blocked.add(777)
    await echo.adapter.send(Outgoing("telegram", "777", Reply(text="are you there?")))
    await echo.adapter.send(Outgoing("telegram", "501", Reply(text="still working")))
    await echo.adapter.flush()
    assert fake_api.texts(501) == ["still working"]


async def test_a_failure_on_group_talk_gets_no_apology_there(
    tg_settings: Settings, fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    class BrokenSeen:
        async def check(self, _platform: str, _update_id: str) -> bool:
            raise ConnectionError("database unavailable")

        mark = check

    core = EchoCore()
    core.adapter = TelegramAdapter(tg_settings, core.submit, seen=BrokenSeen())
    await core.adapter.start()
    try:
        await fake_api.inject(tg.text(GROUP, ALICE, "just chatting"))
        await fake_api.inject(tg.text(GROUP, ALICE, "/digest"))
        (apology,) = await fake_api.wait_for("sendMessage", chat_id=GROUP["id"])
    finally:
        await core.adapter.stop()
    assert html_to_text(apology.params["text"]).startswith("Sorry, something went wrong")
    failures = [r for r in caplog.records if r.name == "adapters.telegram.adapter"]
    assert len([r for r in failures if "database unavailable" in r.getMessage()]) == 2
    assert core.received == []


async def test_private_link_hint_becomes_a_deep_link_button(
    echo: EchoCore, fake_api: FakeBotApi
) -> None:
    assert echo.adapter is not None
    welcome = Reply(text="Welcome! Talk to me privately.", private_link="circle_7")
    await echo.adapter.send(Outgoing("telegram", "-1001", welcome))
    await echo.adapter.flush()
    plain = Reply(text="Welcome!", private_link="not allowed!")
    await echo.adapter.send(Outgoing("telegram", "-1001", plain))
    await echo.adapter.flush()
    first, second = fake_api.sent("sendMessage", chat_id=-1001)
    (row,) = first.params["reply_markup"]["inline_keyboard"]
    assert row == [
        {"text": "Message me privately", "url": f"https://t.me/{BOT_NAME}?start=circle_7"}
    ]
    (row,) = second.params["reply_markup"]["inline_keyboard"]
    assert row[0]["url"] == f"https://t.me/{BOT_NAME}"


async def test_a_groups_rate_limit_holds_up_no_other_chat(
    echo: EchoCore, fake_api: FakeBotApi
) -> None:
    """Telegram allows about 20 messages a minute into a group; PTB's limiter waits that
    out. Thirty messages queued for one group must not delay a private answer."""
    assert echo.adapter is not None
    loop = asyncio.get_running_loop()
    started = loop.time()
    for number in range(30):
        await echo.adapter.send(Outgoing("telegram", "-1001", Reply(text=f"notice {number}")))
    await echo.adapter.send(Outgoing("telegram", "501", Reply(text="your answer")))
    await fake_api.wait_for("sendMessage", chat_id=501, within=5)
    assert loop.time() - started < 2.0
    assert len(fake_api.sent("sendMessage", chat_id=-1001)) < 30, "the group is still waiting"


@pytest.mark.parametrize(("count", "albums"), [(1, []), (2, [2]), (11, [9, 2]), (20, [10, 10])])
async def test_files_go_as_albums_never_leaving_one_alone(
    echo: EchoCore, fake_api: FakeBotApi, count: int, albums: list[int]
) -> None:
    files = tuple(OutFile(f"part{n}.csv", b"a,b\n", "text/csv") for n in range(count))
    assert echo.adapter is not None
    await echo.adapter.send(Outgoing("telegram", "601", Reply("Your export", files=files)))
    await echo.adapter.flush()
    assert [len(c.params["media"]) for c in fake_api.sent("sendMediaGroup", 601)] == albums
    assert len(fake_api.sent("sendDocument", 601)) == (1 if count == 1 else 0)
    assert sorted(name for name, _ in fake_api.documents(601)) == sorted(f.name for f in files)


async def test_a_lone_image_is_a_photo(echo: EchoCore, fake_api: FakeBotApi) -> None:
    chart = OutFile("chart.png", b"\x89PNG\r\n\x1a\n", "image/png", is_image=True)
    assert echo.adapter is not None
    await echo.adapter.send(Outgoing("telegram", "601", Reply("Chart", files=(chart,))))
    await echo.adapter.flush()
    assert len(fake_api.sent("sendPhoto", 601)) == 1
