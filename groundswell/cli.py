"""The `groundswell` command. Settings are validated once here; problems become one line
on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from config.settings import Settings, SettingsError, load_settings
from groundswell import cli_commands as commands
from groundswell.cli_commands import CliError
from nlp.model import ModelNotFound

Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="groundswell", description=__doc__)
    parser.add_argument("--config", type=Path, help="TOML settings file")
    parser.add_argument("--verbose", action="store_true", help="log at DEBUG")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="start every adapter with a token; else the console chat")
    run.add_argument("--user", default="you", help="console user when no token is set")
    chat = sub.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", required=True)
    chat.add_argument("--chat", help="a group chat name (default: a private chat)")
    imp = sub.add_parser("import", help="import reports from a CSV file")
    imp.add_argument("file", type=Path)
    sub.add_parser("recluster", help="re-cluster all reports into themes")
    digest = sub.add_parser("digest", help="print or save a shared-demand digest")
    digest.add_argument("--since", default="30d")
    digest.add_argument("--circle")
    digest.add_argument("--place")
    digest.add_argument("--format", default="md", choices=sorted(commands.RENDERERS))
    digest.add_argument("--out", type=Path)
    export = sub.add_parser("export", help="export data")
    export.add_argument("what", choices=["reports"])
    export.add_argument("--format", default="csv", choices=["csv", "json"])
    export.add_argument("--out", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    try:
        settings = load_settings(args.config)
        return asyncio.run(COMMANDS[args.command](args, settings))
    except SettingsError as problem:
        print(f"groundswell: {problem}", file=sys.stderr)
        return 2
    except ModelNotFound as problem:
        print(f"groundswell: {problem}", file=sys.stderr)
        return 3
    except CliError as problem:
        print(f"groundswell: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


COMMANDS: dict[str, Command] = {
    "run": commands.run,
    "chat": commands.chat,
    "import": commands.import_reports,
    "recluster": commands.recluster,
    "digest": commands.digest,
    "export": commands.export,
}
