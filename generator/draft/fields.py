"""Parameter and response tables read into spec entries: names, nesting, types, units, enums.

A table row names a field, with its nesting marked in the exchanges' house styles (`>`, `>>` or
`> ` before the name on OKX and Bitget; `├─`, `└─` on Bitget's trees; nothing at all on HTX,
whose tables list a container's members after it, flattened). Types come from the table's type
column, refined by the page's example values (a String column holding "0.3187" is a decimal, one
holding epoch milliseconds a timestamp). Everything here works on plain data: the rows as text,
the example as parsed JSON.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from generator import naming
from generator.model import FieldType
from generator.spec_types import spec_type

_TREE = re.compile(r"^((?:[│|]\s*)*)[├└]─+\s*")
_MARKS = re.compile(r"^((?:\\?>\s*)+)")
_COLLECTIONS = ("array", "list", "array of objects", "array of arrays", "array of strings", "object")
_DECIMAL_WORDS = (
    "equity",
    "margin",
    "balance",
    "bal",
    "price",
    "amount",
    "pnl",
    "profit",
    "loss",
    "ratio",
    "rate",
    "fee",
    "value",
    "liabilit",
    "interest",
    "quantity",
    "size",
    "volume",
    "bonus",
    "voucher",
    "available",
    "frozen",
    "locked",
    "debt",
    "notional",
    "leverage",
    "upl",
    "imr",
    "mmr",
    "apr",
    "amt",
    "max",
    "eq",
)
_INTEGER_TYPES = ("integer", "int", "long")
_DECIMAL_TYPES = ("float", "double", "decimal", "number")
_CURRENCIES = ("USD", "USDT", "USDC", "BTC", "ETH")


@dataclass
class Row:
    """One table row: the field's name, how deep the table nests it, and its cells."""

    name: str
    depth: int
    type_text: str
    description: str
    required: str = ""
    line: int = 0
    values: tuple[dict[str, Any], ...] = ()  # the enum values of a Value Range column (HTX)


@dataclass
class Node:
    """A field as drafted: its spec entry is built by `entry()`."""

    name: str
    type_text: str
    description: str
    required: bool = False
    children: list[Node] = field(default_factory=list)
    flattened: bool = False
    listed: bool = True  # False: only the example has it
    aliases: list[str] = field(default_factory=list)  # the example's spelling of a listed field
    values: tuple[dict[str, Any], ...] = ()  # enum values read from their own column


_TYPE_CELL = re.compile(
    r"^(string|number|integer|int|long|float|double|decimal|boolean|bool|array|list|object|map|"
    r"array of \w+|list<\w+>|\w+\[\])?$",
    re.IGNORECASE,
)
_REQUIRED_CELLS = ("", "yes", "no", "true", "false", "y", "n", "required", "optional", "conditional", "-")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-.]*$")
# HTX marks a container's members with rows around them: DATA_START ... DATA_END, TICK_START ...
# TICK_END, or __tick__ ... __/tick__ (and <tick> ... </tick> in text copies).
_OPENS = re.compile(r"^(?:([A-Za-z]+)_START|__([A-Za-z]+)__|<([A-Za-z]+)>)$")
_CLOSES = re.compile(r"^(?:([A-Za-z]+)_END|__/([A-Za-z]+)__|</([A-Za-z]+)>)$")


