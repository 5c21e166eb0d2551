# DO NOT EDIT: copied by sdkgen from templates/runtime/_enums.py
"""Open enums: the documented values as members, and any other value still accepted."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class OpenEnum(StrEnum):
    """A str enum that accepts values the documentation does not list.

    A documented value (or one of its aliases, listed in a class attribute `__aliases__`) gives
    its member; any other string or integer gives a pseudo-member of the same class whose
    `value` is the string as received, so that new values sent by an exchange never break
    parsing. Pseudo-members are not listed by iteration.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            return None
        key = str(value)
        aliases: dict[str, str] = cls.__dict__.get("__aliases__", {})
        if key in aliases:
            return cls(aliases[key])
        if key in cls._value2member_map_:
            return cls._value2member_map_[key]
        member = str.__new__(cls, key)
        member._name_ = key
        member._value_ = key
        return member

    @property
    def documented(self) -> bool:
        """True for a value the documentation lists, False for one it does not."""
        return self._name_ in type(self).__members__
