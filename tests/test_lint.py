"""Lint finds each kind of contradiction on small fixtures, and the seed contradictions as acknowledged."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.lint import RULES, lint
from generator.loader import load_specs

FIXTURES = Path(__file__).parent / "fixtures" / "lint"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def findings():
    by_operation: dict[str, set[tuple[str, str, str]]] = {}
    for finding in lint(load_specs(FIXTURES)):
        name = finding.operation.split(".")[-1]
        by_operation.setdefault(name, set()).add((finding.rule, finding.severity, finding.path))
    return by_operation


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        ("undocumented", {("example-undocumented-field", "warning", "data.c")}),
        ("missing", {("example-missing-field", "warning", "data.b")}),
        (
            "type_mismatch",
            {
                ("example-type-mismatch", "warning", "data[].userId"),
                ("example-type-mismatch", "warning", "data[].assetList"),
            },
        ),
        ("enum_value", {("example-enum-value", "warning", "data.state")}),
        ("flattened", {("flattened-table", "warning", "data.details")}),
        ("renamed", {("example-field-renamed", "warning", "data.unionTotalMargin")}),
        (
            "invalid_value",
            {
                ("example-invalid-value", "warning", "data.margin"),
                ("example-invalid-value", "warning", "data.updated"),
            },
        ),
        ("invalid_json", {("example-invalid-json", "warning", "")}),
        (
            "acknowledged",
            {
                ("example-type-mismatch", "acknowledged", "data.userId"),
                ("stale-acknowledgement", "warning", "coin"),
            },
        ),
    ],
)
def test_each_kind_of_contradiction(findings, operation, expected):
    assert findings[operation] == expected


def test_findings_point_at_the_field_in_the_spec():
    (finding,) = [f for f in lint(load_specs(FIXTURES)) if f.operation.endswith(".missing")]
    lines = (FIXTURES / "acme" / "missing.yaml").read_text().splitlines()
    assert "name: b" in lines[finding.location.line - 1]


SEED_CONTRADICTIONS = {
    # (operation, rule, path) — every real contradiction of the seed pages, acknowledged
    ("get_account_list", "example-field-renamed", "data[].unionTotalMargin"),
    ("get_account_list", "example-invalid-value", "data[].unionTotalMagin"),
    ("get_subaccount_assets", "example-type-mismatch", "data[].userId"),
    ("get_subaccount_assets", "example-type-mismatch", "data[].assetList"),
    ("get_subaccount_assets", "example-field-renamed", "data[].assetList[].equity"),
    ("get_account_balance", "example-enum-value", "data.state"),
    ("get_account_balance", "example-type-mismatch", "data.created_time"),
    ("get_account_balance", "example-type-mismatch", "data.updated_time"),
    ("get_account_balance", "example-type-mismatch", "data.details[].created_time"),
    ("get_account_balance", "example-type-mismatch", "data.details[].updated_time"),
    ("get_account_balance", "flattened-table", "data.details"),
    ("get_account_balance", "example-invalid-json", ""),
    ("get_balance", "example-invalid-json", ""),
    ("get_balance", "example-undocumented-field", "data[].details[].smtSyncEq"),
    ("get_balance", "example-undocumented-field", "data[].details[].spotCopyTradingEq"),
    ("get_balance", "example-undocumented-field", "data[].details[].rewardBal"),
    ("get_balance", "example-undocumented-field", "data[].details[].clSpotInUseAmt"),
    ("get_balance", "example-undocumented-field", "data[].details[].maxSpotInUse"),
    # the trading and market pages
    ("get_bills", "enum-value-listed-twice", "subType"),  # 280 and 281 twice alike, 381 with two meanings
    ("get_account_balance", "flattened-table", "data.list"),  # HTX spot: LIST_START/LIST_END rows, `list` unnamed
}


# The endpoints whose pages SEED_CONTRADICTIONS lists in full (the other specs' pages are held to
# "every finding acknowledged, none unconfirmed" only).
LISTED = {
    "bitget.contract.get_account_list",
    "bitget.contract.get_subaccount_assets",
    "bitget.uta.get_account_assets",
    "htx.account.get_account_balance",
    "htx.spot.get_account_balance",
    "okx.account.get_balance",
    "okx.account.get_bills",
    "okx.market.get_candlesticks",
    "okx.trade.place_order",
    "okx.trade.place_multiple_orders",
    "bitget.contract.place_order",
}


def test_seed_specs_acknowledge_every_contradiction_of_the_pages():
    findings = lint(load_specs(ROOT / "specs"))
    assert all(f.severity == "acknowledged" and f.note for f in findings), [f for f in findings if not f.note]
    assert not [f for f in findings if f.note.startswith("TODO")]
    listed = {(f.operation.split(".")[-1], f.rule, f.path) for f in findings if f.operation in LISTED}
    assert listed == SEED_CONTRADICTIONS


def test_an_unacknowledged_seed_contradiction_is_a_warning(spec_copy):
    path = spec_copy / "bitget/contract/get_subaccount_assets.yaml"
    text = path.read_text()
    start = text.index("        acknowledged:\n          example-type-mismatch: >-\n            The table types userId")
    end = text.index("      - name: assetList")
    path.write_text(text[:start] + text[end:])
    warnings = [f for f in lint(load_specs(spec_copy)) if f.severity == "warning"]
    assert [(f.rule, f.path) for f in warnings] == [("example-type-mismatch", "data[].userId")]
    assert warnings[0].location.file.endswith("get_subaccount_assets.yaml")


def test_every_rule_is_documented():
    used = {rule for rule in RULES}
    assert {"example-undocumented-field", "flattened-table", "stale-acknowledgement"} <= used
    assert all(RULES.values())


def test_request_example_queries_are_linted_against_the_table_and_acknowledgeable(spec_copy):
    bills = spec_copy / "okx/account/get_bills.yaml"
    text = bills.read_text().replace(
        "GET /api/v5/account/bills?instType=MARGIN", "GET /api/v5/account/bills?instType=MARGN&limit=abc&foo=1"
    )
    bills.write_text(text)
    found = {(f.rule, f.path): f for f in lint(load_specs(spec_copy)) if f.operation == "okx.account.get_bills"}
    warnings = sorted(key for key, f in found.items() if f.severity == "warning")
    assert warnings == [
        ("example-enum-value", "query.instType"),
        ("example-invalid-value", "query.limit"),
        ("example-undocumented-field", "query.foo"),
    ]
    assert (
        "'MARGN' is not one of the documented values (SPOT, MARGIN"
        in found["example-enum-value", "query.instType"].message
    )
    assert (
        found["example-enum-value", "query.instType"].location.line
        == text[: text.index("  - name: instType")].count("\n") + 1
    )
    # acknowledged on the parameter, and (for a name the table lacks) on the example itself
    text = text.replace(
        "    description: Instrument type\n",
        "    description: Instrument type\n    acknowledged: {example-enum-value: The page's example misspells MARGIN.}\n",
    ).replace(
        "    - text: |\n        GET /api/v5/account/bills?instType=MARGN&limit=abc&foo=1\n",
        "    - text: |\n        GET /api/v5/account/bills?instType=MARGN&limit=abc&foo=1\n"
        "      acknowledged: {example-undocumented-field: foo is not a parameter.}\n",
    )
    bills.write_text(text)
    found = {(f.rule, f.path): f for f in lint(load_specs(spec_copy)) if f.operation == "okx.account.get_bills"}
    assert found["example-enum-value", "query.instType"].severity == "acknowledged"
    assert found["example-undocumented-field", "query.foo"].severity == "acknowledged"
    assert found["example-invalid-value", "query.limit"].severity == "warning"
    # an acknowledgement that no example shows any more is stale
    bills.write_text(text.replace("instType=MARGN", "instType=MARGIN"))
    stale = [f for f in lint(load_specs(spec_copy)) if f.rule == "stale-acknowledgement"]
    assert [f.message for f in stale] == [
        "'instType' acknowledges example-enum-value, but no request example shows that disagreement"
    ]


def test_a_success_example_without_the_data_member_is_a_finding(spec_copy):
    """HTX market data is read from `tick`: a data_member that the page's example does not have is
    reported, and acknowledging it on the example makes it acknowledged."""
    path = spec_copy / "htx/spot/get_order_book.yaml"
    path.write_text(path.read_text().replace("data_member: tick\n", "data_member: book\n"))
    (finding,) = [f for f in lint(load_specs(spec_copy)) if f.rule == "example-missing-data"]
    assert finding.severity == "warning" and finding.operation == "htx.spot.get_order_book"
    assert "has no 'book', where the SDK reads the data (members: ch, status, ts, tick)" in finding.message
    text = path.read_text().replace(
        "  responses:\n    - title: Success Example\n",
        "  responses:\n    - title: Success Example\n      acknowledged:\n        example-missing-data: Read from book.\n",
    )
    path.write_text(text)
    (finding,) = [f for f in lint(load_specs(spec_copy)) if f.rule == "example-missing-data"]
    assert finding.severity == "acknowledged"
