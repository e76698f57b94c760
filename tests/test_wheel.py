"""The built wheel carries matrix/ and templates/ and works from a fresh venv outside the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from rodeo_action.managers import MODULES
from tests.conftest import ROOT, host_cell

pytestmark = [pytest.mark.network, pytest.mark.slow]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True)
    return next(out.glob("rodeo_action-*.whl"))


def test_wheel_ships_data_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"rodeo_action/templates/{t.name}" for t in (ROOT / "templates").glob("*.j2")}
    assert "rodeo_action/templates/nix-python.nix.j2" in templates
    for required in ("rodeo_action/matrix/default.yml", "rodeo_action/matrix/names.yml",
                     "rodeo_action/schema/config.schema.json", "rodeo_action/schema/result.schema.json",
                     "rodeo_action/probe.py", *sorted(templates)):
        assert required in names, required
    assert "rodeo_action/templates/pixi.toml.j2" not in names   # pixi.toml is written by tomli-w
    managers = {n for n in names if n.startswith("rodeo_action/matrix/managers/")}
    assert managers == {f"rodeo_action/matrix/managers/{m}.yml" for m in MODULES}
    (metadata_name,) = (n for n in names if n.endswith(".dist-info/METADATA"))
    metadata = zipfile.ZipFile(wheel).read(metadata_name).decode()
    assert "Requires-Dist: tomli-w>=" in metadata   # every generated TOML file is written by it


def test_installed_wheel_plans_and_runs_outside_the_checkout(wheel: Path, tmp_path: Path,
                                                             shared_cache: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)], check=True,
                   capture_output=True, text=True)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["RODEO_CACHE_DIR"] = str(shared_cache)
    rodeo = str(bindir / "rodeo")
    plan = subprocess.run([rodeo, "plan"], cwd=work, env=env, capture_output=True, text=True, check=True)
    matrix = json.loads(plan.stdout)
    assert {job["manager"] for job in matrix["include"]} >= {"pip", "uv", "conda", "nix", "apt"}
    (work / "rodeo.yml").write_text("packages: [six]\n")
    local = subprocess.run([rodeo, "local", "--managers", "uv", "--output", "out"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600)
    assert local.returncode == 0, local.stderr
    result = json.loads((work / "out" / f"{host_cell('uv')}.json").read_text())
    assert result["status"] == "pass", result["log_tail"]
    assert "uv" in (work / "out" / "report.md").read_text()