def read_rows(
    header: tuple[str, ...], rows: tuple[tuple[str, ...], ...], skipped: list[str] | None = None
) -> list[Row]:
    """The rows of a parameter or response table, with the depth its markers give each name.
    A row that names no field (text a page copy broke out of a cell, a name seen twice at one
    level) is left out and described in `skipped`, for the draft's notes."""
    columns = [cell.strip().lower() for cell in header]

    def column(*names: str) -> int | None:
        return next((i for i, c in enumerate(columns) if c in names), None)

    name_at = column("parameter", "parameters", "name", "field") or 0
    type_at = column("type", "types", "data type")
    required_at = column("required")
    description_at = column("description", "comments", "comment", "remarks")
    range_at = column("value range")
    found: list[Row] = []
    open_markers: list[str] = []  # the containers whose START row has been read, innermost last
    for cells in rows:
        raw = cells[name_at] if name_at < len(cells) else ""
        name, depth = _name_and_depth(raw)
        opens, closes = _OPENS.match(name), _CLOSES.match(name)
        if opens:  # the container's name, in lower case; its type is the example's to tell
            container = next(g for g in opens.groups() if g).lower()
            found.append(Row(container, depth + len(open_markers), "", ""))
            open_markers.append(container)
            continue
        if closes:
            closed = next(g for g in closes.groups() if g).lower()
            if closed in open_markers:
                del open_markers[open_markers.index(closed) :]
            continue
        depth += len(open_markers)
        if not name:
            continue
        type_cell = cells[type_at].strip() if type_at is not None and type_at < len(cells) else ""
        required_cell = (
            cells[required_at].strip().lower() if required_at is not None and required_at < len(cells) else ""
        )
        sentence = len(raw.split()) > 3 and not type_cell  # text a copy broke out of a cell
        if not _NAME.match(name) or not _TYPE_CELL.match(type_cell) or sentence or required_cell not in _REQUIRED_CELLS:
            if skipped is not None:
                skipped.append(" | ".join(cell.replace("\n", " ") for cell in cells)[:120])
            continue
        description = cells[description_at] if description_at is not None and description_at < len(cells) else ""
        value_range = cells[range_at].strip() if range_at is not None and range_at < len(cells) else ""
        values = parse_value_range(value_range)
        if value_range and not values:
            description = f"{description}\n{value_range}".strip()
        found.append(
            Row(
                name=name,
                depth=depth,
                type_text=cells[type_at].strip() if type_at is not None and type_at < len(cells) else "",
                description=description.strip(),
                required=cells[required_at].strip() if required_at is not None and required_at < len(cells) else "",
                values=tuple(values),
            )
        )
    if found:
        least = min(row.depth for row in found)
        for row in found:
            row.depth -= least
    return found


def unique(nodes: list[Node], skipped: list[str]) -> list[Node]:
    """Siblings whose name repeats an earlier one's, left out (and described in `skipped`); run
    after `unflatten`, which moves a flattened table's repeated names into their container."""
    kept: list[Node] = []
    for node in nodes:
        if any(other.name == node.name for other in kept):
            skipped.append(f"{node.name} (listed twice)")
            continue
        node.children = unique(node.children, skipped)
        kept.append(node)
    return kept


def _name_and_depth(cell: str) -> tuple[str, int]:
    text = cell.strip().replace("\\_", "_")
    tree = _TREE.match(text)
    if tree:
        depth = 1 + len(re.findall(r"[│|]", tree.group(1)))
        return text[tree.end() :].strip(), depth
    marks = _MARKS.match(text)
    if marks:
        return text[marks.end() :].strip(), marks.group(1).count(">")
    return text.split()[0] if text.split() else "", 0


def build_tree(rows: list[Row]) -> list[Node]:
    """The rows as a tree, by their depths."""
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []
    for row in rows:
        node = Node(
            row.name, row.type_text, row.description, row.required.lower() in ("yes", "true", "y"), values=row.values
        )
        while stack and stack[-1][0] >= row.depth:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((row.depth, node))
    return roots


def unflatten(nodes: list[Node], example: Any) -> None:
    """Nest the members a flattened table lists after a container (HTX): a container row with no
    marked members is followed by rows that the example has inside it and not beside it."""
    sample = _first_object(example)
    index = 0
    while index < len(nodes):
        node = nodes[index]
        inner = _first_object(sample.get(node.name)) if sample else {}
        if _is_collection(node.type_text) and not node.children and inner:
            following = nodes[index + 1 :]
            moved = []
            for candidate in following:
                if candidate.name in inner:
                    moved.append(candidate)
                else:
                    break
            outside = set(sample) - {node.name}
            if moved and (moved[0].name not in outside or all(m.name in inner for m in moved)):
                node.children = moved
                node.flattened = True
                del nodes[index + 1 : index + 1 + len(moved)]
        for child in node.children:
            unflatten([child], sample.get(node.name) if sample else None)
        index += 1
    for node in nodes:
        value = sample.get(node.name) if sample else None
        if node.children:
            unflatten(node.children, value)


