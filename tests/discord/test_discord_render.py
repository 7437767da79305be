"""Rendering within Discord's limits: checked as properties over many texts, not examples."""

from __future__ import annotations

import logging

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    MAX_EMBEDS,
    TOTAL_LIMIT,
    escape,
    render,
    split_text,
)
from adapters.discord.views import CUSTOM_ID_LIMIT, PREFIX, build_view
from bot.messages import Button, OutFile, Reply

words = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
texts = st.lists(
    st.one_of(words, st.text(alphabet="ab *_`\\", min_size=50, max_size=3000)), max_size=60
).map("\n".join)


@settings(max_examples=150, deadline=None)
@given(texts, st.sampled_from([20, 100, CONTENT_LIMIT]))
def test_split_text_respects_the_limit_and_keeps_every_character(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())


@settings(max_examples=100, deadline=None)
@given(texts)
def test_no_chunk_ends_inside_a_markdown_escape(text: str) -> None:
    for chunk in split_text(escape(text), 100)[:-1]:
        trailing = len(chunk) - len(chunk.rstrip("\\"))
        assert trailing % 2 == 0, chunk[-10:]


@settings(max_examples=60, deadline=None)
@given(texts, st.booleans())
def test_every_message_fits_discord(text: str, embed: bool) -> None:
    parts = render(Reply(text), embed)
    for part in parts:
        assert len(part.content or "") <= CONTENT_LIMIT
        assert len(part.embeds) <= MAX_EMBEDS
        assert sum(len(e) for e in part.embeds) <= TOTAL_LIMIT
        assert all(len(e.description or "") <= DESCRIPTION_LIMIT for e in part.embeds)
    shown = "".join(
        (p.content or "") + "".join((e.title or "") + (e.description or "") for e in p.embeds)
        for p in parts
    )
    assert "".join(shown.split()) == "".join(escape(text).split())


def test_markup_in_user_text_is_shown_literally() -> None:
    [part] = render(Reply("rules *always* say _no_ `ever`"))
    assert part.content == "rules \\*always\\* say \\_no\\_ \\`ever\\`"


def test_a_digest_embed_takes_its_first_line_as_title() -> None:
    [part] = render(Reply("Shared-demand digest: everywhere\n\n1. procurement"), embed=True)
    [embed] = part.embeds
    assert (embed.title, embed.description) == (
        "Shared-demand digest: everywhere",
        "1. procurement",
    )


def test_files_ride_on_the_last_message_ten_at_a_time_with_the_chart_inside() -> None:
    files = tuple(OutFile(f"f{n}.csv", b"x", "text/csv") for n in range(11))
    chart = OutFile("chart.png", b"\x89PNG", "image/png", is_image=True)
    parts = render(Reply("Digest\nbody", files=(chart, *files)), embed=True)
    assert [len(p.files) for p in parts] == [10, 2]
    assert parts[0].embeds[0].image.url == "attachment://chart.png"


async def test_buttons_are_laid_out_five_a_row_and_overlong_ids_skipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    buttons = tuple(Button(f"B{n}", f"pick:{n}") for n in range(7))
    too_long = Button("long", "x" * CUSTOM_ID_LIMIT)
    with caplog.at_level(logging.WARNING):
        view = build_view((*buttons, too_long))
    assert view is not None and "custom_id limit" in caplog.text
    rows = view.to_components()
    assert [len(r["components"]) for r in rows] == [5, 2]
    assert rows[1]["components"][1]["custom_id"] == PREFIX + "pick:6"
    assert view.is_finished()  # taps are routed by the registered template, never twice


def test_at_most_twenty_five_buttons_are_sent() -> None:
    [part] = render(Reply("choose", buttons=tuple(Button(str(n), str(n)) for n in range(30))))
    assert len(part.buttons) == 25
    assert isinstance(build_view(part.buttons), discord.ui.View)
