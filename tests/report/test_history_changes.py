"""History as changes: a run that is twice as slow (slower), a cell that keeps flipping (flaky), and the
trends, through whole runs (results written, collected, read back from the previous --json or digest)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from rodeo_action.config import Config
from rodeo_action.plan import expand
from rodeo_action.report import render
from rodeo_action.report.build import build_report, slower_culprits
from rodeo_action.report.collect import collect
from rodeo_action.report.history import HISTORY_LENGTH, TIMING, digest, from_markdown, full, load
from rodeo_action.report.model import CellHistory, Report
from rodeo_action.report.trends import cell_points, trends
from rodeo_action.results import Cause, CellInfo, Result, write_result
from tests.report.test_build import VERSIONS, cfg, cid, fail

UV = cid("uv", "ml")
PIP = cid("pip", "ml")


class Runs:
    """A sequence of runs of one config, each read against the previous one's --json; every cell passes in
    10 s of install unless ``outcomes`` or ``seconds`` say otherwise."""

    def __init__(self, tmp: Path, config: Config | None = None) -> None:
        self.tmp, self.config, self.n = tmp, config or cfg(), 0
        self.baseline: Path | None = None

    def run(self, outcomes: Mapping[str, tuple[str, Cause | None]] | None = None,
            seconds: Mapping[str, float] | None = None, versions: Mapping[str, Mapping[str, str]] | None = None,
            skip: frozenset[str] = frozenset()) -> Report:
        self.n += 1
        out = self.tmp / f"run{self.n}"
        for p in expand(self.config):
            c = p.cell
            if not p.runnable or c.id in skip:
                continue
            status, cause = (outcomes or {}).get(c.id, ("pass", None))
            resolved = {**{k: v for k, v in VERSIONS.items() if k in c.packages}, **(versions or {}).get(c.id, {})}
            write_result(Result(CellInfo(c.id, c.manager, c.set, c.os, c.python, c.packages), status,
                                phase=None if status == "pass" else "install", cause=cause,
                                durations={"setup": 60.0, "install": (seconds or {}).get(c.id, 10.0), "import": 1.0},
                                manager_version="1.0", resolved=resolved if status == "pass" else {},
                                started_at=f"2025-01-01T00:{self.n:02d}:00Z", run_url=f"https://ci/run/{self.n}"),
                         out / f"rodeo-{c.manager}")
        got = collect(out, expand(self.config))
        baseline = load(self.baseline, self.config.name) if self.baseline else None
        report = build_report(got.cells, self.config, baseline, f"2025-01-01T00:{self.n:02d}:00Z",
                              f"https://ci/run/{self.n}", got.notes)
        self.baseline = self.tmp / f"run{self.n}.json"
        self.baseline.write_text(json.dumps(full(report)))
        return report


def kinds(report: Report) -> dict[str, str]:
    return {c.cell_id: c.kind for c in report.changes}


def test_the_history_keeps_install_plus_import(tmp_path: Path) -> None:
    r = Runs(tmp_path).run(seconds={UV: 20.0})
    assert r.history[UV].seconds == (21.0,)                   # not the 60 s of set-up
    assert json.loads(Path(tmp_path / "run1.json").read_text())["cells"][UV]["history"]["timing"] == TIMING


def test_an_old_baseline_is_read_without_its_whole_cell_seconds(tmp_path: Path) -> None:
    runs = Runs(tmp_path)
    runs.run()
    assert runs.baseline is not None
    data = json.loads(runs.baseline.read_text())
    for entry in data["cells"].values():
        del entry["history"]["timing"]            # what rodeo wrote before it kept install + import
        entry["history"]["seconds"] = [71.0]
    runs.baseline.write_text(json.dumps(data))
    second = runs.run()
    assert second.history[UV].statuses == ("pass", "pass") and second.history[UV].seconds == (11.0,)
    assert cell_points(next(c for c in second.cells if c.id == UV), second) == (("pass", None), ("pass", 11.0))


def test_slower_is_a_change_with_its_figures(tmp_path: Path) -> None:
    runs = Runs(tmp_path)
    for s in (11.0, 12.0, 10.0):
        runs.run(seconds={UV: s})
    assert "slower" not in kinds(runs.run(seconds={UV: 12.0}))
    now = runs.run(seconds={UV: 40.0}, versions={UV: {"numpy": "2.2.0"}})
    [ch] = [c for c in now.changes if c.cell_id == UV]
    assert (ch.kind, ch.seconds, ch.median_before, ch.passes) == ("slower", 41.0, 12.5, 4)
    assert [(v.name, v.before, v.after) for v in ch.versions] == [("numpy", "2.1.0", "2.2.0")]
    line = "- 🐢 **slower** uv-ml-ubuntu-latest-py3.12: install + import 12 s → **41 s** (median of 4 passes) " \
           "— numpy 2.1.0 → 2.2.0"
    for text in (render.comment(now), render.readme_block(now), render.summary(now), render.markdown(now)):
        assert line in text and "🐢 1 slower" in text
    assert [c.key for c in slower_culprits(now)] == [f"slower:{UV}"]
    assert now.culprits == ()                      # a slower cell is no failure


def test_slower_needs_three_earlier_passes_and_ten_seconds(tmp_path: Path) -> None:
    runs = Runs(tmp_path)
    runs.run(seconds={UV: 2.0, PIP: 10.0})
    runs.run(seconds={UV: 2.0, PIP: 10.0})
    assert kinds(runs.run(seconds={UV: 2.0, PIP: 40.0})) == {}        # two earlier passes only
    runs.run(seconds={UV: 2.0, PIP: 10.0})
    assert kinds(runs.run(seconds={UV: 9.0, PIP: 10.0})) == {}        # 3x, but 7 s more only


def test_flaky_replaces_the_regression_and_fix_and_names_the_culprit(tmp_path: Path) -> None:
    runs = Runs(tmp_path)
    broken = {UV: fail("network", "numpy")}
    runs.run()
    assert kinds(runs.run(broken)) == {UV: "regression"}                # one flip: a regression
    assert kinds(runs.run()) == {UV: "fix"}                             # and its fix: two
    third = runs.run(broken)
    [ch] = third.changes
    assert (ch.kind, ch.flips, ch.runs, ch.before, ch.after) == ("flaky", 3, 4, "pass", "fail")
    assert third.regressions == ()
    [culprit] = third.culprits
    assert culprit.flaky == (UV,) and (culprit.flips, culprit.runs) == (3, 4) and not culprit.regression
    text = render.comment(third)
    assert "🎲 **flaky** uv-ml-ubuntu-latest-py3.12: ✅ pass → ❌ network (numpy) (flaky: 3 flips in 4 runs)" in text
    assert "🎲 flaky: 3 flips in 4 runs (1 cell: uv-ml-ubuntu-latest-py3.12)" in text
    assert "🎲 1 flaky since the last run" in text
    fourth = runs.run()
    assert [(c.kind, c.flips) for c in fourth.changes] == [("flaky", 4)] and fourth.fixes == ()


def test_trends_in_the_comment_and_readme(tmp_path: Path) -> None:
    runs = Runs(tmp_path)
    assert render.comment(runs.run()).count("Trends") == 0             # one run: nothing to trend
    pips = [c.cell.id for c in expand(runs.config) if c.cell.manager == "pip"]
    runs.run({UV: fail("network")}, seconds=dict.fromkeys(pips, 30.0))
    r = runs.run(seconds=dict.fromkeys(pips, 50.0))
    for text in (render.comment(r), render.readme_block(r)):
        assert "<details><summary>Trends</summary>" in text and "Over the last 3 runs, oldest first:" in text
        assert "- uv: pass `█▆█` 100% → 100% · time `███` 11\u00a0s → 11\u00a0s" in text   # 2 of 3 in run 2
        assert "- pip: pass `███` 100% → 100% · time `▃▅█` 11\u00a0s → 51\u00a0s" in text   # 11/51, 31/51: 2, 4


def test_gaps_renames_and_failures_only(tmp_path: Path) -> None:
    """A cell missing from runs, a manager renamed (its cells start over), nothing but failures: said."""
    runs = Runs(tmp_path)
    everything_fails = {c.cell.id: fail("network") for c in expand(runs.config) if c.runnable}
    for _ in range(HISTORY_LENGTH + 2):
        r = runs.run(everything_fails, skip=frozenset({UV}) if runs.n % 3 == 0 else frozenset())
    got = {t.manager: t for t in trends(r)}
    assert all(p.pass_rate == 0 and p.median_seconds is None for t in got.values() for p in t.points)
    assert len(got["uv"].points) == HISTORY_LENGTH
    text = render.comment(r)
    assert "pass `▁▁▁" in text and "time: no timed pass" in text and "none" not in text.split("Trends")[1][:40]


def test_a_renamed_manager_starts_over_and_says_so(tmp_path: Path) -> None:
    from tests.report.test_build import CONFIG

    runs = Runs(tmp_path)
    for _ in range(3):
        runs.run()
    runs.config = cfg(CONFIG.replace("[uv, pip, apt, pdm]", "[uv, pip, apt, poetry]"))
    r = runs.run()
    assert {c.kind for c in r.changes if "poetry" in c.cell_id} == {"new"}
    assert {c.kind for c in r.changes if "pdm" in c.cell_id} == {"removed"}
    got = {t.manager: t for t in trends(r)}
    assert "pdm" not in got and got["poetry"].gaps == 3 and got["uv"].gaps == 0
    assert [p.verdicts for p in got["poetry"].points][:3] == [0, 0, 0]
    assert "- poetry: pass `···█` 100% · time `···█` 11\u00a0s · 3 runs without every cell" in render.comment(r)


def test_a_digest_keeps_what_trends_need(tmp_path: Path) -> None:
    runs = Runs(tmp_path)
    for s in (10.0, 10.0, 10.0, 40.0):
        r = runs.run(seconds={UV: s})
    back = from_markdown(digest(r), r.name, "README")
    assert back is not None and back.cells[UV].history == CellHistory(
        ("pass",) * 4, (11.0, 11.0, 11.0, 41.0), 0, r.history[UV].last_pass_at, r.history[UV].last_pass_run_url,
        r.history[UV].last_pass_versions, r.history[UV].last_pass_pins, r.history[UV].last_pass_tool_pins)


def test_the_svg_has_a_trend_strip_with_words(tmp_path: Path) -> None:
    from rodeo_action.report import svg

    runs = Runs(tmp_path)
    one = svg.render(runs.run())
    assert ">pass rate<" not in one                                      # one run: no strip
    for i in range(4):
        r = runs.run({UV: fail("network")} if i == 1 else {})
    picture = svg.render(r)
    assert picture.count(">pass rate<") == 1
    assert "<title>uv, the last 5 runs: pass ██▆██ 100% → 100% · time █████ 11\u00a0s → 11\u00a0s</title>" in picture
    assert picture.count("<title>") == 1 + 12 + 4                      # the picture, each cell, each strip
