"""generator/spec_types: one module per spec type, held to the spec format and to the runtime
that the SDK carries (encoders of arguments, parsed response types), and each type's own rules."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from runtime_templates import load_runtime_module

from generator.model import FieldType
from generator.spec_types import SPEC_TYPES, spec_type

ROOT = Path(__file__).resolve().parents[1]


def test_every_type_of_the_spec_format_has_one_module_and_nothing_else_does():
    schema = json.loads((ROOT / "generator" / "schema" / "endpoint.schema.json").read_text())
    declared = schema["$defs"]["type_node_base"]["properties"]["type"]["enum"]
    assert sorted(declared) == sorted(kind.value for kind in FieldType) == sorted(t.kind.value for t in SPEC_TYPES.values())


def test_every_scalar_type_has_its_runtime_function_and_types():
    params = load_runtime_module("_params")
    types = load_runtime_module("_types")
    arguments = load_runtime_module("_arguments")
    scalars = [spec for spec in SPEC_TYPES.values() if spec.is_scalar]
    assert sorted(params.ENCODERS) == sorted(spec.kind.value for spec in scalars)
    for spec in scalars:
        assert hasattr(types, spec.response_type), spec.kind
        assert spec.argument_type is not None and hasattr(arguments, spec.argument_type), spec.kind
        assert spec.python_type and spec.literal is not None, spec.kind


@pytest.mark.parametrize(
    ("kind", "value", "fits"),
    [
        (FieldType.DECIMAL, "0.1", True),
        (FieldType.DECIMAL, "", True),
        (FieldType.DECIMAL, 12, True),
        (FieldType.DECIMAL, "111,1", False),
        (FieldType.DECIMAL, "NaN", False),
        (FieldType.DECIMAL, True, False),
        (FieldType.INTEGER, "-12", True),
        (FieldType.INTEGER, Decimal("3"), True),
        (FieldType.INTEGER, "1.5", False),
        (FieldType.INTEGER, False, False),
        (FieldType.TIMESTAMP_MS, "1597026383085", True),
        (FieldType.TIMESTAMP_MS, "2020-08-10", False),
        (FieldType.STRING, 123, True),
        (FieldType.STRING, True, False),
        (FieldType.BOOLEAN, "true", False),
        (FieldType.BOOLEAN, False, True),
        (FieldType.OBJECT, {}, True),
        (FieldType.OBJECT, [], False),
        (FieldType.ARRAY, [], True),
        (FieldType.ARRAY, "[]", False),
    ],
)
def test_what_each_type_reads(kind, value, fits):
    assert spec_type(kind).fits(value) is fits


@pytest.mark.parametrize(
    ("kind", "value", "literal"),
    [
        (FieldType.DECIMAL, "0.10", 'Decimal("0.10")'),
        (FieldType.DECIMAL, 5, 'Decimal("5")'),
        (FieldType.DECIMAL, "", None),
        (FieldType.INTEGER, "42", "42"),
        (FieldType.TIMESTAMP_MS, 1597026383085, "1597026383085"),
        (FieldType.TIMESTAMP_MS, "", None),
        (FieldType.BOOLEAN, True, "True"),
        (FieldType.STRING, "", "''"),  # a string may be empty: "" is a value, not 'not applicable'
        (FieldType.STRING, 7, "'7'"),
        (FieldType.STRING, None, None),
    ],
)
def test_the_literal_a_generated_test_expects(kind, value, literal):
    produce = spec_type(kind).literal
    assert produce is not None
    assert produce(value) == literal


def test_arguments_from_query_examples():
    assert spec_type(FieldType.INTEGER).argument_from_text("20") == 20
    assert spec_type(FieldType.BOOLEAN).argument_from_text("true") is True
    assert spec_type(FieldType.DECIMAL).argument_from_text("0.5") == "0.5"  # sent as given, never a float
