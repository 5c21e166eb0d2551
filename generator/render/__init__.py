"""Render the whole generated tree (relative path -> text) from the spec model. Writes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import jinja2

from generator import naming
from generator.cache import NO_CACHE, BuildCache, digest, fingerprint
from generator.model import Exchange, FieldType, Operation, PaginationStyle, Parameter, Scope, SpecSet
from generator.examples import path_pattern
from generator.render import testcases
from generator.render.coverage import coverage_markdown
from generator.render.context import (
    EVERY_SPEC,
    PACKAGE,
    RUNTIME,
    SHARED_MODELS,
    ExchangeContext,
    build_exchange_context,
    header,
    ordered_parameters,
    parameter_default,
    parameter_doc,
    parameter_type,
    rate_limit_text,
    request_model,
    response_annotation,
    response_models,
    rule_literal,
    rules_doc,
)
from generator.render.models import ModelJob, assemble_models_module, model_job, run_model_jobs, shapes_job
from generator.resources import RUNTIME_FILES, TEMPLATES, TEST_SUPPORT

SDK_VERSION = "0.1.0"


_CONTROL = {code: f"\\x{code:02x}" for code in range(32) if chr(code) not in "\n\t"}
_CONTROL[0x7F] = "\\x7f"


def _docstring_text(text: str) -> str:
    """Spec text made safe inside a triple-quoted (non-raw) string: backslashes, quotes and control
    characters escaped, so that no spec text can end the string or become code."""
    escaped = text.replace("\\", "\\\\").translate(_CONTROL).replace('"""', '\\"\\"\\"')
    return escaped[:-1] + '\\"' if escaped.endswith('"') else escaped


def _python_literal(value: Any) -> str:
    return repr(value)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["py"] = _python_literal
    env.filters["doc"] = _docstring_text
    return env


@dataclass
class _SectionView:
    name: str
    sync_class: str
    async_class: str
    raw_class: str
    async_raw_class: str
    operations: Iterable[dict[str, Any]]
    models: list[str]  # of this section's models module
    shared_models: list[str]  # of the exchange's shared shapes module
    enums: list[str]
    pages: bool  # an operation of the section pages (it has iter_ methods)
    item_results: bool  # an operation of the section has per-item results


def _paging_doc(operation: Operation) -> str:
    """How an iterator pages, in words (Python names)."""
    pagination = operation.pagination
    assert pagination is not None
    names = {p.name: p.python_name for p in operation.parameters}
    argument = names[pagination.parameter]
    if pagination.style is PaginationStyle.PAGE:
        text = f"`{argument}` counts pages from {pagination.first_page}"
    else:
        items = operation.response.items
        assert items is not None and pagination.item_field is not None
        item_field = items.field(pagination.item_field)
        assert item_field is not None
        step = f" {pagination.step:+d}" if pagination.step else ""
        text = f"`{argument}` is the last item's `{item_field.python_name}`{step} for the next page"
    if pagination.size_parameter:
        default = f", default {pagination.default_size}" if pagination.default_size else ""
        text += f"; a page shorter than `{names[pagination.size_parameter]}`{default} is the last"
    return f'{text} (the page: "{" ".join(pagination.text.split())}").'


