"""The composition root: builds the core, storage and every adapter, and wires them.

Only this package knows every platform and its constructor's quirks (``platforms``); the
core (``bot/``) defines the ports it needs (``bot.ports``) and imports no adapter.
"""
