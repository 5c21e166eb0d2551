from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Property-based tests: a quick profile by default (and in CI), a long one for local runs:
#   HYPOTHESIS_PROFILE=long python -m pytest tests/test_hostile_specs.py tests/test_hostile_responses.py
settings.register_profile("ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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


@pytest.fixture(autouse=True)
def fresh_shared_limiter(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every test starts with empty rate-limit buckets: the clients it makes share a fresh
    process-wide limiter (the default of every client), not the buckets earlier tests filled."""
    from exchange_sdk import RateLimiter
    from exchange_sdk._runtime import _base_client

    limiter = RateLimiter()
    monkeypatch.setattr(_base_client, "SHARED_LIMITER", limiter)
    return limiter
