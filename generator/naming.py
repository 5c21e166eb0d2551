"""Every rule that turns a name from the documentation into a Python name, in one place."""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Callable
from typing import NamedTuple

# Names a generated attribute or parameter must not take: keywords, builtins, and the
# attributes of pydantic's BaseModel that a field would shadow.
_PYDANTIC_ATTRIBUTES = {
    "construct",
    "copy",
    "dict",
    "fields",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
}
RESERVED = (
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {name for name in dir(builtins) if not name.startswith("_")}
    | _PYDANTIC_ATTRIBUTES
    | {"self", "cls"}
)

_WORD_BOUNDARY = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]+[0-9]*|\b|[^A-Za-z]|$)|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")


def words(text: str) -> list[str]:
    """Split a name into lower-case words at case changes, digits and separators.

    `unionTotalMargin` -> union, total, margin; `unrealizedPL` -> unrealized, pl;
    `USDT-FUTURES` -> usdt, futures; `initial_margin` -> initial, margin.
    """
    found: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", text):
        found.extend(match.group(0).lower() for match in _WORD_BOUNDARY.finditer(chunk))
    return [w for w in found if w]


def snake_case(text: str) -> str:
    """`Get Subaccount Assets` -> `get_subaccount_assets`; `uTime` -> `u_time`."""
    return "_".join(words(text))


def pascal_case(text: str) -> str:
    """`get_balance` -> `GetBalance`; `okx` -> `Okx`."""
    return "".join(w[:1].upper() + w[1:] for w in words(text))


def python_identifier(text: str, prefix: str = "field") -> str | None:
    """A safe snake_case Python name for `text`, or None when it has no usable letters.

    Keywords, builtins and pydantic attribute names get a trailing underscore (`type` ->
    `type_`); a name starting with a digit gets `prefix` in front (`1h` -> `field_1_h`).
    """
    name = snake_case(text)
    if not name:
        return None
    if name[0].isdigit():
        name = f"{prefix}_{name}"
    if name in RESERVED or name.startswith("model_"):
        name += "_"
    return name


# Keyword names every generated method takes for per-call options.
CALL_OPTIONS = {"timeout", "max_retries", "extra_headers", "extra_query"}


def parameter_name(text: str) -> str | None:
    """A method's keyword for a parameter: as python_identifier, avoiding the per-call options."""
    name = python_identifier(text)
    return f"{name}_" if name in CALL_OPTIONS else name


def enum_member_name(value: str | int) -> str:
    """`USDT-FUTURES` -> `USDT_FUTURES`; `off` -> `OFF`; `1` -> `VALUE_1`."""
    name = "_".join(w.upper() for w in words(str(value)))
    if not name:
        return "VALUE"
    if name[0].isdigit():
        name = f"VALUE_{name}"
    return name


def operation_name(title: str) -> str | None:
    """The method name of an endpoint, from its documentation page title."""
    return python_identifier(title, prefix="op")


# --- class names ------------------------------------------------------------------------------

_LISTING_VERBS = ("get", "list", "query", "fetch")


def iterator_name(operation: str) -> str:
    """The method that pages through an operation: get_bills -> iter_bills, list_orders -> iter_orders."""
    for verb in _LISTING_VERBS:
        if operation.startswith(f"{verb}_") and len(operation) > len(verb) + 1:
            return f"iter_{operation[len(verb) + 1 :]}"
    return f"iter_{operation}"


def class_prefix(exchange_id: str) -> str:
    """The prefix of an exchange's client classes when exchange.yaml sets none: `okx` -> `Okx`."""
    return pascal_case(exchange_id)


def client_classes(prefix: str) -> tuple[str, str]:
    """The sync and async client classes: `OkxClient`, `AsyncOkxClient`."""
    return f"{prefix}Client", f"Async{prefix}Client"


class SectionClasses(NamedTuple):
    sync: str
    asynchronous: str
    raw: str
    async_raw: str


def section_classes(section: str) -> SectionClasses:
    """The classes of one documentation section: `AccountSection`, `AsyncAccountSection` and
    their raw-response twins."""
    base = f"{pascal_case(section)}Section"
    return SectionClasses(base, f"Async{base}", f"{base}WithRawResponse", f"Async{base}WithRawResponse")


def response_model_name(operation: str) -> str:
    """The model of an operation's response, from its method name without a leading listing
    verb: `get_account_list` -> `AccountList`, `get_balance` -> `Balance`."""
    parts = words(operation)
    if len(parts) > 1 and parts[0] in _LISTING_VERBS:
        parts = parts[1:]
    return pascal_case("_".join(parts))


def nested_model_name(parent: str, python_name: str) -> str:
    """The model of an object field: its parent model's name and its own (`AccountBalance` +
    `details` -> `AccountBalanceDetails`); a parameter's own model has no parent (`parent=""`)."""
    return parent + pascal_case(python_name)


# Names the generated section and models modules import: an enum or model class named like one
# would shadow it (an enum `Limit` from a `limit` parameter hid the runtime's rate-limit Limit).
IMPORTED_NAMES = frozenset(
    {
        "AliasChoices", "Annotated", "Any", "AsyncIterator", "Callable", "ClassVar", "Decimal", "Iterator", "Literal", "Mapping",
        "Sequence", "TYPE_CHECKING", "annotations", "datetime", "ConfigDict", "Field", "BaseModel",
        "AsyncAPIClient", "SyncAPIClient", "ItemResults", "Limit", "Limits", "VerifyTypes", "OperationInfo", "Pagination", "ParamInfo",
        "RawResponse", "RequestOptions", "Rule", "TimeoutTypes", "OpenEnum", "PositionalModel", "RequestModel",
        "ResponseModel", "BooleanArg", "BooleanValue", "DecimalArg", "DecimalValue", "IntegerArg", "IntegerValue",
        "JsonNumber", "StringArg", "StringValue", "TimestampArg", "TimestampMs", "async_raw_response", "complete_models",
        "raw_response", "NotGiven", "NOT_GIVEN", "Self", "DEFAULT_DEADLINE", "DEFAULT_TIMEOUT", "RateLimitMode",
        "RetryPolicy", "RateLimiter",
    }
)  # fmt: skip


def enum_class_name(python_name: str, owner: str, taken: Callable[[str], bool]) -> str:
    """The enum class of a field or parameter: its Python name in PascalCase; when another class
    has that name, prefixed with its owner (the model or operation), then suffixed with `Enum`,
    then numbered."""
    name = pascal_case(python_name)
    if taken(name) or name in IMPORTED_NAMES:
        name = f"{owner}{name}"
    if taken(name):
        name = f"{name}Enum"
    base, suffix = name, 2
    while taken(name):
        name = f"{base}{suffix}"
        suffix += 1
    return name
