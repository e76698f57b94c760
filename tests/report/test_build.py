"""build_report: changes since the baseline, version diffs, culprits by the documented rule, scores, rows.

Runs go through real files: results written with write_result, collected, built, the --json
written and loaded back as the next run's baseline.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from rodeo_action.config import Config, parse_config
from rodeo_action.plan import expand
from rodeo_action.report.build import build_report, local_report, rows
from rodeo_action.report.collect import collect
from rodeo_action.report.history import full, load
from rodeo_action.report.model import Change, Report, Score, VersionChange
from rodeo_action.results import Cause, CellInfo, Result, write_result

CONFIG = """\
name: demo
packages:
  - tensorflow
  - numpy
  - {name: cartopy, tracker: SciTools/cartopy}
sets: {ml: [tensorflow, numpy], geo: [cartopy, numpy], np: [numpy]}
managers: [uv, pip, apt, pdm]
os: [ubuntu-latest]
python: ['3.12']
"""
VERSIONS = {"tensorflow": "2.18.0", "numpy": "2.1.0", "cartopy": "0.24.0", "six": "1.16.0"}


def cfg(text: str = CONFIG) -> Config:
    return parse_config(text, "rodeo.yml")


def cid(manager: str, set_: str, os_: str = "ubuntu-latest", py: str = "3.12") -> str:
    return f"{manager}-{set_}-{os_}-py{py}"


class Rodeo:
    """A sequence of runs of one config: each run writes results, collects them and builds the report."""

    def __init__(self, tmp: Path, config: Config) -> None:
        self.tmp, self.config, self.n = tmp, config, 0
        self.baseline: Path | None = None

    def run(self, outcomes: Mapping[str, tuple[str, Cause | None]], versions: dict[str, dict[str, str]] | None = None,
            manager_versions: dict[str, str] | None = None) -> Report:
        """outcomes: cell id -> (status, cause); planned cells not named pass; versions per cell override."""
        self.n += 1
        out = self.tmp / f"run{self.n}"
        for p in expand(self.config):
            if not p.runnable:
                continue
            c = p.cell
            status, cause = outcomes.get(c.id, ("pass", None))
            if status == "missing":
                continue
            resolved = {k: v for k, v in VERSIONS.items() if k in c.packages or k == "six"}
            resolved.update((versions or {}).get(c.id, {}))
            if status != "pass" and (cause is None or cause.kind != "import-error"):
                resolved = {}                     # failed before installing anything
            mv = (manager_versions or {}).get(c.manager, "1.0")
            write_result(Result(CellInfo(c.id, c.manager, c.set, c.os, c.python, c.packages), status,
                                phase=None if status == "pass" else "install", cause=cause,
                                durations={"install": 10.0 + self.n}, manager_version=mv, resolved=resolved,
                                started_at=f"2025-01-0{self.n}T00:00:00Z", run_url=f"https://ci/run/{self.n}"),
                         out / f"rodeo-{c.manager}")
        got = collect(out, expand(self.config))
        baseline = load(self.baseline, self.config.name) if self.baseline else None
        report = build_report(got.cells, self.config, baseline, f"2025-01-0{self.n}T00:00:00Z",
                              f"https://ci/run/{self.n}", got.notes)
        self.baseline = self.tmp / f"run{self.n}.json"
        self.baseline.write_text(json.dumps(full(report)))
        return report


def fail(kind: str, package: str | None = None) -> tuple[str, Cause]:
    return "fail", Cause(kind, f"{kind} summary", package)


def test_baseline_then_two_regressions_and_a_fix(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    first = rodeo.run({cid("pdm", "np"): fail("build-failed", "numpy")})
    assert not first.has_baseline and first.changes == () and first.notes == (
        "no baseline: changes are shown from the next run on",)
    second = rodeo.run(
        {cid("uv", "ml"): fail("no-matching-distribution", "tensorflow"),
         cid("pip", "ml"): ("fail", Cause("import-error", "DLL load failed", "tensorflow"))},
        versions={cid("pip", "ml"): {"tensorflow": "2.19.0"}}, manager_versions={"uv": "0.5.1"})
    assert second.has_baseline
    assert second.changes == (
        Change(cid("pip", "ml"), "regression", "pass", "fail",
               (VersionChange("tensorflow", "2.18.0", "2.19.0"),)),
        Change(cid("uv", "ml"), "regression", "pass", "fail", (VersionChange("<uv>", "1.0", "0.5.1"),)),
        Change(cid("pdm", "np"), "fix", "fail", "pass"),
    )
    assert [c.cell_id for c in second.regressions] == [cid("pip", "ml"), cid("uv", "ml")]
    # tensorflow fails two ways (uv finds no distribution, pip's import breaks): two problems, two culprits
    assert [(c.key, c.cells, c.versions, c.regression) for c in second.culprits] == [
        ("cell:pip/tensorflow", (cid("pip", "ml"),), (VersionChange("tensorflow", "2.18.0", "2.19.0"),), True),
        ("cell:uv/tensorflow", (cid("uv", "ml"),), (VersionChange("<uv>", "1.0", "0.5.1"),), True),
    ]


def test_a_package_culprit_holds_only_the_cells_that_fail_its_way(tmp_path: Path) -> None:
    """The fixture's "package tensorflow 🔻 regression (3 cells)" counted a cell that failed another way
    and had not regressed: a package culprit holds the cells of one kind of failure."""
    rodeo = Rodeo(tmp_path, cfg())
    rodeo.run({cid("pdm", "ml"): fail("no-matching-distribution", "tensorflow")})
    second = rodeo.run(
        {cid("pip", "ml"): fail("import-error", "tensorflow"), cid("uv", "ml"): fail("import-error", "tensorflow"),
         cid("pdm", "ml"): fail("no-matching-distribution", "tensorflow")},
        versions={cid("pip", "ml"): {"tensorflow": "2.19.0"}, cid("uv", "ml"): {"tensorflow": "2.19.0"}})
    package = next(c for c in second.culprits if c.key == "package:tensorflow")
    assert package.cells == (cid("pip", "ml"), cid("uv", "ml"))
    assert package.cause is not None and package.cause.kind == "import-error" and package.regression
    assert package.versions == (VersionChange("tensorflow", "2.18.0", "2.19.0"),)
    rest = next(c for c in second.culprits if cid("pdm", "ml") in c.cells)
    assert (rest.key, rest.cells, rest.regression) == ("cell:pdm/tensorflow", (cid("pdm", "ml"),), False)
    # the kind most managers share wins, whatever order the cells come in
    third = rodeo.run(
        {cid("pip", "ml"): fail("no-matching-distribution", "tensorflow"),
         cid("uv", "ml"): fail("no-matching-distribution", "tensorflow"),
         cid("pdm", "ml"): fail("import-error", "tensorflow")})
    package = next(c for c in third.culprits if c.key == "package:tensorflow")
    assert package.cells == (cid("pip", "ml"), cid("uv", "ml"))
    assert package.cause is not None and package.cause.kind == "no-matching-distribution"


def test_new_removed_changed(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    rodeo.run({cid("uv", "np"): fail("build-failed", "numpy"), cid("pip", "np"): fail("timeout")})
    rodeo.config = cfg(CONFIG.replace("managers: [uv, pip, apt, pdm]", "managers: [uv, pip, apt, hatch]"))
    r = rodeo.run({cid("uv", "np"): fail("missing-system-library", "numpy"), cid("pip", "np"): fail("timeout")})
    kinds = {(c.kind, c.cell_id) for c in r.changes}
    assert ("changed", cid("uv", "np")) in kinds
    assert ("changed", cid("pip", "np")) not in kinds               # same cause: no change
    assert {k for k, _ in kinds} == {"changed", "new", "removed"}
    assert {c for k, c in kinds if k == "new"} == {cid("hatch", s) for s in ("ml", "geo", "np")}
    assert {c for k, c in kinds if k == "removed"} == {cid("pdm", s) for s in ("ml", "geo", "np")}
    removed = next(c for c in r.changes if c.kind == "removed")
    assert removed.before == "pass" and removed.after is None


def test_a_cancelled_run_between_pass_and_fail_does_not_hide_the_regression(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    rodeo.run({})
    second = rodeo.run({cid("uv", "np"): ("missing", None)})
    assert [c.cell_id for c in second.changes] == []
    third = rodeo.run({cid("uv", "np"): fail("build-failed", "numpy")}, manager_versions={"uv": "2.0"})
    assert third.changes == (Change(cid("uv", "np"), "regression", "pass", "fail",
                                    (VersionChange("<uv>", "1.0", "2.0"),)),)


def test_consecutive_failures_across_three_runs(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    broken = {cid("pdm", "ml"): fail("manager-broken")}
    reports = [rodeo.run(broken), rodeo.run({cid("pdm", "ml"): ("missing", None)}), rodeo.run(broken),
               rodeo.run(broken)]
    assert [r.history[cid("pdm", "ml")].consecutive_failures for r in reports] == [1, 1, 2, 3]
    assert reports[-1].history[cid("pdm", "ml")].statuses == ("fail", "missing", "fail", "fail")
    assert [[c.consecutive_failures for c in r.culprits] for r in reports] == [[1], [], [2], [3]]
    culprit = reports[-1].culprits[0]
    assert (culprit.key, culprit.kind, culprit.tracker, culprit.regression) == (
        "manager:pdm", "manager", "pdm-project/pdm", False)
    assert reports[-1].history[cid("pdm", "ml")].last_pass_at is None


def culprits_of(tmp_path: Path, outcomes: Mapping[str, tuple[str, Cause | None]], text: str = CONFIG) -> list[
        tuple[str, tuple[str, ...], str | None]]:
    r = Rodeo(tmp_path, cfg(text)).run(outcomes)
    return [(c.key, c.cells, c.tracker) for c in r.culprits]


def test_culprit_rule_package_under_two_managers(tmp_path: Path) -> None:
    got = culprits_of(tmp_path, {cid("uv", "geo"): fail("no-matching-distribution", "cartopy"),
                                 cid("apt", "geo"): fail("not-packaged", "python3-cartopy")})
    assert got == [("package:cartopy", (cid("apt", "geo"), cid("uv", "geo")), "SciTools/cartopy")]
    # a build that fails and a package that does not exist are two problems, not one package's
    got = culprits_of(tmp_path / "2", {cid("uv", "geo"): fail("build-failed", "cartopy"),
                                       cid("apt", "geo"): fail("not-packaged", "python3-cartopy")})
    assert [key for key, _, _ in got] == ["cell:apt/cartopy", "cell:uv/cartopy"]


def test_culprit_rule_apt_name_maps_back(tmp_path: Path) -> None:
    got = culprits_of(tmp_path, {cid("apt", "ml"): fail("not-packaged", "python3-tensorflow"),
                                 cid("pip", "ml"): fail("no-matching-distribution", "tensorflow")})
    assert got == [("package:tensorflow", (cid("apt", "ml"), cid("pip", "ml")), None)]


def test_culprit_rule_manager_in_two_sets(tmp_path: Path) -> None:
    got = culprits_of(tmp_path, {cid("pdm", "ml"): fail("conflict", "tensorflow"),
                                 cid("pdm", "geo"): fail("unknown")})
    assert got == [("manager:pdm", (cid("pdm", "geo"), cid("pdm", "ml")), "pdm-project/pdm")]


def test_culprit_rule_manager_broken_in_one_set(tmp_path: Path) -> None:
    got = culprits_of(tmp_path, {cid("uv", "np"): fail("manager-broken")})
    assert got == [("manager:uv", (cid("uv", "np"),), "astral-sh/uv")]


def test_culprit_rule_one_package_under_one_manager_in_two_sets_is_a_cell_culprit(tmp_path: Path) -> None:
    got = culprits_of(tmp_path, {cid("uv", "ml"): fail("build-failed", "numpy"),
                                 cid("uv", "geo"): fail("build-failed", "numpy")})
    assert got == [("cell:uv/numpy", (cid("uv", "geo"), cid("uv", "ml")), "astral-sh/uv")]


def test_culprit_rule_the_rest_are_cell_culprits(tmp_path: Path) -> None:
    got = culprits_of(tmp_path, {cid("uv", "geo"): fail("build-failed", "cartopy"),
                                 cid("pip", "np"): fail("unknown"),
                                 cid("apt", "ml"): fail("not-packaged", "python3-tensorflow")})
    assert got == [
        ("cell:apt/tensorflow", (cid("apt", "ml"),), None),      # apt has no tracker of its own
        ("cell:pip/set-np", (cid("pip", "np"),), "pypa/pip"),
        ("cell:uv/cartopy", (cid("uv", "geo"),), "SciTools/cartopy"),   # the package's tracker first
    ]


def test_culprit_rule_precedence_package_before_manager(tmp_path: Path) -> None:
    # pdm fails in two sets, but both are tensorflow failing under two managers: the package is the story
    got = culprits_of(tmp_path, {cid("pdm", "ml"): fail("build-failed", "tensorflow"),
                                 cid("uv", "ml"): fail("build-failed", "tensorflow"),
                                 cid("pdm", "geo"): fail("build-failed", "cartopy")})
    assert got == [("package:tensorflow", (cid("pdm", "ml"), cid("uv", "ml")), None),
                   ("cell:pdm/cartopy", (cid("pdm", "geo"),), "SciTools/cartopy")]


def test_unreadable_and_unplanned_cells_are_no_culprit_nor_score_nor_regression(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    rodeo.run({})
    out = tmp_path / "run2"
    rodeo.run({})
    (out / "rodeo-uv" / f"{cid('uv', 'np')}.json").write_text("{truncated")
    stray = cid("hatch", "np")
    write_result(Result(CellInfo(stray, "hatch", "np", "ubuntu-latest", "3.12", ("numpy",)), "fail",
                        phase="install", cause=Cause("build-failed", "x", "numpy")), out)
    got = collect(out, expand(rodeo.config))
    baseline = load(tmp_path / "run1.json", "demo")
    r = build_report(got.cells, rodeo.config, baseline, "2025-01-03T00:00:00Z", None, got.notes)
    cells = {c.id: c for c in r.cells}
    assert cells[cid("uv", "np")].status == "error" and cells[stray].status == "error"
    assert r.culprits == () and r.regressions == ()
    assert [c.kind for c in r.changes] == ["new"]
    # the one denominator (words.RAN): an error cell ran and did not pass, as the table's 💥 error says
    assert Score("uv", 2, 3, 3) in r.scores and Score("hatch", 0, 1, 1) in r.scores
    assert r.history[cid("uv", "np")].consecutive_failures == 0


def test_scores(tmp_path: Path) -> None:
    text = CONFIG.replace("os: [ubuntu-latest]", "os: [ubuntu-latest, macos-14]")
    r = Rodeo(tmp_path, cfg(text)).run({
        cid("uv", "ml"): fail("build-failed", "tensorflow"), cid("uv", "np", "macos-14"): ("timeout", None),
        cid("pip", "geo"): ("missing", None), cid("pdm", "np"): ("error", Cause("unknown", "rodeo crashed"))})
    assert r.scores == (Score("uv", 4, 6, 6), Score("pip", 5, 5, 6), Score("apt", 3, 3, 6), Score("pdm", 5, 6, 6))
    assert r.managers == ("uv", "pip", "apt", "pdm")


def test_rows_follow_the_config_and_show_only_what_varies(tmp_path: Path) -> None:
    r = Rodeo(tmp_path, cfg()).run({})
    assert [(row.set, row.os, row.python) for row in r.rows] == [("ml", None, None), ("geo", None, None),
                                                                 ("np", None, None)]
    assert [c.manager if c else None for c in r.rows[0].cells] == ["uv", "pip", "apt", "pdm"]
    text = CONFIG.replace("os: [ubuntu-latest]", "os: [ubuntu-latest, macos-14]").replace(
        "python: ['3.12']", "python: ['3.9', '3.12', '3.10']")
    r = Rodeo(tmp_path / "b", cfg(text)).run({})
    assert [(row.set, row.os, row.python) for row in r.rows][:7] == [
        ("ml", "ubuntu-latest", "3.9"), ("ml", "ubuntu-latest", "3.12"), ("ml", "ubuntu-latest", "3.10"),
        ("ml", "macos-14", "3.9"), ("ml", "macos-14", "3.12"), ("ml", "macos-14", "3.10"),
        ("geo", "ubuntu-latest", "3.9")]
    assert len(r.rows) == 3 * 2 * 3
    mac = r.rows[3]
    assert [c.status if c else None for c in mac.cells] == ["pass", "pass", "n/a", "pass"]


def test_rows_without_a_config(tmp_path: Path) -> None:
    r = Rodeo(tmp_path, cfg(CONFIG.replace("python: ['3.12']", "python: ['3.12', '3.9', '3.10']"))).run({})
    again = build_report(list(r.cells), None, None, "now", None)
    assert again.managers == ("apt", "pdm", "pip", "uv")
    assert [(row.set, row.python) for row in again.rows][:3] == [("geo", "3.9"), ("geo", "3.10"), ("geo", "3.12")]
    # each cell in exactly one slot
    assert sorted(c.id for row in again.rows for c in row.cells if c) == sorted(c.id for c in r.cells)
    assert rows(r.cells, ("uv",))[0].cells[0] is not None       # columns it is not given are left out


def test_culprits_without_a_config_map_apt_names_back(tmp_path: Path) -> None:
    r = Rodeo(tmp_path, cfg()).run({cid("apt", "ml"): fail("not-packaged", "python3-tensorflow"),
                                    cid("pip", "ml"): fail("no-matching-distribution", "tensorflow")})
    again = build_report(list(r.cells), None, None, "now", None)
    assert [(c.key, c.tracker) for c in again.culprits] == [("package:tensorflow", None)]


def test_local_report_orders_managers_as_asked_and_has_no_baseline_note() -> None:
    def result(manager: str, status: str, reason: str | None = None) -> Result:
        cell = CellInfo(cid(manager, "all"), manager, "all", "ubuntu-latest", "3.12", ("six",))
        return Result(cell, status, durations={"install": 1.0}, reason=reason)

    results = [result("uv", "pass"), result("apt", "n/a", "needs --allow-system"), result("pip", "fail"),
               result("zzz", "pass")]
    report = local_report(results, ["pip", "micromamba", "apt", "uv"], "2026-01-01 10:00 UTC", "host x")
    assert report.managers == ("pip", "apt", "uv", "zzz")       # asked order; absent ones dropped; others after
    assert [c.manager if c else None for c in report.rows[0].cells] == ["pip", "apt", "uv", "zzz"]
    assert [(s.manager, s.passed, s.ran) for s in report.scores] == [("pip", 0, 1), ("apt", 0, 0), ("uv", 1, 1),
                                                                     ("zzz", 1, 1)]
    assert report.notes == ("host x",) and not report.has_baseline and report.run_url is None
    assert [c.note for c in report.cells if c.manager == "apt"] == ["needs --allow-system"]
