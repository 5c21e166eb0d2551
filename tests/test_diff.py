"""sdkgen diff: every rule of the catalogue, triggered alone by a minimal pair of spec trees;
no change for moved files and reordered keys; JSON output against its schema; git revisions;
exit codes; release notes and the suggested version."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.diff import RULES, diff_specs
from generator.diff.report import suggest_version
from generator.diff.rules import catalogue_markdown
from generator.loader import load_specs

ROOT = Path(__file__).resolve().parents[1]
BASE = Path(__file__).parent / "fixtures" / "diff" / "base"
THING = "acme/account/get_thing.yaml"
ORDER = "acme/trade/place_order.yaml"
ORDERS = "acme/trade/place_orders.yaml"
EXCHANGE = "acme/exchange.yaml"
CANDLES = "acme/market/get_candles.yaml"
TRADES = "acme/market/get_trades.yaml"


def edit(tree: Path, relative: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Load one spec file, change the data, write it back (reformatted, which is no change)."""
    path = tree / relative
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def param(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in data["parameters"] if p["name"] == name)


def field(shape: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in shape["fields"] if f["name"] == name)


def details(data: dict[str, Any]) -> dict[str, Any]:
    return field(data["response"], "details")["items"]


def algo(data: dict[str, Any]) -> dict[str, Any]:
    """The object shape of place_order's attachAlgoOrds items."""
    return param(data, "attachAlgoOrds")["items"]


def batch(data: dict[str, Any]) -> dict[str, Any]:
    """The object shape of place_orders' items (its body is a bare array)."""
    return param(data, "orders")["items"]


def add_file(tree: Path, relative: str, source: str, change: Callable[[dict[str, Any]], None]) -> None:
    shutil.copy(tree / source, tree / relative)
    edit(tree, relative, change)


