"""End to end: people on the fake Discord, the real discord.py client, the real core."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from barrier_texts import PROCUREMENT_A, PROCUREMENT_B, PROCUREMENT_C, RISK
from discord_world import Person, World, text_of
from fake_discord import (
    APP_ID,
    CIRCLE_CHANNEL,
    GUILD_ID,
    MANAGE_GUILD,
    FakeDiscord,
    Place,
    Recorded,
    slash,
)
from spacy.language import Language

from adapters.discord import DiscordAdapter
from adapters.discord.views import build_view
from bot.app import App
from bot.messages import Button
from config.settings import Settings
from groundswell.runtime import Runtime

IN_CIRCLE = Place(CIRCLE_CHANNEL, GUILD_ID)


@pytest.fixture
async def world(
    fake: FakeDiscord,
    make_settings: Callable[..., Settings],
    nlp: Language,
    start_adapter: Callable[..., Awaitable[DiscordAdapter]],
) -> AsyncIterator[World]:
    settings = make_settings(
        discord_token="fake-token", discord_guilds=[GUILD_ID], organisers=["discord:500"]
    )
    app = await App.create(settings, nlp=nlp)
    runtime = Runtime(app)
    built = World(fake, runtime)
    await runtime.dispatcher.start()
    runtime.add(
        await start_adapter(
            settings,
            built.submit,
            commands=app.router.commands,
            lookup=app.services.lookup,
        )
    )
    yield built
    await runtime.dispatcher.stop()
    await app.close()


def person(world: World, user_id: int, name: str) -> Person:
    return Person(world, user_id, name)


def theme_number(text: str) -> int:
    match = re.search(r"theme #(\d+)", text)
    assert match, text
    return int(match.group(1))


async def test_every_core_command_is_a_slash_command(world: World) -> None:
    synced = world.fake.guild_commands[GUILD_ID]
    assert [c["name"] for c in synced] == [c.name for c in world.runtime.app.router.commands]
    assert all(1 <= len(c["description"]) <= 100 for c in synced)


async def test_a_dm_report_gets_its_reply_as_a_follow_up(world: World) -> None:
    amira = person(world, 501, "amira")
    await amira.onboard("Leeds")
    reply = await amira.slash("report", text=PROCUREMENT_A)
    assert "saved" in reply and "not yet shared by enough people" in reply  # one reporter
    last = amira.history[-1]
    assert last.path.startswith(f"/webhooks/{APP_ID}/tok-")  # through the interaction
    listed = await amira.slash("mine")
    assert PROCUREMENT_A in listed


async def shared_barrier(world: World, circle: str | None = None) -> tuple[int, list[Person]]:
    """Three people in two places report one barrier, in ``circle``'s channel if named."""
    people = [person(world, 501, "amira"), person(world, 502, "ben"), person(world, 503, "chloe")]
    for someone, place in zip(people, ("Leeds", "Bradford", "Leeds"), strict=True):
        await someone.onboard(place)
        if circle is not None:
            assert "Welcome" in await someone.slash("join", IN_CIRCLE, circle=circle)
    at = IN_CIRCLE if circle is not None else None
    for p, t in zip(people, (PROCUREMENT_A, PROCUREMENT_B, PROCUREMENT_C), strict=True):
        await p.slash("report", at, text=t)
    numbers = [theme_number(await p.slash("mine")) for p in people]
    assert len(set(numbers)) == 1, numbers
    if circle is not None:  # reported in the shared channel, yet seen by the reporter only
        for someone in people:
            answer = [r for r in someone.history if "saved" in text_of(r)]
            assert answer and all(r.body["flags"] & 64 for r in answer)
    return numbers[0], people


async def test_digest_is_deferred_then_followed_up(world: World) -> None:
    theme, people = await shared_barrier(world)
    olive = person(world, 500, "olive")
    mark = len(world.fake.requests)
    digest = await olive.slash("digest")
    [ack] = [r for r in world.fake.requests[mark:] if r.path.endswith("/callback")]
    assert ack.body["type"] == 5
    assert f"#{theme}" in digest and "3 people in 2 places" in digest
    assert not any(p.name in digest.lower() for p in people)
    [shown] = olive.history[-1].body["embeds"]
    assert shown["title"].startswith("Shared-demand digest") and f"#{theme}" in shown["description"]
    refused = await people[1].slash("digest")
    assert "isn't available to you" in refused


