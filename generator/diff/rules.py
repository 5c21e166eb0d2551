"""The catalogue of change rules of `sdkgen diff`: a stable id, a level, one line of explanation.

Levels, from the point of view of the generated SDK's users:
- breaking: code that worked may fail (a removed method, a new required argument, a field gone)
  or a trading system loses something it relied on (throughput, a host, permissions).
- potentially-breaking: correct code keeps working, but strict consumers may notice (a new enum
  value in a response, a field that may now be null, a different exception class).
- non-breaking: additions and documentation.
"""

from __future__ import annotations

from dataclasses import dataclass

BREAKING = "breaking"
POTENTIALLY_BREAKING = "potentially-breaking"
NON_BREAKING = "non-breaking"
LEVELS = (BREAKING, POTENTIALLY_BREAKING, NON_BREAKING)  # most severe first


@dataclass(frozen=True)
class Rule:
    id: str
    level: str
    explanation: str


_RULES = [
    # endpoints
    Rule("endpoint-added", NON_BREAKING, "A new endpoint, and a new method in the SDK."),
    Rule("endpoint-removed", BREAKING, "An endpoint and its SDK method are gone."),
    Rule(
        "endpoint-path-changed",
        BREAKING,
        "The same method now calls another path; old servers or proxies may not know it.",
    ),
    Rule("endpoint-method-changed", BREAKING, "The HTTP method changed (GET to POST, ...)."),
    Rule("endpoint-auth-changed", BREAKING, "The endpoint switched between public and signed."),
    Rule(
        "endpoint-family-changed",
        BREAKING,
        "The endpoint moved to another API family: another host, envelope and error table.",
    ),
    Rule(
        "endpoint-data-member-changed",
        BREAKING,
        "The response's data moved to another member of the body (e.g. from `data` to `tick`).",
    ),
    Rule("endpoint-deprecated", NON_BREAKING, "The documentation marks the endpoint deprecated."),
    Rule("endpoint-idempotency-changed", NON_BREAKING, "Whether the SDK may retry the call changed."),
    # Python surface of the generated SDK, whatever the wire does
    Rule("python-method-renamed", BREAKING, "The SDK method of an unchanged endpoint has a new name."),
    Rule("python-section-renamed", BREAKING, "The endpoint moved to another client section (client.<section>)."),
    Rule("python-parameter-renamed", BREAKING, "A keyword argument has a new Python name (same wire name)."),
    Rule(
        "python-attribute-renamed",
        BREAKING,
        "A model attribute (or a request mapping's key) has a new Python name (same wire name).",
    ),
    Rule("python-model-renamed", BREAKING, "A model class has a new name; imports of the old one fail."),
    Rule("python-return-type-changed", BREAKING, "The method returns another type (an object instead of a list, ...)."),
    # request parameters
    Rule("request-parameter-added-required", BREAKING, "A new required argument: existing calls lack it."),
    Rule("request-parameter-added-optional", NON_BREAKING, "A new optional argument."),
    Rule("request-parameter-removed", BREAKING, "An argument is gone: calls passing it fail."),
    Rule("request-parameter-became-required", BREAKING, "An optional argument is now required."),
    Rule("request-parameter-became-optional", NON_BREAKING, "A required argument is now optional."),
    Rule("request-parameter-type-changed", BREAKING, "An argument takes another type."),
    Rule("request-parameter-location-changed", POTENTIALLY_BREAKING, "An argument moved between path, query and body."),
    Rule("request-parameter-enum-value-added", NON_BREAKING, "An argument accepts a new value."),
    Rule("request-parameter-enum-value-removed", BREAKING, "An argument no longer accepts a value."),
    Rule(
        "request-parameter-list-changed",
        POTENTIALLY_BREAKING,
        "An argument became or stopped being a list, or changed its wire style.",
    ),
    Rule("request-parameter-max-items-decreased", BREAKING, "A list argument accepts fewer items."),
    Rule("request-parameter-max-items-increased", NON_BREAKING, "A list argument accepts more items."),
    Rule("request-body-shape-changed", BREAKING, "The body switched between a JSON object and a bare array."),
    # members of request-body objects, at any depth (request models and the mappings given for them)
    Rule("request-member-added-required", BREAKING, "A body object needs a new member: existing calls lack it."),
    Rule("request-member-added-optional", NON_BREAKING, "A body object accepts a new member."),
    Rule("request-member-removed", BREAKING, "A body object member is gone: calls passing it are refused."),
    Rule("request-member-became-required", BREAKING, "An optional body member is now required."),
    Rule("request-member-became-optional", NON_BREAKING, "A required body member is now optional."),
    Rule("request-member-type-changed", BREAKING, "A body member takes another type."),
    Rule("request-member-enum-value-added", NON_BREAKING, "A body member accepts a new value."),
    Rule("request-member-enum-value-removed", BREAKING, "A body member no longer accepts a value."),
    Rule("request-member-max-items-decreased", BREAKING, "A list in the body accepts fewer items."),
    Rule("request-member-max-items-increased", NON_BREAKING, "A list in the body accepts more items."),
    Rule("request-rule-added", BREAKING, "A new rule between arguments or members: calls that break it are refused."),
    Rule("request-rule-removed", NON_BREAKING, "A rule between arguments or members no longer applies."),
    # paging (the generated iter_ methods)
    Rule("pagination-added", NON_BREAKING, "The endpoint pages: a new iter_ method goes through every page."),
    Rule("pagination-removed", BREAKING, "The endpoint no longer pages: its iter_ method is gone."),
    Rule(
        "pagination-changed",
        POTENTIALLY_BREAKING,
        "The iter_ method pages another way (another cursor, field, page size or style): it may yield other items.",
    ),
    # per-item results (batches)
    Rule(
        "item-results-added",
        BREAKING,
        "Items now carry their own results: a call with a failed item raises PartialFailureError.",
    ),
    Rule(
        "item-results-removed",
        BREAKING,
        "Items no longer carry their own results: failed items come back without PartialFailureError.",
    ),
    Rule(
        "item-results-changed",
        POTENTIALLY_BREAKING,
        "Other item fields, item codes or envelope codes decide which items failed.",
    ),
    # response fields, at any depth
    Rule("response-type-changed", BREAKING, "The response data changed shape (object, array, scalar)."),
    Rule("response-field-added", NON_BREAKING, "A new response field."),
    Rule("response-field-removed", BREAKING, "A response field is gone: code reading it gets nothing."),
    Rule("response-field-type-changed", BREAKING, "A response field has another type."),
    Rule("response-field-became-nullable", POTENTIALLY_BREAKING, 'A response field may now be null (or "").'),
    Rule(
        "response-field-enum-value-added",
        POTENTIALLY_BREAKING,
        "A response field may carry a new value; strict consumers may not handle it.",
    ),
    Rule("response-field-enum-value-removed", NON_BREAKING, "A response field no longer carries a value."),
    Rule("response-field-alias-added", NON_BREAKING, "The SDK accepts another wire name for a field."),
    Rule("response-field-alias-removed", POTENTIALLY_BREAKING, "The SDK no longer accepts a wire name for a field."),
    Rule(
        "response-positions-changed",
        BREAKING,
        "A positional response object (a JSON array such as a candle) reorders, inserts or drops a position, "
        "or switches between array and object: values would be read into the wrong fields.",
    ),
    # exchange level
    Rule("envelope-changed", BREAKING, "The response envelope moved its code, message or data."),
    Rule("success-codes-changed", BREAKING, "Other codes now mean success."),
    Rule("auth-scheme-changed", BREAKING, "Requests are signed another way."),
    Rule("credentials-changed", BREAKING, "The client takes other credentials."),
    Rule("permission-raised", BREAKING, "The endpoint needs a stronger API-key permission (read to trade, ...)."),
    Rule("permission-lowered", NON_BREAKING, "The endpoint needs a weaker API-key permission."),
    Rule("rate-limit-lowered", BREAKING, "Fewer calls per second: throughput drops."),
    Rule("rate-limit-raised", NON_BREAKING, "More calls per second."),
    Rule(
        "rate-limit-scope-changed",
        POTENTIALLY_BREAKING,
        "The limit counts per another scope (UID, IP, API key, UID and instrument): throughput may drop.",
    ),
    Rule(
        "rate-limit-weight-changed",
        POTENTIALLY_BREAKING,
        "The limit counts items (orders of a batch) instead of requests, or the other way round.",
    ),
    Rule("rate-limit-bucket-added", POTENTIALLY_BREAKING, "The endpoint now also draws from a shared bucket."),
    Rule("rate-limit-bucket-removed", NON_BREAKING, "The endpoint no longer draws from a shared bucket."),
    Rule("host-changed", BREAKING, "The production host changed."),
    Rule("alternate-host-added", NON_BREAKING, "A new alternative host."),
    Rule("alternate-host-removed", POTENTIALLY_BREAKING, "An alternative host is gone."),
    Rule("demo-changed", POTENTIALLY_BREAKING, "The demo-trading mechanism changed."),
    Rule("server-time-changed", POTENTIALLY_BREAKING, "The server-time endpoint used for clock sync changed."),
    Rule(
        "request-id-headers-changed",
        NON_BREAKING,
        "The response headers the SDK reads the request id from (errors' and raw responses' request_id) changed.",
    ),
    Rule("error-code-added", NON_BREAKING, "A newly documented error code (mapped to a typed error)."),
    Rule("error-code-removed", POTENTIALLY_BREAKING, "An error code is no longer mapped; it raises the generic class."),
    Rule(
        "error-code-kind-changed",
        POTENTIALLY_BREAKING,
        "An error code now raises another exception class or retries differently.",
    ),
    Rule("family-added", NON_BREAKING, "A new API family (its own host, envelope and error table)."),
    Rule("family-removed", BREAKING, "An API family is gone, and `base_urls` no longer takes it."),
    Rule("exchange-added", NON_BREAKING, "A new exchange subpackage."),
    Rule("exchange-removed", BREAKING, "An exchange subpackage is gone."),
    # documentation
    Rule(
        "documentation-changed",
        NON_BREAKING,
        "Description, notes, units, titles or doc URLs changed; docstrings follow.",
    ),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


def level_rank(level: str) -> int:
    """0 for breaking, 1 potentially-breaking, 2 non-breaking."""
    return LEVELS.index(level)


def catalogue_markdown() -> str:
    """The catalogue as a Markdown page (docs/diff-rules.md is this text)."""
    lines = [
        "# sdkgen diff: change rules",
        "",
        "Generated from `generator/diff/rules.py` by `sdkgen diff --list-rules`; do not edit by hand.",
        "",
        "| rule | level | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{rule.id}` | {rule.level} | {rule.explanation} |" for rule in _RULES]
    return "\n".join(lines) + "\n"
