"""Response models: JSON Schema emitted from the spec model, turned into pydantic classes by
datamodel-code-generator with every output-affecting option set here, explicitly."""

from __future__ import annotations

import json
from typing import Any

from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate

from generator.model import Field, FieldType, Shape
from generator.render.context import RESPONSE_TYPES, RUNTIME, ExchangeContext, field_description, object_shapes

BASE_CLASS = f"{RUNTIME}._models.ResponseModel"

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


def _property(context: ExchangeContext, member: Field) -> dict[str, Any]:
    schema = _shape_schema(context, member.shape)
    description = field_description(member)
    if description:
        schema["description"] = description
    return schema


def _shape_schema(context: ExchangeContext, shape: Shape) -> dict[str, Any]:
    if shape.enum:
        return {"customTypePath": f"{context.module}.models._enums.{context.enum_of[id(shape)]}"}
    if shape.type is FieldType.OBJECT:
        return {"$ref": f"#/$defs/{shape.model}"}
    if shape.type is FieldType.ARRAY:
        assert shape.items is not None
        return {"type": "array", "items": _shape_schema(context, shape.items)}
    return {"customTypePath": RESPONSE_TYPES[shape.type]}


def section_schema(context: ExchangeContext, section: str) -> tuple[dict[str, Any], dict[str, str | list[str]]]:
    """The JSON Schema of every model of one section, and the field-name aliases for DMCG."""
    definitions: dict[str, Any] = {}
    aliases: dict[str, str | list[str]] = {}
    for operation in context.operations_in(section):
        for shape in object_shapes(operation.response):
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
            definitions[shape.model] = {
                "type": "object",
                "description": description,
                "properties": {member.name: _property(context, member) for member in shape.fields},
            }
            for member in shape.fields:
                key = f"{shape.model}.{member.name}"
                if member.aliases:
                    aliases[key] = [member.python_name, *member.aliases]
                elif member.python_name != member.name:
                    aliases[key] = member.python_name
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": definitions}, aliases


def render_models(context: ExchangeContext, section: str, file_header: str) -> str:
    """The models module of one section, as datamodel-code-generator writes it (unformatted)."""
    schema, aliases = section_schema(context, section)
    if not schema["$defs"]:
        return f"# {file_header}\n"
    output = generate(
        json.dumps(schema, sort_keys=False),
        aliases=aliases,
        custom_file_header=f"# {file_header}",
        **DMCG_OPTIONS,
    )
    assert isinstance(output, str)
    return output
