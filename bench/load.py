"""Load benchmark: N simulated people send reports at once through the core (App and
Dispatcher, exactly as the adapters use them), beside the import's store path
(``bot.batch.import_rows``, what bench.ingest_store measures) storing the same texts on the
same database in the same run; on SQLite and on PostgreSQL. Also the transactions each
common message costs.

    python -m bench.load                       # 300 and 1,000 people, both backends, 3 runs
    python -m bench.load --people 200 --backend sqlite --runs 1
    python -m bench.load --postgres-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

Each person is onboarded first (not timed), then everyone sends one report at the same
moment; a report's latency runs from handing it to the dispatcher until its acknowledgement
is delivered, so it includes queueing behind everyone else. The store path imports the same
texts for the same number of reporters (reporters set up inside its timing, as an import
does). Runs alternate chat and store path, and the ratio is the median of per-run ratios.
PostgreSQL runs use a fresh database each that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from spacy.language import Language
from sqlalchemy.engine import make_url

from bench.ingest_store import timed_import
from bot.app import App
from bot.batch import Row
from bot.dispatcher import Dispatcher
from bot.messages import ChatKind, Incoming, Outgoing
from bot.places_lookup import resolve_place
from config.settings import Settings, load_settings
from groundswell.heap import startup_frozen
from groundswell.message_costs import transaction_steps
from groundswell.testing import BotHarness
from nlp.model import load_model

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PLACES = ("Leeds", "Bradford", "York", "Hull", "Sheffield", "Wakefield", "Manchester")
SUBJECTS = ("procurement rules", "the rota system", "referral forms", "the risk policy",
            "parking permits", "IT logins", "training budgets", "agency staffing")  # fmt: skip
PROBLEMS = ("stop us helping families", "take weeks to approve", "waste hours every shift",
            "keep people in hospital too long", "make visits late")  # fmt: skip


def report_text(rng: random.Random, n: int) -> str:
    return f"{rng.choice(SUBJECTS).capitalize()} {rng.choice(PROBLEMS)} (case {n})."


@dataclass
class Timings:
    """Latency per message, from submission to the first reply delivered to its chat."""

    sent: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    done: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 0
    timed: int = 0  # latencies recorded so far, kept as a count: summing per reply was O(n²)

    def submitted(self, chat: str) -> None:
        self.sent[chat].append(time.perf_counter())

    async def deliver(self, message: Outgoing) -> None:
        pending = self.sent.get(message.chat_id)
        if not pending:
            return  # a second reply to the same message (a tip, an offer): not timed again
        self.latencies[message.chat_id].append(time.perf_counter() - pending.pop(0))
        self.timed += 1
        if self.timed >= self.expected:
            self.done.set()

    def of(self, chats: Sequence[str]) -> list[float]:
        return [t for chat in chats for t in self.latencies.get(chat, [])]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def message(user: str, text: str, number: int) -> Incoming:
    return Incoming(
        platform="bench",
        chat_id=f"dm-{user}",
        user_id=user,
        text=text,
        chat_kind=ChatKind.PRIVATE,
        message_id=f"{user}-{number}",
        private_chat=f"dm-{user}",  # as an adapter reports it: offers can reach them
    )


async def onboard_all(app: App, users: Sequence[str], rng: random.Random) -> None:
    """Straight through the services (not timed): 10,000 chats of four steps is no benchmark."""
    people = app.services.people
    limit = asyncio.Semaphore(16)

    async def one(user: str) -> None:
        async with limit:
            place = resolve_place(rng.choice(PLACES))
            person = await people.ensure_person(message(user, "/start", 0))
            await people.consent(person)
            await people.set_place(person, place.name, place.key, place.region)
            await people.finish_onboarding(person, "Health")

    await asyncio.gather(*(one(u) for u in users))


@asynccontextmanager
async def database(backend: str, postgres_url: str) -> AsyncIterator[str]:
    """A throwaway database of the backend: a temp file, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / 'load.db'}"
        return
    base = make_url(postgres_url)
    admin_dsn = base.set(drivername="postgresql", database="postgres")
    admin = await asyncpg.connect(admin_dsn.render_as_string(hide_password=False))
    name = f"gs_bench_{secrets.token_hex(5)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def bench_settings(
    url: str,
    rate_limit: int = 1_000_000,
    concurrency: int | None = None,
    organisers: Sequence[str] = (),
) -> Settings:
    """The bot's own settings (its handler concurrency too, unless --concurrency says
    otherwise), with no rate limit: everyone here is a different person."""
    chosen = {} if concurrency is None else {"handler_concurrency": concurrency}
    return load_settings(
        _env_file=None,
        database_url=url,
        rate_limit_per_minute=rate_limit,
        organisers=list(organisers),
        **chosen,
    )


async def send_all(app: App, batch: list[Incoming]) -> tuple[Timings, float]:
    """Submit the whole batch at once; wait until every message has its reply."""
    timings = Timings(expected=len(batch))
    dispatcher = Dispatcher(app.handle, timings.deliver, app.settings.handler_concurrency)
    await dispatcher.start()
    started = time.perf_counter()
    for incoming in batch:
        timings.submitted(incoming.chat_id)
        await dispatcher.submit(incoming)
    await dispatcher.join()
    elapsed = time.perf_counter() - started
    await dispatcher.stop()
    return timings, elapsed


