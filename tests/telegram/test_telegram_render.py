"""Escaping, splitting and keyboard layout, checked as properties where that is natural."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from adapters.telegram.render import (
    MAX_MESSAGE,
    escape,
    fits_callback,
    keyboard,
    render_chunks,
    split_text,
    units,
)
from bot.messages import Button

lines = st.lists(st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=9000))


def test_escape_leaves_nothing_telegram_would_read_as_markup() -> None:
    assert escape('<b>5 > 3 & 2 < 4</b> "q"') == '&lt;b&gt;5 &gt; 3 &amp; 2 &lt; 4&lt;/b&gt; "q"'


@given(lines)
def test_split_keeps_every_line_and_stays_under_the_limit(parts: list[str]) -> None:
    text = "\n".join(parts)
    chunks = split_text(text)
    assert all(units(chunk) < MAX_MESSAGE for chunk in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split()), "no text is lost"


def test_split_breaks_between_lines_not_inside_them() -> None:
    text = "\n".join(f"line {n:04d} " + "x" * 90 for n in range(200))
    chunks = split_text(text)
    assert len(chunks) == 5, "40 lines of 101 characters fit under 4,096"
    assert "\n".join(chunks) == text
    assert all(chunk.startswith("line ") for chunk in chunks)


def test_one_huge_line_is_cut_at_spaces() -> None:
    text = " ".join(["word"] * 3000)
    chunks = split_text(text)
    assert len(chunks) == 4 and all(units(c) < MAX_MESSAGE for c in chunks)
    assert all(chunk.split(" ") == ["word"] * len(chunk.split(" ")) for chunk in chunks)


def test_emoji_count_double_towards_the_limit() -> None:
    chunks = split_text("🙂" * 3000)
    assert [units(c) for c in chunks] == [4094, 1906]


@given(st.text(max_size=12000))
def test_rendered_chunks_unescape_to_the_text(text: str) -> None:
    rendered = render_chunks(text)
    assert all("<" not in chunk and ">" not in chunk for chunk in rendered)
    restored = [html.unescape(chunk) for chunk in rendered]
    assert restored == split_text(text)


def test_keyboard_puts_short_answers_on_one_row() -> None:
    markup = keyboard([Button("Yes", "y"), Button("No", "n")])
    assert markup is not None
    assert [[b.text for b in row] for row in markup.inline_keyboard] == [["Yes", "No"]]
    long = [Button(f"Leeds care workers circle {n}", f"c{n}") for n in range(3)]
    markup = keyboard(long)
    assert markup is not None and len(markup.inline_keyboard) == 3
    assert keyboard([]) is None


def test_callback_data_limit_is_in_bytes() -> None:
    assert fits_callback("a" * 64) and not fits_callback("a" * 65)
    assert not fits_callback("é" * 33) and not fits_callback("")
