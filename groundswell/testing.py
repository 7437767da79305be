"""The whole bot as a test double: push a message as someone, pop the replies they got.

Runs the real App, Dispatcher and routing; only the platform is simulated, as console
chats (and, for cross-platform stories, any other platform name).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bot.app import App
from bot.messages import Button, ChatKind, EventKind, Incoming, Outgoing, Reply
from groundswell.runtime import Runtime


class RecordingAdapter:
    """Keeps what the bot sent to each chat of one platform."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.sent: dict[str, list[Reply]] = defaultdict(list)

    async def start(self) -> None:
        return None

    async def stop_receiving(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def send(self, message: Outgoing) -> None:
        self.sent[message.chat_id].append(message.reply)


class BotHarness:
    def __init__(self, app: App, platforms: tuple[str, ...] = ("console",)) -> None:
        self.app = app
        self.runtime = Runtime(app)
        self.adapters = {p: RecordingAdapter(p) for p in platforms}
        for adapter in self.adapters.values():
            self.runtime.add(adapter)
        self._counter = 0

    async def __aenter__(self) -> BotHarness:
        await self.runtime.dispatcher.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.runtime.dispatcher.stop()

    @staticmethod
    def chat_of(user: str, group: str | None) -> str:
        return group if group else f"dm-{user}"

    async def push(
        self,
        user: str,
        text: str,
        group: str | None = None,
        platform: str = "console",
        *,
        handle: str | None = None,
    ) -> list[Reply]:
        """Send ``text`` as ``user`` (in a private chat unless ``group``), shown by their
        platform as ``handle`` (default ``@user``); return the replies."""
        self._counter += 1
        incoming = self._incoming(
            user, group, platform, handle, text=text, message_id=f"m{self._counter}"
        )
        return await self._exchange(incoming)

    async def tap(
        self,
        user: str,
        label: str,
        group: str | None = None,
        platform: str = "console",
        *,
        handle: str | None = None,
    ) -> list[Reply]:
        """Tap the most recent button with this label shown in the user's chat."""
        button = self._find_button(platform, self.chat_of(user, group), label)
        incoming = self._incoming(
            user, group, platform, handle, kind=EventKind.BUTTON, button_data=button.data
        )
        return await self._exchange(incoming)

    def _incoming(
        self, user: str, group: str | None, platform: str, handle: str | None, **fields: Any
    ) -> Incoming:
        """What every simulated event shares: its chat, the sender and their private chat."""
        return Incoming(
            platform=platform,
            chat_id=self.chat_of(user, group),
            user_id=user,
            chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
            user_handle=handle or f"@{user}",
            chat_title=group,
            private_chat=self.chat_of(user, None),
            **fields,
        )

    def _find_button(self, platform: str, chat: str, label: str) -> Button:
        for reply in reversed(self.adapters[platform].sent[chat]):
            for button in reply.buttons:
                if button.label.casefold() == label.casefold():
                    return button
        raise AssertionError(f"no button '{label}' was shown in {platform}:{chat}")

    async def _exchange(self, incoming: Incoming) -> list[Reply]:
        before = len(self.adapters[incoming.platform].sent[incoming.chat_id])
        await self.runtime.dispatcher.submit(incoming)
        await self.runtime.dispatcher.join()
        return self.adapters[incoming.platform].sent[incoming.chat_id][before:]

    def inbox(self, user: str, platform: str = "console", group: str | None = None) -> list[Reply]:
        return list(self.adapters[platform].sent[self.chat_of(user, group)])

    async def onboard(self, user: str, place: str, area: str = "Health") -> None:
        await self.push(user, "/start")
        await self.tap(user, "Yes, I agree")
        await self.push(user, place)
        replies = await self.tap(user, area)
        assert "You're set up" in replies[-1].text, replies
