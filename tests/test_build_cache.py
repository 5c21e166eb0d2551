"""The build cache only saves time: after any edit, a build that reuses the cache of the previous
builds produces exactly what a build without a cache produces.

The edits are the ones that reach across files: an enum in one spec renaming the enum of another
spec (which the other spec's own digest does not show), a shared enum appearing in a second
operation, exchange.yaml changes, and spec files renamed or removed.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cache import NO_CACHE, BuildCache
from generator.errors import SpecError
from generator.loader import load_specs
from generator.output import existing_files
from generator.pipeline import build, generate

ACCOUNT_LIST = "bitget/contract/get_account_list.yaml"
SUBACCOUNT_ASSETS = "bitget/contract/get_subaccount_assets.yaml"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def drop_a_product_type(specs: Path) -> None:
    """get_account_list's ProductType loses a value: it no longer equals get_subaccount_assets'
    enum, so the unchanged get_subaccount_assets gets an enum class of its own."""
    _replace(
        specs / ACCOUNT_LIST,
        "      - {value: SUSDC-FUTURES, description: USDC professional futures demo, demo: true}\n",
        "",
    )


def add_a_second_asset_mode(specs: Path) -> None:
    """get_subaccount_assets gains an assetMode enum with one more value than get_account_list's
    AssetMode: the name is taken, so its class is SubaccountAssetsAssetMode."""
    _replace(
        specs / SUBACCOUNT_ASSETS,
        "    fields:\n",
        "    fields:\n"
        "      - name: assetMode\n"
        "        type: string\n"
        "        description: Assets mode\n"
        "        table: false\n"
        "        enum:\n"
        "          - {value: union, description: Multi-assets mode}\n"
        "          - {value: single, description: Single-assets mode}\n"
        "          - {value: hybrid, description: Hybrid mode}\n",
    )


def drop_the_first_asset_mode(specs: Path) -> None:
    """get_account_list's assetMode stops being an enum: the unchanged get_subaccount_assets'
    models now name their enum AssetMode."""
    _replace(
        specs / ACCOUNT_LIST,
        "        enum:\n"
        "          - {value: union, description: Multi-assets mode}\n"
        "          - {value: single, description: Single-assets mode}\n",
        "",
    )


def restore_the_product_type(specs: Path) -> None:
    _replace(
        specs / ACCOUNT_LIST,
        "      - {value: SCOIN-FUTURES, description: Mixed futures demo, demo: true}\n",
        "      - {value: SCOIN-FUTURES, description: Mixed futures demo, demo: true}\n"
        "      - {value: SUSDC-FUTURES, description: USDC professional futures demo, demo: true}\n",
    )


def change_the_documentation_base(specs: Path) -> None:
    _replace(
        specs / "bitget/exchange.yaml", "https://www.bitget.com/api-doc/\n", "https://www.bitget.com/api-doc/v2/\n"
    )


def change_an_error_code(specs: Path) -> None:
    _replace(specs / "okx/exchange.yaml", "retryable: true", "retryable: false")


def rename_a_spec_file(specs: Path) -> None:
    (specs / SUBACCOUNT_ASSETS).rename(specs / "bitget/contract/subaccount_assets.yaml")


def remove_a_spec_file(specs: Path) -> None:
    (specs / ACCOUNT_LIST).unlink()


EDITS: list[Callable[[Path], None]] = [
    drop_a_product_type,
    add_a_second_asset_mode,
    drop_the_first_asset_mode,
    restore_the_product_type,
    change_the_documentation_base,
    change_an_error_code,
    rename_a_spec_file,
    remove_a_spec_file,
]


def test_edits_the_generated_code_reacts_to_really_change_it(spec_copy: Path) -> None:
    """Guards the test below: each edit changes the uncached output, so none is vacuous."""
    previous = build(spec_copy)
    for edit in EDITS:
        edit(spec_copy)
        current = build(spec_copy)
        assert current != previous, edit.__name__
        previous = current


def test_a_build_from_the_cache_equals_a_build_without_it(spec_copy: Path, tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    build(spec_copy, cache)
    for edit in EDITS:
        edit(spec_copy)
        cache.hits = 0
        cached = build(spec_copy, cache)
        assert cache.hits > 0, f"{edit.__name__}: nothing came from the cache"
        uncached = build(spec_copy, NO_CACHE)
        stale = sorted(path for path in uncached if cached.get(path) != uncached[path])
        assert sorted(cached) == sorted(uncached), edit.__name__
        assert stale == [], f"{edit.__name__}: stale from the cache: {stale}"


def test_an_edit_of_one_spec_renames_what_another_spec_generates(spec_copy: Path) -> None:
    """The cases a cache keyed by each spec's own digest would get wrong: the code generated from
    the unchanged get_subaccount_assets.yaml changes with edits of get_account_list.yaml."""
    section, models = "exchange_sdk/bitget/contract.py", "exchange_sdk/bitget/models/contract.py"
    for other in (spec_copy / "bitget" / "contract").glob("*.yaml"):  # the two specs alone name these enums
        if other.name not in ("get_account_list.yaml", "get_subaccount_assets.yaml"):
            other.unlink()
    drop_a_product_type(spec_copy)
    assert "GetSubaccountAssetsProductType" in build(spec_copy)[section]
    add_a_second_asset_mode(spec_copy)
    assert "SubaccountAssetsAssetMode" in build(spec_copy)[models]
    drop_the_first_asset_mode(spec_copy)
    assert "SubaccountAssetsAssetMode" not in build(spec_copy)[models]


class CountingCache(BuildCache):
    """A BuildCache that counts lookups per namespace."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.lookups: Counter[tuple[str, bool]] = Counter()

    def get_bytes(self, namespace: str, key: str) -> bytes | None:
        value = super().get_bytes(namespace, key)
        self.lookups[(namespace, value is not None)] += 1
        return value


