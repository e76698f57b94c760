"""The cell log: cut with a note under ``ulimit -f`` (rodeo survives its own EFBIG), redacted on
disk and in the result (rodeo_action/run/celllog.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rodeo_action.results import Redactor
from rodeo_action.run.celllog import LOG_READ_CAP, TAIL_READ, CellLog, finish_log
from tests.run.cellkit import LIMIT, Rodeo, linux_only, small_files


@pytest.fixture
def rodeo_dir(cli_env: dict[str, str], tmp_path: Path) -> Rodeo:
    return Rodeo(tmp_path, cli_env)


@linux_only
def test_a_cell_that_floods_its_log_past_ulimit_f_leaves_a_cut_log_and_a_result(rodeo_dir: Rodeo) -> None:
    rodeo_dir.config("head -c 50000000 /dev/zero | tr '\\0' x")
    proc = rodeo_dir.run("run", "--cell", rodeo_dir.cell(), preexec=small_files)
    assert proc.returncode == 0, proc.stderr          # rodeo itself survived its own EFBIG
    data = rodeo_dir.result()
    assert (data["status"], data["phase"], data["cause"]["kind"]) == ("fail", "test", "disk-full"), data["cause"]
    log = rodeo_dir.root / "out" / f"{rodeo_dir.cell()}.log"
    assert log.stat().st_size <= LIMIT
    assert "# rodeo: the log was cut at " in data["log_tail"]
    assert "File too large (ulimit -f allows files of 20971520 bytes); what followed is lost" in data["log_tail"]


@pytest.mark.parametrize(("text", "out"), [
    ("x ghp_" + "a" * 36 + " y", "x [REDACTED] y"),
    ("Authorization: Bearer abcdefghijklmnop1234", "Authorization: Bearer [REDACTED]"),
    ("authorization: token " + "f" * 40, "authorization: token [REDACTED]"),
    ("aws_secret_access_key = " + "A/b+" * 10, "aws_secret_access_key = [REDACTED]"),
    ("AKIAIOSFODNN7EXAMPLE", "[REDACTED]"),
    ("https://alice:s3cr3t@pypi.example.org/simple", "https://alice:[REDACTED]@pypi.example.org/simple"),
    ("pypi-AgEIcHlwaS5vcmc" + "x" * 60, "[REDACTED]"),
    ("http://[::1]:8080/simple and git+ssh://git@github.com/o/r", "http://[::1]:8080/simple and "
     "git+ssh://git@github.com/o/r"),
    ("an unexpected token in /usr/lib/python3/site-packages/x.py", "an unexpected token in "
     "/usr/lib/python3/site-packages/x.py"),
])
def test_token_shapes_are_redacted_and_nothing_else(text: str, out: str) -> None:
    from rodeo_action.results import Redactor

    assert Redactor()(text) == out


def test_a_log_is_redacted_in_place_only_when_it_must_be(tmp_path: Path) -> None:
    from rodeo_action.results import Redactor

    clean, dirty = tmp_path / "clean.log", tmp_path / "dirty.log"
    clean.write_text("Collecting six\n" * 100_000)
    dirty.write_text("Collecting six\n" * 100_000 + "password=my-long-secret\n")
    before = clean.stat().st_mtime_ns
    redact = Redactor(("my-long-secret",))
    assert redact.file(clean) is False and clean.stat().st_mtime_ns == before
    assert redact.file(dirty) is True
    assert dirty.read_text().endswith("Collecting six\npassword=[REDACTED]\n")


def test_a_steps_output_is_read_back_whole_or_as_head_and_tail(tmp_path: Path) -> None:
    path = tmp_path / "cell.log"
    with path.open("wb") as fh:
        log = CellLog(fh, path)
        log.say("# rodeo cell x")
        start = log.offset()
        log.say("Collecting six")
        assert log.since(start) == "Collecting six\n"
        big = log.offset()
        log.say("H" * LOG_READ_CAP + "\n" + "T" * 100)
        text = log.since(big)
    assert text.startswith("H" * (LOG_READ_CAP // 4) + "\n[... rodeo: output skipped ...]\n")
    assert text.endswith("T" * 100 + "\n") and len(text) < LOG_READ_CAP + 100


def test_the_tail_is_redacted_and_starts_at_a_whole_line(tmp_path: Path) -> None:
    path = tmp_path / "cell.log"
    lines = [f"line {n:06d} " + "x" * 50 for n in range(TAIL_READ // 40)]
    path.write_text("\n".join([*lines, "password=my-long-secret", ""]))
    text = finish_log(path, Redactor(("my-long-secret",)))
    assert text.split("\n", 1)[0] in lines and text.endswith("password=[REDACTED]\n")
    assert "my-long-secret" not in path.read_text()
    assert finish_log(tmp_path / "gone.log", Redactor()).startswith("# rodeo: the log could not be read back: ")
