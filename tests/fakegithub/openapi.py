"""Validate what crosses the fake's wire against GitHub's own OpenAPI description.

The schemas come from ``schemas/github-rest.json`` (made by ``extract_schemas.py``): without this
check a fake drifts into answering what the code under test expects, not what GitHub sends.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from functools import cache
from pathlib import Path
from typing import Any

# No stubs in the test dependencies; the second code keeps --strict quiet where types-jsonschema is installed.
import jsonschema  # type: ignore[import-untyped, unused-ignore]
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped, unused-ignore]

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "github-rest.json"
_MAX_ERRORS = 5  # per payload: enough to diagnose, bounded for a huge broken list

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _formats() -> FormatChecker:
    """jsonschema's defaults plus RFC 3339 date-time and absolute URIs (their optional deps are absent)."""
    checker = FormatChecker()

    def date_time(value: object) -> bool:
        return not isinstance(value, str) or bool(_DATE_TIME.match(value))

    def uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = urllib.parse.urlsplit(value)
        return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in {"mailto", "urn"})

    checker.checks("date-time")(date_time)
    checker.checks("uri")(uri)
    return checker


def check_metaschema(schema: dict[str, Any]) -> None:
    """Raise if ``schema`` is not valid JSON Schema 2020-12 (slow: run once, in a test)."""
    Draft202012Validator.check_schema(schema)


@cache
def spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


def source() -> dict[str, Any]:
    """Which ``@octokit/openapi`` version the schemas were extracted from, and when."""
    src: dict[str, Any] = spec()["source"]
    return src


def operation(op_id: str) -> dict[str, Any]:
    op: dict[str, Any] = spec()["operations"][op_id]
    return op


@cache
def _validator(op_id: str, kind: str, status: str = "") -> Any:
    """One compiled validator per (operation, request|response status); None when nothing is documented."""
    op = operation(op_id)
    if kind == "request":
        schema = op["request"]
    elif kind == "response":
        responses = op["responses"]
        if status in responses:
            schema = responses[status]
        elif not status.startswith("2") and "default" not in responses:
            # GitHub answers errors its description leaves out (403 on a write for a read-only token):
            # they still carry the basic error shape.
            schema = {"$ref": "#/$defs/basic-error"}
        else:
            schema = responses.get("default")
    else:
        raise ValueError(kind)
    if schema is None:
        return None
    root = {**schema, "$defs": spec()["$defs"]}  # metaschema-checked once, in the tests (0.8 s each)
    return Draft202012Validator(root, format_checker=_formats())


def _errors(validator: Any, instance: Any) -> list[str]:
    out = []
    for err in validator.iter_errors(instance):
        where = "/".join(str(p) for p in err.absolute_path) or "(root)"
        detail = err.message if len(err.message) < 300 else err.message[:300] + "…"
        if err.context:  # oneOf/anyOf: the branch errors say which required field is missing
            best = jsonschema.exceptions.best_match(err.context)
            detail += f" [best match: {'/'.join(str(p) for p in best.absolute_path)}: {best.message[:200]}]"
        out.append(f"{where}: {detail}")
        if len(out) >= _MAX_ERRORS:
            break
    return out


def check_request(op_id: str, body: Any) -> list[str]:
    """Errors of a request body against the operation's requestBody schema (no body allowed when none)."""
    validator = _validator(op_id, "request")
    if validator is None:
        return [] if body is None else ["operation takes no request body"]
    if body is None:
        return ["request body missing"]
    return _errors(validator, body)


def check_response(op_id: str, status: int, body: Any) -> list[str]:
    """Errors of a response body against the schema documented for that operation and status."""
    op = operation(op_id)
    key = str(status)
    if key.startswith("2") and key not in op["responses"]:
        return [f"status {status} is not documented for {op_id} (documented: {sorted(op['responses'])})"]
    validator = _validator(op_id, "response", key)
    if validator is None:
        return [] if body is None else [f"status {status} of {op_id} has no body, got one"]
    return _errors(validator, body)


def check_query(op_id: str, query: dict[str, list[str]]) -> list[str]:
    """Errors of query parameters: unknown names, repeated names, values not matching their schema."""
    params: dict[str, Any] = operation(op_id)["query"]
    out = []
    for name, values in query.items():
        if name not in params:
            out.append(f"query parameter {name!r} is not documented for {op_id}")
            continue
        if len(values) != 1:
            out.append(f"query parameter {name!r} given {len(values)} times")
            continue
        schema = params[name]["schema"]
        value: Any = values[0]
        if schema.get("type") == "integer":
            try:
                value = int(value)
            except ValueError:
                out.append(f"query parameter {name}={values[0]!r} is not an integer")
                continue
        elif schema.get("type") == "boolean":
            value = {"true": True, "false": False}.get(value, value)
        out.extend(f"query {name}: {e}" for e in _errors(Draft202012Validator(schema, format_checker=_formats()),
                                                          value))
    for name, p in params.items():
        if p["required"] and name not in query:
            out.append(f"required query parameter {name!r} missing")
    return out
