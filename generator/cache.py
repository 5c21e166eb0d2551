"""A content-addressed cache of the pipeline's slow steps, so that regeneration after a small
change redoes only what that change touches.

Every entry is keyed by a SHA-256 of its inputs and of the generator's fingerprint (its own
source, its templates and the versions of the tools that write code), so a stale entry can never
be used: changing anything that could change the output changes the key. The cache only saves
time; output is byte-identical with or without it. It lives beside the output folder
(`.sdkgen-cache/`) and can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.resources import GENERATOR, TEMPLATES

TOOLS = ("datamodel-code-generator", "ruff", "Jinja2", "jsonschema-rs", "PyYAML")


def digest(*parts: bytes | str) -> str:
    """SHA-256 of the parts, each length-prefixed so that no two sequences collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


@cache
def fingerprint() -> str:
    """What the output depends on besides the specs: the generator, templates and tool versions."""
    parts: list[bytes | str] = [sys.version.split()[0]]
    for tool in TOOLS:
        try:
            parts.append(f"{tool}=={metadata.version(tool)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{tool} missing")
    roots = [GENERATOR] if TEMPLATES.is_relative_to(GENERATOR) else [GENERATOR, TEMPLATES]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                parts += [path.relative_to(root.parent).as_posix(), path.read_bytes()]
    return digest(*parts)


class BuildCache:
    """Values by (namespace, key), stored as files; a missing or unreadable entry is a miss."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0

    def _path(self, namespace: str, key: str) -> Path:
        assert self.root is not None
        return self.root / namespace / key[:2] / key

    def get_bytes(self, namespace: str, key: str) -> bytes | None:
        if self.root is None:
            return None
        try:
            value = self._path(namespace, key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put_bytes(self, namespace: str, key: str, value: bytes) -> None:
        if self.root is None:
            return
        path = self._path(namespace, key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as stream:
                stream.write(value)
            os.replace(temporary, path)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def get_text(self, namespace: str, key: str) -> str | None:
        value = self.get_bytes(namespace, key)
        return value.decode("utf-8") if value is not None else None

    def put_text(self, namespace: str, key: str, value: str) -> None:
        self.put_bytes(namespace, key, value.encode("utf-8"))

    def get_object(self, namespace: str, key: str, *, strings: Mapping[str, str] | None = None) -> Any:
        """The stored object; `strings` gives, by name, the strings that put_object left out."""
        value = self.get_bytes(namespace, key)
        if value is None:
            return None
        try:
            return _Unpickler(io.BytesIO(value), strings or {}).load()
        except Exception:  # noqa: BLE001 - a damaged entry (or one naming a string not given) is a miss
            return None

    def put_object(self, namespace: str, key: str, value: Any, *, strings: Mapping[str, str] | None = None) -> None:
        """Store `value`. `strings` (name -> string) are left out of the entry, stored as their
        names: where `value` holds one of them, get_object puts the string it is given under that
        name. A spec file's location is stored this way, so that one entry serves whatever the
        working directory or the specs folder's name (which decide how messages show the file)."""
        if not strings:
            self.put_bytes(namespace, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            return
        buffer = io.BytesIO()
        _Pickler(buffer, {string: name for name, string in strings.items()}).dump(value)
        self.put_bytes(namespace, key, buffer.getvalue())


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, names: dict[str, str]) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._names = names

    def persistent_id(self, obj: Any) -> str | None:
        return self._names.get(obj) if type(obj) is str else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, strings: Mapping[str, str]) -> None:
        super().__init__(file)
        self._strings = strings

    def persistent_load(self, pid: Any) -> str:
        return self._strings[pid]  # KeyError: an entry this caller cannot complete is a miss


NO_CACHE = BuildCache(None)
