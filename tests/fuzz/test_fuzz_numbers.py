"""Malformed numbers and dates get one friendly line, never "Sorry, something went wrong":
non-ASCII digits ("²", "٣", "５"), ids too large for a database column, and dates from the
year 1 to the year 9999 after /withdraw, /metoo, /hide, /theme and /digest since."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

import pytest
from fuzz_support import Conversations, FailureLog, assert_no_failure
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from spacy.language import Language

from bot.app import App
from bot.handlers.args import parse_number
from config.settings import Settings

NUMBER_COMMANDS = ("/withdraw {}", "/metoo {}", "/hide {}", "/theme {} name x", "/theme split {}")
ODD_DIGITS = ("²", "٣", "５", "𝟕", "⑦", "¹²", "1²", "-1", "0", "1e3", "99999999999999999999", "#")
digits = st.one_of(
    st.sampled_from(ODD_DIGITS),
    st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=6),
    st.integers(2**31, 10**30).map(str),
)
THIS_MONTH = date.today().replace(day=1).isoformat()  # one a digest accepts (the bot's clock)
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),  # 0001-01-01 … 9999-12-31
    st.sampled_from(
        ("0001-01-01", "9999-12-31", "2026-02-30", "2026-13", "٢٠٢٦-٠١", "1d", "0d", THIS_MONTH)
    ),
)


def answered(text: str) -> bool:
    """A digest or theme list for an accepted date, or /themes saying nothing is shared yet
    (these conversations report nothing); a refused date gets the “since …” line instead."""
    return text.startswith("Shared") or ": no barrier is shared by " in text


def one_line(replies: list[object], failures: FailureLog, what: str) -> None:
    assert_no_failure(replies, failures, what)  # type: ignore[arg-type]
    assert len(replies) == 1, what
    assert "\n" not in replies[0].text, (what, replies[0].text)  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", ["²", "٣", "５", "1²", "99999999999", "#0"])
def test_parse_number_takes_only_ascii_ids_a_column_can_hold(text: str) -> None:
    assert parse_number(text) is None
    assert parse_number("#42") == 42 and parse_number(" 7 ") == 7


def test_odd_numbers_and_extreme_dates_get_a_friendly_line(
    make_settings: Callable[..., Settings], nlp: Language
) -> None:
    import asyncio

    failures = FailureLog()
    logging.getLogger().addHandler(failures)
    with asyncio.Runner() as runner:
        app = runner.run(App.create(make_settings(rate_limit_per_minute=10**7), nlp=nlp))
        talk = Conversations(app)
        runner.run(talk.onboarded("olive"))
        runner.run(talk.onboarded("mem"))
        try:

            @hsettings(
                max_examples=120,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(
                template=st.sampled_from(NUMBER_COMMANDS),
                number=digits,
                date=dates,
                who=st.sampled_from(("olive", "mem")),
            )
            def one(template: str, number: str, date: str, who: str) -> None:
                failures.records.clear()
                said = runner.run(talk.say(who, template.format(number)))
                one_line(said, failures, template.format(number))
                for command in (f"/digest since {date}", f"/themes since {date}"):
                    failures.records.clear()
                    said = runner.run(talk.say("olive", command))
                    if said and answered(said[0].text):  # a month start within two years
                        assert_no_failure(said, failures, command)
                    else:
                        one_line(said, failures, command)
                        assert said[0].text.startswith("“since"), said[0].text

            one()
        finally:
            runner.run(app.close())
            logging.getLogger().removeHandler(failures)
