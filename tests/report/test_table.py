"""The markdown table at GitHub's width: which layout, what folds, short cells, links, the legend.

(The browser measures the real thing in tests/test_browser.py; these pin the rules.)
"""

from __future__ import annotations

from dataclasses import replace

from rodeo_action.report import render
from rodeo_action.report import table as T
from rodeo_action.report import view as V
from rodeo_action.report.model import Report
from rodeo_action.results import Cause
from tests.report.test_svg import cell, report

NB = "\u00a0"
MANAGERS = ("pip", "uv", "poetry", "pdm", "pipenv", "hatch", "conda", "mamba", "micromamba", "pixi", "nix",
            "mach-nix", "poetry2nix", "uv2nix", "spack", "apt")


def default_like() -> Report:
    """One set, sixteen managers: five unavailable, six failing, five passing (the default rodeo's shape)."""
    cells = []
    for i, m in enumerate(MANAGERS):
        if m in ("conda", "mamba", "micromamba", "pixi", "spack"):
            cells.append(cell(m, status="unavailable", note=f"{m} not found on PATH"))
        elif i % 2:
            cells.append(cell(m, status="fail", phase="install", cause=Cause("manager-broken", "boom", m)))
        else:
            cells.append(cell(m, seconds=75.4))
    return report(cells)


def test_text_width_estimate_is_monotonic_and_counts_emoji_wide() -> None:
    assert T.text_px("") == 0
    assert T.text_px("mmmm") > T.text_px("iiii")
    assert T.text_px("✅") >= 20
    assert T.text_px("no-matching-distribution") > T.text_px("network")
    assert T.column_px(["a\nlonger line", "x"]) == T.text_px("longer line") + T.CELL_PAD_PX


def test_short_cells() -> None:
    assert T.short(cell("uv", seconds=75.4)) == f"✅{NB}75{NB}s"
    assert T.short(cell("uv", seconds=600)) == f"✅{NB}10{NB}min"
    failing = cell("pdm", status="fail", phase="install", cause=Cause("manager-broken", "pdm crashed", "pdm"))
    assert T.short(failing) == f"❌{NB}manager-broken"
    assert T.short(failing, "🔻") == f"🔻{NB}❌{NB}manager-broken"
    assert T.short(cell(status="fail", phase="import")) == f"❌{NB}import"
    assert T.short(cell(status="timeout")) == f"⏱{NB}timeout"
    assert T.short(cell(status="error", cause=Cause("unknown", "x"))) == f"💥{NB}error"
    assert T.short(cell(status="n/a")) == "n/a"
    assert T.short(None) == "—"


def test_the_default_rodeo_turns_and_folds_what_did_not_run() -> None:
    rep = default_like()
    view = V.of(rep)
    choice = view.layout(True)
    assert [t.transposed for t in choice.tables] == [True]
    (table,) = choice.tables
    assert table.headers == ("manager", "all")
    # without a config, managers come by name
    assert [line.heads[0] for line in table.lines] == sorted(m for m in MANAGERS if m not in
                                                             ("conda", "mamba", "micromamba", "pixi", "spack"))
    assert choice.shape.folded == (("not on this host", ("conda", "mamba", "micromamba", "pixi", "spack")),)
    assert view.folded() == "Not run here: conda, mamba, micromamba, pixi, spack — not on this host."
    assert T.width(table, view.short) <= T.PAGE_PX
    # the same cells as managers-as-columns would not fit
    assert T.width(T.by_set(rep, choice.shape, rep.rows), view.short) > T.PAGE_PX


def test_a_few_managers_keep_sets_as_rows() -> None:
    cells = [cell(m, set_=s) for m in ("pip", "uv") for s in ("a", "b", "c")]
    choice = V.of(report(cells)).layout(True)
    assert [(t.transposed, t.headers) for t in choice.tables] == [(False, ("set", "pip", "uv"))]
    assert [line.heads for line in choice.tables[0].lines] == [("a",), ("b",), ("c",)]


