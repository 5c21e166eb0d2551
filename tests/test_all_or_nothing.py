"""`sdkgen generate` interrupted at any moment (kill -9, Ctrl-C) leaves either the previous tree
or the complete new one, never a mix; the next run cleans up what the interrupted one left."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.output import existing_files
from generator.pipeline import build

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_generation_leaves_old_or_new_tree(tmp_path, spec_copy, signal_number):
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out, ignore=shutil.ignore_patterns("__pycache__"))
    old = existing_files(out)
    spec = spec_copy / "okx" / "account" / "get_balance.yaml"
    spec.write_text(spec.read_text().replace("Get balance", "Get balances"))  # renames files: a big change
    new = {path: text.encode() for path, text in build(spec_copy).items()}
    assert new != old
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "generator",
        "generate",
        "--specs",
        str(spec_copy),
        "--out",
        str(out),
        "--no-cache",
    ]
    started = time.monotonic()
    subprocess.run(command, env=env, check=True, capture_output=True)
    duration = time.monotonic() - started
    outcomes = set()
    rng = random.Random(20261121)
    for attempt in range(8):
        shutil.rmtree(out)
        shutil.copytree(ROOT / "generated", out, ignore=shutil.ignore_patterns("__pycache__"))
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, duration * 1.1))
        process.send_signal(signal_number)
        process.wait(timeout=60)
        state = existing_files(out)
        assert state in (old, new), f"attempt {attempt}: a mixed tree after the signal"
        outcomes.add("new" if state == new else "old")
        leftovers = [p.name for p in out.parent.iterdir() if p.name.startswith(".generated.")]
        subprocess.run([*command, "--check"], env=env, capture_output=True)  # any later run cleans up
        assert [p.name for p in out.parent.iterdir() if p.name.startswith(".generated.")] == [], leftovers
    assert "old" in outcomes  # the signal did land while work was under way


def test_a_broken_run_writes_nothing_and_keeps_user_files(tmp_path, spec_copy):
    out = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", out, ignore=shutil.ignore_patterns("__pycache__"))
    (out / "NOTES.md").write_text("mine")
    before = existing_files(out)
    (spec_copy / "okx" / "account" / "get_balance.yaml").write_text("title: Get balance\nsection: [\n")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--specs", str(spec_copy), "--out", str(out)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "get_balance.yaml:3:" in result.stderr
    assert existing_files(out) == before
