"""Splitting a long reply into messages a platform accepts: the one splitter every
adapter uses, with the platform's own way of counting and its own limit.

Platforms reject (rather than truncate) an oversized message, and a failed send loses the
whole reply, so text is cut before sending: between lines where possible (a reader expects
a break there), at the last space of an over-long line next, and mid-word only when a line
has no space to cut at. Only the whitespace at a cut is lost, never a visible character.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

Measure = Callable[[str], int]


def split_text(
    text: str, limit: int, measure: Measure = len, escape: str | None = None
) -> list[str]:
    """Chunks of at most ``limit`` (as ``measure`` counts), none of them blank.

    ``escape`` names a character that changes the meaning of the one after it (Markdown's
    backslash): a cut is moved before a run of them, so no chunk ends inside an escape.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in _short_lines(text.split("\n"), limit, measure, escape):
        added = measure(line) + (1 if current else 0)
        if current and size + added > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
            added = measure(line)
        current.append(line)
        size += added
    if current:
        chunks.append("\n".join(current))
    return [chunk for chunk in chunks if chunk.strip()]


def _short_lines(
    lines: list[str], limit: int, measure: Measure, escape: str | None
) -> Iterator[str]:
    """Yield lines, cutting any single line longer than ``limit`` at word breaks."""
    for line in lines:
        while measure(line) > limit:
            cut = _cut(line, _fit(line, limit, measure), escape)
            yield line[:cut].rstrip(" ")
            line = line[cut:].lstrip(" ")
        yield line


def _cut(line: str, fits: int, escape: str | None) -> int:
    """Where to cut ``line`` given that ``line[:fits]`` fits: at its last space unless
    that would leave a stub of less than half, and never just after an escape."""
    space = line.rfind(" ", 0, fits + 1)
    cut = space if space > fits // 2 else fits
    while escape is not None and cut > 1 and line[cut - 1] == escape:
        cut -= 1
    return max(cut, 1)


def _fit(text: str, limit: int, measure: Measure) -> int:
    """The length of the longest prefix of ``text`` within ``limit``."""
    if measure is len:
        return min(len(text), limit)
    low, high = 0, len(text)
    while low < high:  # measures are monotonic in the prefix length
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low
