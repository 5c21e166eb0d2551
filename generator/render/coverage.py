"""What the specs cover: per exchange and section, each endpoint with its method and path, rate
limit, permission and the number of the documentation's contradictions its spec acknowledges.
`sdkgen coverage` prints it; the generated package's README carries the same table."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import Exchange, Operation, SpecSet
from generator.render.context import rate_limit_text


@dataclass(frozen=True)
class Covered:
    exchange: str
    section: str
    method: str
    path: str
    python: str  # client.section.method()
    rate_limit: str
    permission: str
    acknowledged: int
    doc_url: str


def acknowledgements(operation: Operation) -> int:
    """How many of the page's contradictions the spec acknowledges (each lint rule it names, on a
    field, parameter, enum value, rule or example)."""
    count = sum(len(p.acknowledged) for p in operation.parameters)
    count += sum(len(e.acknowledged) for e in operation.request_examples)
    count += sum(len(e.acknowledged) for e in operation.response_examples)
    count += sum(len(r.acknowledged) for r in operation.rules)
    shapes = [operation.response, *(p.shape for p in operation.parameters)]
    seen: set[int] = set()
    while shapes:
        shape = shapes.pop()
        if id(shape) in seen:
            continue
        seen.add(id(shape))
        count += sum(len(repeat.acknowledged) for value in shape.enum for repeat in value.repeats)
        count += sum(len(r.acknowledged) for r in shape.rules)
        for member in shape.fields:
            count += len(member.acknowledged)
            shapes.append(member.shape)
        if shape.items is not None:
            shapes.append(shape.items)
    return count


def _covered(exchange: Exchange, operation: Operation) -> Covered:
    permission = operation.permission.level if operation.is_private else "public"
    return Covered(
        exchange=exchange.name,
        section=operation.section,
        method=operation.method,
        path=operation.path,
        python=f"{operation.section}.{operation.name}()",
        rate_limit=rate_limit_text(exchange, operation) or operation.rate_limit.text,
        permission=permission,
        acknowledged=acknowledgements(operation),
        doc_url=operation.doc_url,
    )


def coverage(specs: SpecSet) -> list[Covered]:
    """Every endpoint, by exchange, section and path."""
    rows = [_covered(exchange, op) for exchange in specs.exchanges for op in exchange.operations]
    return sorted(rows, key=lambda row: (row.exchange, row.section, row.path, row.method))


def coverage_markdown(specs: SpecSet) -> str:
    """The coverage as Markdown: a summary line per exchange, then the endpoints by section."""
    rows = coverage(specs)
    lines = ["| exchange | endpoints | sections | acknowledged contradictions |", "|---|---|---|---|"]
    for exchange in specs.exchanges:
        mine = [row for row in rows if row.exchange == exchange.name]
        sections = ", ".join(f"{s} ({sum(1 for r in mine if r.section == s)})" for s in exchange.sections)
        lines.append(f"| {exchange.name} | {len(mine)} | {sections} | {sum(r.acknowledged for r in mine)} |")
    lines += [
        "",
        "| exchange | section | endpoint | method | rate limit | permission | acknowledged |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        endpoint = f"[{row.method} {row.path}]({row.doc_url})"
        limit = row.rate_limit.replace("|", "\\|")
        lines.append(
            f"| {row.exchange} | {row.section} | {endpoint} | `{row.python}` | {limit} | {row.permission} | "
            f"{row.acknowledged} |"
        )
    return "\n".join(lines) + "\n"


__all__ = ["Covered", "acknowledgements", "coverage", "coverage_markdown"]
