"""`sdkgen draft`: an endpoint spec drafted from its documentation page.

    page (Markdown, text or HTML) --page.read_page--> blocks (headings, text, tables, code)
         --facts.draft_spec--> the spec's data (fields.py: tables; examples.py: examples)
         --lint, in a scratch copy of the exchange--> each contradiction of the page written
           into the draft as an acknowledgement whose note starts with TODO
         --emit.dump--> YAML text, loaded once more before anything is written

Lint reports every TODO note (`unconfirmed-acknowledgement`), so `sdkgen lint --strict` fails
until a maintainer has read each one. Drafting is all or nothing: a page that cannot be read,
or a draft that does not load, writes no file.
"""

from __future__ import annotations

import difflib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import naming
from generator.draft.emit import dump
from generator.draft.facts import DraftError, draft_spec
from generator.draft.page import read_page
from generator.errors import SpecError
from generator.lint import Finding, lint
from generator.loader import load_specs
from generator.model import Exchange

__all__ = ["Draft", "DraftError", "draft_page", "draft_pages"]


@dataclass(frozen=True)
class Draft:
    page: str
    spec_path: Path  # where it goes in the specs tree
    text: str
    findings: tuple[Finding, ...]  # the page's contradictions, written in as TODO acknowledgements


def draft_page(page_path: Path, specs_dir: Path, exchange_id: str | None = None, section: str | None = None) -> Draft:
    """The draft spec of one page, checked to load. Raises DraftError."""
    exchanges = load_specs(specs_dir).exchanges
    page = read_page(page_path)
    exchange = _exchange(exchanges, exchange_id, page_path)
    spec = draft_spec(page, exchange, section)
    name = naming.operation_name(spec["title"]) or "operation"
    target = specs_dir / exchange.id / spec["section"] / f"{name}.yaml"
    comment = f"Drafted by sdkgen draft from {page_path.name}: read it against the page, then remove this line."
    findings = _acknowledge(spec, exchange, specs_dir, target, comment)
    text = dump(spec, comment)
    _check_loads(text, specs_dir, exchange, target, str(page_path))
    return Draft(str(page_path), target, text, tuple(findings))


def draft_pages(
    pages: list[Path], specs_dir: Path, exchange_id: str | None, section: str | None, *, force: bool
) -> list[Draft]:
    """Every page's draft, or DraftError naming each page that cannot be drafted (nothing written)."""
    drafts, problems = [], []
    for page in pages:
        try:
            draft = draft_page(page, specs_dir, exchange_id, section)
        except (DraftError, OSError, UnicodeDecodeError) as exc:
            problems.append(f"{page}: {exc}")
            continue
        if draft.spec_path.exists() and not force:
            problems.append(f"{page}: {draft.spec_path} exists; --force replaces it, --diff shows the changes")
        drafts.append(draft)
    if problems:
        raise DraftError("\n".join(problems))
    return drafts


def write_drafts(drafts: list[Draft]) -> None:
    for draft in drafts:
        draft.spec_path.parent.mkdir(parents=True, exist_ok=True)
        draft.spec_path.write_text(draft.text, encoding="utf-8")


def diff_against_current(draft: Draft) -> str:
    """What the draft changes in the spec already at its place (a unified diff; "" when equal)."""
    current = draft.spec_path.read_text(encoding="utf-8") if draft.spec_path.exists() else ""
    return "".join(
        difflib.unified_diff(
            current.splitlines(keepends=True),
            draft.text.splitlines(keepends=True),
            fromfile=str(draft.spec_path),
            tofile=f"{draft.spec_path} (drafted from {draft.page})",
        )
    )


def _exchange(exchanges: tuple[Exchange, ...], exchange_id: str | None, page: Path) -> Exchange:
    if exchange_id is not None:
        found = next((e for e in exchanges if e.id == exchange_id), None)
        if found is None:
            known = ", ".join(e.id for e in exchanges)
            raise DraftError(f"--exchange {exchange_id}: no such exchange in the specs (known: {known})")
        return found
    text = page.read_text(encoding="utf-8", errors="replace")
    hosts = [e for e in exchanges if e.doc_base_url.split("/")[2] in text or e.production_host.split("/")[2] in text]
    if len(hosts) == 1:
        return hosts[0]
    raise DraftError("the page does not say which exchange it documents; pass --exchange")


def _scratch(specs_dir: Path, exchange: Exchange, target: Path, text: str) -> Path:
    """A specs tree holding the exchange's exchange.yaml and shapes, and the draft alone."""
    root = Path(tempfile.mkdtemp(prefix="sdkgen-draft-"))
    folder = root / exchange.id
    folder.mkdir()
    shutil.copy(specs_dir / exchange.id / "exchange.yaml", folder / "exchange.yaml")
    if (specs_dir / exchange.id / "shapes").is_dir():
        shutil.copytree(specs_dir / exchange.id / "shapes", folder / "shapes")
    spec_file = folder / target.relative_to(specs_dir / exchange.id)
    spec_file.parent.mkdir(parents=True, exist_ok=True)
    spec_file.write_text(text, encoding="utf-8")
    return root


def _check_loads(text: str, specs_dir: Path, exchange: Exchange, target: Path, page: str) -> None:
    root = _scratch(specs_dir, exchange, target, text)
    try:
        load_specs(root)
    except SpecError as exc:
        raise DraftError(f"the draft does not load; the page may be incomplete:\n{exc.report()}") from None
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _acknowledge(
    spec: dict[str, Any], exchange: Exchange, specs_dir: Path, target: Path, comment: str
) -> list[Finding]:
    """Lint the draft, and write each finding into it as an acknowledgement to confirm."""
    root = _scratch(specs_dir, exchange, target, dump(spec, comment))
    try:
        try:
            findings = [
                f for f in lint(load_specs(root)) if f.severity == "warning" and f.rule != "unconfirmed-acknowledgement"
            ]
        except SpecError as exc:
            raise DraftError(f"the draft does not load; the page may be incomplete:\n{exc.report()}") from None
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for finding in findings:
        note = f"TODO: confirm against the page, then say what is true and what the SDK does. Lint: {finding.message}"
        owner = _owner(spec, finding)
        if owner is None:
            spec.setdefault("notes", []).append(f"TODO: {finding.rule} at {finding.path}: {finding.message}")
        else:
            owner.setdefault("acknowledged", {})[finding.rule] = note
    return findings


def _owner(spec: dict[str, Any], finding: Finding) -> dict[str, Any] | None:
    """The entry of the draft a finding is about (a field, a parameter, an example)."""
    path = finding.path
    if finding.rule == "example-invalid-json":
        return next((r for r in spec["examples"]["responses"] if "corrected" in r), None)
    if path.startswith("query."):
        name = path.removeprefix("query.")
        parameter: dict[str, Any] | None = next((p for p in spec["parameters"] if p["name"] == name), None)
        example: dict[str, Any] | None = (spec["examples"]["requests"] or [None])[0]
        return parameter if parameter is not None else example
    if not path.startswith("data"):
        return None
    node: Any = spec["response"]
    rest = path[len("data") :]
    for part in [p for p in rest.replace("[]", ".[]").split(".") if p]:
        if node is None:
            return None
        if part == "[]":
            node = node.get("items")
        else:
            node = next((f for f in node.get("fields", []) if f["name"] == part), None)
    entry: dict[str, Any] | None = node if isinstance(node, dict) else None
    return entry
