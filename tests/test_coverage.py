"""sdkgen coverage, and the same table in the generated package's README: every endpoint of the
specs, by exchange and section, with the contradictions its spec acknowledges."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.lint import lint
from generator.loader import load_specs
from generator.render.coverage import acknowledgements, coverage, coverage_markdown

ROOT = Path(__file__).resolve().parents[1]


def test_the_acknowledged_count_is_what_lint_lists_as_acknowledged_for_each_endpoint():
    specs = load_specs(ROOT / "specs")
    listed = Counter(f.operation for f in lint(specs) if f.severity == "acknowledged")
    for operation in specs.operations:
        assert acknowledgements(operation) == listed[f"{operation.exchange}.{operation.section}.{operation.name}"]
    assert sum(acknowledgements(op) for op in specs.operations) == sum(listed.values()) > 0


def test_every_endpoint_once_by_exchange_and_section_with_its_limit_and_permission():
    specs = load_specs(ROOT / "specs")
    rows = coverage(specs)
    assert len(rows) == len(specs.operations)
    assert rows == sorted(rows, key=lambda r: (r.exchange, r.section, r.path, r.method))
    candles = next(r for r in rows if r.path == "/api/v5/market/candles")
    assert (candles.permission, candles.rate_limit) == (
        "public",
        "40 requests per 2 s per IP (every client of the process)",
    )
    batch = next(r for r in rows if r.path == "/api/v5/trade/batch-orders")
    assert batch.rate_limit == "300 items of orders per 2 s per UID and instrument (instId)"
    text = coverage_markdown(specs)
    per_exchange = Counter(op.exchange for op in specs.operations)
    assert f"| OKX | {per_exchange['okx']} | " in text and f"| HTX | {per_exchange['htx']} | " in text


def test_the_cli_prints_it_and_the_generated_readme_carries_it():
    result = CliRunner().invoke(main, ["coverage", str(ROOT / "specs")])
    assert result.exit_code == 0
    assert result.output == coverage_markdown(load_specs(ROOT / "specs"))
    assert result.output in (ROOT / "generated" / "README.md").read_text()
