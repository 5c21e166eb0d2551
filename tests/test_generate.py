"""`sdkgen generate`: the committed tree is exactly what the specs produce, output is
deterministic, --check reports staleness with a diff, and a failure writes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.output import existing_files
from generator.pipeline import build

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"


@pytest.fixture(scope="module")
def tree() -> dict[str, str]:
    return build(ROOT / "specs")


def test_committed_tree_is_exactly_what_the_specs_produce(tree):
    on_disk = existing_files(GENERATED)
    assert sorted(on_disk) == sorted(tree)
    stale = [path for path, text in tree.items() if on_disk[path] != text.encode("utf-8")]
    assert stale == [], "run 'sdkgen generate': stale files " + ", ".join(stale)


def test_every_generated_file_names_its_source(tree):
    for path, text in tree.items():
        start = text[:300]  # the first line, or a JSON fixture's first member
        assert "DO NOT EDIT: " in start, path
        assert "specs/" in start or "templates/" in start or path.endswith("py.typed"), path


def test_output_does_not_depend_on_hash_seed_or_location(tmp_path):
    script = (
        "import sys, json; from pathlib import Path; from generator.pipeline import build; "
        "print(json.dumps(build(Path(sys.argv[1]))))"
    )
    copy = tmp_path / "elsewhere" / "specs"
    copy.parent.mkdir()
    subprocess.run(["cp", "-r", str(ROOT / "specs"), str(copy)], check=True)
    outputs = []
    for seed, source in (("1", ROOT / "specs"), ("4242", copy)):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        result = subprocess.run(
            [sys.executable, "-c", script, str(source)], capture_output=True, text=True, env=env, cwd=tmp_path
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_check_passes_on_the_committed_tree():
    result = CliRunner().invoke(main, ["generate", "--specs", str(ROOT / "specs"), "--out", str(GENERATED), "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_check_prints_a_diff_and_exits_1_when_stale(tmp_path, spec_copy):
    out = tmp_path / "generated"
    assert CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out)]).exit_code == 0
    spec = spec_copy / "okx" / "account" / "get_balance.yaml"
    spec.write_text(
        spec.read_text().replace(
            'description: "The total amount of equity in USD"', 'description: "Total equity in USD"'
        )
    )
    before = existing_files(out)
    result = CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "-    The total amount of equity in USD." in result.output
    assert "+    Total equity in USD." in result.output
    assert existing_files(out) == before  # --check writes nothing


def test_a_broken_spec_writes_nothing(tmp_path, spec_copy):
    out = tmp_path / "generated"
    assert CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out)]).exit_code == 0
    before = existing_files(out)
    spec = spec_copy / "htx" / "account" / "get_account_balance.yaml"
    spec.write_text(spec.read_text().replace("buckets: [private, private-read]", "buckets: [nope]"))
    (spec_copy / "okx" / "account" / "get_balance.yaml").write_text("title: [unclosed\n")
    result = CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out)])
    assert result.exit_code == 2
    assert "get_account_balance.yaml:14:" in result.output and "get_balance.yaml:" in result.output
    assert "nothing written" in result.output
    assert existing_files(out) == before


def test_files_the_generator_did_not_write_are_never_deleted(tmp_path, spec_copy):
    out = tmp_path / "generated"
    CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out)])
    notes = out / "MY_NOTES.md"
    notes.write_text("mine")
    result = CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out)])
    assert result.exit_code == 0  # nothing to write; the stray file is reported, not touched
    assert "MY_NOTES.md was not written by sdkgen" in result.output
    assert (
        CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out), "--check"]).exit_code == 1
    )
    (spec_copy / "okx" / "account" / "get_balance.yaml").write_text(
        (spec_copy / "okx" / "account" / "get_balance.yaml")
        .read_text()
        .replace("title: Get balance", "title: Get Balances")
    )
    result = CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out)])
    assert result.exit_code == 2
    assert "MY_NOTES.md" in result.output
    assert notes.read_text() == "mine"


def test_a_removed_spec_removes_its_generated_files(tmp_path, spec_copy):
    out = tmp_path / "generated"
    CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out)])
    (spec_copy / "bitget" / "uta" / "get_account_assets.yaml").unlink()
    result = CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "exchange_sdk" / "bitget" / "uta.py").exists()
    assert not (out / "tests" / "bitget" / "test_uta_get_account_assets.py").exists()


def test_an_array_of_enum_values_is_a_list_of_the_enum_class(tmp_path, spec_copy):
    """Schema-valid and once a KeyError: the enum of an array's items was never named."""
    spec = spec_copy / "bitget" / "contract" / "get_account_list.yaml"
    spec.write_text(
        spec.read_text().replace(
            "    fields:\n",
            "    fields:\n"
            "      - name: modes\n"
            "        type: array\n"
            "        description: Account modes\n"
            "        table: false\n"
            "        items:\n"
            "          type: string\n"
            "          enum: [{value: union, description: Multi-assets}, {value: single, description: Single}]\n",
            1,
        )
    )
    out = tmp_path / "generated"
    result = CliRunner().invoke(main, ["generate", "--specs", str(spec_copy), "--out", str(out)])
    assert result.exit_code == 0, result.output
    script = (
        "from exchange_sdk.bitget.models import FuturesAccount, Modes; "
        "account = FuturesAccount.model_validate({'modes': ['single', 'union', 'hybrid']}); "
        "print(repr([type(mode).__name__ for mode in account.modes]), account.modes[0] is Modes('single'), "
        "account.modes[2] == 'hybrid')"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(out)}
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["['Modes',", "'Modes',", "'Modes']", "True", "True"]
