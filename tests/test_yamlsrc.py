"""The loader and parse_config never raise anything but InputError, on any input, quickly."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rodeo_action import yamlsrc
from rodeo_action.config import parse_config
from rodeo_action.errors import InputError

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# YAML-ish text: the characters that make YAML interesting, so the fuzzer reaches the parser's corners
YAMLISH = st.text(st.sampled_from(list("packages:sets-[]{},&*!<>|'\"#?%@`\t\n .0123456789abcxyz~\\\x00\x85\ufeff")),
                  max_size=120)
FIELDS = ["packages", "sets", "python", "managers", "os", "exclude", "include", "report", "timeout", "retries",
          "versions", "name", "per-package", "index-url", "test"]
SCALARS = st.sampled_from(["a", "3.10", "1", "-x", "true", "null", "~", "[]", "{}", "'3.12'", "pip", "uvv",
                           "*a", "&a b", "!!binary aGk=", "2024-01-01", ".inf", "1:2.5", "<<", "'a\\nb'"])


@st.composite
def configish(draw: st.DrawFn) -> str:
    """Line-structured documents made of real field names and tricky scalars."""
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        indent = " " * draw(st.sampled_from([0, 0, 2, 4]))
        key = draw(st.sampled_from(FIELDS + ["- name", "-", "<<", "manager", "comment", "issues"]))
        value = draw(st.one_of(SCALARS, st.lists(SCALARS, max_size=3).map(lambda v: "[" + ", ".join(v) + "]")))
        lines.append(f"{indent}{key}: {value}")
    return "\n".join(lines) + "\n"


def check(raw: str | bytes) -> None:
    start = time.perf_counter()
    located, problems = yamlsrc.load(raw, "rodeo.yml")
    assert located is not None or problems
    for p in problems:
        assert "\n" not in str(p)
    try:
        parse_config(raw, "rodeo.yml")
    except InputError as exc:
        assert exc.problems and all("\n" not in str(p) for p in exc.problems)
    assert time.perf_counter() - start < 2.0


@FAST
@given(st.text(max_size=200))
def test_any_text(text: str) -> None:
    check(text)


@FAST
@given(st.binary(max_size=200))
def test_any_bytes(raw: bytes) -> None:
    check(raw)


@FAST
@given(YAMLISH)
def test_yamlish_text(text: str) -> None:
    check(text)


@FAST
@given(configish())
def test_config_shaped_text(text: str) -> None:
    check(text)
    check(text.encode())


def test_anchor_bomb_is_refused_quickly() -> None:
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 12):
        prev, cur = f"l{i - 1}" if i > 1 else "a", f"l{i}"
        text += f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    start = time.perf_counter()
    located, problems = yamlsrc.load(text, "rodeo.yml")
    assert located is None and "expands to more than 100,000 values" in str(problems[0])
    assert time.perf_counter() - start < 2.0


def test_merge_key_bomb_is_refused_quickly() -> None:
    text = "l0: &l0 {a: 1, b: 2}\n"
    for i in range(1, 40):
        text += f"l{i}: &l{i} {{<<: [*l{i - 1}, *l{i - 1}]}}\n"
    start = time.perf_counter()
    located, problems = yamlsrc.load(text, "rodeo.yml")
    assert located is None and "expands to more than" in str(problems[0])
    assert time.perf_counter() - start < 2.0


def test_self_referencing_alias() -> None:
    located, problems = yamlsrc.load("a: &a [*a]\n", "rodeo.yml")
    assert located is None and problems


def test_deep_nesting() -> None:
    located, problems = yamlsrc.load("[" * 5000 + "]" * 5000, "rodeo.yml")
    assert located is None and problems


def test_two_megabytes() -> None:
    for raw in (b"packages: [a]\n" + b"# pad\n" * 350_000, "x" * 2_000_000):
        start = time.perf_counter()
        located, problems = yamlsrc.load(raw, "rodeo.yml")
        assert located is None and "expected at most 1,000,000 bytes" in str(problems[0])
        assert time.perf_counter() - start < 0.5


def test_just_under_the_limit_is_parsed_in_bounded_time() -> None:
    text = "packages:\n" + "".join(f"  - pkg{i}\n" for i in range(70_000))
    assert len(text) < yamlsrc.MAX_BYTES
    start = time.perf_counter()
    located, problems = yamlsrc.load(text, "rodeo.yml")
    assert located is not None and not problems and len(located.data["packages"]) == 70_000
    assert time.perf_counter() - start < 5.0


@pytest.mark.parametrize("raw, where", [
    (b"packages: [a]\nname: \xff\n", "rodeo.yml:2: byte 0xff is not UTF-8"),
    ("packages:\n\t- a\n", "rodeo.yml:2: not valid YAML"),
    ("", None), (b"", None), ("   \n# only a comment\n", None),
])
def test_edges(raw: str | bytes, where: str | None) -> None:
    located, problems = yamlsrc.load(raw, "rodeo.yml")
    if where is None:
        assert located is not None and located.data is None and not problems
    else:
        assert located is None and str(problems[0]).startswith(where)


@pytest.mark.parametrize("text, root", [("- a\n", "a list"), ("5\n", "5"), ("'x'\n", "'x'"), ("true\n", "true")])
def test_non_mapping_root(text: str, root: str) -> None:
    with pytest.raises(InputError, match=f"rodeo.yml:1: the top level is {root}; expected a mapping"):
        parse_config(text, "rodeo.yml")


def test_lines_and_paths() -> None:
    located, problems = yamlsrc.load("packages:\n  - a\n  - name: b\n    import: [c]\nsets: {x: [a]}\n", "f")
    assert located is not None and not problems
    assert located.line(("packages",)) == 1 and located.line(("packages", 1, "import", 0)) == 4
    assert located.line(("sets", "x", 0)) == 5 and located.line(("nope", 3)) == 1   # the root, nearest located ancestor
    assert yamlsrc.dotted(("packages", 1, "import", 0)) == "packages[1].import[0]"
    assert yamlsrc.dotted(("sets", "a b", 0)) == "sets['a b'][0]"


def test_raw_floats_remember_the_text() -> None:
    located, _ = yamlsrc.load("python: [3.10, '3.11', 3.12]\n", "f")
    assert located is not None and located.raw_floats == {("python", 0): "3.10", ("python", 2): "3.12"}
