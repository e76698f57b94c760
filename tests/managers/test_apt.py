"""apt: the commands (every apt-get as root, directly or through ``sudo -n``), the create step's Python
check, and - on Debian/Ubuntu with root or password-less sudo, marked ``network`` - real installs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rodeo_action.managers import get
from tests.managers.pypikit import Run, apt_only, commands, install_tools, make_spec, real_environment, run_cell


def test_apt_argv() -> None:
    recipe = get("apt").recipe(make_spec("apt", requirements=("python3-six", "python3-yaml"), interp=None,
                                         cache_dir=None))
    as_root = ["sh", "-c", 'if [ "$(id -u)" -eq 0 ]; then exec "$@"; fi; exec sudo -n -- "$@"', "rodeo-as-root",
               "env", "DEBIAN_FRONTEND=noninteractive", "apt"]
    got = commands(recipe)
    assert [(phase, cmd) for phase, cmd, _ in got] == [
        ("setup", [*as_root, "-o", "DPkg::Lock::Timeout=300", "update", "-q"]),
        ("create", ["/usr/bin/python3", "-c", got[1][1][2], "3.11"]),
        ("install", [*as_root, "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", "--no-install-recommends",
                     "python3-six", "python3-yaml"]),
    ]
    assert recipe.python == "/usr/bin/python3"
    assert recipe.bin_dirs == ("/usr/bin",)
    assert dict(recipe.env) == {"DEBIAN_FRONTEND": "noninteractive"}
    assert recipe.notes


@pytest.mark.parametrize("want,ok", [(f"{sys.version_info[0]}.{sys.version_info[1]}", True), ("2.7", False)])
def test_apt_python_check_says_which_python_apt_provides(want: str, ok: bool) -> None:
    """The create step's check, run here with this interpreter standing in for /usr/bin/python3."""
    step = commands(get("apt").recipe(make_spec("apt", python=want, interp=None)))[1]
    proc = subprocess.run([sys.executable, *step[1][1:]], capture_output=True, text=True, check=False)
    assert (proc.returncode == 0) is ok
    if not ok:
        assert f"apt provides Python {sys.version_info[0]}.{sys.version_info[1]} here, not 2.7" in proc.stderr


def test_apt_escalation_runs_directly_as_root_and_via_sudo_otherwise(tmp_path: Any) -> None:
    """The fixed ``sh -c`` wrapper: as root it execs the command itself; otherwise it asks ``sudo -n``."""
    script = commands(get("apt").recipe(make_spec("apt", interp=None)))[0][1][2]
    fake = tmp_path / "bin"
    fake.mkdir()
    for name, body in (("id", 'echo "$FAKE_UID"'), ("sudo", 'echo "sudo $*"')):
        (fake / name).write_text(f"#!/bin/sh\n{body}\n")
        (fake / name).chmod(0o755)
    for uid, expected in (("0", "echo hi"), ("1001", "sudo -n -- echo hi")):
        env = {"PATH": f"{fake}:/usr/bin:/bin", "FAKE_UID": uid}
        out = subprocess.run(["sh", "-c", script, "x", "echo", "hi"], env=env, capture_output=True, text=True,
                             check=True).stdout.strip()
        assert out == ("hi" if uid == "0" else expected)


# ------------------------------------------------------------------------------ real installs


@pytest.fixture(scope="session")
def tools_bin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_tools(request, tmp_path_factory)


@pytest.fixture
def real_env(cli_env: dict[str, str], tools_bin: Path) -> dict[str, str]:
    return real_environment(cli_env, tools_bin)


@pytest.mark.network
@pytest.mark.xdist_group("apt")   # apt-get and dpkg install into this machine: one at a time
@apt_only
def test_apt_installs_six(rodeo: Run, tmp_path: Path, real_env: dict[str, str]) -> None:
    result = run_cell(rodeo, tmp_path, real_env, "apt", "packages: [six]\n")
    assert result["status"] == "pass", result["log"]
    assert result["imports"] == {"six": "ok"}
    assert "apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends python3-six" in result["log"]


@pytest.mark.network
@pytest.mark.xdist_group("apt")   # apt-get and dpkg install into this machine: one at a time
@apt_only
def test_apt_unpackaged_name_fails_in_install(rodeo: Run, tmp_path: Path, real_env: dict[str, str]) -> None:
    """docrep has no Debian package (python3-docrep): apt says so, in install."""
    result = run_cell(rodeo, tmp_path, real_env, "apt", "packages: [six, docrep]\n")
    assert (result["status"], result["phase"]) == ("fail", "install"), result["log"]
    assert result["cause"]["kind"] == "not-packaged"
    assert "python3-docrep" in result["log"]


@pytest.mark.network
@pytest.mark.xdist_group("apt")   # apt-get and dpkg install into this machine: one at a time
@apt_only
def test_apt_wrong_import_name_fails_in_import(rodeo: Run, tmp_path: Path, real_env: dict[str, str]) -> None:
    config = "packages:\n  - name: six\n    import: [sixx]\n"
    result = run_cell(rodeo, tmp_path, real_env, "apt", config)
    assert (result["status"], result["phase"]) == ("fail", "import"), result["log"]
    assert result["cause"]["kind"] == "import-error"
    assert result["imports"]["sixx"].startswith("ModuleNotFoundError")