def test_too_wide_even_turned_splits_by_set() -> None:
    long = Cause("no-matching-distribution", "x", "p")
    cells = [cell(m, set_=f"set{s}", python=py, status="fail", phase="install", cause=long)
             for m in MANAGERS for s in range(4) for py in ("3.12", "3.13")]
    view = V.of(report(cells))
    choice = view.layout(True)
    assert len(choice.tables) > 1
    for t in choice.tables:
        assert T.width(t, view.short) <= T.PAGE_PX
        sets = {h.split("\n")[0] for h in t.headers[1:]}
        assert len(sets) == 1 or t is choice.tables[-1]            # whole sets together
    columns = [h for t in choice.tables for h in t.headers[1:]]
    assert columns == [f"set{s}\npy{py}" for s in range(4) for py in ("3.12", "3.13")]    # each column once
    assert all(len(t.lines) == len(MANAGERS) for t in choice.tables)


def test_a_cut_table_keeps_only_lines_with_a_failure_or_a_change() -> None:
    view = V.of(default_like())
    cut = view.layout(False)
    assert cut.total == 11 and cut.shown == 6
    assert all(any(c is not None and c.status == "fail" for c in line.cells) for t in cut.tables for line in t.lines)


def test_failures_link_to_their_details_or_their_job() -> None:
    failing = replace(cell("pdm", status="fail", phase="install", cause=Cause("build-failed", "x", "numpy")))
    assert failing.result is not None
    with_url = replace(failing, result=replace(failing.result, run_url="https://github.com/o/r/actions/runs/1"))
    view = V.of(report([with_url, cell("uv")]))
    here = view.cell_md(with_url, frozenset({with_url.id}))
    assert here == f"[❌{NB}build\\-failed](#{T.anchor(with_url.id)})".replace("\\-", "-")
    assert view.cell_md(with_url, frozenset()) == f"[❌{NB}build-failed](https://github.com/o/r/actions/runs/1)"
    assert view.cell_md(cell("uv"), frozenset({cell("uv").id})) == f"✅{NB}14{NB}s"       # a pass links nowhere
    assert T.link("x", "javascript:alert(1)") == "x" and T.link("x", "#a b") == "x"


def test_anchors_are_safe_and_distinct() -> None:
    assert T.anchor("uv-all-ubuntu-latest-py3.12") == "rodeo-uv-all-ubuntu-latest-py3-12"
    odd = T.anchor('uv-"><script>-py3.12')
    assert set(odd) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    assert T.anchor("a b") != T.anchor("a/b")


def test_the_legend_names_only_what_occurs() -> None:
    text = render.markdown(default_like())
    legend = next(line for line in text.splitlines() if line.startswith("<sub>"))
    assert "✅ passed" in legend and "❌ failed" in legend
    for absent in ("⏱", "💥", "missing", "unavailable", "n/a", "🔻", "🎉", "not planned"):
        assert absent not in legend, absent


def test_the_scoreboard_is_left_out_when_it_repeats_the_table() -> None:
    assert "Scoreboard" not in render.markdown(default_like())
    two = report([cell("uv", set_=s) for s in ("a", "b")] + [cell("pip", set_="a")])
    assert "### Scoreboard" in render.markdown(two)


def test_the_headline_answers_first() -> None:
    text = render.markdown(default_like())
    assert text.split("\n\n")[1] == "**5 of 11 managers install the whole set**: nix, pip, pipenv, poetry, " \
                                    "poetry2nix."
    assert "5 of 11 cells pass (6 ❌ fail) · not run: 5 unavailable — 2025-06-01 12:34 UTC" in text
    sets = report([cell("uv", set_="a"), cell("uv", set_="b", status="fail", cause=Cause("unknown", "x")),
                   cell("pip", set_="a"), cell("pip", set_="b")])
    assert "**1 of 2 managers installs every set it ran on** (a: 2 of 2 · b: 1 of 2)." in render.markdown(sets)
    nothing = report([cell("uv", status="unavailable")])
    assert "**Nothing ran.**" in render.markdown(nothing)


def test_not_planned_cells_show_a_dash_and_say_so() -> None:
    rep = report([cell("uv", set_="a"), cell("pip", set_="b")])
    text = render.markdown(rep)
    assert "| set | pip | uv |" in text
    assert "| a | — | ✅\u00a014\u00a0s |" in text and "| b | ✅\u00a014\u00a0s | — |" in text
    assert "— not planned" in text
