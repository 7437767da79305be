"""Ingest through the bot's real store path (embed + assign + commit on SQLite, the CSV
import's batches) beside raw
`nlp.pipe` with the same components, in the same run, interleaved, median of several runs.

    .venv/bin/python -m bench.ingest_store [--texts 1000] [--runs 3]

Texts are the first N StackOverflow titles from ../shared/data (evaluation only)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import load
from bot.app import App
from bot.batch import Row, import_rows
from config.settings import load_settings
from nlp.model import load_model


def raw_rate(nlp, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    return len(texts) / (time.perf_counter() - start)


async def store_rate(nlp, texts: list[str], folder: Path, run: int) -> float:  # type: ignore[no-untyped-def]
    url = f"sqlite+aiosqlite:///{folder / f'ingest-{run}.db'}"
    app = await App.create(load_settings(_env_file=None, database_url=url), nlp=nlp)
    rows = [Row(n, t, "Leeds", f"r{n % 200}", None) for n, t in enumerate(texts)]
    try:
        start = time.perf_counter()
        await import_rows(app, rows)
        return len(rows) / (time.perf_counter() - start)
    finally:
        await app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    nlp = load_model("auto")
    texts = load("stackoverflow", limit=args.texts).texts
    raw, stored, ratios = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            raw.append(raw_rate(nlp, texts))
            stored.append(asyncio.run(store_rate(nlp, texts, Path(folder), run)))
            ratios.append(stored[-1] / raw[-1])
            print(f"run {run + 1}: raw {raw[-1]:.0f}/s, store path {stored[-1]:.0f}/s")
    print(f"median raw nlp.pipe: {statistics.median(raw):.0f} reports/s")
    print(f"median embed+assign+store on SQLite: {statistics.median(stored):.0f} reports/s")
    ratio = statistics.median(ratios)
    print(f"median ratio (store path / raw, per run): {ratio:.2f} (target >= 0.80)")


if __name__ == "__main__":
    main()