def add_unlisted(nodes: list[Node], example: Any) -> None:
    """Fields the example sends that the table does not list, as unlisted fields (lint reports them)."""
    sample = _merged_object(example)
    if not sample:
        return
    known = {node.name for node in nodes}
    missing = {node.name: node for node in nodes if node.name not in sample and node.listed}
    for key, value in sample.items():
        close = difflib.get_close_matches(key, list(missing), n=1, cutoff=0.85) if key not in known else []
        if close:  # the example spells a listed field another way: lint reports it as renamed
            missing.pop(close[0]).aliases.append(key)
        elif key not in known:
            kind = "Array" if isinstance(value, list) else "Object" if isinstance(value, dict) else ""
            nodes.append(Node(key, kind, "", listed=False))
    for node in nodes:
        value = sample.get(node.name, sample.get(node.aliases[0]) if node.aliases else None)
        if node.children or isinstance(value, (dict, list)):
            add_unlisted(node.children, value)


def _first_object(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, dict)), None)
    return value if isinstance(value, dict) else {}


def _merged_object(value: Any) -> dict[str, Any]:
    """The keys of every object of `value` (an object, or a list of them), first values kept."""
    merged: dict[str, Any] = {}
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            for key, member in item.items():
                merged.setdefault(key, member)
    return merged


def _is_collection(type_text: str) -> bool:
    return type_text.strip().lower() in _COLLECTIONS


def _values(example: Any, name: str) -> list[Any]:
    """Every value of `name` in the objects of `example` (an object or a list of them)."""
    items = example if isinstance(example, list) else [example]
    return [item[name] for item in items if isinstance(item, dict) and name in item]


def _nested(example: Any, name: str) -> list[Any]:
    """The values inside `name` of every object, flattened one level (for a list's items)."""
    found: list[Any] = []
    for value in _values(example, name):
        found += value if isinstance(value, list) else [value]
    return found


# --- one field's entry ------------------------------------------------------------------------------


def entry(node: Node, example: Any, *, request: bool = False) -> dict[str, Any]:
    """The spec entry of a field (or of a body member): name, type, unit, enum, nesting."""
    values = [v for name in (node.name, *node.aliases) for v in _values(example, name) if v is not None]
    result: dict[str, Any] = {"name": node.name}
    if node.aliases:
        result["aliases"] = list(node.aliases)
    kind = _kind(node, values)
    result["type"] = kind
    described = " ".join(node.description.split())
    description, enum = parse_enum(node.description)
    enum = enum or list(node.values)
    unit = _unit(described, kind)
    if unit:
        result["unit"] = unit
    result["description"] = " ".join(description.split()) or node.name
    if enum and kind in ("string", "integer"):
        result["enum"] = enum
    if request and node.required:
        result["required"] = True
    table_type = node.type_text.strip()
    if not node.listed:
        result["table"] = False
    elif node.flattened:
        result["table"] = {"flattened": True, **({"type": table_type} if table_type else {})}
    elif table_type and table_type.lower() != spec_type(FieldType(kind)).table_type.lower():
        result["table"] = {"type": table_type}
    names = _position_names(node.description)
    if (
        kind == "array"
        and not node.children
        and names
        and values
        and all(
            isinstance(v, list) and len(v) == len(names) and not any(isinstance(x, (dict, list)) for x in v)
            for v in values
        )
    ):  # one array naming its positions (`the best bid in format [price, size]`): a positional object
        result.update(_tuple_items(node.description, values))
    elif kind == "object":
        result["fields"] = [entry(child, _values(example, node.name), request=request) for child in node.children]
    elif kind == "array":
        inner = _nested(example, node.name)
        if node.children or any(isinstance(v, dict) for v in inner):
            result["items"] = {
                "type": "object",
                "fields": [entry(child, inner, request=request) for child in node.children],
            }
        elif inner and all(isinstance(v, list) for v in inner):
            result["items"] = _tuple_items(node.description, inner)
        else:
            result["items"] = _scalar_items(inner)
    return result


def _scalar_items(values: list[Any]) -> dict[str, Any]:
    scalars = [v for v in values if not isinstance(v, (dict, list))]
    return {"type": "decimal" if scalars and all(_is_number(v) for v in scalars) else "string"}


def _position_names(description: str) -> list[str]:
    """The positions a description names for an array (`in format [price, size]`)."""
    named = re.search(r"\[\s*([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)+)\s*\]", description)
    return [name.strip() for name in named.group(1).split(",")] if named else []


def _tuple_items(description: str, rows: list[list[Any]]) -> dict[str, Any]:
    """The items of an array of arrays: a positional object when the description names the
    positions (`in format [price, size]`) as many as the example has, else arrays of scalars."""
    names = _position_names(description)
    if names and all(len(row) == len(names) for row in rows):
        fields = [
            {"name": name, **_scalar_items([row[i] for row in rows]), "description": name}
            for i, name in enumerate(names)
        ]
        return {"type": "object", "positional": True, "fields": fields}
    return {"type": "array", "items": _scalar_items([v for row in rows for v in row])}


