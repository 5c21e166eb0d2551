"""The lock files (requirements/*.txt, made by requirements/lock.py) pin exactly, with hashes,
versions that satisfy the ranges of the pyproject.toml they lock, build backend included; and
the SDK's run-time dependencies are the same in sdkgen's `sdk` extra and in generated/."""

from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("lock_script", ROOT / "requirements" / "lock.py")
assert _spec is not None and _spec.loader is not None
lock_script = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = lock_script  # its dataclass looks itself up there
_spec.loader.exec_module(lock_script)
LOCKS = lock_script.LOCKS


def pins(path: Path) -> dict[str, tuple[Version, int]]:
    """Package -> (pinned version, number of hashes), from a requirements file made by uv."""
    found: dict[str, tuple[Version, int]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            requirement = Requirement(line.rstrip(" \\"))
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", line
            current = canonicalize_name(requirement.name)
            assert current not in found, f"{path.name}: {current} pinned twice"
            found[current] = (Version(specifier.version), 0)
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            version, hashes = found[current]
            found[current] = (version, hashes + 1)
    return found


def declared(project: Path, extras: tuple[str, ...]) -> list[Requirement]:
    """What a lock of `project` with `extras` must satisfy: its dependencies, the extras (and the
    extras they name of the project itself, e.g. sdkgen[sdk]), and its build backend."""
    document = tomllib.loads(project.read_text(encoding="utf-8"))
    name = canonicalize_name(document["project"]["name"])
    optional = document["project"].get("optional-dependencies", {})
    wanted, seen, found = list(extras), set(), []
    for text in document["project"]["dependencies"] + document["build-system"]["requires"]:
        found.append(Requirement(text))
    while wanted:
        extra = wanted.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for text in optional[extra]:
            requirement = Requirement(text)
            if canonicalize_name(requirement.name) == name:
                wanted += sorted(requirement.extras)
            else:
                found.append(requirement)
    return found


@pytest.mark.parametrize("name", sorted(LOCKS))
def test_the_lock_satisfies_the_ranges_it_locks(name):
    lock = LOCKS[name]
    pinned = pins(ROOT / "requirements" / name)
    assert pinned, name
    requirements = declared(ROOT / lock.project, lock.extras)
    assert requirements
    for requirement in requirements:
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        package = canonicalize_name(requirement.name)
        assert package in pinned, f"requirements/{name} does not pin {package}: run python3.11 requirements/lock.py"
        version = pinned[package][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements/{name} pins {package}=={version}, outside {requirement}: run python3.11 requirements/lock.py"
        )
    unhashed = sorted(package for package, (_version, hashes) in pinned.items() if hashes == 0)
    assert unhashed == [], f"requirements/{name}: no hashes for {unhashed}"


def test_a_range_the_lock_does_not_meet_is_caught(tmp_path):
    """Guards the test above: a pyproject.toml asking for a PyYAML the lock does not pin fails it."""
    project = tmp_path / "pyproject.toml"
    project.write_text((ROOT / "pyproject.toml").read_text().replace('"PyYAML>=6.0,<7"', '"PyYAML>=7"'))
    pinned = pins(ROOT / "requirements" / "sdkgen.txt")
    (pyyaml,) = [r for r in declared(project, ()) if canonicalize_name(r.name) == "pyyaml"]
    assert not pyyaml.specifier.contains(pinned["pyyaml"][0])


def test_the_sdk_extra_is_what_the_generated_sdk_depends_on():
    sdkgen = tomllib.loads((ROOT / "pyproject.toml").read_text())
    generated = tomllib.loads((ROOT / "generated" / "pyproject.toml").read_text())
    assert sdkgen["project"]["optional-dependencies"]["sdk"] == generated["project"]["dependencies"]


def test_the_readme_and_ci_install_from_the_locks():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^python3\.11 -m venv \.venv && .*$", readme, flags=re.MULTILINE)[:2]  # the first two
    assert "--require-hashes -r requirements/sdkgen.txt" in commands[0]
    assert "--require-hashes -r requirements/test.txt" in commands[1]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
    assert "--require-hashes -r requirements/bench.txt" in (ROOT / "bench" / "README.md").read_text()
