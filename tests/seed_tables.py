"""Read the field tables of the seed documentation pages (tests/data/seeds/, copies of
../shared/seeds/) independently of the specs, so a spec cannot silently drop a documented field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SEEDS = Path(__file__).parent / "data" / "seeds"

# seed page -> (exchange, spec file relative to specs/)
SEED_SPECS = {
    "000_e8b75bd860053536.txt": ("bitget", "bitget/uta/get_account_assets.yaml"),
    "001_11dad3954905bed8.txt": ("bitget", "bitget/contract/get_subaccount_assets.yaml"),
    "002_d54ec27364cb67cd.txt": ("bitget", "bitget/contract/get_account_list.yaml"),
    "003_52808cd809447232.txt": ("okx", "okx/account/get_balance.yaml"),
    "004_47ca13b37faaab80.txt": ("htx", "htx/account/get_account_balance.yaml"),
}

_TYPE_HEADERS = {"type", "types", "data type"}
_NAME_HEADERS = {"parameter", "parameters"}
_DEPTH_MARK = re.compile(r"^((?:>\s*)+|[├└│]─\s*)")


@dataclass(frozen=True)
class Row:
    name: str
    depth: int  # 0 = top level as the table shows it (">" or a tree branch adds one)
    type: str
    description: str
    required: str | None


@dataclass(frozen=True)
class Table:
    kind: str  # "request" or "response"
    rows: tuple[Row, ...]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _unescape(text: str) -> str:
    return text.replace("\\_", "_").replace("<br>", "\n").strip()


def read_tables(page: str) -> list[Table]:
    """Every parameter table of a page (request or response, by the nearest heading above)."""
    lines = page.splitlines()
    tables: list[Table] = []
    context = ""
    in_code = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("```"):
            in_code = not in_code
        elif not in_code and line.lstrip().startswith("|"):
            header = [c.lower() for c in _cells(line)]
            block = []
            i += 1
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                block.append(lines[i])
                i += 1
            if len(header) >= 2 and header[0] in _NAME_HEADERS and header[1] in _TYPE_HEADERS:
                required_col = header.index("required") if "required" in header else None
                desc_col = next((k for k, h in enumerate(header) if h in ("description", "comments")), 2)
                rows = []
                for raw in block[1:]:  # skip the |---| separator
                    cells = _cells(raw)
                    mark = _DEPTH_MARK.match(cells[0])
                    depth = 0
                    name = cells[0]
                    if mark:
                        depth = mark.group(1).count(">") or 1
                        name = cells[0][mark.end() :]
                    rows.append(
                        Row(
                            name=_unescape(name),
                            depth=depth,
                            type=cells[1],
                            description=_unescape(cells[desc_col]) if desc_col < len(cells) else "",
                            required=cells[required_col] if required_col is not None else None,
                        )
                    )
                kind = "response" if "response" in context.lower() else "request"
                tables.append(Table(kind=kind, rows=tuple(rows)))
            continue
        elif not in_code and re.search(r"\b(Request|Response)\b", line):
            context = line
        i += 1
    return tables


def response_rows(seed_name: str) -> tuple[Row, ...]:
    page = (SEEDS / seed_name).read_text(encoding="utf-8")
    (table,) = [t for t in read_tables(page) if t.kind == "response"]
    return table.rows


def request_rows(seed_name: str) -> tuple[Row, ...]:
    page = (SEEDS / seed_name).read_text(encoding="utf-8")
    return tuple(r for t in read_tables(page) if t.kind == "request" for r in t.rows)
