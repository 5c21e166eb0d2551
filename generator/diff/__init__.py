"""`sdkgen diff`: what changed between two versions of the specs, and what it breaks."""

from generator.diff.compare import Change, diff_specs
from generator.diff.rules import LEVELS, RULES

__all__ = ["LEVELS", "RULES", "Change", "diff_specs"]
