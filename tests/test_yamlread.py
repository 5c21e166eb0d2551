"""The YAML reader: safe, YAML 1.2 scalars, positions, and bounded on hostile input."""

from __future__ import annotations

import pytest

from generator.yamlread import YamlReadError, parse_yaml


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
        (b"a: !!python/object/apply:os.system ['true']\n", "x.yaml:1:4", "tag"),
        (b"a: [\n", "x.yaml:2:1", "invalid YAML"),
        (b"a: b\n\xff\n", "x.yaml:2:1", "not UTF-8"),
        (b"a: \x00\n", "x.yaml:1:4", "control characters"),
        (b"[" * 200, "x.yaml:1:65", "nesting deeper than 64"),
        (b"a: 1\n---\nb: 2\n", "x.yaml:2:1", "one YAML document"),
        (b"a: *nothing\n", "x.yaml:1:4", "refers to no anchor"),
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


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (b"a: " + b"x" * (5 * 1024 * 1024), "a spec may be at most"),
        (b"a: " + b"[" * 5000 + b"]" * 5000, "nesting deeper than 64"),
        (
            b"\n".join(
                [b"a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
                + [f"a{i}: &a{i} [".encode() + b", ".join([f"*a{i - 1}".encode()] * 10) + b"]" for i in range(1, 12)]
            ),
            "expands to more than",
        ),
        (bytes(range(256)) * 100, "not UTF-8"),
    ],
    ids=["huge", "deep", "alias-bomb", "binary"],
)
def test_hostile_yaml_fails_in_bounded_time_and_memory(text, words):
    import time
    import tracemalloc

    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(YamlReadError) as caught:
        parse_yaml(text, "x.yaml")
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert words in caught.value.issue.message
    assert elapsed < 5.0
    assert peak < 200 * 1024 * 1024
