"""/place merge UNKNOWN into KNOWN: an organiser folds a mistyped or unknown place into a
gazetteer place, so one place is not counted as two."""

from __future__ import annotations

import re

from bot.context import Context
from bot.messages import Reply
from bot.places import PlaceError
from bot.services.places import PlaceMergeError

PLACE_USAGE = "Use /place merge PLACE into KNOWN PLACE, e.g. /place merge Newcastel into Newcastle."
_MERGE = re.compile(r"merge\s+(?P<old>.+?)\s+into\s+(?P<new>.+)", re.IGNORECASE)


async def place(ctx: Context) -> list[Reply]:
    match = _MERGE.fullmatch(ctx.args.strip())
    if match is None:
        return [Reply(PLACE_USAGE)]
    actor = f"{ctx.incoming.platform}:{ctx.incoming.user_id}"
    try:
        typed, known, changed = await ctx.services.places.merge(actor, match["old"], match["new"])
    except (PlaceMergeError, PlaceError) as problem:
        return [Reply(str(problem))]
    if not changed:
        return [Reply(f"No one's place is “{typed}”; nothing changed.")]
    return [
        Reply(
            f"“{typed}” now counts as {known.name} everywhere: digests, circles and "
            "introductions. The merge is logged."
        )
    ]