def _method_docstring(
    exchange: Exchange, operation: Operation, context: ExchangeContext, *, iterator: bool = False
) -> str:
    """The docstring of an endpoint's method, or (`iterator`) of its iter_ method."""
    if iterator:
        title = f"{operation.title}: every item, page after page (see `{operation.name}` for one page)."
    else:
        title = f"{operation.title}."
    lines = [title, "", " ".join(operation.description.split()), ""]
    signed = "signed" if operation.is_private else "public"
    lines.append(f"{operation.method} {operation.path} ({signed})")
    limit = rate_limit_text(exchange, operation)
    if limit:
        lines.append(f"Rate limit: {limit}")
    permission = operation.permission
    wording = f' (page: "{permission.text}")' if permission.text else " (not stated on the page)"
    lines.append(f"Permission: {permission.level}{wording}")
    lines.append(f"Documentation: {operation.doc_url}")
    if operation.pagination is not None:
        lines.append(
            f"Pages: {_paging_doc(operation)}"
            if iterator
            else f"Pages: `{naming.iterator_name(operation.name)}()` iterates over every page."
        )
    if operation.notes:
        lines += ["", "Notes:"] + [f"    - {' '.join(note.split())}" for note in operation.notes]
    parameters = ordered_parameters(operation)
    if operation.rules:
        names = {p.name: p.python_name for p in operation.parameters}
        lines += ["", "Rules (checked before sending):"] + [
            f"    - {line}" for line in rules_doc(operation.rules, names)
        ]
    lines += ["", "Args:"]
    for parameter in parameters:
        lines.append(f"    {parameter.python_name}: {parameter_doc(parameter)}")
    if iterator:
        lines.append("    max_items: Stop after this many items; default: every page, until the last.")
    lines += [
        "    timeout: Seconds (or an httpx.Timeout) for each wait for the network; default: the client's.",
        "    deadline: Seconds this call may take in all, retries and waits included; default: the client's.",
        "    max_retries: Retries of this call after transient failures; default: the client's.",
        "    extra_headers: More headers to send (and sign) with this call.",
        "    extra_query: More query parameters to send (and sign) with this call.",
    ]
    if iterator:
        assert operation.response.items is not None
        item = response_annotation(operation.response.items)
        lines += [
            "",
            "Yields:",
            f"    {item}: each item of each page's `{exchange.envelope_of(operation).data}`, in order.",
        ]
    else:
        lines += [
            "",
            "Returns:",
            f"    {response_annotation(operation.response)}: the envelope's `{exchange.envelope_of(operation).data}`.",
        ]
    lines += [
        "",
        "Raises:",
        "    RequestValidationError: an argument is rejected before anything is sent.",
        '    ClientRateLimitError: with rate_limit="raise", the call would exceed a documented limit',
        "        (also when waiting for it would outlast the deadline).",
    ]
    if operation.is_private:
        lines.append("    MissingCredentialsError: credentials are not set.")
    if operation.item_results is not None:
        results = operation.item_results
        failed = (
            f"an item's `{results.code}` is not {' or '.join(results.success_codes)}"
            if results.success_codes
            else f"an item carries a `{results.code}` (a carried-out item has none)"
        )
        lines += [
            f"    PartialFailureError: {failed}; `.results` holds every item,",
            "        `.failures` the failed ones with their codes and messages.",
        ]
    lines += [
        "    APIError: the exchange answered with an error code; the subclass (AuthenticationError,",
        "        PermissionDeniedError, RateLimitError, InvalidParameterError, TimestampError, ServerError,",
        "        ...) follows the exchange's error table.",
        "    APIConnectionError: no response (APITimeoutError on a timeout or when the deadline passed).",
        "    ResponseValidationError: the body is not what the spec describes.",
    ]
    return "\n".join(lines)


def _parameter_view(context: ExchangeContext, parameter: Parameter) -> dict[str, Any]:
    shape = parameter.shape
    items = shape.items if shape.type is FieldType.ARRAY else None
    enum_source = items if items is not None and items.enum else shape
    return {
        "name": parameter.name,
        "python_name": parameter.python_name,
        "location": parameter.location_in.value,
        "kind": shape.type.value,
        "required": parameter.required,
        "list_style": parameter.list_style.value if parameter.list_style else None,
        "max_items": parameter.max_items if parameter.list_style else shape.max_items,
        "enum": sorted({str(w) for v in enum_source.enum for w in (v.value, *v.aliases)}),
        "model": request_model(shape),
        "items_kind": items.type.value if items is not None else None,
        "whole_body": parameter.whole_body,
        "annotation": parameter_type(context, parameter),
        "default": parameter_default(parameter),
    }


def _operation_view(exchange: Exchange, operation: Operation, context: ExchangeContext) -> dict[str, Any]:
    views = {parameter.python_name: _parameter_view(context, parameter) for parameter in operation.parameters}
    return {
        "name": operation.name,
        "constant": operation.name.upper(),
        "method": operation.method,
        "path": operation.path,
        "private": operation.is_private,
        "doc_url": operation.doc_url,
        "returns": response_annotation(operation.response),
        "params": [views[parameter.python_name] for parameter in ordered_parameters(operation)],  # the signature
        "wire_params": list(views.values()),  # the documentation's order: the order sent
        "docstring": _method_docstring(exchange, operation, context),
        "idempotent": operation.method == "GET" or operation.idempotent,
        "limits": _limits(exchange, operation),
        "rules": [
            rule_literal(rule, {p.name: p.python_name for p in operation.parameters}) for rule in operation.rules
        ],
        **_paging_view(exchange, operation, context),
        "item_results": _item_results_literal(operation),
        "family": operation.family,
        "data_member": operation.data_member,
    }


