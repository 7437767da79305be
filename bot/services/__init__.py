"""The domain services handlers act through, built once per process."""

from __future__ import annotations

from dataclasses import dataclass

from bot.background_cpu import BackgroundProcess
from bot.digests.build import DigestBuilder
from bot.nlp_worker import NlpWorker
from bot.services.campaigns import CampaignService
from bot.services.chats import ChatService
from bot.services.circles import CircleService
from bot.services.conversation import ConversationService
from bot.services.digests import DigestRequests
from bot.services.discovery import DiscoveryService
from bot.services.introductions import CAPITALISED, IntroductionService, PlatformPlaces
from bot.services.lookup import NameLookup
from bot.services.people import PeopleService
from bot.services.places import PlaceService
from bot.services.recluster import Reclusterer
from bot.services.reports import ReportService
from bot.services.safety import SafetyLog
from bot.services.schedules import ScheduleService
from bot.services.themes import ThemeService
from bot.services.visible import VisibleThemes
from config.settings import Settings
from nlp.vectors import representation
from storage.db import Database


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    nlp: NlpWorker
    background: BackgroundProcess  # the re-cluster's clustering, off this process
    people: PeopleService
    themes: ThemeService
    reports: ReportService
    circles: CircleService
    digests: DigestBuilder
    digest_requests: DigestRequests
    reclusterer: Reclusterer
    introductions: IntroductionService
    discovery: DiscoveryService
    visible: VisibleThemes
    lookup: NameLookup
    conversation: ConversationService
    schedules: ScheduleService
    campaigns: CampaignService
    places: PlaceService
    safety: SafetyLog
    chats: ChatService


def build_services(
    settings: Settings, db: Database, nlp: NlpWorker, places: PlatformPlaces = CAPITALISED
) -> Services:
    themes = ThemeService(db, settings, representation(nlp.nlp)[1])
    circles = CircleService(db)
    introductions = IntroductionService(db, places)
    visible = VisibleThemes(db, settings.min_people)
    reports = ReportService(db, settings, nlp, themes, introductions, visible)
    digests = DigestBuilder(db, nlp, settings.min_people)
    reports.derived.removal_listeners.append(digests.forget_quotes)
    background = BackgroundProcess()
    return Services(
        settings=settings,
        db=db,
        nlp=nlp,
        background=background,
        people=PeopleService(db, settings, reports.derived),
        themes=themes,
        reports=reports,
        circles=circles,
        digests=digests,
        digest_requests=DigestRequests(circles, digests, settings.zone),
        reclusterer=Reclusterer(db, themes, nlp, background),
        introductions=introductions,
        discovery=DiscoveryService(db, circles, settings.min_people),
        visible=visible,
        lookup=NameLookup(circles, visible, reports),
        conversation=ConversationService(db),
        schedules=ScheduleService(db),
        campaigns=CampaignService(db, settings.min_people),
        places=PlaceService(db),
        safety=SafetyLog(db),
        chats=ChatService(db),
    )
