"""An output path is the user's: written through a link, streamed to a pipe or device, never replaced.

Every file rodeo writes for a person (``report --markdown/--json/--svg/--badge/--badge-dir``, results,
``local``'s report.md) goes through :func:`rodeo_action.results.write_atomic_chunks`; these tests use
it directly and through the real CLI.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from rodeo_action.errors import InputError
from rodeo_action.results import OutputError, write_atomic, write_atomic_chunks

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "examples" / "default-rodeo" / "results"


def _report(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rodeo_action", "report", "--results", str(RESULTS), *args],
                          cwd=cwd, text=True, capture_output=True, timeout=120)


def test_a_link_is_written_through_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "docs" / "real.md"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "out.md"
    link.symlink_to(Path("docs") / "real.md")
    write_atomic(link, "new\n")
    assert link.is_symlink() and os.readlink(link) == str(Path("docs") / "real.md")
    assert real.read_text() == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640   # the user's file keeps its mode
    assert not [p for p in real.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_chain_of_links_and_a_dangling_link(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("sub/c.md")
    write_atomic(tmp_path / "a", "x\n")        # dangling: the target is created, its folder too
    assert (tmp_path / "sub" / "c.md").read_text() == "x\n"
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


def test_a_fifo_is_streamed_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    write_atomic_chunks(fifo, ("a\n", "b\n"))
    reader.join(10)
    assert got == ["a\nb\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_character_device_is_streamed_to() -> None:
    before = os.lstat("/dev/null")
    write_atomic(Path("/dev/null"), "nothing\n")
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


@pytest.mark.parametrize("make", ["folder", "missing-parent-is-file"])
def test_what_cannot_be_written_safely_is_refused(tmp_path: Path, make: str) -> None:
    if make == "folder":
        path = tmp_path / "out"
        path.mkdir()
    else:
        (tmp_path / "file").write_text("")
        path = tmp_path / "file" / "out.md"
    with pytest.raises(OutputError) as info:
        write_atomic(path, "x")
    assert isinstance(info.value, InputError) and isinstance(info.value, OSError)
    assert str(info.value).startswith(f"{path}: ")


def test_cli_markdown_through_a_link_and_a_badge_dir_link(tmp_path: Path) -> None:
    (tmp_path / "real.md").write_text("old")
    (tmp_path / "out.md").symlink_to("real.md")
    (tmp_path / "badges-real").mkdir()
    (tmp_path / "badges").symlink_to("badges-real")
    proc = _report("--markdown", "out.md", "--badge-dir", "badges", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out.md").is_symlink() and (tmp_path / "badges").is_symlink()
    assert (tmp_path / "real.md").read_text().startswith("# ")
    assert (tmp_path / "badges-real" / "rodeo.json").is_file()


def test_cli_markdown_to_dev_stdout_streams_and_moves_the_terminal_view_to_stderr(tmp_path: Path) -> None:
    proc = _report("--markdown", "/dev/stdout", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# ")                 # only the markdown on stdout
    assert "manager " in proc.stderr                     # the terminal table went to stderr
    assert Path("/dev/stdout").is_symlink()

    with open(tmp_path / "redirected.md", "w") as out:   # `> file`: the shell's file receives it
        done = subprocess.run([sys.executable, "-m", "rodeo_action", "report", "--results", str(RESULTS),
                               "--markdown", "/dev/stdout"], cwd=tmp_path, stdout=out, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "redirected.md").read_text().startswith("# ")


def test_cli_refuses_a_folder_in_one_line(tmp_path: Path) -> None:
    proc = _report("--markdown", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{tmp_path}: is a folder; expected a file path" in proc.stderr.splitlines()


def test_cli_stops_quietly_when_the_reader_leaves(tmp_path: Path) -> None:
    head = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    proc = subprocess.run([sys.executable, "-m", "rodeo_action", "report", "--results", str(RESULTS),
                           "--markdown", "/dev/stdout"], cwd=tmp_path, stdout=head.stdin, stderr=subprocess.PIPE,
                          text=True, timeout=120)
    assert head.stdin is not None
    head.stdin.close()
    head.wait(10)
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 141)
