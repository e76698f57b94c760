"""Look for the job's token wherever a cell of a run job could read it (tests/test_tokens.py).

A step of tests/act/workflows/tokens.yml runs this right after the action's `run` command, with rodeo's
own venv Python, as a cell would see the machine: the environment rodeo gives a cell
(``host.scrubbed_env`` of the job's environment, so whatever the setup steps exported), and every
regular file under nix's config folder, the workspace, $HOME and $RUNNER_TEMP. The token is looked
for as it is and base64-encoded as actions/checkout writes it. The canary comes in ``CANARY``
(``${{ github.token }}``), which is taken out of the environment first. Writes what it searched to
``$RODEO_ACT_ARTIFACTS/token-search-<job>.json`` (so the test can see the search was not empty) and
exits 1 if the token was found anywhere, naming the places.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

MAX_BYTES = 256 << 20   # the uv binary in rodeo's cache is ~50 MB; nothing a cell can read is skipped below this


def needles(token: str) -> list[bytes]:
    """The token as setup tools write it: raw (nix.conf), and checkout's `basic base64(x-access-token:…)`."""
    raw = token.encode()
    return [raw, base64.b64encode(b"x-access-token:" + raw), base64.b64encode(raw)]


def walk(root: Path) -> Iterator[Path]:
    """Every regular file under ``root`` (or ``root`` itself), symlinks not followed."""
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                yield path


def search(token: str, roots: list[Path], environ: Mapping[str, str]) -> dict[str, object]:
    """Where ``token`` is readable: the variables of ``environ`` and the files under ``roots``."""
    wanted = needles(token)
    found = [f"env:{name}" for name, value in environ.items()
             if any(n in value.encode(errors="replace") for n in wanted)]
    seen: set[Path] = set()
    for root in roots:
        for path in walk(root):
            if path in seen:
                continue
            seen.add(path)
            try:
                if path.stat().st_size > MAX_BYTES:
                    found.append(f"too big to search: {path}")
                    continue
                data = path.read_bytes()
            except OSError:
                continue   # what this user cannot read, a cell (same user) cannot either
            if any(n in data for n in wanted):
                found.append(str(path))
    return {"roots": [str(r) for r in roots], "variables": len(environ), "files": len(seen),
            "searched": sorted(str(p) for p in seen if p.name in ("nix.conf", "config") or "credentials" in p.name),
            "found": found}


def main() -> int:
    from rodeo_action.host import scrubbed_env  # rodeo's venv: the environment a cell gets

    environ = dict(os.environ)
    token = environ.pop("CANARY", "")
    if not token:
        print("find_token: CANARY is empty", file=sys.stderr)
        return 2
    roots = [Path(environ.get("NIX_CONF_DIR") or "/etc/nix"), Path(environ["GITHUB_WORKSPACE"]), Path.home(),
             Path(environ["RUNNER_TEMP"])]
    summary = search(token, roots, scrubbed_env(environ))
    out = Path(environ["RODEO_ACT_ARTIFACTS"]) / f"token-search-{environ.get('JOB_ID', 'job')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    print(f"find_token: {summary['variables']} variables, {summary['files']} files; found in {summary['found']}")
    return 1 if summary["found"] else 0


if __name__ == "__main__":
    sys.exit(main())
