"""collect(): a folder of downloaded artifacts -> one CellView per planned cell, never a crash.

Every hostile or broken file is shown as an ``error`` cell naming the file, or as a note naming
it; nothing is dropped silently, and nothing big is read into memory.
"""

from __future__ import annotations

import json
import os
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from rodeo_action.config import parse_config
from rodeo_action.plan import PlannedCell, expand
from rodeo_action.report import collect as collect_mod
from rodeo_action.report.collect import MAX_RESULT_BYTES, Collected, collect
from rodeo_action.report.model import STATUSES
from rodeo_action.results import Cause, CellInfo, Result, write_result

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import synthetic

CONFIG = """\
packages: [tensorflow, numpy]
sets: {ml: [tensorflow, numpy], np: [numpy]}
managers: [uv, apt]
os: [ubuntu-latest, macos-14]
python: ['3.12']
"""
UV_ML = "uv-ml-ubuntu-latest-py3.12"
UV_NP = "uv-np-ubuntu-latest-py3.12"


def plan() -> list[PlannedCell]:
    return expand(parse_config(CONFIG, "rodeo.yml"))


def result(cell_id: str = UV_ML, status: str = "pass", started_at: str = "2025-01-01T00:00:00Z",
           **kw: Any) -> Result:
    manager, rest = cell_id.split("-", 1)
    set_, rest = rest.split("-", 1)
    os_, py = rest.rsplit("-py", 1)
    cause = Cause("build-failed", "it broke", "numpy") if status == "fail" else None
    return Result(CellInfo(cell_id, manager, set_, os_, py, ("numpy",)), status, phase="install" if cause else None,
                  cause=cause, durations={"install": 3.0}, started_at=started_at, **kw)


def by_id(got: Collected) -> dict[str, Any]:
    return {c.id: c for c in got.cells}


def valid_json(cell_id: str = UV_ML) -> dict[str, Any]:
    return result(cell_id).to_dict()


def test_nested_folders_missing_and_na(tmp_path: Path) -> None:
    write_result(result(UV_ML), tmp_path / "rodeo-uv-ubuntu-latest" / "deeper")
    write_result(result("apt-np-ubuntu-latest-py3.12", "fail"), tmp_path / "rodeo-apt-ubuntu-latest")
    got = collect(tmp_path, plan())
    cells = by_id(got)
    assert len(got.cells) == len(plan()) == 8
    assert cells[UV_ML].status == "pass" and cells[UV_ML].source == "rodeo-uv-ubuntu-latest/deeper/" + UV_ML + ".json"
    assert cells["apt-np-ubuntu-latest-py3.12"].status == "fail"
    assert cells[UV_NP].status == "missing" and cells[UV_NP].result is None
    na = cells["apt-ml-macos-14-py3.12"]
    assert na.status == "n/a" and na.note == "apt does not run on macos-14 (runs on ubuntu/debian)"
    assert got.notes == []
    assert [c.id for c in got.cells] == sorted(c.id for c in got.cells)


def test_no_results_folder(tmp_path: Path) -> None:
    got = collect(tmp_path / "nope", plan())
    assert {c.status for c in got.cells} == {"missing", "n/a"}
    assert "no such results folder" in got.notes[0]


