"""The shipped data read the same whichever YAML loader parses it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from rodeo_action.resources import data_dir, read_yaml

FILES = sorted(data_dir("matrix").rglob("*.yml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(data_dir("matrix"))))
def test_libyaml_and_pure_python_agree(path: Path) -> None:
    assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_there_is_data() -> None:
    assert len(FILES) >= 17
