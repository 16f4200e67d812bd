"""Configuration from environment variables and ``.env`` (see ``.env.example``)."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.schedule import Schedule, parse_schedule
from flows.texts import ADDRESSES, DEFAULT_ADDRESS, Address

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/samenspraak.db"
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{10,}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)?\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_LOGGER = re.compile(r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*")

#: Telegram's own Bot API, which takes a webhook only at https on one of these ports.
TELEGRAM_API_HOST = "api.telegram.org"
WEBHOOK_PORTS = (443, 80, 88, 8443)

BOTFATHER_HINT = (
    "TELEGRAM_BOT_TOKEN is not set. Open Telegram, talk to @BotFather, send /newbot and "
    "follow the steps; then put the token it gives you in .env as TELEGRAM_BOT_TOKEN=..."
)


class ConfigError(Exception):
    """A setting that is missing or malformed: one line naming the variable and the fix."""


def parse_duration(value: object) -> timedelta:
    """``3d``, ``72h``, ``90m``, ``3600`` (seconds) or an ISO 8601 duration such as ``P3D``."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    text = str(value)
    try:
        match = _DURATION.match(text)
        if match:
            seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
            return timedelta(seconds=seconds)
        iso = re.fullmatch(
            r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", text.strip().upper()
        )
        if iso and any(iso.groups()):
            days, hours, minutes, seconds_ = (int(g or 0) for g in iso.groups())
            return timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds_)
    except OverflowError:  # more than a timedelta holds (999999999 days)
        raise ValueError("is far too long; use a duration such as 3d, 72h or 90m") from None
    raise ValueError("use a duration such as 3d, 72h, 90m or a number of seconds")


