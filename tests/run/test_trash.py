"""Cells' folders: deleted in the background after the cell, kept with --keep-envs, deleted at
once on a full disk, and what a crash left deleted by the next run (rodeo_action/run/trash.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rodeo_action.run.trash import Trash
from tests.run.cellkit import Rodeo, config_text, linux_only, offline_wheel, run_one


@pytest.fixture
def rodeo_dir(cli_env: dict[str, str], tmp_path: Path) -> Rodeo:
    return Rodeo(tmp_path, cli_env)


def test_keep_envs_keeps_the_environment(tmp_path: Path, shared_cache: Path) -> None:
    text = config_text(offline_wheel(tmp_path))
    env = {**os.environ, "PIP_NO_INDEX": "1"}
    result = run_one(tmp_path, text, "pip", shared_cache, environ=env, keep_envs=True)
    assert result.status == "pass", result.log_tail
    kept = list((tmp_path / "work").glob("rodeo-pip-*"))
    assert len(kept) == 1 and (kept[0] / ".venv").is_dir()
    result = run_one(tmp_path, text, "pip", shared_cache, environ=env)
    assert len(list((tmp_path / "work").glob("rodeo-pip-*"))) == 1


@linux_only
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_a_really_full_disk_still_gets_its_result(rodeo_dir: Rodeo) -> None:
    """A 16 MB tmpfs (in a user + mount namespace) holds the cell's folder and its output: the cell
    fills it, its folder is deleted before the result is written, and the result is there."""
    probe = subprocess.run(["unshare", "-Urm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no unprivileged mount namespace here: {probe.stderr.decode().strip()}")
    disk = rodeo_dir.root / "disk"
    disk.mkdir()
    rodeo_dir.config("head -c 100000000 /dev/zero > big")
    script = (f'mount -t tmpfs -o size=16m tmpfs {disk} && cd {rodeo_dir.root} && '
              f'RUNNER_TEMP={disk}/work {sys.executable} -m rodeo_action run --cell {rodeo_dir.cell()} '
              f'--output {disk}/out && cp -r {disk}/out {rodeo_dir.root}/out')
    proc = subprocess.run(["unshare", "-Urm", "sh", "-c", script], env=rodeo_dir.env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = rodeo_dir.result()
    assert (data["status"], data["phase"], data["cause"]["kind"]) == ("fail", "test", "disk-full"), data["log_tail"]
    assert "No space left on device" in data["log_tail"]


# ---------------------------------------------------------------- folders


@linux_only
def test_trash_a_crash_left_is_deleted_by_the_next_run(rodeo_dir: Rodeo) -> None:
    stale = rodeo_dir.root / "work" / ".rodeo-trash-rodeo-old-cell-abc"
    (stale / "env" / "lib").mkdir(parents=True)
    (stale / "env" / "lib" / "big.py").write_text("x = 1\n")
    keep = rodeo_dir.root / "work" / "rodeo-kept-cell-xyz"       # a --keep-envs folder: not trash
    keep.mkdir()
    rodeo_dir.config("true")
    proc = rodeo_dir.run("local", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists() and keep.exists()
    assert [p.name for p in (rodeo_dir.root / "work").iterdir()] == ["rodeo-kept-cell-xyz"]


# ---------------------------------------------------------------- the Trash object


def _folder(parent: Path, name: str) -> Path:
    folder = parent / name
    (folder / "env" / "lib").mkdir(parents=True)
    (folder / "env" / "lib" / "x.py").write_text("x = 1\n")
    return folder


def test_a_discarded_folder_is_renamed_at_once_then_deleted(tmp_path: Path) -> None:
    trash = Trash()
    folder = _folder(tmp_path, "rodeo-cell-abc")
    trash.discard(folder)
    assert not folder.exists()     # renamed before discard returns: the next cell never sees it
    assert trash.wait() == 0
    assert list(tmp_path.iterdir()) == []


def test_now_deletes_in_process(tmp_path: Path) -> None:
    trash = Trash()
    folder = _folder(tmp_path, "rodeo-cell-abc")
    trash.discard(folder, now=True)
    assert list(tmp_path.iterdir()) == []
    assert trash._pending == []


def test_stale_trash_is_removed_once_per_work_folder_and_each_command_has_its_own(tmp_path: Path) -> None:
    """Trash is an object a command owns (RunOptions.trash): no state is shared between two."""
    stale = _folder(tmp_path, ".rodeo-trash-rodeo-old-cell")
    first, second = Trash(), Trash()
    first.discard(_folder(tmp_path, "rodeo-one"))
    assert first.wait() == 0 and not stale.exists()
    stale = _folder(tmp_path, ".rodeo-trash-rodeo-older-cell")
    first.discard(_folder(tmp_path, "rodeo-two"))        # this command cleaned this folder already
    assert first.wait() == 0 and stale.exists()
    second.discard(_folder(tmp_path, "rodeo-three"))     # another command looks again
    assert second.wait() == 0 and not stale.exists()
    assert first._seen == {tmp_path} and second._seen == {tmp_path}
    assert list(tmp_path.iterdir()) == []


def test_the_rm_gets_nothing_but_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, str]] = []
    real = subprocess.Popen

    def spy(argv: list[str], **kwargs: Any) -> Any:
        seen.append(kwargs["env"])
        return real(argv, **kwargs)

    monkeypatch.setenv("SOME_TOKEN", "s3cret-value-1234")
    monkeypatch.setattr(subprocess, "Popen", spy)
    trash = Trash()
    trash.discard(_folder(tmp_path, "rodeo-cell"))
    assert trash.wait() == 0
    assert [set(env) for env in seen] == [{"PATH"}]
