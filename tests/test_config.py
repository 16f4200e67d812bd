"""Settings from the environment, and the one line a bad value becomes."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.config import (
    BOTFATHER_HINT,
    DEFAULT_DATABASE_URL,
    ConfigError,
    Settings,
    load_settings,
    parse_duration,
)

#: What the database does under it is this test's subject: it runs on both.
pytestmark = pytest.mark.both_databases

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No variable of the caller's environment, and no .env, may leak into a test."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(tmp_path)


def settings(**variables: str) -> Settings:
    """Settings as ``samenspraak`` reads them: from environment variables."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in variables.items():
            patch.setenv(name, value)
        return load_settings()


def error(**variables: str) -> str:
    with pytest.raises(ConfigError) as caught:
        settings(**variables)
    line = str(caught.value)
    assert "\n" not in line
    return line


# --- durations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3d", timedelta(days=3)),
        ("72h", timedelta(hours=72)),
        ("90m", timedelta(minutes=90)),
        ("90M", timedelta(minutes=90)),
        ("45s", timedelta(seconds=45)),
        ("2w", timedelta(weeks=2)),
        ("1.5h", timedelta(minutes=90)),
        (" 3 d ", timedelta(days=3)),
        ("3600", timedelta(hours=1)),
        ("P3D", timedelta(days=3)),
        ("PT90M", timedelta(minutes=90)),
        ("P1DT12H", timedelta(days=1, hours=12)),
        ("PT30S", timedelta(seconds=30)),
        ("p2d", timedelta(days=2)),
    ],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert settings(SESSION_TIMEOUT=text).session_timeout == expected


def test_durations_that_are_not_strings() -> None:
    assert parse_duration(60) == timedelta(minutes=1)
    assert parse_duration(1.5) == timedelta(seconds=1.5)
    assert parse_duration(timedelta(days=1)) == timedelta(days=1)


@pytest.mark.parametrize("text", ["soon", "3 days", "-1d", "P", "PT", "3x", "P1Y", "d"])
def test_malformed_durations(text: str) -> None:
    with pytest.raises(ValueError, match="use a duration such as 3d, 72h, 90m"):
        parse_duration(text)
    assert error(SESSION_TIMEOUT=text) == (
        "SESSION_TIMEOUT: use a duration such as 3d, 72h, 90m or a number of seconds "
        f"(got {text!r})"
    )


def test_a_duration_too_long_for_a_timedelta() -> None:
    with pytest.raises(ValueError, match="far too long"):
        parse_duration("99999999999d")
    assert error(SESSION_TIMEOUT="99999999999d").startswith("SESSION_TIMEOUT: is far too long")


@pytest.mark.parametrize("text", ["0", "0s", "PT0S"])
def test_a_session_timeout_of_nothing(text: str) -> None:
    assert error(SESSION_TIMEOUT=text) == (
        f"SESSION_TIMEOUT: must be longer than 0, e.g. 3d (got {text!r})"
    )


@pytest.mark.parametrize("variable", ["JOBS_INTERVAL", "DIGEST_CHECK_INTERVAL"])
@pytest.mark.parametrize(
    ("text", "seconds"), [("30", 30), ("1.5", 1.5), ("30s", 30), ("1m", 60), ("PT2M", 120)]
)
def test_check_intervals_take_durations_as_the_others_do(
    variable: str, text: str, seconds: float
) -> None:
    assert getattr(settings(**{variable: text}), variable.lower()) == seconds


@pytest.mark.parametrize("variable", ["JOBS_INTERVAL", "DIGEST_CHECK_INTERVAL"])
def test_malformed_check_intervals(variable: str) -> None:
    assert error(**{variable: "soon"}) == (
        f"{variable}: use a duration such as 3d, 72h, 90m or a number of seconds (got 'soon')"
    )
    assert error(**{variable: "0s"}) == (
        f"{variable}: must be longer than 0, e.g. 30s or 1m (got '0s')"
    )


# --- lists, numbers and ids -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1, 2", [1, 2]),
        ("12345678,87654321", [12345678, 87654321]),
        (" 7 ", [7]),
        ("1,,2,", [1, 2]),
    ],
)
def test_admin_user_ids(text: str, expected: list[int]) -> None:
    assert settings(ADMIN_USER_IDS=text).admin_user_ids == expected


def test_malformed_admin_user_ids() -> None:
    assert error(ADMIN_USER_IDS="1, jan") == (
        "ADMIN_USER_IDS: must be Telegram user ids separated by commas, e.g. 1234,5678 "
        "(got '1, jan')"
    )


def test_form_of_address() -> None:
    assert settings().form_of_address == "je"
    assert settings(FORM_OF_ADDRESS=" U ").form_of_address == "u"
    assert error(FORM_OF_ADDRESS="jij") == (
        "FORM_OF_ADDRESS: must be je (informal) or u (formal) (got 'jij')"
    )


