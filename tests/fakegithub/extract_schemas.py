"""Extract, from GitHub's official OpenAPI description, only the schemas the fake GitHub serves.

The full description (npm package ``@octokit/openapi``) is ~13 MB; the fake needs a few dozen
component schemas.  This script takes the operations listed in ``OPERATIONS`` (the endpoints
PyGithub calls for rodeo-action), keeps their query parameters, request body and JSON response
bodies (every documented status), follows ``$ref`` transitively, converts OpenAPI 3.0 schemas to
JSON Schema 2020-12 and writes ``schemas/github-rest.json`` with the package version and date.

Usage::

    python tests/fakegithub/extract_schemas.py                 # npm pack the latest version
    python tests/fakegithub/extract_schemas.py --version 23.0.2
    python tests/fakegithub/extract_schemas.py --spec path/to/api.github.com.json --version 23.0.2

Conversion (OpenAPI 3.0 → JSON Schema 2020-12): ``nullable: true`` becomes ``"null"`` in ``type``
(and ``None`` in ``enum``), or ``anyOf: [..., {type: null}]`` when the schema has no ``type``;
``$ref: #/components/schemas/X`` becomes ``#/$defs/X``; ``discriminator`` (an OpenAPI hint, not a
validation keyword), ``example``, ``description``, ``externalDocs``, ``xml`` and ``x-*`` are dropped.
In error responses (status >= 400) ``oneOf`` becomes ``anyOf``: GitHub documents overlapping error
shapes (a 409 is ``basic-error`` or ``repository-rule-violation-error``, and every real 409 body is
both), which strict ``oneOf`` would reject.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

PACKAGE = "@octokit/openapi"
SPEC_MEMBER = "package/generated/api.github.com.json"
OUT = Path(__file__).resolve().parent / "schemas" / "github-rest.json"

# (method, OpenAPI path): the endpoints PyGithub calls for rodeo-action's publishing.
OPERATIONS: list[tuple[str, str]] = [
    ("get", "/user"),
    ("get", "/rate_limit"),
    ("get", "/repos/{owner}/{repo}"),
    ("get", "/repos/{owner}/{repo}/contents/{path}"),
    ("put", "/repos/{owner}/{repo}/contents/{path}"),
    ("get", "/repos/{owner}/{repo}/git/ref/{ref}"),
    ("post", "/repos/{owner}/{repo}/git/refs"),
    ("patch", "/repos/{owner}/{repo}/git/refs/{ref}"),
    ("get", "/repos/{owner}/{repo}/pulls"),
    ("post", "/repos/{owner}/{repo}/pulls"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("patch", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("get", "/repos/{owner}/{repo}/issues"),
    ("post", "/repos/{owner}/{repo}/issues"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("patch", "/repos/{owner}/{repo}/issues/{issue_number}"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("get", "/repos/{owner}/{repo}/labels/{name}"),
    ("post", "/repos/{owner}/{repo}/labels"),
]

_DROP = {"description", "example", "discriminator", "externalDocs", "xml"}
_SCHEMA_MAPS = {"properties", "patternProperties", "$defs"}
_SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
_SCHEMA_ONE = {"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else"}
_REF_PREFIX = "#/components/schemas/"


class Extractor:
    """Converts schemas and collects the component schemas they reference, transitively."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.defs: dict[str, Any] = {}
        self._pending: list[str] = []

    def resolve(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Follow a non-schema ``$ref`` (responses, parameters) inside the spec."""
        for _ in range(10):  # bounded: refs to refs are at most a couple deep
            ref = obj.get("$ref")
            if not isinstance(ref, str):
                return obj
            node: Any = self.spec
            for part in ref.removeprefix("#/").split("/"):
                node = node[part]
            obj = node
        raise ValueError(f"$ref chain too deep at {obj}")

    def schema(self, s: Any) -> Any:
        """Convert one OpenAPI 3.0 schema object to JSON Schema 2020-12."""
        if isinstance(s, bool) or not isinstance(s, dict):
            return s
        out: dict[str, Any] = {}
        for key, value in s.items():
            if key in _DROP or key.startswith("x-") or key == "nullable":
                continue
            if key == "$ref":
                if not value.startswith(_REF_PREFIX):
                    raise ValueError(f"unexpected schema $ref {value}")
                name = value.removeprefix(_REF_PREFIX)
                if name not in self.defs and name not in self._pending:
                    self._pending.append(name)
                out["$ref"] = f"#/$defs/{name}"
            elif key in _SCHEMA_MAPS:
                out[key] = {k: self.schema(v) for k, v in value.items()}
            elif key in _SCHEMA_LISTS:
                out[key] = [self.schema(v) for v in value]
            elif key in _SCHEMA_ONE:
                out[key] = self.schema(value)
            else:
                out[key] = value
        if s.get("nullable") is True:
            if "type" in out:
                types = out["type"] if isinstance(out["type"], list) else [out["type"]]
                out["type"] = [*types, "null"] if "null" not in types else types
                if "enum" in out and None not in out["enum"]:
                    out["enum"] = [*out["enum"], None]
            else:
                out = {"anyOf": [out, {"type": "null"}]}
        return out

    def drain(self) -> None:
        """Convert every referenced component schema (bounded by the spec's finite size)."""
        components = self.spec["components"]["schemas"]
        while self._pending:
            name = self._pending.pop()
            self.defs[name] = {}  # reserve before converting: recursive schemas
            self.defs[name] = self.schema(components[name])

    def operation(self, method: str, path: str) -> dict[str, Any]:
        op = self.spec["paths"][path][method]
        query: dict[str, Any] = {}
        for p in op.get("parameters", []):
            p = self.resolve(p)
            if p["in"] == "query":
                query[p["name"]] = {"required": bool(p.get("required")), "schema": self.schema(p.get("schema", {}))}
        request = None
        if "requestBody" in op:
            body = self.resolve(op["requestBody"])
            request = self.schema(body["content"]["application/json"]["schema"])
        responses: dict[str, Any] = {}
        for status, resp in op["responses"].items():
            resp = self.resolve(resp)
            content = resp.get("content", {})
            media = content.get("application/json") or content.get("application/scim+json")
            schema = self.schema(media["schema"]) if media else None
            if schema and int(status) >= 400 and "oneOf" in schema:
                schema["anyOf"] = schema.pop("oneOf")
            responses[status] = schema
        return {"method": method.upper(), "path": path, "query": query, "request": request, "responses": responses}


def fetch_spec(version: str | None, workdir: Path) -> tuple[dict[str, Any], str]:
    """``npm pack`` the package (the registry's ordinary client) and load the api.github.com description."""
    if version is None:
        version = subprocess.run(["npm", "view", PACKAGE, "version"], check=True, capture_output=True,
                                 text=True, timeout=120).stdout.strip()
    subprocess.run(["npm", "pack", f"{PACKAGE}@{version}"], cwd=workdir, check=True, capture_output=True,
                   timeout=600)
    tgz = next(workdir.glob("*.tgz"))
    with tarfile.open(tgz) as tar:
        member = tar.extractfile(SPEC_MEMBER)
        if member is None:
            raise SystemExit(f"{SPEC_MEMBER} not in {tgz.name}")
        return json.load(member), version


def extract(spec: dict[str, Any], version: str) -> dict[str, Any]:
    ex = Extractor(spec)
    ops = {}
    for method, path in OPERATIONS:
        ops[spec["paths"][path][method]["operationId"]] = ex.operation(method, path)
    ex.drain()
    return {
        "source": {
            "package": PACKAGE,
            "version": version,
            "file": SPEC_MEMBER.removeprefix("package/"),
            "openapi": spec.get("openapi"),
            "extracted": dt.date.today().isoformat(),
            "converted_to": "https://json-schema.org/draft/2020-12/schema",
            "script": "tests/fakegithub/extract_schemas.py",
        },
        "operations": ops,
        "$defs": dict(sorted(ex.defs.items())),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--version", help=f"{PACKAGE} version (default: the latest)")
    ap.add_argument("--spec", type=Path, help="an already unpacked api.github.com.json (needs --version)")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if args.spec:
        if not args.version:
            ap.error("--spec needs --version (recorded in the output)")
        spec, version = json.loads(args.spec.read_text(encoding="utf-8")), args.version
    else:
        with tempfile.TemporaryDirectory() as tmp:
            spec, version = fetch_spec(args.version, Path(tmp))
    data = extract(spec, version)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(data['operations'])} operations, {len(data['$defs'])} schemas "
          f"from {PACKAGE}@{version}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
