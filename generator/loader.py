"""Load a specs directory into the spec model, or fail with every problem found.

Layout: `<specs>/<exchange>/exchange.yaml`, the exchange's shared shapes in
`<specs>/<exchange>/shapes/*.yaml`, and any number of endpoint specs (`*.yaml`) in other folders
below it. Folders whose names start with `_` or `.` (such as `_schema`) are not specs.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import cast

from generator.build import build_exchange, build_operation, build_shapes
from generator.cache import NO_CACHE, BuildCache, digest, fingerprint
from generator.errors import Location, SpecError, SpecIssue, display_path
from generator.model import Exchange, FieldType, Operation, ParameterLocation, Shape, SpecSet
from generator.schema import SpecKind, validate
from generator.yamlread import YamlDocument, YamlReadError, read_yaml

EXCHANGE_FILE = "exchange.yaml"
SHAPES_FOLDER = "shapes"
SPEC_SUFFIXES = (".yaml", ".yml")
RESERVED_SECTIONS = {"close", "aclose", "sync_time", "with_raw_response"}


def _skipped(path: Path, root: Path) -> bool:
    return any(part.startswith(("_", ".")) for part in path.relative_to(root).parts[:-1])


def discover(spec_dir: Path) -> tuple[dict[Path, list[Path]], list[SpecIssue]]:
    """Exchange folders with their endpoint spec files (sorted), and misplaced files."""
    issues: list[SpecIssue] = []
    if not spec_dir.is_dir():
        return {}, [SpecIssue(Location(display_path(spec_dir)), "the specs directory does not exist")]
    folders: dict[Path, list[Path]] = {}
    for candidate in sorted(spec_dir.iterdir()):
        if candidate.is_dir() and not candidate.name.startswith(("_", ".")) and (candidate / EXCHANGE_FILE).is_file():
            folders[candidate] = []
    for path in sorted(p for p in spec_dir.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file()):
        if _skipped(path, spec_dir):
            continue
        relative = path.relative_to(spec_dir)
        owner = spec_dir / relative.parts[0] if len(relative.parts) > 1 else None
        if owner in folders:
            if path.name != EXCHANGE_FILE:
                folders[owner].append(path)
            continue
        issues.append(
            SpecIssue(
                Location(display_path(path)),
                f"this spec is not inside an exchange folder (a folder of {display_path(spec_dir)} with an {EXCHANGE_FILE})",
            )
        )
    if not folders and not issues:
        issues.append(SpecIssue(Location(display_path(spec_dir)), f"no exchange folders (none has an {EXCHANGE_FILE})"))
    return folders, issues


class _Sources:
    """How messages name the files under the specs directory (see `display_path`), with the
    directory resolved once: resolving every file cost a twentieth of a one-spec regeneration."""

    def __init__(self, spec_dir: Path) -> None:
        self._spec_dir = spec_dir
        self._shown = Path(display_path(spec_dir))

    def of(self, path: Path) -> str:
        return str(self._shown / path.relative_to(self._spec_dir))


def _is_shape(path: Path, folder: Path) -> bool:
    return path.parent == folder / SHAPES_FOLDER


def _read(path: Path, source: str, kind: SpecKind, issues: list[SpecIssue]) -> YamlDocument | None:
    try:
        document = read_yaml(path, source)
    except YamlReadError as exc:
        issues.append(exc.issue)
        return None
    if not isinstance(document.data, dict):
        issues.append(SpecIssue(Location(document.positions.file, 1, 1), f"a {kind} spec must be a YAML mapping"))
        return None
    found = validate(document.data, kind, document.positions)
    issues.extend(found)
    return None if found else document


def _load_operation(
    path: Path,
    spec_dir: Path,
    sources: _Sources,
    exchange: Exchange,
    exchange_bytes: bytes,
    issues: list[SpecIssue],
    cache: BuildCache,
) -> Operation | None:
    """One endpoint spec, built; from the cache when neither it nor its exchange.yaml changed.

    The entry is keyed by the file's path below the specs folder; the path messages show (which
    depends on the working directory) is stored apart from it and put back on the way out."""
    source = sources.of(path)
    spec_path = path.relative_to(spec_dir).as_posix()
    try:
        raw = path.read_bytes()
    except OSError:
        raw = b""
    key = digest(fingerprint(), spec_path, raw, exchange_bytes, exchange.shapes_digest)
    shown = {"source": source}
    cached = cache.get_object("operations", key, strings=shown)
    if cached is not None:
        cached_operation, cached_issues = cached
        issues.extend(cached_issues)
        return cast(Operation | None, cached_operation)
    found: list[SpecIssue] = []
    endpoint = _read(path, source, "endpoint", found)
    operation = None
    if endpoint is not None:
        built = build_operation(endpoint.data, endpoint.positions, found, exchange, source)
        operation = replace(built, spec_path=spec_path, spec_digest=digest(raw))
    if raw:
        cache.put_object("operations", key, (operation, found), strings=shown)
    issues.extend(found)
    return operation


def load_specs(spec_dir: Path, cache: BuildCache = NO_CACHE) -> SpecSet:
    """Read, validate and build every spec under `spec_dir`. Raises SpecError listing all problems."""
    folders, issues = discover(spec_dir)
    sources = _Sources(spec_dir)
    exchanges: list[Exchange] = []
    for folder, endpoint_files in folders.items():
        exchange_path = folder / EXCHANGE_FILE
        document = _read(exchange_path, sources.of(exchange_path), "exchange", issues)
        if document is None:
            for path in endpoint_files:  # still report their own problems
                _read(path, sources.of(path), "shape" if _is_shape(path, folder) else "endpoint", issues)
            continue
        exchange = build_exchange(document.data, document.positions, issues, folder.name)
        exchange_bytes = exchange_path.read_bytes()
        shape_files = [path for path in endpoint_files if _is_shape(path, folder)]
        shapes = []
        for path in shape_files:
            shape_document = _read(path, sources.of(path), "shape", issues)
            if shape_document is not None:
                shapes.append((shape_document.data, shape_document.positions))
        exchange = replace(
            exchange,
            source=sources.of(exchange_path),
            spec_digest=digest(exchange_bytes),
            shapes=build_shapes(shapes, issues),
            shapes_digest=digest(*(part for path in shape_files for part in (path.name, path.read_bytes()))),
            shape_sources=tuple(path.relative_to(spec_dir).as_posix() for path in shape_files),
        )
        operations: list[Operation] = []
        for path in (path for path in endpoint_files if not _is_shape(path, folder)):
            operation = _load_operation(path, spec_dir, sources, exchange, exchange_bytes, issues, cache)
            if operation is not None:
                operations.append(operation)
        _check_exchange(exchange, operations, issues)
        operations.sort(key=lambda op: (op.section, op.name))
        exchanges.append(replace(exchange, operations=tuple(operations)))
    if issues:
        raise SpecError(issues)
    return SpecSet(tuple(sorted(exchanges, key=lambda e: e.id)))


def _models(shape: Shape, *, inside_shared: bool = False) -> list[Shape]:
    """The object shapes that become model classes; those of a shared shape only with
    `inside_shared` (they are defined once, for the exchange)."""
    if shape.shared and not inside_shared:
        return []
    found = [shape] if shape.model and (shape.fields or shape.type is FieldType.OBJECT) else []
    for field in shape.fields:
        found += _models(field.shape)
    if shape.items is not None:
        found += _models(shape.items)
    return found


def _check_exchange(exchange: Exchange, operations: list[Operation], issues: list[SpecIssue]) -> None:
    """What only the whole exchange shows: duplicate operations, endpoints and model names."""
    by_name: dict[str, Operation] = {}
    by_route: dict[tuple[str, str], Operation] = {}
    models: dict[str, tuple[Shape, str]] = {}
    for shared in exchange.shapes:
        for shape in _models(shared, inside_shared=True):
            assert shape.model is not None
            models.setdefault(shape.model, (shape, f"the shared shape {shared.model}"))
    for op in operations:
        first = by_name.setdefault(op.key, op)
        if first is not op:
            issues.append(
                SpecIssue(
                    op.location,
                    f"operation name '{op.name}' is already used in section '{op.section}' by {first.source}; "
                    "set `operation` to a unique name",
                )
            )
        route = (op.method, op.path)
        first = by_route.setdefault(route, op)
        if first is not op:
            issues.append(SpecIssue(op.location, f"{op.method} {op.path} is already specified in {first.source}"))
        if op.section in RESERVED_SECTIONS:
            issues.append(
                SpecIssue(op.location, f"section name '{op.section}' is reserved by the client's own methods")
            )
        body = [p.shape for p in op.parameters if p.location_in is ParameterLocation.BODY]
        for shape in [model for root in [op.response, *body] for model in _models(root)]:
            assert shape.model is not None
            seen = models.setdefault(shape.model, (shape, op.source))
            if seen[0] is not shape and seen[0] != shape:
                issues.append(
                    SpecIssue(
                        shape.location,
                        f"model name '{shape.model}' is already used for a different shape in {seen[1]}; "
                        "set `model` to a unique name",
                    )
                )
