"""Every endpoint, called with recognisable credentials, debug logging on and faults injected:
no secret, passphrase, key or signature appears in any log record, exception, repr or str, nor in
any local of the SDK's frames of a failing call's traceback."""

from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path

import pytest
from exchange_sdk import ExchangeSDKError, RetryPolicy
from exchange_sdk.bitget import BitgetClient
from exchange_sdk.htx import HtxClient
from exchange_sdk.okx import OkxClient
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange, Fault

from generator.loader import load_specs
from generator.render.testcases import default_arguments

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = {"okx": OkxClient, "bitget": BitgetClient, "htx": HtxClient}
SPECS = load_specs(ROOT / "specs")
OPERATIONS = SPECS.operations


def _sdk_locals(error: BaseException) -> list[str]:
    """The reprs of every local of the SDK's frames in the error's traceback, as
    traceback.TracebackException(capture_locals=True), `pytest -l`, rich and Sentry record them."""
    captured = traceback.TracebackException.from_exception(error, capture_locals=True)
    found = [
        value for frame in captured.stack if "exchange_sdk" in frame.filename for value in (frame.locals or {}).values()
    ]
    assert found, "no frame of the SDK in the traceback"
    return found


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.exchange}.{op.section}.{op.name}")
def test_no_secret_anywhere(operation, caplog):
    texts: list[str] = []
    exchange = SPECS.exchange(operation.exchange)
    assert exchange is not None
    arguments = default_arguments(operation)
    path = operation.path
    for parameter in operation.path_parameters:
        path = path.replace(f"{{{parameter.name}}}", str(arguments[parameter.python_name]))
    with FakeExchange() as fake:
        empty = [] if operation.response.type.value == "array" else {}
        envelope = exchange.envelope_of(operation)
        fake.bodies[(operation.method, path)] = json.dumps(
            {envelope.code: envelope.success_codes[0], envelope.message: "", envelope.data: empty}
        )
        fake.fail_next(path, Fault(503, f"<html>{SECRET} {PASSPHRASE} {API_KEY}</html>"), Fault(drop=True))
        fake.skew_ms[operation.exchange] = 400_000  # a timestamp error first, then a resync
        credentials = {"api_key": API_KEY, "secret_key": SECRET}
        if operation.exchange != "htx":
            credentials["passphrase"] = PASSPHRASE
        families = {family.name: fake.url for family in exchange.families}
        client = CLIENTS[operation.exchange](
            **credentials,
            base_url=fake.url,
            **({"base_urls": families} if families else {}),
            rate_limit=None,
            retry_policy=RetryPolicy(initial_delay=0.01, max_delay=0.02),
        )
        texts += [repr(client), str(client), repr(client._credentials)]
        section = getattr(client, operation.section)
        with caplog.at_level(logging.DEBUG):
            for _ in range(2):
                try:
                    result = getattr(section, operation.name)(**arguments)
                    texts.append(repr(result))
                except ExchangeSDKError as error:
                    texts += [str(error), repr(error), getattr(error, "body_excerpt", ""), *_sdk_locals(error)]
                    texts += [
                        repr(getattr(error, "body", None)),
                        repr(getattr(getattr(error, "response", None), "content", b"")),
                    ]
        client.close()
        signatures = [
            r.headers.get("ok-access-sign") or r.headers.get("access-sign") or dict(r.query).get("Signature")
            for r in fake.records
        ]
    texts += [record.getMessage() for record in caplog.records]
    assert any("attempt" in text for text in texts)
    for text in texts:
        given = [SECRET, API_KEY, *([PASSPHRASE] if operation.exchange != "htx" else [])]  # HTX takes no passphrase
        for value in [*given, *[s for s in signatures if s]]:
            assert value not in text, (value, text[:200])
