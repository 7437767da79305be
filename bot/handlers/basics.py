"""/help, and what happens with messages no command or conversation claims."""

from __future__ import annotations

from bot.context import Context
from bot.handlers import chats
from bot.messages import EventKind, Reply
from bot.router import Command, Handler, visible_commands

WHAT_FOR = (
    "Groundswell helps you find people who face the same barriers. It is for reporting, "
    "privately, what gets in the way of your work in public services (a rule, a system, a "
    "policy): I group the reports into shared themes so the people facing them can push for "
    "change together, and tell you what came of it. Send /start to begin; I'll first explain "
    "what I keep."
)


def help_text(commands: list[Command], ctx: Context) -> str:
    """Someone who has not sent /start is told first what the bot is for."""
    head = (
        WHAT_FOR
        if not ctx.caller.onboarded
        else "Groundswell helps you find people who face the same barriers."
    )
    lines = [head, "Commands:"]
    for command in visible_commands(commands, ctx.caller.role):
        usage = f" {command.usage}" if command.usage else ""
        lines.append(f"/{command.name}{usage} — {command.summary}")
    if not ctx.caller.onboarded:
        lines.append("Start with /start.")
    return "\n".join(lines)


EDITS_NOT_READ = (
    "I don't re-read edited messages: anything already saved stays as you first sent it."
)


async def _edited(ctx: Context, plain_text: Handler) -> list[Reply]:
    """Say that edits are not re-read; offer to save the new text as a report."""
    text = ctx.incoming.text.strip()
    if not text or text.startswith("/") or not ctx.caller.onboarded:
        return [Reply(EDITS_NOT_READ)]
    return [Reply(EDITS_NOT_READ), *await plain_text(ctx)]


async def fallback(ctx: Context) -> list[Reply]:
    from bot.handlers.reporting import plain_text

    incoming = ctx.incoming
    if incoming.kind is EventKind.UNSUPPORTED:
        return (
            [Reply("I can only read text for now. Please type your message.")]
            if incoming.is_private
            else []
        )
    if incoming.kind in chats.KINDS:
        return await chats.chat_event(ctx)
    if incoming.kind is EventKind.EDITED:
        return await _edited(ctx, plain_text) if incoming.is_private else []
    if incoming.kind is not EventKind.TEXT or not incoming.is_private:
        return []  # group talk is never stored or answered
    if incoming.text.strip().startswith("/"):
        return [Reply("I don't know that command. /help lists what I can do.")]
    if not ctx.caller.onboarded:
        return [Reply("Hello! Send /start and I'll explain what I do and what I keep.")]
    return await plain_text(ctx)
