"""mamba: conda's CLI on the libmamba solver; its ``run`` takes no conda-only flag; libmamba's error against a shim."""

from __future__ import annotations

from pathlib import Path

from rodeo_action.managers import get
from tests.managers.condakit import (
    LIBMAMBA_CULPRIT,
    check_install_failure_is_attributed_to_install,
    make_spec,
    posix_only,
)


def test_run_gets_no_capture_flag() -> None:
    """mamba 2's ``run`` is micromamba's (an option it does not know would be taken for the command)."""
    recipe = get("mamba").recipe(make_spec("mamba"))
    assert recipe.launcher == ("mamba", "run", "-p", "/cells/cell/env")


@posix_only
def test_recipe_install_failure_is_attributed_to_install(tmp_path: Path) -> None:
    check_install_failure_is_attributed_to_install("mamba", "libmamba", LIBMAMBA_CULPRIT, tmp_path)
