"""The Telegram menus are built from the core's command list, per kind of chat."""

from __future__ import annotations

import re

import pytest
from fake_bot_api import FakeBotApi
from tg_support import EchoCore

from adapters.telegram import TelegramAdapter
from adapters.telegram.menu import menu
from bot.handlers import build_router
from bot.messages import ChatKind
from bot.roles import Role
from config.settings import Settings


@pytest.mark.parametrize("kind", [ChatKind.PRIVATE, ChatKind.GROUP])
def test_every_menu_entry_is_a_core_command_offered_there(kind: ChatKind) -> None:
    router = build_router()
    entries = menu(router.commands, kind)
    offered = [c.name for c in router.commands if kind in c.menus and not c.privileged]
    assert [e.command for e in entries] == offered
    assert all(re.fullmatch(r"[a-z0-9_]{1,32}", e.command) for e in entries)
    assert all(3 <= len(e.description) <= 256 for e in entries)


def test_private_only_commands_stay_out_of_the_group_menu() -> None:
    router = build_router()
    for entry in menu(router.commands, ChatKind.GROUP):
        command = router.command(entry.command)
        assert command is not None and not command.private_only, entry.command


def test_a_command_added_to_the_core_appears_in_its_menu() -> None:
    router = build_router()
    private = {e.command for e in menu(router.commands, ChatKind.PRIVATE)}
    group = {e.command for e in menu(router.commands, ChatKind.GROUP)}
    assert {"start", "report", "mine", "mydata", "forget", "help"} <= private
    assert {"circles", "coordinators", "help"} <= group
    assert "mine" not in group and "report" not in group


def test_privileged_commands_are_offered_to_administrators_only() -> None:
    router = build_router()
    members = {e.command for e in menu(router.commands, ChatKind.GROUP)}
    admins = {e.command for e in menu(router.commands, ChatKind.GROUP, privileged=True)}
    privileged = {c.name for c in router.commands if c.privileged and ChatKind.GROUP in c.menus}
    assert {"link", "unlink", "announce", "schedule", "digest"} <= privileged
    assert not members & privileged, "a member's group menu offers coordinators' commands"
    assert admins == members | privileged, "Telegram shows admins their list instead of ours"


def test_only_coordinators_commands_are_privileged() -> None:
    """The core's flag agrees with its role gates: a command only coordinators or organisers
    may run is privileged, and no member's command is hidden."""
    for command in build_router().commands:
        if command.min_role >= Role.COORDINATOR:
            assert command.privileged, command.name
    member_commands = {"report", "mine", "withdraw", "themes", "circles", "join", "help"}
    assert not [
        c.name for c in build_router().commands if c.privileged and c.name in member_commands
    ]


async def test_menus_are_registered_per_audience(
    tg_settings: Settings, fake_api: FakeBotApi
) -> None:
    """Against the fake: members, group administrators and the organisers named in settings
    each get their own list (Telegram shows the most specific one)."""
    settings = tg_settings.model_copy(update={"organisers": ["telegram:900", "discord:5"]})
    assert settings.organiser_ids("telegram") == ["900"]  # the one parser, shared with the core
    assert settings.is_organiser("discord", "5") and not settings.is_organiser("telegram", "5")
    adapter = TelegramAdapter(settings, EchoCore().submit, commands=build_router().commands)
    await adapter.start()
    await adapter.stop()
    groups = fake_api.menus[("all_group_chats", 0)]
    admins = fake_api.menus[("all_chat_administrators", 0)]
    private = fake_api.menus[("all_private_chats", 0)]
    assert "link" not in groups and "announce" not in groups and "help" in groups
    assert {"link", "unlink", "announce", "schedule", "digest", "help"} <= set(admins)
    assert "digest" not in private and "report" in private
    organiser = fake_api.menus[("chat", 900)]
    assert "digest" in organiser and "report" in organiser
    assert set(fake_api.menus) == {
        ("all_private_chats", 0),
        ("all_group_chats", 0),
        ("all_chat_administrators", 0),
        ("chat", 900),
    }
