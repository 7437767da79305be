"""The core knows no platform (issue 16): no platform's name and no rule for its chat ids
(``dm-{user}``, "a Telegram private chat has the user's id") is written in ``bot/``.
Adapters report what the core needs (``Incoming.private_chat``)."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.services.introductions import CAPITALISED
from groundswell import platforms
from groundswell.platforms import PLACES

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = ("telegram", "discord", "console")


def string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def names_a_platform(value: str) -> bool:
    return value.casefold() in PLATFORMS or value.startswith("dm-") or "{user}" in value


def test_the_core_holds_no_platform_name_or_chat_id_rule() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {value!r}"
        for path in sorted((ROOT / "bot").rglob("*.py"))
        for line, value in string_constants(path)
        if names_a_platform(value)
    ]
    assert found == []


def test_replies_name_platforms_with_the_composition_roots_phrases() -> None:
    """The core says "on Telegram" or "in the console" only as it is told; every platform
    the bot can run on has a phrase, and one it was not told of reads "on" its name."""
    assert all(entry.platform in PLACES.phrases for entry in platforms.PLATFORMS)
    assert (PLACES("console"), PLACES("discord")) == ("in the console", "on Discord")
    assert CAPITALISED("telegram") == "on Telegram"
