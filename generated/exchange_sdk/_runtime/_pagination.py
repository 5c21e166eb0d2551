# DO NOT EDIT: copied by sdkgen from templates/runtime/_pagination.py
"""Paging through an endpoint: what the next request of an `iter_<operation>()` is.

The spec declares how an endpoint pages; the generated iterators call the endpoint again and
again through the client (so every page is signed, rate limited and retried like any call) and
ask a `Pagination` for the arguments of the next page:

- `cursor`: the next page starts after a field of the last item (OKX bills: `after` = the last
  `billId`);
- `page`: a page number, counted up from `first_page`;
- `time_window`: a time bound (e.g. `end`) moves to a timestamp field of the last item, plus
  `step` (-1 when the bound is inclusive and items come newest first).

Paging stops at an empty page, at a page shorter than the page size asked for (the size
argument, else its documented default), and when the next argument would not change (an
exchange that ignores the cursor would otherwise be called forever).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True, slots=True)
class Pagination:
    style: Literal["cursor", "page", "time_window"]
    argument: str  # the keyword argument that moves from page to page
    item_field: str | None = None  # cursor, time_window: the attribute of the last item it moves to
    size_argument: str | None = None  # the keyword argument of the page size, when there is one
    default_size: int | None = None  # the documented page size when that argument is not given
    first_page: int = 1  # page: the number of the first page
    step: int = 0  # time_window: added to the last item's value

    def next_arguments(self, arguments: Mapping[str, Any], page: Sequence[Any]) -> dict[str, Any] | None:
        """The arguments of the page after `page` (requested with `arguments`), or None at the end."""
        size = arguments.get(self.size_argument) if self.size_argument else None
        size = int(size) if size is not None else self.default_size
        if not page or (size is not None and len(page) < size):
            return None
        current = arguments.get(self.argument)
        if self.style == "page":
            following: Any = (int(current) if current is not None else self.first_page) + 1
        else:
            assert self.item_field is not None
            following = getattr(page[-1], self.item_field, None)
            if following is None:
                return None
            if self.style == "time_window":
                following = int(following) + self.step
        if current is not None and str(following) == str(current):
            return None
        return {**arguments, self.argument: following}
