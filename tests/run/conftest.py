"""Fixtures of tests/run: a folder of hostile cells (tests/run/cellkit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.run.cellkit import Rodeo


@pytest.fixture
def rodeo_dir(cli_env: dict[str, str], tmp_path: Path) -> Rodeo:
    return Rodeo(tmp_path, cli_env)
