"""The re-clustering lease: one holder at a time across processes, on both backends.

Each ``Database`` here has its own engine and connection pool, exactly as a separate
process would; the in-process ``asyncio.Lock`` of one App cannot help the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from storage import locks
from storage.db import Database, counting_transactions
from storage.locks import Lease, LockBusy


@pytest.fixture
async def two_dbs(database_url: str) -> AsyncIterator[tuple[Database, Database]]:
    first, second = Database(database_url), Database(database_url)
    await first.migrate()
    yield first, second
    await first.close()
    await second.close()


async def test_a_held_lease_excludes_everyone_else(two_dbs: tuple[Database, Database]) -> None:
    a, b = Lease(two_dbs[0], "recluster"), Lease(two_dbs[1], "recluster")
    assert await a.try_acquire()
    assert not await b.try_acquire()
    assert await b.holder_now() == a.holder
    assert await a.try_acquire(), "the holder may re-take its own lease"
    await a.release()
    assert await b.try_acquire()


async def test_an_expired_lease_is_free_and_its_old_holder_knows(
    two_dbs: tuple[Database, Database],
) -> None:
    dead = Lease(two_dbs[0], "recluster", ttl=timedelta(milliseconds=50))
    assert await dead.try_acquire()
    await asyncio.sleep(0.2)
    alive = Lease(two_dbs[1], "recluster")
    assert await alive.try_acquire()
    assert not await dead.renew()
    await dead.release()  # must not release someone else's lease
    assert await alive.holder_now() == alive.holder


async def test_racing_for_a_new_lease_has_exactly_one_winner(
    two_dbs: tuple[Database, Database],
) -> None:
    leases = [Lease(two_dbs[i % 2], "fresh") for i in range(8)]
    won = await asyncio.gather(*(lease.try_acquire() for lease in leases))
    assert sum(won) == 1


async def test_waiting_too_long_names_the_holder(two_dbs: tuple[Database, Database]) -> None:
    async with locks.held(two_dbs[0], "recluster") as lease:
        with pytest.raises(LockBusy, match=lease.holder.split(":")[0]):
            async with locks.held(two_dbs[1], "recluster", wait=0.3, poll=0.05):
                pass
    async with locks.held(two_dbs[1], "recluster", wait=0.3):
        pass  # released on exit, so the second process gets it straight away


async def test_a_waiting_process_gets_the_lease_when_it_is_released(
    two_dbs: tuple[Database, Database],
) -> None:
    order: list[str] = []

    async def hold(db: Database, name: str, seconds: float) -> None:
        async with locks.held(db, "recluster", poll=0.02):
            order.append(f"{name} in")
            await asyncio.sleep(seconds)
            order.append(f"{name} out")

    first = asyncio.create_task(hold(two_dbs[0], "first", 0.3))
    await asyncio.sleep(0.05)
    await hold(two_dbs[1], "second", 0)
    await first
    assert order == ["first in", "first out", "second in", "second out"]


async def test_a_long_holder_keeps_its_lease_renewed(two_dbs: tuple[Database, Database]) -> None:
    ttl = timedelta(milliseconds=300)
    async with locks.held(two_dbs[0], "recluster", ttl=ttl) as lease:
        await asyncio.sleep(0.9)  # three lifetimes of the lease
        assert not await Lease(two_dbs[1], "recluster").try_acquire()
        assert await lease.holder_now() == lease.holder


async def test_taking_a_released_lease_again_is_one_write(
    two_dbs: tuple[Database, Database],
) -> None:
    """A re-cluster takes and releases the lease on every run; on SQLite each write
    transaction is a turn of the lock chat batches wait for."""
    async with locks.held(two_dbs[0], "recluster"):
        pass
    with counting_transactions(two_dbs[1]) as count:
        async with locks.held(two_dbs[1], "recluster") as lease:
            assert await lease.holder_now() == lease.holder
    assert count.writes == 3, "take, ask who holds it, release"
    assert await Lease(two_dbs[0], "recluster").holder_now() is None
