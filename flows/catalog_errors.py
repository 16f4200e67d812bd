"""The error of a gettext catalog that cannot be used (:mod:`flows.texts.po`), apart from
:mod:`flows.texts`, whose import reads the catalogs: so a command line can catch it around
that import and say it on one line."""

from __future__ import annotations


class CatalogError(RuntimeError):
    """A catalog that cannot be used as it is; the message names the file and the key, and
    ``problems`` holds each problem as ``<file>: <key>: <problem>``."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [message])

    def one_line(self) -> str:
        """The first problem, and how many more there are, on one line."""
        more = len(self.problems) - 1
        return (
            f"{self.problems[0]} (a translation that does not fit its Dutch text is never "
            "used: fix the .po file"
            + (f"; {more} more problem{'s' if more > 1 else ''}: " if more else "; ")
            + "python -m flows.texts.catalogs check lists them)"
        )
