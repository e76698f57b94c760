"""history: advance a cell's bounded history, and read the baseline back from --json or a digest."""

from __future__ import annotations

import base64
import gzip
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rodeo_action.report import history
from rodeo_action.report.build import build_report
from rodeo_action.report.history import (
    HISTORY_LENGTH,
    MAX_DIGEST_CHARS,
    advance,
    digest,
    from_markdown,
    full,
    full_json,
    load,
    read,
)
from rodeo_action.report.model import CellHistory, CellView, Report
from rodeo_action.results import Cause, CellInfo, Result

CID = "uv-ml-ubuntu-latest-py3.12"


def view(status: str, cid: str = CID, started_at: str = "2025-01-01T00:00:00Z", read: bool = True,
         manager_version: str = "0.5.0") -> CellView:
    manager, set_, os_, py = "uv", "ml", "ubuntu-latest", "3.12"
    if cid != CID:
        manager = cid.split("-")[0]
    res = Result(CellInfo(cid, manager, set_, os_, py, ("tensorflow",)), status,
                 cause=Cause("build-failed", "x", "tensorflow") if status == "fail" else None,
                 durations={"install": 2.0}, started_at=started_at, run_url="https://ci/run/1",
                 manager_version=manager_version, resolved={"tensorflow": "2.18.0"})
    return CellView(cid, manager, set_, os_, py, status, result=res if read else None)


def test_advance_counts_failures_and_resets_on_pass() -> None:
    h = advance(None, view("pass", started_at="2025-01-01T00:00:00Z"), {"tensorflow": "2.18.0", "<uv>": "0.5.0"})
    assert (h.statuses, h.consecutive_failures, h.last_pass_at) == (("pass",), 0, "2025-01-01T00:00:00Z")
    assert h.last_pass_versions == {"tensorflow": "2.18.0", "<uv>": "0.5.0"}
    assert h.last_pass_run_url == "https://ci/run/1" and h.seconds == (2.0,)
    for status, count in (("fail", 1), ("timeout", 2), ("error", 3), ("missing", 3), ("unavailable", 3),
                          ("n/a", 3), ("fail", 4)):
        h = advance(h, view(status) if status not in ("missing", "n/a") else view(status, read=False),
                    {"tensorflow": "2.19.0"})
        assert h.consecutive_failures == count, status
        assert h.last_pass_versions == {"tensorflow": "2.18.0", "<uv>": "0.5.0"}   # kept from the last pass
        assert h.last_pass_at == "2025-01-01T00:00:00Z"
    # an error cell whose result file could not be read is no verdict
    h = advance(h, view("error", read=False), {})
    assert h.consecutive_failures == 4 and h.statuses[-1] == "error"
    h = advance(h, view("pass", started_at="2025-02-01T00:00:00Z"), {"tensorflow": "2.19.0"})
    assert h.consecutive_failures == 0 and h.last_pass_versions == {"tensorflow": "2.19.0"}
    assert h.statuses == ("pass", "fail", "timeout", "error", "missing", "unavailable", "n/a", "fail", "error",
                          "pass")


def test_advance_is_capped() -> None:
    h: CellHistory | None = None
    for i in range(HISTORY_LENGTH + 7):
        h = advance(h, view("fail" if i % 2 else "pass"), {})
    assert h is not None
    assert len(h.statuses) == len(h.seconds) == HISTORY_LENGTH
    assert h.statuses[-1] == "pass" and h.statuses[0] == "fail"   # the oldest dropped


def report(name: str | None, statuses: dict[str, str]) -> Report:
    from rodeo_action.config import parse_config
    cells = [view(s, cid) for cid, s in statuses.items()]
    config = parse_config(f"name: {name}\npackages: [tensorflow]\n" if name else "packages: [tensorflow]\n",
                          "rodeo.yml")
    return build_report(cells, config, None, "2025-01-01T00:00:00Z", None)


