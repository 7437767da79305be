"""Telegram, through python-telegram-bot 22: long polling or a webhook, HTML replies."""

from adapters.telegram.adapter import MemorySeen, TelegramAdapter, TelegramStartError

__all__ = ["MemorySeen", "TelegramAdapter", "TelegramStartError"]
