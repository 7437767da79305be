"""Introductions that can be followed on Discord: the partner is written ``<@id>``, a
mention Discord resolves to whoever holds that account now; and the adapter, not the core,
knows which DM channel is a person's private chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from discord_world import World
from echo_core import EchoCore
from fake_discord import CIRCLE_CHANNEL, GUILD_ID, FakeDiscord, Place, dm_message, user_payload
from fake_discord import slash as slash_event
from test_discord_story import shared_barrier, world

from adapters.discord import DiscordAdapter
from adapters.discord.render import render
from bot.messages import Mention, Reply
from config.settings import Settings

__all__ = ["world"]  # the story's fixture, shared rather than repeated
YES = "Yes, introduce me"


async def test_the_partner_is_a_mention_that_reaches_them(world: World) -> None:
    _, (amira, _, chloe) = await shared_barrier(world)  # amira and chloe are both in Leeds
    offers = world.fake.matching(
        lambda r: (
            r.path == f"/channels/{amira.dm.channel_id}/messages"
            and "Someone near you" in ((r.body or {}).get("content") or "")
        )
    )
    amira.history += offers  # the offer reached her DM while chloe reported
    assert "If they say yes too" in await amira.press(YES)
    await chloe.press(YES)
    [met] = [
        r
        for r in chloe.history
        if "both said yes" in ((r.body or {}).get("content") or "")
        and not r.path.startswith(f"/channels/{amira.dm.channel_id}/")
    ]
    assert met.body["content"].startswith("You've both said yes: meet <@501>.")
    assert met.body["allowed_mentions"]["users"] == [501]  # resolved, and she is not in it
    assert not met.body["allowed_mentions"]["parse"]
    [told] = world.fake.matching(
        lambda r: (
            r.path == f"/channels/{amira.dm.channel_id}/messages"
            and "meet" in ((r.body or {}).get("content") or "")
        )
    )
    assert "meet <@503>." in told.body["content"]


def test_only_discord_users_become_mentions() -> None:
    reply = Reply("meet Ben on Telegram.", mentions=(Mention("telegram", "702", "Ben", 5),))
    [part] = render(reply)
    assert part.content == "meet Ben on Telegram." and part.mentions == ()


async def test_the_private_chat_is_the_dm_channel(
    fake: FakeDiscord,
    start_adapter: Callable[..., Awaitable[DiscordAdapter]],
    dc_settings: Settings,
) -> None:
    core = EchoCore()
    core.adapter = await start_adapter(dc_settings, core.submit)
    alice = user_payload(501, "alice")
    await fake.dispatch("MESSAGE_CREATE", dm_message("Leeds", alice, 601))
    in_circle = Place(channel_id=CIRCLE_CHANNEL, guild_id=GUILD_ID)
    await fake.dispatch(
        "INTERACTION_CREATE", slash_event("report", {"text": "x"}, alice, in_circle)
    )
    await fake.dispatch("INTERACTION_CREATE", slash_event("mine", {}, alice, in_circle))
    while len(core.seen) < 3:
        await core.arrived.wait()
        core.arrived.clear()
    by_text = {i.text: i for i in core.seen}
    assert by_text["Leeds"].private_chat == "601"  # a DM: its channel, not the user's id
    assert by_text["/report x"].private_chat is None  # a guild channel: not known here
    assert by_text["/mine"].private_chat == by_text["/mine"].chat_id != "501"  # moved to the DM
