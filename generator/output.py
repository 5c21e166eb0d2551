"""Write the generated tree all or nothing, or compare it with what is on disk.

`write_tree` builds the new tree beside the target, then swaps it in with two renames, so an
error or an interruption leaves the previous tree intact. Files in the target that the generator
did not write stop the write (nothing is deleted silently) unless the target's keep-file
(`.sdkgen-keep`: one path or shell-style pattern per line, relative to the target, `#` comments)
lists them; kept files are carried into the new tree untouched. Caches and build leftovers
(`__pycache__`, `build/`, `*.egg-info`, ...) are not counted.
"""

from __future__ import annotations

import ctypes
import difflib
import fnmatch
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "build", "dist", ".hypothesis"}
KEEP_FILE = ".sdkgen-keep"


def _ignored(relative: Path) -> bool:
    return any(part in IGNORED_PARTS or part.endswith(".egg-info") for part in relative.parts)


def keep_patterns(root: Path) -> list[str]:
    """The patterns of the keep-file in `root` (the keep-file itself is always kept)."""
    try:
        text = (root / KEEP_FILE).read_text(encoding="utf-8")
    except OSError:
        return []
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [KEEP_FILE, *(line.removeprefix("./") for line in lines if line)]


def is_kept(relative: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(relative, pattern) for pattern in patterns)


def existing_files(root: Path) -> dict[str, bytes]:
    """Every file under `root` that counts (relative posix path -> bytes)."""
    if not root.is_dir():
        return {}
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not _ignored(relative):
            found[relative.as_posix()] = path.read_bytes()
    return found


@dataclass
class Comparison:
    added: list[str] = field(default_factory=list)  # generated, not on disk
    removed: list[str] = field(default_factory=list)  # generated earlier, not any more
    changed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # on disk, never written by sdkgen, not kept
    kept: list[str] = field(default_factory=list)  # on disk, listed in the keep-file
    unchanged: set[str] = field(default_factory=set)  # identical on disk
    diff: str = ""

    @property
    def up_to_date(self) -> bool:
        """Nothing to write (foreign files aside)."""
        return not (self.added or self.removed or self.changed)

    @property
    def clean(self) -> bool:
        """The folder is exactly what sdkgen generates."""
        return self.up_to_date and not self.foreign


def compare_tree(files: dict[str, str], root: Path, on_disk: dict[str, bytes] | None = None) -> Comparison:
    """How `root` (whose files `on_disk` holds, when already read) differs from `files`."""
    on_disk = existing_files(root) if on_disk is None else on_disk
    keep = keep_patterns(root)
    result = Comparison()
    chunks: list[str] = []
    for relative in sorted(set(files) | set(on_disk)):
        new = files.get(relative)
        old = on_disk.get(relative)
        if new is not None and old is not None and new.encode("utf-8") == old:
            result.unchanged.add(relative)
            continue
        if new is None and old is not None and is_kept(relative, keep):
            result.kept.append(relative)
            continue
        if new is None and old is not None and not is_generated(relative, old):
            result.foreign.append(relative)
            continue
        if new is None:
            result.removed.append(relative)
        elif old is None:
            result.added.append(relative)
        else:
            result.changed.append(relative)
        old_lines = old.decode("utf-8", "replace").splitlines(keepends=True) if old is not None else []
        new_lines = new.splitlines(keepends=True) if new is not None else []
        label = f"{root.name}/{relative}"
        chunks.extend(
            difflib.unified_diff(
                old_lines,
                new_lines,
                fromfile=f"a/{label}" if old is not None else "/dev/null",
                tofile=f"b/{label}" if new is not None else "/dev/null",
            )
        )
    result.diff = "".join(line if line.endswith("\n") else line + "\n" for line in chunks)
    return result


def foreign_files_advice(root: Path, paths: list[str]) -> str:
    """What to do about files in the output folder that sdkgen did not write."""
    listing = "\n".join(f"  {root / p}" for p in paths)
    files, them = ("files", "them") if len(paths) != 1 else ("file", "it")
    return (
        f"{root} holds {len(paths)} {files} that sdkgen did not write:\n{listing}\n"
        f"remove {them} (sdkgen never deletes what it did not write), or list {them} in "
        f"{root / KEEP_FILE} (one path or pattern per line) to keep {them} there"
    )


class ForeignFilesError(RuntimeError):
    """The output folder holds files the generator did not write; nothing was changed."""

    def __init__(self, root: Path, paths: list[str]) -> None:
        self.paths = paths
        super().__init__(f"{foreign_files_advice(root, paths)}\nnothing was written")


def _swap_atomically(first: Path, second: Path) -> bool:
    """Exchange two directories in one step (Linux renameat2 with RENAME_EXCHANGE), so that the
    target always holds a complete tree; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0


def recover_interrupted(root: Path) -> None:
    """Undo what an interrupted write left: restore the previous tree if only its backup exists,
    and remove half-built staging folders and old backups beside `root`."""
    parent = root.resolve().parent
    if not parent.is_dir():
        return
    backups = sorted(parent.glob(f".{root.name}.old-*"))
    if not root.exists() and backups:
        os.replace(backups[-1], root)
        backups = backups[:-1]
    for leftover in [*backups, *parent.glob(f".{root.name}.new-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def is_generated(relative: str, content: bytes) -> bool:
    """Did sdkgen write this file? (Its DO NOT EDIT marker, or an empty py.typed.)"""
    return b"DO NOT EDIT" in content[:300] or (relative.endswith("py.typed") and not content.strip())


def write_tree(files: dict[str, str], root: Path, comparison: Comparison | None = None) -> None:
    """Replace `root` by exactly `files` and the files its keep-file lists, all or nothing.

    `comparison` is `compare_tree(files, root)` when already made: the files it found unchanged
    are hard-linked into the new tree instead of written again (copied where links are not
    possible); kept files are copied as they are.

    Raises ForeignFilesError, before touching anything, when `root` holds a file that sdkgen did
    not write, would not write again and is not kept.
    """
    comparison = compare_tree(files, root) if comparison is None else comparison
    if comparison.foreign:
        raise ForeignFilesError(root, comparison.foreign)
    unchanged = comparison.unchanged
    root = root.resolve()
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.new-", dir=root.parent))
    backup = root.parent / f".{root.name}.old-{os.getpid()}"
    try:
        made: set[Path] = set()
        for relative, text in files.items():
            target = staging / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if unchanged and relative in unchanged:
                try:
                    os.link(root / relative, target)
                    continue
                except OSError:
                    pass
            target.write_bytes(text.encode("utf-8"))
        for relative in comparison.kept:
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / relative, target)
        if not root.exists():
            os.replace(staging, root)
        elif not _swap_atomically(staging, root):  # elsewhere: two renames, undone if the second fails
            os.replace(root, backup)
            try:
                os.replace(staging, root)
            except BaseException:
                if backup.exists() and not root.exists():
                    os.replace(backup, root)
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(backup, ignore_errors=True)
