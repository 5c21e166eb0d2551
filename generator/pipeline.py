"""`sdkgen generate`: specs -> spec model -> rendered files -> formatted files -> generated/.

Every stage is a plain function of the previous stage's output; the result depends only on the
specs and the generator's version (no timestamps, no absolute paths, stable ordering).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.format import format_files
from generator.loader import load_specs
from generator.output import Comparison, compare_tree, write_tree
from generator.render import render_sdk


def build(spec_dir: Path) -> dict[str, str]:
    """The complete, formatted generated tree for `spec_dir` (relative path -> text)."""
    specs = load_specs(spec_dir)
    return format_files(render_sdk(specs, spec_label=spec_dir.resolve().name))


@dataclass
class Result:
    files: int
    comparison: Comparison


def generate(spec_dir: Path, out_dir: Path, *, check: bool = False) -> Result:
    """Regenerate `out_dir` from `spec_dir`, or with `check` only compare. Raises SpecError,
    FormatError or ForeignFilesError; on any error nothing is written."""
    files = build(spec_dir)
    comparison = compare_tree(files, out_dir)
    if not check and not comparison.up_to_date:
        write_tree(files, out_dir)
    return Result(len(files), comparison)
