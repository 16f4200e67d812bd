"""The web door's chat page: a resident's transcript (what the conversation said, as lines)
and the server-rendered HTML of the page, its lines and its one stylesheet and script.

The conversation speaks Telegram HTML (``<b>``, ``<i>``, ``<a>``, escaped text), which is
HTML: a line shows it as it is. Buttons are form buttons that post their data back, so the
page works without JavaScript; the small script (:data:`SCRIPT`) posts the same forms with
``fetch`` and puts the new lines in place, without a page reload.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import secrets
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from telegram import InlineKeyboardMarkup

from bot.core.reply import Document, Reply, Send
from flows.images import Media
from flows.limits import MESSAGE_CHARS
from flows.texts import RIGHT_TO_LEFT, Language, raw, t

#: Lines a transcript keeps (older ones scroll away; the conversation keeps every answer).
KEPT_LINES = 120
#: Bytes of text (UTF-8) a transcript keeps at most, its lines and their buttons: the
#: oldest lines go first. A line is at most a Telegram message (4096 characters), so
#: the newest ones always stay.
KEPT_BYTES = 64 * 1024
#: What a line keeps of a typed text longer than a Telegram message.
SHOWN_CHARS = 200
#: The ids of lines, unique across the worker processes that serve one page: each process
#: counts on from a random start of its own (2^31 lines apart at least, under 2^53, the
#: largest whole number a script holds exactly), so a post that lands on another worker
#: never gives a line the id of one already on the page.
_LINE_IDS = itertools.count((secrets.randbelow(1 << 21) + 1) << 31)


def direction(language: Language) -> str:
    return "rtl" if language[:2] in RIGHT_TO_LEFT else "ltr"


@dataclass(frozen=True, slots=True)
class WebButton:
    """A button: posts ``data``, or opens ``url``."""

    label: str
    data: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Line:
    """One message in the transcript."""

    id: int
    html: str
    mine: bool = False
    buttons: list[list[WebButton]] = field(default_factory=list)
    notice: bool = False
    file: str | None = None  # a document's file name: the line links to it
    tag: Hashable | None = None  # what the conversation asked to know the line of
    picture: Media | None = None  # a question's ``image:``, shown above its text


#: Where the page finds a question's picture, under the questionnaire's page.
PICTURES = "beeld"


def picture_key(source: str) -> str:
    """A picture's name in its URL: a hash of where it comes from (never the path or URL
    itself), with its file type's ending."""
    suffix = PurePosixPath(source.split("?")[0]).suffix.lower()
    digest = hashlib.sha256(source.encode()).hexdigest()[:20]
    return digest + (suffix if suffix in (".png", ".jpg", ".jpeg", ".webp") else "")


def _data(data: object) -> str | None:
    return data if isinstance(data, str) else None


def web_buttons(keyboard: InlineKeyboardMarkup | None) -> list[list[WebButton]]:
    if keyboard is None:
        return []
    return [
        [
            WebButton(
                item.text,
                item.callback_data if isinstance(item.callback_data, str) else None,
                item.url,
            )
            for item in row
        ]
        for row in keyboard.inline_keyboard
    ]


