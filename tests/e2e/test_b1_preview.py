"""The B1 check in the preview an administrator gets of an upload, through the fake Bot API:
an ambtelijk question is named with simpler words; warnings, not errors (the questionnaire
can be published); many parts fit one message, with "… en nog N."."""

from __future__ import annotations

from bot.core.parsing import INLINE_CHARS
from flows.limits import MESSAGE_CHARS
from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import BotRunner
from tests.e2e.test_admin import admin, admin_bot, fiets_source, upload

__all__ = ["admin_bot"]  # the fixture, used by name

AMBTELIJK = (
    "Middels deze vragenlijst wensen wij te inventariseren in hoeverre u voornemens bent te "
    "participeren in het beleidsvoornemen inzake de herinrichting van de openbare ruimte."
)


def ambtelijk_source(questions: int = 1) -> str:
    """mini.yaml as ``fietsen`` with ``questions`` extra ambtelijk yes/no questions at the
    end (the first of them the long sentence above)."""
    source = fiets_source()
    extra = [
        f"  - id: ambtelijk-{n}\n    type: yesno\n"
        f'    text: {{nl: "{AMBTELIJK if n == 0 else f"Indien u reeds participeert ({n})?"}"}}\n'
        for n in range(questions)
    ]
    return source.rstrip("\n") + "\n" + "".join(extra)


async def test_an_ambtelijk_question_gets_a_warning_with_simpler_words_in_the_preview(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    boss = admin(fake)
    preview = await upload(boss, "fietsen.yaml", ambtelijk_source())
    lines = preview.text.splitlines()
    assert lines[0] == "Voorbeeld: Fietsen in de stad"
    start = lines.index("Taal (B1): 1 deel kan eenvoudiger.")
    [warning] = lines[start + 1 : start + 2]
    assert warning.startswith("⚠️ ambtelijk-0: score ")
    assert "moeilijk te lezen" in warning
    assert "lange zin (24 woorden; liefst hoogstens 20)" in warning
    for pair in ("participeren → meedoen", "inzake → over", "beleidsvoornemen → plan"):
        assert pair in warning
    # A warning, not an error: the buttons are there and publishing works.
    assert preview.buttons == [["Zelf testen", "Publiceren"], ["Annuleren"]]
    await boss.press("Publiceren", message=preview)
    published = await boss.next_message()
    assert published.text.startswith("✅ Fietsen in de stad (versie 1) is gepubliceerd.")


async def test_many_warnings_are_capped_within_one_message(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    """A large file (checked in the parser's worker process, B1 check included)."""
    source = ambtelijk_source(questions=40)
    source += "# " + "opvulling " * (INLINE_CHARS // 10) + "\n"
    assert len(source) > INLINE_CHARS
    preview = await upload(admin(fake), "fietsen.yaml", source)
    assert len(preview.text) <= MESSAGE_CHARS
    lines = preview.text.splitlines()
    start = lines.index("Taal (B1): 40 delen kunnen eenvoudiger.")
    shown = [line for line in lines[start + 1 :] if line.startswith("⚠️ ambtelijk-")]
    assert 1 < len(shown) < 40
    assert lines[start + 1 + len(shown)] == f"… en nog {40 - len(shown)}."
    assert "Indien → als" in shown[1] and "participeert → meedoen" in shown[1]
    assert preview.buttons == [["Zelf testen", "Publiceren"], ["Annuleren"]]
