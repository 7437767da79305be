"""Introductions that can be followed on Telegram: the partner is a ``tg://user?id=``
link (a person without a username is otherwise a first name nobody can look up), named as
they are now; and the adapter, not the core, knows where a person's private chat is."""

from __future__ import annotations

import tg_updates as tg
from barrier_texts import PROCUREMENT_A, PROCUREMENT_B
from fake_bot_api import FakeBotApi
from test_telegram_story import AMIRA, BEN, GROUP, live_settings, world
from tg_support import EchoCore, TelegramWorld

from adapters.telegram.render import render_reply
from bot.messages import Mention, Reply

__all__ = ["live_settings", "world"]  # the story's fixtures, shared rather than repeated
YES = "Yes, introduce me"


def raw_texts(fake_api: FakeBotApi, chat_id: int) -> list[str]:
    """What the bot sent, as HTML: links are visible here, not in the shown text."""
    return [call.params["text"] for call in fake_api.sent("sendMessage", chat_id)]


async def test_the_partner_is_a_link_that_reaches_them(
    world: TelegramWorld, fake_api: FakeBotApi
) -> None:
    await world.onboard(AMIRA, "Leeds")
    await world.onboard(BEN, "Leeds")  # Ben has no username
    await world.say(AMIRA, f"/report {PROCUREMENT_A}")
    await world.say(BEN, f"/report {PROCUREMENT_B}")
    renamed = tg.user(AMIRA["id"], "amira_now", "Amira")  # she changed her username since
    assert "If they say yes too" in (await world.tap(renamed, YES))[-1]
    met = (await world.tap(BEN, YES))[-1]
    assert "meet @amira_now." in met
    assert '<a href="tg://user?id=701">@amira_now</a>' in raw_texts(fake_api, BEN["id"])[-1]
    told = raw_texts(fake_api, AMIRA["id"])[-1]
    assert 'meet <a href="tg://user?id=702">Ben</a>.' in told


def test_only_telegram_users_become_links() -> None:
    text = "meet @amira on Discord, or <Ben>"
    reply = Reply(
        text,
        mentions=(
            Mention("discord", "501", "@amira", 5),
            Mention("telegram", "not-a-number", "<Ben>", text.index("<Ben>")),
        ),
    )
    assert render_reply(reply, "telegram") == ["meet @amira on Discord, or &lt;Ben&gt;"]


async def test_a_group_command_says_where_the_private_chat_is(
    echo: EchoCore, fake_api: FakeBotApi
) -> None:
    await fake_api.inject(tg.text(GROUP, BEN, "/circles"))
    (incoming,) = await echo.wait(1)
    assert incoming.chat_id == str(GROUP["id"]) and incoming.private_chat == str(BEN["id"])
