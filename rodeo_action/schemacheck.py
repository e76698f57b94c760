"""A small JSON Schema (draft 2020-12 subset) validator.

Every matrix job validates its results, and every command validates its config; the full
``jsonschema`` package would add five dependencies (one compiled) to each of hundreds of jobs.
This covers the keywords our own schemas use; tests check it agrees with ``jsonschema`` on them
and refuses a schema that uses a keyword it does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

SUPPORTED = frozenset({
    "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "default", "examples",
    "markdownDescription", "deprecated",
    "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "exclusiveMinimum", "items", "minItems", "maxItems", "uniqueItems", "properties", "required",
    "additionalProperties", "propertyNames", "minProperties", "maxProperties", "oneOf", "anyOf",
})

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class SchemaError:
    path: Path
    message: str
    keyword: str


def _is_type(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[name])


def describe(schema: dict[str, Any] | bool, root: dict[str, Any]) -> str:
    """A short human phrase for what a schema expects."""
    schema = deref(schema, root)
    if not isinstance(schema, dict):
        return "any value" if schema else "nothing"
    if "description" in schema and len(schema["description"]) <= 100:
        return str(schema["description"])
    if "enum" in schema:
        return "one of " + ", ".join(repr(v) if not isinstance(v, str) else v for v in schema["enum"])
    if "oneOf" in schema or "anyOf" in schema:
        return " or ".join(describe(s, root) for s in schema.get("oneOf", schema.get("anyOf", [])))
    t = schema.get("type")
    if isinstance(t, list):
        return " or ".join(_article(x) for x in t)
    if t == "array" and "items" in schema:
        return "a list of " + describe(schema["items"], root).removeprefix("a ").removeprefix("an ")
    return _article(t) if t else "a value"


def _article(t: str) -> str:
    return {"object": "a mapping", "array": "a list", "string": "a string", "boolean": "true or false",
            "integer": "a whole number", "number": "a number", "null": "null"}.get(t, t)


def deref(schema: Any, root: dict[str, Any]) -> Any:
    """Follow ``$ref`` to the schema it names (its siblings are not merged: see :func:`validate`)."""
    seen = 0
    while isinstance(schema, dict) and "$ref" in schema:
        schema = _resolve(schema["$ref"], root)
        seen += 1
        if seen > 32:
            raise ValueError("$ref loop")
    return schema


def _resolve(ref: str, root: dict[str, Any]) -> Any:
    if not ref.startswith("#"):
        raise ValueError(f"only local $ref supported, got {ref}")
    node: Any = root
    for part in ref[1:].lstrip("/").split("/") if ref not in ("#", "#/") else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise ValueError(f"$ref {ref} does not resolve")
        node = node[part]
    return node


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """A schema pattern as ECMA-262 reads it: ``$`` is the end of the string, where Python's ``$``
    also matches before a final newline (so ``"name\\n"`` would pass ``^[a-z]+$``)."""
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON sees it: true is not 1, 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def _scalar_key(value: Any) -> tuple[str, Any] | None:
    """A hashable key equal for values JSON calls equal (1 and 1.0; never true and 1); None for
    lists and mappings."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        # 1 == 1.0 and hash(1) == hash(1.0); NaN equals nothing, so it is compared, not hashed
        return ("number", value) if value == value else None
    if value is None or isinstance(value, str):
        return ("text", value)
    return None


def _in(value: Any, choices: list[Any]) -> bool:
    return any(json_equal(value, c) for c in choices)


def check_schema(schema: Any, where: str = "#", root: Any = None) -> None:
    """Refuse a schema that uses keywords this validator would silently ignore, or a dangling $ref."""
    root = schema if root is None else root
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        raise ValueError(f"{where}: a schema must be a mapping or a boolean")
    for key, value in schema.items():
        if key in ("properties", "$defs"):
            for name, sub in value.items():
                check_schema(sub, f"{where}/{key}/{name}", root)
        elif key not in SUPPORTED:
            raise ValueError(f"{where}: keyword {key!r} is not supported by schemacheck")
        elif key == "$ref":
            _resolve(value, root)
        elif key == "pattern":
            _regex(value)
        elif key == "type":
            for name in value if isinstance(value, list) else [value]:
                if name not in _TYPES:
                    raise ValueError(f"{where}: unknown type {name!r}")
        elif key in ("items", "additionalProperties", "propertyNames"):
            check_schema(value, f"{where}/{key}", root)
        elif key in ("oneOf", "anyOf"):
            for i, sub in enumerate(value):
                check_schema(sub, f"{where}/{key}/{i}", root)


def validate(value: Any, schema: dict[str, Any] | bool, root: dict[str, Any] | None = None,
             path: Path = ()) -> list[SchemaError]:
    """All the ways ``value`` breaks ``schema``, deepest first within each branch."""
    if root is None:
        root = schema if isinstance(schema, dict) else {}
    if schema is True:
        return []
    if schema is False:
        return [SchemaError(path, f"got {show(value)}; expected nothing here", "false")]
    errors: list[SchemaError] = []
    if "$ref" in schema:
        # draft 2020-12: $ref applies alongside its sibling keywords
        errors.extend(validate(value, _resolve(schema["$ref"], root), root, path))
        schema = {k: v for k, v in schema.items() if k != "$ref"}
    t = schema.get("type")
    if t is not None:
        names = t if isinstance(t, list) else [t]
        if not any(_is_type(value, n) for n in names):
            message = f"got {show(value)}; expected {describe(schema, root)}"
            return errors + [SchemaError(path, message, "type")]
    if "const" in schema and not json_equal(value, schema["const"]):
        errors.append(SchemaError(path, f"got {show(value)}; expected {schema['const']!r}", "const"))
    if "enum" in schema and not _in(value, schema["enum"]):
        errors.append(SchemaError(path, f"got {show(value)}; expected {describe(schema, root)}", "enum"))
    if isinstance(value, str):
        errors.extend(_string(value, schema, root, path))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        errors.extend(_number(value, schema, path))
    if isinstance(value, list):
        errors.extend(_array(value, schema, root, path))
    if isinstance(value, dict):
        errors.extend(_object(value, schema, root, path))
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            errors.extend(_branches(value, keyword, schema, root, path))
    return errors