BROKEN: list[tuple[str, bytes, str]] = [
    ("truncated", json.dumps(valid_json()).encode()[:-40], "is not JSON (truncated?)"),
    ("not JSON", b"hello, world", "is not JSON (truncated?)"),
    ("empty", b"", "is not JSON (truncated?)"),
    ("non-UTF-8", b'{"schema": 1, "x": "\xff\xfe"}', "is not UTF-8"),
    ("a list", b"[1, 2, 3]", "is not a result object"),
    ("deeply nested", b"[" * 200_000, "is not JSON (truncated?)"),
    ("deeply nested object", b'{"a":' * 100_000, "is not JSON (truncated?)"),
    ("NaN", json.dumps({**valid_json(), "durations": {"install": float("nan")}}).encode(),
     "is not JSON (truncated?)"),
    ("huge number", json.dumps(valid_json()).replace('"install": 3.0', '"install": 1e999').encode(),
     "is not JSON (truncated?)"),
    ("future schema", json.dumps({**valid_json(), "schema": 4, "brand_new": True}).encode(),
     "was written by a newer rodeo-action (result schema 4; this one reads 3)"),
    ("schema-invalid", json.dumps({**valid_json(), "status": "great"}).encode(),
     "does not match the result schema: status:"),
    ("no cell", json.dumps({k: v for k, v in valid_json().items() if k != "cell"}).encode(),
     "does not match the result schema"),
    ("wrongly named", json.dumps(valid_json(UV_NP)).encode(), f"holds the result of {UV_NP}, not {UV_ML}"),
]


