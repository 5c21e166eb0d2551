"""The spec format, defined once as JSON Schema (draft 2020-12), and validation against it.

`exchange.schema.json` and `endpoint.schema.json` beside this file are the definition; the
schema of shared shape files (`shape.schema.json`) is made from the endpoint schema's
definitions, so a type node is defined once. Editors use them through a `# yaml-language-server:
$schema=...` comment (`sdkgen schema` exports all three). Validation errors are turned into plain
sentences located at the offending key or value.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import jsonschema_rs

from generator.errors import SpecIssue
from generator.yamlread import Path_, Positions

if TYPE_CHECKING:  # jsonschema is imported only to explain an invalid file (a twentieth of a second)
    import jsonschema
    from jsonschema.exceptions import ValidationError

SpecKind = Literal["exchange", "endpoint", "shape"]
SCHEMA_FILES: dict[SpecKind, str] = {
    "exchange": "exchange.schema.json",
    "endpoint": "endpoint.schema.json",
    "shape": "shape.schema.json",
}


def schema_text(kind: SpecKind) -> str:
    """The JSON text of the schema of one kind of spec file, as shipped (the shape schema is
    derived from the endpoint schema)."""
    if kind == "shape":
        endpoint = json.loads(schema_text("endpoint"))
        derived = {
            "$schema": endpoint["$schema"],
            "$id": endpoint.get("$id", "").replace("endpoint", "shape"),
            "title": "sdkgen shared shape",
            "$ref": "#/$defs/shape_file",
            "$defs": endpoint["$defs"],
        }
        return json.dumps({k: v for k, v in derived.items() if v}, indent=2, ensure_ascii=False) + "\n"
    return resources.files(__package__).joinpath(SCHEMA_FILES[kind]).read_text(encoding="utf-8")


@cache
def schema(kind: SpecKind) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(kind))
    return loaded


@cache
def _validator(kind: SpecKind) -> jsonschema.Draft202012Validator:
    document = schema(kind)
    import jsonschema  # only when needed: see the imports at the top

    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


@cache
def _fast_validator(kind: SpecKind) -> Any:
    return jsonschema_rs.validator_for(schema(kind))


def validate(data: Any, kind: SpecKind, positions: Positions) -> list[SpecIssue]:
    """Every way `data` breaks the schema of `kind`, as located plain-words issues.

    jsonschema-rs (compiled, about a hundred times faster) decides whether a file is valid;
    only an invalid file is walked again by jsonschema, whose errors carry the paths and
    details the messages are made from.
    """
    if _fast_validator(kind).is_valid(data):
        return []
    issues: list[SpecIssue] = []
    for error in _validator(kind).iter_errors(data):
        issues.extend(_describe(error, schema(kind), positions))
    return issues


def format_path(path: Path_) -> str:
    """`('response', 'items', 'fields', 3)` -> `response.items.fields[3]`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "the document"


def _where(path: Path_) -> str:
    return f"in {format_path(path)}: " if path else ""


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


_EXPECTED = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def _resolve(node: Any, root: dict[str, Any]) -> Any:
    while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/$defs/"):
        node = {**root["$defs"][node["$ref"].split("/")[-1]], **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _declared_keys(node: Any, root: dict[str, Any]) -> set[str]:
    """Property names a (sub)schema declares, following allOf and $ref."""
    node = _resolve(node, root)
    if not isinstance(node, dict):
        return set()
    keys = set(node.get("properties", {}))
    for sub in node.get("allOf", []):
        keys |= _declared_keys(sub, root)
    return keys


def _unexpected_keys(error: ValidationError) -> list[str]:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        declared = error.schema.get("properties", {})
        patterns = error.schema.get("patternProperties", {})
        return [k for k in error.instance if k not in declared and not any(re.search(p, k) for p in patterns)]
    match = re.search(r"\((.*) (?:was|were) unexpected\)", error.message)
    if not match:
        return []
    return re.findall(r"'((?:[^'\\]|\\.)*)'", match.group(1))


def _describe(error: ValidationError, root: dict[str, Any], positions: Positions) -> list[SpecIssue]:
    path: Path_ = tuple(error.absolute_path)
    here = positions.of_value(path)
    instance = error.instance
    validator = error.validator
    if validator in ("additionalProperties", "unevaluatedProperties"):
        allowed = sorted(_declared_keys(error.schema, root))
        issues = []
        # A failing allOf branch makes its declared keys "unevaluated" too; the failure itself
        # is reported on its own, so only keys no branch declares are unknown.
        for key in (k for k in _unexpected_keys(error) if k not in allowed):
            hint = difflib.get_close_matches(key, allowed, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (allowed: {', '.join(allowed)})"
            issues.append(SpecIssue(positions.of_key((*path, key)), f"{_where(path)}unknown key '{key}'{suggestion}"))
        return issues
    if validator == "required":
        missing = [k for k in error.validator_value if not isinstance(instance, dict) or k not in instance]
        return [SpecIssue(here, f"{_where(path)}missing required key '{k}'") for k in missing]
    if validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        wanted = " or ".join(_EXPECTED.get(t) or str(t) for t in expected)
        shown = f" ({instance!r})" if not isinstance(instance, (dict, list)) else ""
        return [SpecIssue(here, f"{format_path(path)} must be {wanted}, not {_type_name(instance)}{shown}")]
    if validator == "enum" and "propertyNames" in error.schema_path:
        hint = difflib.get_close_matches(str(instance), [str(v) for v in error.validator_value], n=1)
        suggestion = f"did you mean '{hint[0]}'?" if hint else "known: " + ", ".join(error.validator_value)
        return [
            SpecIssue(
                positions.of_key((*path, str(instance))), f"{_where(path)}unknown lint rule '{instance}' ({suggestion})"
            )
        ]
    if validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return [SpecIssue(here, f"{format_path(path)} must be one of {options}; got {instance!r}")]
    if validator == "const":
        return [SpecIssue(here, f"{format_path(path)} must be {error.validator_value!r}; got {instance!r}")]
    if validator == "pattern":
        description = _resolve(error.schema, root).get("description", "")
        return [
            SpecIssue(
                here,
                f"{format_path(path)} {instance!r} is not of the required form {error.validator_value}"
                + (f" ({description})" if description and len(description) < 120 else ""),
            )
        ]
    if validator == "not":
        forbidden: list[str] = []
        banned = error.validator_value
        for alternative in banned.get("anyOf", [banned]):
            forbidden += [k for k in alternative.get("required", []) if isinstance(instance, dict) and k in instance]
        kind = instance.get("type") if isinstance(instance, dict) else None
        context = (
            f" when type is {kind}" if kind and kind in _EXPECTED.keys() | {"decimal", "timestamp_ms"} else " here"
        )
        return [
            SpecIssue(positions.of_key((*path, key)), f"{_where(path)}key '{key}' is not allowed{context}")
            for key in forbidden or ["?"]
        ]
    if validator == "dependentRequired":
        return [SpecIssue(here, f"{_where(path)}{error.message.replace(' is a dependency of ', ' is needed with ')}")]
    if validator in ("anyOf", "oneOf") and error.context:
        if validator == "anyOf" and all(e.validator == "required" for e in error.context):
            options = " or ".join(f"'{e.validator_value[0]}'" for e in error.context)
            return [SpecIssue(here, f"{_where(path)}needs {options}")]
        from jsonschema.exceptions import best_match  # only when needed: see the imports at the top

        deepest = best_match(error.context)
        return _describe(deepest, root, positions)
    return [SpecIssue(here, f"{_where(path)}{error.message}")]
