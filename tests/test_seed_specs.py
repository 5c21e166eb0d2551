"""The five seed specs load, and record every field, parameter and enum value of their pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from seed_tables import SEED_SPECS, SEEDS, Row, request_rows, response_rows

from generator.loader import load_specs
from generator.model import Field, FieldType, Operation, Shape

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def specs():
    return load_specs(ROOT / "specs")


def _operation(specs, seed: str) -> Operation:
    exchange, source = SEED_SPECS[seed]
    (operation,) = [op for op in specs.exchange(exchange).operations if op.source.endswith(source)]
    return operation


def _object_of(shape: Shape) -> Shape:
    while shape.type is FieldType.ARRAY:
        assert shape.items is not None
        shape = shape.items
    return shape


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _normal(text: str) -> str:
    return " ".join(text.replace("*", "").split())


def test_every_seed_endpoint_is_specified(specs):
    names = {(op.exchange, op.section, op.name, op.method, op.path) for op in specs.operations}
    assert names >= {
        ("okx", "account", "get_balance", "GET", "/api/v5/account/balance"),
        ("bitget", "contract", "get_account_list", "GET", "/api/v2/mix/account/accounts"),
        ("bitget", "contract", "get_subaccount_assets", "GET", "/api/v2/mix/account/sub-account-assets"),
        ("bitget", "uta", "get_account_assets", "GET", "/api/v3/account/assets"),
        ("htx", "account", "get_account_balance", "GET", "/v5/account/balance"),
    }


def _table_levels(rows: tuple[Row, ...], shape: Shape) -> list[tuple[Row, Shape]]:
    """Pair each table row with the object shape it must be found in, following the table's
    own nesting markers (> or tree branches) and the spec's declared flattening: after a
    container marked `table: {flattened: true}`, the rows that follow at the same level are
    its members for as long as they are fields of it."""
    base = min(r.depth for r in rows)
    stack: list[Shape] = [_object_of(shape)]
    flattened: dict[int, Shape] = {}  # level -> the flattened container's object
    paired = []
    for row in rows:
        level = row.depth - base
        del stack[level + 1 :]
        container = stack[level]
        members = flattened.get(level)
        if members is not None and members.field(row.name) is not None:
            container = members
        else:
            flattened.pop(level, None)
        paired.append((row, container))
        found = container.field(row.name)
        if found is not None and not found.shape.type.is_scalar:
            if found.table.flattened:
                flattened[level] = _object_of(found.shape)
            else:
                stack.append(_object_of(found.shape))
    return paired


@pytest.mark.parametrize("seed", sorted(SEED_SPECS))
def test_every_documented_response_field_is_in_the_spec(specs, seed):
    operation = _operation(specs, seed)
    rows = response_rows(seed)
    assert rows, f"no response table found in {seed}"
    for row, container in _table_levels(rows, operation.response):
        field: Field | None = container.field(row.name)
        assert field is not None, f"{seed}: documented field '{row.name}' is missing from {operation.source}"
        assert field.table.listed, f"{row.name} is in the table but the spec says table: false"
        documented_type = field.table.type or {"object": "Object", "array": "Array"}.get(
            field.shape.type.value, "String"
        )
        assert documented_type == row.type, f"{row.name}: the table says {row.type}, the spec records {documented_type}"
        if field.shape.enum:  # the spec splits the description into the field's and each value's
            spec_words = _words(
                field.shape.description
                + " "
                + " ".join(f"{v.value} {v.name} {v.description}" for v in field.shape.enum)
            )
            assert _words(row.description) <= spec_words, f"{row.name}: description differs"
        elif row.description:
            assert _normal(row.description) in _normal(field.shape.description), f"{row.name}: description differs"


@pytest.mark.parametrize("seed", sorted(SEED_SPECS))
def test_spec_lists_no_table_field_the_page_does_not_have(specs, seed):
    operation = _operation(specs, seed)
    documented = {row.name for row in response_rows(seed)}

    def walk(shape: Shape):
        for field in shape.fields:
            if field.table.listed:
                assert field.name in documented, f"{field.name} claims to be in the table of {seed}"
            yield from walk(field.shape)
        if shape.items is not None:
            yield from walk(shape.items)

    list(walk(operation.response))


@pytest.mark.parametrize("seed", sorted(SEED_SPECS))
def test_every_documented_parameter_and_enum_value_is_in_the_spec(specs, seed):
    operation = _operation(specs, seed)
    for row in request_rows(seed):
        (parameter,) = [p for p in operation.parameters if p.name == row.name]
        assert parameter.required == (row.required.lower() in ("yes", "true"))
        first_line = row.description.split("\n")[0]
        assert _normal(parameter.description).startswith(_normal(first_line)[:40])
        values = re.findall(r"^([A-Z][A-Z0-9-]+)[: ]", row.description, re.M)
        if values:
            assert [str(v.value) for v in parameter.shape.enum] == values
            for value in parameter.shape.enum:
                assert value.demo == str(value.value).startswith("S"), value


def test_documented_response_enum_values_are_in_the_specs(specs):
    htx = _operation(specs, "004_47ca13b37faaab80.txt")
    state = htx.response.field("state")
    page = (SEEDS / "004_47ca13b37faaab80.txt").read_text()
    documented = re.findall(r"(\d)\s?\(([A-Z_\\]+)\)", page)
    assert [(str(v.value), v.name) for v in state.shape.enum] == [(n, name.replace("\\", "")) for n, name in documented]
    okx = _operation(specs, "003_52808cd809447232.txt")
    status = _object_of(okx.response).field("details").shape.items.field("autoLendStatus")
    assert [v.value for v in status.shape.enum] == ["unsupported", "off", "pending", "active"]
    bitget = _operation(specs, "002_d54ec27364cb67cd.txt")
    assert [v.value for v in _object_of(bitget.response).field("assetMode").shape.enum] == ["union", "single"]


@pytest.mark.parametrize("seed", sorted(SEED_SPECS))
def test_examples_are_verbatim(specs, seed):
    page = (SEEDS / seed).read_text()
    operation = _operation(specs, seed)
    assert operation.response_examples
    for example in operation.response_examples:
        assert example.text in page or example.text.rstrip("\n") in page
    for example in operation.request_examples:
        assert example.text.rstrip("\n") in page


def test_rate_limits_are_machine_readable(specs):
    limits = {(op.exchange, op.key): op.rate_limit for op in specs.operations}

    def rate(exchange: str, key: str) -> tuple[int | None, float | None]:
        return limits[exchange, key].count, limits[exchange, key].window_seconds

    assert rate("okx", "account.get_balance") == (10, 2.0)
    assert rate("bitget", "uta.get_account_assets") == (20, 1.0)
    assert rate("bitget", "contract.get_subaccount_assets") == (1, 10.0)
    assert rate("bitget", "contract.get_account_list") == (10, 1.0)
    assert rate("htx", "spot.get_account_balance") == (100, 2.0)
    htx = specs.exchange("htx")
    buckets = [htx.bucket(name) for name in limits["htx", "account.get_account_balance"].buckets]
    assert [(b.count, b.window_seconds, b.scope.value) for b in buckets] == [(144, 3.0, "uid"), (72, 3.0, "uid")]


def test_exchange_facts(specs):
    okx, bitget, htx = specs.exchange("okx"), specs.exchange("bitget"), specs.exchange("htx")
    assert okx.envelope.success_codes == ("0",) and bitget.envelope.success_codes == ("00000",)
    assert htx.envelope.success_codes == (200,) and htx.envelope.code_type == "integer-or-string"
    assert dict(okx.demo.headers) == {"x-simulated-trading": "1"}
    assert dict(bitget.demo.headers) == {"paptrading": "1"}
    assert htx.demo is not None and not htx.demo.supported
    kinds = {(e.id, str(code.code)): code.kind.value for e in specs.exchanges for code in e.errors}
    assert kinds["okx", "50102"] == "timestamp" and kinds["okx", "50011"] == "rate_limit"
    assert kinds["bitget", "40009"] == "authentication" and kinds["htx", "1032"] == "rate_limit"
    assert [c.name for c in htx.auth.credentials] == ["api_key", "secret_key"]
