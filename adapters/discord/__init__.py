"""The Discord adapter: slash commands, embeds and persistent buttons over discord.py."""

from adapters.discord.adapter import DiscordAdapter

__all__ = ["DiscordAdapter"]
