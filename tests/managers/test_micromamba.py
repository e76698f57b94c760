"""micromamba: its ``run`` (streamed, no flag), libmamba's error, and the activation control, against shims."""

from __future__ import annotations

from pathlib import Path

import pytest

from rodeo_action.managers import get
from tests.managers.condakit import (
    LIBMAMBA_CULPRIT,
    check_install_failure_is_attributed_to_install,
    check_rodeo_run_fails_in_install,
    check_without_activation_the_same_cell_fails_at_import,
    make_spec,
    posix_only,
)


def test_run_streams_without_a_flag() -> None:
    """``micromamba run -p PREFIX`` streams the command's output; on Linux and macOS it execs the command."""
    recipe = get("micromamba").recipe(make_spec("micromamba"))
    assert recipe.launcher == ("micromamba", "run", "-p", "/cells/cell/env")


@posix_only
def test_recipe_install_failure_is_attributed_to_install(tmp_path: Path) -> None:
    check_install_failure_is_attributed_to_install("micromamba", "libmamba", LIBMAMBA_CULPRIT, tmp_path)


@posix_only
def test_rodeo_run_fails_in_install_against_failing_shim(tmp_path: Path) -> None:
    repro = check_rodeo_run_fails_in_install("micromamba", "libmamba", tmp_path)
    assert "micromamba install -y -p " in repro
    assert "--override-channels python=3.12 cartopy nonexistent-pkg" in repro


@posix_only
def test_without_activation_the_same_cell_fails_at_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check_without_activation_the_same_cell_fails_at_import("micromamba", tmp_path, monkeypatch)
