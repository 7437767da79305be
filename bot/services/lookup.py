"""The read-only names an adapter may offer as suggestions (Discord's autocomplete).

Handed to adapters through their constructor (``bot.ports.Lookup``), so no adapter opens a
database of its own. Every call is a ``reading()`` transaction: a keystroke never takes
SQLite's write lock. Only what any member may already see is offered: approved circles,
and exactly the themes /themes shows (``bot.services.visible``, the visibility rule); the
one exception is a person's own reports, offered back only to the account that wrote them
(as /mine shows them to it), never anyone else's.
"""

from __future__ import annotations

from bot.services.circles import CircleService
from bot.services.reports import ReportService
from bot.services.visible import VisibleThemes


class NameLookup:
    def __init__(
        self, circles: CircleService, visible: VisibleThemes, reports: ReportService
    ) -> None:
        self.circles = circles
        self.visible = visible
        self.reports = reports

    async def circle_names(self) -> list[str]:
        return [circle.name for circle in await self.circles.all()]

    async def theme_choices(self) -> list[tuple[int, str]]:
        """Shown themes by number, titled as /themes titles them."""
        shown = await self.visible.all()
        return [(v.theme_id, v.title) for v in sorted(shown, key=lambda v: v.theme_id)]

    async def own_reports(self, platform: str, user_id: str) -> list[tuple[int, str, str]]:
        """That account's reports, newest first, numbered and dated as /mine shows them."""
        reports = await self.reports.of_account(platform, user_id)
        return [(r.id, f"{r.created_at:%d %b}", r.text) for r in reports]
