"""Problems a user can fix: one root exception and one finding type for validation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


class KBError(Exception):
    """A problem the user can fix; shown without a traceback."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ConfigError(KBError):
    """The project's configuration (mkdocs.yml, categories.yml) is wrong."""


class BuildFailed(KBError):
    """The site could not be built; the previous site/ is untouched."""

    details: str = ""
    """What MkDocs and the plugin reported (already shown on the terminal by `kb build`)."""


@dataclass(frozen=True)
class Diagnostic:
    """One finding of validation, located at path:line:col."""

    path: str
    """Path as shown to the user (relative to the project root where possible)."""
    line: int
    col: int
    severity: Severity
    message: str
    hint: str | None = None
    code: str = ""
    """Short rule name, e.g. 'missing-title', for filtering and JSON output."""

    def format(self) -> str:
        text = f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"
