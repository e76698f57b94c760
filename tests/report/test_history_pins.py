"""The baseline keeps, per cell, what its last pass installed (issue 14): every pin, the manager's tool
venv, and (in a --json) the lock's text, read by collect beside the result as untrusted data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from rodeo_action.report import history
from rodeo_action.report.build import build_report
from rodeo_action.report.collect import collect
from rodeo_action.report.history import advance, digest, from_markdown, full_json, read
from rodeo_action.report.model import CellHistory, CellView, LockFiles, Report
from rodeo_action.results import Cause, CellInfo, LockRef, Result

CID = "pip-all-ubuntu-latest-py3.12"
PINS = {"PyYAML": "6.0.2", "tensorflow": "2.18.0", "Typing_Extensions": "4.12.2"}
CANONICAL = {"pyyaml": "6.0.2", "tensorflow": "2.18.0", "typing-extensions": "4.12.2"}
LOCK_TEXT = "pyyaml==6.0.2 --hash=sha256:abc\ntensorflow==2.18.0 --hash=sha256:def\n"
TOOL_TEXT = "pip==24.3.1\nHishel==1.1.3\n"


def result(status: str, started_at: str, resolved: dict[str, str] | None = None,
           lock: LockRef | None = None, tool_lock: LockRef | None = None) -> Result:
    return Result(CellInfo(CID, "pip", "all", "ubuntu-latest", "3.12", ("tensorflow",)), status,
                  phase="install" if status == "fail" else None,
                  cause=Cause("build-failed", "x", "tensorflow") if status == "fail" else None,
                  durations={"install": 1.0}, manager_version="24.3.1", resolved=resolved or {},
                  started_at=started_at, lock=lock, tool_lock=tool_lock)


def write_pass(folder: Path, lock_ref: str = f"{CID}.lock/requirements.txt",
               tool_ref: str | None = f"{CID}.lock/tool-requirements.txt", files: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if files:
        (folder / f"{CID}.lock").mkdir(exist_ok=True)
        (folder / f"{CID}.lock" / "requirements.txt").write_text(LOCK_TEXT)
        (folder / f"{CID}.lock" / "tool-requirements.txt").write_text(TOOL_TEXT)
    r = result("pass", "2025-01-01T00:00:00Z", PINS, LockRef(lock_ref, "requirements-hashes"),
               LockRef(tool_ref, "requirements") if tool_ref else None)
    (folder / f"{CID}.json").write_text(json.dumps(r.to_dict()))


def write_fail(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    r = result("fail", "2025-02-01T00:00:00Z", {"tensorflow": "2.19.0"})
    (folder / f"{CID}.json").write_text(json.dumps(r.to_dict()))


def run(folder: Path, baseline: Path | None, out: Path) -> Report:
    """collect -> build_report -> --json, as `rodeo report --results folder --baseline ... --json out` does."""
    got = collect(folder, None)
    base = None
    if baseline is not None:
        base, why = read(baseline, None)
        assert base is not None, why
    rep = build_report(got.cells, None, base, "2025-03-01T00:00:00Z", None, got.notes)
    out.write_text("".join(full_json(rep)))
    return rep


def test_advance_keeps_the_last_pass_pins_tool_pins_and_lock_through_failures() -> None:
    lock = LockFiles("requirements-hashes", {"requirements.txt": LOCK_TEXT})
    passed = CellView(CID, "pip", "all", "ubuntu-latest", "3.12", "pass",
                      result=result("pass", "2025-01-01T00:00:00Z", PINS), lock=lock, tool_pins={"Hishel": "1.1.3"})
    h = advance(None, passed, {})
    assert (h.last_pass_pins, h.last_pass_tool_pins, h.last_pass_lock) == (CANONICAL, {"hishel": "1.1.3"}, lock)
    failed = CellView(CID, "pip", "all", "ubuntu-latest", "3.12", "fail",
                      result=result("fail", "2025-02-01T00:00:00Z", {"tensorflow": "2.19.0"}))
    for cell in (failed, CellView(CID, "pip", "all", "ubuntu-latest", "3.12", "missing"), failed):
        h = advance(h, cell, {})
        assert (h.last_pass_pins, h.last_pass_tool_pins, h.last_pass_lock) == (CANONICAL, {"hishel": "1.1.3"}, lock)
        assert h.last_pass_at == "2025-01-01T00:00:00Z"
    # a pass whose lock was not read leaves no lock: the older one is not this environment's
    again = CellView(CID, "pip", "all", "ubuntu-latest", "3.12", "pass",
                     result=result("pass", "2025-03-01T00:00:00Z", {"tensorflow": "2.19.0", "bad name": "1",
                                                                      "six": "1.0\n--index-url x"}))
    h = advance(h, again, {})
    assert (h.last_pass_pins, h.last_pass_tool_pins, h.last_pass_lock) == ({"tensorflow": "2.19.0"}, {}, None)


def test_a_pass_then_a_fail_through_the_json_keeps_the_pins_and_lock_text_of_the_pass(tmp_path: Path) -> None:
    write_pass(tmp_path / "run1")
    rep = run(tmp_path / "run1", None, tmp_path / "one.json")
    assert not [n for n in rep.notes if "lock" in n]
    write_fail(tmp_path / "run2")
    run(tmp_path / "run2", tmp_path / "one.json", tmp_path / "two.json")
    for name in ("one.json", "two.json"):
        base, why = read(tmp_path / name, None)
        assert base is not None, why
        h = base.cells[CID].history
        assert h.last_pass_pins == CANONICAL, name
        assert h.last_pass_tool_pins == {"pip": "24.3.1", "hishel": "1.1.3"}
        assert h.last_pass_lock == LockFiles("requirements-hashes", {"requirements.txt": LOCK_TEXT})
        assert h.last_pass_at == "2025-01-01T00:00:00Z"
    assert base is not None and base.cells[CID].status == "fail"
    raw = json.loads((tmp_path / "two.json").read_text())["cells"][CID]["history"]
    assert raw["last_pass_lock"] == {"format": "requirements-hashes", "files": {"requirements.txt": LOCK_TEXT}}


def _report_with(pins: int) -> Report:
    lock = LockFiles("requirements-hashes", {"requirements.txt": LOCK_TEXT})
    cells = []
    for i in range(pins):
        cid = f"pip-s{i}-ubuntu-latest-py3.12"
        resolved = {f"dist-{i}-{j}": f"1.{j}.{i}" for j in range(60)}
        r = Result(CellInfo(cid, "pip", f"s{i}", "ubuntu-latest", "3.12", ("x",)), "pass", resolved=resolved,
                   started_at="2025-01-01T00:00:00Z")
        cells.append(CellView(cid, "pip", f"s{i}", "ubuntu-latest", "3.12", "pass", result=r, lock=lock,
                              tool_pins={"pip": "24.3.1"}))
    return build_report(cells, None, None, "2025-01-01T00:00:00Z", None)


def test_a_digest_carries_the_pins_but_no_lock_text_and_reads_back() -> None:
    rep = _report_with(3)
    back = from_markdown(digest(rep), None, "README.md")
    assert back is not None
    for cid, h in rep.history.items():
        got = back.cells[cid].history
        assert got.last_pass_pins == h.last_pass_pins and len(got.last_pass_pins) == 60
        assert got.last_pass_tool_pins == {"pip": "24.3.1"}
        assert got.last_pass_lock is None and h.last_pass_lock is not None
        assert got.last_pass_versions == h.last_pass_versions and got.statuses == h.statuses


def test_a_digest_too_big_for_the_pins_drops_them_first_and_still_reads() -> None:
    rep = _report_with(400)
    with_pins = digest(rep)
    limit = len(with_pins) - 1
    smaller = digest(rep, limit)
    assert 0 < len(smaller) <= limit
    back = from_markdown(smaller, None, "README.md")
    assert back is not None and len(back.cells) == 400
    for cid, h in rep.history.items():
        got = back.cells[cid].history
        assert got.last_pass_pins == {} and got.last_pass_tool_pins == {}
        # everything that a digest held before pins existed is still there: durations, statuses, versions
        assert (got.statuses, got.seconds, got.last_pass_at) == (h.statuses, h.seconds, h.last_pass_at)
    full = from_markdown(with_pins, None, "README.md")
    assert full is not None and all(c.history.last_pass_pins for c in full.cells.values())


def test_the_json_keeps_a_bounded_amount_of_lock_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rep = _report_with(5)
    monkeypatch.setattr(history, "MAX_LOCK_TEXT_BYTES", 2 * len(LOCK_TEXT))
    (tmp_path / "b.json").write_text("".join(full_json(rep)))
    base, _ = read(tmp_path / "b.json", None)
    assert base is not None
    kept = [cid for cid, c in base.cells.items() if c.history.last_pass_lock is not None]
    assert len(kept) == 2 and all(len(c.history.last_pass_pins) == 60 for c in base.cells.values())
    notes = json.loads((tmp_path / "b.json").read_text())["notes"]
    assert notes[-1] == (f"the lock files of 3 last passes are left out of this --json (it keeps "
                         f"{2 * len(LOCK_TEXT)} bytes of them at most); their pins are kept")


def _collected(folder: Path) -> tuple[CellView, list[str]]:
    got = collect(folder, None)
    assert [c.id for c in got.cells] == [CID]
    return got.cells[0], got.notes


@pytest.mark.parametrize("ref", ["../../etc/passwd", "/etc/passwd", f"{CID}.lock/../../../etc/passwd",
                                 f"{CID}.lock/sub/requirements.txt", f"{CID}.lock\\..\\x", ""])
def test_a_lock_ref_out_of_its_folder_is_no_result(tmp_path: Path, ref: str) -> None:
    """The result schema itself refuses a ref that is not NAME.lock/FILE: no lock is read, the cell is an error."""
    write_pass(tmp_path, lock_ref=ref, tool_ref=ref)
    got = collect(tmp_path, None)
    assert got.cells == [] and len(got.notes) == 1 and "does not match the result schema" in got.notes[0]


@pytest.mark.parametrize("ref", ["other.lock/requirements.txt", "..lock/requirements.txt",
                                 f"{CID}.lock/requirements.tx", f"{CID}.lock/.hidden"])
def test_a_lock_ref_to_another_folder_is_refused_with_a_note(tmp_path: Path, ref: str) -> None:
    (tmp_path / "other.lock").mkdir()
    (tmp_path / "other.lock" / "requirements.txt").write_text("secret==1\n")
    write_pass(tmp_path, lock_ref=ref, tool_ref=ref)
    cell, notes = _collected(tmp_path)
    assert cell.status == "pass" and cell.lock is None and cell.tool_pins == {}
    assert len(notes) == 2, notes
    assert all(f"is not a file in {CID}.lock/ beside it; not read" in n or "cannot be read" in n
               or "holds no requirements.tx," in n for n in notes), notes


def test_symlinks_out_big_files_and_garbage_in_a_lock_folder_are_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "requirements.txt").write_text("secret==1\n")
    (outside / "tool-requirements.txt").write_text("secret==1\n")
    cases: dict[str, Any] = {}
    # the lock folder a symlink to outside
    d = tmp_path / "linked-folder"
    write_pass(d, files=False)
    (d / f"{CID}.lock").symlink_to(outside)
    cases[d.name] = "is not a folder (a symlink?)"
    # the lock file a symlink to outside
    d = tmp_path / "linked-file"
    write_pass(d)
    (d / f"{CID}.lock" / "requirements.txt").unlink()
    (d / f"{CID}.lock" / "requirements.txt").symlink_to(outside / "requirements.txt")
    cases[d.name] = "is not a regular file (a symlink?)"
    # a 50 MB lock file (sparse: its size is refused before it is read)
    d = tmp_path / "huge"
    write_pass(d)
    with open(d / f"{CID}.lock" / "requirements.txt", "r+b") as fh:
        fh.truncate(50_000_000)
    cases[d.name] = "is 50,000,000 bytes (limit 2,000,000); the lock is not kept"
    # another file beside it that is a symlink out
    d = tmp_path / "linked-sibling"
    write_pass(d)
    (d / f"{CID}.lock" / "pyproject.toml").symlink_to(outside / "requirements.txt")
    cases[d.name] = "not a plain regular file (a symlink?); the lock is not kept"
    d = tmp_path / "binary"
    write_pass(d)
    (d / f"{CID}.lock" / "requirements.txt").write_bytes(b"\xff\xfe\x00garbage")
    cases[d.name] = "not UTF-8 text; the lock is not kept"
    d = tmp_path / "crowded"
    write_pass(d)
    for i in range(history.MAX_LOCK_FILES):
        (d / f"{CID}.lock" / f"extra{i}.txt").write_text("x")
    cases[d.name] = "holds 21 files, more than the 20 a lock may have; not kept"
    for name, why in cases.items():
        cell, notes = _collected(tmp_path / name)
        assert cell.status == "pass" and cell.lock is None, name
        assert any(why in n and n.endswith("; its pins are kept") for n in notes), (name, notes)
        assert "secret" not in json.dumps(cell.tool_pins)


def test_a_tool_lock_that_is_not_name_version_lines_is_refused(tmp_path: Path) -> None:
    write_pass(tmp_path)
    (tmp_path / f"{CID}.lock" / "tool-requirements.txt").write_text("pip==24.3.1\n--index-url https://evil\n")
    cell, notes = _collected(tmp_path)
    assert cell.lock is not None and cell.tool_pins == {}
    assert notes == [f"{CID}.json: its tool lock, line 2: not a name==version line; not kept"]


def test_a_pass_without_locks_and_a_failure_read_nothing_more(tmp_path: Path) -> None:
    write_pass(tmp_path / "a", tool_ref=None)
    cell, notes = _collected(tmp_path / "a")
    assert cell.lock is not None and cell.tool_pins == {} and notes == []
    write_fail(tmp_path / "b")
    cell, notes = _collected(tmp_path / "b")
    assert cell.lock is None and notes == []


@pytest.mark.parametrize("mangle, field", [
    ({"last_pass_pins": {"six": "1.0\n--index-url https://evil"}}, "last_pass_pins"),
    ({"last_pass_pins": {"../six": "1.0"}}, "last_pass_pins"),
    ({"last_pass_pins": {"Six": "1.0"}}, "last_pass_pins"),           # not canonical
    ({"last_pass_pins": {"six": "1" * 201}}, "last_pass_pins"),
    ({"last_pass_pins": {f"d{i}": "1" for i in range(history.MAX_PINS + 1)}}, "last_pass_pins"),
    ({"last_pass_pins": ["six==1"]}, "last_pass_pins"),
    ({"last_pass_tool_pins": {"pip": 24}}, "last_pass_tool_pins"),
    ({"last_pass_lock": {"format": "x y", "files": {"a.txt": "x"}}}, "last_pass_lock"),
    ({"last_pass_lock": {"format": "x", "files": {"../a.txt": "x"}}}, "last_pass_lock"),
    ({"last_pass_lock": {"format": "x", "files": {"a/b.txt": "x"}}}, "last_pass_lock"),
    ({"last_pass_lock": {"format": "x", "files": {}}}, "last_pass_lock"),
    ({"last_pass_lock": {"format": "x", "files": {f"f{i}": "x" for i in range(21)}}}, "last_pass_lock"),
    ({"last_pass_lock": {"format": "x", "files": {"a.txt": "x" * (history.MAX_LOCK_FILE_BYTES + 1)}}},
     "last_pass_lock"),
    ({"last_pass_lock": {"format": "x", "files": {"a.txt": "\udcff"}}}, "last_pass_lock"),
    ({"last_pass_lock": "requirements.txt"}, "last_pass_lock"),
])
def test_hostile_pins_and_locks_in_a_baseline_are_dropped_whole(tmp_path: Path, mangle: dict[str, Any],
                                                                field: str) -> None:
    good = {"last_pass_pins": {"six": "1.16.0"}, "last_pass_tool_pins": {"pip": "24.3.1"},
            "last_pass_lock": {"format": "requirements-hashes", "files": {"requirements.txt": "six==1.16.0\n"}}}
    data = {"kind": "rodeo-baseline", "name": None, "cells": {CID: {"status": "fail", "history": {**good, **mangle}}}}
    (tmp_path / "b.json").write_text(json.dumps(data))
    base, why = read(tmp_path / "b.json", None)
    assert base is not None, why
    h = base.cells[CID].history
    kept = {"last_pass_pins": h.last_pass_pins, "last_pass_tool_pins": h.last_pass_tool_pins,
            "last_pass_lock": h.last_pass_lock}
    assert not kept.pop(field)
    assert all(kept.values())            # the well-formed fields beside it are kept


def test_an_old_baseline_without_pins_still_reads(tmp_path: Path) -> None:
    old = Path(__file__).resolve().parents[2] / "examples" / "default-rodeo" / "baseline.json"
    base, why = read(old, "seed-rodeo")
    assert base is not None and why is None and base.cells
    assert all(c.history == CellHistory(c.history.statuses, c.history.seconds, c.history.consecutive_failures,
                                        c.history.last_pass_at, c.history.last_pass_run_url,
                                        c.history.last_pass_versions) for c in base.cells.values())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_as_lock_file_does_not_hang(tmp_path: Path) -> None:
    write_pass(tmp_path)
    (tmp_path / f"{CID}.lock" / "requirements.txt").unlink()
    os.mkfifo(tmp_path / f"{CID}.lock" / "requirements.txt")
    cell, notes = _collected(tmp_path)
    assert cell.lock is None and any("not a regular file" in n for n in notes)


def test_collect_reads_a_bounded_amount_of_lock_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rodeo_action.report import collect as collect_module

    write_pass(tmp_path)
    other = tmp_path / "other"
    write_pass(other)
    for path in other.rglob("*"):
        if CID in path.name:
            path.rename(path.with_name(path.name.replace("pip-all", "pip-geo")))
    data = json.loads((other / "pip-geo-ubuntu-latest-py3.12.json").read_text())
    data["cell"].update(id="pip-geo-ubuntu-latest-py3.12", set="geo")
    for key in ("lock", "tool_lock"):
        data[key]["file"] = data[key]["file"].replace("pip-all", "pip-geo")
    (other / "pip-geo-ubuntu-latest-py3.12.json").write_text(json.dumps(data))
    monkeypatch.setattr(collect_module, "MAX_LOCK_TEXT_BYTES", 1)
    got = collect(tmp_path, None)
    assert [c.status for c in got.cells] == ["pass", "pass"]
    assert [c.lock is not None for c in got.cells] == [True, False]
    assert [bool(c.tool_pins) for c in got.cells] == [True, True]
    assert got.notes == ["the lock files of 1 more passing cells are not kept for the baseline (it keeps 1 bytes "
                         "of them at most); their pins are"]


def test_the_json_keeps_a_bounded_amount_of_pins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rep = _report_with(5)
    one = history._pins_size(rep.history[rep.cells[0].id].last_pass_pins) + history._pins_size({"pip": "24.3.1"})
    monkeypatch.setattr(history, "MAX_PIN_BYTES", 2 * one)
    (tmp_path / "b.json").write_text("".join(full_json(rep)))
    base, _ = read(tmp_path / "b.json", None)
    assert base is not None and len(base.cells) == 5
    kept = [c for c in base.cells.values() if c.history.last_pass_pins]
    assert len(kept) == 2 and all(c.history.last_pass_lock is not None for c in kept)
    for c in base.cells.values():
        if not c.history.last_pass_pins:      # neither pins nor a lock to isolate against; the rest stays
            assert not c.history.last_pass_tool_pins and c.history.last_pass_lock is None
            assert c.history.last_pass_versions is not None and c.history.statuses == ("pass",)
    notes = json.loads((tmp_path / "b.json").read_text())["notes"]
    assert notes[-1] == (f"the pins and lock files of 3 last passes are left out of this --json (it keeps "
                         f"{2 * one:,} bytes of pins at most); a regression of those cells is not isolated")
