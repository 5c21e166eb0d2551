"""Import a module of templates/runtime/ as the generated SDK has it, without generating.

The module is imported as a submodule of a stand-in package whose path is templates/runtime/, so
that its relative imports (`._wire`, `._transport`) resolve as they do in the generated
`exchange_sdk._runtime` (the package's own __init__ is not run).
"""

from __future__ import annotations

import importlib
import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_PACKAGE = "sdkgen_template_runtime"


def load_runtime_module(name: str) -> types.ModuleType:
    """templates/runtime/<name>.py, imported once per test session."""
    if _PACKAGE not in sys.modules:
        package = types.ModuleType(_PACKAGE)
        package.__path__ = [str(ROOT / "templates" / "runtime")]
        sys.modules[_PACKAGE] = package
    return importlib.import_module(f"{_PACKAGE}.{name}")
