"""The answer to a message that is not a barrier report as it stands (nlp/safety.py).

- A crisis gets help first, in plain words, with the configured routes (Samaritans, NHS 111,
  999 by default), and is kept only if the person then says so.
- A safeguarding disclosure gets how to raise it properly. Its words never reach themes,
  quotes or digests: the person may file it as a barrier without details, which stores a
  fixed sentence, not what they wrote.
- Abusive text is refused politely and stored nowhere, so it is never clustered.

Until the person answers, the text waits in their conversation state (like any report
awaiting its confirm tap). Organisers see only counts of such messages, never their text;
no log line carries it.
"""

from __future__ import annotations

from bot.context import Context
from bot.handlers.conversation import clear_state, set_state
from bot.messages import Button, Reply
from bot.services.safety import BARRIER_WITHOUT_DETAILS, FILED
from bot.visibility import Visibility
from nlp.safety import Concern

STATE = "safety"
SAFEGUARDING_ROUTES = (
    "What you describe sounds like a safeguarding concern: someone in care may be at risk "
    "of harm. It needs to go to people who can act on it, not into a campaign theme.\n"
    "• Your employer's safeguarding lead (or the manager on duty, or their manager if they "
    "are involved).\n"
    "• The local authority's adult or children's safeguarding team: search your council's "
    'name and "report abuse". If someone is in danger now, call 999.\n'
    "• CQC (England), Care Inspectorate Wales or Scotland, or RQIA (Northern Ireland): they "
    "take concerns about care services.\n"
    "• Protect, the whistleblowing charity, gives free confidential advice on raising it "
    "safely: 020 3117 2520, protect-advice.org.uk.\n"
    "I haven't saved anything. If it helps, I can file it as a barrier without any of your "
    "details or words (that it was hard to raise a safeguarding concern at work)."
)
REFUSED = (
    "I can't keep messages like that one. If something at work is getting in your way, tell "
    "me about it in your own words and I'll keep it."
)


def crisis_text(help_lines: list[str]) -> str:
    lines = "\n".join(f"• {line}" for line in help_lines)
    return (
        "I'm sorry you're going through this. You don't have to cope with it on your own, "
        f"and you can talk to someone right now:\n{lines}\n"
        "If you can, tell someone you trust how you feel today.\n"
        "I haven't saved your message. Would you like me to keep it as a report about work, "
        "or leave it?"
    )


async def screen(ctx: Context, text: str) -> list[Reply] | None:
    """The reply for a message of concern, or None when it is an ordinary report."""
    [concern] = await ctx.services.nlp.assess([text])
    return await answer(ctx, text, concern)


async def answer(ctx: Context, text: str, concern: Concern | None) -> list[Reply] | None:
    """The reply for a concern already found (``screen``, or a report's own analysis)."""
    if concern is None:
        return None
    await ctx.services.safety.record(concern)
    if concern is Concern.ABUSE:
        return [Reply(REFUSED)]
    await set_state(ctx, STATE, {"text": text, "concern": concern.value})
    if concern is Concern.CRISIS:
        buttons = (Button("Keep it as a report", "safety:keep"), Button("Leave it", "safety:no"))
        return [Reply(crisis_text(ctx.services.settings.crisis_help), buttons=buttons)]
    buttons = (
        Button("File as a barrier, no details", "safety:file"),
        Button("Don't keep anything", "safety:no"),
    )
    return [Reply(SAFEGUARDING_ROUTES, buttons=buttons)]


async def resolve(ctx: Context) -> str | list[Reply]:
    """The tap after a crisis or safeguarding reply: the text to store as a report (theirs
    after a crisis, the fixed one for a safeguarding concern), or the reply when nothing is
    kept."""
    data = ctx.state_data if ctx.state == STATE else {}
    await clear_state(ctx)
    choice = (ctx.incoming.button_data or "").partition(":")[2]
    text, concern = data.get("text"), data.get("concern")
    if choice == "keep" and concern == Concern.CRISIS.value and isinstance(text, str):
        return text
    if choice == "file" and concern == Concern.SAFEGUARDING.value:
        await ctx.services.safety.record_filed()
        return BARRIER_WITHOUT_DETAILS
    return [Reply("Okay, nothing is kept. Take care, and message me whenever you want.")]


KINDS = (
    (Concern.CRISIS.value, "crisis messages (help lines given first)"),
    (Concern.SAFEGUARDING.value, "safeguarding disclosures (told how to raise them)"),
    (FILED, "of those, filed as a barrier without details"),
    (Concern.ABUSE.value, "abusive messages refused"),
)


def counts_text(counts: dict[str, int], days: int, min_people: int) -> str:
    """Counts only, and below ``min_people`` not even the count."""
    rule = Visibility(min_people)
    lines = [f"Messages of concern in the last {days} days (counts only; no text is kept):"]
    for kind, label in KINDS:
        count = counts.get(kind, 0)
        hidden = count > 0 and rule.number(count) is None
        shown = f"fewer than {min_people}" if hidden else str(count)
        lines.append(f"• {shown} {label}")
    return "\n".join(lines)


async def safety_counts(ctx: Context) -> list[Reply]:
    """/safety [DAYS]: for organisers."""
    arg = ctx.args.strip().removesuffix("d")
    days = int(arg) if arg.isdigit() and 0 < int(arg) <= 3660 else 30
    counts = await ctx.services.safety.counts(days)
    return [Reply(counts_text(counts, days, ctx.services.settings.min_people))]