MUTATIONS: dict[str, Callable[[Path], None]] = {
    "endpoint-added": lambda t: add_file(
        t, "acme/account/get_other.yaml", THING, lambda d: d.update(title="Get other", path="/api/v1/other")
    ),
    "endpoint-removed": lambda t: (t / ORDER).unlink(),
    "endpoint-path-changed": lambda t: edit(t, THING, lambda d: d.update(path="/api/v2/thing")),
    "endpoint-method-changed": lambda t: edit(t, ORDER, lambda d: d.update(method="PUT")),
    "endpoint-auth-changed": lambda t: edit(t, THING, lambda d: d.update(auth="public")),
    "endpoint-deprecated": lambda t: edit(t, THING, lambda d: d.update(deprecated=True)),
    "endpoint-idempotency-changed": lambda t: edit(t, ORDER, lambda d: d.update(idempotent=True)),
    "python-method-renamed": lambda t: edit(t, THING, lambda d: d.update(operation="fetch_thing")),
    "python-section-renamed": lambda t: edit(t, THING, lambda d: d.update(section="wallet")),
    "python-parameter-renamed": lambda t: edit(t, THING, lambda d: param(d, "ccy").update(python_name="currency")),
    "python-attribute-renamed": lambda t: edit(
        t, THING, lambda d: field(d["response"], "total").update(python_name="total_amount")
    ),
    "python-model-renamed": lambda t: edit(t, THING, lambda d: details(d).update(model="ThingRow")),
    "python-return-type-changed": lambda t: edit(t, THING, lambda d: d["response"].update(model="ThingInfo")),
    "request-parameter-added-required": lambda t: edit(
        t,
        THING,
        lambda d: d["parameters"].append(
            {"name": "limit", "in": "query", "type": "integer", "required": True, "description": "Limit"}
        ),
    ),
    "request-parameter-added-optional": lambda t: edit(
        t,
        THING,
        lambda d: d["parameters"].append(
            {"name": "limit", "in": "query", "type": "integer", "required": False, "description": "Limit"}
        ),
    ),
    "request-parameter-removed": lambda t: edit(t, THING, lambda d: d["parameters"].remove(param(d, "ccy"))),
    "request-parameter-became-required": lambda t: edit(t, THING, lambda d: param(d, "ccy").update(required=True)),
    "request-parameter-became-optional": lambda t: edit(t, THING, lambda d: param(d, "kind").update(required=False)),
    "request-parameter-type-changed": lambda t: edit(t, ORDER, lambda d: param(d, "sz").update(type="string")),
    "request-parameter-location-changed": lambda t: edit(
        t, ORDER, lambda d: param(d, "instId").update({"in": "query"})
    ),
    "request-parameter-enum-value-added": lambda t: edit(
        t, THING, lambda d: param(d, "kind")["enum"].append({"value": "c"})
    ),
    "request-parameter-enum-value-removed": lambda t: edit(t, THING, lambda d: param(d, "kind")["enum"].pop()),
    "request-parameter-list-changed": lambda t: edit(
        t, THING, lambda d: param(d, "ccy")["list"].update(style="repeat")
    ),
    "request-parameter-max-items-decreased": lambda t: edit(
        t, THING, lambda d: param(d, "ccy")["list"].update(max_items=10)
    ),
    "request-parameter-max-items-increased": lambda t: edit(
        t, THING, lambda d: param(d, "ccy")["list"].update(max_items=50)
    ),
    "request-body-shape-changed": lambda t: edit(t, ORDERS, lambda d: param(d, "orders").update(whole_body=False)),
    "request-member-added-required": lambda t: edit(
        t,
        ORDER,
        lambda d: algo(d)["fields"].append(
            {"name": "slTriggerPx", "type": "decimal", "required": True, "description": "Stop-loss trigger"}
        ),
    ),
    "request-member-added-optional": lambda t: edit(
        t,
        ORDER,
        lambda d: algo(d)["fields"].append({"name": "slTriggerPx", "type": "decimal", "description": "Stop-loss"}),
    ),
    "request-member-removed": lambda t: edit(t, ORDER, lambda d: algo(d)["fields"].pop()),
    "request-member-became-required": lambda t: edit(
        t, ORDER, lambda d: field(algo(d), "tpTriggerPx").update(required=True)
    ),
    "request-member-became-optional": lambda t: edit(
        t, ORDERS, lambda d: field(batch(d), "instId").update(required=False)
    ),
    "request-member-type-changed": lambda t: edit(
        t, ORDER, lambda d: field(algo(d), "tpTriggerPx").update(type="string")
    ),
    "request-member-enum-value-added": lambda t: edit(
        t, ORDER, lambda d: field(algo(d), "tpTriggerPxType")["enum"].append({"value": "index"})
    ),
    "request-member-enum-value-removed": lambda t: edit(
        t, ORDER, lambda d: field(algo(d), "tpTriggerPxType")["enum"].pop()
    ),
    "request-member-max-items-decreased": lambda t: edit(
        t, ORDERS, lambda d: field(batch(d), "tags").update(max_items=3)
    ),
    "request-member-max-items-increased": lambda t: edit(
        t, ORDERS, lambda d: field(batch(d), "tags").update(max_items=8)
    ),
    "request-rule-added": lambda t: edit(
        t, ORDER, lambda d: d.update(rules=[{"required": ["attachAlgoOrds"], "when": {"instId": ["BTC-USDT"]}}])
    ),
    "request-rule-removed": lambda t: edit(t, ORDERS, lambda d: batch(d).pop("rules")),
    "pagination-added": lambda t: edit(
        t,
        TRADES,
        lambda d: d.update(pagination={"style": "cursor", "parameter": "after", "item_field": "tradeId", "text": "-"}),
    ),
    "pagination-removed": lambda t: edit(t, CANDLES, lambda d: d.pop("pagination")),
    "pagination-changed": lambda t: edit(t, CANDLES, lambda d: d["pagination"]["size"].update(default=300)),
    "item-results-added": lambda t: edit(
        t,
        ORDER,
        lambda d: d.update(
            item_results={"code": "ordId", "message": "ordId", "success_codes": [""], "envelope_codes": ["0"]}
        ),
    ),
    "item-results-removed": lambda t: edit(t, ORDERS, lambda d: d.pop("item_results")),
    "item-results-changed": lambda t: edit(t, ORDERS, lambda d: d["item_results"]["envelope_codes"].append("1")),
    "response-positions-changed": lambda t: edit(t, CANDLES, lambda d: d["response"]["items"]["fields"].reverse()),
    "response-type-changed": lambda t: edit(t, ORDER, lambda d: d.update(response=d["response"]["items"])),
    "response-field-added": lambda t: edit(
        t, THING, lambda d: d["response"]["fields"].append({"name": "fee", "type": "decimal", "description": "Fee"})
    ),
    "response-field-removed": lambda t: edit(t, THING, lambda d: d["response"]["fields"].pop(0)),
    "response-field-type-changed": lambda t: edit(
        t, THING, lambda d: field(d["response"], "total").update(type="string")
    ),
    "response-field-became-nullable": lambda t: edit(
        t, THING, lambda d: field(d["response"], "total").update(nullable=True)
    ),
    "response-field-enum-value-added": lambda t: edit(
        t, THING, lambda d: field(d["response"], "state")["enum"].append({"value": "paused"})
    ),
    "response-field-enum-value-removed": lambda t: edit(
        t, THING, lambda d: field(d["response"], "state")["enum"].pop()
    ),
    "response-field-alias-added": lambda t: edit(
        t, THING, lambda d: field(d["response"], "total").update(aliases=["ttl"])
    ),
    "response-field-alias-removed": lambda t: edit(t, THING, lambda d: field(details(d), "amount").pop("aliases")),
    "envelope-changed": lambda t: edit(t, EXCHANGE, lambda d: d["envelope"].update(message="message")),
    "success-codes-changed": lambda t: edit(t, EXCHANGE, lambda d: d["envelope"].update(success_codes=["0", "00"])),
    "auth-scheme-changed": lambda t: edit(t, EXCHANGE, lambda d: d["auth"].update(scheme="bitget-hmac-sha256")),
    "credentials-changed": lambda t: edit(t, EXCHANGE, lambda d: d["auth"]["credentials"][0].update(env="ACME_KEY")),
    "permission-raised": lambda t: edit(t, THING, lambda d: d["permission"].update(level="trade")),
    "permission-lowered": lambda t: edit(t, ORDER, lambda d: d["permission"].update(level="read")),
    "rate-limit-lowered": lambda t: edit(t, THING, lambda d: d["rate_limit"].update(count=5)),
    "rate-limit-raised": lambda t: edit(t, ORDER, lambda d: d["rate_limit"].update(window_seconds=1)),
    "family-added": lambda t: edit(
        t,
        EXCHANGE,
        lambda d: d["families"].update(
            margin={
                "description": "Margin",
                "hosts": {"production": "https://margin.acme.invalid"},
                "envelope": d["envelope"],
                "errors": [],
            }
        ),
    ),
    "family-removed": lambda t: edit(t, EXCHANGE, lambda d: d["families"].pop("earn")),
    "endpoint-family-changed": lambda t: edit(t, TRADES, lambda d: d.update(family="earn")),
    "endpoint-data-member-changed": lambda t: edit(t, CANDLES, lambda d: d.update(data_member="tick")),
    "rate-limit-scope-changed": lambda t: edit(t, CANDLES, lambda d: d["rate_limit"].update(scope="api_key")),
    "rate-limit-weight-changed": lambda t: edit(t, ORDERS, lambda d: d["rate_limit"].update(per_item="orders")),
    "rate-limit-bucket-added": lambda t: edit(t, ORDER, lambda d: d["rate_limit"].update(buckets=["shared"])),
    "rate-limit-bucket-removed": lambda t: edit(t, THING, lambda d: d["rate_limit"].pop("buckets")),
    "host-changed": lambda t: edit(t, EXCHANGE, lambda d: d["hosts"].update(production="https://api2.acme.invalid")),
    "alternate-host-added": lambda t: edit(
        t, EXCHANGE, lambda d: d["hosts"]["alternates"].append({"url": "https://eu.acme.invalid", "description": "EU"})
    ),
    "alternate-host-removed": lambda t: edit(t, EXCHANGE, lambda d: d["hosts"].pop("alternates")),
    "demo-changed": lambda t: edit(t, EXCHANGE, lambda d: d["demo"].update(headers={"x-paper": "1"})),
    "server-time-changed": lambda t: edit(t, EXCHANGE, lambda d: d["server_time"].update(path="/api/v2/time")),
    "request-id-headers-changed": lambda t: edit(
        t, EXCHANGE, lambda d: d.update(request_id={"headers": ["X-Request-Id"], "source": "A test."})
    ),
    "error-code-added": lambda t: edit(
        t, EXCHANGE, lambda d: d["errors"].append({"code": "50001", "kind": "server", "message": "Busy."})
    ),
    "error-code-removed": lambda t: edit(t, EXCHANGE, lambda d: d["errors"].pop()),
    "error-code-kind-changed": lambda t: edit(t, EXCHANGE, lambda d: d["errors"][0].update(kind="server")),
    "exchange-added": lambda t: (
        shutil.copytree(t / "beta", t / "gamma"),
        edit(t, "gamma/exchange.yaml", lambda d: d.update(id="gamma")),
    ),
    "exchange-removed": lambda t: shutil.rmtree(t / "beta"),
    "documentation-changed": lambda t: edit(t, THING, lambda d: d.update(description="Get the thing, now documented.")),
}


