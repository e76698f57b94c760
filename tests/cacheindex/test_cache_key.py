"""`rodeo cache-key`: a run job's download-cache key parts, from its cells' last passes in the baseline
(the action's "Key the manager's downloads" step writes them as step outputs)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from tests.conftest import ROOT

Run = Callable[..., subprocess.CompletedProcess[str]]
EXAMPLE = ROOT / "examples" / "default-rodeo"


def _key(rodeo: Run, job: Mapping[str, object], *extra: str) -> dict[str, str]:
    proc = rodeo("cache-key", "--config", str(EXAMPLE / "rodeo.yml"), "--job", json.dumps(job), *extra)
    assert proc.returncode == 0, proc.stderr
    return dict(line.split("=", 1) for line in proc.stdout.splitlines())


def test_the_key_follows_what_the_cells_installed_when_they_last_passed(rodeo: Run, tmp_path: Path) -> None:
    pip = {"job": "pip-debian-12", "cells": ["pip-all-debian-12-py3.11"]}
    assert _key(rodeo, pip) == {"lock-hash": "none", "family": "pypi"}
    base = tmp_path / "base.json"
    proc = rodeo("report", "--config", str(EXAMPLE / "rodeo.yml"), "--results", str(EXAMPLE / "results"),
                 "--json", str(base))
    assert proc.returncode == 0, proc.stderr
    first = _key(rodeo, pip, "--baseline", str(base))
    assert first["family"] == "pypi" and len(first["lock-hash"]) == 16
    assert _key(rodeo, pip, "--baseline", str(base)) == first                       # stable
    # another release of one distribution: another key
    results = tmp_path / "results"
    shutil.copytree(EXAMPLE / "results", results)
    cell = results / "pip-all-debian-12-py3.11.json"
    data = json.loads(cell.read_text())
    name = next(iter(data["resolved"]))
    data["resolved"][name] = "999.0"
    cell.write_text(json.dumps(data))
    moved = tmp_path / "moved.json"
    assert rodeo("report", "--config", str(EXAMPLE / "rodeo.yml"), "--results", str(results),
                 "--json", str(moved)).returncode == 0
    assert _key(rodeo, pip, "--baseline", str(moved))["lock-hash"] != first["lock-hash"]
    conda = {"job": "conda-debian-12", "cells": ["conda-all-debian-12-py3.11"]}
    assert _key(rodeo, conda, "--baseline", str(base))["family"] == "conda"


def test_a_bad_job_is_refused_with_exit_2(rodeo: Run) -> None:
    proc = rodeo("cache-key", "--config", str(EXAMPLE / "rodeo.yml"), "--job", "not json")
    assert proc.returncode == 2 and "--job: expected one job" in proc.stderr and "Traceback" not in proc.stderr


def test_a_bad_caching_index_port_is_refused_before_anything_is_written(rodeo: Run, cli_env: dict[str, str],
                                                                        tmp_path: Path) -> None:
    (tmp_path / "rodeo.yml").write_text("packages: [six]\nmanagers: [pip]\n")
    proc = rodeo("local", "--output", "out", env={**cli_env, "RODEO_CACHING_INDEX": "1",
                                                  "RODEO_CACHING_INDEX_PORT": "http"})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == ("rodeo: RODEO_CACHING_INDEX_PORT='http': expected a port number "
                                                    "(0-65535; 0: any free port)")
    assert not (tmp_path / "out").exists()
