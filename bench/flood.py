"""Abuse benchmark: does a flood of 1,000 messages from one person slow everyone else?

    python -m bench.flood                      # SQLite; add --backend postgresql
    python -m bench.flood --others 60 --seconds 12 --flood 1000 --runs 3

Others send reports at a steady pace the bot can keep up with; their p50/p95 latency is
measured four times: without a flood, with a flood under the default rate limit, with the
same flood and the limit switched off (to show what the limit buys), and with the limited
flood while an organiser asks for the digest every two seconds (through the dispatcher, as
any message) and a re-cluster runs over and over beside it (a second set of services on the
same database, as a worker process would). The database holds a few hundred imported
reports first, so the digest and the re-cluster have work to do in every scenario.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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
from bot.batch import Row, import_rows
from bot.dispatcher import Dispatcher
from bot.messages import Incoming, Outgoing
from bot.services import build_services
from config.settings import Settings
from groundswell.heap import startup_frozen
from nlp.model import load_model
from storage.db import Database

FLOODER = "flooder"
ORGANISER = "olive"
SEEDED = 400  # imported reports before each scenario
DIGEST_EVERY = 2.0


@dataclass(frozen=True)
class Scenario:
    name: str
    flood: int
    rate_limit: int
    background: bool = False  # a digest every two seconds and re-clustering meanwhile


@dataclass(frozen=True)
class FloodResult:
    scenario: str
    p50: float
    p95: float
    flood_replies: int
    digests: int = 0
    reclusters: int = 0

    def line(self, to_no_flood: float) -> str:
        return (
            f"| {self.scenario} | {self.p50 * 1000:.0f} | {self.p95 * 1000:.0f} | "
            f"{to_no_flood:.1f}× | {self.flood_replies} | {self.digests} | {self.reclusters} |"
        )


@dataclass
class Background:
    digests: int = 0
    reclusters: int = 0


async def digests_meanwhile(dispatcher: Dispatcher, stop: asyncio.Event) -> None:
    number = 0
    while not stop.is_set():
        number += 1
        await dispatcher.submit(message(ORGANISER, "/digest since 30d", number))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), DIGEST_EVERY)


async def reclusters_meanwhile(app: App, url: str, stop: asyncio.Event, done: Background) -> None:
    """Another set of services on the same database: the re-clustering worker's view."""
    worker = build_services(app.settings, Database(url), app.services.nlp)
    try:
        await worker.themes.load()
        while not stop.is_set():
            await worker.reclusterer.run()
            done.reclusters += 1
    finally:
        worker.background.close()
        await worker.db.close()


async def seed(app: App, rng: random.Random) -> None:
    rows = [Row(n, report_text(rng, n), "Leeds", f"seed{n % 50}", None) for n in range(SEEDED)]
    await import_rows(app, rows)


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
    users = [f"o{n}" for n in range(others)]
    settings = bench_settings(
        url, rate_limit=scenario.rate_limit, organisers=[f"bench:{ORGANISER}"]
    )
    app = await App.create(settings, nlp=nlp)
    background = Background()
    try:
        with startup_frozen():  # as `groundswell run` does once the bot is built
            timings = await measured(app, url, scenario, users, seconds, background)
    finally:
        await app.close()
    mine = timings.of([f"dm-{u}" for u in users])
    flood_replies = len(timings.of([f"dm-{FLOODER}"]))
    return FloodResult(scenario.name, statistics.median(mine), percentile(mine, 0.95),
                       flood_replies, background.digests, background.reclusters)  # fmt: skip


async def measured(
    app: App, url: str, scenario: Scenario, users: list[str], seconds: float, done: Background
) -> Timings:
    """Seed, onboard, then the others' paced reports beside the flood (and the background
    work, where the scenario has it), until every message has its replies."""
    rng = random.Random(7)
    await seed(app, rng)
    await onboard_all(app, [*users, FLOODER], rng)
    batch = [message(u, f"/report {report_text(rng, n)}", 1) for n, u in enumerate(users)]
    timings = Timings(expected=10**9)  # finished by join(), not by a count

    async def deliver(out: Outgoing) -> None:
        if out.chat_id == f"dm-{ORGANISER}" and "digest" in out.reply.text.casefold():
            done.digests += 1
        await timings.deliver(out)

    dispatcher = Dispatcher(app.handle, deliver, app.settings.handler_concurrency)
    await dispatcher.start()
    stop = asyncio.Event()
    extra = (
        [digests_meanwhile(dispatcher, stop), reclusters_meanwhile(app, url, stop, done)]
        if scenario.background
        else []
    )
    running = [asyncio.ensure_future(work) for work in extra]
    await asyncio.gather(
        paced(dispatcher, timings, batch, seconds / len(users)),
        flood(dispatcher, timings, scenario.flood, rng),
    )
    await dispatcher.join()
    stop.set()
    await asyncio.gather(*running)
    await dispatcher.join()
    await dispatcher.stop()
    return timings


async def main(args: argparse.Namespace) -> None:
    nlp = load_model("auto")
    default_limit = int(Settings.model_fields["rate_limit_per_minute"].default)
    scenarios = (
        Scenario("no flood", 0, default_limit),
        Scenario(f"flood of {args.flood}, limit {default_limit}/min", args.flood, default_limit),
        Scenario(f"flood of {args.flood}, no rate limit", args.flood, 1_000_000),
        Scenario(
            f"flood of {args.flood}, limit {default_limit}/min, digest every "
            f"{DIGEST_EVERY:.0f} s and re-clustering meanwhile",
            args.flood,
            default_limit,
            background=True,
        ),
    )
    for backend in args.backend:
        print(f"\n{backend}: {args.others} others, one report each over {args.seconds:.0f} s, "
              f"medians of {args.runs} rounds")  # fmt: skip
        print(
            "| scenario | others p50 ms | others p95 ms | p95 / no flood | "
            "flood messages answered | digests answered | re-clusters done |"
        )
        print("|---|---|---|---|---|---|---|", flush=True)
        rounds = [await one_round(backend, nlp, scenarios, args) for _ in range(args.runs)]
        for n in range(len(scenarios)):
            ratio = statistics.median(r[n].p95 / r[0].p95 for r in rounds)
            print(median_of([r[n] for r in rounds]).line(ratio), flush=True)


async def one_round(
    backend: str, nlp: Language, scenarios: Sequence[Scenario], args: argparse.Namespace
) -> list[FloodResult]:
    """Every scenario once, in turn: the machine's load drifts, so each round compares
    neighbours in time and the figures are medians over rounds."""
    results = []
    for scenario in scenarios:
        async with database(backend, args.postgres_url) as url:
            results.append(await run_scenario(url, nlp, scenario, args.others, args.seconds))
    return results


def median_of(runs: list[FloodResult]) -> FloodResult:
    return FloodResult(
        runs[0].scenario,
        statistics.median([r.p50 for r in runs]),
        statistics.median([r.p95 for r in runs]),
        int(statistics.median([r.flood_replies for r in runs])),
        int(statistics.median([r.digests for r in runs])),
        int(statistics.median([r.reclusters for r in runs])),
    )


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--others", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--flood", type=int, default=1_000)
    parser.add_argument("--backend", nargs="+", default=["sqlite"],
                        choices=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--runs", type=int, default=3, help="rounds of every scenario")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