def _item_results_literal(operation: Operation) -> str | None:
    """The runtime's ItemResults of an operation, naming the items' attributes by Python name."""
    results = operation.item_results
    if results is None:
        return None
    items = operation.response.items if operation.response.type is FieldType.ARRAY else operation.response
    assert items is not None
    code, message = items.field(results.code), items.field(results.message)
    assert code is not None and message is not None
    success = ", ".join(repr(c) for c in results.success_codes)
    success_set = f"frozenset({{{success}}})" if success else "frozenset()"
    envelope = ", ".join(repr(c) for c in results.envelope_codes)
    return (
        f"ItemResults({code.python_name!r}, {message.python_name!r}, "
        f"success_codes={success_set}, envelope_codes=frozenset({{{envelope}}}))"
    )


def _paging_view(exchange: Exchange, operation: Operation, context: ExchangeContext) -> dict[str, Any]:
    """What the section needs of an operation's paging: the runtime's Pagination and the iterator."""
    pagination = operation.pagination
    if pagination is None:
        return {"pagination": None}
    items = operation.response.items
    assert items is not None
    names = {p.name: p.python_name for p in operation.parameters}
    item_field = items.field(pagination.item_field) if pagination.item_field else None
    arguments = [f"{pagination.style.value!r}", repr(names[pagination.parameter])]
    if item_field is not None:
        arguments.append(f"item_field={item_field.python_name!r}")
    if pagination.size_parameter:
        arguments.append(f"size_argument={names[pagination.size_parameter]!r}")
    if pagination.default_size is not None:
        arguments.append(f"default_size={pagination.default_size!r}")
    if pagination.style is PaginationStyle.PAGE and pagination.first_page != 1:
        arguments.append(f"first_page={pagination.first_page!r}")
    if pagination.step:
        arguments.append(f"step={pagination.step!r}")
    return {
        "pagination": f"Pagination({', '.join(arguments)})",
        "iterator": naming.iterator_name(operation.name),
        "item": response_annotation(items),
        "iterator_docstring": _method_docstring(exchange, operation, context, iterator=True),
    }


def _limits(exchange: Exchange, operation: Operation) -> list[dict[str, Any]]:
    """The runtime's buckets for one operation: its own limit, then each shared bucket."""
    limits = []
    own = operation.rate_limit
    if own.count is not None and own.window_seconds is not None:
        key = f"{exchange.id}.{operation.section}.{operation.name}"
        options = []
        if own.scope is not None and own.scope is not Scope.UID:
            options.append(f"scope={own.scope.value!r}")
        if own.instrument is not None:
            options.append(f"instrument={own.instrument!r}")
        if own.per_item is not None:
            counted = next(p for p in operation.parameters if p.name == own.per_item)
            options.append(f"per_item={('' if counted.whole_body else own.per_item)!r}")
        limits.append({"key": key, "count": own.count, "window": own.window_seconds, "options": options})
    for name in own.buckets:
        bucket = exchange.bucket(name)
        assert bucket is not None  # the loader checked every reference
        options = [f"scope={bucket.scope.value!r}"] if bucket.scope is not Scope.UID else []
        limits.append(
            {
                "key": f"{exchange.id}:{bucket.name}",
                "count": bucket.count,
                "window": bucket.window_seconds,
                "options": options,
            }
        )
    return limits


def _section_enums(context: ExchangeContext, operations: list[Operation]) -> list[str]:
    names = set()
    for operation in operations:
        for parameter in operation.parameters:
            if parameter.shape.enum:
                names.add(context.enum_of[id(parameter.shape)])
    return sorted(names)


class _LazyViews:
    """The operation views of a section, computed only when a template iterates them (a cached
    section module never needs them)."""

    def __init__(self, exchange: Exchange, operations: list[Operation], context: ExchangeContext) -> None:
        self._args = (exchange, operations, context)
        self._views: list[dict[str, Any]] | None = None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._views is None:
            exchange, operations, context = self._args
            self._views = [_operation_view(exchange, op, context) for op in operations]
        return iter(self._views)


def _section_key(context: ExchangeContext, section: str, operations: list[Operation]) -> str:
    """What a section module depends on: its operations' inputs and its exchange."""
    return digest(
        fingerprint(),
        "section",
        context.exchange.spec_digest,
        section,
        *(part for op in operations for part in context.inputs_of(op)),
    )


