"""Problems found in user input, reported as `path:line: error: message`.

Every stage collects problems into a Report instead of raising at the first one,
so a user sees all of them at once and fixes them in one pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def shown_path(path: str | Path, root: Path | None = None) -> str:
    """A path as the user would type it: relative to `root` (default: the working
    folder) when inside it, else as given."""
    try:
        return str(Path(path).resolve().relative_to((root or Path.cwd()).resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class SourceError:
    path: str
    line: int
    message: str
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


def warning(path: str, line: int, message: str) -> SourceError:
    return SourceError(path, line, message, "warning")


class BuildFailed(Exception):
    """Raised at an edge once a stage has collected fatal problems."""

    def __init__(self, problems: list[SourceError]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


@dataclass
class Report:
    problems: list[SourceError] = field(default_factory=list)

    def add(self, problem: SourceError) -> None:
        self.problems.append(problem)

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def error(self, path: str, line: int, message: str) -> None:
        self.add(SourceError(path, line, message))

    @property
    def errors(self) -> list[SourceError]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[SourceError]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self, strict: bool = False) -> None:
        fatal = self.problems if strict else self.errors
        if fatal:
            raise BuildFailed(list(fatal))