def _tree(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(BASE, target)
    return target


def test_every_rule_has_a_minimal_pair():
    assert sorted(MUTATIONS) == sorted(RULES)


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_each_rule_is_triggered_alone_by_its_pair(tmp_path, rule):
    new = _tree(tmp_path, "new")
    MUTATIONS[rule](new)
    changes = diff_specs(load_specs(BASE), load_specs(new))
    assert [c.rule for c in changes] == [rule], [c.message for c in changes]
    assert changes[0].level == RULES[rule].level
    assert changes[0].message


def test_moved_files_reordered_keys_and_reformatting_are_not_changes(tmp_path):
    new = _tree(tmp_path, "new")
    (new / "acme" / "misc").mkdir()
    shutil.move(new / THING, new / "acme" / "misc" / "thing.yml")
    for path in new.rglob("*.y*ml"):
        data = yaml.safe_load(path.read_text())
        path.write_text("# reformatted\n" + yaml.safe_dump(data, sort_keys=True, default_flow_style=True, width=60))
    assert diff_specs(load_specs(BASE), load_specs(new)) == []


def test_seed_specs_against_themselves():
    result = CliRunner().invoke(main, ["diff", str(ROOT / "specs"), str(ROOT / "specs"), "--fail-on", "non-breaking"])
    assert result.exit_code == 0
    assert "no changes" in result.output


def test_an_array_arguments_own_limit_is_a_parameter_change(tmp_path):
    new = _tree(tmp_path, "new")
    edit(new, ORDERS, lambda d: param(d, "orders").update(max_items=10))
    (change,) = diff_specs(load_specs(BASE), load_specs(new))
    assert (change.rule, change.where) == ("request-parameter-max-items-decreased", "parameters.orders.max_items")
    assert change.message == "argument orders takes at most 10 items, was 20"


def test_changes_nested_at_any_depth_are_found(tmp_path):
    new = _tree(tmp_path, "new")
    edit(new, THING, lambda d: field(details(d), "ccy").update(type="integer"))
    (change,) = diff_specs(load_specs(BASE), load_specs(new))
    assert (change.rule, change.where) == ("response-field-type-changed", "response.data.details[].ccy")
    assert change.location.file.endswith("get_thing.yaml") and change.location.line > 0


# --- output formats and exit codes -----------------------------------------------------------------


def _readme_pair(tmp_path: Path) -> Path:
    """The README's example: a seed spec with a response field removed and a parameter made required."""
    new = tmp_path / "specs-new"
    shutil.copytree(ROOT / "specs", new)
    path = new / "okx" / "account" / "get_balance.yaml"
    text = path.read_text()
    start = text.index("      - name: isoEq\n")
    end = text.index("      - name: adjEq\n")
    text = text[:start] + text[end:]
    path.write_text(
        text.replace("    required: false\n    list: {style: comma", "    required: true\n    list: {style: comma")
    )
    return new


def test_readme_example_fails_on_breaking(tmp_path):
    new = _readme_pair(tmp_path)
    result = CliRunner().invoke(main, ["diff", str(ROOT / "specs"), str(new), "--fail-on", "breaking"])
    assert result.exit_code == 1
    assert "2 changes: 2 breaking" in result.output
    assert "request-parameter-became-required: argument ccy is now required" in result.output
    assert "response-field-removed: field response.data[].isoEq (iso_eq) removed" in result.output
    readme = (ROOT / "README.md").read_text()
    assert "request-parameter-became-required: argument ccy is now required" in readme


def test_json_output_follows_its_schema(tmp_path):
    new = _tree(tmp_path, "new")
    for rule in ("endpoint-removed", "response-field-added", "rate-limit-lowered", "error-code-added"):
        MUTATIONS[rule](new)
    result = CliRunner().invoke(main, ["diff", str(BASE), str(new), "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.output)
    schema = json.loads((ROOT / "generator" / "diff" / "diff-output.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["summary"] == {"total": 4, "breaking": 2, "potentially-breaking": 0, "non-breaking": 2}
    assert {c["rule"] for c in document["changes"][:2]} == {"endpoint-removed", "rate-limit-lowered"}  # breaking first


@pytest.mark.parametrize(
    ("rules", "fail_on", "code"),
    [
        (["response-field-added"], "breaking", 0),
        (["response-field-added"], "non-breaking", 1),
        (["response-field-enum-value-added"], "potentially-breaking", 1),
        (["response-field-enum-value-added"], "breaking", 0),
        (["endpoint-removed"], "breaking", 1),
    ],
)
def test_fail_on_levels(tmp_path, rules, fail_on, code):
    new = _tree(tmp_path, "new")
    for rule in rules:
        MUTATIONS[rule](new)
    assert CliRunner().invoke(main, ["diff", str(BASE), str(new), "--fail-on", fail_on]).exit_code == code


def test_text_and_markdown_group_by_exchange_and_endpoint_breaking_first(tmp_path):
    new = _tree(tmp_path, "new")
    for rule in ("documentation-changed", "request-parameter-removed", "error-code-added"):
        MUTATIONS[rule](new)
    text = CliRunner().invoke(main, ["diff", str(BASE), str(new)]).output
    lines = text.splitlines()
    assert lines[2] == "acme"
    assert lines[3] == "  GET /api/v1/thing (acme.account.get_thing)"
    assert "breaking" in lines[4] and "request-parameter-removed" in lines[4]
    assert text.index("documentation-changed") > text.index("request-parameter-removed")
    markdown = CliRunner().invoke(main, ["diff", str(BASE), str(new), "--format", "markdown"]).output
    assert "#### acme" in markdown and "| **breaking** | `request-parameter-removed` |" in markdown


def test_usage_and_spec_errors_exit_2(tmp_path):
    assert CliRunner().invoke(main, ["diff", str(BASE)]).exit_code == 2
    assert CliRunner().invoke(main, ["diff", "no-such-dir-or-rev", str(BASE)]).exit_code == 2
    broken = _tree(tmp_path, "broken")
    (broken / THING).write_text("title: [\n")
    result = CliRunner().invoke(main, ["diff", str(BASE), str(broken)])
    assert result.exit_code == 2 and "get_thing.yaml:" in result.output


def test_catalogue_page_is_current():
    assert (ROOT / "docs" / "diff-rules.md").read_text() == catalogue_markdown()
    result = CliRunner().invoke(main, ["diff", "--list-rules"])
    assert result.output == catalogue_markdown()
    assert all(f"`{rule}`" in result.output for rule in RULES)


# --- git revisions ----------------------------------------------------------------------------------


def _git(repo: Path, *arguments: str) -> None:
    subprocess.run(["git", "-C", str(repo), *arguments], check=True, capture_output=True)


def test_git_revisions_of_a_temporary_repository(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    shutil.copytree(BASE, repo / "specs")
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "add", "-A")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "base")
    MUTATIONS["endpoint-removed"](repo / "specs")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["diff", "--base", "HEAD", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["old"] == "HEAD:specs" and document["new"] == "specs"
    (change,) = document["changes"]
    assert change["rule"] == "endpoint-removed"
    assert change["location"].startswith("HEAD:specs/acme/trade/place_order.yaml:")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qam", "remove order")
    result = CliRunner().invoke(main, ["diff", "HEAD~1", "HEAD", "--fail-on", "breaking"])
    assert result.exit_code == 1 and "endpoint-removed" in result.output
    assert CliRunner().invoke(main, ["diff", "HEAD", "specs"]).output.endswith("no changes\n")


# --- changelog --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "current", "expected"),
    [
        (["endpoint-removed", "response-field-added"], "0.1.0", "0.2.0"),
        (["endpoint-added"], "0.1.0", "0.2.0"),  # a new feature: minor, also before 1.0
        (["request-parameter-added-optional"], "0.1.0", "0.2.0"),
        (["documentation-changed"], "0.1.0", "0.1.1"),
        (["endpoint-removed"], "1.4.2", "2.0.0"),
        (["response-field-enum-value-added"], "1.4.2", "1.5.0"),
        (["documentation-changed"], "1.4.2", "1.4.3"),
    ],
)
def test_suggested_version(tmp_path, rules, current, expected):
    new = _tree(tmp_path, "new")
    for rule in rules:
        MUTATIONS[rule](new)
    changes = diff_specs(load_specs(BASE), load_specs(new))
    assert suggest_version(changes, current)[0] == expected


def test_changelog_section(tmp_path):
    new = _tree(tmp_path, "new")
    for rule in ("endpoint-removed", "endpoint-added", "documentation-changed"):
        MUTATIONS[rule](new)
    result = CliRunner().invoke(main, ["diff", str(BASE), str(new), "--changelog", "--current-version", "0.1.0"])
    text = result.output
    assert text.startswith("## exchange-sdk 0.2.0\n\n_suggested bump from 0.1.0: breaking changes_")
    assert text.index("### Breaking changes") < text.index("### Added") < text.index("### Documentation")
    assert (
        "- acme: `client.trade.place_order()`: endpoint POST /api/v1/order and client.trade.place_order() removed"
        in text
    )


def test_changes_inside_an_api_family_are_found_under_its_name(tmp_path):
    new = _tree(tmp_path, "new")

    def change(data: dict[str, Any]) -> None:
        spot = data["families"]["spot"]
        spot["hosts"]["production"] = "https://spot2.acme.invalid"
        spot["envelope"]["error_code"] = "code"
        spot["errors"][0]["kind"] = "not_found"

    edit(new, EXCHANGE, change)
    changes = diff_specs(load_specs(BASE), load_specs(new))
    assert sorted((c.rule, c.where) for c in changes) == [
        ("envelope-changed", "families.spot.envelope"),
        ("error-code-kind-changed", "families.spot.errors.bad-symbol"),
        ("host-changed", "families.spot.hosts.production"),
    ]
