"""Runs *inside* a cell's environment: import each module, read installed versions.

Executed by the environment's own interpreter with ``-I`` (isolated: no user site, no
PYTHONPATH, no script folder on sys.path), so nothing of rodeo is importable from here. It
imports only the standard library and writes its findings as JSON to the file named by argv[1]
- stdout belongs to the packages being imported.

argv: OUTPUT_JSON SPEC_JSON, two file paths; SPEC holds {"packages": [{"name": str, "imports": [str] |
null}], "only": [module] | null}. The spec is a file, not an argument: conda-family managers run the
probe through ``conda run``/``pixi run``, which re-quote arguments for a shell of their own (cmd.exe
doubles ``"``, deno's task shell reads quotes) - a path survives that, JSON text may not.

Start-up is part of every cell's time, so the probe imports no more than it must: ``typing`` not
at all, ``importlib.metadata`` (about 30 ms of imports: email, zipfile, csv, ...) only when a
package's modules must be read from its metadata. Installed versions come from a direct scan of
the ``*.dist-info``/``*.egg-info`` folders on ``sys.path`` that reads only the metadata headers
(about 1 ms for 30 distributions, against 45 ms through ``importlib.metadata``).
"""

from __future__ import annotations

import json
import os
import sys
import sysconfig
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

_NOT_MODULES = (".dist-info", ".egg-info", ".data")


def _identifier(name: str) -> bool:
    return name.isidentifier() and not name.startswith("_")


def top_level(dist_name: str) -> Optional[List[str]]:
    """Modules a distribution provides, from its metadata; None when it is not installed."""
    from importlib import metadata  # Python >= 3.8 in the environment under test

    try:
        dist = metadata.distribution(dist_name)
    except Exception:
        return None
    names: List[str] = []
    text = dist.read_text("top_level.txt")
    if text:
        names = [line.strip().replace("/", ".") for line in text.splitlines() if line.strip()]
    if not names:
        for f in dist.files or []:
            parts = f.parts
            if not parts or parts[0].endswith(_NOT_MODULES) or parts[0] in ("..", "__pycache__"):
                continue
            head = parts[0]
            if len(parts) > 1 and not head.isidentifier():
                continue   # a folder no import can name: auditwheel's numpy.libs/ (the wheel's vendored .so files)
            if len(parts) == 1:
                if head.endswith(".py"):
                    head = head[:-3]
                elif ".cpython-" in head or head.endswith((".so", ".pyd")):
                    head = head.split(".")[0]
                else:
                    continue
            if head not in names:
                names.append(head)
    public = [n for n in names if _identifier(n.split(".")[0])]
    return public or names


def _headers(path: str) -> Dict[str, str]:
    """Name and Version from a METADATA/PKG-INFO file, reading only up to the end of its headers."""
    found: Dict[str, str] = {}
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if not line.strip():
                    break
                if line[0] in " \t":
                    continue
                key, _, value = line.partition(":")
                if key in ("Name", "Version") and key not in found:
                    found[key] = value.strip()
                    if len(found) == 2:
                        break
    except OSError:
        pass
    return found


def installed() -> Dict[str, str]:
    """Every distribution's name -> version, the first on ``sys.path`` winning, as importlib.metadata
    orders them; a zip or egg file on the path is left to importlib.metadata."""
    resolved: Dict[str, str] = {}
    for entry in sys.path:
        folder = entry or "."
        if not os.path.isdir(folder):
            if os.path.isfile(folder):
                from importlib import metadata

                for dist in metadata.distributions(path=[folder]):
                    name = dist.metadata["Name"]
                    if name and name not in resolved:
                        resolved[name] = dist.version
            continue
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for item in names:
            if item.endswith(".dist-info"):
                meta = os.path.join(folder, item, "METADATA")
            elif item.endswith(".egg-info"):
                meta = os.path.join(folder, item)
                if os.path.isdir(meta):
                    meta = os.path.join(meta, "PKG-INFO")
            else:
                continue
            head = _headers(meta)
            found = head.get("Name")
            if found and found not in resolved:
                resolved[found] = head.get("Version", "")
    return resolved


def _traceback(exc: BaseException) -> List[str]:
    """The failure as Python prints it, chained exceptions included, without the probe's own frame: the first
    line of the message, all the verdict keeps, is often not the one that says why (psycopg lists its attempts
    under "no pq wrapper available."; a package re-raises a loader's OSError as an ImportError of its own).
    Its last 80 lines; ``traceback`` is imported only here, when an import has failed."""
    try:
        import traceback

        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
        text = "".join(traceback.format_exception(type(exc), exc, tb))
    except BaseException:  # a message whose str() raises: the verdict says what it can
        return []
    return [line[:400] for line in text.splitlines()[-80:]]


def main() -> None:
    out_path = sys.argv[1]
    with open(sys.argv[2], encoding="utf-8") as fh:
        spec = json.load(fh)
    imports: Dict[str, str] = {}
    tracebacks: Dict[str, List[str]] = {}
    timings: Dict[str, float] = {}
    missing: List[str] = []
    modules: List[str] = []
    owners: Dict[str, str] = {}
    for pkg in spec["packages"]:
        mods = pkg.get("imports")
        if not mods:
            mods = top_level(pkg["name"])
            if mods is None:
                missing.append(pkg["name"])
                mods = [pkg["name"].replace("-", "_").replace(".", "_")]
        for m in mods:
            if m not in modules:
                modules.append(m)
                owners[m] = pkg["name"]
    if spec.get("only"):
        modules = [m for m in modules if m in spec["only"]]
    resolved: Dict[str, str] = {}
    result: Dict[str, Any] = {"modules": modules, "owners": owners, "imports": imports, "tracebacks": tracebacks,
                              "timings": timings,
                              "missing": missing, "python_version": sys.version.split()[0],
                              "platform": sysconfig.get_platform(),
                              "resolved": resolved, "done": False}

    def flush() -> None:
        with open(out_path, "w", encoding="utf-8") as fh:
            json.dump(result, fh)

    flush()
    for mod in modules:
        start = time.perf_counter()
        try:
            __import__(mod)
            imports[mod] = "ok"
        except BaseException as exc:  # a verdict, not a crash: SystemExit and friends too
            message = str(exc).strip().splitlines()
            imports[mod] = (type(exc).__name__ + (": " + message[0] if message else ""))[:500]
            tracebacks[mod] = _traceback(exc)
        timings[mod] = round(time.perf_counter() - start, 3)
        flush()  # a segfault in the next import still leaves this verdict behind
    resolved.update(installed())
    result["done"] = True
    flush()


if __name__ == "__main__":
    main()
