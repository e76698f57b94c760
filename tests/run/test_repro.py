"""The repro: what a person pastes to do what the cell did (rodeo_action/run/repro.py).

Every manager's repro is also run by bash with hostile values in tests/test_commands_hostile.py, and
for real (pip, uv, poetry, pdm, pipenv, hatch: twice each, with the tools off PATH) in
tests/run/test_repro_real.py; these are its own rules.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from rodeo_action.managers import MODULES, Recipe, get, manager_info
from rodeo_action.managers.base import CellSpec, Step, Target
from rodeo_action.run.repro import (
    ROOT,
    TEST_SCRIPT,
    About,
    repro_text,
    shown_spec,
    shown_steps,
    without_own_comment,
)
from rodeo_action.run.tools import tool_version

needs_bash = pytest.mark.skipif(shutil.which("bash") is None or os.name != "posix", reason="the repro is bash")

VENV = Recipe(steps=(Step("create", ("python3.12", "-m", "venv", "/tmp/rodeo-x/.venv")),
                     Step("install", ("/tmp/rodeo-x/.venv/bin/pip", "install", "six")),
                     Step("install", ("/tmp/rodeo-x/.venv/bin/pip", "check"), in_repro=False)),
              python="/tmp/rodeo-x/.venv/bin/python", bin_dirs=("/tmp/rodeo-x/.venv/bin",),
              env=(("PIP_CACHE_DIR", "/cache/pip"), ("PIP_NO_INPUT", "1")))
UV = About("uv-all-debian-12-py3.11", "uv", "3.11", "2026-11-25T13:09:41Z", "uv 0.13.9 (x86_64-unknown-linux-gnu)",
           "uv", "uv")


def uv_recipe(tool: str = "uv") -> Recipe:
    spec = CellSpec(cell_id="uv-all-debian-12-py3.11", python="3.11", target=Target("linux"), packages=(),
                    requirements=("six",), workdir=ROOT, tool=tool, interpreter="python3.11", cache_dir=None)
    return get("uv").recipe(spec)


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


def test_a_repro_says_what_it_reproduces_works_in_a_folder_of_its_own_and_installs_the_manager() -> None:
    """Issue 13: one comment line, a fresh mktemp folder, the manager at the cell's release unless on PATH."""
    assert repro_text(uv_recipe(), ["six"], None, UV, ROOT).splitlines() == [
        "# rodeo-action cell uv-all-debian-12-py3.11: uv 0.13.9, Python 3.11, 2026-11-25 13:09 UTC",
        "set -euo pipefail",
        "R=$(mktemp -d)",
        'cd "$R"',
        "if ! { command -v uv && uv --version | grep -qwF 0.13.9; } >/dev/null 2>&1; then",
        '  python3 -m venv "$R/tools"',
        '  "$R/tools/bin/pip" install -q uv==0.13.9',
        '  mkdir "$R/bin"; ln -s "$R/tools/bin/uv" "$R/bin/"',
        '  export PATH="$R/bin:$PATH"',
        "fi",
        "export UV_PYTHON_DOWNLOADS=automatic",
        'uv venv --no-project --python python3.11 "$R/.venv"',
        'uv pip install --python "$R/.venv/bin/python" six',
        "\"$R/.venv/bin/python\" -c 'import six'",
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


def test_a_file_is_written_once_as_it_ended_without_rodeos_heading() -> None:
    """hatch and pixi write their manifest twice (create, then install): a person writes it once; pixi's
    second `install`, now the same command with nothing written between, runs once."""
    manifest = f"{ROOT}/pixi.toml"
    head = "# Written by rodeo-action: one cell's workspace.\n# Every value is a TOML string.\n\n"
    steps = (Step("create", write=manifest, content=head + "[dependencies]\npython = \"3.12.*\"\n"),
             Step("create", ("pixi", "install", "--manifest-path", manifest)),
             Step("install", write=manifest, content=head + "[dependencies]\npython = \"3.12.*\"\nsix = \"*\"\n"),
             Step("install", ("pixi", "install", "--manifest-path", manifest)))
    shown = shown_steps(steps)
    assert [s.write or s.argv[1] for s in shown] == [manifest, "install"]
    assert shown[0].content == "[dependencies]\npython = \"3.12.*\"\nsix = \"*\"\n"
    # only rodeo's own heading goes: a file of the user's that starts with a comment keeps it
    assert without_own_comment("# mine\nx\n") == "# mine\nx\n"
    assert without_own_comment("# Written by rodeo-action\n#\nlet\n# kept\n") == "let\n# kept\n"


@pytest.mark.parametrize("manager", sorted(MODULES))
def test_no_repro_names_rodeos_own_folders_caches_or_comments(manager: str) -> None:
    """Every manager's repro, as a cell makes it: "$R" for its folder, never the stand-in, no cache,
    no heading comment, and one comment line; a manager PyPI does not host is asked for on PATH."""
    info = manager_info(manager)
    ran = CellSpec(cell_id=f"{manager}-all-ubuntu-latest-py3.12", python="3.12", target=Target("linux"),
                   packages=(), requirements=("six",), workdir="/tmp/rodeo-cell-1x2y",
                   tool="/root/.cache/rodeo/tools/x/bin/tool", interpreter="/opt/py/bin/python3.12",
                   cache_dir="/root/.cache/rodeo/x", index_url="http://proxy.local/simple/")
    spec = shown_spec(ran, info.executable, None, ())
    about = About(spec.cell_id, manager, "3.12", "2026-11-25T13:09:41Z", f"{manager} 1.2.3", info.executable,
                  info.pypi)
    text = repro_text(get(manager).recipe(spec), ["six"], "true", about, ROOT)
    for own in (ROOT, "rodeo-cell-1x2y", ".cache/rodeo", "/opt/py", "proxy.local", "Written by rodeo-action"):
        assert own not in text
    assert [line for line in text.splitlines() if line.startswith("#")] == [text.splitlines()[0]]
    assert text.startswith(f"# rodeo-action cell {spec.cell_id}: {manager} ")
    assert "Python 3.12, 2026-11-25 13:09 UTC" in text.splitlines()[0]
    if info.pypi:
        assert f"pip\" install -q {info.pypi}==1.2.3" in text
    elif info.executable:
        assert text.splitlines()[0].endswith(("on PATH", "as root or with sudo"))
    assert ("$R" in text) == (manager != "apt"), "apt installs into the system: no folder of its own"


def test_the_comment_line_stays_one_line_and_says_what_it_does_not_know() -> None:
    about = About("pdm-x\nrm -rf /-py3.12", "pdm", "3.12", "not a date", "pdm: error\u2028oops", "pdm", "pdm")
    line = repro_text(Recipe(steps=(), python="python", bin_dirs=()), [], None, about, ROOT).splitlines()[0]
    assert line == "# rodeo-action cell pdm-x?rm -rf /-py3.12: pdm [pdm: error?oops], Python 3.12, not a date"
    text = repro_text(Recipe(steps=(), python="python", bin_dirs=()), [], None, about, ROOT)
    assert "command -v pdm >/dev/null" not in text and "install -q pdm\n" in text, "no release known: the latest"


@pytest.mark.parametrize(("line", "version"), [
    ("PDM, version 2.29.4", "2.29.4"), ("uv 0.13.9 (x86_64-unknown-linux-gnu)", "0.13.9"),
    ("Poetry (version 2.5.1)", "2.5.1"), ("Hatch, version 1.18.2", "1.18.2"),
    ("pipenv, version 2026.10.3", "2026.10.3"),
    ("uv 0.9.5 (d5f39331a 2025-10-21)", "0.9.5"), ("nix-build (Nix) 2.8.0", "2.8.0"), ("pip 25.0rc1", "25.0rc1"),
    ("unknown (OSError)", None), ("x86_64 3.x", None), ("", None)])
def test_the_release_a_version_line_names(line: str, version: str | None) -> None:
    assert tool_version(line) == version


def fake(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text("#!/bin/sh\n" + body)
    (folder / name).chmod(0o755)


@needs_bash
@pytest.mark.parametrize(("on_path", "installs"), [("uv 0.13.9 (x)", False), ("uv 0.13.90", True),
                                                   ("uv 10.13.9", True), (None, True)])
def test_the_manager_is_installed_unless_its_release_is_on_path(tmp_path: Path, on_path: str | None,
                                                                installs: bool) -> None:
    """Run twice: each run in a fresh folder, the same verdict; the cell's release of uv taken from PATH
    when there, else pip-installed into the run's folder (python3 faked: a venv whose pip logs and
    puts a uv in place)."""
    bin_dir, log = tmp_path / "bin", tmp_path / "log"
    bin_dir.mkdir()
    fake(tmp_path, "tools-uv", 'echo "tools-uv $*" >> "$LOG"\n')
    fake(tmp_path, "pip", 'echo "pip $*" >> "$LOG"; cp "$TOOLS/tools-uv" "$(dirname "$0")/uv"\n')
    fake(bin_dir, "python3", '[ "$1 $2" = "-m venv" ] && mkdir -p "$3/bin" && cp "$TOOLS/pip" "$3/bin/pip"\n')
    if on_path:
        fake(bin_dir, "uv", f'[ "$1" = --version ] && echo "{on_path}" && exit 0; echo "path-uv $*" >> "$LOG"\n')
    text = repro_text(uv_recipe(), [], None, UV, ROOT)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LOG": str(log), "TOOLS": str(tmp_path), "TMPDIR": str(tmp_path),
           "HOME": str(tmp_path)}
    for _ in range(2):
        proc = subprocess.run(["bash", "-c", text], env=env, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    calls = log.read_text().splitlines()
    who = "tools-uv" if installs else "path-uv"
    assert [c.split()[0] for c in calls] == (["pip", who, who] * 2 if installs else [who, who] * 2)
    assert not installs or calls[0] == "pip install -q uv==0.13.9"
    venvs = [c.split()[-1] for c in calls if "venv --no-project" in c]
    assert len(set(venvs)) == 2 and all(v.startswith(f"{tmp_path}/tmp.") for v in venvs), venvs


@needs_bash
@pytest.mark.parametrize(("uid", "sudo", "runs"), [("0", True, "apt-get"), ("1001", True, "sudo env"),
                                                   ("1001", False, "apt-get")])
def test_apt_uses_sudo_only_when_not_root_and_sudo_exists(tmp_path: Path, uid: str, sudo: bool, runs: str) -> None:
    """A container's root has no sudo: `$SUDO` is empty there, and wherever sudo is missing."""
    spec = CellSpec(cell_id="apt-all-debian-12-py3.11", python="3.11", target=Target("linux"), packages=(),
                    requirements=("python3-six",), workdir=ROOT, tool="apt-get")
    about = About(spec.cell_id, "apt", "3.11", "2026-11-25T13:09:41Z", "apt 2.6.1 (amd64)", "apt-get")
    text = repro_text(get("apt").recipe(spec), [], None, about, ROOT)
    assert ("$SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "
            "--no-install-recommends python3-six") in text
    bin_dir, log = tmp_path / "bin", tmp_path / "log"
    bin_dir.mkdir()
    os.symlink(shutil.which("env") or "/usr/bin/env", bin_dir / "env")   # PATH is this folder alone
    fake(bin_dir, "id", f"echo {uid}\n")
    fake(bin_dir, "apt-get", 'echo "apt-get $DEBIAN_FRONTEND $*" >> "$LOG"\n')
    if sudo:
        fake(bin_dir, "sudo", 'echo "sudo $*" >> "$LOG"; exec "$@"\n')
    proc = subprocess.run([shutil.which("bash") or "bash", "-c", text], env={"PATH": str(bin_dir), "LOG": str(log)},
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    first = log.read_text().splitlines()[0]
    assert first.startswith(runs) and first.endswith("update -q") and "noninteractive" in first


@needs_bash
def test_the_test_line_runs_the_test_with_the_environment_first_on_path(tmp_path: Path) -> None:
    bin_dir = tmp_path / "env bin"     # a space: quoted, not split
    bin_dir.mkdir()
    (bin_dir / "greet").write_text("#!/bin/sh\necho hello from the env\n")
    (bin_dir / "greet").chmod(0o755)
    recipe = Recipe(steps=(), python="python3", bin_dirs=(str(bin_dir),))
    text = repro_text(recipe, [], "greet; echo \"$0\" 'it''s'")
    out = subprocess.run(["bash", "-c", text], capture_output=True, text=True, check=True).stdout
    assert out == "hello from the env\nbash its\n"


@needs_bash
def test_a_step_in_the_repros_folder_needs_no_cd_and_its_folder_is_a_variable(tmp_path: Path) -> None:
    """Step.shell(root=...): "$R" for the folder, anywhere in a word; ${R} where a name would run on."""
    weird = ROOT + "/a b/x" + ROOT + "y"
    step = Step("install", ("printf", "%s\\n", ROOT, f"{ROOT}/f", weird), cwd=ROOT, env=(("V", f"{ROOT}_z"),))
    assert step.shell(root=ROOT) == 'V="${R}_z" printf \'%s\\n\' "$R" "$R/f" "$R"\'/a b/x\'"$R"y'
    assert Step("install", ("true",), cwd=f"{ROOT}/sub").shell(root=ROOT) == '(cd "$R/sub" && true)'
    printenv = Step("install", ("printenv", "V"), env=step.env).shell(root=ROOT)
    out = subprocess.run(["bash", "-c", f"R={shlex.quote(str(tmp_path))}\n{step.shell(root=ROOT)}\n{printenv}"],
                         capture_output=True, text=True, check=True).stdout
    t = str(tmp_path)
    assert out.splitlines() == [t, f"{t}/f", f"{t}/a b/x{t}y", f"{t}_z"]