async def test_me_too_button_in_a_circle_channel_is_answered_in_a_dm(world: World) -> None:
    theme, _ = await shared_barrier(world)
    dev = person(world, 504, "dev")
    await dev.onboard("York")
    view = build_view((Button("Me too", f"metoo:{theme}"),))  # as on a digest in the channel
    assert view is not None
    posted = Recorded(
        "POST", f"/channels/{CIRCLE_CHANNEL}/messages", {}, {"components": view.to_components()}
    )
    dev.history.append(posted)
    answer = await dev.press("Me too", IN_CIRCLE)
    assert f"counted on #{theme}" in answer
    delivered, told = dev.history[-2:]
    assert delivered.path == f"/channels/{dev.dm.channel_id}/messages"
    assert "answered you in a private message" in told.body["content"]


async def test_linked_channel_gets_its_circles_digest(world: World) -> None:
    olive = person(world, 500, "olive")
    await olive.onboard("Leeds")
    made = await olive.slash("circle", action="new", name="Leeds Carers", place="Leeds")
    assert "Leeds Carers" in made
    linked = await olive.slash("link", IN_CIRCLE, MANAGE_GUILD, circle="Leeds Carers")
    assert "linked" in linked
    theme, _ = await shared_barrier(world, circle="Leeds Carers")
    digest_messages = await olive.slash("digest", IN_CIRCLE, MANAGE_GUILD)
    assert "digest: circle Leeds Carers" in digest_messages
    assert f"(theme #{theme})" in digest_messages and "3 people" in digest_messages
    public = [r for r in olive.history[-3:] if r.path.startswith("/webhooks/")]
    assert public and not any((r.body.get("flags") or 0) & 64 for r in public)


async def test_a_server_manager_coordinates_the_circle_linked_in_their_guild(
    world: World,
) -> None:
    olive = person(world, 500, "olive")
    await olive.onboard("Leeds")
    await olive.slash("circle", action="new", name="Leeds Carers", place="Leeds")
    await olive.slash("link", IN_CIRCLE, MANAGE_GUILD, circle="Leeds Carers")
    await shared_barrier(world, circle="Leeds Carers")
    dana = person(world, 504, "dana")
    await dana.onboard("Leeds")
    assert "digest" not in world.fake.offered(GUILD_ID), "hidden from members by default"
    granted = slash("digest", {}, dana.user, IN_CIRCLE)  # a server granting it to everyone
    refused = dana._seen(await world.act("INTERACTION_CREATE", granted))
    assert "isn't available to you" in refused, "the core still checks the caller"
    managed = await dana.slash("digest", IN_CIRCLE, MANAGE_GUILD)
    assert "digest: circle Leeds Carers" in managed and "3 people" in managed


async def test_export_is_uploaded_as_files(world: World) -> None:
    await shared_barrier(world)
    olive = person(world, 500, "olive")
    mark = len(olive.history)
    await olive.slash("digest", export=True)
    sent = olive.history[mark:]
    uploads = {name: data for r in sent for name, data in r.files.values()}
    suffixes = sorted(name.rsplit(".", 1)[1] for name in uploads)
    assert suffixes == ["csv", "html", "json", "md", "png"], list(uploads)
    rows = list(
        csv.DictReader(
            io.StringIO(
                next(data for name, data in uploads.items() if name.endswith(".csv")).decode()
            )
        )
    )
    assert rows and all(int(row["people"]) >= 3 for row in rows), rows
    assert uploads[next(n for n in uploads if n.endswith(".png"))].startswith(b"\x89PNG")
    chart = next(n for n in uploads if n.endswith(".png"))
    images = [e["image"]["url"] for r in sent for e in r.body.get("embeds") or [] if "image" in e]
    assert images == [f"attachment://{chart}"]