def test_digest_round_trip_inside_markdown_two_rodeos() -> None:
    a = report("alpha", {CID: "pass", "pip-ml-ubuntu-latest-py3.12": "fail"})
    b = report("beta", {CID: "fail"})
    anon = report(None, {CID: "timeout"})
    text = (f"# My project\n\nSome text [link][x].\n\n<!-- rodeo:start id=alpha -->\n| a | b |\n\n{digest(a)}\n"
            f"<!-- rodeo:end id=alpha -->\n\n{digest(b)}\n\nmore prose\n{digest(anon)}\n[x]: https://example.com\n")
    got_a = from_markdown(text, "alpha", "README.md")
    got_b = from_markdown(text, "beta", "README.md")
    got_anon = from_markdown(text, None, "README.md")
    assert got_a is not None and got_b is not None and got_anon is not None
    assert got_a.name == "alpha" and got_a.source == "README.md" and got_a.generated_at == "2025-01-01T00:00:00Z"
    assert {k: v.status for k, v in got_a.cells.items()} == {CID: "pass", "pip-ml-ubuntu-latest-py3.12": "fail"}
    assert got_a.cells["pip-ml-ubuntu-latest-py3.12"].cause_kind == "build-failed"
    assert got_a.cells["pip-ml-ubuntu-latest-py3.12"].cause_package == "tensorflow"
    assert got_a.cells[CID].history == a.history[CID]
    assert {k: v.status for k, v in got_b.cells.items()} == {CID: "fail"}
    assert {k: v.status for k, v in got_anon.cells.items()} == {CID: "timeout"}
    assert from_markdown(text, "gamma", "README.md") is None
    assert from_markdown(text.replace(digest(a), ""), "alpha", "README.md") is None


def _line(payload: bytes, label: str = "rodeo-digest") -> str:
    return f"[{label}]: data:application/gzip;base64,{base64.b64encode(payload).decode()}"


@pytest.mark.parametrize("payload", [
    b"not gzip at all",
    gzip.compress(b"not json"),
    gzip.compress(b"[1, 2]"),
    gzip.compress(b'{"kind": "something-else", "cells": {}}'),
    gzip.compress(b"[" * 100_000),
    gzip.compress(json.dumps({"kind": "rodeo-baseline", "cells": {}}).encode())[:-6],       # truncated
    bytes(b ^ 0xFF if 12 <= i < 20 else b for i, b in enumerate(gzip.compress(b'{"a": 1}' * 200))),  # corrupt
    gzip.compress(b" " * (history.MAX_BASELINE_BYTES + 10)),                                # a gzip bomb
], ids=["not-gzip", "not-json", "list", "other-kind", "deep", "truncated", "corrupt", "bomb"])
def test_garbage_digest_is_none(payload: bytes) -> None:
    assert from_markdown(_line(payload), None, "x") is None


def test_corrupt_base64_and_oversized_digest_are_none() -> None:
    assert from_markdown("[rodeo-digest]: data:application/gzip;base64,AAA=A", None, "x") is None
    assert from_markdown("[rodeo-digest]: data:application/gzip;base64," + "A" * (MAX_DIGEST_CHARS + 4), None,
                         "x") is None


def test_a_forged_digest_keeps_only_well_formed_cells() -> None:
    data: dict[str, Any] = {"kind": "rodeo-baseline", "name": None, "cells": {
        CID: {"status": "pass", "phase": ["x"], "cause": {"kind": {"a": 1}, "package": 3},
              "history": {"statuses": ["pass", "<script>", 7], "seconds": [1, "x", True, 2.5],
                          "timing": "install+import",
                          "consecutive_failures": True, "last_pass_versions": {"a": "1", "b": 2}}},
        "bad id with spaces": {"status": "pass"},
        "uv-x": {"status": "exploded"},
        "uv-y": "not a dict",
    }}
    got = from_markdown(_line(gzip.compress(json.dumps(data).encode())), None, "x")
    assert got is not None and list(got.cells) == [CID]
    cell = got.cells[CID]
    assert (cell.phase, cell.cause_kind, cell.cause_package) == (None, None, None)
    assert cell.history.statuses == ("pass",) and cell.history.seconds == (1.0, 2.5)
    assert cell.history.consecutive_failures == 0 and cell.history.last_pass_versions == {"a": "1"}


def test_a_digest_under_another_name_inside_is_refused() -> None:
    data = {"kind": "rodeo-baseline", "name": "beta", "cells": {}}
    assert from_markdown(_line(gzip.compress(json.dumps(data).encode()), "rodeo-digest-alpha"), "alpha", "x") is None


