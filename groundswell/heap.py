"""What the bot builds at start (the spaCy model, the services, SQLAlchemy's mappings) lives
as long as the process, yet Python's collector scans all of it in every full collection:
about 270,000 objects and 190 ms on the 2-core machine, during which the event loop
answers nobody. Those pauses were the outliers in ``bench.flood``'s p95. Frozen once the
bot is built, a collection scans only what messages have made since."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def freeze_startup() -> None:
    """Collect what starting left behind, then exempt the rest from every later collection."""
    gc.collect()
    gc.freeze()


@contextmanager
def startup_frozen() -> Iterator[None]:
    """``freeze_startup`` for a process that builds one app after another (the benchmarks):
    handed back to the collector afterwards, so a closed app's reference cycles are freed."""
    freeze_startup()
    try:
        yield
    finally:
        gc.unfreeze()
