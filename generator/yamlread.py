"""Read one YAML file into plain data plus the line and column of every key and value.

Safe by construction: it builds only dicts, lists, str, int, float, bool and None from the
parser's events (no object construction, no Python tags), resolves plain scalars by the YAML 1.2
core schema (so `off`, `no` and `on` stay strings), rejects duplicate keys, and bounds size,
characters, depth and alias expansion with checks of its own, so that a hostile file fails fast
with the same located message whichever PyYAML or libyaml is installed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import Location, SpecIssue

# libyaml reads a spec twenty times faster than PyYAML's pure-Python parser and gives the same
# events, but it has limits of its own (its nesting limit, looked ahead past ours on one line, is
# what PyYAML 6.0.4 reports) and words of its own. So it only reads files it accepts: a file it
# refuses is read again by the pure-Python parser, which has no limits but ours, and that reading
# decides what is wrong (or that nothing is). Accepted data and every error are therefore the same
# with or without libyaml, whatever its version.
PURE_PARSER: Any = yaml.SafeLoader
FAST_PARSER: Any = getattr(yaml, "CSafeLoader", PURE_PARSER)

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000  # values built, counting every alias expansion; the largest seed spec has 653

# YAML's printable characters (YAML 1.2, section 5.1): tab, line breaks and printable Unicode.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Path_ = tuple[str | int, ...]

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OCT = re.compile(r"^0o[0-7]+$")
_INT_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class Positions:
    """Line and column of each value and each mapping key, by path from the document root."""

    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def of_value(self, path: Path_) -> Location:
        """Where the value at `path` starts; the nearest enclosing value when unknown."""
        return self._lookup(self.values, path)

    def of_key(self, path: Path_) -> Location:
        """Where the key of the mapping entry at `path` is (its value's position for list items)."""
        if path in self.keys:
            line, column = self.keys[path]
            return Location(self.file, line, column)
        return self.of_value(path)

    def _lookup(self, table: dict[Path_, tuple[int, int]], path: Path_) -> Location:
        probe = tuple(path)
        while probe not in table and probe:
            probe = probe[:-1]
        line, column = table.get(probe, (1, 1))
        return Location(self.file, line, column)


@dataclass
class YamlDocument:
    data: Any
    positions: Positions


class YamlReadError(Exception):
    def __init__(self, issue: SpecIssue) -> None:
        self.issue = issue
        super().__init__(str(issue))


def _resolve_plain(text: str) -> Any:
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _INT_OCT.match(text):
        return int(text[2:], 8)
    if _INT_HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return -math.inf if text.startswith("-") else math.inf
    if _NAN.match(text):
        return math.nan
    return text


def _resolve_tagged(text: str, tag: str) -> Any:
    kind = tag.rsplit(":", 1)[-1]
    if kind == "str":
        return text
    value = _resolve_plain(text)
    types: dict[str, type | tuple[type, ...]] = {"int": int, "float": (int, float), "bool": bool, "null": type(None)}
    expected = types[kind]
    matches = isinstance(value, expected)  # kept apart: narrowing to `expected` would make value an object
    if isinstance(value, bool) and kind != "bool" or not matches:
        raise ValueError(f"{text!r} is not a valid !!{kind}")
    return float(value) if kind == "float" else value


class _Builder:
    """Turns the parser's event stream into data, iteratively (deep input cannot overflow)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions = Positions(file)
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.nodes = 0

    def fail(self, mark: Any, message: str) -> YamlReadError:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return YamlReadError(SpecIssue(Location(self.file, line, column), message))

    def count(self, amount: int, mark: Any) -> None:
        self.nodes += amount
        if self.nodes > MAX_NODES:
            raise self.fail(
                mark,
                f"the document expands to more than {MAX_NODES} values "
                "(an alias bomb, or a file far larger than any spec)",
            )

    def build(self, events: Any) -> Any:
        # Each stack frame: [container, path, pending_key, key_mark, anchor, start_nodes]
        stack: list[list[Any]] = []
        root: Any = None
        documents = 0
        for event in events:
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail(event.start_mark, "a spec file holds one YAML document; found a second '---'")
                continue
            mark = event.start_mark
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container, path, _key, _kmark, anchor, start_nodes = stack.pop()
                if anchor:
                    self.anchors[anchor] = (container, self.nodes - start_nodes + 1)
                self._attach(stack, container, mark, record=False)
                if not stack:
                    root = container
                continue
            anchor = getattr(event, "anchor", None)
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in self.anchors:
                    raise self.fail(mark, f"alias *{event.anchor} refers to no anchor defined before it")
                value, size = self.anchors[event.anchor]
                self.count(size, mark)
                self._attach(stack, value, mark, record=True)
                if not stack:
                    root = value
                continue
            tag = getattr(event, "tag", None)
            if tag not in (None, "!") and tag not in _CORE_TAGS:
                raise self.fail(mark, f"YAML tag {tag} is not allowed in a spec (only plain data)")
            self.count(1, mark)
            if isinstance(event, yaml.ScalarEvent):
                if tag in (None, "!"):
                    plain = not event.style  # None (pure-Python parser) or '' (libyaml)
                    value = _resolve_plain(event.value) if plain and tag is None else event.value
                else:
                    try:
                        value = _resolve_tagged(event.value, tag)
                    except ValueError as exc:
                        raise self.fail(mark, str(exc)) from None
                if event.style == '"' and isinstance(value, str) and _SURROGATE.search(value):
                    raise self.fail(
                        mark, "the string holds a lone surrogate escape (\\uD800-\\uDFFF), which is not text"
                    )
                if anchor:
                    self.anchors[anchor] = (value, 1)
                self._attach(stack, value, mark, record=True)
                if not stack:
                    root = value
                continue
            if len(stack) >= MAX_DEPTH:
                raise self.fail(mark, f"nesting deeper than {MAX_DEPTH} levels")
            path = self._child_path(stack, mark)
            container = {} if isinstance(event, yaml.MappingStartEvent) else []
            self.positions.values[path] = (mark.line + 1, mark.column + 1)
            stack.append([container, path, None, None, anchor, self.nodes])
        return root

    def _child_path(self, stack: list[list[Any]], mark: Any) -> Path_:
        if not stack:
            return ()
        container, path, key, _kmark, _a, _n = stack[-1]
        if isinstance(container, dict):
            if key is None:
                raise self.fail(mark, "a mapping or list cannot be used as a key")
            return (*path, key)
        return (*path, len(container))

    def _attach(self, stack: list[list[Any]], value: Any, mark: Any, *, record: bool) -> None:
        """Put a finished value into the open container; `record` its position unless known."""
        if not stack:
            return
        frame = stack[-1]
        container, path = frame[0], frame[1]
        if isinstance(container, list):
            child = (*path, len(container))
            if record:
                self.positions.values[child] = (mark.line + 1, mark.column + 1)
            container.append(value)
            return
        if frame[2] is None:  # this scalar is a key
            if isinstance(value, (dict, list)):
                raise self.fail(mark, "a mapping or list cannot be used as a key")
            key = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
            if key in container:
                first = self.positions.keys[(*path, key)]
                raise self.fail(mark, f"duplicate key {key!r} (first defined on line {first[0]})")
            frame[2], frame[3] = key, mark
            self.positions.keys[(*path, key)] = (mark.line + 1, mark.column + 1)
            return
        key = frame[2]
        if record:
            self.positions.values[(*path, key)] = (mark.line + 1, mark.column + 1)
        container[key] = value
        frame[2] = frame[3] = None


def read_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read and parse one spec file. Raises YamlReadError with file, line and column."""
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlReadError(SpecIssue(Location(name), f"cannot read the file: {exc.strerror}")) from None
    return parse_yaml(raw, name)


def parse_yaml(raw: bytes, name: str) -> YamlDocument:
    """Parse the bytes of one spec file (see read_yaml)."""
    if len(raw) > MAX_FILE_BYTES:
        raise YamlReadError(
            SpecIssue(Location(name), f"the file is {len(raw)} bytes; a spec may be at most {MAX_FILE_BYTES}")
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlReadError(
            SpecIssue(Location(name, line, column), f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x})")
        ) from None
    _check_characters(text, name)
    if FAST_PARSER is not PURE_PARSER:
        builder = _Builder(name)
        try:
            return YamlDocument(builder.build(yaml.parse(text, Loader=FAST_PARSER)), builder.positions)
        except yaml.YAMLError:
            pass  # refused by libyaml itself: the pure-Python reading below decides
    builder = _Builder(name)
    try:
        data = builder.build(yaml.parse(text, Loader=PURE_PARSER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise builder.fail(mark, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - the characters were checked above
        raise builder.fail(None, f"invalid YAML: {str(exc).splitlines()[0]}") from None
    return YamlDocument(data, builder.positions)


def _check_characters(text: str, name: str) -> None:
    """Refuse characters YAML does not allow (NUL, other control characters, lone surrogates),
    naming the first one and where it is."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return
    position = found.start()
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    raise YamlReadError(
        SpecIssue(
            Location(name, line, column),
            f"character {ord(found.group()):#06x} is not allowed in YAML (control characters other than tab "
            "and line breaks are not text)",
        )
    )
