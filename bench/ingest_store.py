"""Ingest through the bot's real store path (embed + assign + commit on SQLite, the CSV
import's batches: bot.batch.import_rows) beside raw `nlp.pipe` with the same components, in
the same run, interleaved, median of several runs. Part of `make bench`; alone:

    .venv/bin/python -m bench.ingest_store [--texts 1000] [--runs 3]

Texts are the first N StackOverflow titles from ../shared/data (evaluation only)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from spacy.language import Language

from bench.common import load
from bench.speed import raw_pipe_rate
from bot.app import App
from bot.batch import Row, import_rows
from config.settings import load_settings
from nlp.model import load_model


async def store_rate(nlp: Language, texts: Sequence[str], folder: Path, run: int) -> float:
    """Reports a second from text to committed row, 200 reporters in Leeds, a fresh file."""
    url = f"sqlite+aiosqlite:///{folder / f'ingest-{run}.db'}"
    app = await App.create(load_settings(_env_file=None, database_url=url), nlp=nlp)
    rows = [Row(n, t, "Leeds", f"r{n % 200}", None) for n, t in enumerate(texts)]
    return await timed_import(app, rows)


async def timed_import(app: App, rows: list[Row]) -> float:
    """Reports a second through the import's store path; closes the app afterwards."""
    try:
        start = time.perf_counter()
        await import_rows(app, rows)
        return len(rows) / (time.perf_counter() - start)
    finally:
        await app.close()


def measure(nlp: Language, texts: Sequence[str], runs: int) -> dict[str, object]:
    """Interleaved, alternating which goes first: the machine's load changes minute to
    minute, so each ratio compares neighbours; the median of the per-run ratios is reported."""
    raw_pipe_rate(nlp, texts[:200])  # warm-up: first batches pay for lazy loading
    raw, stored = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs):
            if run % 2:
                stored.append(asyncio.run(store_rate(nlp, texts, Path(folder), run)))
                raw.append(raw_pipe_rate(nlp, texts))
            else:
                raw.append(raw_pipe_rate(nlp, texts))
                stored.append(asyncio.run(store_rate(nlp, texts, Path(folder), run)))
            print(f"  ingest run {run + 1}: raw {raw[-1]:.0f}/s, store path {stored[-1]:.0f}/s")
    return {
        "texts": len(texts),
        "raw nlp.pipe /s": statistics.median(raw),
        "embed+assign+store /s": statistics.median(stored),
        "ratio": statistics.median(s / r for s, r in zip(stored, raw, strict=True)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    nlp = load_model("auto")
    result = measure(nlp, load("stackoverflow", limit=args.texts).texts, args.runs)
    print(f"median raw nlp.pipe: {result['raw nlp.pipe /s']:.0f} reports/s")
    print(f"median embed+assign+store on SQLite: {result['embed+assign+store /s']:.0f} reports/s")
    print(f"median ratio (store path / raw, per run): {result['ratio']:.2f} (target >= 0.80)")


if __name__ == "__main__":
    main()
