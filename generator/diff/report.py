"""Render a list of changes: human text, Markdown for a pull request, JSON, and release notes."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from generator.diff.compare import Change
from generator.diff.rules import BREAKING, LEVELS, NON_BREAKING, POTENTIALLY_BREAKING, level_rank


def summary(changes: list[Change]) -> dict[str, int]:
    counts = {level: 0 for level in LEVELS}
    for change in changes:
        counts[change.level] += 1
    return {"total": len(changes), **counts}


def _summary_line(changes: list[Change]) -> str:
    if not changes:
        return "no changes"
    counts = summary(changes)
    parts = [f"{counts[level]} {level}" for level in LEVELS if counts[level]]
    return f"{len(changes)} change{'s' if len(changes) != 1 else ''}: {', '.join(parts)}"


def _groups(changes: list[Change]) -> dict[str, dict[str, list[Change]]]:
    """exchange -> endpoint heading -> changes, each level most severe first."""
    grouped: dict[str, dict[str, list[Change]]] = defaultdict(lambda: defaultdict(list))
    for change in changes:
        heading = f"{change.endpoint} ({change.operation})" if change.endpoint else "exchange"
        grouped[change.exchange][heading].append(change)
    ordered: dict[str, dict[str, list[Change]]] = {}
    for exchange in sorted(grouped):
        headings = grouped[exchange]
        ordered[exchange] = dict(
            sorted(headings.items(), key=lambda item: (min(level_rank(c.level) for c in item[1]), item[0]))
        )
        for heading in ordered[exchange]:
            ordered[exchange][heading].sort(key=lambda c: (level_rank(c.level), c.where, c.rule))
    return ordered


def render_text(changes: list[Change], old: str, new: str) -> str:
    lines = [f"sdkgen diff {old} -> {new}: {_summary_line(changes)}"]
    for exchange, headings in _groups(changes).items():
        lines.append("")
        lines.append(exchange)
        for heading, items in headings.items():
            lines.append(f"  {heading}")
            for change in items:
                lines.append(f"    {change.level:<20} {change.rule}: {change.message}")
                lines.append(f"    {'':<20} at {change.where} ({change.location})")
    return "\n".join(lines) + "\n"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(changes: list[Change], old: str, new: str) -> str:
    lines = [f"### sdkgen diff `{old}` -> `{new}`", "", f"**{_summary_line(changes)}**"]
    for exchange, headings in _groups(changes).items():
        lines += ["", f"#### {exchange}", "", "| level | rule | endpoint | change |", "|---|---|---|---|"]
        for heading, items in headings.items():
            for change in items:
                level = f"**{change.level}**" if change.level == BREAKING else change.level
                lines.append(f"| {level} | `{change.rule}` | {_cell(heading)} | {_cell(change.message)} |")
    return "\n".join(lines) + "\n"


def render_json(changes: list[Change], old: str, new: str) -> str:
    document = {
        "old": old,
        "new": new,
        "summary": summary(changes),
        "changes": [change.as_dict() for change in changes],
    }
    return json.dumps(document, indent=2) + "\n"


def suggest_version(changes: list[Change], current: str) -> tuple[str, str]:
    """The next version of the generated package by semantic versioning, and why.

    From 1.0.0 on: breaking -> major, potentially breaking or additions -> minor, documentation
    only -> patch. Before 1.0.0 (where semver lets anything change) breaking changes bump the
    minor version too: a new endpoint or argument is still a minor bump, documentation a patch.
    """
    major, minor, patch = (int(part) for part in current.split("."))
    levels = {change.level for change in changes}
    only_docs = all(change.rule == "documentation-changed" for change in changes)
    if not changes:
        return current, "no changes"
    if BREAKING in levels:
        bump, reason = ("major" if major else "minor"), "breaking changes"
    elif only_docs:
        bump, reason = "patch", "documentation only"
    else:
        bump, reason = "minor", "compatible changes"
    if bump == "major":
        return f"{major + 1}.0.0", reason
    if bump == "minor":
        return f"{major}.{minor + 1}.0", reason
    return f"{major}.{minor}.{patch + 1}", reason


_SECTIONS = (
    ("Breaking changes", lambda c: c.level == BREAKING),
    ("Potentially breaking", lambda c: c.level == POTENTIALLY_BREAKING),
    ("Added", lambda c: c.level == NON_BREAKING and c.rule.endswith(("-added", "-raised", "-added-optional"))),
    ("Documentation", lambda c: c.rule == "documentation-changed"),
    ("Changed", lambda c: c.level == NON_BREAKING),
)


def render_changelog(changes: list[Change], current: str, package: str = "exchange-sdk") -> str:
    version, reason = suggest_version(changes, current)
    bump = "no release needed" if version == current else f"suggested bump from {current}: {reason}"
    lines = [f"## {package} {version}", "", f"_{bump}_"]
    placed: set[int] = set()
    for title, belongs in _SECTIONS:
        items = [c for c in changes if id(c) not in placed and belongs(c)]
        if not items:
            continue
        placed.update(id(c) for c in items)
        lines += ["", f"### {title}", ""]
        for change in items:
            subject = f"`client.{change.operation.split('.', 1)[1]}()`" if change.operation else "exchange"
            lines.append(f"- {change.exchange}: {subject}: {change.message} (`{change.rule}`)")
    return "\n".join(lines) + "\n"
