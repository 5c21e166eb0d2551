"""A side of a diff: a specs directory, or a git revision of this repository (its specs/)."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path


class SourceError(ValueError):
    """A side that is neither a directory nor a revision with a specs/ folder."""


@dataclass(frozen=True)
class Side:
    spec_dir: Path  # where the specs are on disk now
    label: str  # how to show it: the directory, or REV:specs
    revision: str | None = None


def _git(repo: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(repo), *arguments], capture_output=True, check=False)


def repository_root(start: Path) -> Path | None:
    found = _git(start, "rev-parse", "--show-toplevel")
    return Path(found.stdout.decode().strip()) if found.returncode == 0 else None


def resolve(spec: str, stack: ExitStack, repo: Path | None = None, specs_folder: str = "specs") -> Side:
    """The specs of `spec`: a directory as it is, or a revision's specs/ extracted to a temp dir."""
    path = Path(spec)
    if path.is_dir():
        return Side(path, str(path))
    root = repository_root(repo or Path.cwd())
    if root is None:
        raise SourceError(f"'{spec}' is not a directory, and there is no git repository here to read a revision from")
    if _git(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}").returncode != 0:
        raise SourceError(f"'{spec}' is neither a directory nor a revision of {root}")
    archive = _git(root, "archive", "--format=tar", spec, specs_folder)
    if archive.returncode != 0:
        raise SourceError(f"revision {spec} has no {specs_folder}/ folder: {archive.stderr.decode().strip()}")
    target = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sdkgen-diff-")))
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")
    return Side(target / specs_folder, f"{spec}:{specs_folder}", revision=spec)