def render_exchange(
    env: jinja2.Environment, exchange: Exchange, cache: BuildCache = NO_CACHE
) -> tuple[dict[str, str], dict[str, tuple[str, list[ModelJob]]]]:
    """The exchange's files, and per models module its header and the jobs whose outputs make it."""
    context = build_exchange_context(exchange)
    base = f"{PACKAGE}/{exchange.id}"
    sync_class, async_class = naming.client_classes(exchange.class_prefix)
    common = {
        "exchange": exchange,
        "runtime": RUNTIME,
        "module": context.module,
        "sync_class": sync_class,
        "async_class": async_class,
    }
    all_sources = context.sources_of(list(exchange.operations))
    files: dict[str, str] = {}
    jobs: dict[str, tuple[str, list[ModelJob]]] = {}
    sections = []
    for section in exchange.sections:
        operations = context.operations_in(section)
        section_header = header(context.sources_of(operations))
        used = sorted(
            {m for op in operations for m in response_models(op.response)}
            | {m for op in operations for p in op.parameters if (m := request_model(p.shape))}
        )
        classes = naming.section_classes(section)
        view = _SectionView(
            name=section,
            sync_class=classes.sync,
            async_class=classes.asynchronous,
            raw_class=classes.raw,
            async_raw_class=classes.async_raw,
            operations=_LazyViews(exchange, operations, context),
            models=[name for name in used if context.model_section.get(name) != SHARED_MODELS],
            shared_models=[name for name in used if context.model_section.get(name) == SHARED_MODELS],
            enums=_section_enums(context, operations),
            pages=any(op.pagination is not None for op in operations),
            item_results=any(op.item_results is not None for op in operations),
        )
        sections.append((view, [op.name for op in operations]))
        key = _section_key(context, section, operations)
        text = cache.get_text("rendered", key)
        if text is None:
            text = env.get_template("exchange/section.py.jinja").render(common, header=section_header, section=view)
            cache.put_text("rendered", key, text)
        files[f"{base}/{section}.py"] = text
        jobs[f"{base}/models/{section}.py"] = (section_header, [model_job(context, op) for op in operations])
    if exchange.shapes:
        shapes_header = header([context.exchange_source, *exchange.shape_sources])
        jobs[f"{base}/models/{SHARED_MODELS}.py"] = (shapes_header, [shapes_job(context)])
    section_summaries = [{**vars(view), "operations": names} for view, names in sections]
    exchange_header = header([context.exchange_source])
    files[f"{base}/_profile.py"] = env.get_template("exchange/_profile.py.jinja").render(common, header=exchange_header)
    files[f"{base}/_client.py"] = env.get_template("exchange/_client.py.jinja").render(
        common, header=header(all_sources) if len(all_sources) <= 8 else exchange_header, sections=section_summaries
    )
    files[f"{base}/__init__.py"] = env.get_template("exchange/__init__.py.jinja").render(common, header=exchange_header)
    files[f"{base}/models/_enums.py"] = env.get_template("exchange/enums.py.jinja").render(
        common, header=exchange_header, enums=list(context.enums.values())
    )
    names = sorted(
        [(name, section) for name, section in context.model_section.items()]
        + [(name, "_enums") for name in context.enums]
    )
    files[f"{base}/models/__init__.py"] = env.get_template("exchange/models_init.py.jinja").render(
        common, header=exchange_header, names=names, package=f"{context.module}.models"
    )
    for operation in exchange.operations:
        key = digest(fingerprint(), "tests", exchange.spec_digest, *context.inputs_of(operation))
        produced = cache.get_object("rendered-tests", key)
        if produced is None:
            produced = _render_operation_tests(env, exchange, context, common, operation)
            cache.put_object("rendered-tests", key, produced)
        files.update(produced)
    return files, jobs


AUTH_QUERY = ["AccessKeyId", "Signature", "SignatureMethod", "SignatureVersion", "Timestamp"]


