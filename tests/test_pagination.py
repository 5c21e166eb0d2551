"""The runtime's Pagination alone: the next page's arguments for each style, and when paging stops."""

from __future__ import annotations

from types import SimpleNamespace

from exchange_sdk._runtime._pagination import Pagination

CURSOR = Pagination("cursor", "after", item_field="bill_id", size_argument="limit", default_size=3)


def items(*values: object, name: str = "bill_id") -> list[SimpleNamespace]:
    return [SimpleNamespace(**{name: value}) for value in values]


def test_a_cursor_moves_to_the_last_items_field_and_keeps_the_other_arguments():
    following = CURSOR.next_arguments({"inst_type": "SPOT"}, items("30", "29", "28"))
    assert following == {"inst_type": "SPOT", "after": "28"}


def test_paging_stops_at_an_empty_short_or_repeated_page_or_a_missing_cursor():
    assert CURSOR.next_arguments({}, []) is None
    assert CURSOR.next_arguments({}, items("30", "29")) is None  # shorter than the default size 3
    assert CURSOR.next_arguments({"limit": 2}, items("30", "29")) == {"limit": 2, "after": "29"}
    assert CURSOR.next_arguments({"after": "28"}, items("30", "29", "28")) is None  # the exchange ignored the cursor
    assert CURSOR.next_arguments({}, items("30", "29", None)) is None


def test_pages_count_up_from_the_first_page():
    pages = Pagination("page", "page", first_page=0)
    assert pages.next_arguments({}, items("a")) == {"page": 1}
    assert pages.next_arguments({"page": 4}, items("a")) == {"page": 5}


def test_a_time_window_moves_its_bound_to_the_last_timestamp_plus_the_step():
    window = Pagination("time_window", "end", item_field="ts", step=-1)
    assert window.next_arguments({}, items(1700000000500, 1700000000100, name="ts")) == {"end": 1700000000099}
