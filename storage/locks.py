"""Named leases shared by every process on the database (the ``locks`` table).

A lease rather than a session-bound lock (such as a PostgreSQL advisory lock) because it
works the same on SQLite and PostgreSQL and survives connection-pool churn; a holder that
dies simply lets its lease expire, and a live holder renews it in the background, so a
long re-clustering never loses it half-way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import Lock, utcnow

log = logging.getLogger("groundswell.locks")


class LockBusy(Exception):
    """Another process held the lease for longer than we were willing to wait."""


def process_holder() -> str:
    """Unique per lease attempt, and readable: which host and process holds it."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass
class Lease:
    db: Database
    name: str
    ttl: timedelta = timedelta(minutes=10)
    holder: str = field(default_factory=process_holder)

    async def try_acquire(self) -> bool:
        """Take the lease if it is free, expired or already ours; never blocks."""
        now = utcnow()
        async with self.db.transaction() as session:
            taken = await session.execute(
                update(Lock)
                .where(Lock.name == self.name)
                .where(or_(Lock.expires_at < now, Lock.holder == self.holder))
                .values(holder=self.holder, expires_at=now + self.ttl)
            )
            if _rowcount(taken) == 1:
                return True
            if await session.scalar(select(Lock.name).where(Lock.name == self.name)):
                return False
        return await self._insert()

    async def _insert(self) -> bool:
        try:
            async with self.db.transaction() as session:
                expires = utcnow() + self.ttl
                session.add(Lock(name=self.name, holder=self.holder, expires_at=expires))
        except IntegrityError:
            return False  # another process created it first
        return True

    async def renew(self) -> bool:
        """Push the expiry forward; False means the lease was lost (it had expired)."""
        async with self.db.transaction() as session:
            result = await session.execute(
                update(Lock)
                .where(Lock.name == self.name, Lock.holder == self.holder)
                .values(expires_at=utcnow() + self.ttl)
            )
        return _rowcount(result) == 1

    async def release(self) -> None:
        """Expire the lease rather than delete its row, so the next taker needs one
        statement in one transaction, not three statements in two (a re-cluster takes it
        on every run, and on SQLite each transaction is a turn of the write lock that chat
        batches wait for)."""
        async with self.db.transaction() as session:
            await session.execute(
                update(Lock)
                .where(Lock.name == self.name, Lock.holder == self.holder)
                .values(expires_at=utcnow() - self.ttl)
            )

    async def holder_now(self) -> str | None:
        """Who holds the lease right now, if anyone (expired leases count as free)."""
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(Lock.holder).where(Lock.name == self.name, Lock.expires_at >= utcnow())
            )
        return row


def _rowcount(result: object) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if isinstance(count, int) else 0


async def _keep_renewed(lease: Lease) -> None:
    while True:
        await asyncio.sleep(lease.ttl.total_seconds() / 3)
        if not await lease.renew():
            log.error("lost the %r lease (it expired); another process may now hold it", lease.name)
            return


@asynccontextmanager
async def held(
    db: Database,
    name: str,
    wait: float = 600.0,
    ttl: timedelta = timedelta(minutes=10),
    poll: float = 0.25,
) -> AsyncIterator[Lease]:
    """Hold the named lease for the block, waiting up to ``wait`` seconds for it."""
    lease = Lease(db, name, ttl)
    deadline = asyncio.get_running_loop().time() + wait
    while not await lease.try_acquire():
        if asyncio.get_running_loop().time() >= deadline:
            raise LockBusy(f"'{name}' is held by {await lease.holder_now() or 'another process'}")
        await asyncio.sleep(poll)
    renewer = asyncio.create_task(_keep_renewed(lease))
    try:
        yield lease
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
        await lease.release()
