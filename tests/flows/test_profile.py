"""flows.profile: which questions the profile answers, and what answers teach it; the bands
are analysis.population's adult bands."""

from __future__ import annotations

from analysis.population import ADULT_BANDS
from flows import profile
from flows.loader import parse

SOURCE = """\
schema_version: 1
id: p
version: 1
theme: {nl: Buurt}
title: {nl: Profiel}
intro: {nl: Twee vragen.}
questions:
  - id: leeftijd
    type: choice
    profile: age_band
    text: {nl: "Hoe oud ben je?"}
    options:
      - {id: 15-24, label: {nl: 15 tot 25}}
      - {id: 25-44, label: {nl: 25 tot 45}}
      - {id: 45-64, label: {nl: 45 tot 65}}
      - {id: 65-plus, label: {nl: 65 of ouder}}
  - id: wijk
    type: area
    profile: wijk
    text: {nl: "Waar woon je?"}
    areas:
      - {id: noord, label: {nl: Noord}, postcodes: ["4104-4107"]}
      - {id: zuid, label: {nl: Zuid}, postcodes: ["4112-4115"]}
  - id: andere
    type: area
    text: {nl: "Waar werk je?"}
    areas:
      - {id: noord, label: {nl: Noord}}
      - {id: zuid, label: {nl: Zuid}}
"""


def test_bands_are_cbs_adult_bands() -> None:
    assert profile.AGE_BANDS == ADULT_BANDS


def test_marked_questions_are_answered_from_the_profile_and_teach_it() -> None:
    questionnaire = parse(SOURCE, "p.yaml")
    age, wijk, other = questionnaire.questions
    known = profile.Known(age_band="65+", wijk="zuid", postcode="4105")
    assert profile.answer_from(age, known) == "65-plus"
    assert profile.answer_from(wijk, known) == "noord"  # the postcode decides
    assert profile.answer_from(wijk, profile.Known(wijk="zuid")) == "zuid"
    assert profile.answer_from(wijk, profile.Known(wijk="atlantis")) is None
    assert profile.answer_from(other, known) is None  # not marked: always asked
    assert profile.learned(age, "25-44") == {"age_band": "25-44"}
    assert profile.learned(age, "65-plus") == {"age_band": "65+"}
    assert profile.learned(wijk, "zuid") == {"wijk": "zuid"}
    assert profile.learned(wijk, None) == {}
    assert profile.learned(other, "zuid") == {}
    assert [a.id for a in profile.profile_areas(questionnaire.questions)] == ["noord", "zuid"]
    assert profile.postcode_of(" 4108 ab ") == "4108"
    assert profile.postcode_of("41080") is None
