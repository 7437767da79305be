"""The one splitter every adapter uses: limits, line boundaries, escapes, other measures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import split_text


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def test_lines_stay_whole_and_under_the_limit() -> None:
    lines = [f"{i}. " + "word " * (i % 30) for i in range(400)]
    text = "\n".join(lines)
    for limit in (2000, 4096):
        chunks = split_text(text, limit)
        assert all(len(c) <= limit for c in chunks)
        assert [line.rstrip() for line in "\n".join(chunks).split("\n")] == [
            line.rstrip() for line in lines
        ]


def test_a_long_line_is_cut_at_its_last_space() -> None:
    assert split_text("x" * 50 + " " + "y" * 50, 60) == ["x" * 50, "y" * 50]


def test_a_line_without_spaces_is_cut_at_the_limit() -> None:
    assert split_text("z" * 25, 10) == ["z" * 10, "z" * 10, "z" * 5]


def test_no_chunk_ends_inside_an_escape() -> None:
    text = "a" * 8 + "\\*" + "b" * 8
    chunks = split_text(text, 9, escape="\\")
    assert chunks[0] == "a" * 8 and "".join(chunks) == text


def test_blank_text_gives_no_chunk() -> None:
    assert split_text("", 10) == [] and split_text(" \n \n", 10) == []


def test_the_measure_is_the_platforms() -> None:
    assert [utf16(c) for c in split_text("🙂" * 30, 21, measure=utf16)] == [20, 20, 20]


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError):
        split_text("abc", 0)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600), st.integers(min_value=2, max_value=120))
def test_nothing_visible_is_lost(text: str, limit: int) -> None:
    chunks = split_text(text, limit, measure=utf16, escape="\\")
    assert all(utf16(c) <= limit for c in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())
