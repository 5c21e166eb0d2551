"""Errors in specs, reported with file, line and column."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A place in a spec file; line and column count from 1."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class SpecIssue:
    """One problem found in a spec: where it is and what is wrong, in plain words."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: error: {self.message}"


class SpecError(Exception):
    """Raised when specs cannot be loaded; carries every problem found in the run."""

    def __init__(self, issues: list[SpecIssue]) -> None:
        self.issues = sorted(set(issues))
        super().__init__(self.report())

    def report(self) -> str:
        lines = [str(issue) for issue in self.issues]
        count = len(self.issues)
        lines.append(f"{count} error{'s' if count != 1 else ''} in specs")
        return "\n".join(lines)


def display_path(path: Path) -> str:
    """The path as the user should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(_resolved_directory(os.getcwd())))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=16)
def _resolved_directory(directory: str) -> Path:
    # Called once per spec file: resolving the working directory each time cost a tenth of a
    # one-spec regeneration of 1000 endpoints (see bench/README.md).
    return Path(directory).resolve()
