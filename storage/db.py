"""Engine, sessions and migrations. SQLite (WAL) by default, PostgreSQL on the same code.

Several processes (one per platform, plus a re-clustering worker) may share one database,
so migrating is serialised between them: on PostgreSQL by a transaction-scoped advisory
lock, on SQLite by an exclusive lock on a file next to the database.

Group commit: each chat message is handled inside ``Database.unit()``. Its writes (every
``transaction()`` block, from its first to the end of the message) go into one shared write
transaction with the writes of the messages handled around it, each message in a savepoint
of its own, and the message finishes only once that transaction has committed. One commit
(one fsync) then serves a whole batch of people, a failure in one message's work rolls back
that message's savepoint alone, and an acknowledgement still never precedes its commit.
"""

from __future__ import annotations

import asyncio
import contextvars
import fcntl
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, make_url, text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

log = logging.getLogger("groundswell.db")
MIGRATIONS = Path(__file__).parent / "migrations"
# aiosqlite logs every statement with its parameters (report text, handles) at DEBUG; no
# log line may carry those, whatever level the operator turns on.
logging.getLogger("aiosqlite").setLevel(logging.INFO)
MIGRATION_LOCK_KEY = 0x67726F756E64  # "ground": any constant shared by every process


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """FULL sync: a commit (and so an acknowledgement) survives power loss, not only a crash."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself


READS_ONLY = {"groundswell_reads_only": True, "postgresql_readonly": True}


def _sqlite_begin(connection: Any) -> None:
    """Writers take the write lock when the transaction starts. A deferred transaction that
    reads and then writes fails at once with "database is locked" when another connection
    wrote in between (the busy timeout cannot help an upgrade); waiting up front is safe.
    Readers (Database.reading) begin deferred: in WAL mode they read a snapshot and never
    queue behind a writer."""
    reads_only = connection.get_execution_options().get("groundswell_reads_only", False)
    connection.exec_driver_sql("BEGIN DEFERRED" if reads_only else "BEGIN IMMEDIATE")


def make_engine(url: str) -> AsyncEngine:
    """Both hide statement parameters from error messages: SQLAlchemy puts them there, and
    they are report text and handles, which no log line may carry.

    SQLite gets WAL, enforced foreign keys (``/forget`` relies on cascades) and
    transactions that take the write lock up front.

    PostgreSQL gets a bounded pool checked before use, so a restarted server or a dropped
    connection costs one reconnect instead of a failed message.
    """
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_no_implicit_begin)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(
        url,
        hide_parameters=True,  # a failed statement's error (and so a log line) has no text
        pool_size=10,
        max_overflow=10,
        pool_timeout=30,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"server_settings": {"application_name": "groundswell"}},
    )


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _sqlite_lock_path(url: str) -> Path | None:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + ".migrate-lock")


@asynccontextmanager
async def _file_lock(path: Path | None) -> AsyncIterator[None]:
    """Exclusive between processes; waiting happens in a thread, off the event loop."""
    if path is None:
        yield
        return
    with path.open("a") as handle:
        await asyncio.to_thread(fcntl.flock, handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


async def _migrate_postgres(connection: AsyncConnection) -> None:
    """The advisory lock is released with the transaction that holds the migration."""
    lock = text("SELECT pg_advisory_xact_lock(:key)")
    await connection.execute(lock, {"key": MIGRATION_LOCK_KEY})
    await connection.run_sync(_upgrade)


MAX_BATCH_MESSAGES = 256  # one write transaction holds at most this many messages' writes
MAX_BATCH_SECONDS = 0.25  # and is committed after this long even if more keep arriving

Job = Callable[[AsyncSession, list[Any]], Awaitable[list[Any]]]
Write = Callable[[AsyncSession], Awaitable[None]]


@dataclass(frozen=True)
class BatchJob:
    """Work done for many messages at once inside the batch's transaction (reports: one
    placement and a few multi-row statements for all of them). ``run`` returns one result
    per item; if it raises, each item is run again alone in a savepoint of its own so the
    failure stays with the item that caused it. ``rolled_back`` is told when a batch that
    ran it failed to commit (caches built while running must be dropped)."""

    run: Job
    rolled_back: Callable[[], None] = lambda: None


@dataclass
class _Item:
    payload: Any
    done: asyncio.Future[Any]
    then: list[Write] = field(default_factory=list)  # the message's deferred writes
    result: Any = None
    error: BaseException | None = None


@dataclass
class _Claim:
    """One message's place in a batch: granted its turn, done with it, then committed."""

    granted: asyncio.Future[AsyncSession]
    released: asyncio.Future[None]
    committed: asyncio.Future[None]