@pytest.mark.parametrize(("what", "content", "problem"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_file_is_an_error_cell_naming_it(tmp_path: Path, what: str, content: bytes, problem: str) -> None:
    (tmp_path / "job").mkdir()
    (tmp_path / "job" / f"{UV_ML}.json").write_bytes(content)
    got = collect(tmp_path, plan())
    cell = by_id(got)[UV_ML]
    assert cell.status == "error" and cell.result is None
    assert cell.source == f"job/{UV_ML}.json"
    assert cell.note is not None and cell.note.startswith(f"job/{UV_ML}.json") and problem in cell.note
    assert len(got.cells) == 8 and got.notes == []


def test_inconsistent_cell_fields_are_an_error(tmp_path: Path) -> None:
    data = valid_json()
    data["cell"]["manager"] = "apt"      # the id says uv: the table would put it in apt's column
    (tmp_path / f"{UV_ML}.json").write_text(json.dumps(data))
    got = collect(tmp_path, plan())
    cell = by_id(got)[UV_ML]
    assert cell.status == "error" and cell.result is None and "does not match its manager" in (cell.note or "")
    # without a plan it cannot be placed at all: a note names it
    got = collect(tmp_path, None)
    assert got.cells == [] and got.notes == [f"{cell.note}; it matches no planned cell"]


def test_cell_not_in_the_plan(tmp_path: Path) -> None:
    stray = "pip-np-ubuntu-latest-py3.12"
    write_result(result(stray), tmp_path)
    got = collect(tmp_path, plan())
    cell = by_id(got)[stray]
    assert cell.status == "error" and cell.manager == "pip"
    assert cell.result is None          # not trusted: neither scored nor a culprit
    assert cell.note == f"{stray}.json: cell {stray} is not in the plan of this config"
    assert cell.source == f"{stray}.json"
    assert len(got.cells) == 9


def test_unreadable_file_that_matches_nothing_is_a_note(tmp_path: Path) -> None:
    (tmp_path / "stuff.json").write_text("{")
    got = collect(tmp_path, plan())
    assert got.notes == ["stuff.json is not JSON (truncated?); it matches no planned cell"]
    assert {c.status for c in got.cells} == {"missing", "n/a"}


def test_files_report_writes_are_not_results(tmp_path: Path) -> None:
    for name in ("report.json", "badge.json", "uv.badge.json", "notes.txt", f"{UV_ML}.log"):
        (tmp_path / name).write_text("{}")
    got = collect(tmp_path, plan())
    assert got.notes == [] and by_id(got)[UV_ML].status == "missing"


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / f"{UV_ML}.json"
    with big.open("wb") as fh:                 # sparse: 100 MB of apparent size, no disk used
        fh.truncate(100 * 1024 * 1024)
    write_result(result(UV_NP), tmp_path)
    opened: list[int] = []
    real_fdopen = os.fdopen

    def spy(fd: int, *args: Any, **kw: Any) -> Any:
        opened.append(os.fstat(fd).st_size)
        return real_fdopen(fd, *args, **kw)

    monkeypatch.setattr(os, "fdopen", spy)
    planned = plan()
    collect(tmp_path / "warm-up", planned)
    tracemalloc.start()
    try:
        got = collect(tmp_path, planned)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    cell = by_id(got)[UV_ML]
    assert cell.status == "error"
    assert cell.note == f"{UV_ML}.json is 104,857,600 bytes (limit {MAX_RESULT_BYTES:,})"
    assert peak < 2_000_000
    assert by_id(got)[UV_NP].status == "pass" and len(opened) == 1 and opened[0] < 10_000   # only the small one read


def test_a_file_at_the_limit_is_read_one_over_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collect_mod, "MAX_RESULT_BYTES", 2000)
    text = json.dumps(valid_json())
    (tmp_path / f"{UV_ML}.json").write_text(text + " " * (2000 - len(text)))
    (tmp_path / f"{UV_NP}.json").write_text(json.dumps(valid_json(UV_NP)) + " " * 2001)
    cells = by_id(collect(tmp_path, plan()))
    assert cells[UV_ML].status == "pass"
    assert cells[UV_NP].status == "error" and "limit 2,000" in (cells[UV_NP].note or "")


def test_100mb_log_tail_memory_is_bounded(tmp_path: Path) -> None:
    """A real (not sparse) 100 MB result: refused by its size, memory stays small."""
    path = tmp_path / "rodeo-x" / f"{UV_ML}.json"
    path.parent.mkdir()
    head = json.dumps(valid_json())[:-1] + ', "log_tail": "'
    with path.open("w") as fh:
        fh.write(head)
        chunk = "x" * (1 << 20)
        for _ in range(100):
            fh.write(chunk)
        fh.write('"}')
    planned = plan()
    collect(tmp_path / "warm-up", planned)
    tracemalloc.start()
    try:
        got = collect(tmp_path, planned)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert by_id(got)[UV_ML].status == "error" and "limit" in (by_id(got)[UV_ML].note or "")
    assert peak < 5_000_000


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks and FIFOs")
def test_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.mkdir()
    write_result(result(UV_ML), outside)
    results = tmp_path / "results"
    (results / "job").mkdir(parents=True)
    (results / "job" / f"{UV_ML}.json").symlink_to(outside / f"{UV_ML}.json")
    (results / f"{UV_NP}.json").symlink_to("/etc/passwd")
    (results / "loop.json").symlink_to(results / "loop.json")
    (results / "linked-dir").symlink_to(outside, target_is_directory=True)
    got = collect(results, plan())
    cells = by_id(got)
    assert cells[UV_ML].status == "missing" and cells[UV_NP].status == "missing"
    assert sorted(got.notes) == sorted([
        f"job/{UV_ML}.json: a symlink out of the results folder; ignored",
        f"{UV_NP}.json: a symlink out of the results folder; ignored",
        "linked-dir: a symlinked folder; not followed",
        "loop.json: a symlink that cannot be resolved; ignored",
    ])


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    write_result(result(UV_ML), tmp_path / "store")
    (tmp_path / "job").mkdir()
    (tmp_path / "job" / f"{UV_ML}.json").symlink_to(Path("..") / "store" / f"{UV_ML}.json")
    got = collect(tmp_path, plan())
    assert by_id(got)[UV_ML].status == "pass"
    # the same file twice is a duplicate, and the note says which one is shown
    assert got.notes == [f"{UV_ML}: two results (job/{UV_ML}.json, store/{UV_ML}.json); kept the newer "
                         f"job/{UV_ML}.json, ignored store/{UV_ML}.json"]


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs")
def test_a_fifo_does_not_hang_the_report(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / f"{UV_ML}.json")
    (tmp_path / f"{UV_NP}.json").mkdir()      # a folder named like a result
    cells = by_id(collect(tmp_path, plan()))
    assert cells[UV_ML].status == "error" and cells[UV_ML].note == f"{UV_ML}.json is not a regular file"
    assert cells[UV_NP].status == "missing"   # os.walk lists it as a folder: it holds no results


def test_duplicates_newest_wins_and_the_note_says_which(tmp_path: Path) -> None:
    write_result(result(UV_ML, "pass", "2025-01-01T10:00:00Z"), tmp_path / "a")
    write_result(result(UV_ML, "fail", "2025-01-02T10:00:00Z"), tmp_path / "b")
    write_result(result(UV_ML, "pass", "2024-12-31T10:00:00Z"), tmp_path / "c")
    got = collect(tmp_path, plan())
    cell = by_id(got)[UV_ML]
    assert cell.status == "fail" and cell.source == f"b/{UV_ML}.json"
    assert got.notes == [
        f"{UV_ML}: two results (a/{UV_ML}.json, b/{UV_ML}.json); kept the newer b/{UV_ML}.json, "
        f"ignored a/{UV_ML}.json",
        f"{UV_ML}: two results (b/{UV_ML}.json, c/{UV_ML}.json); kept the newer b/{UV_ML}.json, "
        f"ignored c/{UV_ML}.json",
    ]


def test_a_broken_copy_next_to_a_good_result_is_noted(tmp_path: Path) -> None:
    write_result(result(UV_ML), tmp_path / "a")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / f"{UV_ML}.json").write_text("{trunc")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / f"{UV_NP}.json").write_text("{trunc")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / f"{UV_NP}.json").write_text("[]")
    got = collect(tmp_path, plan())
    cells = by_id(got)
    assert cells[UV_ML].status == "pass"
    assert cells[UV_NP].status == "error" and cells[UV_NP].source == f"c/{UV_NP}.json"
    assert got.notes == [
        f"b/{UV_ML}.json is not JSON (truncated?); cell {UV_ML} shows a/{UV_ML}.json",
        f"d/{UV_NP}.json is not a result object; cell {UV_NP} shows c/{UV_NP}.json",
    ]


