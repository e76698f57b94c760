"""conda: its ``run`` told to stream the command's output, and its solver's own error, against shims.

What conda shares with mamba and micromamba (one CLI) is in test_conda_family.py.
"""

from __future__ import annotations

from pathlib import Path

from rodeo_action.managers import get
from tests.managers.condakit import (
    check_install_failure_is_attributed_to_install,
    check_rodeo_run_fails_in_install,
    make_spec,
    posix_only,
)

CULPRIT = (r"PackagesNotFoundError: The following packages are not available from current "
           r"channels:\s+- nonexistent-pkg")


def test_run_is_told_to_stream_the_commands_output() -> None:
    """``conda run`` prints a command's output when it ends (all of it lost if the deadline kills it) unless told
    ``--no-capture-output``."""
    recipe = get("conda").recipe(make_spec("conda"))
    assert recipe.launcher == ("conda", "run", "-p", "/cells/cell/env", "--no-capture-output")


@posix_only
def test_recipe_install_failure_is_attributed_to_install(tmp_path: Path) -> None:
    check_install_failure_is_attributed_to_install("conda", "conda", CULPRIT, tmp_path)


@posix_only
def test_rodeo_run_fails_in_install_against_failing_shim(tmp_path: Path) -> None:
    repro = check_rodeo_run_fails_in_install("conda", "conda", tmp_path)
    assert "conda install -y -p " in repro
    assert "--override-channels python=3.12 cartopy nonexistent-pkg" in repro
