"""The per-person rate limit: a burst is fine, a flood gets one kind word and then silence,
and nobody else is affected."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from spacy.language import Language

from bot.app import App
from bot.messages import Incoming
from bot.ratelimit import SLOW_DOWN, RateLimiter
from config.settings import Settings
from groundswell.testing import BotHarness


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def message(user: str, platform: str = "telegram") -> Incoming:
    return Incoming(platform=platform, chat_id=f"dm-{user}", user_id=user, text="hello")


def test_a_burst_up_to_the_allowance_goes_through_then_one_warning_then_silence() -> None:
    limiter = RateLimiter(per_minute=5, clock=FakeClock())
    outcomes = [limiter.check(message("flo")) for _ in range(9)]
    assert outcomes[:5] == [None] * 5
    assert outcomes[5] is not None and [r.text for r in outcomes[5]] == [SLOW_DOWN]
    assert outcomes[6:] == [[], [], []]


def test_the_allowance_refills_over_a_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=6, clock=clock)
    for _ in range(7):
        limiter.check(message("flo"))
    clock.now += 10  # one message's worth at 6 a minute
    assert limiter.check(message("flo")) is None
    again = limiter.check(message("flo"))
    assert again is not None and [r.text for r in again] == [SLOW_DOWN], "a new flood, a new word"
    clock.now += 60
    assert all(limiter.check(message("flo")) is None for _ in range(6))


def test_people_and_platforms_have_separate_allowances() -> None:
    limiter = RateLimiter(per_minute=2, clock=FakeClock())
    for _ in range(5):
        limiter.check(message("flo"))
    assert limiter.check(message("ann")) is None
    assert limiter.check(message("flo", platform="discord")) is None


def test_exempt_people_are_never_limited() -> None:
    limiter = RateLimiter(per_minute=1, exempt=frozenset({"telegram:olive"}), clock=FakeClock())
    assert all(limiter.check(message("olive")) is None for _ in range(50))


def test_memory_stays_bounded_by_forgetting_idle_people() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=60, clock=clock, max_tracked=100)
    for n in range(100):
        limiter.check(message(f"p{n}"))
    clock.now += 61  # everyone's bucket is full again
    limiter.check(message("newcomer"))
    assert len(limiter.buckets) == 1


@pytest.fixture
async def limited_bot(
    make_settings: Callable[..., Settings], nlp: Language
) -> AsyncIterator[BotHarness]:
    app = await App.create(make_settings(rate_limit_per_minute=8), nlp=nlp)
    async with BotHarness(app) as harness:
        yield harness
    await app.close()


async def test_a_flooder_is_told_once_and_nothing_more_is_stored(limited_bot: BotHarness) -> None:
    bot = limited_bot
    await bot.onboard("flo", "Leeds")  # 4 of the 8
    await bot.onboard("ann", "York")
    replies = [await bot.push("flo", f"/report The rota is broken, week {n}.") for n in range(10)]
    saved = [r for r in replies if r and "report is saved" in r[0].text]
    assert len(saved) == 4
    assert [r.text for r in replies[4]] == [SLOW_DOWN]
    assert all(r == [] for r in replies[5:])
    assert "report is saved" in (await bot.push("ann", "/report The rota is broken."))[0].text
    mine = await bot.app.services.reports.mine(
        (await bot.app.services.people.caller(message("flo", "console"))).person_id or -1
    )
    assert len(mine) == 4
