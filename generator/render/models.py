"""Response and request models: JSON Schema emitted from the spec model, turned into pydantic
classes by datamodel-code-generator with every output-affecting option set here, explicitly.

Response models (base ResponseModel) keep whatever the exchange sends; request models (base
RequestModel, one per object shape of a request body) are strict and typed by the runtime's
argument types."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import partial
from typing import Any

from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate

from generator.cache import BuildCache, digest, fingerprint
from generator.model import Field, FieldType, Operation, Shape
from generator.render.context import (
    RUNTIME,
    SHARED_MODELS,
    ExchangeContext,
    field_description,
    object_shapes,
    rule_literal,
    rules_doc,
)
from generator.spec_types import spec_type

BASE_CLASS = f"{RUNTIME}._models.ResponseModel"
REQUEST_BASE_CLASS = f"{RUNTIME}._models.RequestModel"
POSITIONAL_BASE_CLASS = f"{RUNTIME}._models.PositionalModel"

# Every option that affects the text datamodel-code-generator writes. Formatting is done
# afterwards by the generator's own (pinned) formatter, so none is run here.
DMCG_OPTIONS: dict[str, Any] = {
    "input_file_type": InputFileType.JsonSchema,
    "output_model_type": DataModelType.PydanticV2BaseModel,
    "target_python_version": PythonVersion.PY_311,
    "base_class": BASE_CLASS,
    "use_annotated": True,
    "use_union_operator": True,
    "use_standard_collections": True,
    "use_schema_description": True,
    "use_field_description": True,
    "use_double_quotes": True,
    "field_constraints": True,
    "snake_case_field": False,
    "capitalise_enum_members": False,
    "allow_extra_fields": False,
    "skip_root_model": True,
    "collapse_root_models": True,
    "reuse_model": False,
    "disable_timestamp": True,
    "enable_version_header": False,
    "keep_model_order": True,
    "strict_nullable": False,
    "formatters": [],
}


def _shape_schema(
    context: ExchangeContext, shape: Shape, *, request: bool = False, inside_shared: bool = False
) -> dict[str, Any]:
    """The JSON Schema of a response field's shape, or (`request`) of a request-model member's,
    typed by what a caller may pass (the runtime's argument types) and limited as documented. A
    shared shape is the class of the shared module (or, `inside_shared`, one of its own)."""
    if shape.enum:
        return {"customTypePath": f"{context.module}.models._enums.{context.enum_of[id(shape)]}"}
    if shape.shared and not inside_shared:
        return {"customTypePath": f"{context.module}.models.{SHARED_MODELS}.{shape.model}"}
    if shape.type is FieldType.OBJECT:
        return {"$ref": f"#/$defs/{shape.model}"} if shape.fields or not request else {"type": "object"}
    if shape.type is FieldType.ARRAY:
        assert shape.items is not None
        items = _shape_schema(context, shape.items, request=request, inside_shared=inside_shared)
        schema: dict[str, Any] = {"type": "array", "items": items}
        if request and shape.max_items is not None:
            schema["maxItems"] = shape.max_items
        return schema
    if request:
        return {"customTypePath": f"{RUNTIME}._arguments.{spec_type(shape).argument_type}"}
    return {"customTypePath": f"{RUNTIME}._types.{spec_type(shape).response_type}"}


def _property(
    context: ExchangeContext, member: Field, *, request: bool = False, inside_shared: bool = False
) -> dict[str, Any]:
    schema = _shape_schema(context, member.shape, request=request, inside_shared=inside_shared)
    description = field_description(member)
    if description:
        schema["description"] = description
    return schema


def _aliases(shape: Shape, aliases: dict[str, str | list[str]]) -> None:
    assert shape.model is not None
    for member in shape.fields:
        key = f"{shape.model}.{member.name}"
        if member.aliases:
            aliases[key] = [member.python_name, *member.aliases]
        elif member.python_name != member.name:
            aliases[key] = member.python_name


def _definition(
    context: ExchangeContext, shape: Shape, description: str, *, request: bool, inside_shared: bool = False
) -> dict[str, Any]:
    """One model class: a response model, or (`request`) a strict request model."""
    definition: dict[str, Any] = {"type": "object"}
    if request:
        definition["customBasePath"] = REQUEST_BASE_CLASS
    if shape.positional:
        definition["customBasePath"] = POSITIONAL_BASE_CLASS
        positions = ", ".join(member.name for member in shape.fields)
        description += f"\n\nSent as a JSON array of {len(shape.fields)} positions: [{positions}]."
    if request and shape.rules:
        names = {member.name: member.python_name for member in shape.fields}
        description += "\n\nRules:\n" + "\n".join(f"- {line}" for line in rules_doc(shape.rules, names))
    definition["description"] = description
    definition["properties"] = {
        member.name: _property(context, member, request=request, inside_shared=inside_shared) for member in shape.fields
    }
    if request:
        definition["required"] = [member.name for member in shape.fields if member.required]
    return definition


def _schema(definitions: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": definitions}


def operation_schema(
    context: ExchangeContext, operation: Operation
) -> tuple[dict[str, Any], dict[str, str | list[str]]]:
    """The JSON Schema of one operation's models, and the field-name aliases for DMCG."""
    definitions: dict[str, Any] = {}
    aliases: dict[str, str | list[str]] = {}
    for shape in context.models_of[operation.key]:
        assert shape.model is not None
        if shape.model in definitions:
            continue
        description = " ".join(shape.description.split()) or f"Part of the response of {operation.title}."
        if shape is operation.response or shape is operation.response.items:
            description = (
                f"{' '.join(operation.description.split())}\n\nReturned by "
                f"`client.{operation.section}.{operation.name}()` ({operation.method} {operation.path}).\n"
                f"Documentation: {operation.doc_url}"
            )
        definitions[shape.model] = _definition(context, shape, description, request=False)
        _aliases(shape, aliases)
    for shape in context.request_models_of[operation.key]:
        assert shape.model is not None
        if shape.model in definitions:
            continue
        text = " ".join(shape.description.split()) or f"An object of the request of {operation.title}."
        description = (
            f"{text}\n\nSent by `client.{operation.section}.{operation.name}()` "
            f"({operation.method} {operation.path}).\nDocumentation: {operation.doc_url}"
        )
        definitions[shape.model] = _definition(context, shape, description, request=True)
        _aliases(shape, aliases)
    return _schema(definitions), aliases


def shapes_schema(context: ExchangeContext) -> tuple[dict[str, Any], dict[str, str | list[str]]]:
    """The JSON Schema of the exchange's shared shapes module: each shared shape (a request or a
    response model, as its file says) and the objects inside it."""
    definitions: dict[str, Any] = {}
    aliases: dict[str, str | list[str]] = {}
    for root in context.exchange.shapes:
        request = root.shared == "request"
        for shape in object_shapes(root, inside_shared=True):
            assert shape.model is not None
            if shape.model in definitions or (request and not shape.fields):
                continue
            description = " ".join(shape.description.split()) or f"Part of the shared shape {root.model}."
            definitions[shape.model] = _definition(context, shape, description, request=request, inside_shared=True)
            _aliases(shape, aliases)
    return _schema(definitions), aliases


@dataclass(frozen=True)
class ModelInput:
    """What one run of datamodel-code-generator reads: one operation's JSON Schema and aliases."""

    schema: str
    aliases: str  # JSON
    rules: str = "{}"  # JSON: model name -> the `Rule(...)` literals of its documented rules


@dataclass(frozen=True)
class ModelJob:
    """One operation's models: the cache key of its output, and how to make its input.

    The key names the job's inputs instead of hashing the JSON Schema: building every
    operation's schema only to find its output cached cost a sixth of a one-spec regeneration.
    """

    key: str
    make_input: Callable[[], ModelInput]


def _model_rules(shapes: list[Shape]) -> str:
    """The documented rules of the request models among `shapes`, as runtime literals."""
    found = {}
    for shape in shapes:
        if shape.rules and shape.model:
            names = {member.name: member.python_name for member in shape.fields}
            found[shape.model] = [rule_literal(rule, names) for rule in shape.rules]
    return json.dumps(found, sort_keys=True)


def model_input(context: ExchangeContext, operation: Operation) -> ModelInput:
    schema, aliases = operation_schema(context, operation)
    rules = _model_rules(context.request_models_of[operation.key])
    return ModelInput(json.dumps(schema), json.dumps(aliases, sort_keys=True), rules)


def shapes_input(context: ExchangeContext) -> ModelInput:
    schema, aliases = shapes_schema(context)
    request = [
        s
        for root in context.exchange.shapes
        if root.shared == "request"
        for s in object_shapes(root, inside_shared=True)
    ]
    return ModelInput(json.dumps(schema), json.dumps(aliases, sort_keys=True), _model_rules(request))


def shapes_job(context: ExchangeContext) -> ModelJob:
    """The shared shapes module reads the shape files and the enum names chosen for them."""
    exchange = context.exchange
    names = " ".join(context.enum_names_of[SHARED_MODELS])
    key = digest(fingerprint(), "shapes", context.module, exchange.spec_digest, exchange.shapes_digest, names)
    return ModelJob(key, partial(shapes_input, context))


def model_job(context: ExchangeContext, operation: Operation) -> ModelJob:
    """`operation_schema` reads the operation, the exchange module's name and the enum names
    chosen for the operation, nothing else: the key is made of exactly those."""
    key = digest(fingerprint(), "models", context.module, context.exchange.spec_digest, *context.inputs_of(operation))
    return ModelJob(key, partial(model_input, context, operation))


def run_model_job(job: ModelInput) -> str:
    """One operation's models, as datamodel-code-generator writes them (unformatted, no header)."""
    if not json.loads(job.schema)["$defs"]:
        return ""
    output = generate(job.schema, aliases=json.loads(job.aliases), custom_file_header="", **DMCG_OPTIONS)
    assert isinstance(output, str)
    rules: dict[str, list[str]] = json.loads(job.rules)
    if not rules:
        return output
    checks = [f"{model}.__sdk_rules__ = ({', '.join(literals)},)" for model, literals in sorted(rules.items())]
    return f"from {RUNTIME}._rules import Rule\n{output}\n\n" + "\n".join(checks) + "\n"


WARM_UP = ModelInput(json.dumps({"$defs": {"Warm": {"type": "object", "properties": {"a": {"type": "string"}}}}}), "{}")


def warm_up() -> None:
    """Pay datamodel-code-generator's first-call cost (about 0.3 s) in a worker, ahead of need."""
    run_model_job(WARM_UP)


def run_model_jobs(jobs: list[ModelJob], cache: BuildCache, pool: Executor | None = None) -> list[str]:
    """Every job's output: from the cache, or computed (by `pool`'s workers when given)."""
    results: list[str | None] = [cache.get_text("models", job.key) for job in jobs]
    missing = [index for index, result in enumerate(results) if result is None]
    inputs = [jobs[index].make_input() for index in missing]
    if pool is not None and missing:
        computed = list(pool.map(run_model_job, inputs, chunksize=max(1, len(missing) // 64)))
    else:
        computed = [run_model_job(job_input) for job_input in inputs]
    for index, text in zip(missing, computed, strict=True):
        results[index] = text
        cache.put_text("models", jobs[index].key, text)
    return [text or "" for text in results]


def _statements(body: str) -> list[tuple[str | None, str]]:
    """The top-level statements of a DMCG output's body: (class name, source with decorators)
    for each class, (None, source) for what follows them (the models' rule assignments)."""
    lines = body.splitlines()
    found: list[tuple[str | None, str]] = []
    for node in ast.parse(body).body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        assert node.end_lineno is not None
        source = "\n".join(lines[first - 1 : node.end_lineno])
        found.append((node.name if isinstance(node, ast.ClassDef) else None, source))
    return found


def assemble_models_module(file_header: str, outputs: list[str]) -> str:
    """One section's models module from its operations' DMCG outputs: every output's imports
    first (the formatter merges and sorts them), then every class, in operation order, then the
    rules attached to them. A model that two operations share (the same name and shape, which
    the loader checks) is written once."""
    preludes: list[str] = []
    classes: dict[str, str] = {}
    after: dict[str, None] = {}
    for output in outputs:
        lines = output.splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith(("class ", "@"))), len(lines))
        preludes += [line for line in lines[:start] if line.strip() and not line.startswith("#")]
        for name, source in _statements("\n".join(lines[start:])):
            if name is None:
                after.setdefault(source)
            else:
                classes.setdefault(name, source)
    future = "from __future__ import annotations"
    imports = [line for line in dict.fromkeys(preludes) if line != future]
    imports.append(f"from {RUNTIME}._models import complete_models")
    body = "\n\n\n".join(classes.values())
    # A model that names one defined further down is incomplete until that one exists: complete
    # them all once the module is, so model_fields and model_json_schema() are right at import.
    trailer = "complete_models(globals())"
    parts = [f"# {file_header}", future, "\n".join(imports), body, "\n".join(after), trailer]
    return "\n\n".join(part for part in parts if part) + "\n"
