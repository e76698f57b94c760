"""A small JSON Schema (draft 2020-12 subset) validator.

Every matrix job validates its results, and every command validates its config; the full
``jsonschema`` package would add five dependencies (one compiled) to each of hundreds of jobs.
This covers the keywords our own schemas use; tests check it agrees with ``jsonschema`` on them
and refuses a schema that uses a keyword it does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

SUPPORTED = frozenset({
    "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "default", "examples",
    "markdownDescription", "deprecated",
    "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum",
    "exclusiveMinimum", "items", "minItems", "maxItems", "uniqueItems", "properties", "required",
    "additionalProperties", "propertyNames", "minProperties", "oneOf", "anyOf",
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


def describe(schema: dict[str, Any], root: dict[str, Any]) -> str:
    """A short human phrase for what a schema expects."""
    schema = _deref(schema, root)
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


def _deref(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref supported, got {ref}")
        node: Any = root
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
        seen += 1
        if seen > 32:
            raise ValueError("$ref loop")
    return schema


def check_schema(schema: Any, where: str = "#") -> None:
    """Refuse a schema that uses keywords this validator would silently ignore."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    check_schema(sub, f"{where}/{key}/{name}")
            elif key not in SUPPORTED:
                raise ValueError(f"{where}: keyword {key!r} is not supported by schemacheck")
            elif key in ("items", "additionalProperties", "propertyNames") and isinstance(value, dict):
                check_schema(value, f"{where}/{key}")
            elif key in ("oneOf", "anyOf"):
                for i, sub in enumerate(value):
                    check_schema(sub, f"{where}/{key}/{i}")


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any] | None = None,
             path: Path = ()) -> list[SchemaError]:
    """All the ways ``value`` breaks ``schema``, deepest first within each branch."""
    root = root if root is not None else schema
    schema = _deref(schema, root)
    errors: list[SchemaError] = []
    t = schema.get("type")
    if t is not None:
        names = t if isinstance(t, list) else [t]
        if not any(_is_type(value, n) for n in names):
            return [SchemaError(path, f"got {_show(value)}; expected {describe(schema, root)}", "type")]
    if "const" in schema and value != schema["const"]:
        errors.append(SchemaError(path, f"got {_show(value)}; expected {schema['const']!r}", "const"))
    if "enum" in schema and value not in schema["enum"]:
        errors.append(SchemaError(path, f"got {_show(value)}; expected {describe(schema, root)}", "enum"))
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(SchemaError(path, f"is empty or too short; expected {describe(schema, root)}",
                                      "minLength"))
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(SchemaError(path, f"is {len(value)} characters long; expected at most "
                                      f"{schema['maxLength']}", "maxLength"))
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(SchemaError(path, f"got {_show(value)}; expected {describe(schema, root)}", "pattern"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(SchemaError(path, f"got {value}; expected at least {schema['minimum']}", "minimum"))
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append(SchemaError(path, f"got {value}; expected more than {schema['exclusiveMinimum']}",
                                      "exclusiveMinimum"))
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(SchemaError(path, f"got {value}; expected at most {schema['maximum']}", "maximum"))
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(SchemaError(path, f"has {len(value)} items; expected at least {schema['minItems']}",
                                      "minItems"))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(SchemaError(path, f"has {len(value)} items; expected at most {schema['maxItems']}",
                                      "maxItems"))
        if schema.get("uniqueItems"):
            seen: list[Any] = []
            for i, item in enumerate(value):
                if item in seen:
                    errors.append(SchemaError(path + (i,), f"{_show(item)} is listed twice; expected each once",
                                              "uniqueItems"))
                else:
                    seen.append(item)
        if "items" in schema:
            for i, item in enumerate(value):
                errors.extend(validate(item, schema["items"], root, path + (i,)))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(SchemaError(path, f"missing required field {name!r}", "required"))
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            errors.append(SchemaError(path, f"is empty; expected at least {schema['minProperties']} entries",
                                      "minProperties"))
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
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            branches = [validate(value, sub, root, path) for sub in schema[keyword]]
            passing = [b for b in branches if not b]
            if keyword == "anyOf" and not passing or keyword == "oneOf" and len(passing) != 1:
                if not passing:
                    # report the branch whose type matched: its errors are the informative ones
                    typed = [b for b in branches if b and all(e.keyword != "type" or e.path != path for e in b)]
                    if len(typed) == 1:
                        errors.extend(typed[0])
                    else:
                        errors.append(SchemaError(path, f"got {_show(value)}; expected "
                                                  f"{describe(schema, root)}", keyword))
                else:
                    errors.append(SchemaError(path, "matches more than one form", keyword))
    return errors


def _show(value: Any) -> str:
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
