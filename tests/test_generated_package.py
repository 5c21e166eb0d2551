"""The generated distribution: passes mypy --strict, installs into a clean virtual environment
with only httpx and pydantic (writing nothing into its own folder), imports one exchange without
the others, and the five calls work."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "generated"


def test_mypy_strict_passes_on_generated(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), "exchange_sdk", "tests"],
        cwd=GENERATED,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


SCRIPT = textwrap.dedent(
    """
    import importlib.metadata, json, sys
    import httpx

    from exchange_sdk.okx import OkxClient

    loaded = sorted({name.split(".")[0] for name in sys.modules})
    assert "exchange_sdk.bitget" not in sys.modules and "exchange_sdk.htx" not in sys.modules, sys.modules.keys()
    for forbidden in ("yaml", "jinja2", "click", "generator", "jsonschema", "datamodel_code_generator"):
        assert forbidden not in loaded, forbidden

    from exchange_sdk.bitget import BitgetClient
    from exchange_sdk.htx import HtxClient

    def serve(body):
        return httpx.MockTransport(lambda request: httpx.Response(200, content=body.encode()))

    okx = OkxClient(api_key="k", secret_key="s", passphrase="p", transport=serve('{"code":"0","msg":"","data":[{"totalEq":"1"}]}'))
    bitget = BitgetClient(api_key="k", secret_key="s", passphrase="p",
                          transport=serve('{"code":"00000","msg":"success","requestTime":1,"data":[]}'))
    bitget_uta = BitgetClient(api_key="k", secret_key="s", passphrase="p",
                              transport=serve('{"code":"00000","msg":"success","requestTime":1,"data":{"accountEquity":"2"}}'))
    htx = HtxClient(api_key="k", secret_key="s", transport=serve('{"code":200,"message":"Success","data":{"equity":"3"},"ts":1}'))
    results = [
        str(okx.account.get_balance(ccy=["BTC", "ETH"])[0].total_eq),
        bitget.contract.get_account_list(product_type="USDT-FUTURES"),
        bitget.contract.get_subaccount_assets(product_type="USDT-FUTURES"),
        str(bitget_uta.uta.get_account_assets().account_equity),
        str(htx.account.get_account_balance().equity),
    ]
    requires = sorted(r.split(">")[0].split("<")[0].split("=")[0] for r in importlib.metadata.requires("exchange-sdk"))
    print(json.dumps({"results": results, "requires": requires}))
    """
)


def _listing(folder: Path) -> list[str]:
    """Every file and folder below `folder`, build leftovers included."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


@pytest.mark.slow
def test_installs_in_a_clean_venv_with_only_its_locked_dependencies_and_writes_nothing_into_its_folder(tmp_path):
    """Installed as users install it (non-editable, then editable), from its locked dependencies
    (requirements/sdk.txt: aiohttp, httpx, pydantic, urllib3 and the build backend): the folder it is installed from
    gains no file (no build/, no *.egg-info), one exchange imports alone, and the five calls work."""
    source = tmp_path / "generated"
    shutil.copytree(GENERATED, source, ignore=shutil.ignore_patterns("__pycache__"))
    before = _listing(source)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = env_dir / "bin" / "python"
    pip = [str(python), "-m", "pip", "--quiet", "--disable-pip-version-check"]

    def run(*arguments: str) -> None:
        result = subprocess.run([*pip, *arguments], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr

    run("install", "--require-hashes", "-r", str(ROOT / "requirements" / "sdk.txt"))
    for editable in ([], ["--editable"]):
        run("install", "--no-deps", "--no-build-isolation", *editable, str(source))
        assert _listing(source) == before, f"pip install {' '.join(editable)} wrote into the package's folder"
        result = subprocess.run([str(python), "-c", SCRIPT], capture_output=True, text=True, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["results"] == ["1", [], [], "2", "3"]
        assert report["requires"] == ["aiohttp", "httpx", "pydantic", "urllib3"]
        run("uninstall", "--yes", "exchange-sdk")
