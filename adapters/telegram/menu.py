"""The command menu Telegram shows next to the text box, different per kind of chat.

Private chats are where people report, so they get the personal commands; groups are a
circle's shared room, so they get the commands that act for the circle. A menu that is
wrong or missing only costs convenience (every command can still be typed), so failing to
register it is logged and the bot starts anyway.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.error import TelegramError

log = logging.getLogger(__name__)

PRIVATE_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Begin: what is stored, who sees what"),
    ("report", "Report a barrier you face at work"),
    ("mine", "Your reports"),
    ("withdraw", "Withdraw one of your reports"),
    ("themes", "Barriers others share"),
    ("metoo", "Add your voice to a theme"),
    ("circles", "Local circles"),
    ("join", "Join a circle"),
    ("leave", "Leave a circle"),
    ("circle", "Propose a new circle"),
    ("offers", "Introduction offers on or off"),
    ("digest", "Shared-demand digest (organisers, coordinators)"),
    ("mydata", "Everything stored about you"),
    ("forget", "Delete everything about you"),
    ("help", "What this bot can do"),
)

GROUP_COMMANDS: tuple[tuple[str, str], ...] = (
    ("link", "Link this group to a circle (coordinators)"),
    ("digest", "This circle's shared-demand digest"),
    ("announce", "Message every chat of the circle"),
    ("schedule", "Post this chat's digest regularly"),
    ("coordinators", "The circle's coordinators"),
    ("circles", "Local circles"),
    ("help", "What this bot can do"),
)


def commands(pairs: tuple[tuple[str, str], ...]) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


async def register_menus(bot: Bot) -> bool:
    """Set both menus; ``False`` (and a warning) when Telegram refused either."""
    try:
        await bot.set_my_commands(
            commands(PRIVATE_COMMANDS), scope=BotCommandScopeAllPrivateChats()
        )
        await bot.set_my_commands(commands(GROUP_COMMANDS), scope=BotCommandScopeAllGroupChats())
    except TelegramError as exc:
        log.warning("could not register the Telegram command menu: %s", exc)
        return False
    return True
