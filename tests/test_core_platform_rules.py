"""The core knows no platform (issue 16): no platform's name and no rule for its chat ids
(``dm-{user}``, "a Telegram private chat has the user's id") is written in ``bot/``.
Adapters report what the core needs (``Incoming.private_chat``)."""

from __future__ import annotations

import ast
from pathlib import Path

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