def _kind(node: Node, values: list[Any]) -> str:
    declared = node.type_text.strip().lower()
    if node.children and declared in ("object",):
        return "object"
    if node.children or declared in _COLLECTIONS or any(isinstance(v, list) for v in values):
        lists = bool(values) and all(isinstance(v, list) for v in values)  # HTX types arrays "object"
        if (declared == "object" and not lists) or (values and all(isinstance(v, dict) for v in values)):
            return "object"
        return "array"
    if any(isinstance(v, dict) for v in values):
        return "object"
    if declared == "boolean" or (values and all(isinstance(v, bool) for v in values)):
        return "boolean"
    text = f"{node.name} {node.description}".lower()
    present = [v for v in values if v != ""]
    if node.name.lower().endswith(("id", "ids", "code")) and declared not in _INTEGER_TYPES:
        return "string"  # identifiers and result codes, even when numeric, unless the table says integer
    if present and all(_is_epoch_ms(v) for v in present) and re.search(r"time|timestamp|millisecond", text):
        return "timestamp_ms"
    if not present and re.search(r"timestamp|millisecond", text):
        return "timestamp_ms"
    if declared in _INTEGER_TYPES and all(_is_integer(v) for v in present):
        return "integer"
    if declared in _DECIMAL_TYPES and all(_is_number(v) for v in present):
        return "decimal"
    if present and all(_is_integer(v) for v in present) and re.search(r"\blevels?\s+\d", text):
        return "integer"
    if present and all(_is_number(v) for v in present):
        return "decimal"
    if present and all(isinstance(v, str) and re.fullmatch(r"-?[\d.,]+", v) for v in present) and _decimal_words(node):
        return "decimal"  # an amount the example writes with a comma ("111,1"): lint reports the value
    if not present and not node.values and not parse_enum(node.description)[1] and _decimal_words(node):
        return "decimal"
    return "string"


def _decimal_words(node: Node) -> bool:
    """Do the field's name or description speak of an amount (equity, balance, price, ...)?"""
    tokens = [word.lower() for word in naming.words(node.name)] + re.findall(r"[a-z]+", node.description.lower())
    return any(token.startswith(_DECIMAL_WORDS) for token in tokens)


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, Decimal)):
        return True
    if isinstance(value, str) and value.strip():
        try:
            Decimal(value)
        except InvalidOperation:
            return False
        return re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value.strip()) is not None
    return False


def _is_integer(value: Any) -> bool:
    return _is_number(value) and re.fullmatch(r"-?\d+", str(value)) is not None


def _is_epoch_ms(value: Any) -> bool:
    return _is_integer(value) and len(str(value).lstrip("-")) == 13


def _unit(description: str, kind: str) -> str | None:
    if kind == "timestamp_ms":
        return "ms"
    if kind != "decimal":
        return None
    stated = re.search(r"\bunit(?: is|:)\s*([A-Za-z][A-Za-z ]*?)(?:[,.;(]|\be\.g\.|$)", description, re.IGNORECASE)
    if stated:
        return _currency(stated.group(1).strip())
    paren = re.search(r"\(\s*(usd|usdt|usdc|btc|eth|margin coin|base coin|quote coin)\s*\)", description, re.IGNORECASE)
    if paren:
        return _currency(paren.group(1))
    side = re.search(r"\bin (base|quote) currency\b", description, re.IGNORECASE)
    if side:
        return f"{side.group(1).lower()} currency"
    in_currency = re.search(r"\bin (USD|USDT|USDC|BTC)\b", description)
    if in_currency and "ratio" not in description.lower():
        return in_currency.group(1)
    return None


def _currency(text: str) -> str:
    return text.upper() if text.upper() in _CURRENCIES else text


# --- enum values in a description ----------------------------------------------------------------------


_LINE_VALUE = re.compile(r"^`?([A-Za-z0-9_\-.]+)`?(?:(?:\s*:\s*|\u00a0|\s+-\s+|\s+)(.*))?$")


