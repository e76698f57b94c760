"""`rodeo report --html DIR`: the static site (rodeo_action/report/site).

The pages are parsed (html.parser), not string-matched: every link must lead to a page of the site,
nothing may load from elsewhere, hostile strings must arrive as text, the policy's hashes must be the
inline CSS's and script's, every colour pair must read at 4.5:1, bad histories must render and say
what they could not show, and 10,000 cells must stay within the stated bounds.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

from rodeo_action.report.escape import REDACTED
from rodeo_action.report.site import Limits, build, page_name, style
from rodeo_action.report.site.logs import read_log
from rodeo_action.results import Cause, OutputError
from tests.sitekit import Page, cell, runs

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

MANAGERS = ("pip", "uv", "poetry", "conda")


def history_series(n: int = 6) -> list[list]:
    """n runs of four managers, results changing: uv regresses in the last run, conda flips."""
    series = []
    for i in range(n):
        series.append([
            cell("pip", seconds=30 + i),
            cell("uv", "fail" if i == n - 1 else "pass", seconds=10),
            cell("poetry", "pass" if i % 3 else "fail", seconds=50 + 5 * i),
            cell("conda", "pass" if i % 2 else "timeout", seconds=90,
                 cause=None if i % 2 else Cause("timeout", "ran out of time")),
        ])
    return series


def site(tmp: Path, series: list[list], results: Path | None = None, limits: Limits | None = None) -> Path:
    report = runs(tmp, series)
    out = tmp / "site"
    build(report, out, results, limits)
    return out


def pages_of(folder: Path) -> dict[str, Page]:
    return {str(p.relative_to(folder)): Page(p.read_text(encoding="utf-8")) for p in folder.rglob("*.html")}


# -- what the site holds ---------------------------------------------------------------------------

def test_index_has_every_manager_the_changes_and_a_chart_pair_per_manager(tmp_path: Path) -> None:
    out = site(tmp_path, history_series(6))
    index = Page((out / "index.html").read_text(encoding="utf-8"))
    figures = [a for a in index.tags("figure")]
    assert sorted(f["data-manager"] or "" for f in figures) == sorted(MANAGERS)
    svgs = index.tags("svg")
    assert len(svgs) == 2 * len(MANAGERS) and all(s["role"] == "img" and s["aria-label"] for s in svgs)
    # six runs: six points per chart that has a value in every run (pip: always passed)
    assert len(index.tags("circle")) >= 2 * 6
    assert index.tags("polyline"), "no line drawn"
    # the text alternative: a table row per run per manager
    words = index.words
    assert "pip: pass rate over 6 runs, now 100%" in words
    assert "uv: pass rate over 6 runs, now 0%" in words
    assert "Regressed (1)" in words and "uv-all-ubuntu-latest-py3.12" in words
    boxes = index.tags("input")
    assert {b["data-manager"] for b in boxes if "data-manager" in b} == set(MANAGERS)
    assert {b["data-status"] for b in boxes if "data-status" in b} == {"pass", "fail"}   # the statuses of this run
    assert all(b["type"] == "checkbox" for b in boxes)
    assert {b.get("type") for b in index.tags("button")} == {"button"}


def test_every_link_is_relative_and_leads_to_a_page_of_the_site(tmp_path: Path) -> None:
    out = site(tmp_path, history_series(3))
    pages = pages_of(out)
    assert "index.html" in pages and len(pages) == 1 + len(MANAGERS)
    for name, page in pages.items():
        for attrs in page.tags("a"):
            href = attrs.get("href") or ""
            if href.startswith("https://github.com/o/r/actions/runs/"):
                continue             # the run's link, a navigation the reader chooses
            assert not re.match(r"[a-z]+:|//", href), f"{name}: {href}"
            if href.startswith("#"):
                assert any(a.get("id") == href[1:] for _, a in page.elements), f"{name}: {href} leads nowhere"
                continue
            assert (out / name).parent.joinpath(href).resolve().is_file(), f"{name}: {href}"
        # nothing is loaded: no element with a source, no stylesheet link
        assert not [t for t, a in page.elements if "src" in a or "srcset" in a or t in ("link", "iframe", "img")]


def test_the_policy_allows_exactly_the_inline_css_and_script(tmp_path: Path) -> None:
    import base64
    import hashlib

    out = site(tmp_path, history_series(2))
    for name, page in pages_of(out).items():
        policy = next(m["content"] for m in page.tags("meta") if m.get("http-equiv") == "Content-Security-Policy")
        assert policy is not None and "default-src 'none'" in policy and "unsafe" not in policy
        assert page.scripts == [style.SCRIPT] and page.styles == [style.CSS], name
        for text in (style.SCRIPT, style.CSS):
            digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy


def test_a_cell_page_has_its_cause_excerpt_full_log_lock_and_repro(tmp_path: Path) -> None:
    log = "\n".join(f"line {i}" for i in range(200)) + "\nERROR: Failed building wheel for numpy\nend\n"
    results = tmp_path / "results"
    results.mkdir()
    (results / "uv-all-ubuntu-latest-py3.12.log").write_text("full log head\n" + log, encoding="utf-8")
    series = history_series(2)
    series[-1][1] = cell("uv", "fail", log=log[-500:], repro="uv pip install 'numpy<2' && echo \"$HOME\"")
    out = site(tmp_path, series, results)
    page = Page((out / "cells" / page_name("uv-all-ubuntu-latest-py3.12")).read_text(encoding="utf-8"))
    words = page.words
    assert "build-failed (numpy): numpy failed to build" in words
    assert "The lines that carry the cause" in words and "Failed building wheel for numpy" in words
    assert "full log head" in words                          # the log from the results folder, not the tail
    assert "uv-all-ubuntu-latest-py3.12.log" in words
    repro = next(a for a in page.tags("pre") if a.get("id") == "repro")
    assert repro is not None and [b for b in page.tags("button") if b.get("data-copy") == "repro"]
    assert "uv pip install 'numpy<2' && echo \"$HOME\"" in words   # exactly as pasted (escaped in the HTML)


def test_a_passing_cells_lock_is_shown(tmp_path: Path) -> None:
    from dataclasses import replace

    from rodeo_action.report.model import LockFiles

    series = history_series(1)
    series[0][0] = replace(series[0][0], lock=LockFiles("requirements-hashes", {"requirements.txt": "six==1.17.0 "
                                                                                   "--hash=sha256:abc"}))
    out = site(tmp_path, series)
    words = Page((out / "cells" / page_name("pip-all-ubuntu-latest-py3.12")).read_text(encoding="utf-8")).words
    assert "Lock (requirements-hashes)" in words and "six==1.17.0 --hash=sha256:abc" in words


# -- hostile data ----------------------------------------------------------------------------------

HOSTILE = ('</script><script>alert(1)</script>', '<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>',
           "javascript:alert(1)", "ghp_" + "a" * 36, "\u202eevil\u202c", "{{ 7*7 }}", "<!-- rodeo:end -->")


def test_hostile_strings_arrive_as_text(tmp_path: Path) -> None:
    atom = " ".join(HOSTILE)
    series = [[cell("pip", "fail", cause=Cause("build-failed", atom, atom), log=atom + "\n" + atom,
                    packages=(atom,), repro=atom),
               cell(atom, "pass", cid="weird-" + atom),
               cell("uv", "pass")]]
    results = tmp_path / "results"
    results.mkdir()
    (results / "pip-all-ubuntu-latest-py3.12.log").write_text(atom, encoding="utf-8")
    out = site(tmp_path, series, results)
    names = sorted(p.name for p in (out / "cells").iterdir())
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+\.html", n) for n in names) and len(names) == 3
    for name, page in pages_of(out).items():
        raw = (out / name).read_text(encoding="utf-8")
        assert page.scripts == [style.SCRIPT], f"{name}: a script was injected"
        assert not page.tags("img") and not [t for t, a in page.elements if t == "svg" and "onload" in a]
        assert not [a for _, attrs in page.elements for a in attrs if a.startswith("on")], name
        assert "ghp_" + "a" * 36 not in raw and "\u202e" not in raw
        assert not [a.get("href") for a in page.tags("a") if (a.get("href") or "").startswith("javascript")]
    words = Page((out / "cells" / page_name("pip-all-ubuntu-latest-py3.12")).read_text(encoding="utf-8")).words
    assert "</script><script>alert(1)</script>" in words and "<img src=x onerror=alert(1)>" in words
    assert REDACTED in words and "{{ 7*7 }}" in words


def test_page_names_are_plain_and_distinct() -> None:
    ids = ["uv-all-ubuntu-latest-py3.12", "../../etc/passwd", "a/b", "a_b", ".hidden", "", "x" * 500, "é"]
    names = [page_name(i) for i in ids]
    assert names[0] == "uv-all-ubuntu-latest-py3.12.html"
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,140}\.html", n) for n in names), names


# -- contrast --------------------------------------------------------------------------------------

def _css_colours() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", style.CSS))


def test_every_text_colour_reads_at_4_5_to_1_on_what_it_is_drawn_on() -> None:
    colours = _css_colours()
    assert colours == style.COLOURS
    low = [(fg, bg, round(style.contrast(colours[fg], colours[bg]), 2)) for fg, bg in style.PAIRS
           if style.contrast(colours[fg], colours[bg]) < 4.5]
    assert not low, low
    assert all(style.contrast(colours[a], colours[b]) >= 3 for a, b in style.NON_TEXT)
    # every colour the CSS draws text in, and every background, is in a pair that was checked
    fgs = set(re.findall(r"(?<![-\w])color:\s*var\(--([a-z-]+)\)", style.CSS))
    bgs = set(re.findall(r"background:\s*var\(--([a-z-]+)\)", style.CSS))
    assert fgs <= {fg for fg, _ in style.PAIRS}, fgs - {fg for fg, _ in style.PAIRS}
    assert bgs <= {bg for _, bg in style.PAIRS}, bgs - {bg for _, bg in style.PAIRS}
    assert "opacity" not in style.CSS      # a faded text would not be the colour that was checked


def test_the_contrast_check_can_fail() -> None:
    assert style.contrast("#777777", "#ffffff") < 4.5 < style.contrast("#595959", "#ffffff")
    assert round(style.contrast("#000000", "#ffffff"), 1) == 21.0


def test_focus_is_visible_and_the_filters_are_real_controls() -> None:
    assert re.search(r"button:focus-visible.*outline: 3px solid var\(--focus\)", style.CSS, re.S)
    assert "input:focus-visible" in style.CSS and "outline: none" not in style.CSS


# -- bad histories ---------------------------------------------------------------------------------

def test_gaps_a_renamed_manager_and_reordered_runs_still_render(tmp_path: Path) -> None:
    series = [[cell("pip"), cell("pdm")] for _ in range(5)]
    series += [[cell("pip", "missing"), cell("pdm-renamed"), cell("uv", "fail")]]   # renamed; uv added late
    out = site(tmp_path, series)
    words = Page((out / "index.html").read_text(encoding="utf-8")).words
    assert "Removed cells (1)" in words and "pdm-all-ubuntu-latest-py3.12" in words
    assert "New cells (2)" in words
    assert "5 of the 6 runs are not known for some of its cells" in words   # uv's and pdm-renamed's first runs
    assert "had no verdict of pip" in words                        # the missing run: a gap in the line
    # runs fed in another order than they happened: the page shows them as given, and still renders
    (tmp_path / "b").mkdir()
    shuffled = site(tmp_path / "b", [series[5], series[0], series[3], series[1]])
    assert "pip" in Page((shuffled / "index.html").read_text(encoding="utf-8")).words


def test_twenty_runs_of_failures_say_there_is_no_time_to_draw(tmp_path: Path) -> None:
    series = [[cell("pip", "fail"), cell("uv", "fail")] for _ in range(20)]
    out = site(tmp_path, series)
    page = Page((out / "index.html").read_text(encoding="utf-8"))
    words = page.words
    assert "no cell of pip passed in any of the 20 runs: there is no time to draw" in words
    assert "now 0%" in words and "nothing to draw" in words
    assert len(page.tags("svg")) == 4


def test_a_single_run_says_trends_come_later(tmp_path: Path) -> None:
    out = site(tmp_path, history_series(1))
    assert "trends show from the next runs on" in Page((out / "index.html").read_text(encoding="utf-8")).words


# -- logs from the results folder --------------------------------------------------------------------

def test_a_long_log_is_read_from_its_end(tmp_path: Path) -> None:
    (tmp_path / "c.log").write_text("".join(f"line {i}\n" for i in range(100_000)), encoding="utf-8")
    log = read_log(tmp_path, "c.json", "c", 10_000)
    assert not isinstance(log, str)
    assert log.text.endswith("line 99999\n") and log.text.startswith("line ") and log.omitted > 0
    assert len(log.text) <= 10_000 and log.size == (tmp_path / "c.log").stat().st_size


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs symlinks and FIFOs")
def test_a_log_that_is_a_link_a_fifo_or_outside_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("do not show", encoding="utf-8")
    results = tmp_path / "results"
    (results / "sub").mkdir(parents=True)
    (results / "a.log").symlink_to(secret)
    os.mkfifo(results / "b.log")
    (results / "out").symlink_to(tmp_path)
    assert "symbolic link" in str(read_log(results, "a.json", "a", 1000))
    assert "not a regular file" in str(read_log(results, "b.json", "b", 1000))
    assert "outside" in str(read_log(results, "out/secret.json", "secret", 1000))
    assert "not inside" in str(read_log(results, "../x.json", "x", 1000))
    assert "plain file name" in str(read_log(results, "x.json", "../secret", 1000))


# -- writing the folder ----------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_link_in_the_folder_is_replaced_never_written_through(tmp_path: Path) -> None:
    mine = tmp_path / "mine.html"
    mine.write_text("the user's file", encoding="utf-8")
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").symlink_to(mine)
    build(runs(tmp_path, history_series(1)), out, None)
    assert mine.read_text(encoding="utf-8") == "the user's file"
    assert not (out / "index.html").is_symlink() and "<!doctype html>" in (out / "index.html").read_text()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_linked_subfolder_is_refused_before_anything_is_written_there(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "site"
    out.mkdir()
    (out / "cells").symlink_to(elsewhere)
    with pytest.raises(OutputError, match="symbolic link|link or a file"):
        build(runs(tmp_path, history_series(1)), out, None)
    assert list(elsewhere.iterdir()) == []


def test_the_folder_may_exist_and_be_written_again(tmp_path: Path) -> None:
    out = tmp_path / "site"
    (out / "cells").mkdir(parents=True)
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    report = runs(tmp_path, history_series(2))
    build(report, out, None)
    first = (out / "index.html").read_text(encoding="utf-8")
    build(report, out, None)
    assert (out / "index.html").read_text(encoding="utf-8") == first and (out / "keep.txt").read_text() == "mine"


def test_a_file_where_the_folder_goes_is_one_clear_line(tmp_path: Path) -> None:
    from rodeo_action.cli import main

    (tmp_path / "results").mkdir()
    (tmp_path / "site").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file"):
        build(runs(tmp_path, history_series(1)), tmp_path / "site", None)
    code = main(["report", "--results", str(tmp_path / "results"), "--html", str(tmp_path / "site")])
    assert code == 2


def test_rodeo_report_html_writes_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import synthetic

    from rodeo_action.cli import main

    syn = synthetic.generate(40, tmp_path / "results", seed=3, managers=("pip", "uv"), oses=("ubuntu-latest",),
                             pythons=("3.12",))
    monkeypatch.chdir(tmp_path)          # no rodeo.yml here: the results as found
    code = main(["report", "--results", str(syn.results), "--html", str(tmp_path / "s")])
    assert code == 0
    index = Page((tmp_path / "s" / "index.html").read_text(encoding="utf-8"))
    assert {a["data-manager"] for a in index.tags("figure")} == {"pip", "uv"}
    shown = {a["href"] for a in index.tags("a") if (a.get("href") or "").startswith("cells/")}
    assert shown == {f"cells/{p.name}" for p in (tmp_path / "s" / "cells").iterdir()} and len(shown) >= 30


# -- size --------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_ten_thousand_cells_stay_within_the_bounds(tmp_path: Path) -> None:
    """The stated bounds (README, "The site"): index.html under Limits.index_bytes (3 MB), each cell page's
    log under log_bytes; 10,000 cells with a 2-run history, built in well under a minute on 2 cores."""
    import synthetic

    from rodeo_action.report.build import build_report
    from rodeo_action.report.collect import collect

    syn = synthetic.generate(10_000, tmp_path / "results", seed=1)
    got = collect(syn.results, syn.planned, syn.config)
    first = build_report(got.cells, syn.config, None, "2026-12-01T05:00:00Z", None, got.notes)
    from rodeo_action.report import history
    path = tmp_path / "b.json"
    path.write_text("".join(history.full_json(first)), encoding="ascii")
    base, _ = history.read(path, first.name)
    report = build_report(got.cells, syn.config, base, "2026-12-02T05:00:00Z", None, got.notes)
    started = time.monotonic()
    written = build(report, tmp_path / "site", syn.results)
    took = time.monotonic() - started
    index = (tmp_path / "site" / "index.html").stat().st_size
    cells = list((tmp_path / "site" / "cells").iterdir())
    print(f"\n10k site: {len(cells)} cell pages, index {index:,} bytes, all {written:,} bytes, {took:.1f} s")
    assert len(cells) == len(report.cells) >= 10_000
    assert index <= Limits().index_bytes
    assert max(p.stat().st_size for p in cells) <= Limits().log_bytes + 200_000
    assert took < 120
    words = Page((tmp_path / "site" / "index.html").read_text(encoding="utf-8")).words
    assert "rows are left out" in words and "Every cell still has its page" in words


def test_the_index_shrinks_to_its_byte_limit(tmp_path: Path) -> None:
    series = [[cell(m, "fail" if i % 2 else "pass", set_=f"s{i}") for m in MANAGERS for i in range(60)]]
    report = runs(tmp_path, series)
    build(report, tmp_path / "big", None)
    build(report, tmp_path / "small", None, Limits(index_bytes=60_000))
    big = (tmp_path / "big" / "index.html").stat().st_size
    small = (tmp_path / "small" / "index.html").stat().st_size
    assert small <= 60_000 < big
    assert "rows are left out" in Page((tmp_path / "small" / "index.html").read_text(encoding="utf-8")).words


def test_the_readme_block_links_to_the_published_site(tmp_path: Path) -> None:
    from dataclasses import replace

    from rodeo_action.report import render

    report = runs(tmp_path, history_series(1))
    assert "the dashboard" not in render.readme_block(report)
    block = render.readme_block(replace(report, site_url="https://o.github.io/r/"))
    assert "[the dashboard](https://o.github.io/r/)" in block
    hostile = render.readme_block(replace(report, site_url="javascript:alert(1)"))
    assert "javascript" not in hostile and "the dashboard" not in hostile


def test_a_site_url_that_is_no_http_url_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rodeo_action.cli import main

    (tmp_path / "results").mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--results", "results", "--site-url", "javascript:alert(1)"]) == 2
