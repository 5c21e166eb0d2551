"""The spec format is valid draft 2020-12 JSON Schema, and every spec points editors at it."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from generator.schema import SCHEMA_FILES, schema

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_schema_is_valid_2020_12(kind):
    document = schema(kind)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


def test_every_spec_names_its_schema_for_editors():
    for path in sorted((ROOT / "specs").rglob("*.yaml")):
        first = path.read_text().splitlines()[0]
        kind = "exchange" if path.name == "exchange.yaml" else "shape" if path.parent.name == "shapes" else "endpoint"
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == (ROOT / "specs" / "_schema" / f"{kind}.schema.json").resolve(), path


def test_schema_supports_post_bodies_and_path_parameters(tmp_path):
    from generator.loader import load_specs

    shutil_root = tmp_path / "specs"
    (shutil_root / "okx").mkdir(parents=True)
    (shutil_root / "okx" / "exchange.yaml").write_text((ROOT / "specs/okx/exchange.yaml").read_text())
    (shutil_root / "okx" / "place_order.yaml").write_text(
        """
title: Place order
section: trade
method: POST
path: /api/v5/trade/order/{instId}
doc_url: "#order-book-trading-trade-post-place-order"
description: Place an order.
permission: {level: trade, text: Trade}
rate_limit: {count: 60, window_seconds: 2, scope: uid, text: "60 requests per 2 seconds"}
idempotent: true
parameters:
  - {name: instId, in: path, type: string, required: true, description: Instrument ID}
  - {name: sz, in: body, type: decimal, required: true, description: Quantity}
  - name: attachAlgoOrds
    in: body
    type: array
    required: false
    description: Attached algo orders
    items:
      type: object
      fields:
        - {name: tpTriggerPx, type: decimal, description: Take-profit trigger price}
  - {name: tags, in: body, type: string, list: {style: json, max_items: 5}, required: false, description: Tags}
response:
  type: array
  items:
    type: object
    fields:
      - {name: ordId, type: string, description: Order ID}
examples:
  requests:
    - text: POST /api/v5/trade/order/BTC-USDT
      body: '{"sz": "1"}'
  responses:
    - text: '{"code": "0", "msg": "", "data": [{"ordId": "1"}]}'
"""
    )
    (operation,) = load_specs(shutil_root).operations
    assert [p.location_in.value for p in operation.parameters] == ["path", "body", "body", "body"]
    assert operation.parameters[2].shape.items.fields[0].name == "tpTriggerPx"
    assert operation.idempotent and operation.method == "POST"
