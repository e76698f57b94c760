"""isolate.baseline: the last passes `rodeo run --baseline FILE` isolates against, or one line why none."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rodeo_action.isolate.baseline import NO_PINS, LastPass, last_passes
from rodeo_action.report.build import build_report
from rodeo_action.report.history import digest, full_json
from rodeo_action.report.model import CellView, LockFiles, Report
from rodeo_action.results import CellInfo, Result

ROOT = Path(__file__).resolve().parents[2]
LOCK = LockFiles("requirements-hashes", {"requirements.txt": "hishel==1.1.3 --hash=sha256:ab\n"})


def cell(cid: str, status: str, lock: LockFiles | None = LOCK) -> CellView:
    manager, set_ = cid.split("-")[:2]
    r = Result(CellInfo(cid, manager, set_, "ubuntu-latest", "3.12", ("pdm",)), status,
               resolved={"PDM": "2.22.0", "hishel": "1.1.3"} if status == "pass" else {},
               started_at="2025-01-01T00:00:00Z")
    return CellView(cid, manager, set_, "ubuntu-latest", "3.12", status, result=r,
                    lock=lock if status == "pass" else None,
                    tool_pins={"hishel": "1.1.3"} if status == "pass" else {})


def report(name: str | None, cells: list[CellView]) -> Report:
    from rodeo_action.config import parse_config
    config = parse_config((f"name: {name}\n" if name else "") + "packages: [pdm]\n", "rodeo.yml")
    return build_report(cells, config, None, "2025-01-01T00:00:00Z", None)


PASS, FAIL = "pdm-all-ubuntu-latest-py3.12", "uv-all-ubuntu-latest-py3.12"


def test_a_json_baseline_gives_each_last_pass_with_pins_tool_pins_and_lock(tmp_path: Path) -> None:
    (tmp_path / "b.json").write_text("".join(full_json(report("alpha", [cell(PASS, "pass"), cell(FAIL, "fail")]))))
    got, why = last_passes(tmp_path / "b.json", "alpha")
    assert why is None and list(got) == [PASS]
    assert got[PASS] == LastPass(PASS, "2025-01-01T00:00:00Z", {"pdm": "2.22.0", "hishel": "1.1.3"},
                                 {"hishel": "1.1.3"}, "requirements-hashes", dict(LOCK.files))


def test_a_digest_gives_the_pins_without_a_lock(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(f"# x\n\n{digest(report('alpha', [cell(PASS, 'pass')]))}\n")
    got, why = last_passes(tmp_path / "README.md", "alpha")
    assert why is None and got[PASS].pins == {"pdm": "2.22.0", "hishel": "1.1.3"}
    assert (got[PASS].lock_format, got[PASS].lock_files, got[PASS].tool_pins) == (None, {}, {"hishel": "1.1.3"})


def test_a_corrupt_foreign_or_old_baseline_gives_one_line(tmp_path: Path) -> None:
    good = "".join(full_json(report("alpha", [cell(PASS, "pass")])))
    (tmp_path / "cut.json").write_text(good[:200])
    (tmp_path / "beta.json").write_text("".join(full_json(report("beta", [cell(PASS, "pass")]))))
    (tmp_path / "anon.json").write_text("".join(full_json(report(None, [cell(PASS, "pass")]))))
    (tmp_path / "nothing.json").write_text("".join(full_json(report("alpha", [cell(FAIL, "fail")]))))
    cases = {
        tmp_path / "cut.json": "not JSON, or cut short (truncated?)",
        tmp_path / "beta.json": "from another config: name 'beta'",
        tmp_path / "anon.json": "from another config: it has no name, this one is 'alpha'",
        tmp_path / "nothing.json": NO_PINS,
        tmp_path / "missing.json": "not found",
        tmp_path: "a folder with no passing cell that recorded its pins",   # a results folder is a baseline too
        # a real baseline made before rodeo recorded pins
        ROOT / "examples" / "default-rodeo" / "baseline.json": NO_PINS,
    }
    for path, why in cases.items():
        got = last_passes(path, "seed-rodeo" if "examples" in str(path) else "alpha")
        assert got == ({}, why), path
        assert "\n" not in why
    (tmp_path / "README.md").write_text(f"{digest(report('beta', [cell(PASS, 'pass')]))}\n")
    assert last_passes(tmp_path / "README.md", "alpha") == ({}, "holds no digest of this rodeo")


def _mangled() -> st.SearchStrategy[Any]:
    leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
    anything = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                            max_leaves=20)
    history = st.fixed_dictionaries({}, optional={
        "last_pass_pins": st.one_of(anything, st.dictionaries(st.text(max_size=12), st.text(max_size=12))),
        "last_pass_tool_pins": anything,
        "last_pass_lock": st.one_of(anything, st.fixed_dictionaries({"format": anything, "files": anything})),
        "last_pass_at": anything, "statuses": anything})
    entry = st.one_of(anything, st.fixed_dictionaries({"status": st.sampled_from(["pass", "fail", "x"]),
                                                       "history": st.one_of(history, anything)}))
    return st.fixed_dictionaries({"kind": st.sampled_from(["rodeo-baseline", "rodeo-baseline", "other"]),
                                  "name": st.one_of(st.just("alpha"), st.none(), anything),
                                  "cells": st.one_of(anything, st.dictionaries(
                                      st.sampled_from([PASS, FAIL, "../x", ""]), entry, max_size=3))})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_mangled(), st.integers(min_value=0, max_value=400), st.booleans())
def test_a_mangled_baseline_never_raises(tmp_path: Path, data: Any, cut: int, markdown: bool) -> None:
    if isinstance(data.get("cells"), dict) and cut % 3 == 0:     # beside a well-formed last pass
        data["cells"]["pip-all-ubuntu-latest-py3.12"] = {"status": "fail", "history": {
            "last_pass_pins": {"six": "1.16.0"}, "last_pass_lock": {"format": "x", "files": {"a.txt": "six"}}}}
    text = json.dumps(data)
    if cut % 2:
        text = text[:cut]
    if markdown:
        label = "rodeo-digest-alpha" if data.get("name") == "alpha" else "rodeo-digest"
        text = f"# x\n[{label}]: data:application/gzip;base64,{base64.b64encode(gzip.compress(text.encode())).decode()}"
    (tmp_path / "b.json").write_text(text)
    got, why = last_passes(tmp_path / "b.json", "alpha")
    assert (got == {}) == (why is not None)
    assert why is None or "\n" not in why
    for cid, last in got.items():
        assert cid == last.cell_id and (last.pins or last.tool_pins or last.lock_files)
        assert all("\n" not in v and "/" not in k for k, v in last.pins.items())
        assert all("/" not in name for name in last.lock_files)


def test_mangled_cells_beside_a_good_one_are_dropped(tmp_path: Path) -> None:
    good = {"status": "fail", "history": {"last_pass_pins": {"six": "1.16.0"}, "last_pass_at": "2025-01-01",
                                          "last_pass_lock": {"format": "x", "files": {"a.txt": "six"}}}}
    cells = {PASS: good, FAIL: {"status": "fail", "history": {"last_pass_pins": {"six": "1\n-e /"}}},
             "pip-x-ubuntu-latest-py3.12": {"status": "pass", "history": {"last_pass_lock": {"files": {"../a": ""}}}},
             "../evil": good}
    (tmp_path / "b.json").write_text(json.dumps({"kind": "rodeo-baseline", "name": "alpha", "cells": cells}))
    assert last_passes(tmp_path / "b.json", "alpha") == (
        {PASS: LastPass(PASS, "2025-01-01", {"six": "1.16.0"}, {}, "x", {"a.txt": "six"})}, None)
