"""An image on a question (a plan, a map): where it comes from, and whether it can be used.

``image:`` may stand on any question; it is an attachment, not an answer type: the question
is asked, stored, exported and counted as its own type says. The image is named either by a
path relative to the folder of questionnaires (``images/plan.png``: the shipped files live
next to the YAML files in QUESTIONNAIRES_DIR) or by an ``https://`` URL.

Three rounds of checks, so that nothing is found out only when a resident is waiting:

- :func:`check_source` (in the schema, for every file, wherever it comes from): a relative
  path without ``..``, not absolute, ending in .png, .jpg, .jpeg or .webp; or an https URL
  with a host. Everything else is refused with the file's line.
- :func:`check_file` (when the folder is known: ``questionnaire validate``, ``import``,
  seeding, an upload in chat): the file is there, at most :data:`MAX_IMAGE_BYTES`, and
  its first bytes say PNG, JPEG or WebP, whatever the name says.
- :func:`sniff` on what an https URL answers (``bot/core/images.py`` fetches, capped):
  the same test on the bytes.

No Telegram here: the engine's :class:`~flows.engine.Prompt` carries a :class:`Media` and
``bot/`` turns it into ``sendPhoto``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from pydantic_core import PydanticCustomError

#: What Telegram accepts for a photo sent by upload is 10 MB; a plan for a phone screen
#: needs far less, and the cap keeps a questionnaire folder small.
MAX_IMAGE_BYTES = 2 * 1024 * 1024
#: The name endings an image may have.
SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
#: Characters of an image source at most (a path or URL).
MAX_SOURCE_CHARS = 500


@dataclass(frozen=True, slots=True)
class Media:
    """A neutral description of what to show with a question: a photo, by its ``source``
    (a relative path under the questionnaires folder, or an https URL)."""

    source: str
    #: What the picture shows, per language code (the question's ``image_alt``).
    alt: tuple[tuple[str, str], ...] = ()

    def alt_text(self, language: str) -> str | None:
        """The description in ``language`` (``ar-EG`` finds ``ar``), else Dutch; None
        when the questionnaire gives none."""
        found = dict(self.alt)
        return found.get(language) or found.get(language.split("-")[0]) or found.get("nl")

    @property
    def is_url(self) -> bool:
        return self.source.startswith("https://")


def _refuse(code: str, **context: object) -> PydanticCustomError:
    return PydanticCustomError(code, code, context)


def check_source(value: str) -> str:
    """``value`` when it is a usable image source; raises the schema's refusal otherwise."""
    if len(value) > MAX_SOURCE_CHARS:
        raise _refuse("image.long", max=MAX_SOURCE_CHARS)
    if "://" in value or value.lower().startswith(("http:", "https:")):
        parts = urlsplit(value)
        if parts.scheme != "https":
            raise _refuse("image.not_https")
        if not parts.hostname or parts.username or parts.password:
            raise _refuse("image.bad_url")
        return value
    if "\\" in value or value.startswith("/") or (len(value) > 1 and value[1] == ":"):
        raise _refuse("image.absolute")
    path = PurePosixPath(value)
    if ".." in path.parts:
        raise _refuse("image.dotdot")
    if not value.lower().endswith(SUFFIXES):
        raise _refuse("image.suffix", allowed=list(SUFFIXES))
    return value


def sniff(head: bytes) -> str | None:
    """The image type the first bytes say ("png", "jpeg", "webp"), or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_file(folder: Path, source: str) -> tuple[str, dict[str, object]] | None:
    """What is wrong with the local image ``source`` under ``folder`` (a problem code and its
    parameters), or None when it can be sent. URLs are not looked at here."""
    if source.startswith("https://"):
        return None
    path = folder / source
    try:
        resolved = path.resolve()
        if not resolved.is_relative_to(folder.resolve()):  # a symbolic link out of the folder
            return ("image.outside", {})
        if not resolved.is_file():
            return ("image.missing", {"folder": str(folder)})
        size = resolved.stat().st_size
        if size > MAX_IMAGE_BYTES:
            return ("image.too_big", {"size": -(-size // 1024), "max": MAX_IMAGE_BYTES // 1024})
        with resolved.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        return ("image.unreadable", {"reason": exc.strerror or exc.__class__.__name__})
    if sniff(head) is None:
        return ("image.not_image", {})
    return None


def read(folder: Path, source: str) -> bytes:
    """The bytes of a local image that :func:`check_file` passed (checked again: the folder
    may have changed since); raises OSError or ValueError."""
    problem = check_file(folder, source)
    if problem is not None:
        raise ValueError(problem[0])
    return (folder / source).resolve().read_bytes()
