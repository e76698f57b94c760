"""Our small validator agrees with jsonschema (Draft 2020-12) on the schemas we ship."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rodeo_action import schemacheck
from rodeo_action.config import parse_config

SCHEMAS = Path(schemacheck.__file__).parent / "schema"
CONFIG = json.loads((SCHEMAS / "config.schema.json").read_text())
RESULT = json.loads((SCHEMAS / "result.schema.json").read_text())

# No newline in generated text: Python's `$` (used by jsonschema) matches before a final newline,
# ECMA-262's (ours) does not; test_dollar_is_the_end_of_the_string covers that difference.
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=12)
JSON = st.recursive(st.none() | st.booleans() | st.integers(-10, 10**6) | st.floats(allow_nan=False) | TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12)


def _regex_text(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(re.sub(r"(?<!\\)\$", r"\\Z", pattern), fullmatch=False).filter(lambda s: "\n" not in s)


def guided(schema: Any, root: dict[str, Any], depth: int = 0, noise: bool = True) -> st.SearchStrategy[Any]:
    """Documents shaped by the schema: with ``noise``, junk mixed in at every level (mostly invalid);
    without, the required keys always present (mostly valid, invalid where the shape is not enough)."""
    junk = JSON if depth < 4 else st.none()
    if schema is True or schema is False:
        return junk
    if "$ref" in schema:
        return guided(schemacheck.deref(schema, root), root, depth, noise)
    options: list[st.SearchStrategy[Any]] = []
    if "enum" in schema:
        options.append(st.sampled_from(schema["enum"]))
    if "const" in schema:
        options.append(st.just(schema["const"]))
    for key in ("oneOf", "anyOf"):
        for sub in schema.get(key, []):
            options.append(guided(sub, root, depth + 1, noise))
    types = schema.get("type", [])
    for t in types if isinstance(types, list) else [types]:
        low, high = schema.get("minimum"), schema.get("maximum")
        if t == "string":
            if "pattern" in schema:
                options.append(_regex_text(schema["pattern"]))
            else:
                options.append(TEXT if noise else TEXT.filter(lambda x: len(x) >= schema.get("minLength", 0)))
        elif t == "integer":
            options.append(st.integers(-2, 200) | st.integers() if noise else st.integers(low, high))
        elif t == "number":
            options.append(st.floats(allow_nan=False) | st.integers(-2, 200) if noise
                           else st.floats(low, high, allow_nan=False, allow_infinity=False) | st.integers(low, high))
        elif t == "boolean":
            options.append(st.booleans())
        elif t == "null":
            options.append(st.none())
        elif t == "array":
            items = schema.get("items", True)
            unique = json.dumps if schema.get("uniqueItems") and not noise else None
            options.append(st.lists(guided(items, root, depth + 1, noise), max_size=4, unique_by=unique,
                                    min_size=0 if noise else schema.get("minItems", 0)))
        elif t == "object":
            props = schema.get("properties", {})
            extra = schema.get("additionalProperties", True)
            names = st.sampled_from(sorted(props)) if props else st.nothing()
            if isinstance(extra, dict):
                keys = guided(schema.get("propertyNames", {"type": "string"}), root, depth + 1, noise) | names
                keys = keys.filter(lambda k: isinstance(k, str))
                options.append(st.dictionaries(keys, guided(extra, root, depth + 1, noise), max_size=3))
            if props:
                required = [k for k in schema.get("required", []) if k in props]
                options.append(st.fixed_dictionaries(
                    {k: guided(props[k], root, depth + 1, noise) for k in required},
                    optional={k: guided(v, root, depth + 1, noise) for k, v in props.items() if k not in required}))
    if not options:
        return junk
    return st.one_of(*options) | junk if depth and noise else st.one_of(*options)


def documents(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    return guided(schema, schema, noise=False) | guided(schema, schema)


def agree(doc: Any, schema: dict[str, Any]) -> None:
    ours = schemacheck.validate(doc, schema)
    theirs = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    assert (not ours) == (not theirs), (doc, ours, [e.message for e in theirs])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(CONFIG))
def test_agrees_on_config_documents(doc: Any) -> None:
    agree(doc, CONFIG)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(RESULT))
def test_agrees_on_result_documents(doc: Any) -> None:
    agree(doc, RESULT)


@pytest.mark.parametrize("schema", [CONFIG, RESULT], ids=["config", "result"])
def test_generated_documents_are_both_valid_and_invalid(schema: dict[str, Any]) -> None:
    """Agreement only means something if the generator reaches both verdicts often."""
    verdicts: list[bool] = []

    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(documents(schema))
    def collect(doc: Any) -> None:
        verdicts.append(not schemacheck.validate(doc, schema))

    collect()
    assert sum(verdicts) >= 10 and verdicts.count(False) >= 10, (sum(verdicts), len(verdicts))


@settings(max_examples=60, deadline=None)
@given(JSON)
def test_agrees_on_arbitrary_json(doc: Any) -> None:
    agree(doc, CONFIG)
    agree(doc, RESULT)


VALID_RESULT = {
    "schema": 1,
    "cell": {"id": "uv-all-ubuntu-latest-py3.12", "manager": "uv", "set": "all", "os": "ubuntu-latest",
             "python": "3.12", "packages": ["cartopy", "tensorflow>=2", "docrep"]},
    "status": "fail", "phase": "import",
    "cause": {"kind": "import-error", "package": "tensorflow", "summary": "no libcudart"},
    "durations": {"setup": 1.2, "create": 0.3, "install": 12.1, "import": 2.0, "test": 0.0},
    "manager_version": "uv 0.9.5", "python_version": "3.12.7", "platform": "linux-x86_64",
    "resolved": {"cartopy": "0.24.1"}, "imports": {"cartopy": "ok"},
    "repro": "uv venv /tmp/rodeo", "log_tail": "last lines",
    "started_at": "2026-11-24T05:49:16Z", "run_url": "https://github.com/o/r/actions/runs/1",
}

HAND_CONFIGS: list[Any] = [
    {"packages": ["a"]}, {}, {"packages": []}, {"packages": ["a"], "python": [3.1]},
    {"packages": ["a"], "python": ["3.12", "3.12"]}, {"packages": [{"name": "a", "names": {"apt": None}}]},
    {"packages": [{"name": "a", "names": {"aptt": None}}]}, {"packages": ["a"], "report": {"comment": True}},
    {"packages": ["a"], "report": {"comment": 1}}, {"packages": ["a"], "retries": 2.0},
    {"packages": ["a"], "retries": True}, {"packages": ["a"], "timeout": "30m"}, {"packages": ["a"], "timeout": 0},
    {"packages": ["a"], "exclude": [{}]}, {"packages": ["a"], "exclude": [{"manager": "apt"}]},
    {"packages": ["a"], "sets": {"-x": ["a"]}}, {"packages": ["a"], "sets": {"x": ["a", "a"]}},
    {"packages": ["a"], "versions": {"uv": "0.9.5"}}, {"packages": ["a"], "versions": {"uvv": "0.9.5"}},
    {"packages": [5]}, {"packages": [{"name": "a", "tracker": "o/r"}]}, [], None, "x",
]


@pytest.mark.parametrize("doc", HAND_CONFIGS)
def test_agrees_on_hand_written_configs(doc: Any) -> None:
    agree(doc, CONFIG)


@pytest.mark.parametrize("change", [
    {}, {"status": "bogus"}, {"schema": 2}, {"cause": None}, {"phase": None}, {"durations": {"setup": -1}},
    {"cell": {}}, {"extra": 1}, {"imports": {"a": 5}}, {"cause": {"kind": "network"}},
])
def test_agrees_on_hand_written_results(change: dict[str, Any]) -> None:
    agree({**VALID_RESULT, **change}, RESULT)


def test_shipped_result_example_is_valid() -> None:
    assert jsonschema.Draft202012Validator(RESULT).is_valid(VALID_RESULT)
    assert schemacheck.validate(VALID_RESULT, RESULT) == []


@pytest.mark.parametrize("schema", [CONFIG, RESULT], ids=["config", "result"])
def test_shipped_schemas_pass_the_meta_schema(schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(schema)
    schemacheck.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("schema, what", [
    ({"allOf": [{"type": "string"}]}, "allOf"),
    ({"properties": {"a": {"patternProperties": {}}}}, "patternProperties"),
    ({"items": {"if": {}}}, "'if'"),
    ({"anyOf": [{"format": "uri"}]}, "format"),
    ({"additionalProperties": {"dependentRequired": {}}}, "dependentRequired"),
    ({"$defs": {"x": {"contains": {}}}}, "contains"),
    ({"$ref": "#/$defs/missing"}, "does not resolve"),
    ({"$ref": "other.json#/x"}, "only local"),
    ({"type": "text"}, "unknown type"),
    ({"pattern": "("}, "missing"),
    ({"items": 5}, "mapping or a boolean"),
])
def test_check_schema_refuses(schema: dict[str, Any], what: str) -> None:
    with pytest.raises(Exception, match=re.escape(what)):
        schemacheck.check_schema(schema)


def test_json_equality_is_not_python_equality() -> None:
    assert schemacheck.validate(1, {"enum": [True]}) != []
    assert schemacheck.validate(True, {"const": 1}) != []
    assert schemacheck.validate([1, True], {"uniqueItems": True}) == []
    assert schemacheck.validate([1, 1.0], {"uniqueItems": True}) != []
    assert schemacheck.validate({"a": [0]}, {"const": {"a": [False]}}) != []
    cases: list[tuple[Any, dict[str, Any]]] = [(1, {"enum": [True]}), ([1, True], {"uniqueItems": True}),
                                               ([1, 1.0], {"uniqueItems": True})]
    for doc, schema in cases:
        agree(doc, schema)


def test_ref_siblings_apply() -> None:
    schema = {"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "minLength": 2}
    assert schemacheck.validate("a", schema) != [] and schemacheck.validate("ab", schema) == []
    agree("a", schema)


def test_boolean_schemas() -> None:
    schema = {"type": "object", "properties": {"a": True, "b": False}, "items": False}
    assert schemacheck.validate({"a": 1}, schema) == []
    assert schemacheck.validate({"b": 1}, schema) != []
    agree({"b": 1}, schema)


def test_dollar_is_the_end_of_the_string() -> None:
    # ECMA-262 (JSON Schema's regex dialect): "x\n" does not match ^x$; Python's re (and so
    # jsonschema) says it does. A set name with a newline would break cell ids and file names.
    assert schemacheck.validate("x\n", {"pattern": "^x$"}) != []
    assert schemacheck.validate("x", {"pattern": "^x$"}) == []
    with pytest.raises(Exception, match="cannot be used as a key"):
        parse_config('packages: [a]\nsets: {"a\\n": [a]}\n', "r")


def test_messages_say_what_is_expected() -> None:
    errors = schemacheck.validate({"packages": ["a"], "retries": 9, "zz": 1}, CONFIG)
    by_keyword = {e.keyword: e for e in errors}
    assert by_keyword["maximum"].path == ("retries",) and "expected at most 5" in by_keyword["maximum"].message
    assert by_keyword["additionalProperties"].path == ("zz",)
    (missing,) = schemacheck.validate({}, CONFIG)
    assert missing.message.startswith("missing required field 'packages'; expected")
