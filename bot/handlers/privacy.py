"""/forget and /mydata: a person's right to erase and to see what is held about them."""

from __future__ import annotations

import json

from bot.context import Context
from bot.handlers.conversation import clear_state, set_state
from bot.messages import Button, OutFile, Reply


async def forget(ctx: Context) -> list[Reply]:
    if ctx.caller.person_id is None:
        return [Reply("I don't hold anything about you.")]
    await set_state(ctx, "confirm_forget")
    buttons = (Button("Yes, delete everything", "forget:yes"), Button("Cancel", "forget:no"))
    return [
        Reply(
            "This deletes everything I hold about you: your reports, “me too”s, circles and "
            "settings. It can't be undone. Are you sure?",
            buttons=buttons,
        )
    ]


async def confirm_forget(ctx: Context) -> list[Reply]:
    confirmed = ctx.incoming.button_data == "forget:yes" and ctx.state == "confirm_forget"
    if not confirmed or ctx.caller.person_id is None:
        await clear_state(ctx)
        return [Reply("Okay, nothing was deleted.")]
    await ctx.services.people.forget(ctx.caller.person_id)
    return [Reply("Done. Everything I held about you is deleted. Goodbye, and good luck.")]


async def mydata(ctx: Context) -> list[Reply]:
    if ctx.caller.person_id is None:
        return [Reply("I don't hold anything about you.")]
    if not ctx.incoming.is_private:
        return [Reply("I'll only show your data in a private chat with me.")]
    data = await ctx.services.people.export(ctx.caller.person_id)
    content = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
    file = OutFile("my-groundswell-data.json", content, "application/json")
    return [Reply("Here is everything I hold about you.", files=(file,))]
