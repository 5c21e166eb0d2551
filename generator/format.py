"""Format generated Python with the pinned ruff, with settings that ignore any project config."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from generator.cache import NO_CACHE, BuildCache, digest, fingerprint

RUFF_SETTINGS = ["--isolated", "--target-version", "py311", "--line-length", "120"]
# Sort imports and drop unused ones (templates import what any method might need).
RUFF_FIXES = ["--select", "I,F401", "--fix", "--unsafe-fixes", "--exit-zero", "--quiet"]


class FormatError(RuntimeError):
    """The formatter failed: generated code that does not parse, or ruff missing."""


def _run(arguments: list[str], cwd: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *arguments], cwd=cwd, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise FormatError(f"ruff {arguments[0]} failed:\n{result.stdout}{result.stderr}")


def format_files(
    files: dict[str, str], cache: BuildCache = NO_CACHE, first_party: tuple[str, ...] = ()
) -> dict[str, str]:
    """The same files with every .py file import-sorted and formatted; other files unchanged.
    `first_party`: the generated packages, whose imports sort after third-party ones.

    A file whose unformatted text was formatted before comes from the cache; ruff runs once
    over the rest. Ruff is told which packages are first-party rather than left to look for
    them, because it looks for each imported module's file, and the files it sees are only
    those that missed the cache.
    """
    settings = [*RUFF_SETTINGS, "--config", f"lint.isort.known-first-party = {list(first_party)!r}"]
    keys = {path: digest(fingerprint(), *settings, path, text) for path, text in files.items() if path.endswith(".py")}
    done: dict[str, str] = {}
    for path, key in keys.items():
        cached = cache.get_text("formatted", key)
        if cached is not None:
            done[path] = cached
    python = {path: files[path] for path in keys if path not in done}
    if python:
        formatted = _format_with_ruff(python, settings)
        for path, text in formatted.items():
            cache.put_text("formatted", keys[path], text)
        done.update(formatted)
    return {path: done.get(path, text) for path, text in files.items()}


def _format_with_ruff(python: dict[str, str], settings: list[str]) -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="sdkgen-format-") as scratch:
        root = Path(scratch)
        for relative, text in python.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        _run(["check", *settings, *RUFF_FIXES, "."], root)
        _run(["format", *settings, "--quiet", "."], root)
        return {relative: (root / relative).read_text(encoding="utf-8") for relative in python}
