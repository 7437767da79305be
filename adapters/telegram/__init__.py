"""Telegram, through python-telegram-bot 22: long polling or a webhook, HTML replies."""

from adapters.telegram.adapter import MemorySeen, Seen, TelegramAdapter, TelegramStartError

__all__ = ["MemorySeen", "Seen", "TelegramAdapter", "TelegramStartError"]