@dataclass
class _Batch:
    claims: list[_Claim] = field(default_factory=list)
    items: list[tuple[BatchJob, list[_Item]]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.claims) + sum(len(items) for _, items in self.items)


@dataclass
class GroupCommit:
    """A single writer task that does, in one write transaction, the batch jobs and the
    turns of the messages waiting, and commits when no one else is waiting (or the batch
    is full or old). Nobody's future resolves before the commit.

    Turns are served in arrival order, so one person's messages (handled one at a time by
    the dispatcher) keep their order. A message holds its turn from its first write until it
    finishes: nothing slow (spaCy, rendering) may follow a message's first write.

    The writer keeps one connection of its own from batch to batch: checking one out of the
    pool for every batch put the only writer in the queue behind every handler's read (on
    PostgreSQL the pool is smaller than the handlers' concurrency)."""

    engine: AsyncEngine
    waiting: deque[_Claim] = field(default_factory=deque)
    jobs: dict[BatchJob, list[_Item]] = field(default_factory=dict)
    task: asyncio.Task[None] | None = None
    connection: AsyncConnection | None = None

    async def _session(self) -> AsyncSession:
        connection = self.connection
        if connection is None or connection.closed or connection.invalidated:
            connection = self.connection = await self.engine.connect()
        return AsyncSession(bind=connection, expire_on_commit=False)

    async def _drop_connection(self) -> None:
        """After a failed batch the connection may be broken: the next batch takes a fresh
        one (checked before use by the pool)."""
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception:
                await connection.invalidate()

    def _wake(self) -> None:
        if self.task is None or self.task.done():
            # a context of its own: the writer is nobody's unit of work
            loop = asyncio.get_running_loop()
            self.task = loop.create_task(self._run(), context=contextvars.Context())

    def claim(self) -> _Claim:
        loop = asyncio.get_running_loop()
        claim = _Claim(loop.create_future(), loop.create_future(), loop.create_future())
        self.waiting.append(claim)
        self._wake()
        return claim

    async def batched(self, job: BatchJob, payload: Any, then: list[Write]) -> Any:
        """The item's result once the batch that ran it (and ``then``) has committed."""
        item = _Item(payload, asyncio.get_running_loop().create_future(), then)
        self.jobs.setdefault(job, []).append(item)
        self._wake()
        return await item.done

    async def _run(self) -> None:
        while self.waiting or self.jobs:
            await self._batch()

    async def _batch(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + MAX_BATCH_SECONDS
        batch = _Batch()
        try:
            async with await self._session() as session, session.begin():
                while (self.waiting or self.jobs) and batch.size < MAX_BATCH_MESSAGES:
                    if self.jobs:
                        jobs, self.jobs = self.jobs, {}
                        for job, items in jobs.items():
                            batch.items.append((job, items))
                            await self._run_job(session, job, items)
                    else:
                        claim = self.waiting.popleft()
                        if await self._serve(session, claim):
                            batch.claims.append(claim)
                    if loop.time() > deadline:
                        break
        except Exception as error:  # the commit failed: nobody in the batch is answered
            log.exception("a batch of %d messages failed to commit", batch.size)
            _failed(batch, error)
            await self._drop_connection()
            return
        _committed(batch)

    async def _run_job(self, session: AsyncSession, job: BatchJob, items: list[_Item]) -> None:
        try:
            async with session.begin_nested():
                for item in items:  # first, as in a turn: the job sees them (a new handle)
                    for write in item.then:
                        await write(session)
                results = await job.run(session, [item.payload for item in items])
            for item, result in zip(items, results, strict=True):
                item.result = result
        except Exception as error:
            if len(items) == 1:
                items[0].error = error
            else:
                for item in items:
                    await self._run_job(session, job, [item])
        finally:
            session.expunge_all()

    async def _serve(self, session: AsyncSession, claim: _Claim) -> bool:
        if claim.granted.cancelled():
            return False  # its message was cancelled while waiting
        claim.granted.set_result(session)
        await asyncio.shield(claim.released)
        session.expunge_all()  # the next message reads rows afresh, not this one's objects
        return True

    async def close(self) -> None:
        if self.task is not None and not self.task.done():
            await asyncio.wait([self.task], timeout=30)
        await self._drop_connection()


def _committed(batch: _Batch) -> None:
    for claim in batch.claims:
        if not claim.committed.done():
            claim.committed.set_result(None)
    for _, items in batch.items:
        for item in items:
            if item.done.done():
                continue
            if item.error is not None:
                item.done.set_exception(item.error)
            else:
                item.done.set_result(item.result)


def _failed(batch: _Batch, error: Exception) -> None:
    for job, _ in batch.items:
        job.rolled_back()
    for claim in batch.claims:
        if not claim.committed.done():
            claim.committed.set_exception(error)
    for _, items in batch.items:
        for item in items:
            if not item.done.done():
                item.done.set_exception(error)


_UNIT: contextvars.ContextVar[Unit | None] = contextvars.ContextVar(
    "groundswell_unit", default=None
)


class Unit:
    """One message's database work. Reads before its first write are short reading
    transactions of their own. Its first ``transaction()`` claims a turn in the group
    commit, and from then on every read and write of the message uses that shared session
    (so it reads its own writes). After a batch job has written for it, its reads share one
    reading transaction until the message ends."""

    def __init__(self, group: GroupCommit, readers: async_sessionmaker[AsyncSession]) -> None:
        self.group = group
        self.readers = readers
        self.owner = asyncio.current_task()
        self.claim: _Claim | None = None
        self.session: AsyncSession | None = None
        self.savepoint: Any = None
        self.wrote = False
        self.reader: AsyncSession | None = None
        self.deferred: list[Write] = []
        self.inline_jobs: list[BatchJob] = []

    async def turn(self) -> AsyncSession:
        if self.session is not None:
            return self.session
        await self._close_reader()  # never hold a pooled connection while waiting to write
        claim = self.group.claim()
        try:
            session = await claim.granted
            self.savepoint = await session.begin_nested()
        except BaseException:  # cancelled or failed: the writer must not wait for us
            if not claim.released.done():
                claim.released.set_result(None)
            raise
        self.claim, self.session = claim, session
        deferred, self.deferred = self.deferred, []
        for write in deferred:
            await write(session)
        return session

    async def reading_session(self) -> AsyncSession:
        if self.reader is None:
            self.reader = self.readers()
            await self.reader.begin()
        return self.reader

    async def _close_reader(self) -> None:
        if self.reader is not None:
            reader, self.reader = self.reader, None
            await reader.close()

    async def finish(self, keep: bool) -> None:
        """Release the savepoint (or roll it back), give up the turn, and when kept wait
        for the batch to commit: the message's replies go out only after that."""
        if keep and self.deferred:
            await self.turn()  # writes left for the end: one turn for all of them
        await self._close_reader()
        if self.claim is None:
            return
        try:
            if keep:
                await self.savepoint.commit()
            else:
                await self.savepoint.rollback()
        except BaseException:
            if self.savepoint.is_active:
                await self.savepoint.rollback()
            raise
        finally:
            if not self.claim.released.done():
                self.claim.released.set_result(None)
        if keep:
            try:
                await self.claim.committed
            except BaseException:
                self.rolled_back()
                raise
        else:
            self.rolled_back()

    def rolled_back(self) -> None:
        for job in self.inline_jobs:
            job.rolled_back()


def current_unit() -> Unit | None:
    unit = _UNIT.get()
    return unit if unit is not None and unit.owner is asyncio.current_task() else None


class Database:
    """Owns the engine; hands out sessions that commit or roll back as a unit."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        readers = self.engine.execution_options(**READS_ONLY)
        self.reader_sessions = async_sessionmaker(readers, expire_on_commit=False)
        self.group = GroupCommit(self.engine)
        self.counters: list[TransactionCount] = []  # counting_transactions' open counts
        event.listen(self.engine.sync_engine, "begin", self._begun)

    def _begun(self, connection: Any) -> None:
        reads = connection.get_execution_options().get("groundswell_reads_only", False)
        for count in self.counters:
            count.add(reads=reads)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def migrate(self) -> None:
        """Bring the schema to the newest revision; safe to call from several processes."""
        if self.dialect == "postgresql":
            async with self.engine.begin() as connection:
                await _migrate_postgres(connection)
            return
        async with _file_lock(_sqlite_lock_path(self.url)), self.engine.begin() as connection:
            await connection.run_sync(_upgrade)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """Commit on success: callers acknowledge only after this block exits. Inside a
        message's unit the block is a savepoint of the message's batch instead, committed
        before the message finishes."""
        unit = current_unit()
        if unit is not None:  # the message's savepoint rolls back if anything fails
            yield await unit.turn()
            return
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A transaction that only reads: on SQLite it does not wait for the write lock, on
        PostgreSQL it is READ ONLY, so a write slipped in fails in the tests on PostgreSQL.
        A message that has written already reads in its own batch's session (its writes)."""
        unit = current_unit()
        if unit is not None and unit.session is not None:
            yield unit.session
            return
        if unit is not None and unit.wrote:
            yield await unit.reading_session()
            return
        async with self.reader_sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Unit]:
        """One message's work: its writes join the group commit, and leaving the block
        waits for their commit. If the block raises, the message's writes are rolled back
        and the rest of its batch commits."""
        unit = Unit(self.group, self.reader_sessions)
        token = _UNIT.set(unit)
        try:
            try:
                yield unit
            except BaseException:
                await unit.finish(keep=False)
                raise
            await unit.finish(keep=True)
        finally:
            _UNIT.reset(token)

    async def batched(self, job: BatchJob, payload: Any) -> Any:
        """Run ``job`` for this item with others' in the next batch; returns after commit.
        A message already holding its turn runs it there (the batch is waiting for it), in
        a savepoint of its own as the writer does: a failed job (a redelivery's duplicate
        key) then leaves the message's session usable, so the caller can recover from it.
        If the item fails, the message's deferred writes handed to it were rolled back with
        it: they are the message's again, done with its next write or at its end."""
        unit = current_unit()
        if unit is None:
            return await self.group.batched(job, payload, [])
        if unit.session is not None:
            unit.inline_jobs.append(job)
            async with unit.session.begin_nested():
                [result] = await job.run(unit.session, [payload])
            return result
        then, unit.deferred = unit.deferred, []
        try:
            result = await self.group.batched(job, payload, then)
        except BaseException:
            unit.deferred[:0] = then
            raise
        unit.wrote = True
        return result

    async def write_later(self, write: Write) -> None:
        """A small write whose result nobody reads in this message (conversation state):
        in a message's unit it rides along with the message's next write, or is done at
        its end, still before the reply goes out; elsewhere it is done now."""
        unit = current_unit()
        if unit is None:
            async with self.transaction() as session:
                await write(session)
        elif unit.session is not None:
            await write(unit.session)
        else:
            unit.deferred.append(write)

    @property
    def in_unit(self) -> bool:
        """True when the current task's writes go through the group commit, which already
        serialises them: in-process locks around writes must not be waited for inside."""
        return current_unit() is not None

    async def close(self) -> None:
        await self.group.close()
        await self.engine.dispose()


@dataclass
class TransactionCount:
    reads: int = 0
    writes: int = 0

    @property
    def total(self) -> int:
        return self.reads + self.writes

    def add(self, reads: bool) -> None:
        if reads:
            self.reads += 1
        else:
            self.writes += 1


@contextmanager
def counting_transactions(db: Database) -> Iterator[TransactionCount]:
    """Counts the transactions (connection-level BEGINs; savepoints are not transactions)
    the engine starts meanwhile, reads and writes apart: the test that keeps the count per
    message from creeping back and the load benchmark's table both use it. The engine's
    one listener (``Database._begun``) is permanent: adding or removing one while another
    task's BEGIN is under way (SQLite's begin listener awaits the driver) broke that
    dispatch ("deque mutated during iteration") and failed a background re-cluster."""
    count = TransactionCount()
    db.counters.append(count)
    try:
        yield count
    finally:
        db.counters.remove(count)