def test_digest_chat_id() -> None:
    assert settings(DIGEST_CHAT_ID="-1001234567890").digest_chat_id == -1001234567890
    assert error(DIGEST_CHAT_ID="ambtenaren") == (
        "DIGEST_CHAT_ID: Input should be a valid integer, unable to parse string as an "
        "integer (got 'ambtenaren')"
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("RETENTION_DAYS", "0", "RETENTION_DAYS: Input should be greater than or equal to 1"),
        ("MAX_CONCURRENT_UPDATES", "veel", "MAX_CONCURRENT_UPDATES: Input should be a valid"),
        ("RATE_LIMIT_PER_SECOND", "-1", "RATE_LIMIT_PER_SECOND: Input should be greater than"),
        ("LOG_LEVEL", "chatty", "LOG_LEVEL: must be DEBUG, INFO, WARNING, ERROR or CRITICAL"),
        ("TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL: must be an http(s) address"),
        ("LOG_LIBRARIES", "aiosqlite", "LOG_LIBRARIES: must be logger:LEVEL pairs"),
        ("LOG_LIBRARIES", "aiosqlite:LOUD", "LOG_LIBRARIES: must be logger:LEVEL pairs"),
        ("LOG_LIBRARIES", "a b:DEBUG", "LOG_LIBRARIES: must be logger:LEVEL pairs"),
        ("TRUSTED_PROXIES", "proxy.local", "TRUSTED_PROXIES: must be networks such as"),
    ],
)
def test_other_malformed_values(variable: str, value: str, message: str) -> None:
    line = error(**{variable: value})
    assert line.startswith(message)
    assert line.endswith(f"(got {value!r})")


def test_log_level_and_api_url_are_normalised() -> None:
    loaded = settings(LOG_LEVEL="debug", TELEGRAM_API_URL="http://127.0.0.1:8081/")
    assert (loaded.log_level, loaded.telegram_api_url) == ("DEBUG", "http://127.0.0.1:8081")


def test_log_libraries_name_loggers_with_their_levels() -> None:
    loaded = settings(LOG_LIBRARIES=" aiosqlite:debug, sqlalchemy.engine:INFO ,")
    assert loaded.log_libraries == {"aiosqlite": "DEBUG", "sqlalchemy.engine": "INFO"}
    assert settings().log_libraries == {}


# --- the webhook's address -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://bot.gemeente.example/telegram",
        "https://bot.gemeente.example:8443/telegram",
        "https://bot.gemeente.example:88/telegram",
        "https://bot.gemeente.example:80/telegram",
        "https://203.0.113.5:443/telegram",
    ],
)
def test_webhook_addresses_telegram_takes(url: str) -> None:
    assert settings(WEBHOOK_URL=url).webhook_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://bot.gemeente.example:5000/telegram",
        "http://bot.gemeente.example/telegram",
        "https://bot.gemeente.example:5000/telegram",
        "https://bot.gemeente.example:99999/telegram",
        "https://bot.gemeente.example:x/telegram",
    ],
)
def test_webhook_addresses_telegram_refuses(url: str) -> None:
    assert error(WEBHOOK_URL=url) == (
        "WEBHOOK_URL: Telegram posts only to https:// on port 443, 80, 88 or 8443, "
        f"e.g. https://bot.gemeente.example/telegram (got {url!r})"
    )
    # Its own Bot API too, however TELEGRAM_API_URL writes it.
    assert error(WEBHOOK_URL=url, TELEGRAM_API_URL="https://api.telegram.org/").startswith(
        "WEBHOOK_URL: Telegram posts only to https://"
    )


def test_another_bot_api_server_takes_any_webhook_address() -> None:
    """A self-hosted Bot API server (or the tests' fake) posts over http, to any port."""
    url = "http://127.0.0.1:5000/telegram"
    loaded = settings(TELEGRAM_API_URL="http://127.0.0.1:8081", WEBHOOK_URL=url)
    assert loaded.webhook_url == url


# --- time zone --------------------------------------------------------------------------------


def test_time_zone() -> None:
    assert settings(TIMEZONE="UTC").zone.key == "UTC"
    assert settings().zone.key == "Europe/Amsterdam"


@pytest.mark.parametrize("zone", ["Mars/Olympus", "Europe", "../etc/passwd", "Europe/Amsterdam "])
def test_unknown_time_zones(zone: str) -> None:
    assert error(TIMEZONE=zone) == (
        f"TIMEZONE: is not a known time zone, e.g. Europe/Amsterdam (got {zone!r})"
    )


# --- empty means unset ------------------------------------------------------------------------


