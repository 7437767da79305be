"""Run the database-backed tests on SQLite *and* PostgreSQL.

``database_url`` is parametrised over both backends. A PostgreSQL test gets a brand-new
database with a random name (created through the ``postgres`` maintenance database and
dropped afterwards), so tests never see each other's rows and need no cleanup order.

When no server answers at ``GROUNDSWELL_TEST_POSTGRES_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/test``) the PostgreSQL half is skipped, and
the end of the run says so in one line: a missing server must never look like a pass.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
BACKENDS = ("sqlite", pytest.param("postgresql", marks=pytest.mark.postgres))
_status: dict[str, str | None] = {}
_ran: dict[str, int] = {"postgresql": 0, "skipped": 0}


def postgres_base_url() -> URL:
    return make_url(os.environ.get("GROUNDSWELL_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))


def _dsn(url: URL, database: str) -> str:
    """asyncpg speaks plain ``postgresql://``; SQLAlchemy's driver suffix must go."""
    plain = url.set(drivername="postgresql", database=database)
    return plain.render_as_string(hide_password=False)


async def postgres_problem() -> str | None:
    """None when the server answers; otherwise why not, once per test session."""
    if "problem" not in _status:
        url = postgres_base_url()
        try:
            conn = await asyncpg.connect(_dsn(url, "postgres"), timeout=3)
            await conn.close()
            _status["problem"] = None
        except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
            where = url.render_as_string(hide_password=True)
            _status["problem"] = f"PostgreSQL not reachable at {where}: {exc}"
    return _status["problem"]


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty database for one test; dropped (even if still connected) afterwards."""
    base = postgres_base_url()
    name = f"gs_test_{secrets.token_hex(6)}"
    admin = await asyncpg.connect(_dsn(base, "postgres"), timeout=10)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of an empty database of the requested backend, private to this test."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'groundswell.db'}"
        return
    problem = await postgres_problem()
    if problem is not None:
        _ran["skipped"] += 1
        pytest.skip(problem)
    _ran["postgresql"] += 1
    async with fresh_postgres_database() as url:
        yield url


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line, always, saying whether the PostgreSQL half really ran."""
    if _ran["skipped"]:
        terminalreporter.write_line(
            f"PostgreSQL: {_ran['skipped']} tests SKIPPED - {_status.get('problem')}. "
            "Start a server (scripts/ensure-postgres) or set GROUNDSWELL_TEST_POSTGRES_URL.",
            yellow=True,
            bold=True,
        )
    elif _ran["postgresql"]:
        where = postgres_base_url().render_as_string(hide_password=True)
        terminalreporter.write_line(f"PostgreSQL: {_ran['postgresql']} tests ran on {where}.")
