"""What each `groundswell` sub-command does."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from adapters.console import ConsoleAdapter
from bot.app import App
from bot.batch import export_reports, import_csv
from bot.context import Caller
from bot.digests.export import render_csv, render_html
from bot.digests.render import render_json, render_markdown, render_text
from bot.digests.scope import DigestRequest, ScopeError, period
from bot.ports import AdapterStartError
from bot.roles import Role
from bot.services.digests import Refused
from config.settings import Settings
from groundswell.platforms import PLACES, configured_platforms
from groundswell.runtime import Runtime
from storage.locks import LockBusy

err = Console(stderr=True, highlight=False)
OPERATOR = Caller(person_id=None, role=Role.ORGANISER)
"""Whoever runs the CLI has the database itself, so sees what an organiser sees."""


class CliError(Exception):
    """A friendly one-line failure of a CLI command."""


async def chat(args: argparse.Namespace, settings: Settings) -> int:
    app = await App.create(settings, places=PLACES)
    runtime = Runtime(app)
    console = ConsoleAdapter(runtime.dispatcher.submit, args.user, args.chat)
    runtime.add(console)
    await runtime.start()
    try:
        await console.run(runtime.dispatcher.join)
    finally:
        await runtime.stop()
    return 0


async def run(args: argparse.Namespace, settings: Settings) -> int:
    platforms = configured_platforms(settings)
    if not platforms:
        err.print("No platform token set: starting the console chat. Ctrl-D to leave.")
        args.chat = None
        return await chat(args, settings)
    app = await App.create(settings, places=PLACES)
    runtime = Runtime(app)
    for entry in platforms:
        runtime.add(runtime.build(entry))
    try:
        await runtime.serve_forever()
    except AdapterStartError as problem:
        raise CliError(str(problem)) from None
    return 0


async def import_reports(args: argparse.Namespace, settings: Settings) -> int:
    if not args.file.exists():
        raise CliError(f"no such file: {args.file}")
    app = await App.create(settings, places=PLACES)
    try:
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("Importing", total=None)
            result = await import_csv(app, args.file, lambda n: progress.advance(task, n))
    except (ValueError, UnicodeDecodeError) as problem:
        raise CliError(str(problem)) from None
    finally:
        await app.close()
    for line in [*result.problems, *result.notes]:
        err.print(line)
    print(result.summary())
    return 0 if not result.problems else 1


async def recluster(args: argparse.Namespace, settings: Settings) -> int:
    app = await App.create(settings, places=PLACES)
    try:
        summary = await app.services.reclusterer.run()
    except LockBusy as busy:
        raise CliError(f"another process is re-clustering ({busy}); try again later") from None
    finally:
        await app.close()
    print(
        f"Re-clustered {summary.reports} reports: {summary.themes_before} themes before, "
        f"{summary.themes_after} after ({summary.kept_ids} kept their ids), "
        f"{summary.subthemes_after} sub-themes ({summary.kept_subtheme_ids} kept their ids)."
    )
    return 0


RENDERERS = {
    "md": render_markdown,
    "csv": render_csv,
    "json": render_json,
    "html": render_html,
    "text": render_text,
}


async def digest(args: argparse.Namespace, settings: Settings) -> int:
    """The same request, period and scope rules as /digest, for an operator who sees all.
    The period is worked out once, before the database is opened, so a bad ``--since``
    fails fast; the scope is resolved as /digest resolves it."""
    request = DigestRequest(circle=args.circle, place=args.place, since=args.since)
    try:
        start, end = period(request.since, datetime.now(UTC), settings.zone)
    except ScopeError as problem:
        raise CliError(f"--since: {problem}") from None
    app = await App.create(settings, places=PLACES)
    try:
        scope, label = await app.services.digest_requests.resolve(OPERATOR, request)
        built = await app.services.digests.build(scope, label, start, end)
    except Refused as refusal:
        raise CliError(str(refusal)) from None
    finally:
        await app.close()
    _write(RENDERERS[args.format](built), args.out)
    return 0


async def export(args: argparse.Namespace, settings: Settings) -> int:
    app = await App.create(settings, places=PLACES)
    try:
        text = await export_reports(app, args.format)
    finally:
        await app.close()
    _write(text, args.out)
    return 0


def _write(text: str, out: Path | None) -> None:
    if out is None:
        print(text)
        return
    out.write_text(text, encoding="utf-8")
    err.print(f"Written to {out}")
