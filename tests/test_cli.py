"""The sdkgen command line: exit codes and output of lint and schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.loader import load_specs

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "lint"


def test_lint_seed_specs_is_clean_and_lists_acknowledged():
    result = CliRunner().invoke(main, ["lint", str(ROOT / "specs"), "--strict"])
    assert result.exit_code == 0, result.output
    assert "acknowledged [flattened-table] data.details" in result.output
    assert "note: The table lists the members of details" in result.output
    endpoints = len(load_specs(ROOT / "specs").operations)
    acknowledged = result.output.count(": acknowledged [")
    assert acknowledged >= 21  # the seed pages' contradictions, and those of the trading and market pages
    assert "acknowledged [enum-value-listed-twice] subType: the table lists subType value '381' twice" in result.output
    assert result.output.rstrip().endswith(
        f"{endpoints} endpoints in 3 exchanges: 0 warnings, {acknowledged} acknowledged"
    )


def test_lint_warnings_exit_1_only_with_strict():
    assert CliRunner().invoke(main, ["lint", str(FIXTURES)]).exit_code == 0
    result = CliRunner().invoke(main, ["lint", str(FIXTURES), "--strict"])
    assert result.exit_code == 1
    assert "warning [example-missing-field] data.b" in result.output


def test_lint_json_output():
    result = CliRunner().invoke(main, ["lint", str(FIXTURES), "--format", "json"])
    records = json.loads(result.output)
    assert {r["rule"] for r in records} >= {"flattened-table", "example-enum-value"}
    assert all({"file", "line", "column", "severity", "message"} <= set(r) for r in records)


def test_lint_broken_specs_exit_2(spec_copy):
    path = spec_copy / "okx" / "account" / "get_balance.yaml"
    path.write_text(path.read_text().replace("method: GET\n", "method: FETCH\n"))
    result = CliRunner().invoke(main, ["lint", str(spec_copy)])
    assert result.exit_code == 2
    assert "get_balance.yaml:5:9: error: method must be one of GET, POST, PUT, DELETE; got 'FETCH'" in result.output


def test_console_script_runs():
    result = subprocess.run(
        [sys.executable, "-m", "generator", "lint", str(ROOT / "specs")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_exported_schemas_are_current(tmp_path):
    assert CliRunner().invoke(main, ["schema", "--check", "--out", str(ROOT / "specs" / "_schema")]).exit_code == 0
    assert CliRunner().invoke(main, ["schema", "--check", "--out", str(tmp_path)]).exit_code == 1
    assert CliRunner().invoke(main, ["schema", "--out", str(tmp_path)]).exit_code == 0
    assert (tmp_path / "endpoint.schema.json").read_text() == (ROOT / "specs/_schema/endpoint.schema.json").read_text()
