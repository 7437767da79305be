"""The digest's bar chart (people and places per theme) as PNG bytes.

Drawn on a bare ``Figure`` with the Agg canvas, not through pyplot: no display, no global
figure state, so it is safe on a headless server and in a worker thread.
"""

from __future__ import annotations

import io
import textwrap

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.digests.model import Digest
from bot.digests.render import header

PEOPLE_COLOUR = "#1f6f8b"
PLACES_COLOUR = "#e07a5f"
LABEL_WIDTH = 32  # characters a line; a curated name wraps onto more lines, never cut
ROW_INCHES = 0.3  # height per label line


def labels(digest: Digest) -> list[str]:
    """Each theme's number and whole title, wrapped: an organiser's name is never cut."""
    return [
        textwrap.fill(f"#{t.theme_id} {t.title}", width=LABEL_WIDTH, break_long_words=False)
        for t in digest.themes
    ]


def chart_figure(digest: Digest, dpi: int = 100) -> Figure:
    """Only themes already shown (at least min_people people) get a bar."""
    themes = digest.themes
    names = labels(digest)
    lines = sum(max(2, name.count("\n") + 1) for name in names)
    fig = Figure(figsize=(10, 1.8 + ROW_INCHES * max(2, lines)), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    rows = list(range(len(themes)))[::-1]
    people = [t.people for t in themes]
    places = [t.places for t in themes]
    ax.barh([r + 0.2 for r in rows], people, 0.4, label="people", color=PEOPLE_COLOUR)
    ax.barh([r - 0.2 for r in rows], places, 0.4, label="places", color=PLACES_COLOUR)
    ax.set_yticks(rows, names)
    ax.set_xlabel("distinct people / places")
    ax.set_title(textwrap.fill(header(digest), width=90))
    if themes:
        ax.legend(loc="lower right")
    else:
        ax.text(
            0.5, 0.5, "no theme is shared widely enough yet", ha="center", transform=ax.transAxes
        )
    fig.tight_layout()
    return fig


def chart_png(digest: Digest, dpi: int = 100) -> bytes:
    fig = chart_figure(digest, dpi)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
