"""What the common messages cost in database transactions, driven through the real App and
Dispatcher (the test double in groundswell.testing). tests/test_transactions.py holds the
limits; bench/load.py prints the same table beside its throughput figures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.app import App
from bot.messages import Reply
from groundswell.testing import BotHarness
from storage.db import TransactionCount, counting_transactions

NEW_HANDLE_REPORT = "/report Parking permits for home visits take months to arrive."


async def transaction_steps(bot: BotHarness, app: App) -> dict[str, TransactionCount]:
    """The common messages of one person's first minutes, each counted alone."""
    await bot.onboard("bea", "Leeds")
    await bot.onboard("cy", "Leeds")
    await bot.push("bea", "/report The rota system stops us covering shifts at short notice.")
    script: list[tuple[str, Callable[[], Awaitable[list[Reply]]]]] = [
        ("/start", lambda: bot.push("amy", "/start")),
        ("consent tap", lambda: bot.tap("amy", "Yes, I agree")),
        ("place", lambda: bot.push("amy", "Leeds")),
        ("work area tap", lambda: bot.tap("amy", "Health")),
        ("/report", lambda: bot.push("amy", "/report The rota system stops us covering shifts.")),
        ("plain text", lambda: bot.push("amy", "Referral forms take weeks to approve here.")),
        ("confirm tap", lambda: bot.tap("amy", "Yes, save it")),
        ("/themes", lambda: bot.push("amy", "/themes")),
        ("/metoo", lambda: bot.push("amy", "/metoo 1")),
        ("/report, theme due a label", lambda: bot.push("cy", "/report The rota stops shifts.")),
        ("/report, handle changed", lambda: bot.push("amy", NEW_HANDLE_REPORT, handle="@amy2")),
    ]
    counts: dict[str, TransactionCount] = {}
    for name, send in script:
        with counting_transactions(app.services.db) as count:
            replies = await send()
        assert replies, f"{name} got no reply"
        counts[name] = count
    return counts