def _render_operation_tests(
    env: jinja2.Environment,
    exchange: Exchange,
    context: ExchangeContext,
    common: dict[str, Any],
    operation: Operation,
) -> dict[str, str]:
    """The generated test module of one operation and its fixtures."""
    files: dict[str, str] = {}
    host = exchange.family_of(operation).production_host.split("://", 1)[1].split("/", 1)[0]
    source_header = header([context.source(operation)])
    responses = testcases.response_cases(exchange, operation, context)
    requests = testcases.request_cases(operation)
    for index, _example in enumerate(operation.response_examples):
        files[f"fixtures/{testcases.fixture_name(operation, f'response_{index}')}"] = testcases.response_fixture(
            f"{source_header} (examples.responses[{index}])", operation, index
        )
    for index, case in enumerate(requests):
        files[f"fixtures/{testcases.fixture_name(operation, f'request_{index}')}"] = testcases.request_fixture(
            f"{source_header} (examples.requests[{index}])", operation, case, index
        )
    minimal = testcases.fixture_name(operation, "minimal_response")
    files[f"fixtures/{minimal}"] = testcases.minimal_fixture(source_header, exchange, operation)
    files[f"tests/{exchange.id}/test_{operation.section}_{operation.name}.py"] = env.get_template(
        "tests/test_operation.py.jinja"
    ).render(
        common,
        header=source_header,
        op=operation,
        host=host,
        responses=responses,
        op_has_partial_examples=any(case.failed_items for case in responses),
        requests=requests,
        paging=testcases.paging_cases(exchange, operation, responses),
        iterator=naming.iterator_name(operation.name),
        path_pattern=path_pattern(operation.path),
        default_arguments=repr(testcases.default_arguments(operation)),
        minimal_fixture=minimal,
        auth_query_names=AUTH_QUERY,
    )
    return files


def render_sdk(specs: SpecSet, cache: BuildCache = NO_CACHE, pool: Executor | None = None) -> dict[str, str]:
    """Every generated file, unformatted: relative path -> text."""
    env = environment()
    all_header = header([EVERY_SPEC])
    files: dict[str, str] = {
        "pyproject.toml": env.get_template("package/pyproject.toml.jinja").render(
            header=all_header, version=SDK_VERSION, exchanges=specs.exchanges
        ),
        "README.md": env.get_template("package/README.md.jinja").render(
            header=all_header, exchanges=specs.exchanges, coverage=coverage_markdown(specs)
        ),
        f"{PACKAGE}/__init__.py": env.get_template("package/__init__.py.jinja").render(
            header=all_header, runtime=RUNTIME, package=PACKAGE, version=SDK_VERSION, exchanges=specs.exchanges
        ),
        f"{PACKAGE}/py.typed": "# DO NOT EDIT: generated by sdkgen. Marks exchange_sdk as typed (PEP 561).\n",
        "tests/conftest.py": env.get_template("tests/conftest.py.jinja").render(header=all_header),
        "tests/test_models.py": env.get_template("tests/test_models.py.jinja").render(
            header=all_header, package=PACKAGE, exchanges=[exchange.id for exchange in specs.exchanges]
        ),
    }
    support = TEST_SUPPORT.read_text(encoding="utf-8")
    files["tests/sdk_test_support.py"] = (
        f"# DO NOT EDIT: copied by sdkgen from templates/tests/sdk_test_support.py\n{support}"
    )
    for path in sorted(RUNTIME_FILES.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        files[f"{PACKAGE}/_runtime/{path.name}"] = (
            f"# DO NOT EDIT: copied by sdkgen from templates/runtime/{path.name}\n{text}"
        )
    modules: dict[str, tuple[str, list[ModelJob]]] = {}
    for exchange in specs.exchanges:
        exchange_files, exchange_modules = render_exchange(env, exchange, cache)
        files.update(exchange_files)
        modules.update(exchange_modules)
    # A models module is assembled again only when one of its operations' outputs changed:
    # assembling parses every output, which cost a third of a one-spec regeneration at 1000 endpoints.
    module_keys = {
        path: digest(fingerprint(), "models-module", header, *(job.key for job in module_jobs))
        for path, (header, module_jobs) in modules.items()
    }
    stale = []
    for module_path in sorted(modules):
        assembled = cache.get_text("models-modules", module_keys[module_path])
        if assembled is None:
            stale.append(module_path)
        else:
            files[module_path] = assembled
    jobs = [job for module_path in stale for job in modules[module_path][1]]
    outputs = iter(run_model_jobs(jobs, cache, pool))
    for module_path in stale:
        file_header, module_jobs = modules[module_path]
        files[module_path] = assemble_models_module(file_header, [next(outputs) for _ in module_jobs])
        cache.put_text("models-modules", module_keys[module_path], files[module_path])
    return dict(sorted(files.items()))
