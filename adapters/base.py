"""The ports an adapter is built with, re-exported from the core (``bot.ports``) for the
adapters' convenience: the core defines what it needs; adapters implement it."""

from __future__ import annotations

from bot.ports import Adapter, AdapterStartError, CommandInfo, CommandList, Lookup, Seen, Submit

__all__ = ["Adapter", "AdapterStartError", "CommandInfo", "CommandList", "Lookup", "Seen", "Submit"]
