"""The live responses in tests/data/real_responses (copies of ../shared/real-responses) parse
through the generated clients with every value preserved exactly, unknown fields included."""

from __future__ import annotations

import json
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import httpx
import pytest
from exchange_sdk.bitget import BitgetClient
from exchange_sdk.htx import HtxClient
from exchange_sdk.okx import OkxClient
from pydantic import BaseModel

DATA = Path(__file__).parent / "data" / "real_responses"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "real-responses"


def _wire_names(model: BaseModel) -> dict[str, str]:
    """wire name -> attribute, for every declared field (aliases included)."""
    names = {}
    for attribute, info in type(model).model_fields.items():
        names[info.alias or attribute] = attribute
        choices = getattr(info.validation_alias, "choices", None) or []
        for choice in choices:
            names[str(choice)] = attribute
    return names


def assert_preserved(parsed: Any, wire: Any, where: str, counts: dict[str, int]) -> None:
    """Every leaf of `wire` is in `parsed`, exactly."""
    if isinstance(wire, dict):
        assert isinstance(parsed, BaseModel), where
        names = _wire_names(parsed)
        for key, value in wire.items():
            if key in names:
                assert_preserved(getattr(parsed, names[key]), value, f"{where}.{key}", counts)
            else:
                assert parsed.model_extra is not None and parsed.model_extra[key] == value, f"{where}.{key} dropped"
                counts["extra"] += 1
        return
    if isinstance(wire, list):
        assert isinstance(parsed, list) and len(parsed) == len(wire), where
        for index, (item, value) in enumerate(zip(parsed, wire, strict=True)):
            assert_preserved(item, value, f"{where}[{index}]", counts)
        return
    counts["leaves"] += 1
    if isinstance(parsed, Decimal):
        expected = Decimal(str(wire))
        assert parsed == expected and parsed.as_tuple() == expected.as_tuple(), f"{where}: {parsed!r} != {wire!r}"
    elif isinstance(parsed, Enum):
        assert parsed is type(parsed)(wire), f"{where}: {parsed!r} != {wire!r}"
    elif isinstance(parsed, bool) or parsed is None:
        if parsed is None:
            assert wire in ("", None), f"{where}: {wire!r} became None"
        else:
            assert parsed is wire, where
    elif isinstance(parsed, int):
        assert parsed == int(wire), f"{where}: {parsed!r} != {wire!r}"
    else:
        assert parsed == str(wire), f"{where}: {parsed!r} != {wire!r}"


CASES = [
    (
        "okx_get_api_v5_account_balance.json",
        lambda t: OkxClient(api_key="k", secret_key="s", passphrase="p", transport=t),
        lambda c: c.account.get_balance(),
    ),
    (
        "bitget_get_api_v3_account_assets.json",
        lambda t: BitgetClient(api_key="k", secret_key="s", passphrase="p", transport=t),
        lambda c: c.uta.get_account_assets(),
    ),
    (
        "htx_get_v5_account_balance.json",
        lambda t: HtxClient(api_key="k", secret_key="s", transport=t),
        lambda c: c.account.get_account_balance(),
    ),
]


@pytest.mark.parametrize(("name", "make", "call"), CASES)
def test_real_response_parses_with_every_value_preserved(name, make, call):
    raw = (DATA / name).read_bytes()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=raw))
    with make(transport) as client:
        result = call(client)
    data = json.loads(raw, parse_float=Decimal)["data"]
    counts = {"leaves": 0, "extra": 0}
    assert_preserved(result, data, "data", counts)
    assert counts["leaves"] > 20


def test_real_responses_fields_beyond_the_docs_are_typed_or_kept():
    raw = (DATA / "htx_get_v5_account_balance.json").read_bytes()
    with HtxClient(
        api_key="k", secret_key="s", transport=httpx.MockTransport(lambda r: httpx.Response(200, content=raw))
    ) as c:
        balance = c.account.get_account_balance()
    detail = balance.details[0]
    assert detail.isolated_equity == Decimal("0")  # declared in the spec (table: false)
    assert detail.available_margin == Decimal("158.499160998562004875")
    assert balance.created_time == 1770293268881  # a string on the wire, an int here


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside this clone")
def test_copies_match_the_shared_originals():
    for path in DATA.iterdir():
        assert path.read_bytes() == (SHARED / path.name).read_bytes(), path.name
