"""A synthetic spec corpus shaped like the seed specs, deterministic from a seed.

N endpoints spread over M exchanges (the seed exchanges' exchange.yaml files, so signing,
envelopes and buckets are real), in about 12 sections each; every endpoint has nested objects
and arrays, 10 to 60 response fields, enums, list query parameters, and about one in four is a
POST with a JSON body.

    python -m bench.corpus OUT_DIR --endpoints 1000 [--exchanges 3] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXCHANGES = ("okx", "bitget", "htx")
SECTIONS = (
    "account", "trade", "market", "asset", "funding", "position",
    "order", "margin", "earn", "copy_trading", "broker", "public",
)
WORDS = (
    "avail", "bal", "eq", "margin", "frozen", "liab", "upl", "pnl", "fee", "rate", "px", "sz", "notional",
    "lever", "interest", "borrow", "cross", "iso", "max", "min", "total", "cash", "spot", "swap", "option",
    "funding", "index", "mark", "last", "open", "close", "high", "low", "vol", "ccy", "inst", "pos", "order",
)
ENUM_VALUES = ("live", "partially_filled", "filled", "canceled", "cross", "isolated", "long", "short", "net",
               "SPOT", "SWAP", "FUTURES", "OPTION", "MARGIN", "buy", "sell")


def _name(rng: random.Random, taken: set[str]) -> str:
    while True:
        parts = [rng.choice(WORDS) for _ in range(rng.randint(1, 3))]
        name = parts[0] + "".join(p.title() for p in parts[1:])
        if name not in taken:
            taken.add(name)
            return name


def _scalar(rng: random.Random, name: str) -> dict[str, Any]:
    kind = rng.choices(("decimal", "string", "timestamp_ms", "integer", "boolean", "enum"), (55, 15, 8, 8, 6, 8))[0]
    field: dict[str, Any] = {"name": name, "description": f"The {name} of the object, as the exchange reports it."}
    if kind == "enum":
        field["type"] = "string"
        field["enum"] = [{"value": v, "description": f"{v} state"} for v in rng.sample(ENUM_VALUES, rng.randint(2, 5))]
    else:
        field["type"] = kind
    if kind == "decimal" and rng.random() < 0.4:
        field["unit"] = rng.choice(("USD", "USDT", "BTC", "currency"))
    return field


def _fields(rng: random.Random, count: int, depth: int, model: str) -> list[dict[str, Any]]:
    taken: set[str] = set()
    fields = [_scalar(rng, _name(rng, taken)) for _ in range(count)]
    if depth < 2:
        for index in range(rng.randint(1, 2)):
            name = _name(rng, taken)
            child = f"{model}{name[0].upper()}{name[1:]}"
            nested = {"type": "object", "model": child, "fields": _fields(rng, rng.randint(4, 14), depth + 1, child)}
            if index == 0 or rng.random() < 0.5:
                fields.append({"name": name, "type": "array", "description": f"List of {name}.", "items": nested})
            else:
                fields.append({"name": name, "description": f"The {name}.", **nested})
    return fields


def _count_fields(fields: list[dict[str, Any]]) -> int:
    total = 0
    for field in fields:
        total += 1
        inner = field.get("items", field)
        total += _count_fields(inner.get("fields", [])) if inner is not field or "fields" in field else 0
    return total


def endpoint(rng: random.Random, exchange: str, index: int) -> tuple[str, dict[str, Any]]:
    section = SECTIONS[(index // len(EXCHANGES)) % len(SECTIONS)]
    verb = "post" if rng.random() < 0.25 else "get"
    noun = "_".join(rng.sample(WORDS, 2))
    title = f"{'Set' if verb == 'post' else 'Get'} {noun.replace('_', ' ')} {index}"
    model = "".join(w.title() for w in noun.split("_")) + str(index)
    top = rng.randint(6, 30)
    fields = _fields(rng, top, 0, model)
    while _count_fields(fields) > 60:
        fields.pop(0)
    parameters: list[dict[str, Any]] = [
        {
            "name": "instType", "in": "query" if verb == "get" else "body", "type": "string", "required": verb == "post",
            "description": "Instrument type", "enum": [{"value": v} for v in ("SPOT", "SWAP", "FUTURES", "OPTION")],
        },
    ]
    if verb == "get":
        parameters.append({"name": "ccy", "in": "query", "type": "string", "required": False,
                           "list": {"style": "comma", "max_items": 20}, "description": "Currencies, comma-separated"})
        parameters.append({"name": "limit", "in": "query", "type": "integer", "required": False, "description": "Page size"})
    else:
        parameters += [
            {"name": "sz", "in": "body", "type": "decimal", "required": True, "description": "Quantity"},
            {"name": "clOrdId", "in": "body", "type": "string", "required": False, "description": "Client order id"},
        ]
    spec: dict[str, Any] = {
        "title": title,
        "section": section,
        "method": verb.upper(),
        "path": f"/api/v5/{section}/{noun.replace('_', '-')}-{index}",
        "doc_url": f"#{section}-{noun}-{index}",
        "description": f"{title}: synthetic endpoint {index} of {exchange}.",
        "permission": {"level": "trade" if verb == "post" else "read", "text": "Read"},
        "rate_limit": {"count": rng.choice((5, 10, 20, 60)), "window_seconds": rng.choice((1, 2)), "scope": "uid",
                       "text": "synthetic"},
        "idempotent": verb == "post" and rng.random() < 0.3,
        "parameters": parameters,
        "response": {"type": "array", "items": {"type": "object", "model": model, "fields": fields}},
    }
    return f"{section}/{noun}_{index}.yaml", spec


def build(out: Path, endpoints: int, exchanges: int = 3, seed: int = 7) -> Path:
    """Write a corpus of `endpoints` specs over `exchanges` exchanges to `out` (replaced)."""
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    for number in range(endpoints):
        exchange = EXCHANGES[number % exchanges]
        folder = out / exchange
        if not folder.exists():
            folder.mkdir(parents=True)
            shutil.copy(ROOT / "specs" / exchange / "exchange.yaml", folder / "exchange.yaml")
        relative, spec = endpoint(rng, exchange, number)
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(spec, sort_keys=False, width=100))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--exchanges", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    build(arguments.out, arguments.endpoints, arguments.exchanges, arguments.seed)


if __name__ == "__main__":
    main()