def parse_enum(description: str) -> tuple[str, list[dict[str, Any]]]:
    """A description cell's own words and the enum values it lists: one per line (`VALUE: meaning`,
    `VALUE meaning`, or the value alone), `1(NAME): meaning` in a sentence (HTX), or a list after a
    colon (`status: unsupported, off, pending, active`)."""
    lines = [line.strip() for line in description.split("\n") if line.strip()]
    if len(lines) >= 3 or (len(lines) == 2 and _value_line(lines[1])):
        parsed = [_value_line(line) for line in lines[1:]]
        values = [v for v in parsed if v is not None]
        if len(values) == len(parsed) >= 2:
            return lines[0], values
    coded = re.findall(r"(?<![\w.])(\d+)\s*\(([A-Z][A-Z_]*)\)\s*:", description)
    if len(coded) >= 2:
        first = re.search(r"(?<![\w.])\d+\s*\([A-Z][A-Z_]*\)\s*:", description)
        assert first is not None
        meanings = re.split(r"(?<![\w.])\d+\s*\([A-Z][A-Z_]*\)\s*:", description)[1:]
        values = [
            {"value": number, "name": name.lower(), "description": " ".join(meaning.split())}
            for (number, name), meaning in zip(coded, meanings, strict=True)
        ]
        return description[: first.start()].strip(), values
    quoted = re.findall(r"`([A-Za-z0-9_\-.]+)`\s*:\s*([^`;]*)", description)
    if len(quoted) >= 2:  # `delivery_normal`: meaning; `delivery_before`: meaning, within a sentence
        start = description.index("`")
        values = [
            {"value": value, "description": " ".join(meaning.split()).rstrip(";,.)")} for value, meaning in quoted
        ]
        return description[:start].rstrip(" (:"), values
    trailing = re.match(r"^([^`]*?)[,:]?\s*((?:`[A-Za-z0-9_\-.]+`[\s,/]*){2,})$", " ".join(lines))
    if trailing:  # `Order side, `buy` `sell``: the values closing the sentence
        return trailing.group(1).strip(), [{"value": v} for v in re.findall(r"`([^`]+)`", trailing.group(2))]
    quoted_pair = re.match(r"^(.*?):?\s*(['\"])([\w\-]+)\2\s*(?:or|,)\s*(['\"])([\w\-]+)\4\s*\.?$", " ".join(lines))
    if quoted_pair:  # HTX: "The direction of the taker trade: 'buy' or 'sell'"
        return quoted_pair.group(1).strip(), [{"value": quoted_pair.group(3)}, {"value": quoted_pair.group(5)}]
    listed = re.match(r"^(.*?):\s*([a-z][a-z0-9_]*(?:,\s*[a-z][a-z0-9_]*){2,})\s*\.?$", " ".join(lines))
    if listed:
        return listed.group(1), [{"value": value.strip()} for value in listed.group(2).split(",")]
    return description, []


_RANGE_VALUE = r"[A-Za-z0-9][A-Za-z0-9_\-.]*"


def parse_value_range(cell: str) -> list[dict[str, Any]]:
    """The enum values of a Value Range cell (HTX): a comma list (`5, 10, 20`; `buy-market,
    sell-market`), or values each with its meaning (`step0：No aggregation step1：...`, full-width
    colons and commas too). A range (`[1-2000]`), a reference (`Refer to GET /v1/common/symbols`)
    or a sentence gives none."""
    text = " ".join(cell.replace("\\", "").split()).replace("，", ",").replace("：", ":")
    if re.fullmatch(rf"{_RANGE_VALUE}(?:\s*,\s*{_RANGE_VALUE})+", text):
        return [{"value": value.strip()} for value in text.split(",")]
    pairs = list(re.finditer(rf"(?:^|(?<=[\s,;]))({_RANGE_VALUE})\s*:\s*", text))
    if len(pairs) >= 2 and pairs[0].start() == 0:
        values = []
        for here, after in zip(pairs, [*pairs[1:], None], strict=True):
            meaning = text[here.end() : after.start() if after else len(text)].strip(" ,;")
            values.append({"value": here.group(1), **({"description": meaning} if meaning else {})})
        return values
    return []


def _value_line(line: str) -> dict[str, Any] | None:
    match = _LINE_VALUE.match(line)
    if match is None:
        return None
    value, meaning = match.group(1), (match.group(2) or "").strip()
    if len(value) > 40 or (meaning and not re.match(r"^[A-Za-z0-9(]", meaning)):
        return None
    found: dict[str, Any] = {"value": value}
    if meaning:
        found["description"] = meaning
    return found
