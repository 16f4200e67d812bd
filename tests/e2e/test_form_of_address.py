""" "u" or "je": the bot's own texts follow a questionnaire's ``address`` inside its
conversation, and FORM_OF_ADDRESS everywhere else; English has one form.

Residents go through a questionnaire that says "u" the hard way (every wrong answer, a
sticker, an edit, an unknown command, /help, /stop and back, the summary and the opt-in)
through the fake Bot API; every text, button and notice the bot gave in that conversation is
read from the calls it made, so nothing it said is missed.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import join, running_bot

#: "je" and its family as words, in any case ("Je", "jouw", "jij"); not inside "jezus" or "bijeen".
JE = re.compile(r"\b(je|jij|jou|jouw|jouwe|jezelf)\b", re.IGNORECASE)
WONEN = "Wonen in Rivierstad"
AFVAL = "Afval ophalen in Rivierstad"
FEEST = "Buurtfeest"

#: A questionnaire written with "u", as the Burgerpeiling is: its own texts and the bot's.
WONEN_YAML = """\
schema_version: 1
id: wonen
version: 1
address: u
theme: {nl: Leefbaarheid, en: Liveability}
title: {nl: Wonen in Rivierstad, en: Living in Rivierstad}
intro:
  nl: Wij horen graag hoe u het wonen in uw buurt ervaart.
  en: We would like to hear how you experience living in your neighbourhood.
questions:
  - id: wijk
    type: area
    text: {nl: "In welke wijk woont u?", en: "Which neighbourhood do you live in?"}
    areas:
      - {id: centrum, label: {nl: Centrum, en: Centre}, postcodes: ["4100-4109"]}
      - {id: noord, label: {nl: Noord, en: North}, postcodes: ["4110-4119"]}
  - id: woonduur
    type: choice
    text: {nl: "Hoe lang woont u al hier?", en: "How long have you lived here?"}
    options:
      - {id: kort, label: {nl: Korter dan 5 jaar, en: Less than 5 years}}
      - {id: lang, label: {nl: 5 jaar of langer, en: 5 years or more}}
  - id: voorzieningen
    type: multi
    text: {nl: "Wat gebruikt u in de buurt?", en: "What do you use nearby?"}
    max_choices: 2
    options:
      - {id: park, label: {nl: Het park, en: The park}}
      - {id: winkels, label: {nl: De winkels, en: The shops}}
      - {id: bieb, label: {nl: De bibliotheek, en: The library}}
  - id: cijfer
    type: scale
    min: 1
    max: 10
    text: {nl: "Welk cijfer geeft u uw buurt?", en: "What mark do you give your area?"}
  - id: veilig
    type: yesno
    text: {nl: "Voelt u zich veilig in uw buurt?", en: "Do you feel safe in your area?"}
  - id: buren
    type: number
    max: 100
    text: {nl: "Hoeveel buren kent u?", en: "How many neighbours do you know?"}
  - id: idee
    type: text
    optional: true
    min_length: 5
    max_length: 200
    text: {nl: "Wat kan er beter in uw buurt?", en: "What could be better in your area?"}
"""

#: A questionnaire that says "je" whatever the bot's FORM_OF_ADDRESS is.
FEEST_YAML = """\
schema_version: 1
id: buurtfeest
version: 1
address: je
theme: {nl: Buurt, en: Neighbourhood}
title: {nl: Buurtfeest, en: Street party}
intro: {nl: Eén vraag over het buurtfeest., en: One question about the street party.}
questions:
  - id: wijk
    type: area
    text: {nl: "In welke wijk woon jij?", en: "Which neighbourhood do you live in?"}
    areas:
      - {id: centrum, label: {nl: Centrum, en: Centre}, postcodes: ["4100-4109"]}
      - {id: noord, label: {nl: Noord, en: North}, postcodes: ["4110-4119"]}
