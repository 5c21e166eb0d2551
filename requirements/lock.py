"""Refresh the lock files beside this script from the ranges the pyproject.toml files declare.

    python3.11 requirements/lock.py              # keep each pin that still satisfies the ranges
    python3.11 requirements/lock.py --upgrade    # the newest versions the ranges allow

Each lock pins exact versions, with the hashes of every file of each release, for Python 3.11 on
any platform (`uv pip compile --universal --generate-hashes`), and includes the build backend, so
that `pip install --require-hashes -r requirements/X.txt` followed by `pip install --no-deps
--no-build-isolation -e .` installs nothing that is not locked. The ranges stay in pyproject.toml
for users; tests/test_locks.py fails when a lock no longer satisfies them. uv is installed into a
temporary environment at the version below (the machine needs only Python 3.11 and the index).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import tomllib
import venv
from dataclasses import dataclass
from pathlib import Path

UV = "uv==0.13.9"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True)
class Lock:
    """A lock file: the dependencies of `project` (a pyproject.toml, relative to the repository),
    with these extras, plus its build backend."""

    project: str
    extras: tuple[str, ...] = ()
    purpose: str = ""


LOCKS = {
    "sdkgen.txt": Lock("pyproject.toml", (), "sdkgen itself: the README's first command (sdkgen generate)"),
    "test.txt": Lock("pyproject.toml", ("test",), "the test suite: the README's second command and .ci/run"),
    "bench.txt": Lock("pyproject.toml", ("bench",), "the benchmarks (python -m bench)"),
    "sdk.txt": Lock("generated/pyproject.toml", (), "the generated SDK alone, as tests install it in a clean venv"),
}


def build_requires(project: Path) -> list[str]:
    with project.open("rb") as stream:
        return list(tomllib.load(stream)["build-system"]["requires"])


def compile_lock(uv: Path, name: str, lock: Lock, upgrade: bool) -> None:
    project = ROOT / lock.project
    command = [str(uv), "pip", "compile", lock.project, "-", "--universal", "--python-version", "3.11"]
    command += ["--generate-hashes", "--no-strip-markers", "--output-file", f"requirements/{name}"]
    command += [f"--extra={extra}" for extra in lock.extras]
    command += ["--custom-compile-command", "python3.11 requirements/lock.py", "--quiet"]
    command += ["--upgrade"] if upgrade else []
    # The build backend comes in on standard input: uv locks what a project needs, not what builds it.
    subprocess.run(command, input="\n".join(build_requires(project)) + "\n", text=True, cwd=ROOT, check=True)
    print(f"requirements/{name}: {lock.purpose}")


def main(arguments: list[str]) -> None:
    upgrade = "--upgrade" in arguments
    with tempfile.TemporaryDirectory(prefix="sdkgen-lock-") as scratch:
        venv.EnvBuilder(with_pip=True).create(scratch)
        subprocess.run([f"{scratch}/bin/python", "-m", "pip", "install", "--quiet", UV], check=True)
        for name, lock in LOCKS.items():
            compile_lock(Path(scratch) / "bin" / "uv", name, lock, upgrade)


if __name__ == "__main__":
    main(sys.argv[1:])
