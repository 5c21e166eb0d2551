"""The bench's child processes: a failure shows what the child printed, stderr included (a hidden
stderr once made a missing dependency look like a bench bug), and stops the bench with exit 1."""

from __future__ import annotations

import sys

import pytest

from bench import run


def test_a_failing_child_shows_its_command_output_and_stderr():
    script = "import sys; print('partial'); sys.stderr.write('ModuleNotFoundError: No module named httpx'); sys.exit(3)"
    with pytest.raises(run.ChildFailed) as caught:
        run._child([sys.executable, "-c", script])
    message = str(caught.value)
    assert "exited with 3" in message
    assert "--- stdout\npartial\n" in message
    assert "--- stderr\nModuleNotFoundError: No module named httpx" in message


def test_a_failing_child_stops_the_bench_with_its_stderr(monkeypatch, capsys):
    def failing_generation(*_arguments):
        run._child([sys.executable, "-c", "import sys; sys.stderr.write('no such module: ccxt'); sys.exit(1)"])

    monkeypatch.setattr(run, "generation", failing_generation)
    monkeypatch.setattr(sys, "argv", ["bench", "--quick"])
    with pytest.raises(SystemExit) as caught:
        run.main()
    assert "a child process failed, no figures printed" in str(caught.value.code)
    assert "no such module: ccxt" in str(caught.value.code)
