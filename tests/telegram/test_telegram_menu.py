"""The Telegram menus are built from the core's command list, per kind of chat."""

from __future__ import annotations

import re

import pytest

from adapters.telegram.menu import menu
from bot.handlers import build_router
from bot.messages import ChatKind


@pytest.mark.parametrize("kind", [ChatKind.PRIVATE, ChatKind.GROUP])
def test_every_menu_entry_is_a_core_command_offered_there(kind: ChatKind) -> None:
    router = build_router()
    entries = menu(router.commands, kind)
    assert [e.command for e in entries] == [c.name for c in router.commands if kind in c.menus]
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
    assert {"link", "announce", "schedule", "help"} <= group
    assert "link" not in private and "report" not in group
