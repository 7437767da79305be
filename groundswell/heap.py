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


def thaw() -> None:
    """Hand the frozen objects back to the collector once the bot has stopped, so a process
    that builds another app (tests, the benchmarks) frees the first one's reference cycles."""
    gc.unfreeze()


@contextmanager
def startup_frozen() -> Iterator[None]:
    """``freeze_startup`` then ``thaw``, for the benchmarks, which run the app without the
    runtime (``groundswell.runtime.Runtime`` does both in its start and stop)."""
    freeze_startup()
    try:
        yield
    finally:
        thaw()