def test_without_a_plan_every_readable_result_is_a_cell(tmp_path: Path) -> None:
    write_result(result(UV_ML, "fail"), tmp_path / "x")
    write_result(result("conda-any-windows-latest-py3.13"), tmp_path)
    (tmp_path / f"{UV_NP}.json").write_text("not json")
    got = collect(tmp_path, None)
    assert [(c.id, c.status, c.manager, c.os) for c in got.cells] == [
        ("conda-any-windows-latest-py3.13", "pass", "conda", "windows-latest"),
        (UV_ML, "fail", "uv", "ubuntu-latest"),
    ]
    assert got.notes == [f"{UV_NP}.json is not JSON (truncated?); it matches no planned cell"]


def test_every_hostile_file_at_once_keeps_the_report_complete(tmp_path: Path) -> None:
    for i, (_, content, _) in enumerate(BROKEN):
        (tmp_path / f"job{i:02d}").mkdir()
        (tmp_path / f"job{i:02d}" / f"{UV_ML}.json").write_bytes(content)
    got = collect(tmp_path, plan())
    assert len(got.cells) == 8
    cell = by_id(got)[UV_ML]
    assert cell.status == "error" and cell.source == f"job00/{UV_ML}.json"
    # every other broken file is named in a note
    assert len(got.notes) == len(BROKEN) - 1
    assert all(f"job{i:02d}/{UV_ML}.json" in got.notes[i - 1] for i in range(1, len(BROKEN)))


def test_synthetic_results_read_back_with_every_status(tmp_path: Path) -> None:
    syn = synthetic.generate(1000, tmp_path / "r", seed=3)
    got = collect(syn.results, syn.planned)
    assert len(got.cells) == len(syn.planned) >= 1000
    assert {c.status for c in got.cells} == set(STATUSES)
    broken = [c for c in got.cells if c.status == "error" and c.result is None]
    assert broken and all(c.note and "not JSON" in c.note for c in broken)
    again = synthetic.generate(1000, tmp_path / "r2", seed=3)
    assert again.written == syn.written
