"""The README says how to do what it tells a newcomer to do: where the ``samenspraak``
command is after ``make install``, and what the browser test needs (and does without it)."""

from __future__ import annotations

import argparse
import re

import pytest

# Under another name: as ``pytestmark`` it would mark (and, without Chromium, skip) every
# test of this module.
from tests.browser.test_sandbox_browser import CHROMIUM
from tests.browser.test_sandbox_browser import pytestmark as browser_marks
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of the ``## title`` section, up to the next one."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.M | re.S)
    assert match, f"no section {title!r}"
    return match.group(1)


def test_it_says_where_the_command_is_before_using_it_bare() -> None:
    text = section("The `samenspraak` command")
    first_bare = text.index("| `samenspraak run`")
    told = " ".join(text[:first_bare].split())  # line breaks as spaces
    assert ".venv/bin/samenspraak run" in told
    assert "source .venv/bin/activate" in told
    # The make targets it names run what it says they run.
    assert "$(VENV)/bin/samenspraak run --or-sandbox" in MAKEFILE
    assert "`make run` runs `samenspraak run --or-sandbox`" in told
    assert "$(VENV)/bin/samenspraak sandbox" in MAKEFILE
    assert "`make sandbox` runs `samenspraak sandbox`" in told


def test_the_tests_section_says_what_the_browser_test_needs() -> None:
    text = section("Tests")
    assert "tests/browser/" in text
    assert f"`{CHROMIUM}`" in text
    assert "`sudo apt-get install chromium`" in text
    assert "skipped" in text
    # ... which is what the test itself says when it skips.
    reasons = " ".join(str(mark.kwargs.get("reason", "")) for mark in browser_marks)
    assert "apt-get install chromium" in reasons and str(CHROMIUM) in reasons


def test_the_command_table_lists_every_export_format_the_command_takes() -> None:
    from bot.app.cli import parser

    commands = next(
        action
        for action in parser()._actions  # argparse keeps its subcommands here
        if isinstance(action, argparse._SubParsersAction)
    )
    export = commands.choices["export"]
    [formats] = [a for a in export._actions if "--format" in a.option_strings]
    assert formats.choices
    row = next(
        line
        for line in section("The `samenspraak` command").splitlines()
        if line.startswith("| `samenspraak export")
    )
    listed = re.search(r"--format ([a-z\\|]+)\]", row)
    assert listed, row
    assert listed.group(1).split("\\|") == list(formats.choices)


def test_the_sandbox_section_says_how_to_open_the_example_deliberation() -> None:
    text = " ".join(section("Try it without Telegram: the sandbox").split())
    assert "`/start autoluw-centrum`" in text
    assert (ROOT / "questionnaires" / "stellingen" / "autoluw-centrum.yaml").exists()


#: The file the README's example of the validator's two rounds is the output of.
AFVAL = """\
schema_version: 1
id: afval
version: 1
theme: {nl: Afval, en: Waste}
title: {nl: Afval ophalen, en: Waste collection}
intro: {nl: Drie vragen over afval., en: Three questions on waste.}
questions:
  - id: tevreden
    type: yesno
    text:
      nl: Ben je tevreden over het ophalen van afval?
      en: Are you satisfied with waste collection?
    next:
      - when: {question: tevreden, equals: "no"}
        goto: waaarom
      - goto: cijfer
  - id: waarom
    type: text
    text:
      nl: Wat kan beter?
      en: What could be better?
    optinal: true
  - id: cijfer
    type: scale
    text:
      nl: Welk cijfer geef je het ophalen van afval?
      en: What score do you give waste collection?
    min: 1
    max: 11
"""


def test_the_validator_example_is_what_the_validator_says_in_its_two_rounds() -> None:
    from flows.loader import QuestionnaireError, parse

    blocks = re.findall(r"```text\n(.*?)```", section("Questionnaires"), re.S)
    first, second = (b for b in blocks if re.match(r"questionnaires/afval\.yaml:\d+:", b))
    fixed = AFVAL.replace("optinal:", "optional:").replace("max: 11", "max: 10")
    for text, shown in ((AFVAL, first), (fixed, second)):
        with pytest.raises(QuestionnaireError) as caught:
            parse(text, "questionnaires/afval.yaml")
        assert str(caught.value) + "\n" == shown
