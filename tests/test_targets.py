"""Runner labels -> OS family and CPU, and what managers derive from them."""

from __future__ import annotations

import pytest

from rodeo_action.managers.base import Target, os_arch, os_family
from rodeo_action.managers.pixi import platform


@pytest.mark.parametrize(("label", "family", "arch", "subdir"), [
    ("ubuntu-latest", "linux", "x86_64", "linux-64"),
    ("ubuntu-24.04-arm", "linux", "aarch64", "linux-aarch64"),
    ("debian-12", "linux", "x86_64", "linux-64"),
    ("macos-latest", "macos", "arm64", "osx-arm64"),
    ("macos-14", "macos", "arm64", "osx-arm64"),
    ("macos-13", "macos", "x86_64", "osx-64"),
    ("macos-latest-large", "macos", "x86_64", "osx-64"),
    ("macos-latest-xlarge", "macos", "arm64", "osx-arm64"),
    ("windows-latest", "windows", "x86_64", "win-64"),
    ("windows-11-arm", "windows", "arm64", "win-arm64"),
])
def test_label_to_target(label: str, family: str, arch: str, subdir: str) -> None:
    assert os_family(label) == family
    assert os_arch(label) == arch
    target = Target.for_label(label)
    assert (target.family, target.arch) == (family, arch)
    assert platform(target) == subdir