def _move(specs: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(specs, target)
    return target


def test_a_moved_specs_folder_and_another_working_directory_reuse_the_cache(
    spec_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cache keys hold paths relative to the specs folder, never its name or the working directory."""
    out, cache = tmp_path / "out", CountingCache(tmp_path / "cache")
    monkeypatch.chdir(spec_copy.parent)
    generate(spec_copy, out, cache=cache)
    first = existing_files(out)
    moved = _move(spec_copy, tmp_path / "elsewhere" / "renamed-specs")
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert generate(moved, out, cache=cache).cached  # nothing changed: the last run's stamp still holds
    _replace(moved / ACCOUNT_LIST, "under a certain product type", "under one product type")
    cache.lookups.clear()
    generate(moved, out, cache=cache)
    assert cache.lookups[("operations", False)] == 1  # the edited spec only
    assert cache.lookups[("operations", True)] == len(load_specs(moved).operations) - 1
    assert cache.lookups[("models", False)] == 1
    changed = sorted(path for path, content in existing_files(out).items() if first[path] != content)
    assert changed and all(
        path.startswith(
            (
                "exchange_sdk/bitget/",
                "fixtures/bitget/contract/get_account_list",
                "tests/bitget/test_contract_get_account_list",
            )
        )
        for path in changed
    )


def test_errors_from_the_cache_name_the_file_where_it_is_now(
    spec_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = CountingCache(tmp_path / "cache")
    _replace(spec_copy / ACCOUNT_LIST, "method: GET", "method: GOT")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as first:
        generate(spec_copy, tmp_path / "out", cache=cache)
    assert f"specs/{ACCOUNT_LIST}:" in first.value.report()
    moved = _move(spec_copy, tmp_path / "a" / "b" / "my-specs")
    monkeypatch.chdir(tmp_path / "a")
    cache.lookups.clear()
    with pytest.raises(SpecError) as again:
        generate(moved, tmp_path / "out", cache=cache)
    assert cache.lookups[("operations", False)] == 0  # every spec, the broken one too, from the cache
    assert again.value.report() == first.value.report().replace("specs/", "b/my-specs/")
