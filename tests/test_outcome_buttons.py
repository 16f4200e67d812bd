"""The button data of closing the loop: every kind packs to exactly the strings buttons in
chats (and effect checks stored in the outbox) already carry, and decodes back; made-up
data decodes to nothing, and this feature's handlers still claim it (they answer it as
stale, and an administrator's handler audits the attempt)."""

from __future__ import annotations

import json

import pytest

from bot.core.buttons import Pick
from bot.core.callbacks import Button, decode, kinds
from bot.core.keyboards import Keyboard, from_json
from bot.outcomes import buttons, views
from bot.outcomes.views import Setting
from flows import outcomes as loop
from flows.outcomes import MAX_TOPIC_CHARS

LONGEST = "q" * MAX_TOPIC_CHARS  # questionnaire ids and theme slugs are at most this long

# Every kind with the data it has always had.
KNOWN: list[tuple[Button, str]] = [
    (buttons.OptInAtEnd("schoolroutes", "o", True), "sub:e:schoolroutes:o:1"),
    (buttons.OptInAtEnd("schoolroutes", "i", False), "sub:e:schoolroutes:i:0"),
    (buttons.OptInSetting("o", "schoolroutes", False), "sub:s:o:schoolroutes:0"),
    (buttons.OptInSetting("i", "verkeersveiligheid", True), "sub:s:i:verkeersveiligheid:1"),
    (buttons.EffectAnswer(7, "een_beetje"), "eff:7:een_beetje"),
    (buttons.Invite("afvalinzameling", 2), "inv:y:afvalinzameling:2"),
    (buttons.NotNow("afvalinzameling"), "inv:n:afvalinzameling"),
    (buttons.ChooseStatus("schoolroutes", 3), "tk:s:schoolroutes:3"),
    (buttons.SkipEnglish(), "tk:e"),
    (buttons.Confirm(), "tk:y"),
    (buttons.Cancel(), "tk:x"),
    (buttons.ScheduleCheck(12, 8), "efs:12:8"),
    (buttons.ScheduleCheck(12, 0), "efs:12:0"),
]


@pytest.mark.parametrize(("pressed", "data"), KNOWN, ids=[data for _, data in KNOWN])
def test_every_kind_packs_as_before_and_decodes_back(pressed: Button, data: str) -> None:
    assert pressed.pack() == data
    assert decode(data) == pressed


def test_every_kind_of_this_feature_is_covered() -> None:
    ours = {
        prefix
        for prefix, kind in kinds().items()
        if kind.__module__ == buttons.__name__  # registered by bot.outcomes.buttons
    }
    assert ours == {pressed.prefix for pressed, _ in KNOWN}


@pytest.mark.parametrize(
    ("family", "members"),
    [
        (buttons.OptIn, (buttons.OptInAtEnd, buttons.OptInSetting)),
        (buttons.InvitationChoice, (buttons.Invite, buttons.NotNow)),
        (
            buttons.FeedbackStep,
            (buttons.ChooseStatus, buttons.SkipEnglish, buttons.Confirm, buttons.Cancel),
        ),
    ],
)
def test_families_match_their_members_only(
    family: type[Button], members: tuple[type[Button], ...]
) -> None:
    for pressed, data in KNOWN:
        assert family.matches(data) == isinstance(pressed, members), data


def test_opt_ins_say_what_they_are_about() -> None:
    assert buttons.OptInAtEnd("q", "o", True).kind == loop.OUTCOMES
    assert buttons.OptInSetting("i", "thema", True).kind == loop.INVITATIONS
    assert buttons.about_of(loop.OUTCOMES) == "o"
    assert buttons.about_of(loop.INVITATIONS) == "i"


def test_the_longest_ids_fit_in_a_button() -> None:
    for pressed in (
        buttons.OptInAtEnd(LONGEST, "i", False),
        buttons.OptInSetting("i", LONGEST, False),
        buttons.Invite(LONGEST, 2**31 - 1),
        buttons.ChooseStatus(LONGEST, len(loop.STATUSES) - 1),
    ):
        assert decode(pressed.pack()) == pressed


