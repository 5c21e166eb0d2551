"""Where the generator's own files are: the Jinja templates and the runtime copied into every SDK.

The repository keeps them in its top-level `templates/`. A wheel ships that folder as package data
at `generator/templates/` (mapped there at build time, see pyproject.toml), so an installed sdkgen
works in any folder; an editable install reads the checkout's `templates/` in place.
"""

from __future__ import annotations

from pathlib import Path

GENERATOR = Path(__file__).resolve().parent
_PACKAGED = GENERATOR / "templates"
TEMPLATES = _PACKAGED if _PACKAGED.is_dir() else GENERATOR.parent / "templates"
RUNTIME_FILES = TEMPLATES / "runtime"  # copied into the SDK as exchange_sdk/_runtime/
TEST_SUPPORT = TEMPLATES / "tests" / "sdk_test_support.py"  # copied into the SDK's tests/
