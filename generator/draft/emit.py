"""A drafted spec as YAML text a maintainer reads and edits: block style, keys in the spec's order,
multi-line texts (the page's examples) as literal blocks kept byte for byte, trailing spaces
included (PyYAML's emitter quotes those instead). The text is read back and compared with the
data before it is written; PyYAML's own dump is the fallback if they ever differ."""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

HEADER = "# yaml-language-server: $schema=../../_schema/endpoint.schema.json\n"
_PLAIN = re.compile(r"^[A-Za-z_/(][^\n:#]*$")
_RESERVED = re.compile(
    r"^(null|true|false|yes|no|on|off|~|[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?)$", re.IGNORECASE
)


def dump(data: dict[str, Any], comment: str = "") -> str:
    """The YAML text of a spec's data, with the schema line and `comment` lines on top."""
    lines = _mapping(data, 0)
    body = "\n".join(lines) + "\n"
    if yaml.safe_load(body) != data:  # pragma: no cover - a safety net for texts the emitter misjudges
        body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    top = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return HEADER + top + body


def _mapping(data: dict[str, Any], indent: int) -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    for key, value in data.items():
        lines += _entry(f"{pad}{key}:", value, indent)
    return lines


def _entry(prefix: str, value: Any, indent: int) -> list[str]:
    if isinstance(value, dict):
        return [f"{prefix} {{}}"] if not value else [prefix, *_mapping(value, indent + 2)]
    if isinstance(value, list):
        if not value:
            return [f"{prefix} []"]
        lines = [prefix]
        for item in value:
            lines += _item(item, indent + 2)
        return lines
    if isinstance(value, str) and "\n" in value:
        return [f"{prefix} {_block_indicator(value)}", *_block(value, indent + 2)]
    return [f"{prefix} {_scalar(value)}"]


def _item(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(value, dict) and value:
        lines = _mapping(value, indent + 2)
        first = lines[0][indent + 2 :]
        return [f"{pad}- {first}", *lines[1:]]
    entry = _entry(f"{pad}-", value, indent)
    return entry


def _block_indicator(text: str) -> str:
    indicator = "|"
    if text[:1] == " ":
        indicator += "2"
    if not text.endswith("\n"):
        indicator += "-"
    elif text.endswith("\n\n"):
        indicator += "+"
    return indicator


def _block(text: str, indent: int) -> list[str]:
    pad = " " * indent
    body = text.removesuffix("\n")
    return [f"{pad}{line}" if line else "" for line in body.split("\n")]


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN.match(text) and not _RESERVED.match(text) and not text.endswith(" ") and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)
