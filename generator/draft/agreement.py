"""How much of a hand-written spec a draft of the same page already says: per kind of fact, how
many of the spec's facts the draft has, and which it misses (the test of the drafter, and the
table in the README)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.model import Operation, Shape

KINDS = ("fields", "types", "units", "parameters", "enum values", "rate limit", "examples")


@dataclass
class Agreement:
    found: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    missing: list[str] = field(default_factory=list)

    def count(self, kind: str, fact: str, present: bool) -> None:
        self.total[kind] += 1
        if present:
            self.found[kind] += 1
        else:
            self.missing.append(f"{kind}: {fact}")

    def cell(self, kind: str) -> str:
        return f"{self.found[kind]}/{self.total[kind]}"

    @property
    def complete(self) -> bool:
        return self.found == self.total

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(
            {kind: self.found[kind] + other.found[kind] for kind in KINDS},
            {kind: self.total[kind] + other.total[kind] for kind in KINDS},
            self.missing + other.missing,
        )


def _fields(shape: Shape, path: str) -> Iterator[tuple[str, Shape, bool]]:
    """(path, shape, listed by the page's table) of every field."""
    if shape.items is not None:
        yield from _fields(shape.items, f"{path}[]")
    for member in shape.fields:
        where = f"{path}.{member.name}"
        yield where, member.shape, member.table.listed
        yield from _fields(member.shape, where)


def _paths(value: Any, path: str) -> Iterator[str]:
    """The key paths of an example's data (data[].details[].ccy)."""
    if isinstance(value, list):
        for item in value:
            yield from _paths(item, f"{path}[]")
    elif isinstance(value, dict):
        for key, member in value.items():
            yield f"{path}.{key}"
            yield from _paths(member, f"{path}.{key}")


def _lines(text: str) -> list[str]:
    """An example's lines without trailing whitespace, blank lines at either end dropped."""
    return [line.rstrip() for line in text.strip("\n").split("\n")]


def compare(spec: Operation, draft: Operation, data_key: str = "data") -> Agreement:
    """Which of `spec`'s facts that the page states `draft` has (a field the spec knows from live
    responses only, neither in the page's table nor in its examples, is not the page's)."""
    result = Agreement()
    drafted = {where: shape for where, shape, _listed in _fields(draft.response, "data")}
    shown = {
        where
        for example in spec.response_examples
        if isinstance(example.body, dict)
        for where in _paths(example.body.get(data_key), "data")
    }
    for where, shape, listed in _fields(spec.response, "data"):
        if not listed and where not in shown:
            continue
        other = drafted.get(where)
        result.count("fields", where, other is not None)
        result.count("types", f"{where} is {shape.type.value}", other is not None and other.type is shape.type)
        if shape.unit:
            result.count("units", f"{where} in {shape.unit}", other is not None and other.unit == shape.unit)
        values = {str(v.value) for v in shape.enum}
        for value in sorted(values):
            present = other is not None and value in {str(v.value) for v in other.enum}
            result.count("enum values", f"{where} = {value}", present)
    parameters = {p.name: p for p in draft.parameters}
    for parameter in spec.parameters:
        drafted_parameter = parameters.get(parameter.name)
        facts = (
            parameter.location_in,
            parameter.shape.type,
            parameter.required,
            parameter.list_style,
            parameter.max_items,
        )
        present = drafted_parameter is not None and facts == (
            drafted_parameter.location_in,
            drafted_parameter.shape.type,
            drafted_parameter.required,
            drafted_parameter.list_style,
            drafted_parameter.max_items,
        )
        result.count(
            "parameters", f"{parameter.name} ({parameter.location_in.value}, {parameter.shape.type.value})", present
        )
        for value in sorted(str(v.value) for v in parameter.shape.enum):
            found = drafted_parameter is not None and value in {str(v.value) for v in drafted_parameter.shape.enum}
            result.count("enum values", f"{parameter.name} = {value}", found)
    limit, drafted_limit = spec.rate_limit, draft.rate_limit
    stated = (limit.count, limit.window_seconds, limit.scope, limit.buckets)
    drafted_stated = (drafted_limit.count, drafted_limit.window_seconds, drafted_limit.scope, drafted_limit.buckets)
    result.count("rate limit", f"{stated}", stated == drafted_stated)
    drafted_requests = [_lines(e.text) for e in draft.request_examples]
    for request in spec.request_examples:
        result.count("examples", f"request {request.text[:40]!r}", _lines(request.text) in drafted_requests)
    drafted_responses = [(_lines(e.text), e.body) for e in draft.response_examples]
    for response in spec.response_examples:
        present = any(text == _lines(response.text) and body == response.body for text, body in drafted_responses)
        result.count("examples", f"response {response.title or response.text[:40]!r}", present)
    return result


def markdown_table(rows: list[tuple[str, Agreement]]) -> str:
    """The agreement of each page's draft with its spec, as the README shows it."""
    lines = ["| page | " + " | ".join(KINDS) + " |", "|---|" + "---|" * len(KINDS)]
    lines += [f"| {page} | " + " | ".join(result.cell(kind) for kind in KINDS) + " |" for page, result in rows]
    return "\n".join(lines) + "\n"