"""


def questionnaires(tmp_path: Path, **extra: str) -> Path:
    """The shipped questionnaires plus ``extra`` (file stem -> YAML) in one folder."""
    folder = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES, folder)
    for stem, text in extra.items():
        (folder / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return folder


def said(fake: FakeBotApi, since: int, chat_id: int) -> list[str]:
    """Every text the bot gave ``chat_id`` from call ``since`` on: messages and edits,
    captions, button labels and the notices on pressed buttons."""
    texts: list[str] = []
    for call in fake.calls[since:]:
        params = call.params
        if call.method == "answerCallbackQuery":
            texts.append(str(params.get("text") or ""))
            continue
        if str(params.get("chat_id")) != str(chat_id):
            continue
        texts += [str(params[key]) for key in ("text", "caption") if params.get(key)]
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        for row in (markup or {}).get("inline_keyboard", []):
            texts += [str(button.get("text", "")) for button in row]
    return texts


def saying_je(texts: list[str]) -> list[str]:
    return [text for text in texts if JE.search(text)]


async def settled(resident: FakeUser, fake: FakeBotApi) -> None:
    """Wait until the bot has answered, and mark its messages read."""
    await fake.settle()
    resident.drain()


async def wrong(resident: FakeUser, fake: FakeBotApi, *inputs: str) -> None:
    """Type answers (the bot cannot use most of them), and let it answer each: its answer
    is waited for, not only a quiet moment (a busy machine can be quiet for a while)."""
    for text in inputs:
        await resident.ask(text)
        await settled(resident, fake)


async def test_a_questionnaire_with_address_u_says_u_in_every_text_of_its_conversation(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = questionnaires(tmp_path, wonen=WONEN_YAML)
    # Many messages in a few seconds: more than flood protection lets through by default.
    async with running_bot(fake, database_url, questionnaires_dir=folder, flood_max_updates=1000):
        resident = fake.user()
        await join(resident)  # the welcome is the bot's own: FORM_OF_ADDRESS, "je"
        pick = await resident.next_message()
        assert "wil je iets zeggen" in pick.text
        since = len(fake.calls)

        await resident.press(WONEN, message=pick)
        _intro, wijk = await resident.next_messages(2)
        assert "Kies uw wijk, of typ de 4 cijfers van uw postcode." in wijk.text
        await wrong(resident, fake, "vorige", "sla over", "9999", "/onbekend")
        await resident.send_sticker()
        await resident.next_message()
        await settled(resident, fake)
        help_ = await resident.ask("/help")
        assert help_.text.startswith("Zo werkt het\nIk stel u korte vragen")
        assert help_.text.endswith(
            f"U bent bezig met {WONEN}. Vraag 1 van 7 staat hierboven en wacht op uw antwoord."
        )
        await resident.press("Centrum")
        await settled(resident, fake)

        await wrong(resident, fake, "7")
        await resident.press("« Vorige")  # back to the first question
        await settled(resident, fake)
        await wrong(resident, fake, "4110", "2")  # Noord, then "5 jaar of langer"

        for option in ("1. Het park", "2. De winkels", "3. De bibliotheek"):  # one too many
            await resident.press(option)
            await settled(resident, fake)
        await wrong(resident, fake, "ergens")
        await resident.press("Klaar ✓")
        await settled(resident, fake)

        await wrong(resident, fake, "11", "8")
        stopped = await resident.ask("/stop")
        assert stopped.text.startswith("Gestopt. Uw antwoorden tot nu toe zijn bewaard.")
        await resident.send("/start wonen")  # the deep link of a poster: resumes
        resumed, _veilig = await resident.next_messages(2)
        assert resumed.text == "Welkom terug! We gaan verder waar u was gebleven."
        await wrong(resident, fake, "misschien")
        await resident.press("Ja")
        await settled(resident, fake)

        await wrong(resident, fake, "7,5", "500", "12")
        short = await resident.send("kort")
        await settled(resident, fake)
        await wrong(resident, fake, "x" * 300)
        await resident.edit(short, "iets anders")  # an edited message is no answer
        await settled(resident, fake)
        await resident.send("Meer bankjes in het park")
        end, more = await resident.next_messages(2)
        assert end.text.startswith("Klaar! Dank u wel voor uw mening.\n\nDit hebt u geantwoord:")
        assert "Tik aan wat u wilt. U kunt het altijd veranderen met /instellingen." in end.text
        assert more.text == "Wilt u nog een vragenlijst invullen? Stuur /vragenlijsten."
        query = await resident.press("Horen wat Rivierstad ermee doet", message=end)
        answer = await resident.wait_callback_answered(query)
        assert answer.text == "Aangezet. U krijgt hierover een bericht."
        await fake.settle()

        texts = said(fake, since, resident.chat_id)
        for expected in (  # the bot's own texts of each kind, in their "u" form
            "Deze vraag kunt u niet overslaan.",
            "Die wijk of postcode ken ik niet. Kies uw wijk met een knop.",
            "Een aangepast bericht kan ik niet gebruiken. Wilt u een antwoord veranderen?",
            "Uw antwoord: Centrum",
            "« U ging terug naar de vorige vraag.",
            "Typ uw antwoord in een bericht (maximaal 200 tekens).",
            "Uw antwoord is wat kort. Schrijf minstens 5 tekens.",
            "Uw tekst is te lang: 300 tekens. Het mag maximaal 200 tekens zijn.",
        ):
            assert any(expected in text for text in texts), expected
        assert saying_je(texts) == []

        # Another questionnaire, without ``address``, keeps the bot's "je".
        since = len(fake.calls)
        await resident.send("/start afvalinzameling")
        await resident.next_messages(2)
        await wrong(resident, fake, "9999")
        texts = said(fake, since, resident.chat_id)
        assert "Die wijk of postcode ken ik niet. Kies je wijk met een knop." in texts
        assert any("Kies je wijk, of typ de 4 cijfers van je postcode." in t for t in texts)


async def test_form_of_address_u_for_the_whole_bot_and_a_questionnaire_that_says_je(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = questionnaires(tmp_path, buurtfeest=FEEST_YAML)
    async with running_bot(fake, database_url, questionnaires_dir=folder, form_of_address="u"):
        resident = fake.user()
        welcome = await resident.ask("/start")
        assert welcome.text.startswith("Hallo! Ik ben de vragenbot van Rivierstad.")
        assert welcome.text.endswith("Doet u mee?")
        await resident.press("Ja, ik doe mee", message=welcome)
        given, pick = await resident.next_messages(2)
        assert given.text == "Fijn dat u meedoet! U kunt altijd stoppen met /stop."
        for command in ("/help", "/privacy", "/instellingen", "/resultaten", "/vergeetmij"):
            await resident.ask(command)
        await resident.send("/mijngegevens")
        await resident.next_messages(2)
        await resident.press("Nee, toch niet")
        await fake.settle()
        assert saying_je([m.text for m in resident.messages]) == []
        assert saying_je([m.caption or "" for m in resident.messages]) == []

        await resident.press(AFVAL, message=pick)
        _intro, wijk = await resident.next_messages(2)
        assert wijk.text.endswith("Kies uw wijk, of typ de 4 cijfers van uw postcode.")
        await resident.ask("/stop")

        await resident.send("/start buurtfeest")  # ``address: je`` wins in its conversation
        _intro, feest = await resident.next_messages(2)
        assert feest.text.endswith("Kies je wijk, of typ de 4 cijfers van je postcode.")


async def test_english_has_one_form(fake: FakeBotApi, database_url: str, tmp_path: Path) -> None:
    folder = questionnaires(tmp_path, wonen=WONEN_YAML)
    async with running_bot(fake, database_url, questionnaires_dir=folder):
        resident = fake.user(language_code="en")
        await join(resident, then="wonen")
        intro, wijk = await resident.next_messages(2)
        assert intro.text.startswith("Living in Rivierstad")
        assert wijk.text.endswith(
            "Choose your neighbourhood, or type the 4 digits of your postcode."
        )


async def test_an_administrator_uploads_a_questionnaire_with_an_address(
    fake: FakeBotApi, database_url: str
) -> None:
    admin_id = 4_242_001
    fake.user(admin_id)
    async with running_bot(fake, database_url, admin_user_ids=[admin_id]):
        admin = fake.user(admin_id)
        await admin.send_document("wonen.yaml", WONEN_YAML.encode(), "application/x-yaml")
        preview: BotMessage = await admin.next_message()
        assert preview.text.startswith(f"Voorbeeld: {WONEN}\n")
        wrong_address = WONEN_YAML.replace("address: u", "address: jij").replace(
            "version: 1", "version: 2"
        )
        await admin.send_document("wonen.yaml", wrong_address.encode(), "application/x-yaml")
        refused: BotMessage = await admin.next_message()
        assert "Er is niets opgeslagen" in refused.text
        assert re.search(r"regel 4\b.*address", refused.text), refused.text  # line and field