def test_digest_of_a_big_rodeo_stays_within_the_limit_and_reads_back() -> None:
    statuses = {f"uv-s{i}-ubuntu-latest-py3.12": ("pass", "fail")[i % 2] for i in range(10_000)}
    r = report("big", statuses)
    line = digest(r)
    assert 0 < len(line) <= MAX_DIGEST_CHARS
    back = from_markdown(line, "big", "x")
    assert back is not None and {k: v.status for k, v in back.cells.items()} == statuses
    small = digest(r, limit=60_000)               # what a PR comment can afford
    assert 0 < len(small) <= 60_000
    back = from_markdown(small, "big", "x")
    assert back is not None and len(back.cells) == 10_000
    assert back.cells["uv-s1-ubuntu-latest-py3.12"].history.consecutive_failures == 1
    assert digest(r, limit=100) == ""             # nothing fits: no digest rather than a broken one


def test_digest_picks_the_richest_level_that_fits_without_encoding_the_others_whole(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Levels too big are skipped on a sample's estimate or given up as their output passes the limit:
    the same digest as trying every level in full, for little more than one encoding of every cell."""
    statuses = {f"uv-s{i}-ubuntu-latest-py3.12": ("pass", "fail")[i % 2] for i in range(10_000)}
    r = report("big", statuses)
    made: list[int] = []
    real_entry = history._entry

    def counting(*args: Any) -> dict[str, Any]:
        made.append(1)
        return real_entry(*args)

    # 200,000: the richest level fits; 40,000: only from level 3 on; 30,000: none does. Each level skipped
    # costs a sample (1,536 cells of 10,000): five levels, the first with pins
    for limit, most in ((MAX_DIGEST_CHARS, 1.2), (40_000, 1.5), (30_000, 1.8)):
        monkeypatch.setattr(history, "_SAMPLE_FROM", 10**9)        # the reference: every level tried in full
        want = digest(r, limit)
        monkeypatch.setattr(history, "_SAMPLE_FROM", 4096)
        monkeypatch.setattr(history, "_entry", counting)
        made.clear()
        assert digest(r, limit) == want, limit
        assert len(made) < most * len(statuses), (limit, len(made))
        monkeypatch.setattr(history, "_entry", real_entry)
    assert 0 < len(digest(r, 40_000)) <= 40_000 < len(digest(r))


def test_load_json_markdown_missing_garbage_and_too_big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = report("alpha", {CID: "fail"})
    (tmp_path / "prev.json").write_text(json.dumps(full(r)))
    got = load(tmp_path / "prev.json", "alpha")
    assert got is not None and got.cells[CID].status == "fail" and got.source == str(tmp_path / "prev.json")
    (tmp_path / "bom.json").write_text("\ufeff" + json.dumps(full(r)), encoding="utf-8")
    assert load(tmp_path / "bom.json", "alpha") is not None
    (tmp_path / "README.md").write_text(f"# x\n\n{digest(r)}\n")
    got = load(tmp_path / "README.md", "alpha")
    assert got is not None and got.cells[CID].status == "fail" and got.source == str(tmp_path / "README.md")
    assert load(tmp_path / "README.md", "beta") is None
    assert load(tmp_path / "nope.json", "alpha") is None
    for i, garbage in enumerate([b"{not json", b"\xff\xfe\x00garbage", b"[]", b"{" + b'"a":[' * 100_000,
                                 b'{"kind": "rodeo-baseline", "cells": [1]}']):
        (tmp_path / f"g{i}").write_bytes(garbage)
        got = load(tmp_path / f"g{i}", "alpha")
        assert got is None or got.cells == {}, garbage[:20]
    monkeypatch.setattr(history, "MAX_BASELINE_BYTES", 1000)
    (tmp_path / "big.json").write_text(" " * 1001)
    assert read(tmp_path / "big.json", "alpha") == (
        None, "more than 1,000 bytes before its baseline part ends (or it grew while being read); not read")
    # only the baseline part counts: a --json whose results pass the limit is still a baseline
    monkeypatch.setattr(history, "MAX_BASELINE_BYTES", 2 << 20)         # read in 1 MiB pieces: the first has it
    (tmp_path / "long.json").write_text("".join(full_json(r)) + " " * (3 << 20))
    got = load(tmp_path / "long.json", "alpha")
    assert got is not None and got.cells[CID].status == "fail"
    assert read(tmp_path, "alpha") == (None, "not a regular file")            # a folder
    assert read(tmp_path / "nope.json", "alpha") == (None, "not found")


def test_read_says_why_there_is_no_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = report("alpha", {CID: "fail"})
    cases = {"trunc.json": "".join(full_json(r))[:60], "list.json": "[1, 2]", "other.json": '{"kind": "x"}',
             "deep.json": "{\"a\":" + "[" * 100_000, "prose.md": "# nothing here\n",
             "nan.json": '{"kind": "rodeo-baseline", "cells": {"' + CID + '": {"status": NaN}}}'}
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
    assert read(tmp_path / "trunc.json", "alpha") == (None, "not JSON, or cut short (truncated?)")
    # "[" may begin a markdown file as well (a digest line alone): read as markdown
    assert read(tmp_path / "list.json", "alpha") == (None, "holds no digest of this rodeo")
    assert read(tmp_path / "other.json", "alpha") == (None, "JSON, but not a rodeo baseline (a previous --json)")
    assert read(tmp_path / "deep.json", "alpha") == (None, "not JSON, or cut short (truncated?)")
    assert read(tmp_path / "prose.md", "alpha") == (None, "holds no digest of this rodeo")
    got, why = read(tmp_path / "nan.json", "alpha")
    assert got is not None and got.cells == {} and why is None
    monkeypatch.setattr(history, "MAX_MARKDOWN_BYTES", 10)
    assert read(tmp_path / "prose.md", "alpha")[1] == ("15 bytes of markdown, more than the 10 a README carrying a "
                                                      "digest may have; not read")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_or_a_device_as_baseline_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.json")
    assert read(tmp_path / "fifo.json", None) == (None, "not a regular file")
    (tmp_path / "zero.json").symlink_to("/dev/zero")
    assert read(tmp_path / "zero.json", None) == (None, "not a regular file")


def test_json_is_streamed_in_small_pieces_and_read_until_the_baseline_is_complete(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statuses = {f"uv-s{i}-ubuntu-latest-py3.12": ("pass", "fail", "timeout")[i % 3] for i in range(300)}
    r = report("alpha", statuses)
    text = "".join(full_json(r))
    assert json.loads(text) == json.loads(json.dumps(full(r)))        # the same content as full()
    (tmp_path / "prev.json").write_text(text)
    whole = load(tmp_path / "prev.json", "alpha")
    assert whole is not None and {k: v.status for k, v in whole.cells.items()} == statuses
    for chunk in (1, 7, 64, 4096):          # every value cut at every place by the end of a read
        monkeypatch.setattr(history, "_CHUNK", chunk)
        assert load(tmp_path / "prev.json", "alpha") == whole, chunk
    # the merged results after the cells are not read: cut short there, the baseline is still whole
    (tmp_path / "cut.json").write_text(text[: text.index('"results"') + 30])
    assert load(tmp_path / "cut.json", "alpha") == replace(whole, source=str(tmp_path / "cut.json"))
    # ... but cut inside the cells, it is no baseline
    (tmp_path / "cut2.json").write_text(text[: text.index('"results"') - 30])
    assert read(tmp_path / "cut2.json", "alpha")[1] == "not JSON, or cut short (truncated?)"
    # a number is not taken while the file may go on: 12 is not 123
    (tmp_path / "num.json").write_text('{"kind": "rodeo-baseline", "cells": {"' + CID + '": {"status": "fail", '
                                       '"history": {"consecutive_failures": 123}}}}')
    monkeypatch.setattr(history, "_CHUNK", 1)
    got = load(tmp_path / "num.json", None)
    assert got is not None and got.cells[CID].history.consecutive_failures == 123


def test_full_json_is_ascii_and_round_trips_any_string(tmp_path: Path) -> None:
    r = report("alpha", {CID: "fail"})
    r = replace(r, notes=("bad\udcff.json: a lone surrogate from an undecodable file name", "ünïcode ✓ 🔻"))
    text = "".join(full_json(r))
    assert text.isascii()
    assert json.loads(text)["notes"] == list(r.notes)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.sampled_from([None, "alpha"]))
def test_from_markdown_never_raises(text: str, name: str | None) -> None:
    from_markdown(text, name, "x")
    from_markdown("[rodeo-digest]: data:application/gzip;base64," + text, None, "x")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_from_markdown_never_raises_on_arbitrary_payloads(payload: bytes) -> None:
    assert from_markdown(_line(payload), None, "x") is None or True
    from_markdown(_line(b"\x1f\x8b\x08\x00" + payload), None, "x")


def test_the_digest_carries_every_history_field() -> None:
    from dataclasses import asdict

    h = CellHistory(("pass", "fail"), (1.0, 2.0), 1, "2025-01-01T00:00:00Z", "https://ci/1", {"a": "1"})
    assert history._history_dict(h) == {**json.loads(json.dumps(asdict(h))), "timing": history.TIMING}