@pytest.mark.parametrize(
    "data",
    [
        "sub:x",
        "sub:e:schoolroutes:o",  # cut short
        "sub:e:schoolroutes:x:1",
        "sub:e:schoolroutes:o:2",
        "sub:e:schoolroutes:o:1:extra",
        "sub:s:o:schoolroutes",
        "eff:x:ja",
        "eff:7",
        "eff:99999999999:ja",  # beyond the database's integers
        "inv:y:afvalinzameling",
        "inv:y:afvalinzameling:v1",
        "inv:maybe:afvalinzameling",
        "tk:s:schoolroutes:x",
        "tk:s:schoolroutes",
        "tk:y:again",
        "tk:q",
        "efs:1",
        "efs:1:vier",
        "efs:-1:4",
    ],
)
def test_made_up_data_decodes_to_nothing(data: str) -> None:
    assert decode(data) is None
    families = (
        buttons.OptIn,
        buttons.EffectAnswer,
        buttons.InvitationChoice,
        buttons.FeedbackStep,
        buttons.ScheduleCheck,
    )
    assert sum(family.claims(data) for family in families) == 1, data


@pytest.mark.parametrize(
    "data",
    [
        "eff:7:misschien",  # a value no effect check has: the handler answers "stale"
        "tk:s:schoolroutes:9",  # a status beyond loop.STATUSES: likewise
        "efs:1:5",  # weeks not offered: likewise
        "sub:s:i:onbekend-thema:1",  # a theme nobody has: likewise
    ],
)
def test_well_formed_data_the_handlers_refuse_still_decodes(data: str) -> None:
    found = decode(data)
    assert found is not None and found.pack() == data


def test_keyboards_carry_the_same_data() -> None:
    end = views.optin_keyboard(
        "schoolroutes",
        "Verkeersveiligheid",
        outcomes_on=True,
        invitations_on=False,
        language="nl",
        municipality="Rivierstad",
    )
    assert _data(end) == [["sub:e:schoolroutes:o:0"], ["sub:e:schoolroutes:i:1"]]
    settings = views.settings_keyboard(
        [
            Setting(loop.OUTCOMES, "schoolroutes", "Veilig naar school", False),
            Setting(loop.INVITATIONS, "verkeersveiligheid", "Verkeersveiligheid", True),
        ],
        "nl",
    )
    assert settings is not None
    assert _data(settings) == [["sub:s:o:schoolroutes:1"], ["sub:s:i:verkeersveiligheid:0"]]
    assert _data(views.invitation_offer_keyboard("afvalinzameling", 3, 10)) == [
        ["inv:y:afvalinzameling:3", "inv:n:afvalinzameling"]
    ]
    assert _data(views.status_keyboard("schoolroutes", "ontvangen")) == [
        ["tk:s:schoolroutes:0"],
        ["tk:s:schoolroutes:1"],
        ["tk:s:schoolroutes:2"],
        ["tk:s:schoolroutes:3"],
        ["tk:x"],
    ]
    assert _data(views.skip_keyboard()) == [["tk:e", "tk:x"]]
    assert _data(views.confirm_keyboard(anyone=False)) == [["tk:y", "tk:x"]]
    assert _data(views.effect_schedule_keyboard(5)) == [
        ["efs:5:4", "efs:5:8", "efs:5:12"],
        ["efs:5:0"],
    ]


def test_buttons_stored_in_broadcasts_are_plain_json_as_before() -> None:
    """Effect checks and invitations keep their buttons in the outbox as JSON."""
    effect = views.effect_buttons(7, "nee", "nl")
    assert json.loads(json.dumps(effect)) == [
        [
            {"text": "Ja", "callback_data": "eff:7:ja"},
            {"text": "Een beetje", "callback_data": "eff:7:een_beetje"},
        ],
        [
            {"text": "✅ Nee", "callback_data": "eff:7:nee"},
            {"text": "Weet ik niet", "callback_data": "eff:7:weet_niet"},
        ],
    ]
    keyboard = from_json(effect)
    assert keyboard is not None
    assert decode(keyboard.inline_keyboard[1][0].callback_data) == buttons.EffectAnswer(7, "nee")
    invitation = views.invitation_buttons("afvalinzameling", "en")
    assert invitation == [[{"text": "Take part", "callback_data": "p:afvalinzameling"}]]


def test_the_invitation_opens_the_questionnaire_as_the_list_does() -> None:
    [[button]] = views.invitation_buttons("afvalinzameling", "nl")
    assert decode(button["callback_data"]) == Pick("afvalinzameling")


def _data(keyboard: Keyboard) -> list[list[object]]:
    return [[button.callback_data for button in row] for row in keyboard.inline_keyboard]
