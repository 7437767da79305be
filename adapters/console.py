"""The console adapter: a terminal chat as one person, and (scripted through stdin) the
way to drive the whole bot from a shell. Buttons are shown numbered; type the number or
the label to tap one."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape

from adapters.base import Submit
from bot.messages import Button, ChatKind, EventKind, Incoming, Outgoing

PLATFORM = "console"


def private_chat_id(user: str) -> str:
    return f"dm-{user}"


def match_button(text: str, buttons: tuple[Button, ...]) -> Button | None:
    answer = text.strip().casefold()
    for number, button in enumerate(buttons, start=1):
        if answer in (str(number), button.label.casefold()):
            return button
    return None


class ConsoleAdapter:
    """One person in one chat; ``run`` reads lines until end of input."""

    platform = PLATFORM

    def __init__(
        self,
        submit: Submit,
        user: str,
        chat: str | None = None,
        console: Console | None = None,
        files_dir: Path = Path("groundswell-files"),
    ) -> None:
        self.submit = submit
        self.user = user
        self.chat_id = chat or private_chat_id(user)
        self.chat_kind = ChatKind.GROUP if chat else ChatKind.PRIVATE
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.files_dir = files_dir
        self.buttons: tuple[Button, ...] = ()
        self._counter = 0

    async def start(self) -> None:
        return None

    async def stop_receiving(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def to_incoming(self, line: str) -> Incoming:
        self._counter += 1
        button = match_button(line, self.buttons) if self.buttons else None
        base = Incoming(
            platform=PLATFORM,
            chat_id=self.chat_id,
            user_id=self.user,
            chat_kind=self.chat_kind,
            user_handle=f"@{self.user}",
            chat_title=self.chat_id if self.chat_kind is ChatKind.GROUP else None,
            private_chat=private_chat_id(self.user),
        )
        if button is not None:
            self.buttons = ()
            return replace(base, kind=EventKind.BUTTON, button_data=button.data)
        return replace(base, text=line, message_id=f"{self.user}-{self._counter}")

    async def send(self, message: Outgoing) -> None:
        if message.chat_id != self.chat_id:
            return  # another console user's chat: not on this terminal
        reply = message.reply
        if reply.text:
            self.console.print(escape(reply.text))
        if reply.private_link is not None:
            self.console.print(
                escape(f"[to go on privately, send me: /start {reply.private_link}]")
            )
        if reply.buttons:
            self.buttons = reply.buttons
            labels = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(reply.buttons, start=1))
            self.console.print(escape(labels))
        for file in reply.files:
            self.files_dir.mkdir(parents=True, exist_ok=True)
            path = self.files_dir / Path(file.name).name
            path.write_bytes(file.content)
            self.console.print(escape(f"[file saved: {path} ({len(file.content)} bytes)]"))

    async def run(self, wait_idle: Callable[[], object], stream: TextIO | None = None) -> None:
        """Interactive with a prompt on a terminal; one message a line otherwise."""
        source = stream or sys.stdin
        interactive = source.isatty()
        while True:
            line = await asyncio.to_thread(self._read, source, interactive)
            if line is None:
                return
            if line.strip():
                await self.submit(self.to_incoming(line.rstrip("\n")))
                await _maybe_await(wait_idle())

    def _read(self, source: TextIO, interactive: bool) -> str | None:
        if interactive:
            try:
                return self.console.input(f"[bold]{escape(self.user)}>[/bold] ")
            except EOFError:
                return None
        line = source.readline()
        return line if line else None


async def _maybe_await(value: object) -> None:
    if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future):
        await value
