"""The repro: what a person pastes to do what the cell did (rodeo_action/run/repro.py).

Every manager's repro is also run by bash in tests/test_commands_hostile.py and checked per family
in tests/test_managers_*.py; these are its own rules.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from rodeo_action.managers import Recipe
from rodeo_action.managers.base import Step
from rodeo_action.run.repro import TEST_SCRIPT, repro_text

VENV = Recipe(steps=(Step("create", ("python3.12", "-m", "venv", "/tmp/rodeo-x/.venv")),
                     Step("install", ("/tmp/rodeo-x/.venv/bin/pip", "install", "six")),
                     Step("install", ("/tmp/rodeo-x/.venv/bin/pip", "check"), in_repro=False)),
              python="/tmp/rodeo-x/.venv/bin/python", bin_dirs=("/tmp/rodeo-x/.venv/bin",),
              env=(("PIP_CACHE_DIR", "/cache/pip"), ("PIP_NO_INPUT", "1")))


def test_a_repro_has_the_steps_the_imports_and_the_test_in_order() -> None:
    lines = repro_text(VENV, ["six", "docrep"], "python -c 'import six'").splitlines()
    assert lines == [
        "set -e",
        "export PIP_NO_INPUT=1",                     # rodeo's cache folders are rodeo's: not exported
        "python3.12 -m venv /tmp/rodeo-x/.venv",
        "/tmp/rodeo-x/.venv/bin/pip install six",    # a check of rodeo's own (in_repro=False) is left out
        "/tmp/rodeo-x/.venv/bin/python -c 'import six; import docrep'",
        "PATH=/tmp/rodeo-x/.venv/bin:\"$PATH\" bash -c 'python -c '\"'\"'import six'\"'\"''",
    ]


def test_folders_of_written_files_are_made_first_and_a_launched_test_is_a_file() -> None:
    recipe = Recipe(steps=(Step("setup", write="/tmp/rodeo-x/project/pixi.toml", content="[workspace]\n"),
                           Step("install", ("pixi", "install", "--manifest-path", "/tmp/rodeo-x/project/pixi.toml"))),
                    python="/tmp/rodeo-x/project/.pixi/envs/default/bin/python", bin_dirs=(),
                    launcher=("pixi", "run", "--manifest-path", "/tmp/rodeo-x/project/pixi.toml"),
                    env=(("CONDA_PKGS_DIRS", "/cache/pkgs"),))
    text = repro_text(recipe, [], "echo $PROJ_DATA")
    lines = text.splitlines()
    assert lines[1] == "mkdir -p /tmp/rodeo-x/project"
    assert not any("CONDA_PKGS_DIRS" in line for line in lines)
    assert not any(" -c " in line for line in lines), "no import line without modules; no test as -c code"
    assert f"cat > {TEST_SCRIPT} <<'EOF'\necho $PROJ_DATA\nEOF" in text
    assert lines[-1] == shlex.join([*recipe.launcher, "bash", TEST_SCRIPT])


@pytest.mark.skipif(shutil.which("bash") is None, reason="the repro is bash")
def test_the_test_line_runs_the_test_with_the_environment_first_on_path(tmp_path: Path) -> None:
    bin_dir = tmp_path / "env bin"     # a space: quoted, not split
    bin_dir.mkdir()
    (bin_dir / "greet").write_text("#!/bin/sh\necho hello from the env\n")
    (bin_dir / "greet").chmod(0o755)
    recipe = Recipe(steps=(), python="python3", bin_dirs=(str(bin_dir),))
    text = repro_text(recipe, [], "greet; echo \"$0\" 'it''s'")
    out = subprocess.run(["bash", "-c", text], capture_output=True, text=True, check=True).stdout
    assert out == "hello from the env\nbash its\n"
