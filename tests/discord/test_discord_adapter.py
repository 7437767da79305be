"""The adapter against the fake gateway and REST API, with a stand-in core."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from echo_core import EchoCore
from fake_discord import (
    APP_ID,
    CIRCLE_CHANNEL,
    GUILD_ID,
    MANAGE_GUILD,
    FakeDiscord,
    Place,
    Recorded,
    button,
    dm_message,
    user_payload,
)
from fake_discord import slash as slash_event

from adapters.discord import DiscordAdapter
from adapters.discord.views import PREFIX
from bot.messages import Button, ChatKind, EventKind, Incoming, OutFile, Outgoing, Reply
from config.settings import Settings

ALICE = user_payload(501, "alice")
DM = Place(channel_id=601)
IN_CIRCLE = Place(channel_id=CIRCLE_CHANNEL, guild_id=GUILD_ID)
StartAdapter = Callable[..., Awaitable[DiscordAdapter]]


class Names:
    async def circle_names(self) -> list[str]:
        return ["Leeds North", "Leeds South", "Bradford"]

    async def theme_choices(self) -> list[tuple[int, str]]:
        return [(3, "procurement rules"), (7, "risk policy")]

    async def own_reports(self, platform: str, user_id: str) -> list[tuple[int, str, str]]:
        return []


def callback(r: Recorded) -> bool:
    return r.method == "POST" and r.path.endswith("/callback")


def followup(r: Recorded) -> bool:
    return r.method == "POST" and r.path.startswith(f"/webhooks/{APP_ID}/")


def to_channel(channel_id: int):  # type: ignore[no-untyped-def]
    return lambda r: r.method == "POST" and r.path == f"/channels/{channel_id}/messages"


async def started(
    start_adapter: StartAdapter, settings: Settings, core: EchoCore, **kwargs: object
) -> None:
    core.adapter = await start_adapter(settings, core.submit, **kwargs)


def puts(fake: FakeDiscord) -> dict[str, Any]:
    return {r.path: r.body for r in fake.matching(lambda r: r.method == "PUT")}


async def test_commands_are_synced_to_the_listed_guild(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    await started(start_adapter, dc_settings, EchoCore())
    by_name = {
        c["name"]: c for c in puts(fake)[f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"]
    }
    assert {"start", "help", "report", "metoo", "join", "digest", "forget", "link"} <= set(by_name)
    [text] = by_name["report"]["options"]
    assert (text["name"], text["type"], text["required"]) == ("text", 3, True)
    [theme] = by_name["metoo"]["options"]
    assert (theme["type"], theme["autocomplete"]) == (4, True)
    digest = {o["name"]: o for o in by_name["digest"]["options"]}
    assert digest["circle"]["autocomplete"] and digest["export"]["type"] == 5
    assert not any(o.get("required") for o in digest.values())


async def test_with_guilds_listed_dms_still_have_their_commands(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    """Guild commands exist only in their guild: the DM set is registered globally, for DMs
    alone, so a guild member never sees a command twice."""
    await started(start_adapter, dc_settings, EchoCore())
    assert set(puts(fake)) == {
        f"/applications/{APP_ID}/commands",
        f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands",
    }
    in_dm = fake.offered(None)
    assert {"start", "help", "report", "mine", "withdraw", "themes", "forget", "digest"} <= set(
        in_dm
    )
    assert {"announce", "coordinators"} <= set(in_dm), "/announce NAME TEXT works in a DM"
    assert sorted(in_dm) == sorted(c["name"] for c in fake.guild_commands[GUILD_ID])
    in_guild = fake.offered(GUILD_ID, MANAGE_GUILD)
    assert len(in_guild) == len(set(in_guild)), "a command listed twice in the guild"
    assert {"link", "report", "help"} <= set(in_guild)
    for command in fake.global_commands:
        assert command["contexts"] == [1] and command["integration_types"] == [0]
        assert command["default_member_permissions"] is None, "no server permissions in a DM"
    assert {"theme", "hide", "digest"} <= set(in_dm), "organisers curate in their DM"


async def test_commands_are_synced_globally_without_guilds(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    await started(start_adapter, dc_settings.model_copy(update={"discord_guilds": []}), EchoCore())
    assert list(puts(fake)) == [f"/applications/{APP_ID}/commands"]
    by_name = {c["name"]: c for c in fake.global_commands}
    assert by_name["report"]["contexts"] == [0, 1]
    assert by_name["announce"]["contexts"] == [0, 1], "/announce NAME TEXT works in a DM"
    assert {"mine", "announce", "coordinators"} <= set(fake.offered(None))
    assert "link" in fake.offered(GUILD_ID, MANAGE_GUILD)


async def test_privileged_commands_are_hidden_from_ordinary_members(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    """The core marks them; Discord hides them unless a member may manage the server (or
    the server's admins grant them to a role)."""
    await started(start_adapter, dc_settings, EchoCore())
    guild = {c["name"]: c for c in fake.guild_commands[GUILD_ID]}
    for name in ("theme", "hide", "announce", "appoint", "unappoint", "link", "digest"):
        assert int(guild[name]["default_member_permissions"]) == MANAGE_GUILD, name
    for name in ("report", "help", "join", "circles", "mine"):
        assert guild[name]["default_member_permissions"] is None, name
    member = set(fake.offered(GUILD_ID, 0))
    assert {"report", "help", "circles"} <= member
    assert not member & {"theme", "hide", "announce", "appoint", "link"}
    assert {"theme", "hide", "announce", "appoint"} <= set(fake.offered(GUILD_ID, MANAGE_GUILD))


async def test_report_text_is_capped_at_the_core_limit(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    await started(
        start_adapter, dc_settings.model_copy(update={"max_report_chars": 1500}), EchoCore()
    )
    [text] = {c["name"]: c for c in fake.guild_commands[GUILD_ID]}["report"]["options"]
    assert text["max_length"] == 1500


async def test_report_text_cap_stays_within_discords_limit(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    """Past 6000 Discord refuses the whole command list; the core still refuses the rest."""
    big = dc_settings.model_copy(update={"max_report_chars": 20_000})
    await started(start_adapter, big, EchoCore())
    [text] = {c["name"]: c for c in fake.guild_commands[GUILD_ID]}["report"]["options"]
    assert text["max_length"] == 6000


async def test_dm_slash_command_is_deferred_then_followed_up(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    core = EchoCore(delay=0.3)
    await started(start_adapter, dc_settings, core)
    await fake.dispatch(
        "INTERACTION_CREATE", slash_event("report", {"text": "the *procurement* rules"}, ALICE, DM)
    )
    [ack] = await fake.wait_for(callback)
    assert ack.body["type"] == 5  # deferred: answered at once, the reply comes later
    [reply] = await fake.wait_for(followup)
    [embed] = reply.body["embeds"]  # answers to /report are embeds
    assert embed["description"] == "echo: /report the \\*procurement\\* rules"
    assert reply.body["allowed_mentions"]["parse"] == []
    assert core.seen == [
        Incoming(
            platform="discord",
            chat_id="601",
            user_id="501",
            text="/report the *procurement* rules",
            chat_kind=ChatKind.PRIVATE,
            user_handle="@alice",
            message_id=core.seen[0].message_id,
            private_chat="601",  # a DM's channel is the person's private chat
        )
    ]


async def test_a_reply_after_the_token_expired_goes_to_the_chat(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    core = EchoCore(delay=0.3)
    await started(start_adapter, dc_settings, core)
    event = slash_event("themes", {}, ALICE, DM)
    fake.expired_tokens.add(event["token"])
    await fake.dispatch("INTERACTION_CREATE", event)
    [sent] = await fake.wait_for(to_channel(DM.channel_id))
    assert sent.body["content"] == "echo: /themes"
    assert len(fake.matching(followup)) == 1  # tried once, then the chat itself


async def test_a_private_reply_is_never_posted_publicly(
    fake: FakeDiscord,
    start_adapter: StartAdapter,
    dc_settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    adapter = await start_adapter(dc_settings, EchoCore().submit)
    await adapter.send(Outgoing("discord", str(CIRCLE_CHANNEL), Reply("yours", ephemeral=True)))
    await adapter.send(Outgoing("discord", str(CIRCLE_CHANNEL), Reply("everyone's")))
    [posted] = await fake.wait_for(to_channel(CIRCLE_CHANNEL))
    assert posted.body["content"] == "everyone's" and "not posted" in caplog.text


async def test_personal_command_in_a_guild_moves_to_a_dm(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    core = EchoCore()
    await started(start_adapter, dc_settings, core)
    await fake.dispatch(
        "INTERACTION_CREATE", slash_event("withdraw", {"number": 4}, ALICE, IN_CIRCLE)
    )
    [ack] = await fake.wait_for(callback)
    assert ack.body["type"] == 5 and ack.body["data"]["flags"] & 64  # deferred, ephemeral
    [dm_open] = await fake.wait_for(lambda r: r.path == "/users/@me/channels")
    assert dm_open.body == {"recipient_id": 501}
    [sent] = await fake.wait_for(to_channel(502))
    assert sent.body["content"] == "echo: /withdraw 4"
    assert core.seen[0].chat_kind is ChatKind.PRIVATE and core.seen[0].chat_id == "502"
    [told] = await fake.wait_for(followup)
    assert "answered you in a private message" in told.body["content"]
    assert told.body["flags"] & 64
    assert not fake.matching(to_channel(CIRCLE_CHANNEL))


@pytest.mark.parametrize(
    "event",
    [
        slash_event("start", {}, ALICE, IN_CIRCLE),
        button(
            PREFIX + "metoo:1",
            ALICE,
            IN_CIRCLE,
            [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 1, "label": "Me too", "custom_id": PREFIX + "metoo:1"}
                    ],
                }
            ],
        ),
    ],
    ids=["start", "button"],
)
async def test_dms_closed_get_the_answer_ephemerally_in_the_channel(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings, event: dict[str, object]
) -> None:
    """Discord refuses the DM (403, code 50007): the person still gets the answer, seen
    only by them, and is told why it is not in their DMs."""
    fake.closed_dms.add(502)
    core = EchoCore()
    await started(start_adapter, dc_settings, core)
    await fake.dispatch("INTERACTION_CREATE", event)
    note, answer = await fake.wait_for(followup, count=2)
    assert "direct messages are closed" in note.body["content"]
    assert answer.body["content"] == f"echo: {core.seen[0].text or core.seen[0].button_data}"
    assert note.body["flags"] & 64 and answer.body["flags"] & 64
    assert not fake.matching(to_channel(CIRCLE_CHANNEL))


async def test_an_announcement_never_takes_a_pending_private_answer(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    """A message for the channel arriving while someone's quiet /report is pending is
    posted to the channel; the report's answer still goes, privately, to its sender."""
    core = EchoCore(delay=lambda i: 0.6 if i.text.startswith("/report") else 0.0)
    await started(start_adapter, dc_settings, core)
    await fake.dispatch(
        "INTERACTION_CREATE", slash_event("report", {"text": "my manager"}, ALICE, IN_CIRCLE)
    )
    await asyncio.wait_for(core.arrived.wait(), 5)  # acknowledged and handed to the core
    assert core.adapter is not None
    await core.adapter.send(Outgoing("discord", str(CIRCLE_CHANNEL), Reply("Circle meets Monday")))
    [posted] = await fake.wait_for(to_channel(CIRCLE_CHANNEL))
    assert posted.body["content"] == "Circle meets Monday"
    [answer] = await fake.wait_for(followup)
    [embed] = answer.body["embeds"]
    assert embed["description"] == "echo: /report my manager" and answer.body["flags"] & 64
    assert len(fake.matching(to_channel(CIRCLE_CHANNEL))) == 1


async def test_report_in_a_guild_channel_is_seen_only_by_its_sender(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    def answer(incoming: Incoming) -> list[Reply]:
        return [Reply("saved"), Reply("Tip: message me privately next time.")]

    core = EchoCore(answer)
    await started(start_adapter, dc_settings, core)
    await fake.dispatch(
        "INTERACTION_CREATE", slash_event("report", {"text": "my manager"}, ALICE, IN_CIRCLE)
    )
    [ack] = await fake.wait_for(callback)
    assert ack.body["type"] == 5 and ack.body["data"]["flags"] & 64
    replies = await fake.wait_for(followup, count=2)
    shown = [e["description"] for r in replies for e in r.body["embeds"]]
    assert shown == ["saved", "Tip: message me privately next time."]
    assert all(r.body["flags"] & 64 for r in replies)
    assert (core.seen[0].chat_kind, core.seen[0].chat_id) == (ChatKind.GROUP, str(CIRCLE_CHANNEL))
    assert not fake.matching(to_channel(CIRCLE_CHANNEL))


async def test_digest_in_a_guild_channel_is_public_and_split_into_embeds(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    digest = "\n".join(f"{n}. theme {n}: " + "evidence " * 60 for n in range(1, 40))

    def answer(incoming: Incoming) -> list[Reply]:
        return [Reply(digest, title="Shared demand")]

    core = EchoCore(answer, delay=0.2)
    await started(start_adapter, dc_settings, core)
    await fake.dispatch(
        "INTERACTION_CREATE",
        slash_event(
            "digest", {"circle": "Leeds North", "since": "7d"}, ALICE, IN_CIRCLE, MANAGE_GUILD
        ),
    )
    [ack] = await fake.wait_for(callback)
    assert ack.body["type"] == 5 and not (ack.body.get("data") or {}).get("flags", 0) & 64
    await asyncio.wait_for(core.arrived.wait(), 5)
    assert core.seen[0].text == "/digest circle Leeds North since 7d"
    assert core.seen[0].chat_kind is ChatKind.GROUP
    assert core.seen[0].chat_title == "Leeds Workers #procurement-circle"
    await asyncio.sleep(0.5)
    messages = fake.matching(followup)
    embeds = [e for m in messages for e in m.body["embeds"]]
    assert len(messages) >= 3 and embeds[0]["title"] == "Shared demand"
    for message in messages:
        total = sum(len(e.get("title", "")) + len(e["description"]) for e in message.body["embeds"])
        assert total <= 6000 and len(message.body["embeds"]) <= 10
    assert all(len(e["description"]) <= 4096 for e in embeds)
    assert "\n".join(e["description"] for e in embeds) == digest


async def test_button_press_in_a_dm_reaches_the_core_even_after_a_restart(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    def answer(incoming: Incoming) -> list[Reply]:
        if incoming.kind is EventKind.BUTTON:
            return [Reply(f"counted {incoming.button_data}")]
        return [Reply("Do you face this too?", buttons=(Button("Me too", "metoo:3"),))]

    first = EchoCore(answer)
    await started(start_adapter, dc_settings, first)
    await fake.dispatch("INTERACTION_CREATE", slash_event("themes", {}, ALICE, DM))
    [offer] = await fake.wait_for(followup)
    [row] = offer.body["components"]
    assert row["components"][0]["custom_id"] == PREFIX + "metoo:3"
    await first.adapter.stop()  # type: ignore[union-attr]

    second = EchoCore(answer)
    await started(start_adapter, dc_settings, second)
    await fake.dispatch(
        "INTERACTION_CREATE", button(PREFIX + "metoo:3", ALICE, DM, offer.body["components"])
    )
    acks = await fake.wait_for(callback, count=2)
    assert acks[1].body["type"] == 7 and acks[1].body["data"]["components"] == []
    replies = await fake.wait_for(followup, count=2)
    assert replies[1].body["content"] == "counted metoo:3"
    [press] = second.seen
    assert (press.kind, press.button_data, press.chat_id) == (EventKind.BUTTON, "metoo:3", "601")


async def test_free_text_in_a_dm_is_a_text_event(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    core = EchoCore()
    await started(start_adapter, dc_settings, core)
    await fake.dispatch("MESSAGE_CREATE", dm_message("Leeds", ALICE, 601))
    [sent] = await fake.wait_for(to_channel(601))
    assert sent.body["content"] == "echo: Leeds"
    assert (core.seen[0].kind, core.seen[0].user_id) == (EventKind.TEXT, "501")


async def test_files_are_uploaded_as_multipart(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    files = tuple(
        OutFile(f"digest-{n}.csv", f"theme,people\n{n},3\n".encode(), "text/csv") for n in range(12)
    )

    def answer(incoming: Incoming) -> list[Reply]:
        return [Reply("Your export", files=files)]

    await started(start_adapter, dc_settings, EchoCore(answer))
    await fake.dispatch("INTERACTION_CREATE", slash_event("digest", {"export": True}, ALICE, DM))
    sent = await fake.wait_for(followup, count=2)
    assert sent[0].body["embeds"][0]["description"] == "Your export"
    names = [name for m in sent for name, _ in m.files.values()]
    assert names == [f.name for f in files] and len(sent[0].files) == 10
    assert sent[1].files["files[1]"][1] == files[11].content


async def test_autocomplete_offers_circle_names_and_theme_numbers(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    await started(start_adapter, dc_settings, EchoCore(), lookup=Names())
    await fake.dispatch(
        "INTERACTION_CREATE", slash_event("join", {"circle": "leeds"}, ALICE, DM, focused="circle")
    )
    await fake.dispatch(
        "INTERACTION_CREATE", slash_event("metoo", {"theme": "proc"}, ALICE, DM, focused="theme")
    )
    circles, themes = await fake.wait_for(callback, count=2)
    assert circles.body == {
        "type": 8,
        "data": {
            "choices": [
                {"name": "Leeds North", "value": "Leeds North"},
                {"name": "Leeds South", "value": "Leeds South"},
            ]
        },
    }
    assert themes.body["data"]["choices"] == [{"name": "3: procurement rules", "value": 3}]


@dataclass(frozen=True)
class Cmd:
    """A core command as the adapter sees it (the core's ``Command`` has these fields)."""

    name: str
    summary: str
    usage: str = ""
    about_caller: bool = False
    quiet: bool = False
    menus: tuple[ChatKind, ...] = ()
    privileged: bool = False


SHAPED = [
    Cmd("appoint", "make a coordinator", "NAME @handle"),
    Cmd("theme", "curate a theme"),
    Cmd("circle", "circles", "new NAME place PLACE"),
    Cmd("digest", "digest"),
    Cmd("offers", "offers", "on|off"),
    Cmd("announce", "tell the circle", "TEXT"),
    Cmd("hide", "hide a report", "REPORT_ID"),
    Cmd("odd", "something new", "WHEN [HOW]"),
    Cmd("Not A Name", "skipped"),
]
BOB = user_payload(502, "bob")


@pytest.mark.parametrize(
    ("command", "options", "text"),
    [
        ("appoint", {"circle": "Leeds Carers", "member": BOB}, "/appoint Leeds Carers @bob"),
        ("theme", {"action": "merge", "theme": 3, "other": 5}, "/theme merge 3 5"),
        (
            "theme",
            {"action": "name", "theme": 3, "text": "Local buying"},
            "/theme 3 name Local buying",
        ),
        ("theme", {"action": "hide", "theme": 3}, "/theme hide 3"),
        (
            "circle",
            {"action": "new", "name": "Leeds Carers", "place": "Leeds", "focus": "care"},
            "/circle new Leeds Carers place Leeds focus care",
        ),
        ("digest", {"export": True, "place": "Leeds"}, "/digest place Leeds export"),
        ("offers", {"setting": "off"}, "/offers off"),
        ("announce", {"text": "Meeting on Monday"}, "/announce Meeting on Monday"),
        ("hide", {"report": 12}, "/hide 12"),
        ("odd", {"arguments": "today fast"}, "/odd today fast"),
    ],
)
async def test_options_become_the_text_the_core_parses(
    fake: FakeDiscord,
    start_adapter: StartAdapter,
    dc_settings: Settings,
    command: str,
    options: dict[str, object],
    text: str,
) -> None:
    core = EchoCore()
    await started(start_adapter, dc_settings, core, commands=SHAPED)
    await fake.dispatch("INTERACTION_CREATE", slash_event(command, options, ALICE, DM))
    await asyncio.wait_for(core.arrived.wait(), 5)
    assert core.seen[0].text == text


async def test_shaped_options_are_typed_with_choices(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    await started(start_adapter, dc_settings, EchoCore(), commands=SHAPED)
    synced = fake.guild_commands[GUILD_ID]
    options = {c["name"]: {o["name"]: o for o in c.get("options", [])} for c in synced}
    assert options["appoint"]["member"]["type"] == 6  # a user picker, sent as "@name"
    assert [c["value"] for c in options["offers"]["setting"]["choices"]] == ["on", "off"]
    assert options["theme"]["theme"]["autocomplete"] and options["theme"]["action"]["required"]
    assert options["odd"]["arguments"]["description"] == "WHEN [HOW]"
    assert "Not A Name" not in options  # Discord could not name it; the others still sync


async def test_a_failing_event_is_answered_and_the_next_goes_on(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    core = EchoCore()
    calls = 0

    async def flaky(incoming: Incoming) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("queue unavailable")
        await core.submit(incoming)

    core.adapter = await start_adapter(dc_settings, flaky)
    await fake.dispatch("INTERACTION_CREATE", slash_event("themes", {}, ALICE, DM))
    [sorry] = await fake.wait_for(followup)
    assert "went wrong" in sorry.body["content"] and sorry.body["flags"] & 64
    second = slash_event("circles", {}, ALICE, DM)
    await fake.dispatch("INTERACTION_CREATE", second)
    replies = await fake.wait_for(followup, count=2)
    assert replies[1].body["content"] == "echo: /circles"
    assert replies[1].path.endswith(second["token"])  # not the failed interaction's
    await fake.dispatch(
        "INTERACTION_CREATE",
        button(
            PREFIX + "consent:yes",
            ALICE,
            DM,
            [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 1, "label": "Yes", "custom_id": PREFIX + "consent:yes"}
                    ],
                }
            ],
        ),
    )
    replies = await fake.wait_for(followup, count=3)
    assert replies[2].body["content"] == "echo: consent:yes"


@pytest.mark.parametrize(
    "event",
    [
        slash_event("digest", {}, ALICE, DM),
        slash_event("digest", {}, ALICE, IN_CIRCLE),
        slash_event("report", {"text": "x"}, ALICE, IN_CIRCLE),
        slash_event("mine", {}, ALICE, IN_CIRCLE),
        button(
            PREFIX + "metoo:1",
            ALICE,
            DM,
            [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 1, "label": "Me too", "custom_id": PREFIX + "metoo:1"}
                    ],
                }
            ],
        ),
    ],
    ids=["dm-command", "channel-command", "channel-report", "moved-to-dm", "dm-button"],
)
async def test_every_interaction_is_acknowledged_before_the_core_runs(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings, event: dict[str, object]
) -> None:
    """Discord allows 3 seconds; the core (a digest, the NLP) may take longer."""
    acked: list[bool] = []
    core = EchoCore()

    async def submit(incoming: Incoming) -> None:
        acked.append(
            bool(
                fake.matching(
                    lambda r: callback(r) and r.path.startswith(f"/interactions/{event['id']}/")
                )
            )
        )
        await core.submit(incoming)

    core.adapter = await start_adapter(dc_settings, submit)
    await fake.dispatch("INTERACTION_CREATE", event)
    await asyncio.wait_for(core.arrived.wait(), 5)
    assert acked == [True]


async def test_a_quick_private_reply_never_goes_through_a_slow_public_command(
    fake: FakeDiscord, start_adapter: StartAdapter, dc_settings: Settings
) -> None:
    """In a shared channel the core sees commands in turn, so a report's answer, however
    quick, cannot take the place of an earlier, slower digest's public answer."""
    core = EchoCore(delay=lambda i: 0.6 if i.text.startswith("/digest") else 0.0)
    await started(start_adapter, dc_settings, core)
    digest = slash_event("digest", {}, user_payload(500, "olive"), IN_CIRCLE, MANAGE_GUILD)
    report = slash_event("report", {"text": "my manager"}, ALICE, IN_CIRCLE)
    await fake.dispatch("INTERACTION_CREATE", digest)
    await fake.dispatch("INTERACTION_CREATE", report)
    await fake.wait_for(callback, count=2, within=2.9)  # both acknowledged at once
    sent = await fake.wait_for(followup, count=2)
    by_token = {r.path.rsplit("/", 1)[1]: r.body for r in sent}
    [public] = by_token[digest["token"]]["embeds"]
    assert public["description"] == "echo: /digest"
    assert not by_token[digest["token"]].get("flags", 0) & 64
    [private] = by_token[report["token"]]["embeds"]
    assert private["description"] == "echo: /report my manager"
    assert by_token[report["token"]]["flags"] & 64