@dataclass
class Transcript:
    """What one browser session was told, in memory only (never stored): after a restart
    or on another device the page starts from the question in progress."""

    lines: list[Line] = field(default_factory=list)
    document: Document | None = None

    def line(self, line_id: int) -> Line | None:
        return next((line for line in self.lines if line.id == line_id), None)

    def add(self, text: str, **kwargs: object) -> Line:
        line = Line(next(_LINE_IDS), text, **kwargs)  # type: ignore[arg-type]
        self.lines.append(line)
        del self.lines[:-KEPT_LINES]
        self._trim()
        return line

    def _trim(self) -> None:
        """Drop the oldest lines while the transcript holds more than :data:`KEPT_BYTES`."""
        sizes = [_size(line) for line in self.lines]
        total = sum(sizes)
        drop = 0
        while total > KEPT_BYTES and drop < len(self.lines) - 1:
            total -= sizes[drop]
            drop += 1
        del self.lines[:drop]

    def typed(self, text: str) -> Line:
        """What the resident typed, as a line; of a text longer than a Telegram message,
        only its first :data:`SHOWN_CHARS` characters."""
        if len(text) > MESSAGE_CHARS:
            text = text[:SHOWN_CHARS] + " …"
        return self.add(html.escape(text), mine=True)

    def apply(self, reply: Reply, pressed: int | None) -> list[Line]:
        """Show ``reply``: the edit on the pressed line, a notice, then the new messages
        (when they bring buttons, older lines lose theirs: only the newest question can be
        answered). The
        lines that changed or are new, in order."""
        changed: dict[int, Line] = {}
        edit = reply.edit
        target = None
        if edit is not None:  # the pressed line, or the one the conversation names
            target = self.line(edit.message_id if edit.message_id is not None else pressed or 0)
        if reply.edit is not None and target is not None:
            if reply.edit.text is not None:
                target.html = reply.edit.text
            target.buttons = web_buttons(reply.edit.keyboard)
            changed[target.id] = target
        if reply.notice:
            line = self.add(html.escape(reply.notice), notice=True)
            changed[line.id] = line
        new: list[Line] = []
        for message in reply.messages:
            if isinstance(message, Send):
                buttons = web_buttons(message.keyboard)
                new.append(
                    self.add(message.text, buttons=buttons, tag=message.tag, picture=message.photo)
                )
            elif isinstance(message, Document):
                self.document = message
                new.append(self.add(message.caption or "", file=message.filename))
        if any(line.buttons for line in new):  # a new question: older buttons go
            first = new[0].id
            for line in self.lines:
                if line.id < first and line.buttons:
                    line.buttons = []
                    changed[line.id] = line
        for line in new:
            changed[line.id] = line
        self._trim()  # (an edit may have made a line longer)
        return sorted(changed.values(), key=lambda line: line.id)


def _size(line: Line) -> int:
    """About the bytes ``line`` holds: its text and its buttons'."""
    size = len(line.html.encode()) + len((line.file or "").encode())
    for row in line.buttons:
        for item in row:
            size += len(item.label.encode()) + len((item.data or item.url or "").encode())
    return size


@dataclass(frozen=True, slots=True)
class Chrome:
    """What every render of one page needs: where forms post, the CSRF token, the words,
    and the step of the conversation a typed answer answers (see :mod:`bot.app.webdoor`)."""

    action: str
    csrf: str
    language: Language
    step: str = "-"


def _hidden(chrome: Chrome) -> str:
    return f'<input type="hidden" name="csrf" value="{html.escape(chrome.csrf)}">'


def render_line(line: Line, chrome: Chrome) -> str:
    """One ``<li>`` of the log."""
    language = chrome.language
    who = raw(language, "web.you") if line.mine else raw(language, "web.bot")
    kind = "mine" if line.mine else ("notice" if line.notice else "bot")
    parts = [
        f'<li id="m{line.id}" class="{kind}">',
        f'<span class="sr-only">{html.escape(who)}: </span>',
    ]
    if line.picture is not None:  # served by this server (webdoor_images), never elsewhere
        source = f"{chrome.action}/{PICTURES}/{picture_key(line.picture.source)}"
        alt = line.picture.alt_text(language) or raw(language, "web.picture")
        parts.append(f'<img class="picture" src="{html.escape(source)}" alt="{html.escape(alt)}">')
    parts.append(f'<div class="text">{line.html}</div>')
    if line.file is not None:
        name = html.escape(line.file)
        download = t(language, "web.download", name=line.file)
        parts.append(
            f'<a class="file" href="{chrome.action}/bestand" download="{name}">{download}</a>'
        )
    if line.buttons:
        parts.append(
            f'<form method="post" action="{chrome.action}" data-chat class="buttons">'
            f'{_hidden(chrome)}<input type="hidden" name="line" value="{line.id}">'
        )
        for row in line.buttons:
            parts.append('<div class="row">')
            for item in row:
                label = html.escape(item.label)
                if item.data is not None:
                    value = html.escape(item.data)
                    parts.append(
                        f'<button type="submit" name="press" value="{value}">{label}</button>'
                    )
                elif item.url is not None and item.url.startswith(("https://", "http://")):
                    parts.append(f'<a class="button" href="{html.escape(item.url)}">{label}</a>')
            parts.append("</div>")
        parts.append("</form>")
    parts.append("</li>")
    return "".join(parts)


