"""The command menu Telegram shows next to the text box, different per kind of chat.

Built from the core's command list (each command says which kinds of chat offer it), so a
command added to the core needs no second list here. Private chats are where people
report, so they get the personal commands; groups are a circle's shared room, so they get
the commands that act for the circle. A menu that is wrong or missing only costs
convenience (every command can still be typed), so failing to register it is logged and
the bot starts anyway.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats
from telegram.error import TelegramError

from bot.messages import ChatKind
from bot.ports import CommandList

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 256  # Telegram's limit for a menu entry's description


def menu(commands: CommandList, kind: ChatKind) -> list[BotCommand]:
    """The core's commands offered in this kind of chat, in the core's order."""
    return [
        BotCommand(c.name, (c.summary[:1].upper() + c.summary[1:])[:DESCRIPTION_LIMIT])
        for c in commands
        if kind in c.menus
    ]


async def register_menus(bot: Bot, commands: CommandList) -> bool:
    """Set both menus; ``False`` (and a warning) when Telegram refused either."""
    try:
        await bot.set_my_commands(
            menu(commands, ChatKind.PRIVATE), scope=BotCommandScopeAllPrivateChats()
        )
        await bot.set_my_commands(
            menu(commands, ChatKind.GROUP), scope=BotCommandScopeAllGroupChats()
        )
    except TelegramError as exc:
        log.warning("could not register the Telegram command menu: %s", exc)
        return False
    return True
