"""Hostile spec material for the robustness tests: names and texts that break naive generators."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
MARK = "ZQXMARK"  # planted in every description: it may only ever appear inside strings

NASTY_NAMES = [
    "class",
    "def",
    "None",
    "True",
    "import",
    "from",
    "lambda",
    "match",
    "type",
    "id",
    "list",
    "self",
    "model_config",
    "model_fields",
    "model_dump",
    "json",
    "dict",
    "copy",
    "__init__",
    "__class__",
    "1h",
    "24hVol",
    "2",
    "a-b",
    "a.b",
    "a b",
    "ünïcödé",
    "价格",
    "userId",
    "Ask",
    "limit",
    "timeout",
    "extra_headers",
    "a'b",
    'a"b',
    "a\\b",
    "{{x}}",
    "_private",
    "x_",
    "X",
]
NASTY_TEXTS = [
    '"""; import os; os.system("echo pwned"); """',
    "'''; raise SystemExit; '''",
    'ends with a quote"',
    "back\\slash \\n \\x00 \\u1234",
    "{{ 7 * 7 }} {% for x in y %}{% endfor %} {# comment #}",
    "line one\nline two\r\nline three\ttab",
    "control \x01\x02\x7f characters",
    "unicode — “quotes” ‘single’ … \u2028 separator",
    "x" * 3000,
]
NASTY_ENUM_VALUES = ["off", "no", "1", "-1", "a b", "A-B", "a.b", "class", "None", '"quoted"', "ünï", "x\\y"]


def describe(text: str) -> str:
    return f"{text} {MARK}"


def endpoint(
    fields: list[tuple[str, str]],
    parameters: list[tuple[str, str]],
    enum_values: list[str | int],
    title: str = "Get hostile things",
) -> dict[str, Any]:
    """An endpoint spec with these (wire name, description) fields and parameters."""
    return {
        "title": title,
        "section": "hostile",
        "method": "GET",
        "path": "/api/v5/hostile/things",
        "doc_url": "#hostile",
        "description": describe(NASTY_TEXTS[0]),
        "notes": [describe(text) for text in NASTY_TEXTS[1:4]],
        "permission": {"level": "read", "text": describe("Read")},
        "rate_limit": {"count": 5, "window_seconds": 1, "scope": "uid", "text": describe("5/s")},
        "parameters": [
            {"name": name, "in": "query", "type": "string", "required": False, "description": describe(text)}
            for name, text in parameters
        ]
        + [
            {
                "name": "kindOfThing",
                "in": "query",
                "type": "string",
                "required": False,
                "description": describe("An enum"),
                "enum": [{"value": v, "description": describe(NASTY_TEXTS[4])} for v in enum_values],
            }
        ],
        "response": {
            "type": "array",
            "items": {
                "type": "object",
                "model": "HostileThing",
                "description": describe(NASTY_TEXTS[5]),
                "fields": [{"name": name, "type": "decimal", "description": describe(text)} for name, text in fields]
                + [
                    {
                        "name": "state",
                        "type": "string",
                        "description": describe("State"),
                        "enum": [{"value": v} for v in enum_values],
                    },
                    {
                        "name": "nested",
                        "type": "array",
                        "description": describe(NASTY_TEXTS[6]),
                        "items": {
                            "type": "object",
                            "fields": [{"name": n, "type": "string", "description": describe(t)} for n, t in fields],
                        },
                    },
                ],
            },
        },
    }


def write_tree(root: Path, spec: dict[str, Any]) -> Path:
    """A spec tree with the OKX exchange.yaml and this one endpoint."""
    specs = root / "specs"
    if specs.exists():
        shutil.rmtree(specs)
    (specs / "okx" / "hostile").mkdir(parents=True)
    shutil.copy(ROOT / "specs" / "okx" / "exchange.yaml", specs / "okx" / "exchange.yaml")
    (specs / "okx" / "hostile" / "things.yaml").write_text(yaml.safe_dump(spec, allow_unicode=False, width=80))
    return specs