async def test_autocomplete_reads_names_from_the_database(
    world: World, start_adapter: Callable[..., Awaitable[DiscordAdapter]]
) -> None:
    theme, _ = await shared_barrier(world)
    dev = person(world, 504, "dev")
    await dev.onboard("York")
    await dev.slash("report", text=RISK)
    lonely = theme_number(await dev.slash("mine"))
    assert lonely != theme
    olive = person(world, 500, "olive")
    await olive.slash("circle", action="new", name="Leeds Carers", place="Leeds")
    # with the ports `groundswell run` hands it: the core's command list and its lookup
    adapter = world.runtime.adapters["discord"]
    assert isinstance(adapter, DiscordAdapter)
    await adapter.stop()  # one bot on the fake gateway at a time
    ports = world.runtime.ports()
    plain = await start_adapter(
        adapter.settings, world.submit, commands=ports.commands, lookup=ports.lookup
    )
    assert plain.lookup is world.runtime.app.services.lookup
    for event in (
        slash("join", {"circle": "carers"}, olive.user, olive.dm, focused="circle"),
        slash("metoo", {"theme": ""}, olive.user, olive.dm, focused="theme"),
    ):
        await world.fake.dispatch("INTERACTION_CREATE", event)
    answers = [
        r.body["data"]["choices"]
        for r in await world.fake.wait_for(
            lambda r: r.path.endswith("/callback") and r.body["type"] == 8, count=2
        )
    ]
    # the two lookups run concurrently, so tell the answers apart by what they hold
    [circles] = [a for a in answers if all(isinstance(c["value"], str) for c in a)]
    [themes] = [a for a in answers if a is not circles]
    assert circles == [{"name": "Leeds Carers", "value": "Leeds Carers"}]
    assert [c["value"] for c in themes] == [theme]  # not dev's: fewer than 3 people share it


async def suggestions(world: World, who: Person, command: str, option: str, typed: str) -> list:
    """What Discord shows ``who`` while typing ``option`` of ``command`` in their DM."""
    event = slash(command, {option: typed}, who.user, who.dm, focused=option)
    mark = len(world.fake.requests)
    await world.fake.dispatch("INTERACTION_CREATE", event)
    answers = await world.fake.wait_for(
        lambda r: (
            r.path.endswith("/callback")
            and (r.body or {}).get("type") == 8
            and world.fake.requests.index(r) >= mark
        )
    )
    return list(answers[-1].body["data"]["choices"])


async def test_withdraw_suggests_only_the_callers_own_reports(world: World) -> None:
    amira, ben = person(world, 501, "amira"), person(world, 502, "ben")
    await amira.onboard("Leeds")
    await ben.onboard("Bradford")
    long_report = PROCUREMENT_A + " " + "and the forms keep coming back unread " * 5
    await amira.slash("report", text=long_report)
    await amira.slash("report", text=RISK)
    await ben.slash("report", text=PROCUREMENT_B)
    offered = await suggestions(world, amira, "withdraw", "number", "")
    assert len(offered) == 2 and all(len(c["name"]) <= 100 for c in offered)
    assert offered[0]["name"].startswith(f"#{offered[0]['value']} ")  # newest first, as numbered
    assert any(c["name"].endswith("…") for c in offered), "a long report is cut short"
    assert not any(PROCUREMENT_B[:30] in c["name"] for c in offered), "someone else's report"
    (bens,) = await suggestions(world, ben, "withdraw", "number", "")
    assert bens["value"] not in {c["value"] for c in offered}
    assert " ".join(PROCUREMENT_B.split())[:20] in bens["name"]
    stranger = person(world, 509, "zed")
    assert await suggestions(world, stranger, "withdraw", "number", "") == []
    chosen = offered[-1]["value"]
    assert f"#{chosen} is withdrawn" in await amira.slash("withdraw", number=chosen)
    assert [c["value"] for c in await suggestions(world, amira, "withdraw", "number", "")] == [
        offered[0]["value"]
    ]
