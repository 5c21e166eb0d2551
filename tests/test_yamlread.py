"""The YAML reader: safe, YAML 1.2 scalars, positions, and bounded on hostile input, with the
same data and the same errors whether libyaml reads the file or PyYAML's pure-Python parser."""

from __future__ import annotations

import pytest
import yaml

from generator import yamlread
from generator.yamlread import YamlReadError, parse_yaml

PARSERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "pure-python": yaml.SafeLoader}


@pytest.fixture(params=sorted(PARSERS), autouse=True)
def parser(request, monkeypatch):
    """Every test runs with libyaml as the first reader, and again with the pure-Python parser alone."""
    loader = PARSERS[request.param]
    if loader is None:
        pytest.skip("this PyYAML is built without libyaml")
    monkeypatch.setattr(yamlread, "FAST_PARSER", loader)
    return request.param


def test_plain_scalars_follow_yaml_1_2():
    data = parse_yaml(b"a: off\nb: no\nc: true\nd: 010\ne: 1.5\nf: ~\ng: '1'\n", "x.yaml").data
    assert data == {"a": "off", "b": "no", "c": True, "d": 10, "e": 1.5, "f": None, "g": "1"}


def test_positions_of_keys_and_values():
    document = parse_yaml(b"a:\n  - x: 1\n    y: [1, 2]\n", "x.yaml")
    assert str(document.positions.of_value(("a", 0, "y", 1))) == "x.yaml:3:12"
    assert str(document.positions.of_key(("a", 0, "y"))) == "x.yaml:3:5"
    assert str(document.positions.of_value(("a", 0, "missing"))) == "x.yaml:2:5"


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (b"a: 1\na: 2\n", "x.yaml:2:1", "duplicate key 'a' (first defined on line 1)"),
        (b"a: !!python/object/apply:os.system ['true']\n", "x.yaml:1:4", "is not allowed in a spec (only plain data)"),
        (b"a: [\n", "x.yaml:2:1", "invalid YAML: "),
        (b"a: b\n\xff\n", "x.yaml:2:1", "the file is not UTF-8 text (byte 0xff)"),
        (b"a: \x00\n", "x.yaml:1:4", "character 0x0000 is not allowed in YAML"),
        (b"a: ok\nb: x\x1by\n", "x.yaml:2:5", "character 0x001b is not allowed in YAML"),
        (b"[" * 200, "x.yaml:1:65", "nesting deeper than 64 levels"),
        (b"[" * 5000, "x.yaml:1:65", "nesting deeper than 64 levels"),
        (b"a:\n" + b"".join(b" " * i + b"b:\n" for i in range(1, 80)), "x.yaml:65:65", "nesting deeper than 64 levels"),
        (b"a: 1\n---\nb: 2\n", "x.yaml:2:1", "a spec file holds one YAML document"),
        (b"a: *nothing\n", "x.yaml:1:4", "alias *nothing refers to no anchor defined before it"),
    ],
)
def test_bad_input_gets_a_located_error(text, where, words):
    with pytest.raises(YamlReadError) as caught:
        parse_yaml(text, "x.yaml")
    assert str(caught.value.issue.location) == where
    assert words in caught.value.issue.message


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(YamlReadError) as caught:
        parse_yaml("\n".join(lines).encode(), "bomb.yaml")
    assert "expands to more than" in caught.value.issue.message


HOSTILE = pytest.mark.parametrize(
    ("text", "words"),
    [
        (b"a: " + b"x" * (5 * 1024 * 1024), "a spec may be at most"),
        (b"a: " + b"[" * 5000 + b"]" * 5000, "nesting deeper than 64"),
        (b"a: " + b"{a: " * 2000 + b"}" * 2000, "nesting deeper than 64"),
        (b"[" + b"a, " * 1_300_000 + b"\n: ]", "expands to more than"),
        (
            b"\n".join(
                [b"a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
                + [f"a{i}: &a{i} [".encode() + b", ".join([f"*a{i - 1}".encode()] * 10) + b"]" for i in range(1, 12)]
            ),
            "expands to more than",
        ),
        (bytes(range(256)) * 100, "not UTF-8"),
    ],
    ids=["huge", "deep", "deep-mapping", "many-values", "alias-bomb", "binary"],
)


@HOSTILE
def test_hostile_yaml_fails_in_bounded_time(text, words):
    import time

    started = time.perf_counter()
    with pytest.raises(YamlReadError) as caught:
        parse_yaml(text, "x.yaml")
    assert words in caught.value.issue.message
    assert time.perf_counter() - started < 5.0


@HOSTILE
@pytest.mark.parametrize("parser", ["libyaml"], indirect=True)  # then the pure-Python parser (tracing is slow)
def test_hostile_yaml_fails_in_bounded_memory(text, words):
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(YamlReadError) as caught:
            parse_yaml(text, "x.yaml")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert words in caught.value.issue.message
    assert peak < 200 * 1024 * 1024


@pytest.mark.parametrize(
    "text",
    [
        b"a: [1, 2\n",
        b"a: b: c\n",
        b"- a\nb: c\n",
        b"a: 'unterminated\n",
        b"a:\n  - x\n - y\n",
        b'key: "\\q"\n',
        b"? [a, b]\n: c\n",
        b"a: " + b"[" * 1200 + b"]" * 1200,
    ],
)
def test_errors_are_the_same_whichever_parser_reads_first(text, monkeypatch):
    """The located error of a broken file does not depend on libyaml being installed: a file
    libyaml refuses is judged by the pure-Python parser."""
    results = []
    for loader in (PARSERS["libyaml"] or yaml.SafeLoader, yaml.SafeLoader):
        monkeypatch.setattr(yamlread, "FAST_PARSER", loader)
        try:
            results.append(parse_yaml(text, "x.yaml").data)
        except YamlReadError as exc:
            results.append(str(exc.issue))
    assert results[0] == results[1]
    assert isinstance(results[0], str) and results[0].startswith("x.yaml:")


def test_every_seed_spec_reads_the_same_with_either_parser(monkeypatch):
    from pathlib import Path

    specs = sorted((Path(__file__).resolve().parents[1] / "specs").rglob("*.yaml"))
    assert len(specs) >= 8
    for spec in specs:
        documents = []
        for loader in (PARSERS["libyaml"] or yaml.SafeLoader, yaml.SafeLoader):
            monkeypatch.setattr(yamlread, "FAST_PARSER", loader)
            document = parse_yaml(spec.read_bytes(), spec.name)
            documents.append((document.data, document.positions.values, document.positions.keys))
        assert documents[0] == documents[1], spec
