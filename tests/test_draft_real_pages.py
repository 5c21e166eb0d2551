"""sdkgen draft on copies of real documentation pages (tests/data/pages/<exchange>/, each naming its
source in its front matter): every page drafts into a spec that loads, and the drafts' agreement
with the reviewed specs written from them is the README's table, so a change to the drafter shows
what it gains or loses on real pages, per exchange and per kind of fact."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from generator.draft import draft_page
from generator.draft.agreement import KINDS, Agreement, compare
from generator.loader import load_specs

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "data" / "pages"
EXCHANGES = ("okx", "bitget", "htx")


def _reviewed(specs: Path) -> dict[str, str]:
    """page (exchange/name.md) -> the reviewed spec of the same name (exchange/section/name.yaml)."""
    found = {}
    for exchange in EXCHANGES:
        for page in sorted((PAGES / exchange).glob("*.md")):
            (spec,) = (specs / exchange).rglob(f"{page.stem}.yaml")
            found[f"{exchange}/{page.name}"] = str(spec.relative_to(specs))
    return found


@pytest.fixture(scope="module")
def agreements(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Agreement]:
    """Each page's draft, loaded in a specs tree without its reviewed spec, compared with that spec."""
    specs = ROOT / "specs"
    loaded = load_specs(specs)
    reviewed = {op.spec_path: (exchange, op) for exchange in loaded.exchanges for op in exchange.operations}
    results = {}
    for page, relative in _reviewed(specs).items():
        tree = tmp_path_factory.mktemp("specs") / "specs"
        shutil.copytree(specs, tree)
        (tree / relative).unlink()
        exchange, spec = reviewed[relative]
        draft = draft_page(PAGES / page, tree, exchange.id, spec.section)
        draft.spec_path.parent.mkdir(parents=True, exist_ok=True)
        draft.spec_path.write_text(draft.text)
        target = str(draft.spec_path.relative_to(tree))
        (drafted,) = [op for op in load_specs(tree).operations if op.spec_path == target]
        results[page] = compare(spec, drafted, exchange.envelope_of(spec).data)
    return results


def _table(agreements: dict[str, Agreement]) -> str:
    totals: dict[str, Agreement] = {}
    for page, result in agreements.items():
        exchange = page.split("/")[0]
        totals[exchange] = totals.get(exchange, Agreement()) + result
    every = sum(totals.values(), Agreement())
    lines = ["| exchange | pages | " + " | ".join(KINDS) + " |", "|---|---|" + "---|" * len(KINDS)]
    for exchange, result in [*totals.items(), ("all", every)]:
        count = len(agreements) if exchange == "all" else sum(p.startswith(f"{exchange}/") for p in agreements)
        lines.append(f"| {exchange} | {count} | " + " | ".join(result.cell(kind) for kind in KINDS) + " |")
    return "\n".join(lines) + "\n"


def test_every_real_page_drafts_a_spec_that_loads(agreements):
    assert len(agreements) == sum(len(list((PAGES / e).glob("*.md"))) for e in EXCHANGES) >= 60


def test_the_readme_reports_the_drafters_agreement_on_real_pages(agreements):
    table = _table(agreements)
    assert table in (ROOT / "README.md").read_text(), table


def test_the_readme_names_what_the_drafter_misses_most(agreements):
    """The kinds of fact missed most, in order, as the README lists them."""
    misses = Counter(miss.split(":")[0] for result in agreements.values() for miss in result.missing)
    ranked = ", ".join(f"{kind} ({count})" for kind, count in misses.most_common())
    assert f"Misses by kind: {ranked}." in (ROOT / "README.md").read_text(), ranked
