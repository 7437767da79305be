"""/digest: the shared-demand digest, for organisers (everything) and coordinators (their
circle). Anyone else gets the same polite refusal, which reveals nothing: not whether a
circle exists, nor whether there is anything to see."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.context import Context
from bot.digests.export import export_files
from bot.digests.render import count, header, render_text
from bot.digests.scope import ScopeError, parse_request
from bot.messages import Reply
from bot.roles import REFUSAL
from bot.services.digests import Refused


async def digest(ctx: Context) -> list[Reply]:
    if not (ctx.caller.is_organiser or ctx.caller.coordinates):
        return [Reply(REFUSAL)]
    try:
        request = parse_request(ctx.args)
        built = await ctx.services.digest_requests.build(ctx.caller, request, datetime.now(UTC))
    except ScopeError as problem:
        return [Reply(str(problem))]
    except Refused as refusal:
        return [Reply(str(refusal))]
    if not request.export:
        return [Reply(render_text(built))]
    files = await asyncio.to_thread(export_files, built)
    summary = (
        f"{count(len(built.themes), 'theme')}; the files follow (Markdown, CSV, JSON, HTML, chart)."
    )
    return [Reply(f"{header(built)}. {summary}", files=files)]
