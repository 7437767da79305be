"""Abuse benchmark: does a flood of 1,000 messages from one person slow everyone else?

    python -m bench.flood                      # SQLite; add --backend postgresql
    python -m bench.flood --others 60 --seconds 12 --flood 1000

Others send reports at a steady pace the bot can keep up with; their p50/p95 latency is
measured three times: without a flood, with a flood under the default rate limit, and with
the same flood and the limit switched off (to show what the limit buys).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.language import Language

from bench.load import (
    DEFAULT_POSTGRES,
    Timings,
    bench_settings,
    database,
    message,
    onboard_all,
    percentile,
    report_text,
)
from bot.app import App
from bot.dispatcher import Dispatcher
from bot.messages import Incoming
from config.settings import Settings
from nlp.model import load_model

FLOODER = "flooder"


@dataclass(frozen=True)
class Scenario:
    name: str
    flood: int
    rate_limit: int


@dataclass(frozen=True)
class FloodResult:
    scenario: str
    p50: float
    p95: float
    flood_replies: int

    def line(self) -> str:
        return (
            f"| {self.scenario} | {self.p50 * 1000:.0f} | {self.p95 * 1000:.0f} | "
            f"{self.flood_replies} |"
        )


async def paced(
    dispatcher: Dispatcher, timings: Timings, batch: list[Incoming], gap: float
) -> None:
    start = time.perf_counter()
    for n, incoming in enumerate(batch):
        await asyncio.sleep(max(0.0, start + n * gap - time.perf_counter()))
        timings.submitted(incoming.chat_id)
        await dispatcher.submit(incoming)


async def flood(dispatcher: Dispatcher, timings: Timings, count: int, rng: random.Random) -> None:
    await asyncio.sleep(0.2)  # once the others are under way
    for n in range(count):
        incoming = message(FLOODER, f"/report {report_text(rng, n)}", n + 1)
        timings.submitted(incoming.chat_id)
        await dispatcher.submit(incoming)


async def run_scenario(
    url: str, nlp: Language, scenario: Scenario, others: int, seconds: float
) -> FloodResult:
    rng = random.Random(7)
    users = [f"o{n}" for n in range(others)]
    app = await App.create(bench_settings(url, rate_limit=scenario.rate_limit), nlp=nlp)
    try:
        await onboard_all(app, [*users, FLOODER], rng)
        batch = [message(u, f"/report {report_text(rng, n)}", 1) for n, u in enumerate(users)]
        timings = Timings(expected=10**9)  # finished by join(), not by a count
        dispatcher = Dispatcher(app.handle, timings.deliver, app.settings.handler_concurrency)
        await dispatcher.start()
        await asyncio.gather(
            paced(dispatcher, timings, batch, seconds / others),
            flood(dispatcher, timings, scenario.flood, rng),
        )
        await dispatcher.join()
        await dispatcher.stop()
    finally:
        await app.close()
    mine = timings.of([f"dm-{u}" for u in users])
    flood_replies = len(timings.of([f"dm-{FLOODER}"]))
    return FloodResult(scenario.name, statistics.median(mine), percentile(mine, 0.95),
                       flood_replies)  # fmt: skip


async def main(args: argparse.Namespace) -> None:
    nlp = load_model("auto")
    default_limit = int(Settings.model_fields["rate_limit_per_minute"].default)
    scenarios = (
        Scenario("no flood", 0, default_limit),
        Scenario(f"flood of {args.flood}, limit {default_limit}/min", args.flood, default_limit),
        Scenario(f"flood of {args.flood}, no rate limit", args.flood, 1_000_000),
    )
    for backend in args.backend:
        print(f"\n{backend}: {args.others} others, one report each over {args.seconds:.0f} s")
        print("| scenario | others p50 ms | others p95 ms | flood messages answered |")
        print("|---|---|---|---|", flush=True)
        for scenario in scenarios:
            async with database(backend, args.postgres_url) as url:
                result = await run_scenario(url, nlp, scenario, args.others, args.seconds)
            print(result.line(), flush=True)


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--others", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--flood", type=int, default=1_000)
    parser.add_argument("--backend", nargs="+", default=["sqlite"],
                        choices=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
