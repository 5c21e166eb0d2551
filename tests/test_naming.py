"""generator/naming.py: every name the generator makes, from the documentation's names."""

from __future__ import annotations

import pytest

from generator import naming


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("unionTotalMargin", "union_total_margin"),
        ("unrealizedPL", "unrealized_pl"),
        ("USDT-FUTURES", "usdt_futures"),
        ("Get Subaccount Assets", "get_subaccount_assets"),
        ("uTime", "u_time"),
    ],
)
def test_snake_case(text, expected):
    assert naming.snake_case(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("type", "type_"), ("1h", "field_1_h"), ("model_config", "model_config_"), ("!!", None), ("availBal", "avail_bal")],
)
def test_python_identifiers_avoid_keywords_builtins_pydantic_and_digits(text, expected):
    assert naming.python_identifier(text) == expected


def test_parameters_avoid_the_per_call_options():
    assert naming.parameter_name("timeout") == "timeout_"
    assert naming.parameter_name("instId") == "inst_id"


def test_class_names():
    assert naming.class_prefix("okx") == "Okx"
    assert naming.client_classes("Okx") == ("OkxClient", "AsyncOkxClient")
    assert naming.section_classes("account") == (
        "AccountSection",
        "AsyncAccountSection",
        "AccountSectionWithRawResponse",
        "AsyncAccountSectionWithRawResponse",
    )
    assert naming.response_model_name("get_account_list") == "AccountList"
    assert naming.response_model_name("get") == "Get"
    assert naming.response_model_name("place_order") == "PlaceOrder"
    assert naming.nested_model_name("AccountBalance", "details") == "AccountBalanceDetails"
    assert naming.enum_member_name("USDT-FUTURES") == "USDT_FUTURES"
    assert naming.enum_member_name(1) == "VALUE_1"


def test_enum_classes_step_aside_for_names_already_taken():
    taken: set[str] = set()
    names = []
    for owner in ("Account", "Account", "Account", "Account"):
        name = naming.enum_class_name("asset_mode", owner, taken.__contains__)
        taken.add(name)
        names.append(name)
    assert names == ["AssetMode", "AccountAssetMode", "AccountAssetModeEnum", "AccountAssetModeEnum2"]