MENU = (
    ("/stop", "web.stop"),
    ("/help", "web.help"),
    ("/taal", "web.language"),
    ("/privacy", "web.privacy"),
    ("/mijngegevens", "web.mydata"),
    ("/vergeetmij", "web.forget"),
)


def render_page(
    title: str, transcript: Transcript, chrome: Chrome, *, elsewhere: str, static: str
) -> str:
    """The whole chat page."""
    language = chrome.language
    lines = "".join(render_line(line, chrome) for line in transcript.lines)
    menu = "".join(
        f'<button type="submit" name="text" value="{command}" class="link">'
        f"{html.escape(raw(language, key))}</button>"
        for command, key in MENU
    )
    return (
        "<!doctype html>\n"
        f'<html lang="{html.escape(language)}" dir="{direction(language)}">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{t(language, 'web.title', title=title)}</title>"
        f'<link rel="stylesheet" href="{static}/chat.css"></head>'
        "<body><header>"
        f"<h1>{t(language, 'web.heading', title=title)}</h1>"
        f"<p>{t(language, 'web.intro')}</p></header>"
        "<main>"
        f'<div id="log" role="log" aria-live="polite" aria-label="{raw(language, "web.log")}">'
        f"<ol>{lines}</ol></div>"
        f'<form id="say" method="post" action="{chrome.action}" data-chat>{_hidden(chrome)}'
        f'<input type="hidden" name="step" value="{html.escape(chrome.step)}">'
        f'<label for="text">{t(language, "web.type")}</label>'
        '<div class="say"><textarea id="text" name="text" rows="2" required></textarea>'
        f'<button type="submit">{t(language, "web.send")}</button></div></form>'
        f'<nav aria-label="{raw(language, "web.menu")}">'
        f'<form method="post" action="{chrome.action}" data-chat>{_hidden(chrome)}{menu}'
        "</form></nav>"
        f"<details><summary>{t(language, 'web.elsewhere')}</summary>"
        f"<p>{t(language, 'web.elsewhere.how')} {t(language, 'web.elsewhere.expires')}</p>"
        f'<p><a href="{html.escape(elsewhere)}" rel="nofollow">{html.escape(elsewhere)}</a></p>'
        "</details>"
        f'<p class="small">{t(language, "web.cookie")}</p>'
        "</main>"
        f'<script src="{static}/chat.js" defer></script>'
        "</body></html>"
    )


def render_notice(language: Language, key: str, back: str | None, **params: object) -> str:
    """A page that says one thing (a refused form, an unknown questionnaire...); ``params``
    for the text."""
    link = f'<p><a href="{html.escape(back)}">{t(language, "web.back")}</a></p>' if back else ""
    return (
        "<!doctype html>\n"
        f'<html lang="{language}" dir="{direction(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{raw(language, 'web.bot')}</title></head>"
        f'<body><main><p role="alert">{t(language, key, **params)}</p>{link}</main></body></html>'
    )


def render_continue(language: Language, action: str, back: str, *, own: bool, static: str) -> str:
    """The question before a browser continues another device's session (``/verder``):
    continue it here, or not (``own``: this browser has a session of its own, which it
    would leave). The answer is a same-origin post to ``action``."""
    warning = f"<p>{t(language, 'web.continue.own')}</p>" if own else ""
    return (
        "<!doctype html>\n"
        f'<html lang="{html.escape(language)}" dir="{direction(language)}">'
        '<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{raw(language, 'web.bot')}</title>"
        f'<link rel="stylesheet" href="{static}/chat.css"></head><body><main>'
        f"<h1>{t(language, 'web.continue.ask')}</h1>{warning}"
        f"<p>{t(language, 'web.continue.warn')}</p>"
        f'<form method="post" action="{html.escape(action)}"><div class="row">'
        f'<button type="submit" name="continue" value="yes">{t(language, "web.continue.yes")}'
        "</button>"
        f'<button type="submit" name="continue" value="no">{t(language, "web.continue.no")}'
        "</button></div></form>"
        f'<p><a href="{html.escape(back)}">{t(language, "web.back")}</a></p>'
        "</main></body></html>"
    )


