"""Buttons that keep working after a restart.

A view held in memory dies with the process, but people tap "me too" on a digest days
later. Each button's ``custom_id`` is therefore the core's ``Button.data`` behind a fixed
prefix, and one ``DynamicItem`` class registered at start-up matches any such id, so a tap
on a message sent by an earlier process still reaches the core.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.messages import Button

log = logging.getLogger(__name__)

PREFIX = "gs:"
CUSTOM_ID_LIMIT = 100
LABEL_LIMIT = 80
PER_ROW = 5
Press = Callable[[discord.Interaction[Any], str], Awaitable[None]]


class CoreButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=re.compile(re.escape(PREFIX) + r"(?P<data>.+)", re.DOTALL),
):
    """Any button the core asked for; its data comes back whatever process sent it."""

    def __init__(
        self,
        data: str,
        label: str = "…",
        row: int | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:LABEL_LIMIT] or "…", style=style, custom_id=PREFIX + data, row=row
            )
        )
        self.data = data

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Button[Any],  # type: ignore[override]  # discord.py's is Item[Any]
        match: re.Match[str],
    ) -> CoreButton:
        return cls(match["data"], item.label or "…")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        press: Press | None = getattr(interaction.client, "on_press", None)
        if press is not None:
            await press(interaction, self.data)


def build_view(buttons: tuple[Button, ...]) -> discord.ui.View | None:
    """A timeout-free view; buttons whose data is too long for a custom_id are skipped."""
    fitting = [b for b in buttons if len(PREFIX + b.data) <= CUSTOM_ID_LIMIT]
    if len(fitting) < len(buttons):
        log.warning(
            "skipped %d button(s) whose data exceeds Discord's custom_id limit",
            len(buttons) - len(fitting),
        )
    if not fitting:
        return None
    view = discord.ui.View(timeout=None)
    for index, button in enumerate(fitting):
        style = discord.ButtonStyle.primary if index == 0 else discord.ButtonStyle.secondary
        view.add_item(CoreButton(button.data, button.label, index // PER_ROW, style))
    view.stop()  # taps are routed by the registered CoreButton template, not by this object;
    return view  # a live view would be stored too and every tap would reach the core twice
