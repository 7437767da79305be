"""Helpers for circle stories: onboarding on any platform, the cast, and reading inboxes.

The cast: olive organises (from settings); cora coordinates "Leeds Carers"; otto
coordinates "York Circle"; mia is an ordinary member; zed never ran /start.
"""

from __future__ import annotations

from bot.messages import Reply
from groundswell.testing import BotHarness

RISK_A = (
    "Our risk policy forbids us from letting a patient go home with family support even "
    "when that is clearly in her interest; the risk assessment always says no."
)
RISK_B = (
    "The risk assessment policy stops patients going home with family support, even when "
    "that is clearly in their interest; the risk policy always says no."
)
RISK_C = (
    "Risk policy again: the assessment forbids letting a patient go home with support from "
    "family even when it is clearly in his interest."
)


async def onboard_on(bot: BotHarness, user: str, place: str, platform: str) -> None:
    """BotHarness.onboard, on any platform."""
    await bot.push(user, "/start", platform=platform)
    await bot.tap(user, "Yes, I agree", platform=platform)
    await bot.push(user, place, platform=platform)
    replies = await bot.tap(user, "Health", platform=platform)
    assert "You're set up" in replies[-1].text, replies


async def cast(bot: BotHarness) -> None:
    """Two approved circles, each with its own coordinator, plus a member and a stranger."""
    for user, place in (("olive", "Leeds"), ("cora", "Leeds"), ("otto", "York"), ("mia", "Leeds")):
        await bot.onboard(user, place)
    assert "is open" in (await bot.push("olive", "/circle new Leeds Carers place Leeds"))[-1].text
    assert "is open" in (await bot.push("olive", "/circle new York Circle place York"))[-1].text
    assert "now a coordinator" in (await bot.push("olive", "/appoint Leeds Carers @cora"))[0].text
    assert "now a coordinator" in (await bot.push("olive", "/appoint York Circle @otto"))[0].text


def everything_seen(bot: BotHarness, *, except_chats: tuple[str, ...] = ()) -> list[Reply]:
    """Every reply sent to every chat on every platform, minus the chats named."""
    return [
        reply
        for adapter in bot.adapters.values()
        for chat, replies in adapter.sent.items()
        if chat not in except_chats
        for reply in replies
    ]


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text + " " + " ".join(b.label for b in r.buttons) for r in replies)