STYLE = """
*{box-sizing:border-box}
body{margin:0;font:1.05rem/1.45 system-ui,sans-serif;color:#1a1a1a;background:#fff}
header,main{max-width:44rem;margin:0 auto;padding:0 .75rem}
h1{font-size:1.3rem;margin:.8rem 0 .2rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
#log ol{list-style:none;padding:0;margin:0}
#log li{margin:.5rem 0;padding:.55rem .7rem;border-radius:.6rem;max-width:92%;
 background:#eef1f5;border:1px solid #c9d1db}
#log li.mine{margin-left:auto;background:#dff0e3;border-color:#9cc7a8}
#log li.notice{background:#fff7d6;border-color:#c9a227}
.text{white-space:pre-line;overflow-wrap:anywhere}
.picture{display:block;max-width:100%;height:auto;margin-bottom:.4rem;border-radius:.4rem}
.buttons{margin-top:.4rem}.row{display:flex;flex-wrap:wrap;gap:.35rem;margin-top:.35rem}
button,.button{font:inherit;padding:.5rem .8rem;min-height:44px;border-radius:.5rem;
 border:2px solid #0b4f8a;background:#0b4f8a;color:#fff;cursor:pointer;text-decoration:none}
.row button{background:#fff;color:#0b4f8a}
button:focus-visible,a:focus-visible,textarea:focus-visible,summary:focus-visible{
 outline:3px solid #b3003c;outline-offset:2px}
#say{margin:.8rem 0;position:sticky;bottom:0;background:#fff;padding:.4rem 0}
#say label{display:block;font-weight:600}
.say{display:flex;gap:.4rem}textarea{flex:1;font:inherit;padding:.45rem;border:2px solid #555;
 border-radius:.4rem;min-width:0}
nav form{display:flex;flex-wrap:wrap;gap:.2rem .9rem}
button.link{background:none;border:none;color:#0b4f8a;text-decoration:underline;padding:.3rem 0;
 min-height:auto}
a{color:#0b4f8a}.small{font-size:.9rem;color:#444}details{margin:.6rem 0}
"""

SCRIPT = """(function () {
  "use strict";
  var log = document.querySelector("#log ol");
  var text = document.getElementById("text");
  function place(lines) {
    lines.forEach(function (item) {
      var box = document.createElement("ol");
      box.innerHTML = item.html;
      var line = box.firstElementChild;
      var old = document.getElementById(line.id);
      if (old) { old.replaceWith(line); } else { log.appendChild(line); }
    });
  }
  // One post at a time, in the order they were made: a tap and a quickly typed answer
  // reach the bot as the resident gave them (as Telegram keeps a chat's updates in order).
  var queue = Promise.resolve();
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-chat") || !window.fetch) { return; }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    if (event.submitter && event.submitter.name) {
      body.append(event.submitter.name, event.submitter.value);
    }
    if (form.id === "say") { form.reset(); }
    queue = queue.then(function () {
      return fetch(form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"Accept": "application/json"}
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (answer) {
        if (answer.reload) { window.location.reload(); return; }
        if (answer.step !== undefined) {  // the step a typed answer now answers
          document.querySelectorAll("input[name=step]").forEach(function (input) {
            input.value = answer.step;
          });
        }
        place(answer.lines);
        var last = log.lastElementChild;
        var button = last && last.querySelector("button");
        (button || text).focus();
        if (last) { last.scrollIntoView({block: "nearest"}); }
      });
    }).catch(function () { window.location.reload(); });
  });
  if (text) {
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && text.value.trim()) {
        event.preventDefault();
        text.form.requestSubmit();
      }
    });
  }
})();
"""
