"""Engine, sessions and migrations. SQLite (WAL) by default, PostgreSQL on the same code.

Several processes (one per platform, plus a re-clustering worker) may share one database,
so migrating is serialised between them: on PostgreSQL by a transaction-scoped advisory
lock, on SQLite by an exclusive lock on a file next to the database.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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


class Database:
    """Owns the engine; hands out sessions that commit or roll back as a unit."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        readers = self.engine.execution_options(**READS_ONLY)
        self.reader_sessions = async_sessionmaker(readers, expire_on_commit=False)

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
        """Commit on success: callers acknowledge only after this block exits."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A transaction that only reads: on SQLite it does not wait for the write lock, on
        PostgreSQL it is READ ONLY, so a write slipped in fails in the tests on PostgreSQL."""
        async with self.reader_sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        await self.engine.dispose()
