"""`sdkgen generate`: specs -> spec model -> rendered files -> formatted files -> generated/.

Every stage is a plain function of the previous stage's output; the result depends only on the
specs and the generator's fingerprint (no timestamps, stable ordering, and no path but those
relative to the specs folder: where it lives and where sdkgen runs change nothing). A
content-addressed cache (generator/cache.py) skips the slow steps whose inputs did not change,
and a stamp of the last run's inputs and output makes a run with nothing to do almost free.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.cache import NO_CACHE, BuildCache, digest, fingerprint
from generator.format import format_files
from generator.loader import SPEC_SUFFIXES, load_specs
from generator.output import (
    Comparison,
    ForeignFilesError,
    compare_tree,
    existing_files,
    is_kept,
    keep_patterns,
    recover_interrupted,
    write_tree,
)
from generator.render import render_sdk
from generator.render.context import PACKAGE
from generator.render.models import warm_up

CACHE_FOLDER = ".sdkgen-cache"
POOL_THRESHOLD = 40  # endpoint specs from which worker processes for the models pay off


def default_cache(out_dir: Path) -> BuildCache:
    """The cache beside the output folder (e.g. ./.sdkgen-cache for ./generated)."""
    return BuildCache(out_dir.resolve().parent / CACHE_FOLDER)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The spec model is many small objects that all live until the end: collecting cycles while
    they are being built only rescans them (it tripled the time of loading cached specs)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def build(spec_dir: Path, cache: BuildCache = NO_CACHE, pool: Executor | None = None) -> dict[str, str]:
    """The complete, formatted generated tree for `spec_dir` (relative path -> text)."""
    specs = load_specs(spec_dir, cache)
    files = render_sdk(specs, cache=cache, pool=pool)
    return format_files(files, cache, first_party=(PACKAGE,))


def _model_workers(stack: ExitStack, spec_files: int) -> Executor | None:
    """For large spec trees, worker processes (one per core) that warm datamodel-code-generator up
    while this process loads the specs, then run the model jobs the cache does not hold."""
    workers = os.cpu_count() or 1
    if spec_files < POOL_THRESHOLD or workers < 2:
        return None
    pool = ProcessPoolExecutor(max_workers=workers)
    stack.callback(pool.shutdown, wait=False, cancel_futures=True)  # workers exit while we write
    for _ in range(workers):
        pool.submit(warm_up)
    return pool


def tree_digest(files: dict[str, bytes]) -> str:
    return digest(*(part for path in sorted(files) for part in (path, files[path])))


def spec_files(spec_dir: Path) -> list[Path]:
    return sorted(p for p in spec_dir.rglob("*") if p.suffix in SPEC_SUFFIXES and p.is_file())


def inputs_digest(spec_dir: Path, files: list[Path]) -> str:
    """Everything the output is made from: the spec files (by their paths below `spec_dir`, so a
    moved or copied specs folder has the same digest) and the generator's fingerprint."""
    parts: list[bytes | str] = [fingerprint()]
    for path in files:
        parts += [path.relative_to(spec_dir).as_posix(), path.read_bytes()]
    return digest(*parts)


@dataclass
class Result:
    files: int
    comparison: Comparison
    cached: bool = False  # nothing was rebuilt: the inputs and the output are those of the last run


def generate(spec_dir: Path, out_dir: Path, *, check: bool = False, cache: BuildCache | None = None) -> Result:
    """Regenerate `out_dir` from `spec_dir`, or with `check` only compare. Raises SpecError,
    FormatError or ForeignFilesError; on any error nothing is written."""
    with _gc_paused():
        return _generate(spec_dir, out_dir, check, cache)


def _generate(spec_dir: Path, out_dir: Path, check: bool, cache: BuildCache | None) -> Result:
    cache = default_cache(out_dir) if cache is None else cache
    recover_interrupted(out_dir)
    inputs = spec_files(spec_dir) if spec_dir.is_dir() else []
    stamp_key = inputs_digest(spec_dir, inputs) if cache.root is not None and inputs else None
    on_disk = existing_files(out_dir)
    if stamp_key is not None:
        keep = keep_patterns(out_dir)
        generated = {path: content for path, content in on_disk.items() if not is_kept(path, keep)}
        stamp = cache.get_text("stamps", stamp_key)
        if stamp is not None and stamp == f"{tree_digest(generated)} {len(generated)}":
            return Result(len(generated), Comparison(kept=sorted(set(on_disk) - set(generated))), cached=True)
    with ExitStack() as stack:
        files = build(spec_dir, cache, _model_workers(stack, len(inputs)))
    comparison = compare_tree(files, out_dir, on_disk)
    if not check and comparison.foreign:  # even when all else is up to date: --check would fail
        raise ForeignFilesError(out_dir, comparison.foreign)
    if not check and not comparison.up_to_date:
        write_tree(files, out_dir, comparison)
    if stamp_key is not None and (not check or comparison.clean):  # no foreign files either way
        encoded = {path: text.encode("utf-8") for path, text in files.items()}
        cache.put_text("stamps", stamp_key, f"{tree_digest(encoded)} {len(encoded)}")
    return Result(len(files), comparison)
