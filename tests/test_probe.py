"""The import probe's list of a distribution's modules, from its installed files (no top_level.txt)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rodeo_action import probe


def installed(site: Path, name: str, files: list[str]) -> None:
    info = site / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "RECORD").write_text("".join(f"{f},,\n" for f in [*files, f"{info.name}/METADATA", f"{info.name}/RECORD"]))
    for f in files:
        (site / f).parent.mkdir(parents=True, exist_ok=True)
        (site / f).write_text("")


def test_a_wheels_vendored_library_folder_is_not_a_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """numpy's wheels (built by meson-python: no top_level.txt) ship numpy.libs/, auditwheel's folder of
    vendored .so files. The probe took it for a module and every cell with numpy as a package failed its
    import ("No module named 'numpy.libs'")."""
    installed(tmp_path, "numpy", ["numpy/__init__.py", "numpy/core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so",
                                  "numpy.libs/libopenblas64_p-r0-0cf96a72.3.23.dev.so", "../../bin/f2py"])
    installed(tmp_path, "six", ["six.py", "_six_ext.cpython-311-x86_64-linux-gnu.so"])
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    assert probe.top_level("numpy") == ["numpy"]
    assert probe.top_level("six") == ["six"]              # single-file modules are still found
