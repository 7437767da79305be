"""A fork server for the SIGKILL test: loads the model once, then forks one ingesting child
per request, so the test can kill and restart the bot many times without paying seconds
of start-up for each restart.

Each child is the real bot as ``groundswell chat`` runs it (App, Runtime, Dispatcher and the
console adapter reading a script of lines), except that the console's message ids come from
the line's position in the script. That is what a platform gives: a message re-sent after a
restart carries the id it had before.

Protocol (stdin/stdout, one JSON object a line):
  request  {"database_url", "lines" (file), "start" (lines already done), "out" (file), "user"}
  replies  {"pid": N} once the child runs, then {"exit": status} when it ends (or is killed).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import replace
from typing import Any, TextIO

from rich.console import Console
from spacy.language import Language

from adapters.console import ConsoleAdapter
from bot.app import App
from bot.messages import Incoming
from bot.ports import Submit
from config.settings import load_settings
from groundswell.runtime import Runtime
from nlp.model import load_model


class ResumingConsole(ConsoleAdapter):
    """Numbers message ids by line of the whole script, wherever this run starts."""

    def __init__(self, submit: Submit, user: str, console: Console, first_line: int) -> None:
        super().__init__(submit, user, console=console)
        self.line_number = first_line

    def to_incoming(self, line: str) -> Incoming:
        self.line_number += 1
        return replace(super().to_incoming(line), message_id=f"line-{self.line_number}")


async def ingest(request: dict[str, Any], nlp: Language, out: TextIO, script: TextIO) -> None:
    settings = load_settings(
        _env_file=None,
        database_url=request["database_url"],
        rate_limit_per_minute=10_000_000,  # this test is about crashes, not about floods
    )
    app = await App.create(settings, nlp=nlp)
    runtime = Runtime(app)
    printer = Console(file=out, width=100_000, highlight=False, soft_wrap=True)
    console = ResumingConsole(runtime.dispatcher.submit, request["user"], printer, request["start"])
    runtime.add(console)
    await runtime.start()
    for _ in range(request["start"]):
        script.readline()
    await console.run(runtime.dispatcher.join, script)
    await runtime.stop()


def child(request: dict[str, Any], nlp: Language) -> int:
    """One bot process, from a fresh event loop; acknowledgements go to the run's file."""
    try:
        with (
            open(request["out"], "a", encoding="utf-8", buffering=1) as out,
            open(request["lines"], encoding="utf-8") as script,
        ):
            asyncio.run(ingest(request, nlp, out, script))
    except BaseException as problem:  # report, never fall back into the server loop
        print(f"ingest failed: {problem!r}", file=sys.stderr, flush=True)
        return 1
    return 0


def serve(nlp: Language) -> None:
    for raw in sys.stdin:
        request = json.loads(raw)
        pid = os.fork()
        if pid == 0:
            os._exit(child(request, nlp))
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"exit": status}), flush=True)


if __name__ == "__main__":
    model = load_model("auto")
    print(json.dumps({"ready": True}), flush=True)
    serve(model)
