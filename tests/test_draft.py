"""sdkgen draft on the seed pages: each draft loads and says every fact of the hand-written spec
(the README's table); the page's contradictions come as TODO acknowledgements that keep
`sdkgen lint --strict` failing; bad pages, existing specs and HTML pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from generator.cli import main
from generator.draft import DraftError, draft_page
from generator.draft.agreement import compare, markdown_table
from generator.lint import lint
from generator.loader import load_specs

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "data" / "seeds"  # copies of ../shared/seeds
# seed page -> (exchange, section, the hand-written spec it was written from)
PAGES = {
    "000_e8b75bd860053536.txt": ("bitget", "uta", "bitget/uta/get_account_assets.yaml"),
    "001_11dad3954905bed8.txt": ("bitget", None, "bitget/contract/get_subaccount_assets.yaml"),
    "002_d54ec27364cb67cd.txt": ("bitget", None, "bitget/contract/get_account_list.yaml"),
    "003_52808cd809447232.txt": ("okx", "account", "okx/account/get_balance.yaml"),
    "004_47ca13b37faaab80.txt": ("htx", None, "htx/account/get_account_balance.yaml"),
}


def _operation(specs: Path, relative: str):
    return next(op for op in load_specs(specs).operations if op.spec_path == relative)


def _drafted(tmp_path: Path, page: Path, exchange: str, section: str | None, replaces: str | None = None):
    """The draft of a page, loaded from a specs tree where it replaces its spec (`replaces`, when
    the draft's file name, from the page's title, is not the spec's)."""
    tree = tmp_path / "drafted"
    if not tree.exists():
        shutil.copytree(ROOT / "specs", tree)
    if replaces is not None:
        (tree / replaces).unlink()
    draft = draft_page(page, ROOT / "specs", exchange, section)
    target = tree / draft.spec_path.relative_to(ROOT / "specs")
    target.write_text(draft.text)
    return draft, _operation(tree, str(draft.spec_path.relative_to(ROOT / "specs")))


def test_every_seed_page_drafts_every_fact_of_its_spec_and_the_readme_says_so(tmp_path):
    rows = []
    for name, (exchange, section, relative) in PAGES.items():
        draft, drafted = _drafted(tmp_path, SEEDS / name, exchange, section)
        assert str(draft.spec_path.relative_to(ROOT / "specs")) == relative  # section and name as the spec's
        result = compare(_operation(ROOT / "specs", relative), drafted)
        assert result.complete, (name, result.missing)
        rows.append((name, result))
    table = markdown_table(rows)
    assert table in (ROOT / "README.md").read_text(), table
    assert "| 003_52808cd809447232.txt | 63/63 | 63/63 | 23/23 | 1/1 | 4/4 | 1/1 | 3/3 |" in table


def test_a_draft_is_deterministic_and_its_contradictions_are_todo_acknowledgements(tmp_path):
    page = SEEDS / "004_47ca13b37faaab80.txt"
    first = draft_page(page, ROOT / "specs", "htx")
    assert draft_page(page, ROOT / "specs", "htx").text == first.text
    assert first.text.startswith("# yaml-language-server: $schema=../../_schema/endpoint.schema.json\n")
    drafted = {(f.rule, f.path) for f in first.findings}
    acknowledged = {
        (f.rule, f.path) for f in lint(load_specs(ROOT / "specs")) if f.operation == "htx.account.get_account_balance"
    }
    assert acknowledged <= drafted  # every contradiction the maintainer acknowledged, the drafter found
    assert first.text.count("TODO: confirm against the page") == len(first.findings)


def test_drafted_specs_fail_strict_lint_until_each_todo_is_confirmed(tmp_path):
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    runner = CliRunner()
    result = runner.invoke(main, ["draft", str(SEEDS / "001_11dad3954905bed8.txt"), "--specs", str(specs), "--force"])
    assert result.exit_code == 0, result.output
    assert "wrote " in result.output and "contradictions to confirm (TODO)" in result.output
    strict = runner.invoke(main, ["lint", str(specs), "--strict"])
    assert strict.exit_code == 1
    assert "warning [unconfirmed-acknowledgement]" in strict.output
    spec = specs / "bitget/contract/get_subaccount_assets.yaml"
    confirmed = spec.read_text().replace(
        "TODO: confirm against the page, then say what is true and what the SDK does.", "Read."
    )
    confirmed = confirmed.replace("TODO: the page states no permission", "The page states no permission")
    spec.write_text(confirmed)
    assert runner.invoke(main, ["lint", str(specs), "--strict"]).exit_code == 0


def test_an_existing_spec_is_kept_without_force_and_diff_shows_the_changes(tmp_path):
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    before = (specs / "okx/account/get_balance.yaml").read_text()
    runner = CliRunner()
    page = str(SEEDS / "003_52808cd809447232.txt")
    kept = runner.invoke(main, ["draft", page, "--exchange", "okx", "--section", "account", "--specs", str(specs)])
    assert kept.exit_code == 2 and "exists; --force replaces it" in kept.output
    shown = runner.invoke(
        main, ["draft", page, "--exchange", "okx", "--section", "account", "--specs", str(specs), "--diff"]
    )
    assert shown.exit_code == 0 and shown.output.startswith("--- ") and "TODO: confirm" in shown.output
    assert (specs / "okx/account/get_balance.yaml").read_text() == before  # neither wrote anything


def test_a_page_that_is_not_a_documentation_page_writes_nothing(tmp_path):
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    readme = tmp_path / "notes.md"
    readme.write_text("# Release notes\n\nSome text, no request line, no tables.\n")
    seed = SEEDS / "000_e8b75bd860053536.txt"
    result = CliRunner().invoke(
        main, ["draft", str(seed), str(readme), "--exchange", "bitget", "--specs", str(specs), "--force"]
    )
    assert result.exit_code == 2
    assert f"{readme}: no HTTP request line" in result.output and "nothing written" in result.output
    assert sorted(p.relative_to(specs) for p in specs.rglob("*.yaml")) == sorted(
        p.relative_to(ROOT / "specs") for p in (ROOT / "specs").rglob("*.yaml")
    )
    with pytest.raises(DraftError, match="pass --exchange"):
        draft_page(readme, ROOT / "specs")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_an_html_page_drafts_the_same_facts_as_its_markdown(tmp_path, name):
    exchange, section, relative = PAGES[name]
    markdown = (SEEDS / name).read_text()
    front = markdown.split("---\n", 2)[1] if markdown.startswith("---\n") else ""
    html = tmp_path / "page.html"
    body = (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .render(markdown.split("---\n", 2)[2] if front else markdown)
    )
    html.write_text(f"<html><body>{body}</body></html>")
    from_markdown = _drafted(tmp_path / "md", SEEDS / name, exchange, section)[1]
    from_html = _drafted(tmp_path / "html", html, exchange, section or relative.split("/")[1])[1]
    result = compare(from_markdown, from_html)
    assert {
        kind: result.cell(kind) for kind in ("fields", "types", "units", "parameters", "enum values", "rate limit")
    } == {
        kind: f"{result.total[kind]}/{result.total[kind]}"
        for kind in ("fields", "types", "units", "parameters", "enum values", "rate limit")
    }, result.missing


def test_tables_broken_by_page_copies_are_read_as_their_pages_show_them():
    from generator.draft.page import Table, read_markdown

    text = "\n".join(
        [
            "**Parameter** | **Type** | **Description**  ",
            "---|---|---  ",
            "code | String | The result code  ",
            "data | Array of objects | The results  ",
            "> ts | String | Unix timestamp in milliseconds  ",
            "If it is a contract, in contracts.  ",
            "",
            "| Parameter | Type | Required | Description |",
            "|---|---|---|---|",
            "| productType | String | Yes | Product type |",
            "",
            "`USDT-FUTURES` USDT-M Futures  ",
            "`COIN-FUTURES` Coin-M Futures |",
        ]
    )
    tables = [b for b in read_markdown(text).blocks if isinstance(b, Table)]
    rows = [row for table in tables for row in table.rows]
    assert rows[2] == ("> ts", "String", "Unix timestamp in milliseconds\nIf it is a contract, in contracts.")
    assert [r[0] for r in rows] == ["code", "data", "> ts", "productType"]  # continuation lines are no rows
    assert rows[3][3] == "Product type\nUSDT-FUTURES USDT-M Futures\nCOIN-FUTURES Coin-M Futures"  # code marks dropped


def test_a_page_of_another_api_family_drafts_into_that_family(tmp_path):
    page = tmp_path / "get_order.md"
    page.write_text(
        "\n".join(
            [
                "# Get the Order Detail of an Order",
                "",
                "Rate Limit: 50times/2s",
                "",
                "Interface permission: Read",
                "",
                "```",
                "GET /v1/order/orders/{order-id}",
                "```",
                "",
                "#### Request Address",
                "",
                "| Environment | Address |",
                "| --- | --- |",
                "| Online | https://api.huobi.pro |",
                "",
                "#### Request Parameter",
                "",
                "| Parameter | Data Type | Required | Description |",
                "| --- | --- | --- | --- |",
                "| order-id | string | false | order id in the path |",
                "",
                "#### Response Parameter",
                "",
                "| Parameter | Data Type | Required | Description |",
                "| --- | --- | --- | --- |",
                "| id | long | false | order id |",
                "| amount | string | false | order amount |",
                "",
                "```json",
                '{"status": "ok", "data": {"id": 59378, "amount": "10.1"}}',
                "```",
            ]
        )
    )
    draft = draft_page(page, ROOT / "specs", "htx", "spot")
    assert "family: spot\n" in draft.text  # the example's envelope is the spot family's (status, data)
    assert "  - name: order-id\n    in: path\n    type: string\n    required: true\n" in draft.text
    assert "count: 50\n" in draft.text and "window_seconds: 2\n" in draft.text


REAL_PAGES = ROOT / "tests" / "data" / "pages"  # copies of real pages, each naming its source
# real page -> the reviewed spec written from its draft
MARKET_PAGES = {
    "htx/get_order_book.md": "htx/spot/get_order_book.yaml",
    "htx/get_ticker.md": "htx/spot/get_ticker.yaml",
    "htx/get_last_trade.md": "htx/spot/get_last_trade.yaml",
    "htx/get_market_summary.md": "htx/spot/get_market_summary.yaml",
}


@pytest.mark.parametrize("name", sorted(MARKET_PAGES))
def test_htx_market_pages_draft_every_fact_their_tables_state(tmp_path, name):
    """HTX market data: data under `tick` (TICK_START rows), enum values in a Value Range column,
    `[price, size]` arrays, unsigned requests, "4,500 5 minutes", a curl line in inline code."""
    draft, drafted = _drafted(tmp_path, REAL_PAGES / name, "htx", "spot", MARKET_PAGES[name])
    assert "data_member: tick\n" in draft.text and "family: spot\n" in draft.text
    assert drafted.auth == "public" and drafted.rate_limit.scope.value == "ip"
    result = compare(_operation(ROOT / "specs", MARKET_PAGES[name]), drafted)
    # units aside: the reviewed specs add the currencies of prices and sizes that the tables omit
    assert {kind: result.cell(kind) for kind in result.total if kind != "units"} == {
        kind: f"{result.total[kind]}/{result.total[kind]}" for kind in result.total if kind != "units"
    }, result.missing


def test_a_request_body_printed_like_the_response_is_not_taken_for_it(tmp_path):
    _, drafted = _drafted(tmp_path, REAL_PAGES / "htx" / "cancel_order.md", "htx", "spot", "htx/spot/cancel_order.yaml")
    bodies = [example.body for example in drafted.response_examples]
    assert bodies == [{"status": "ok", "data": "356501495694025"}]  # not the request's {"order-id", "symbol"}
