"""The command menu Telegram shows next to the text box, different per kind of chat and
per audience.

Built from the core's command list (each command says which kinds of chat offer it, and
whether only coordinators or organisers may use it), so a command added to the core needs
no second list here. Private chats are where people report, so they get the personal
commands; groups are a circle's shared room, so they get the commands that act for the
circle. Privileged commands are offered only where Telegram can tell who may want them:
to a group's administrators (``BotCommandScopeAllChatAdministrators``) and, privately, to
the organisers named in settings (``BotCommandScopeChat``). Telegram picks the most
specific list for each person, so those lists repeat the ordinary commands. A menu that is
wrong or missing only costs convenience (every command can still be typed), so failing to
register it is logged and the bot starts anyway.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.messages import ChatKind
from bot.ports import CommandList

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 256  # Telegram's limit for a menu entry's description


def menu(commands: CommandList, kind: ChatKind, privileged: bool = False) -> list[BotCommand]:
    """The core's commands offered in this kind of chat, in the core's order; privileged
    ones only when the menu is for people who may use them."""
    return [
        BotCommand(c.name, (c.summary[:1].upper() + c.summary[1:])[:DESCRIPTION_LIMIT])
        for c in commands
        if kind in c.menus and (privileged or not c.privileged)
    ]


def menus(
    commands: CommandList, organisers: Sequence[int] = ()
) -> list[tuple[BotCommandScope, list[BotCommand]]]:
    """Every (scope, menu) pair to register."""
    private, group = ChatKind.PRIVATE, ChatKind.GROUP
    scoped: list[tuple[BotCommandScope, list[BotCommand]]] = [
        (BotCommandScopeAllPrivateChats(), menu(commands, private)),
        (BotCommandScopeAllGroupChats(), menu(commands, group)),
        (BotCommandScopeAllChatAdministrators(), menu(commands, group, privileged=True)),
    ]
    scoped += [(BotCommandScopeChat(user), menu(commands, private, True)) for user in organisers]
    return scoped


async def register_menus(bot: Bot, commands: CommandList, organisers: Sequence[int] = ()) -> bool:
    """Set every menu; ``False`` (and a warning) when Telegram refused one."""
    try:
        for scope, entries in menus(commands, organisers):
            await bot.set_my_commands(entries, scope=scope)
    except TelegramError as exc:
        log.warning("could not register the Telegram command menu: %s", exc)
        return False
    return True


def telegram_organisers(user_ids: Sequence[str]) -> list[int]:
    """``Settings.organiser_ids("telegram")`` as chat ids for ``BotCommandScopeChat`` (a
    private chat's id is its user's id); an id that is not a number has no chat."""
    return [int(user) for user in user_ids if user.lstrip("-").isdigit()]
