"""sdkgen as a maintainer installs it: `python -m build` makes an sdist and a wheel holding
everything the generator reads at run time, and the wheel, installed into a clean virtual
environment, lints, generates and diffs a copy of specs/ in a folder outside the repository,
producing exactly the committed generated/."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from generator.lint import lint as lint_specs
from generator.loader import load_specs
from generator.output import existing_files

ROOT = Path(__file__).resolve().parents[1]
RUN_TIME_FILES = [  # read by the generator at run time, by their place in the repository
    "generator/schema/endpoint.schema.json",
    "generator/schema/exchange.schema.json",
    "generator/diff/diff-output.schema.json",
    *(path.relative_to(ROOT).as_posix() for path in sorted((ROOT / "templates").rglob("*")) if path.is_file()),
]


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert result.returncode in (0, 1), f"{' '.join(command)}: {result.returncode}\n{result.stdout}{result.stderr}"
    return result


@pytest.fixture(scope="module")
def distributions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("dist")
    before = sorted(p.name for p in ROOT.iterdir())
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)], ROOT)
    assert sorted(p.name for p in ROOT.iterdir()) == before  # built out of tree: no build/, no *.egg-info
    (sdist,) = out.glob("sdkgen-*.tar.gz")
    (wheel,) = out.glob("sdkgen-*.whl")
    return sdist, wheel


@pytest.mark.slow
def test_the_sdist_and_the_wheel_hold_every_file_read_at_run_time(distributions):
    sdist, wheel = distributions
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
    assert [path for path in RUN_TIME_FILES if path not in in_sdist] == []
    mapped = [path.replace("templates/", "generator/templates/", 1) for path in RUN_TIME_FILES]
    assert [path for path in mapped if path not in in_wheel] == []
    assert not [name for name in in_wheel if "__pycache__" in name or name.startswith(("templates/", "tests/"))]


@pytest.mark.slow
def test_the_installed_wheel_lints_generates_and_diffs_anywhere(distributions, tmp_path):
    _sdist, wheel = distributions
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    pip = [str(env_dir / "bin" / "python"), "-m", "pip", "--quiet", "--disable-pip-version-check"]
    _run([*pip, "install", "--require-hashes", "-r", str(ROOT / "requirements" / "sdkgen.txt")], tmp_path)
    _run([*pip, "install", "--no-deps", str(wheel)], tmp_path)
    sdkgen = str(env_dir / "bin" / "sdkgen")
    work = tmp_path / "work"  # outside the repository, under another name than specs/
    shutil.copytree(ROOT / "specs", work / "exchange-specs")
    where = _run([str(env_dir / "bin" / "python"), "-c", "import generator; print(generator.__file__)"], work)
    assert Path(where.stdout.strip()).is_relative_to(env_dir), "the installed sdkgen, not the checkout"

    lint = _run([sdkgen, "lint", "exchange-specs", "--strict"], work)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    endpoints = len(load_specs(ROOT / "specs").operations)
    acknowledged = len(lint_specs(load_specs(ROOT / "specs")))
    summary = f"{endpoints} endpoints in 3 exchanges: 0 warnings, {acknowledged} acknowledged"
    assert lint.stdout.splitlines()[-1] == summary

    generate = _run([sdkgen, "generate", "--specs", "exchange-specs", "--out", "sdk"], work)
    assert generate.returncode == 0, generate.stdout + generate.stderr
    produced, committed = existing_files(work / "sdk"), existing_files(ROOT / "generated")
    assert sorted(produced) == sorted(committed)
    assert [path for path in committed if produced[path] != committed[path]] == []
    check = _run([sdkgen, "generate", "--specs", "exchange-specs", "--out", "sdk", "--check"], work)
    assert check.returncode == 0, check.stdout + check.stderr

    shutil.copytree(work / "exchange-specs", work / "edited")
    spec = work / "edited" / "okx" / "account" / "get_balance.yaml"
    spec.write_text(spec.read_text().replace("title: Get balance", "title: Get balances"))
    diff = _run([sdkgen, "diff", "exchange-specs", "edited", "--fail-on", "breaking"], work)
    assert diff.returncode == 1, diff.stdout + diff.stderr
    assert "python-method-renamed: client.account.get_balance() is now client.account.get_balances()" in diff.stdout