class Settings(BaseSettings):
    """Every setting, read once at start-up and passed down."""

    # An empty variable (``SESSION_TIMEOUT=`` in .env) means "not set": the default applies.
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    questionnaires_dir: Path = Path("questionnaires")
    admin_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    digest_chat_id: int | None = None
    pseudonym_secret: SecretStr | None = None
    timezone: str = "Europe/Amsterdam"
    session_timeout: timedelta = timedelta(days=3)
    log_level: str = "INFO"
    # Third-party loggers at a level of the operator's choosing, e.g. {"aiosqlite": "DEBUG"};
    # the others stay capped (bot.app.console.LIBRARY_LEVELS). LOG_LIBRARIES=aiosqlite:DEBUG
    log_libraries: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    municipality_name: str = "de gemeente"
    # How the bot addresses residents in Dutch: "je" or "u" (a questionnaire's own
    # ``address`` wins inside its conversation).
    form_of_address: Address = DEFAULT_ADDRESS
    privacy_contact: str = "privacy@gemeente.example"
    retention_days: int = Field(default=90, ge=1)
    max_concurrent_updates: int = Field(default=256, ge=1)
    digest_schedule: str = "mon 09:00"
    digest_min_cell: int = Field(default=5, ge=3)
    digest_check_interval: float = Field(default=60, gt=0)  # seconds (DIGEST_CHECK_INTERVAL=1m)
    rate_limit_per_second: float = Field(default=30, ge=0)
    # Flood protection: more than this many updates from one resident within the window
    # gets one friendly "rustig aan" and the rest of the window is dropped.
    flood_max_updates: int = Field(default=20, ge=1)
    flood_window: timedelta = timedelta(seconds=10)
    # Broadcasts (invitations, outcomes, effect checks) through the durable outbox.
    broadcast_rate: float = Field(default=25, gt=0)
    broadcast_chat_interval: timedelta = timedelta(seconds=1)
    # Paid broadcasts (allow_paid_broadcast): up to 1,000 a second, 0.1 Stars a message.
    paid_broadcasts: bool = False
    paid_broadcast_rate: float = Field(default=1000, gt=0, le=1000)
    # Jobs: lifecycle (opens_at/closes_at), retention, outbox; seconds between checks
    # (JOBS_INTERVAL=30 or 30s).
    jobs_interval: float = Field(default=30, gt=0)
    # Webhook mode (``samenspraak serve``).
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    # The web server (``samenspraak run`` and ``samenspraak serve``, bot.app.listener).
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    # A connection must deliver a whole request (headers and body) within this time; one
    # that waits for its next request is closed after the keep-alive timeout.
    http_request_timeout: timedelta = timedelta(seconds=10)
    http_keepalive_timeout: timedelta = timedelta(seconds=75)
    # Connections held open at most; default: half the open-file limit, at most 1000.
    http_max_connections: int | None = Field(default=None, ge=1)
    # Name of this worker in leases and logs; default: host name and process id.
    worker_name: str | None = None
    # Where the reverse proxy connects from, whose X-Forwarded-For is believed (the web
    # door's limits per network address): networks, comma-separated, or "none"; default:
    # any loopback or private address.
    trusted_proxies: str | None = None
    # Reports (/rapport, `samenspraak report`): the municipality's own Word template
    # (.dotx or .docx, its styles and logo), and the public address results pages are linked
    # at (default: the origin of WEBHOOK_URL).
    report_template: Path | None = None
    public_url: str | None = None

    @field_validator(
        "telegram_bot_token",
        "pseudonym_secret",
        "digest_chat_id",
        "webhook_url",
        "webhook_secret",
        "worker_name",
        "trusted_proxies",
        "http_max_connections",
        "report_template",
        "public_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError(
                "does not look like a bot token (digits, a colon, then letters and digits); "
                "copy it again from @BotFather"
            )
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be an http(s) address such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        # Never echo the value in an error: it may hold a password.
        from sqlalchemy.engine import make_url  # here: most commands never need SQLAlchemy
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "is not a database URL such as sqlite+aiosqlite:///./data/samenspraak.db"
            ) from None
        backend, _, driver = url.drivername.partition("+")
        backend = "postgresql" if backend == "postgres" else backend
        if backend not in _ASYNC_DRIVERS:
            raise ValueError(
                "must be SQLite (sqlite+aiosqlite:///path) or PostgreSQL "
                "(postgresql+asyncpg://user:password@host/database)"
            )
        if driver in {"", "pysqlite", "psycopg2"}:  # the bot needs an asyncio driver
            return url.set(drivername=f"{backend}+{_ASYNC_DRIVERS[backend]}").render_as_string(
                hide_password=False
            )
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(re.fullmatch(r"-?\d+", p) for p in parts):
                raise ValueError("must be Telegram user ids separated by commas, e.g. 1234,5678")
            return [int(p) for p in parts]
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a folder
            raise ValueError("is not a known time zone, e.g. Europe/Amsterdam") from None
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return value
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("must be the public https address Telegram posts updates to")
        # Telegram's rule; a self-hosted Bot API server (or a test double) at another
        # TELEGRAM_API_URL takes http and any port, and sets its own rules.
        api = info.data.get("telegram_api_url", f"https://{TELEGRAM_API_HOST}")
        if urlsplit(api).hostname != TELEGRAM_API_HOST:
            return value
        parts = urlsplit(value)
        try:
            port = parts.port or 443
        except ValueError:  # not a number, or beyond 65535
            port = 0
        if parts.scheme != "https" or port not in WEBHOOK_PORTS:
            raise ValueError(
                "Telegram posts only to https:// on port 443, 80, 88 or 8443, "
                "e.g. https://bot.gemeente.example/telegram"
            )
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies(cls, value: str | None) -> str | None:
        if value is not None and value.strip().lower() != "none":
            for part in value.split(","):
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(
                        "must be networks such as 127.0.0.1/32, 10.0.0.0/8 (comma-separated), "
                        "or none"
                    ) from None
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+(/\S*)?$", value):
            raise ValueError("must be an address such as https://bot.gemeente.example")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token: 1-256 characters A-Z, a-z, 0-9, _ and -.
        secret = value.get_secret_value() if value is not None else None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("must be 1-256 characters: letters, digits, _ and -")
        return value

    @field_validator(
        "session_timeout",
        "flood_window",
        "broadcast_chat_interval",
        "http_request_timeout",
        "http_keepalive_timeout",
        mode="before",
    )
    @classmethod
    def _duration(cls, value: object) -> timedelta:
        duration = parse_duration(value)
        if duration <= timedelta(0):  # every questionnaire would expire at once
            raise ValueError("must be longer than 0, e.g. 3d")
        return duration

    @field_validator("digest_check_interval", "jobs_interval", mode="before")
    @classmethod
    def _seconds(cls, value: object) -> float:
        # Seconds, as before (60), or any duration the other settings take (1m, 30s).
        seconds = parse_duration(value).total_seconds()
        if seconds <= 0:
            raise ValueError("must be longer than 0, e.g. 30s or 1m")
        return seconds

    @field_validator("digest_schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        parse_schedule(value)  # raises ValueError with the accepted forms
        return value

    @property
    def schedule(self) -> Schedule:
        return parse_schedule(self.digest_schedule)

    @field_validator("form_of_address", mode="before")
    @classmethod
    def _address(cls, value: object) -> object:
        form = value.strip().lower() if isinstance(value, str) else value
        if form not in ADDRESSES:
            raise ValueError("must be je (informal) or u (formal)")
        return form

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in _LEVELS:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @field_validator("log_libraries", mode="before")
    @classmethod
    def _libraries(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        levels: dict[str, str] = {}
        for part in (p.strip() for p in value.split(",")):
            name, _, level = part.partition(":")
            name, level = name.strip(), level.strip().upper()
            if part and (not _LOGGER.fullmatch(name) or level not in _LEVELS):
                raise ValueError(
                    "must be logger:LEVEL pairs separated by commas, e.g. aiosqlite:DEBUG,"
                    "transitions:INFO (levels DEBUG, INFO, WARNING, ERROR, CRITICAL)"
                )
            if part:
                levels[name] = level
        return levels

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str:
        if self.telegram_bot_token is None:
            raise ConfigError(BOTFATHER_HINT)
        return self.telegram_bot_token.get_secret_value().strip()

    def secret(self) -> bytes:
        """The pseudonym key. Without PSEUDONYM_SECRET one is made once and kept in
        ``data/pseudonym.secret`` under the working directory (beside the default SQLite
        database), so pseudonyms stay stable across restarts from the same directory."""
        if self.pseudonym_secret is not None:
            return self.pseudonym_secret.get_secret_value().encode()
        path = Path("data") / "pseudonym.secret"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Written in full and readable by the owner only before it gets its name, and
            # named only once: of two processes starting together, both use the first key.
            draft = path.with_name(f".{path.name}.{os.getpid()}")
            handle = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(handle, "w") as file:
                file.write(secrets.token_hex(32))
            try:
                os.link(draft, path)
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links
                os.replace(draft, path)
            finally:
                draft.unlink(missing_ok=True)
        return path.read_text().strip().encode()


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment; a problem becomes one :class:`ConfigError` line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "configuration"
        message = str(error["msg"]).removeprefix("Value error, ")
        given = error.get("input")
        hidden = "SECRET" in name or "TOKEN" in name or name == "DATABASE_URL"  # passwords
        shown = "" if hidden else f" (got {given!r})"
        raise ConfigError(f"{name}: {message}{shown if isinstance(given, str) else ''}") from None
