"""``image:`` on a question: what the file may say, what must be next to it, and what the
engine hands to bot/ (a neutral :class:`~flows.images.Media`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows import engine
from flows.images import MAX_IMAGE_BYTES, Media, sniff
from flows.loader import QuestionnaireError, load_file, parse
from flows.machine import Flow
from tests.conftest import QUESTIONNAIRES

PNG = (QUESTIONNAIRES / "images" / "buurtschouw.png").read_bytes()


def yaml_with(image: str) -> str:
    return f"""\
schema_version: 1
id: plan
version: 1
title: {{nl: Plan}}
intro: {{nl: Over het plan.}}
theme: {{nl: Wonen}}
questions:
  - id: plek
    type: yesno
    image: {image}
    text: {{nl: "Is dit een goede plek?"}}
"""


def problem(text: str, folder: Path | None = None) -> tuple[int | None, str, str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse(text, "plan.yaml", folder)
    [found] = caught.value.problems
    return found.line, found.field, found.message.text("en")


@pytest.mark.parametrize(
    ("image", "said"),
    [
        ("http://example.org/plan.png", "an image URL starts with https://"),
        ("ftp://example.org/plan.png", "an image URL starts with https://"),
        ("https:///plan.png", "is not a usable URL"),
        ("/etc/plan.png", "give a path from the folder of questionnaires"),
        ("C:/plan.png", "give a path from the folder of questionnaires"),
        ("images\\\\plan.png", "give a path from the folder of questionnaires"),
        ("images/../../plan.png", "'..' is not allowed"),
        ("images/plan.gif", "an image ends in .png, .jpg, .jpeg, .webp"),
    ],
)
def test_a_source_that_cannot_be_an_image_is_refused_at_its_line(image: str, said: str) -> None:
    line, field, message = problem(yaml_with(f'"{image}"'))
    assert (line, field) == (10, "questions.plek.image")
    assert said in message


def test_files_next_to_the_yaml_are_checked(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "plan.png").write_bytes(PNG)
    (tmp_path / "images" / "tekst.png").write_bytes(b"not an image at all")
    (tmp_path / "images" / "groot.jpg").write_bytes(b"\xff\xd8\xff" + bytes(MAX_IMAGE_BYTES))
    parse(yaml_with("images/plan.png"), "plan.yaml", tmp_path)  # fine
    assert "was not found in" in problem(yaml_with("images/weg.png"), tmp_path)[2]
    assert (
        "is not a PNG, JPEG or WebP image" in problem(yaml_with("images/tekst.png"), tmp_path)[2]
    )
    too_big = problem(yaml_with("images/groot.jpg"), tmp_path)
    assert too_big[:2] == (10, "questions.plek.image")
    assert "2049 KB; an image may be at most 2048 KB" in too_big[2]
    outside = tmp_path / "elders.png"
    outside.write_bytes(PNG)
    (tmp_path / "images" / "link.png").symlink_to(outside.parent.parent / "x.png")
    assert "points outside the folder" in problem(yaml_with("images/link.png"), tmp_path)[2]
    # Without a folder (a stored questionnaire read back) only the form is checked.
    parse(yaml_with("images/weg.png"), "plan.yaml")
    # load_file looks next to the file.
    (tmp_path / "plan.yaml").write_text(yaml_with("images/weg.png"), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load_file(tmp_path / "plan.yaml")
    assert caught.value.problems[0].line == 10


def test_problems_are_said_in_dutch_too(tmp_path: Path) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse(yaml_with('"http://example.org/plan.png"'), "plan.yaml")
    assert "begint met https://" in caught.value.problems[0].message.text("nl")


def test_the_prompt_carries_a_neutral_media_and_the_answer_its_own_type() -> None:
    questionnaire = parse(yaml_with("https://example.org/plan.png"), "plan.yaml")
    flow = Flow(questionnaire)
    state = engine.start(flow)
    shown = engine.prompt(flow, state)
    assert shown.media == Media("https://example.org/plan.png")
    assert shown.media.is_url
    outcome = engine.apply(flow, state, engine.Pick("yes"), "nl")
    assert outcome.accepted == ("plek", "yes")  # a yes/no answer, as without an image


def test_sniffing_knows_png_jpeg_and_webp_only() -> None:
    assert sniff(PNG[:16]) == "png"
    assert sniff(b"\xff\xd8\xff\xe0" + bytes(12)) == "jpeg"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff(b"GIF89a" + bytes(10)) is None
    assert sniff(b"<html>404</html>") is None


def test_the_shipped_plan_is_small() -> None:
    assert len(PNG) < 100 * 1024
