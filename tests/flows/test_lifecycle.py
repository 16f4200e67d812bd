"""flows.lifecycle: every action from every status (allowed or refused, and why), what
/beheer offers, opening by hand against the dates, the first status at publication (also
when seeding), the steps the schedule takes (also for a moment missed while the bot was
down), the draft checks, and availability."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from flows import lifecycle
from flows.lifecycle import (
    ARCHIVED,
    CLOSED,
    DRAFT,
    OPEN,
    Opening,
    Refused,
    Step,
    availability,
    by_hand,
    first_publication,
    offered,
    refusal,
    scheduled,
    window,
)
from flows.loader import parse
from flows.schema import Questionnaire
from tests.flows.helpers import HEADER, document

CET = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2031, 5, 1, 10, 0, tzinfo=UTC)
OPENS = datetime(2031, 6, 1, 9, 0)  # local (CET): 07:00 UTC in summer
CLOSES = datetime(2031, 6, 10, 17, 0)
OPENS_UTC = datetime(2031, 6, 1, 7, 0, tzinfo=UTC)
CLOSES_UTC = datetime(2031, 6, 10, 15, 0, tzinfo=UTC)


def dated(opens: str | None = None, closes: str | None = None) -> Questionnaire:
    dates = {"opens_at": opens, "closes_at": closes}
    lines = "".join(f'{key}: "{value}"\n' for key, value in dates.items() if value)
    question = '- {id: ja, type: yesno, text: {nl: "Ja?", en: "Yes?"}}'
    return parse(document(question, HEADER + lines), "x.yaml")


# --- by hand ------------------------------------------------------------------------------------

# (status, published) -> action -> the refusal code, or None when allowed
EXPECTED: dict[tuple[str, bool], dict[str, str | None]] = {
    (DRAFT, False): {"open": "unpublished", "close": "unpublished", "archive": "unpublished"},
    (DRAFT, True): {"open": None, "close": None, "archive": None},
    (OPEN, True): {"open": "same", "close": None, "archive": "not_allowed"},
    (CLOSED, True): {"open": None, "close": "same", "archive": None},
    (ARCHIVED, True): {"open": "archived", "close": "archived", "archive": "same"},
}


@pytest.mark.parametrize(("status", "published"), list(EXPECTED))
@pytest.mark.parametrize("action", lifecycle.ACTIONS)
def test_every_action_from_every_status(status: str, published: bool, action: str) -> None:
    refused = refusal("fiets", action, status, published=published)
    expected = EXPECTED[(status, published)][action]
    assert (refused.code if refused else None) == expected
    if refused is not None:
        assert "fiets" in str(refused)


def test_refusals_carry_what_their_texts_name() -> None:
    same = refusal("fiets", "close", CLOSED, published=True)
    assert same is not None and same.params == {"status": CLOSED}
    not_allowed = refusal("fiets", "archive", OPEN, published=True)
    assert not_allowed is not None and not_allowed.params == {"status": OPEN}
    archived = refusal("fiets", "open", ARCHIVED, published=True)
    assert archived is not None and archived.params == {"questionnaire": "fiets"}
    with pytest.raises(ValueError):
        refusal("fiets", "delete", OPEN, published=True)


def test_beheer_offers_what_is_allowed_but_opening_a_scheduled_one() -> None:
    assert offered(DRAFT, published=False) == ()
    assert offered(DRAFT, published=True) == ("close", "archive")  # it opens by itself
    assert offered(OPEN, published=True) == ("close",)
    assert offered(CLOSED, published=True) == ("open", "archive")
    assert offered(ARCHIVED, published=True) == ()


def test_the_moments_a_change_by_hand_records() -> None:
    earlier = NOW - timedelta(days=3)
    assert by_hand("open", NOW, closed_at=earlier) == Step(
        OPEN, NOW, {"opened_at": NOW, "closed_at": None}
    )
    assert by_hand("close", NOW, closed_at=earlier) == Step(CLOSED, NOW, {"closed_at": NOW})
    # Archived without ever being closed: retention counts from now.
    assert by_hand("archive", NOW, closed_at=None) == Step(ARCHIVED, NOW, {"closed_at": NOW})
    assert by_hand("archive", NOW, closed_at=earlier) == Step(ARCHIVED, NOW, {})


def test_opening_by_hand_keeps_to_the_dates() -> None:
    lifecycle.check_opening("fiets", OPENS, CLOSES, OPENS_UTC, CET)  # opening time: fine
    with pytest.raises(Refused) as early:
        lifecycle.check_opening("fiets", OPENS, CLOSES, NOW, CET)
    assert (early.value.code, early.value.params) == ("early", {"opens_at": OPENS_UTC})
    with pytest.raises(Refused) as past:
        lifecycle.check_opening("fiets", OPENS, CLOSES, CLOSES_UTC, CET)
    assert past.value.code == "past"
    assert past.value.params["closes_at"] == CLOSES_UTC
    lifecycle.check_opening("fiets", None, None, NOW, CET)  # no dates: any time


# --- publication ------------------------------------------------------------------------------


def test_the_first_status_at_publication() -> None:
    assert first_publication(dated(), NOW, CET) == Opening(OPEN, NOW, None)
    later = dated(opens="2031-06-01T09:00:00")
    assert first_publication(later, NOW, CET) == Opening(DRAFT, None, None)  # scheduled
    over = dated(closes="2031-04-01T09:00:00")
    closed_at = datetime(2031, 4, 1, 7, 0, tzinfo=UTC)
    assert first_publication(over, NOW, CET) == Opening(CLOSED, None, closed_at)
    # Seeding never closes: the schedule does, on the bot's clock.
    assert first_publication(over, NOW, CET, seeding=True) == Opening(OPEN, None, None)
    assert first_publication(later, NOW, CET, seeding=True) == Opening(DRAFT, None, None)


def test_draft_checks() -> None:
    lifecycle.check_version(lifecycle.MAX_VERSION)
    with pytest.raises(Refused) as large:
        lifecycle.check_version(lifecycle.MAX_VERSION + 1)
    assert (large.value.code, large.value.params) == ("version", {"max": lifecycle.MAX_VERSION})
    lifecycle.check_newer("fiets", 3, None)
    lifecycle.check_newer("fiets", 3, 3)
    with pytest.raises(Refused) as older:
        lifecycle.check_newer("fiets", 2, 3)
    assert (older.value.code, older.value.params["live"]) == ("older", 3)
    lifecycle.check_mark("fiets", 1, "abcdef0123", None)
    lifecycle.check_mark("fiets", 1, "abcdef0123", "abcdef")
    with pytest.raises(Refused) as replaced:
        lifecycle.check_mark("fiets", 1, "abcdef0123", "123456")
    assert replaced.value.code == "replaced"
    assert lifecycle.already_published("fiets", 1).code == "published"
    assert lifecycle.already_published("fiets", 1, same=False).code == "changed"
    assert lifecycle.gone("fiets", 1).code == "gone"
    assert lifecycle.unknown("fiets").code == "unknown"


# --- the schedule -----------------------------------------------------------------------------


def test_the_schedule_opens_a_scheduled_questionnaire_on_its_date() -> None:
    assert scheduled(DRAFT, OPENS, CLOSES, NOW, CET) is None
    just_before = OPENS_UTC - timedelta(microseconds=1)
    assert scheduled(DRAFT, OPENS, CLOSES, just_before, CET) is None
    step = scheduled(DRAFT, OPENS, CLOSES, OPENS_UTC, CET)
    assert step == Step(OPEN, OPENS_UTC, {"opened_at": OPENS_UTC})
    # An open one is not opened again.
    assert scheduled(OPEN, OPENS, CLOSES, OPENS_UTC, CET) is None


def test_the_schedule_closes_on_the_closing_date() -> None:
    assert scheduled(OPEN, OPENS, CLOSES, CLOSES_UTC - timedelta(seconds=1), CET) is None
    step = scheduled(OPEN, OPENS, CLOSES, CLOSES_UTC, CET)
    assert step == Step(CLOSED, CLOSES_UTC, {"closed_at": CLOSES_UTC})
    assert scheduled(OPEN, None, CLOSES, CLOSES_UTC, CET) == step


def test_a_moment_missed_while_the_bot_was_down_is_caught_up_as_it_should_have_been() -> None:
    weeks_later = datetime(2031, 7, 1, tzinfo=UTC)
    # Open before it went down: closed on its closes_at, not when the bot came back.
    assert scheduled(OPEN, OPENS, CLOSES, weeks_later, CET) == Step(
        CLOSED, CLOSES_UTC, {"closed_at": CLOSES_UTC}
    )
    # Its whole period passed unseen: open from opens_at, closed on closes_at.
    assert scheduled(DRAFT, OPENS, CLOSES, weeks_later, CET) == Step(
        CLOSED, CLOSES_UTC, {"closed_at": CLOSES_UTC, "opened_at": OPENS_UTC}
    )
    # Opening missed: opened at its opens_at.
    halfway = datetime(2031, 6, 5, tzinfo=UTC)
    assert scheduled(DRAFT, OPENS, CLOSES, halfway, CET) == Step(
        OPEN, OPENS_UTC, {"opened_at": OPENS_UTC}
    )


def test_the_schedule_never_moves_back() -> None:
    weeks_later = datetime(2031, 7, 1, tzinfo=UTC)
    for status in (CLOSED, ARCHIVED):  # closed or archived by hand: it stays so
        assert scheduled(status, OPENS, CLOSES, OPENS_UTC, CET) is None
        assert scheduled(status, OPENS, CLOSES, weeks_later, CET) is None
    assert scheduled(OPEN, OPENS, None, weeks_later, CET) is None
    # Without dates a published draft has no date to open on: opened at once.
    assert scheduled(DRAFT, None, None, weeks_later, CET) == Step(
        OPEN, weeks_later, {"opened_at": weeks_later}
    )


# --- availability ------------------------------------------------------------------------------


def test_availability_is_the_window_of_the_dates() -> None:
    questionnaire = dated(opens="2031-06-01T09:00:00", closes="2031-06-10T17:00:00")
    for moment in (NOW, OPENS_UTC, CLOSES_UTC, OPENS_UTC - timedelta(seconds=1)):
        assert availability(questionnaire, moment, CET) == window(OPENS, CLOSES, moment, CET)
    assert availability(questionnaire, NOW, CET) == "not_yet"
    assert availability(questionnaire, OPENS_UTC, CET) == "open"
    assert availability(questionnaire, CLOSES_UTC, CET) == "closed"
    assert availability(dated(), NOW, CET) == "open"
