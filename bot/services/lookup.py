"""The read-only names an adapter may offer as suggestions (Discord's autocomplete).

Handed to adapters through their constructor (``bot.ports.Lookup``), so no adapter opens a
database of its own. Every call is a ``reading()`` transaction: a keystroke never takes
SQLite's write lock. Only what any member may already see is offered: approved circles,
and exactly the themes /themes shows (``bot.services.visible``, the visibility rule).
"""

from __future__ import annotations

from bot.services.circles import CircleService
from bot.services.visible import VisibleThemes


class NameLookup:
    def __init__(self, circles: CircleService, visible: VisibleThemes) -> None:
        self.circles = circles
        self.visible = visible

    async def circle_names(self) -> list[str]:
        return [circle.name for circle in await self.circles.all()]

    async def theme_choices(self) -> list[tuple[int, str]]:
        """Shown themes by number, titled as /themes titles them."""
        shown = await self.visible.all()
        return [(v.theme_id, v.title) for v in sorted(shown, key=lambda v: v.theme_id)]
