"""The one visibility rule: what may be shown about a group of reports.

A reporter's exposure can cost them their job, so every output path (chat replies, /themes,
/metoo, suggestions, introductions, autocomplete, digests, exports, charts, the CLI) asks
this module, and only this module, whether a theme, sub-theme, place, service or period cell
may be shown, and which number it may carry.

A cell is shown only when at least ``min_people`` distinct *reporters* stand behind it.
"Me too"s are cheap to fake (two sock-puppet accounts), so they never make anything visible;
they add to a shown count only when they are themselves at least ``min_people``, because
otherwise "people minus reporters" would state the exact number of a few endorsers.
Below the threshold a cell has no number and no label at all.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_YET_SHOWN = "It's not yet shared by enough people to show; I'll tell you when it is."


@dataclass(frozen=True)
class Cell:
    """What stands behind one shown-or-not thing: distinct reporters, distinct people
    (reporters and endorsers together) and distinct endorsers."""

    reporters: int
    people: int = 0
    endorsers: int = 0


@dataclass(frozen=True)
class Visibility:
    min_people: int

    def shows(self, reporters: int) -> bool:
        """THE rule: at least ``min_people`` distinct reporters, endorsements not counted."""
        return reporters >= self.min_people

    def people(self, cell: Cell) -> int | None:
        """The people count to show for a cell, or None when the cell is hidden."""
        if not self.shows(cell.reporters):
            return None
        if cell.endorsers >= self.min_people:
            return max(cell.people, cell.reporters)
        return cell.reporters

    def number(self, value: int) -> int | None:
        """A count that itself describes people (me-toos, a previous period's people):
        shown only at ``min_people`` or more, else None (rendered as "fewer than k")."""
        return value if value >= self.min_people else None

    def label(self, reporters: int, label: str | None) -> str | None:
        """A theme's label (or organiser's name) only for a shown theme, and never empty."""
        if not self.shows(reporters) or not label:
            return None
        return label
