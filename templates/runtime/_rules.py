"""Documented rules between the members of a request (or an object in its body): a member
required when another has a given value, at most one of several, exactly one of several.

Members are named by their Python names; a member counts as given when it is not None. The
request models check their own rules (`RequestModel.__sdk_rules__`), `_params` the rules between
an operation's keyword arguments, both before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        value = value.value
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


@dataclass(frozen=True, slots=True)
class Rule:
    kind: str  # required_if, at_most_one_of or exactly_one_of
    members: tuple[str, ...]
    when: str | None = None  # required_if: the member whose value decides
    values: frozenset[str] = field(default_factory=frozenset)  # required_if: the values, as text

    def broken(self, given: Mapping[str, Any]) -> str | None:
        """What `given` (Python name -> value) does wrong against the rule, or None."""
        present = [name for name in self.members if given.get(name) is not None]
        names = ", ".join(self.members)
        if self.kind == "required_if":
            assert self.when is not None
            condition = _text(given.get(self.when))
            missing = [name for name in self.members if given.get(name) is None]
            if condition in self.values and missing:
                verb = "is" if len(missing) == 1 else "are"
                return f"{', '.join(missing)} {verb} required when {self.when} is {condition}"
            return None
        if self.kind == "at_most_one_of" and len(present) > 1:
            return f"takes at most one of {names}; got {', '.join(present)}"
        if self.kind == "exactly_one_of" and len(present) != 1:
            return f"takes exactly one of {names}; got {', '.join(present) or 'none'}"
        return None
