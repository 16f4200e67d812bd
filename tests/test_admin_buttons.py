"""The administrators' and moderators' button data (bot.admin.buttons): the same strings as
the buttons already in chats carry, a round trip for every kind, each kind's audit action, and
made-up data: it still reaches the right family (to be refused or answered as stale), while
the button's checks find nothing in it to act on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.admin import buttons
from bot.admin.buttons import AdminButton, ModerationButton
from bot.admin.stellingen_test import ShowDeliberationDraft, TrialVote
from bot.admin.upload_stellingen import TryDeliberation
from bot.core.callbacks import Button, decode
from flows.limits import CALLBACK_DATA_BYTES

CHECKSUM = "abcdef0123456789"

# Every kind, with the data it has always packed to.
PACKED: list[tuple[Button, str]] = [
    (buttons.ListPage.of(0), "adm:l:0"),
    (buttons.ListPage.of(12), "adm:l:12"),
    (buttons.Detail("afval"), "adm:q:afval"),
    (buttons.Open("afval"), "adm:open:afval"),
    (buttons.AskClose("afval"), "adm:close?:afval"),
    (buttons.Close("afval"), "adm:close:afval"),
    (buttons.AskArchive("afval"), "adm:archive?:afval"),
    (buttons.Archive("afval"), "adm:archive:afval"),
    (buttons.Export("afval"), "adm:export:afval"),
    (buttons.ShowDraft.of("afval", 2), "adm:draft:afval:2"),
    (buttons.TryDraft.of("afval", 2, CHECKSUM), "adm:test:afval:2:abcdef"),
    (buttons.Publish.of("afval", 2, CHECKSUM), "adm:pub:afval:2:abcdef"),
    (buttons.Cancel.of("afval", 2, CHECKSUM), "adm:del:afval:2:abcdef"),
    (buttons.OtherAdmin("nieuw:afval"), "adm:nieuw:afval"),
    (buttons.Approve.of(12), "mod:ok:12"),
    (buttons.AskWhy.of(12), "mod:no:12"),
    (buttons.BackToText.of(12), "mod:bk:12"),
    (buttons.Reject.because(12, "personal_data"), "mod:rj:12:personal_data"),
    (buttons.OtherModeration("xx:1"), "mod:xx:1"),
]


@pytest.mark.parametrize(("button", "data"), PACKED, ids=[data for _, data in PACKED])
def test_every_kind_packs_as_before_and_back(button: Button, data: str) -> None:
    assert button.pack() == data
    assert decode(data) == button


def test_the_longest_data_fits_telegram() -> None:
    qid, version = "q" * 40, 999_999
    for kind in (buttons.TryDraft, buttons.Publish, buttons.Cancel):
        data = kind.of(qid, version, CHECKSUM).pack()
        assert len(data.encode()) <= CALLBACK_DATA_BYTES
        assert decode(data).draft == (qid, version)  # type: ignore[union-attr]
    answer = buttons.Reject.because(2**31 - 1, "personal_data").pack()
    assert len(answer.encode()) <= CALLBACK_DATA_BYTES


def test_each_kind_is_audited_under_its_own_action() -> None:
    actions = {
        type(button): button.action for button, _ in PACKED if isinstance(button, AdminButton)
    }
    assert {kind.__name__: action for kind, action in actions.items()} == {
        "ListPage": "beheer",
        "Detail": "beheer",
        "Open": "open",
        "AskClose": "close",
        "Close": "close",
        "AskArchive": "archive",
        "Archive": "archive",
        "Export": "export",
        "ShowDraft": "beheer",
        "TryDraft": "test",
        "Publish": "publish",
        "Cancel": "cancel",
        "OtherAdmin": "button",
    }
    # A confirmation carries out the action it asked about.
    for action in ("close", "archive"):
        asked = buttons.FIRST[action]("afval")
        assert asked.action == action == buttons.CHANGES[action]("afval").action
    assert buttons.FIRST["open"]("afval") == buttons.Open("afval")  # opening asks nothing


def test_what_the_buttons_hold() -> None:
    page = decode("adm:l:3")
    assert isinstance(page, buttons.ListPage) and page.number == 3
    detail = decode("adm:q:groen-in-de-wijk")
    assert isinstance(detail, buttons.Detail) and detail.qid == "groen-in-de-wijk"
    publish = decode("adm:pub:afval:2:abcdef")
    assert isinstance(publish, buttons.Publish)
    assert (publish.draft, publish.checked_mark) == (("afval", 2), "abcdef")
    unmarked = decode("adm:pub:afval:2")
    assert isinstance(unmarked, buttons.Publish)
    assert (unmarked.draft, unmarked.checked_mark) == (("afval", 2), None)
    reject = decode("mod:rj:12:spam")
    assert isinstance(reject, buttons.Reject) and (reject.answer_id, reject.why) == (12, "spam")


# Made-up data: the family it reaches, and what its checks make of it (as the parsers before).
MADE_UP: list[tuple[str, type[Button], str, object]] = [
    ("adm:l:abc", buttons.ListPage, "number", 0),
    ("adm:l:-1", buttons.ListPage, "number", 0),
    ("adm:l:1234", buttons.ListPage, "number", 0),
    ("adm:l:1:2", buttons.ListPage, "number", 0),
    ("adm:l", buttons.ListPage, "number", 0),
    ("adm:q:AFVAL", buttons.Detail, "qid", None),
    ("adm:q:a:b", buttons.Detail, "qid", None),
    ("adm:q", buttons.Detail, "qid", None),
    ("adm:q:" + "x" * 41, buttons.Detail, "qid", None),
    ("adm:close?:x y", buttons.AskClose, "qid", None),
    ("adm:export:<b>", buttons.Export, "qid", None),
    ("adm:pub:afval:99999999", buttons.Publish, "draft", None),
    ("adm:pub:afval:1234567", buttons.Publish, "draft", None),
    ("adm:pub:afval:-1", buttons.Publish, "draft", None),
    ("adm:pub:afval", buttons.Publish, "draft", None),
    ("adm:pub", buttons.Publish, "draft", None),
    ("adm:pub:afval:1:ABCDEF", buttons.Publish, "draft", None),
    ("adm:test:afval:1:abcde", buttons.TryDraft, "draft", None),
    ("adm:del:afval:1:abcdef:0", buttons.Cancel, "draft", None),
    ("adm:draft:Afval:1", buttons.ShowDraft, "draft", None),
    ("adm:whatever", buttons.OtherAdmin, "rest", "whatever"),
    ("adm:", buttons.OtherAdmin, "rest", ""),
    ("adm:nieuw:afvalinzameling", buttons.OtherAdmin, "rest", "nieuw:afvalinzameling"),
    ("mod:ok:abc", buttons.Approve, "answer_id", None),
    ("mod:ok:4294967296", buttons.Approve, "answer_id", None),
    (f"mod:ok:{10**12}", buttons.Approve, "answer_id", None),
    ("mod:ok:1:2", buttons.Approve, "answer_id", None),
    ("mod:no:", buttons.AskWhy, "answer_id", None),
    ("mod:bk:٣", buttons.BackToText, "answer_id", None),
    ("mod:rj:1:belediging", buttons.Reject, "why", None),
    ("mod:rj:1", buttons.Reject, "why", None),
    ("mod:rj:x:spam", buttons.Reject, "answer_id", None),
    ("mod:xx:1", buttons.OtherModeration, "rest", "xx:1"),
]


@pytest.mark.parametrize(("data", "kind", "field", "value"), MADE_UP, ids=[m[0] for m in MADE_UP])
def test_made_up_data_reaches_its_kind_and_holds_nothing_to_act_on(
    data: str, kind: type[Button], field: str, value: object
) -> None:
    found = decode(data)
    assert type(found) is kind
    assert getattr(found, field) == value


@given(st.text(max_size=60))
def test_every_data_under_adm_and_mod_reaches_its_family(rest: str) -> None:
    assert AdminButton.matches("adm:" + rest)
    assert ModerationButton.matches("mod:" + rest)
    assert not AdminButton.matches("mod:" + rest)
    assert not ModerationButton.matches("adm:" + rest)


@pytest.mark.parametrize("data", ["admin", "moderatie", "l:0", "q:afval", "p:afval", "", None])
def test_other_data_is_not_ours(data: str | None) -> None:
    assert not AdminButton.matches(data)
    assert not ModerationButton.matches(data)


def test_a_deliberation_tests_buttons_fit_and_check_what_they_hold() -> None:
    """ "Zelf testen" of a deliberation draft: its vote buttons carry the statement's place
    and the vote (nothing else to act on), fit Telegram at the longest id, and made-up data
    holds no step."""
    did = "d" * 40
    longest = TrialVote(did, "abcdef", "49", "p").pack()
    assert len(longest.encode()) <= CALLBACK_DATA_BYTES
    assert decode(longest).step == (did, "abcdef", 49, "p")  # type: ignore[union-attr]
    tried = TryDeliberation.of(did, 999_999, CHECKSUM).pack()
    assert len(tried.encode()) <= CALLBACK_DATA_BYTES
    assert decode(tried).action == "test" and decode(tried).draft == (did, 999_999)  # type: ignore[union-attr]
    shown = decode("adm:sd:brugstraat:2")
    assert isinstance(shown, ShowDeliberationDraft) and shown.draft == ("brugstraat", 2)
    for made_up in (
        "adm:sv:brugstraat:abcdef:0:x",  # no such vote
        "adm:sv:brugstraat:ABCDEF:0:a",  # no mark
        "adm:sv:brugstraat:abcdef:100:a",  # no such place
        "adm:sv:Brug straat:abcdef:0:a",
        "adm:sv:brugstraat:abcdef",
    ):
        pressed = decode(made_up)
        assert isinstance(pressed, TrialVote) and pressed.step is None, made_up