def _string(value: str, schema: dict[str, Any], root: dict[str, Any], path: Path) -> list[SchemaError]:
    errors: list[SchemaError] = []
    if "minLength" in schema and len(value) < schema["minLength"]:
        errors.append(SchemaError(path, f"is empty or too short; expected {describe(schema, root)}", "minLength"))
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        errors.append(SchemaError(path, f"is {len(value)} characters long; expected at most "
                                  f"{schema['maxLength']}", "maxLength"))
    if "pattern" in schema and not _regex(schema["pattern"]).search(value):
        errors.append(SchemaError(path, f"got {show(value)}; expected {describe(schema, root)}", "pattern"))
    return errors


def _number(value: float, schema: dict[str, Any], path: Path) -> list[SchemaError]:
    errors: list[SchemaError] = []
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(SchemaError(path, f"got {show(value)}; expected at least {schema['minimum']}", "minimum"))
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        errors.append(SchemaError(path, f"got {show(value)}; expected more than {schema['exclusiveMinimum']}",
                                  "exclusiveMinimum"))
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(SchemaError(path, f"got {show(value)}; expected at most {schema['maximum']}", "maximum"))
    return errors


def _array(value: list[Any], schema: dict[str, Any], root: dict[str, Any], path: Path) -> list[SchemaError]:
    errors: list[SchemaError] = []
    if "minItems" in schema and len(value) < schema["minItems"]:
        errors.append(SchemaError(path, f"has {len(value)} items; expected at least {schema['minItems']}",
                                  "minItems"))
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        errors.append(SchemaError(path, f"has {len(value)} items; expected at most {schema['maxItems']}",
                                  "maxItems"))
    if schema.get("uniqueItems"):
        errors.extend(_duplicates(value, path))
    if "items" in schema:
        for i, item in enumerate(value):
            errors.extend(validate(item, schema["items"], root, path + (i,)))
    return errors


def _duplicates(value: list[Any], path: Path) -> list[SchemaError]:
    """Items listed twice: scalars by a hash of their JSON identity (linear: a list of 60,000 names is
    checked in milliseconds), lists and mappings by comparison."""
    errors: list[SchemaError] = []
    seen_scalars: set[tuple[str, Any]] = set()
    seen: list[Any] = []
    for i, item in enumerate(value):
        key = _scalar_key(item)
        if key in seen_scalars if key is not None else _in(item, seen):
            errors.append(SchemaError(path + (i,), f"{show(item)} is listed twice; expected each once",
                                      "uniqueItems"))
        elif key is not None:
            seen_scalars.add(key)
        else:
            seen.append(item)
    return errors


def _object(value: dict[Any, Any], schema: dict[str, Any], root: dict[str, Any], path: Path) -> list[SchemaError]:
    errors: list[SchemaError] = []
    props = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            want = f"; expected {describe(props[name], root)}" if name in props else ""
            errors.append(SchemaError(path, f"missing required field {name!r}{want}", "required"))
    if "minProperties" in schema and len(value) < schema["minProperties"]:
        errors.append(SchemaError(path, f"is empty; expected at least {schema['minProperties']} entries",
                                  "minProperties"))
    if "maxProperties" in schema and len(value) > schema["maxProperties"]:
        errors.append(SchemaError(path, f"has {len(value)} entries; expected at most {schema['maxProperties']}",
                                  "maxProperties"))
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if "propertyNames" in schema:
            for err in validate(key, schema["propertyNames"], root, path + (key,)):
                errors.append(SchemaError(err.path, f"key {err.message}", "propertyNames"))
        if key in props:
            errors.extend(validate(item, props[key], root, path + (key,)))
        elif extra is False:
            errors.append(SchemaError(path + (key,), "unknown key", "additionalProperties"))
        elif isinstance(extra, dict):
            errors.extend(validate(item, extra, root, path + (key,)))
    return errors


def _branches(value: Any, keyword: str, schema: dict[str, Any], root: dict[str, Any],
              path: Path) -> list[SchemaError]:
    """oneOf/anyOf: when no branch passes, the errors of the one branch whose type matched (the
    informative ones), else one line naming every form."""
    branches = [validate(value, sub, root, path) for sub in schema[keyword]]
    passing = [b for b in branches if not b]
    if passing and (keyword == "anyOf" or len(passing) == 1):
        return []
    if passing:
        return [SchemaError(path, f"matches more than one form; expected exactly one of "
                            f"{describe(schema, root)}", keyword)]
    typed = [b for b in branches if b and all(e.keyword != "type" or e.path != path for e in b)]
    if len(typed) == 1:
        return typed[0]
    return [SchemaError(path, f"got {show(value)}; expected {describe(schema, root)}", keyword)]


def show(value: Any) -> str:
    """A value as an error message names it: short, and never a whole mapping or list."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
