"""The explicit command registry: every command, who may run it, and where."""

from __future__ import annotations

from bot.context import Context
from bot.handlers import (
    basics,
    campaigns,
    circles,
    digest,
    onboarding,
    places,
    privacy,
    reporting,
    themes,
)
from bot.handlers.curation import hide, theme
from bot.handlers.discovery import join_button
from bot.handlers.introductions import answer as intro_answer
from bot.handlers.introductions import offers
from bot.handlers.roles import answer_invitation, appoint, coordinators, unappoint
from bot.handlers.safety import safety_counts
from bot.handlers.schedule import schedule
from bot.messages import ChatKind, Reply
from bot.roles import Role
from bot.router import ButtonRoute, Command, Router, StateRoute

PRIVATE = (ChatKind.PRIVATE,)
GROUP = (ChatKind.GROUP,)
EVERY_CHAT = (ChatKind.PRIVATE, ChatKind.GROUP)


def core_commands() -> list[Command]:
    anyone, member, coord = Role.STRANGER, Role.MEMBER, Role.COORDINATOR
    return [
        Command(
            "start",
            onboarding.start,
            "agree to the notice and set up",
            anyone,
            about_caller=True,
            menus=PRIVATE,
        ),
        Command(
            "report",
            reporting.report,
            "tell me about a barrier",
            member,
            usage="TEXT",
            personal=True,
            quiet=True,
            menus=PRIVATE,
        ),
        Command(
            "mine",
            reporting.mine,
            "your reports",
            member,
            private_only=True,
            personal=True,
            about_caller=True,
            menus=PRIVATE,
        ),
        Command(
            "withdraw",
            reporting.withdraw,
            "delete one of your reports",
            member,
            private_only=True,
            usage="N",
            personal=True,
            about_caller=True,
            menus=PRIVATE,
        ),
        Command("themes", themes.themes, "barriers others share", member, menus=PRIVATE),
        Command(
            "metoo",
            themes.metoo,
            "add your voice to a theme",
            member,
            usage="N",
            personal=True,
            about_caller=True,
            menus=PRIVATE,
        ),
        Command("circles", circles.circles, "local circles", member, menus=EVERY_CHAT),
        Command(
            "join",
            circles.join,
            "join a circle",
            member,
            usage="NAME",
            personal=True,
            about_caller=True,
            menus=PRIVATE,
        ),
        Command(
            "leave",
            circles.leave,
            "leave a circle",
            member,
            usage="NAME",
            personal=True,
            about_caller=True,
            menus=PRIVATE,
        ),
        Command(
            "link",
            circles.link,
            "link this group to a circle (coordinators)",
            member,
            usage="NAME",
            menus=GROUP,
            privileged=True,
        ),
        Command(
            "unlink",
            circles.unlink,
            "unlink this group from its circle (its coordinators)",
            member,
            menus=GROUP,
            privileged=True,
        ),
        Command(
            "circle",
            circles.circle,
            "propose a circle",
            member,
            usage=circles.NEW_ARGS,
            menus=PRIVATE,
        ),
        Command(
            "announce",
            circles.announce,
            "message a circle's chats",
            coord,
            usage="TEXT",
            menus=GROUP,
            privileged=True,
        ),
        Command(
            "coordinators",
            coordinators,
            "a circle's coordinators",
            member,
            usage="NAME",
            menus=GROUP,
        ),
        Command(
            "appoint", appoint, "make a coordinator", coord, usage="NAME @handle", privileged=True
        ),
        Command(
            "unappoint",
            unappoint,
            "remove a coordinator",
            coord,
            usage="NAME @handle",
            privileged=True,
        ),
        Command(
            "offers",
            offers,
            "introduction offers on or off",
            member,
            usage="on|off",
            personal=True,
            menus=PRIVATE,
        ),
        Command(
            "updates",
            campaigns.updates,
            "news on the barriers you raised, on or off",
            member,
            usage="on|off",
            personal=True,
            about_caller=True,
            menus=PRIVATE,
        ),
        Command(
            "digest",
            digest.digest,
            "shared-demand digest (organisers, coordinators)",
            member,
            menus=EVERY_CHAT,
            privileged=True,
        ),
        Command(
            "theme",
            theme,
            "name a theme, give its demand, post campaign progress, merge, split or hide it",
            coord,
            usage="N name|demand TEXT, N update STATUS TEXT, merge N M, split|hide N",
            privileged=True,
        ),
        Command("hide", hide, "hide a report", Role.ORGANISER, usage="REPORT_ID", privileged=True),
        Command(
            "place",
            places.place,
            "merge an unknown place into a known one",
            Role.ORGANISER,
            usage="merge PLACE into KNOWN",
            privileged=True,
        ),
        Command(
            "safety",
            safety_counts,
            "counts of crisis, safeguarding and abusive messages",
            Role.ORGANISER,
            usage="[DAYS]",
            privileged=True,
        ),
        Command(
            "schedule",
            schedule,
            "post this chat's digest regularly",
            member,
            usage="weekly mon 09:00|daily 09:00|off",
            menus=GROUP,
            privileged=True,
        ),
        Command(
            "mydata",
            privacy.mydata,
            "everything I hold about you",
            anyone,
            about_caller=True,
            menus=PRIVATE,
        ),
        Command(
            "forget",
            privacy.forget,
            "delete everything about you",
            anyone,
            about_caller=True,
            menus=PRIVATE,
        ),
    ]


def build_router(extra: list[Command] | None = None) -> Router:
    commands = core_commands() + list(extra or [])

    async def help_command(ctx: Context) -> list[Reply]:
        return [Reply(basics.help_text(commands, ctx))]

    help_ = Command(
        "help", help_command, "what I can do", Role.STRANGER, quiet=True, menus=EVERY_CHAT
    )
    commands.insert(1, help_)
    return Router(
        commands=commands,
        buttons=[
            ButtonRoute("consent", onboarding.consent_answer, Role.STRANGER),
            ButtonRoute("area", onboarding.work_area_answer, Role.STRANGER),
            ButtonRoute("placefix", onboarding.place_check_answer, Role.STRANGER),
            ButtonRoute("report", reporting.confirm_report),
            ButtonRoute("withdraw", reporting.withdraw_button),
            ButtonRoute("safety", reporting.safety_answer),
            ButtonRoute("forget", privacy.confirm_forget, Role.STRANGER),
            ButtonRoute("metoo", themes.metoo),
            ButtonRoute("join", join_button),
            ButtonRoute("intro", intro_answer),
            ButtonRoute("coord", answer_invitation),
        ],
        states=[
            StateRoute("place", onboarding.place_answer),
            StateRoute("place_check", onboarding.place_answer),  # typed instead of tapping
        ],
        fallback=basics.fallback,
    )
