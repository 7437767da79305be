"""End to end: people on Telegram, through PTB and the fake Bot API, to the real App and
Dispatcher and back, wired exactly as ``groundswell run`` wires the adapter."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable

import pytest
import tg_updates as tg
from barrier_texts import PROCUREMENT_A, PROCUREMENT_B
from fake_bot_api import BOT_USER, TOKEN, FakeBotApi
from spacy.language import Language
from sqlalchemy import select
from tg_support import TelegramWorld, free_port, post_update

from adapters.telegram import TelegramAdapter
from bot.app import App
from config.settings import Settings
from groundswell.runtime import Runtime
from storage import circles as circle_store
from storage import people as people_store
from storage import schedules as schedule_store
from storage.models import Report
from storage.updates import seen_in

OLIVE = tg.user(900, "olive", "Olive")  # an organiser, from settings
AMIRA = tg.user(701, "amira", "Amira")
BEN = tg.user(702, None, "Ben")
CHLOE = tg.user(703, "chloe", "Chloe")
GROUP = tg.group_chat(-100500, "Leeds carers chat")
BOT_NAME = BOT_USER["username"]


def telegram_adapter(settings: Settings, runtime: Runtime) -> TelegramAdapter:
    """The wiring handed to the lead for ``groundswell run``."""
    db = runtime.app.services.db
    return TelegramAdapter(settings, runtime.dispatcher.submit, seen=seen_in(db))


async def start_world(settings: Settings, nlp: Language, fake: FakeBotApi) -> TelegramWorld:
    app = await App.create(settings, nlp=nlp)
    runtime = Runtime(app)
    runtime.add(telegram_adapter(settings, runtime))
    await runtime.start()
    return TelegramWorld(fake, runtime)


@pytest.fixture
def live_settings(make_settings: Callable[..., Settings], fake_api: FakeBotApi) -> Settings:
    return make_settings(
        telegram_token=TOKEN,
        telegram_base_url=fake_api.base_url,
        organisers=["telegram:900"],
        min_people=2,
    )


@pytest.fixture
async def world(
    live_settings: Settings, nlp: Language, fake_api: FakeBotApi
) -> AsyncIterator[TelegramWorld]:
    started = await start_world(live_settings, nlp, fake_api)
    yield started
    await started.runtime.stop()


async def test_onboarding_with_button_taps(world: TelegramWorld, fake_api: FakeBotApi) -> None:
    notice = await world.say(AMIRA, "/start")
    assert notice[-1].startswith("Welcome to Groundswell") and "/forget" in notice[-1]
    assert (await world.tap(AMIRA, "Yes, I agree"))[-1].startswith("Thank you. Which town")
    edited = fake_api.sent("editMessageText", chat_id=701)[-1]
    assert "» Yes, I agree" in edited.params["text"] and "reply_markup" not in edited.params
    with pytest.raises(AssertionError, match="no button"):
        world.button(701, "Yes, I agree")  # the answered keyboard is gone
    assert (await world.say(AMIRA, "Leeds"))[-1] == "Got it: Leeds. Which area do you work in?"
    assert (await world.tap(AMIRA, "Health"))[-1].startswith("You're set up.")
    assert len(fake_api.sent("answerCallbackQuery")) == 2


async def test_report_tells_you_you_are_not_alone(world: TelegramWorld) -> None:
    await world.onboard(AMIRA, "Leeds")
    await world.onboard(BEN, "Bradford")
    first = (await world.say(AMIRA, f"/report {PROCUREMENT_A}"))[-1]
    assert "not yet shared by enough people to show" in first
    second = (await world.say(BEN, f"/report {PROCUREMENT_B}"))[-1]
    assert "2 people in 2 places share it. You're not alone." in second
    mine = (await world.say(BEN, "/mine"))[-1]
    assert PROCUREMENT_B in mine and PROCUREMENT_A not in mine


async def test_group_link_and_circle_digest(world: TelegramWorld, fake_api: FakeBotApi) -> None:
    circles = world.runtime.app.services.circles
    await circles.create("Leeds carers", "Leeds", None, None, None, None)
    await world.onboard(OLIVE, "Leeds")
    await world.onboard(AMIRA, "Leeds")
    await world.onboard(BEN, "Bradford")
    refused = await world.say(AMIRA, "/link Leeds carers", GROUP)
    assert refused == ["Sorry, that command isn't available to you here."]
    linked = await world.say(OLIVE, f"/link@{BOT_NAME} Leeds carers", GROUP)
    assert linked == ["This chat is now linked to the circle Leeds carers."]
    await fake_api.inject(tg.text(GROUP, AMIRA, "ordinary chat: never stored, never answered"))
    reported = await world.say(AMIRA, f"/report@{BOT_NAME} {PROCUREMENT_A}", GROUP)
    assert reported[-1].startswith("Tip: next time, message me privately")
    await world.say(BEN, f"/report {PROCUREMENT_B}", GROUP)
    digest = (await world.say(OLIVE, "/digest", GROUP))[-1]
    header = digest.splitlines()[0]
    assert header.startswith("Shared-demand digest:") and "Leeds carers" in header
    assert "2 people in 2 places" in digest
    assert all(name not in digest.lower() for name in ("amira", "ben", "olive"))
    texts = fake_api.texts(GROUP["id"])
    assert not any("ordinary chat" in text for text in texts)
    assert "ordinary chat" not in (await world.say(AMIRA, "/mine"))[-1]


async def test_deep_link_joins_the_circle_after_consent(world: TelegramWorld) -> None:
    circles = world.runtime.app.services.circles
    circle = await circles.create("Hull health", "Hull", None, None, None, None)
    assert circle is not None
    await world.say(CHLOE, f"/start circle_{circle.id}")
    await world.tap(CHLOE, "Yes, I agree")
    await world.say(CHLOE, "Hull")
    done = (await world.tap(CHLOE, "Social care"))[-1]
    assert done.endswith("You've joined the circle Hull health.")
    assert "✓ joined" in (await world.say(CHLOE, "/circles"))[-1]


async def test_new_members_photos_and_edits(world: TelegramWorld, fake_api: FakeBotApi) -> None:
    welcome = await world.exchange(tg.joined(GROUP, AMIRA, CHLOE), GROUP["id"])
    assert welcome == [
        "Welcome! To report a barrier or join this circle, message me privately and send /start."
    ]
    chat = tg.private_chat(AMIRA)
    for update in (tg.photo(chat, AMIRA), tg.voice(chat, AMIRA)):
        answer = await world.exchange(update, AMIRA["id"])
        assert answer == ["I can only read text for now. Please type your message."]


async def test_an_edited_message_is_not_re_read_but_can_be_saved(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    await world.onboard(AMIRA, "Leeds")
    chat = tg.private_chat(AMIRA)
    answer = await world.exchange(tg.edited(chat, AMIRA, PROCUREMENT_A), AMIRA["id"])
    assert answer[0].startswith("I don't re-read edited messages")
    assert answer[-1] == "Shall I save that as a barrier report?"
    saved = (await world.tap(AMIRA, "Yes, save it"))[-1]
    assert "your report is saved" in saved


async def test_mydata_export_arrives_as_a_document(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    await world.onboard(AMIRA, "Leeds")
    await world.say(AMIRA, f"/report {PROCUREMENT_A}")
    await world.say(AMIRA, "/mydata")
    (document,) = await fake_api.wait_for("sendDocument", chat_id=AMIRA["id"])
    name, content = document.files["document"]
    data = json.loads(content)
    assert name.endswith(".json") and data["person"]["place"] == "Leeds"
    assert [report["text"] for report in data["reports"]] == [PROCUREMENT_A]


async def test_a_429_is_waited_out_and_retried(world: TelegramWorld, fake_api: FakeBotApi) -> None:
    fake_api.fail_once("sendMessage", retry_after=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    answer = await world.say(AMIRA, "/help")
    assert loop.time() - started >= 1.0
    assert answer[0].startswith("Groundswell helps you find people")
    assert len(fake_api.sent("sendMessage", chat_id=AMIRA["id"])) == 2, "one refused, one sent"


async def test_redelivered_update_after_restart_is_processed_once(
    world: TelegramWorld,
    live_settings: Settings,
    fake_api: FakeBotApi,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="adapters.telegram")
    await world.onboard(AMIRA, "Leeds")
    chat = tg.private_chat(AMIRA)
    report = f"/report {PROCUREMENT_A}"
    await world.exchange(tg.text(chat, AMIRA, report, update_id=9000), AMIRA["id"])
    old = world.runtime.adapters["telegram"]
    await old.stop()
    restarted = telegram_adapter(live_settings, world.runtime)
    world.runtime.add(restarted)
    await restarted.start()
    await fake_api.inject(tg.text(chat, AMIRA, report, update_id=9000))  # redelivered
    mine = (await world.say(AMIRA, "/mine"))[-1]
    assert mine.count(PROCUREMENT_A) == 1
    saved = [t for t in fake_api.texts(AMIRA["id"]) if "your report is saved" in t]
    assert len(saved) == 1
    assert "telegram update 9000 seen before; skipped" in caplog.messages


@pytest.fixture
async def webhook_world(
    live_settings: Settings, nlp: Language, fake_api: FakeBotApi
) -> AsyncIterator[tuple[TelegramWorld, str]]:
    port = free_port()
    settings = live_settings.model_copy(
        update={
            "telegram_webhook_url": "https://bot.example.org/hook",
            "telegram_webhook_port": port,
            "telegram_webhook_secret": "right-secret",
        }
    )
    started = await start_world(settings, nlp, fake_api)
    yield started, f"http://127.0.0.1:{port}/hook"
    await started.runtime.stop()


async def test_webhook_refuses_a_wrong_secret(
    webhook_world: tuple[TelegramWorld, str], fake_api: FakeBotApi
) -> None:
    world, url = webhook_world
    chat = tg.private_chat(AMIRA)
    assert await post_update(url, tg.text(chat, AMIRA, "/start", update_id=1), "wrong") == 403
    assert (
        await post_update(url, tg.text(chat, AMIRA, "/start", update_id=2), "right-secret") == 200
    )
    await fake_api.wait_for("sendMessage", chat_id=AMIRA["id"])
    await world.runtime.dispatcher.join()
    (notice,) = fake_api.texts(AMIRA["id"])
    assert notice.startswith("Welcome to Groundswell")
    assert not fake_api.sent("getUpdates"), "webhook mode never polls"


async def test_digest_export_arrives_as_one_album_of_documents(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    """Markdown, CSV, JSON, HTML and the chart: one media group, not five messages."""
    await world.onboard(OLIVE, "Leeds")
    await world.onboard(AMIRA, "Leeds")
    await world.onboard(BEN, "Bradford")
    await world.say(AMIRA, f"/report {PROCUREMENT_A}")
    await world.say(BEN, f"/report {PROCUREMENT_B}")
    summary = (await world.say(OLIVE, "/digest export"))[-1]
    assert summary.startswith("Shared-demand digest: everywhere, ")
    (album,) = await fake_api.wait_for("sendMediaGroup", chat_id=OLIVE["id"])
    assert not fake_api.sent("sendDocument", OLIVE["id"]) and not fake_api.sent("sendPhoto")
    assert [item["type"] for item in album.params["media"]] == ["document"] * 5
    exported = dict(fake_api.documents(OLIVE["id"]))
    names = sorted(name.rsplit(".", 1)[1] for name in exported)
    assert names == ["csv", "html", "json", "md", "png"]
    (json_name,) = [name for name in exported if name.endswith(".json")]
    assert json.loads(exported[json_name])["themes"], "the shared theme is in the export"
    (png,) = [content for name, content in exported.items() if name.endswith(".png")]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


SUPERGROUP = tg.group_chat(-1009000, "Leeds carers chat")


async def linked_group(world: TelegramWorld) -> None:
    """GROUP linked to the circle Leeds carers, with a daily digest scheduled there."""
    circles = world.runtime.app.services.circles
    await circles.create("Leeds carers", "Leeds", None, None, None, None)
    await world.onboard(OLIVE, "Leeds")
    assert (await world.say(OLIVE, "/link Leeds carers", GROUP))[-1].startswith("This chat is")
    assert (await world.say(OLIVE, "/schedule daily 09:00", GROUP))[-1]


async def chat_rows(world: TelegramWorld, chat_id: int) -> tuple[object, object]:
    async with world.runtime.app.services.db.reading() as session:
        circle = await circle_store.circle_for_chat(session, "telegram", str(chat_id))
        schedule = await schedule_store.get(session, "telegram", str(chat_id))
    return circle, schedule


async def announce(world: TelegramWorld, text: str) -> None:
    await world.say(OLIVE, f"/announce Leeds carers {text}")
    await world.finished()


async def test_a_group_upgraded_to_a_supergroup_keeps_its_circle(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    await linked_group(world)
    await world.settle(tg.migrated_to(GROUP, OLIVE, SUPERGROUP["id"]))
    await world.settle(tg.migrated_from(SUPERGROUP, OLIVE, GROUP["id"]))
    circle, schedule = await chat_rows(world, SUPERGROUP["id"])
    assert circle is not None and schedule is not None, "link and schedule followed the group"
    assert await chat_rows(world, GROUP["id"]) == (None, None)
    await announce(world, "Meeting on Monday")
    assert any("Meeting on Monday" in t for t in fake_api.texts(SUPERGROUP["id"]))


async def test_a_send_refused_as_migrated_moves_the_circle_too(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    """The service messages can be missed (the bot was down): Telegram's ChatMigrated
    answer to a send says the same, and is followed the same way."""
    await linked_group(world)
    fake_api.migrated[GROUP["id"]] = SUPERGROUP["id"]
    await announce(world, "First after the upgrade")
    assert any("First after the upgrade" in t for t in fake_api.texts(SUPERGROUP["id"]))
    await world.finished()
    circle, schedule = await chat_rows(world, SUPERGROUP["id"])
    assert circle is not None and schedule is not None
    refused = len(fake_api.sent("sendMessage", chat_id=GROUP["id"]))
    await announce(world, "Second")
    assert any("Second" in t for t in fake_api.texts(SUPERGROUP["id"]))
    assert len(fake_api.sent("sendMessage", chat_id=GROUP["id"])) == refused


async def test_a_removed_bot_forgets_the_group_and_an_added_one_explains_linking(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    await linked_group(world)
    await world.settle(tg.bot_membership(GROUP, OLIVE, BOT_USER, "member", "kicked"))
    assert await chat_rows(world, GROUP["id"]) == (None, None)
    other = tg.group_chat(-100777, "Hull carers")
    hello = await world.exchange(
        tg.bot_membership(other, OLIVE, BOT_USER, "left", "member"), -100777
    )
    assert "/link" in hello[-1]
    markup = fake_api.last_message(-100777)["reply_markup"]["inline_keyboard"]
    assert markup[-1][0]["url"] == f"https://t.me/{BOT_NAME}?start=start"


async def test_a_join_burst_gets_one_welcome_and_stalls_no_one(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    """Thirty people join (one update each); a private /help meanwhile is answered at once."""
    for number in range(30):
        await fake_api.inject(tg.joined(GROUP, OLIVE, tg.user(2000 + number, None, "New")))
    loop = asyncio.get_running_loop()
    started = loop.time()
    answer = await world.say(AMIRA, "/help")
    assert answer[0].startswith("Groundswell helps you find people")
    # Well under one wait of the group limit (3 s a message after the first 20), and with
    # room for a loaded shared machine: the 30 joins are handled first.
    assert loop.time() - started < 4.0
    await world.finished()
    welcomes = [t for t in fake_api.texts(GROUP["id"]) if t.startswith("Welcome!")]
    assert len(welcomes) == 1


async def test_a_group_command_is_answered_in_its_thread_and_topic(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    """In a group the answer replies to the command; sent in a forum topic, it stays there
    instead of landing in General. Private answers are not threaded."""
    update = tg.text(GROUP, AMIRA, f"/help@{BOT_NAME}")
    update["message"].update(message_thread_id=77, is_topic_message=True)
    await world.exchange(update, GROUP["id"])
    (answer,) = fake_api.sent("sendMessage", chat_id=GROUP["id"])
    assert answer.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    assert int(answer.params["message_thread_id"]) == 77
    await world.say(AMIRA, "/help")
    (private,) = fake_api.sent("sendMessage", chat_id=AMIRA["id"])
    assert "reply_parameters" not in private.params


async def test_an_anonymous_admin_is_answered_or_told_why_not(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    """Posting as the group names no one: /help is answered; what needs a person (linking,
    a report, a digest) says to turn off "Remain anonymous". No person is created."""
    helped = await world.exchange(tg.as_the_group(GROUP, f"/help@{BOT_NAME}"), GROUP["id"])
    assert helped[-1].startswith("Groundswell helps you find people")
    for command in ("/link Leeds carers", f"/report {PROCUREMENT_A}", "/digest", "/start"):
        (refusal,) = await world.exchange(tg.as_the_group(GROUP, command), GROUP["id"])
        assert "Remain anonymous" in refusal and command.split()[0] in refusal, refusal
    async with world.runtime.app.services.db.reading() as session:
        assert await people_store.find_person(session, "telegram", str(GROUP["id"])) is None
        assert not (await session.scalars(select(Report.id))).all()