def test_empty_variables_are_unset() -> None:
    """As in .env.example, where optional values are left empty (``DIGEST_CHAT_ID=``)."""
    empty = {name.upper(): "" for name in Settings.model_fields}
    loaded = settings(**empty)
    defaults = Settings(_env_file=None)
    assert loaded == defaults
    assert loaded.telegram_bot_token is None
    assert loaded.digest_chat_id is None
    assert loaded.pseudonym_secret is None
    assert loaded.admin_user_ids == []
    assert loaded.session_timeout == timedelta(days=3)
    assert loaded.timezone == "Europe/Amsterdam"
    assert loaded.database_url == DEFAULT_DATABASE_URL


def test_blank_values_are_unset_too() -> None:
    loaded = settings(TELEGRAM_BOT_TOKEN="  ", DIGEST_CHAT_ID=" ", PSEUDONYM_SECRET="\t")
    assert loaded.telegram_bot_token is None
    assert loaded.digest_chat_id is None
    assert loaded.pseudonym_secret is None


def test_the_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"TELEGRAM_BOT_TOKEN={TOKEN}\nSESSION_TIMEOUT=\nADMIN_USER_IDS=5, 6\n", encoding="utf-8"
    )
    loaded = settings()
    assert loaded.token == TOKEN
    assert loaded.session_timeout == timedelta(days=3)
    assert loaded.admin_user_ids == [5, 6]
    assert settings(ADMIN_USER_IDS="7").admin_user_ids == [7]  # the environment wins


# --- the token --------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [TOKEN, "123:abcdefghij", f" {TOKEN}\n", "1234:A-B_c-d_e-f_"])
def test_token_format(token: str) -> None:
    assert settings(TELEGRAM_BOT_TOKEN=token).token == token.strip()


@pytest.mark.parametrize(
    "token",
    [
        "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        "12:abcdefghijkl",
        "123456:short",
        "123456 :abcdefghijk",
        "bot123456:abcdefghijkl",
        "123456:abcdefghij!",
    ],
)
def test_malformed_tokens_are_refused_and_never_shown(token: str) -> None:
    line = error(TELEGRAM_BOT_TOKEN=token)
    assert line == (
        "TELEGRAM_BOT_TOKEN: does not look like a bot token (digits, a colon, then letters "
        "and digits); copy it again from @BotFather"
    )
    assert token not in line


def test_a_missing_token_is_only_a_problem_when_it_is_needed() -> None:
    loaded = settings()
    with pytest.raises(ConfigError) as caught:
        _ = loaded.token
    assert str(caught.value) == BOTFATHER_HINT
    assert "@BotFather" in BOTFATHER_HINT and "\n" not in BOTFATHER_HINT


def test_the_token_is_not_in_the_settings_repr() -> None:
    loaded = settings(TELEGRAM_BOT_TOKEN=TOKEN, PSEUDONYM_SECRET="heel-geheim")
    assert TOKEN not in repr(loaded) and "heel-geheim" not in repr(loaded)


# --- the database -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (DEFAULT_DATABASE_URL, DEFAULT_DATABASE_URL),
        ("sqlite:///./data/x.db", "sqlite+aiosqlite:///./data/x.db"),
        ("postgresql://u:p%40ss@db:5432/samen", "postgresql+asyncpg://u:p%40ss@db:5432/samen"),
        ("postgres://u@db/samen", "postgresql+asyncpg://u@db/samen"),
        ("postgresql+asyncpg://u@db/samen", "postgresql+asyncpg://u@db/samen"),
    ],
)
def test_database_url(url: str, expected: str) -> None:
    assert settings(DATABASE_URL=url).database_url == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("geen-url", "DATABASE_URL: is not a database URL such as sqlite+aiosqlite:///"),
        ("mysql://root:geheim@db/x", "DATABASE_URL: must be SQLite (sqlite+aiosqlite:///path)"),
    ],
)
def test_malformed_database_urls_are_not_shown(url: str, message: str) -> None:
    line = error(DATABASE_URL=url)
    assert line.startswith(message)
    assert url not in line and "geheim" not in line  # it may hold a password


# --- the pseudonym key ------------------------------------------------------------------------


def test_the_pseudonym_secret_from_the_environment() -> None:
    assert settings(PSEUDONYM_SECRET="sleutel").secret() == b"sleutel"
    assert not Path("data").exists()


def test_a_generated_pseudonym_secret_is_private_and_stable(tmp_path: Path) -> None:
    first = settings().secret()
    path = tmp_path / "data" / "pseudonym.secret"
    assert len(first) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert settings().secret() == first  # kept: pseudonyms survive a restart
    assert sorted(os.listdir(path.parent)) == ["pseudonym.secret"]  # no draft left behind
