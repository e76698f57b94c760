"""The conda family shares one package cache per run: conda, mamba and micromamba cells of one command get
the same ``CONDA_PKGS_DIRS``, pixi cells ``PIXI_CACHE_DIR`` beside it, in ``RODEO_CACHE_DIR`` (what a run
job's actions/cache saves). pixi's cache is its own folder: rattler's package cache (``pkgs/`` of
extracted packages, its own lock files, no archives) is not a layout conda, mamba or micromamba write
into safely, and one folder shared by both kinds of writer is a cache neither checks. Seen through the
environment the shims are called with, in real ``rodeo run``s."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from shimkit import calls, run_cell_with_shims, write_shim

from tests.managers.condakit import ALL, SUCCEED


@pytest.mark.skipif(sys.platform == "win32", reason="shims are POSIX scripts")
def test_conda_family_cells_share_one_package_cache(tmp_path: Path) -> None:
    bin_dir, log = tmp_path / "shims", tmp_path / "shim.log"
    for manager in ALL:
        write_shim(bin_dir, manager, SUCCEED)
    for manager in ALL:
        result, said = run_cell_with_shims(manager, ["cartopy"], bin_dir, log, tmp_path)
        assert result["status"] == "pass", said
    seen: dict[str, set[str]] = {}
    for call in calls(log):
        for var in ("CONDA_PKGS_DIRS", "PIXI_CACHE_DIR"):
            if var in call.env:
                seen.setdefault(f"{call.tool}:{var}", set()).add(call.env[var])
    conda = {value for key, values in seen.items() if key.endswith("CONDA_PKGS_DIRS") for value in values}
    assert {key.split(":")[0] for key in seen if key.endswith("CONDA_PKGS_DIRS")} == set(ALL) - {"pixi"}
    assert conda == {str(tmp_path / "cache" / "conda_pkgs_dirs")}, seen
    assert seen["pixi:PIXI_CACHE_DIR"] == {str(tmp_path / "cache" / "pixi_cache_dir")}, seen