@dataclass(frozen=True)
class LoadResult:
    backend: str
    people: int
    seconds: float
    p50: float
    p95: float

    @property
    def rate(self) -> float:
        return self.people / self.seconds


async def load_run(
    backend: str, people: int, nlp: Language, postgres_url: str, concurrency: int | None
) -> LoadResult:
    rng = random.Random(people)
    users = [f"p{n}" for n in range(people)]
    async with database(backend, postgres_url) as url:
        app = await App.create(bench_settings(url, concurrency=concurrency), nlp=nlp)
        try:
            with startup_frozen():  # as `groundswell run` does once the bot is built
                await onboard_all(app, users, rng)
                texts = [f"/report {report_text(rng, n)}" for n in range(people)]
                batch = [message(u, text, 1) for u, text in zip(users, texts, strict=True)]
                timings, seconds = await send_all(app, batch)
        finally:
            await app.close()
    latencies = timings.of([f"dm-{u}" for u in users])
    assert len(latencies) == people, f"{people - len(latencies)} reports got no reply"
    return LoadResult(backend, people, seconds, statistics.median(latencies),
                      percentile(latencies, 0.95))  # fmt: skip


async def store_path_rate(backend: str, people: int, nlp: Language, postgres_url: str) -> float:
    """The same texts through the import's store path (embed + assign + commit in batches
    of 256, one reporter per text in the same places), reports a second."""
    rng = random.Random(people)
    texts = [report_text(rng, n) for n in range(people)]
    rows = [Row(n, t, PLACES[n % len(PLACES)], f"r{n}", None) for n, t in enumerate(texts)]
    async with database(backend, postgres_url) as url:
        return await timed_import(await App.create(bench_settings(url), nlp=nlp), rows)


@dataclass(frozen=True)
class Compared:
    backend: str
    people: int
    chat: list[LoadResult]
    store: list[float]

    def line(self) -> str:
        chat = statistics.median(r.rate for r in self.chat)
        store = statistics.median(self.store)
        ratio = statistics.median(c.rate / s for c, s in zip(self.chat, self.store, strict=True))
        p50 = statistics.median(r.p50 for r in self.chat)
        p95 = statistics.median(r.p95 for r in self.chat)
        return (
            f"| {self.backend} | {self.people:,} | {len(self.chat)} | {chat:.1f} | {store:.1f} | "
            f"**{ratio:.2f}** | {p50 * 1000:,.0f} | {p95 * 1000:,.0f} |"
        )


async def compare(backend: str, people: int, nlp: Language, args: argparse.Namespace) -> Compared:
    """Chat path and store path alternately, so each ratio compares neighbours in time on a
    machine whose load changes minute to minute."""
    chat: list[LoadResult] = []
    store: list[float] = []
    for run in range(args.runs):
        if run % 2:
            store.append(await store_path_rate(backend, people, nlp, args.postgres_url))
        chat.append(await load_run(backend, people, nlp, args.postgres_url, args.concurrency))
        if not run % 2:
            store.append(await store_path_rate(backend, people, nlp, args.postgres_url))
        print(
            f"  {backend} {people:,} run {run + 1}: chat {chat[-1].rate:.1f}/s "
            f"(p50 {chat[-1].p50:.1f} s, p95 {chat[-1].p95:.1f} s), store path {store[-1]:.1f}/s",
            flush=True,
        )
    return Compared(backend, people, chat, store)


HEADER = (
    "| backend | people | runs | chat reports/s | store path reports/s | chat / store | "
    "p50 ms | p95 ms |\n|---|---|---|---|---|---|---|---|"
)


async def transactions_table(backend: str, nlp: Language, postgres_url: str) -> str:
    async with database(backend, postgres_url) as url:
        app = await App.create(bench_settings(url), nlp=nlp)
        try:
            async with BotHarness(app) as bot:
                counts = await transaction_steps(bot, app)
        finally:
            await app.close()
    lines = [f"| message ({backend}) | transactions | of which writes |", "|---|---|---|"]
    lines += [f"| {name} | {c.total} | {c.writes} |" for name, c in counts.items()]
    return "\n".join(lines)


def load_section(nlp: Language, quick: bool) -> str:
    """For `make bench`: the transactions table and the chat path beside the store path at
    1,000 people (300 with --quick), one run each, on SQLite and, when a server answers,
    PostgreSQL (a missing server is said, never silently skipped)."""
    args = parse(["--people", "300" if quick else "1000", "--runs", "1"])
    out: list[str] = []
    for backend in list(args.backend):
        try:
            out.append(asyncio.run(transactions_table(backend, nlp, args.postgres_url)))
        except OSError as problem:
            out.append(f"({backend} not measured: {problem})")
            args.backend.remove(backend)
    rows = [asyncio.run(compare(b, p, nlp, args)) for p in args.people for b in args.backend]
    return "\n\n".join(out) + "\n\n" + "\n".join([HEADER, *(row.line() for row in rows)])


async def main(args: argparse.Namespace) -> None:
    nlp = load_model("auto")
    for backend in args.backend:
        print(await transactions_table(backend, nlp, args.postgres_url) + "\n", flush=True)
    rows = [
        await compare(backend, people, nlp, args)
        for people in args.people
        for backend in args.backend
    ]
    print("\n" + HEADER)
    for row in rows:
        print(row.line(), flush=True)


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[300, 1_000])
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--concurrency", type=int, help="dispatcher workers (default: the bot's)")
    parser.add_argument("--runs", type=int, default=3, help="alternating runs; medians shown")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
