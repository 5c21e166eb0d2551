from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
sys.path.insert(0, str(Path(__file__).parent))  # for seed_tables
sys.path.insert(0, str(GENERATED))  # the generated SDK, importable without installing it


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    """A private copy of specs/ that a test may break."""
    target = tmp_path / "specs"
    shutil.copytree(SPECS, target)
    return target
