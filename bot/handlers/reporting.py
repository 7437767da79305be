"""Reporting a barrier: /report, plain text with a one-tap confirm, /mine and /withdraw."""

from __future__ import annotations

from bot.context import Context
from bot.handlers.args import parse_number
from bot.handlers.conversation import clear_state, set_state
from bot.handlers.introductions import after_report, now_shown
from bot.handlers.safety import answer, resolve, screen
from bot.messages import Button, Reply
from bot.services.reports import ReportOutcome, ReportRejected, check_text
from bot.services.visible import ThemeView
from bot.visibility import NOT_YET_SHOWN
from nlp.analysis import Analysis


def not_alone(outcome: ReportOutcome, view: ThemeView | None) -> str:
    """Truthful without a number below the threshold: a hidden theme gets no count, no
    label and no "you're the first" (which would itself be a count)."""
    head = f"Thank you, your report is saved (#{outcome.report_id})."
    if outcome.theme_id == 0:
        return (
            f"{head} It doesn't look like a workplace barrier to me, so it isn't counted in "
            "any theme; an organiser will look at it. If it is one, tell me a little more."
        )
    if view is None:
        return f"{head} {NOT_YET_SHOWN}"
    places = "place" if view.places == 1 else "places"
    return (
        f"{head} It joined theme #{view.theme_id}: “{view.title}”. {view.people} people in "
        f"{view.places} {places} share it. You're not alone."
    )


async def _store(ctx: Context, text: str, analysis: Analysis | None = None) -> list[Reply]:
    try:
        outcome = await ctx.services.reports.submit(ctx.caller, ctx.incoming, text, analysis)
    except ReportRejected as problem:
        return [Reply(str(problem))]
    view = outcome.view
    first = Reply(not_alone(outcome, view))
    return [first, *await now_shown(ctx, outcome, view), *await after_report(ctx, outcome, view)]


async def report(ctx: Context) -> list[Reply]:
    if not ctx.args:
        return [Reply("Tell me the barrier after the command, e.g. /report The rules stop us…")]
    try:
        text = check_text(ctx.args, ctx.services.settings.max_report_chars)
    except ReportRejected as problem:
        replies = [Reply(str(problem))]
    else:
        [analysis] = await ctx.services.nlp.analyse([text])  # one parse: screen and theme
        replies = await answer(ctx, text, analysis.concern) or await _store(ctx, text, analysis)
    if not ctx.incoming.is_private:
        replies.append(Reply("Tip: next time, message me privately; reports are safer there."))
    return replies


async def plain_text(ctx: Context) -> list[Reply]:
    """Typed text in a private chat becomes a report after one tap, never silently."""
    try:
        text = check_text(ctx.incoming.text, ctx.services.settings.max_report_chars)
    except ReportRejected as problem:
        return [Reply(str(problem))]
    screened = await screen(ctx, text)
    if screened is not None:
        return screened
    await set_state(ctx, "confirm_report", {"text": text})
    buttons = (Button("Yes, save it", "report:yes"), Button("No", "report:no"))
    return [Reply("Shall I save that as a barrier report?", buttons=buttons)]


async def confirm_report(ctx: Context) -> list[Reply]:
    text = ctx.state_data.get("text") if ctx.state == "confirm_report" else None
    await clear_state(ctx)
    if ctx.incoming.button_data != "report:yes" or not isinstance(text, str):
        return [Reply("Okay, not saved.")]
    return await _store(ctx, text)


async def safety_answer(ctx: Context) -> list[Reply]:
    """After a crisis or safeguarding reply: keep what the person chose, or nothing."""
    chosen = await resolve(ctx)
    return await _store(ctx, chosen) if isinstance(chosen, str) else chosen


async def mine(ctx: Context) -> list[Reply]:
    assert ctx.caller.person_id is not None
    rows = await ctx.services.reports.mine(ctx.caller.person_id)
    if not rows:
        return [Reply("You haven't reported anything yet. Just type what's in your way.")]
    steps = await ctx.services.campaigns.steps([t for _, t in rows if t], per_theme=1)
    lines = ["Your reports (only you see these):"]
    for report, theme_id in rows:
        latest = steps.get(theme_id or 0)
        status = f", campaign: {latest[0].status} {latest[0].at:%d %b}" if latest else ""
        theme = f" (theme #{theme_id}{status})" if theme_id else ""
        lines.append(f"#{report.id}{theme} {report.created_at:%d %b}: {report.text}")
    lines.append("Withdraw one with its button or /withdraw N.")
    shown = rows[-MAX_WITHDRAW_BUTTONS:]  # the newest, within every platform's button limit
    buttons = tuple(Button(f"Withdraw #{r.id}", f"withdraw:ask:{r.id}") for r, _ in shown)
    return [Reply("\n".join(lines), buttons=buttons)]


MAX_WITHDRAW_BUTTONS = 10
EXCERPT_CHARS = 60


async def withdraw(ctx: Context) -> list[Reply]:
    assert ctx.caller.person_id is not None
    number = parse_number(ctx.args)
    if number is None:
        return [Reply("Which report? Use /withdraw N with a number from /mine.")]
    return await _withdrawn(ctx, ctx.caller.person_id, number)


async def withdraw_button(ctx: Context) -> list[Reply]:
    """``withdraw:ask:N`` (from /mine) asks first; ``withdraw:yes:N`` deletes, ``no`` keeps.
    The data only ever names a report of the tapper's own (``withdraw`` checks), and like
    /mine it is answered only in a private chat, where the report's words may be shown."""
    person_id = ctx.caller.person_id
    _, verb, raw = [*(ctx.incoming.button_data or "").split(":", 2), "", ""][:3]
    number = parse_number(raw)
    if person_id is None or number is None or verb not in {"ask", "yes", "no"}:
        return [Reply("Which report? /mine lists them.")]
    if not ctx.incoming.is_private:
        return [Reply("Please use /mine in a private chat with me.")]
    if verb == "no":
        return [Reply(f"Okay, report #{number} stays.")]
    if verb == "yes":
        return await _withdrawn(ctx, person_id, number)
    return await _ask_withdraw(ctx, person_id, number)


async def _ask_withdraw(ctx: Context, person_id: int, number: int) -> list[Reply]:
    report = next(
        (r for r, _ in await ctx.services.reports.mine(person_id) if r.id == number), None
    )
    if report is None:
        return [Reply(f"I couldn't find a report #{number} of yours. /mine lists them.")]
    excerpt = (
        report.text if len(report.text) <= EXCERPT_CHARS else report.text[:EXCERPT_CHARS] + "…"
    )
    buttons = (
        Button(f"Yes, withdraw #{number}", f"withdraw:yes:{number}"),
        Button("No, keep it", f"withdraw:no:{number}"),
    )
    text = f"Withdraw report #{number} (“{excerpt}”)? It is deleted for good."
    return [Reply(text, buttons=buttons)]


async def _withdrawn(ctx: Context, person_id: int, number: int) -> list[Reply]:
    if await ctx.services.reports.withdraw(person_id, number):
        return [Reply(f"Report #{number} is withdrawn and deleted.")]
    return [Reply(f"I couldn't find a report #{number} of yours. /mine lists them.")]
