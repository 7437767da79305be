"""The Telegram menu must only offer commands the core really has."""

from __future__ import annotations

import re

import pytest

from adapters.telegram.menu import GROUP_COMMANDS, PRIVATE_COMMANDS
from bot.handlers import build_router


@pytest.mark.parametrize("menu", [PRIVATE_COMMANDS, GROUP_COMMANDS], ids=["private", "group"])
def test_every_menu_entry_is_a_core_command(menu: tuple[tuple[str, str], ...]) -> None:
    router = build_router()
    missing = [name for name, _ in menu if router.command(name) is None]
    assert missing == []
    assert all(re.fullmatch(r"[a-z0-9_]{1,32}", name) for name, _ in menu)
    assert all(3 <= len(description) <= 256 for _, description in menu)


def test_private_only_commands_stay_out_of_the_group_menu() -> None:
    router = build_router()
    for name, _ in GROUP_COMMANDS:
        command = router.command(name)
        assert command is not None and not command.private_only, name
