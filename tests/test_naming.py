"""generator/naming.py: every name the generator makes, from the documentation's names."""

from __future__ import annotations

import ast
from pathlib import Path

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
    [
        ("type", "type_"),
        ("1h", "field_1_h"),
        ("model_config", "model_config_"),
        ("!!", None),
        ("availBal", "avail_bal"),
    ],
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


def test_enum_classes_never_shadow_what_the_generated_modules_import():
    assert naming.enum_class_name("limit", "GetMergeDepth", lambda name: False) == "GetMergeDepthLimit"
    generated = Path(__file__).resolve().parents[1] / "generated" / "exchange_sdk"
    imported = set()
    exchanges = [folder for folder in generated.iterdir() if folder.is_dir() and not folder.name.startswith("_")]
    for module in [path for folder in exchanges for path in [*folder.glob("*.py"), *folder.glob("models/*.py")]]:
        for node in ast.walk(ast.parse(module.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and not node.module.startswith(("exchange_sdk.okx", "exchange_sdk.bitget", "exchange_sdk.htx"))
            ):
                imported |= {alias.asname or alias.name for alias in node.names}
    assert imported <= naming.IMPORTED_NAMES | {
        "httpx",
        "cached_property",
        "DEFAULT_TIMEOUT",
        "RateLimitMode",
        "RateLimiter",
        "RetryPolicy",
        "CredentialInfo",
        "Envelope",
        "ErrorInfo",
        "ExchangeProfile",
        "Family",
        "ServerTime",
        "importlib",
    }, imported - naming.IMPORTED_NAMES
