"""Tables. Every row about a person hangs off ``people.id`` with ON DELETE CASCADE (or
SET NULL where the row is not about them), so ``/forget`` is one delete that the
database itself carries through."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


PERSON_FK = "people.id"


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    place: Mapped[str | None] = mapped_column(String(200))
    place_key: Mapped[str | None] = mapped_column(String(200), index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    work_area: Mapped[str | None] = mapped_column(String(100))
    onboarded: Mapped[bool] = mapped_column(Boolean, default=False)
    offers_ok: Mapped[bool] = mapped_column(Boolean, default=True)


class Member(Base):
    """One platform identity of a person (a person may have several)."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(PERSON_FK, ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_user_id: Mapped[str] = mapped_column(String(128))
    handle: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    private_chat_id: Mapped[str | None] = mapped_column(String(128))  # for introductions


class Consent(Base):
    __tablename__ = "consents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(PERSON_FK, ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(64))
    notice_version: Mapped[str] = mapped_column(String(32))
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Circle(Base):
    __tablename__ = "circles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    place: Mapped[str | None] = mapped_column(String(200))
    place_key: Mapped[str | None] = mapped_column(String(200), index=True)
    region: Mapped[str | None] = mapped_column(String(100))
    focus: Mapped[str | None] = mapped_column(String(300))
    approved: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey(PERSON_FK, ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CircleChat(Base):
    __tablename__ = "circle_chats"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str | None] = mapped_column(String(200))


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("circle_id", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey(PERSON_FK, ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32), default="member")
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Theme(Base):
    __tablename__ = "themes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str | None] = mapped_column(String(200))
    demand: Mapped[str | None] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer, default=0)
    merged_into: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Subtheme(Base):
    """The specific way a barrier shows up, inside one theme (the campaign level)."""

    __tablename__ = "subthemes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str | None] = mapped_column(String(200))
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer, default=0)
    merged_into: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("platform", "chat_id", "message_id"),
        # covering index for digest counts (migration 0004)
        Index("ix_reports_digest", "created_at", "hidden", "person_id", "circle_id", "place_key"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(PERSON_FK, ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))
    place_key: Mapped[str | None] = mapped_column(String(200), index=True)
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circles.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str | None] = mapped_column(String(128))
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    phrases: Mapped[list[str]] = mapped_column(JSON, default=list)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # off-topic, a test or abuse: kept for organisers to review, out of every theme
    not_barrier: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class ReportTheme(Base):
    """Which theme a report belongs to; one row per report."""

    __tablename__ = "report_themes"
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    subtheme_id: Mapped[int | None] = mapped_column(
        ForeignKey("subthemes.id", ondelete="SET NULL"), index=True
    )
    similarity: Mapped[float] = mapped_column(Float, default=0.0)


class Endorsement(Base):
    """A "me too" from someone who shares a theme's barrier."""

    __tablename__ = "endorsements"
    __table_args__ = (UniqueConstraint("theme_id", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey(PERSON_FK, ondelete="CASCADE"), index=True)
    place_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConversationState(Base):
    __tablename__ = "conversation_states"
    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey(PERSON_FK, ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CurationLog(Base):
    __tablename__ = "curation_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    theme_id: Mapped[int | None] = mapped_column(Integer)
    report_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SafetyEvent(Base):
    """A crisis, safeguarding or abusive message was answered: its kind and time only (no
    text, no person), so organisers can see how often, never what or who."""

    __tablename__ = "safety_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )


class Schedule(Base):
    __tablename__ = "schedules"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    circle_id: Mapped[int | None] = mapped_column(ForeignKey("circles.id", ondelete="CASCADE"))
    frequency: Mapped[str] = mapped_column(String(16))
    weekday: Mapped[int | None] = mapped_column(Integer)
    at_time: Mapped[str] = mapped_column(String(5))
    next_run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey(PERSON_FK, ondelete="SET NULL"))


class ScheduleRun(Base):
    """A claim row: the unique key makes exactly one process post a given run."""

    __tablename__ = "schedule_runs"
    __table_args__ = (UniqueConstraint("schedule_id", "due_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str] = mapped_column(String(100))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Introduction(Base):
    """A double opt-in offer between two people who share a theme."""

    __tablename__ = "introductions"
    __table_args__ = (UniqueConstraint("person_low", "person_high"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_low: Mapped[int] = mapped_column(ForeignKey(PERSON_FK, ondelete="CASCADE"))
    person_high: Mapped[int] = mapped_column(ForeignKey(PERSON_FK, ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    low_answer: Mapped[str | None] = mapped_column(String(8))
    high_answer: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SeenUpdate(Base):
    """Platform update ids already handled, so a redelivery is processed once."""

    __tablename__ = "seen_updates"
    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Lock(Base):
    """A named lease (re-clustering) shared by every process on the database."""

    __tablename__ = "locks"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CampaignUpdate(Base):
    """Progress on a theme's campaign: what happened (raised, answered, won, dropped), when,
    and who posted it. The demand itself is ``themes.demand``."""

    __tablename__ = "campaign_updates"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CampaignDelivery(Base):
    """One person to tell about one update. The unique key makes it once per person, however
    many reports or platforms they have; a claim lets one process of several send it."""

    __tablename__ = "campaign_deliveries"
    __table_args__ = (UniqueConstraint("update_id", "person_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_updates.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey(PERSON_FK, ondelete="CASCADE"), index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class UpdatesOptOut(Base):
    """Someone who said /updates off: no campaign updates reach them."""

    __tablename__ = "campaign_optouts"
    person_id: Mapped[int] = mapped_column(
        ForeignKey(PERSON_FK, ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
