"""Specs with hostile names and texts: sdkgen either refuses them with a file-and-line error, or
writes code that compiles, imports, passes mypy --strict, keeps every wire name exactly, and holds
spec text only inside strings and docstrings."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tokenize
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hostile_specs import MARK, NASTY_ENUM_VALUES, NASTY_NAMES, NASTY_TEXTS, endpoint, write_tree
from hypothesis import given

from generator import naming
from generator.errors import SpecError
from generator.format import format_files
from generator.loader import load_specs
from generator.output import write_tree as write_output
from generator.render import render_sdk
from generator.render.context import PACKAGE


def generate_files(specs: Path) -> dict[str, str]:
    return format_files(render_sdk(load_specs(specs)), first_party=(PACKAGE,))


def assert_spec_text_only_in_strings(files: dict[str, str]) -> None:
    for path, text in files.items():
        if not path.endswith(".py"):
            continue
        compile(text, path, "exec")  # it parses
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if MARK in token.string:
                assert token.type == tokenize.STRING, (
                    f"{path}:{token.start[0]}: spec text outside a string: {token.string[:80]}"
                )


def _unique_names(names: list[str]) -> list[str]:
    chosen, seen = [], set()
    for name in names:
        python = naming.python_identifier(name)
        if python is not None and python not in seen and python not in ("state", "nested"):
            chosen.append(name)
            seen.add(python)
    return chosen


CHECK_SCRIPT = """
import json, sys
from decimal import Decimal
import httpx
from exchange_sdk.okx import OkxClient

names, params = json.loads(sys.argv[1]), json.loads(sys.argv[2])
body = {"code": "0", "msg": "", "data": [{**{n: str(i) for i, n in enumerate(names)}, "state": "weird",
        "nested": [{n: f"v{i}" for i, n in enumerate(names)}]}]}
seen = []
def answer(request):
    seen.append(request)
    return httpx.Response(200, content=json.dumps(body).encode())
client = OkxClient(api_key="k", secret_key="s", passphrase="p", transport=httpx.MockTransport(answer))
(thing,) = client.hostile.get_hostile_things(**{k: f"value{i}" for i, k in enumerate(params)})


def by_wire(model):
    return {(info.alias or attr): attr for attr, info in type(model).model_fields.items()}


for i, name in enumerate(names):
    assert getattr(thing, by_wire(thing)[name]) == Decimal(i), name
    assert getattr(thing.nested[0], by_wire(thing.nested[0])[name]) == f"v{i}", name
sent = [pair[0] for pair in seen[0].url.params.multi_items()]
print(json.dumps({"sent": sent, "state": str(thing.state)}))
"""


def test_a_nasty_but_valid_spec_generates_sound_code(tmp_path):
    names = _unique_names(NASTY_NAMES)
    texts = NASTY_TEXTS * 5
    params = _unique_names([n for n in NASTY_NAMES if naming.parameter_name(n) not in {"kind_of_thing"}])
    spec = endpoint(
        list(zip(names, texts, strict=False)),
        list(zip(params, texts, strict=False)),
        ["off", "no", "1", "class", "None", '"quoted"', "ünï", "x\\y"],
    )
    files = generate_files(write_tree(tmp_path, spec))
    assert_spec_text_only_in_strings(files)
    out = tmp_path / "generated"
    write_output(files, out)
    python_params = [naming.parameter_name(p) for p in params]
    result = subprocess.run(
        [sys.executable, "-c", CHECK_SCRIPT, json.dumps(names), json.dumps(python_params)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["sent"][: len(params)] == params  # every wire name exactly, in order
    assert report["state"] == "weird"  # an unknown enum value is kept
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy"), "exchange_sdk"],
        capture_output=True,
        text=True,
        cwd=out,
    )
    assert mypy.returncode == 0, mypy.stdout


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (["a-b", "a.b"], "both become the Python name 'a_b'"),
        (["userId", "user_id"], "both become the Python name 'user_id'"),
        (["价格"], "cannot derive a Python name"),
        (["", "x"], "should be non-empty"),
    ],
)
def test_specs_that_cannot_become_python_are_refused_with_file_and_line(tmp_path, fields, words):
    specs = write_tree(tmp_path, endpoint([(name, "text") for name in fields], [], ["a", "b"]))
    with pytest.raises(SpecError) as caught:
        generate_files(specs)
    messages = [str(issue) for issue in caught.value.issues]
    assert any(words in m or "is too short" in m for m in messages), messages
    assert all(":" in m.split(" error")[0] and m.split(":")[1].isdigit() for m in messages), messages


NAME = st.one_of(
    st.sampled_from(NASTY_NAMES),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12),
)
TEXT = st.one_of(
    st.sampled_from(NASTY_TEXTS),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200),
)
ENUM = st.one_of(st.sampled_from(NASTY_ENUM_VALUES), st.text(min_size=1, max_size=10), st.integers(0, 99))


@given(
    fields=st.lists(st.tuples(NAME, TEXT), min_size=1, max_size=5),
    parameters=st.lists(st.tuples(NAME, TEXT), max_size=3),
    enum_values=st.lists(ENUM, min_size=1, max_size=5),
)
def test_any_spec_is_refused_clearly_or_generates_code_that_keeps_text_in_strings(
    tmp_path_factory, fields, parameters, enum_values
):
    root = tmp_path_factory.mktemp("hostile")
    specs = write_tree(root, endpoint(fields, parameters, enum_values))
    try:
        files = generate_files(specs)
    except SpecError as error:
        for issue in error.issues:
            assert issue.location.file.endswith("things.yaml") and issue.location.line > 0, str(issue)
            assert issue.message and "Traceback" not in issue.message
        return
    assert_spec_text_only_in_strings(files)
    out = root / "generated"
    write_output(files, out)
    probe = (
        "import json; from exchange_sdk.okx.models import HostileThing as M; "
        "print(json.dumps(sorted((i.alias or a) for a, i in M.model_fields.items())))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    wire = set(json.loads(result.stdout))
    for name, _text in fields:
        assert name in wire, f"wire name {name!r} lost"
