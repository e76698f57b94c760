"""The picture: the SVG matrix.

The SVG must stay a well-formed, inert document whatever a package, a log or a config holds, so
it is parsed (ElementTree) rather than string-matched, and hostile strings are property-tested.
One test renders it with a real SVG renderer (rsvg-convert, Debian's librsvg2-bin).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rodeo_action.report import svg
from rodeo_action.report.build import build_report
from rodeo_action.report.collect import collect
from rodeo_action.report.model import STATUSES, CellView, Report
from rodeo_action.results import Cause, CellInfo, Result

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import synthetic

NS = "{http://www.w3.org/2000/svg}"
ALLOWED_TAGS = {"svg", "title", "defs", "pattern", "rect", "line", "g", "text"}
AT = "2025-06-01T12:34:56Z"


def cell(manager: str = "uv", set_: str = "all", os: str = "ubuntu-24.04", python: str = "3.12",
         status: str = "pass", *, cause: Cause | None = None, phase: str | None = None,
         note: str | None = None, seconds: float = 14.0, cid: str | None = None) -> CellView:
    cid = cid or f"{manager}-{set_}-{os}-py{python}"
    result = None
    if status not in ("missing",) and not (status == "error" and cause is None):
        info = CellInfo(cid, manager, set_, os, python, ("numpy",))
        result = Result(info, status if status != "missing" else "pass", phase=phase, cause=cause,
                        durations={"install": seconds})
    return CellView(cid, manager, set_, os, python, status, result=result, note=note)


def report(cells: list[CellView], name: str | None = "demo") -> Report:
    return replace(build_report(cells, None, None, AT, None), name=name)


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)


def cell_groups(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{NS}g") if g.find(f"{NS}title") is not None]


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def assert_inert(root: ET.Element) -> None:
    """No scripts, links, external references or event handlers anywhere."""
    for el in root.iter():
        tag = el.tag.removeprefix(NS)
        assert tag in ALLOWED_TAGS, tag
        for key, value in el.attrib.items():
            assert "href" not in key.lower(), key
            assert not key.lower().startswith("on"), key
            assert "http" not in value.lower() and "javascript" not in value.lower(), (key, value)
            if value.startswith("url("):
                assert value == "url(#rodeo-hatch)", value


def mixed() -> list[CellView]:
    return [
        cell("pip", status="pass"),
        cell("uv", status="pass", seconds=130),
        cell("pdm", status="fail", phase="install",
             cause=Cause("missing-system-library", "geos_c.h: No such file", "shapely")),
        cell("poetry", status="timeout", phase="install", cause=Cause("timeout", "ran out of time")),
        cell("hatch", status="error", note="hatch.json is not JSON (truncated?)"),
        cell("pipenv", status="missing", note="no result: the job was cancelled"),
        cell("conda", status="unavailable", note="conda could not be set up"),
        cell("apt", status="n/a", note="apt does not run on macos-14"),
    ]


# --- SVG --------------------------------------------------------------------------------------------

def test_svg_is_inert_well_formed_and_has_one_hover_per_cell() -> None:
    rep = report(mixed())
    root = parse(svg.render(rep))
    assert root.tag == f"{NS}svg"
    assert_inert(root)
    groups = cell_groups(root)
    assert len(groups) == len(rep.cells)
    hovers = {g.findtext(f"{NS}title") for g in groups}
    assert "pdm-all-ubuntu-24.04-py3.12: fail — install: missing-system-library (shapely): geos_c.h: No such file" \
        in hovers
    assert "poetry-all-ubuntu-24.04-py3.12: timeout — install: timeout: ran out of time" in hovers
    assert "uv-all-ubuntu-24.04-py3.12: pass — 130.0 s" in hovers
    assert "hatch-all-ubuntu-24.04-py3.12: error — hatch.json is not JSON (truncated?)" in hovers


def test_svg_colours_each_status_and_draws_a_legend() -> None:
    rep = report(mixed())
    root = parse(svg.render(rep))
    fills = {}
    for g in cell_groups(root):
        rect = g.find(f"{NS}rect")
        assert rect is not None
        fills[(g.findtext(f"{NS}title") or "").split(":")[1].split()[0]] = rect.get("fill")
    assert fills == {s: svg.STYLES[s].fill for s in STATUSES}
    missing = [g.find(f"{NS}rect") for g in cell_groups(root) if ": missing —" in (g.findtext(f"{NS}title") or "")]
    assert missing[0] is not None and missing[0].get("stroke-dasharray")
    legend = " ".join(texts(root))
    for s in STATUSES:
        assert f"{svg.STYLES[s].legend} {2 if s == 'pass' else 1}" in legend
    assert "2 min" in texts(root) and "14 s" in texts(root)   # pass cells show their duration, as the table does


def test_svg_title_names_the_rodeo_and_the_date() -> None:
    root = parse(svg.render(report(mixed())))
    shown = texts(root)
    assert "rodeo: demo" in shown
    # the markdown's count and words: errors ran, what did not run is named apart
    assert "2025-06-01 12:34 UTC · 2 of 5 cells pass · not run: 1 missing, 1 unavailable, 1 n/a" in shown
    one = parse(svg.render(report([cell("uv"), cell("pip", status="fail", cause=Cause("unknown", "x"))])))
    assert "2025-06-01 12:34 UTC · 1 of 2 cells passes" in texts(one)


def test_svg_wide_matrix_scales_down_to_readme_width() -> None:
    managers = [f"manager-{i:02d}" for i in range(40)]
    rep = report([cell(m) for m in managers])
    root = parse(svg.render(rep))
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    _, _, vb_w, vb_h = (float(v) for v in root.get("viewBox", "").split())
    assert width == svg.MAX_WIDTH and vb_w > width
    assert abs(height / width - vb_h / vb_w) < 0.01          # same aspect: scaled, not cropped


def test_svg_small_matrix_is_drawn_at_natural_size() -> None:
    root = parse(svg.render(report(mixed())))
    assert root.get("viewBox", "").split()[2] == root.get("width")


def test_svg_caps_tall_matrices_and_keeps_failing_rows() -> None:
    cells = [cell("uv", set_=f"set{i:03d}", status="fail" if i in (7, 180) else "pass",
                  cause=Cause("unknown", "boom") if i in (7, 180) else None) for i in range(200)]
    rep = report(cells)
    root = parse(svg.render(rep))
    hovers = [g.findtext(f"{NS}title") or "" for g in cell_groups(root)]
    assert len(hovers) == svg.MAX_ROWS
    assert any(h.startswith("uv-set180-") for h in hovers) and any(h.startswith("uv-set007-") for h in hovers)
    assert f"+{200 - svg.MAX_ROWS} more rows not shown" in texts(root)


def test_shown_rows_reports_hidden_failures() -> None:
    cells = [cell("uv", set_=f"s{i:03d}", status="fail", cause=Cause("unknown", "x")) for i in range(60)]
    rows, hidden, hidden_failing = svg.shown_rows(report(cells).rows, 50)
    assert (len(rows), hidden, hidden_failing) == (50, 10, 10)
    assert [r.set for r in rows] == sorted(r.set for r in rows)


def test_svg_of_an_empty_report_is_still_a_picture() -> None:
    root = parse(svg.render(report([], name=None)))
    assert_inert(root)
    assert cell_groups(root) == []


def test_svg_long_labels_are_truncated_not_overflowing() -> None:
    rep = report([cell("m" * 80, set_="s" * 200, os="o" * 100, python="3." + "9" * 40)])
    root = parse(svg.render(rep))
    assert all(len(t) <= 60 for t in texts(root))
    assert float(root.get("width", "0")) <= svg.MAX_WIDTH


HOSTILE = st.lists(st.sampled_from(['<', '>', '&', '"', "'", "]]>", "<!--", "<script>", "\x00", "\x0b", "\ufffe",
                                    "\u202e", "\n", "\r", " ", "a", "é", "😀", "javascript:", "http://x/", "&amp;",
                                    "\ud7ff", "\t", "<![CDATA["]), max_size=20).map("".join) | st.text(max_size=60)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(package=HOSTILE, summary=HOSTILE, set_=HOSTILE, os=HOSTILE, manager=HOSTILE, note=HOSTILE, name=HOSTILE)
def test_svg_survives_hostile_strings(package: str, summary: str, set_: str, os: str, manager: str,
                                      note: str, name: str) -> None:
    cells = [cell(manager or "m", set_=set_, os=os, status="fail", phase="install",
                  cause=Cause("build-failed", summary, package or None), cid="c1"),
             cell("uv", set_=set_, os="linux", status="missing", note=note, cid="c2")]
    rep = replace(build_report(cells, None, None, name, None), name=name)   # hostile date and rodeo name
    text = svg.render(rep)
    root = parse(text)
    assert_inert(root)
    hovers = [g.findtext(f"{NS}title") or "" for g in cell_groups(root)]
    assert len(hovers) == 2
    fail = next(h for h in hovers if h.startswith("c1: fail — install: build-failed"))
    if len(fail) < svg.HOVER_CHARS - 1:                  # not cut: the summary is there, intact
        expect = svg.shown(summary).replace("\r\n", "\n").replace("\r", "\n")
        assert fail.endswith(": " + expect)


def test_clean_removes_what_xml_cannot_carry() -> None:
    assert svg.clean('a<b>&"c"]]>\x00\x1b\ufffe\u202e') == "a&lt;b&gt;&amp;&quot;c&quot;]]&gt;\ufffd\ufffd\ufffd\ufffd"
    ET.fromstring(f"<t>{svg.clean(chr(0xDC00) + 'x')}</t>")     # a lone surrogate too
    # C1 controls and DEL (XML carries them) and bidi marks too; tokens redacted, schemes broken
    assert svg.clean("a\x7f\x85\u200f gh\x00p_" + "A" * 36 + " ghp_" + "B" * 36 + " javascript:x") == \
        "a\ufffd\ufffd\ufffd gh\ufffdp_" + "A" * 36 + " [REDACTED] javascript\u200b:x"


def test_svg_of_a_synthetic_rodeo(tmp_path: Path) -> None:
    syn = synthetic.generate(288, tmp_path / "results")
    got = collect(syn.results, syn.planned)
    rep = build_report(got.cells, syn.config, None, AT, None, got.notes)
    root = parse(svg.render(rep))
    assert_inert(root)
    assert len(cell_groups(root)) == 288
    assert len(rep.managers) == 16 and len(rep.rows) == 18


# --- contrast and change marks -------------------------------------------------------------------

def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i: i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#2da44e", "#ffffff"), 2) == 3.22          # the old pass green: too pale for white text
    assert contrast("#777777", "#777777") == 1.0


def grounds(fill: str) -> list[str]:
    """What a text over a shape of ``fill`` may stand on: the hatch's paper and its stripes."""
    return [svg.PAPER, svg.HATCH_LINE] if fill == "url(#rodeo-hatch)" else [fill]


def changed_report() -> Report:
    """Every status, and a regression and a fix since a baseline."""
    from rodeo_action.report import history

    before = [cell("pip", status="fail", phase="install", cause=Cause("build-failed", "x")), cell("uv")]
    base = history.from_markdown(history.digest(build_report(before, None, None, AT, None)), None, "digest")
    assert base is not None
    now = [*(c for c in mixed() if c.manager not in ("pip", "uv")), cell("pip"),
           cell("uv", status="fail", phase="install", cause=Cause("conflict", "y"))]
    return replace(build_report(now, None, base, AT, None), name="demo")


def test_every_text_of_the_svg_reads_at_4_5_to_1() -> None:
    """Each <text>: its fill against the rect it is drawn in (a cell), else the white page."""
    root = parse(svg.render(changed_report()))
    pairs = set()
    for g in root.iter(f"{NS}g"):
        rect = g.find(f"{NS}rect")
        for t in g.iter(f"{NS}text"):
            assert rect is not None
            pairs.update((t.get("fill", ""), ground) for ground in grounds(rect.get("fill", "")))
    in_cells = {id(t) for g in root.iter(f"{NS}g") for t in g.iter(f"{NS}text")}
    pairs.update((t.get("fill", ""), svg.PAPER) for t in root.iter(f"{NS}text") if id(t) not in in_cells)
    statuses_drawn = {STYLES_BY_FILL.get(rect.get("fill", "")) for g in root.iter(f"{NS}g")
                      if (rect := g.find(f"{NS}rect")) is not None}
    assert statuses_drawn >= set(STATUSES)                       # every style was tried
    low = {(ink, ground, round(contrast(ink, ground), 2)) for ink, ground in pairs if contrast(ink, ground) < 4.5}
    assert not low, low
    # and every style, drawn or not, including the fallback
    for style in [*svg.STYLES.values(), svg.UNKNOWN]:
        for ground in grounds(style.fill):
            assert contrast(style.ink, ground) >= 4.5, (style, ground)


STYLES_BY_FILL = {style.fill: status for status, style in svg.STYLES.items()}


def test_regressions_and_fixes_are_marked_by_a_symbol() -> None:
    rep = changed_report()
    assert {c.kind for c in rep.changes} >= {"regression", "fix"}
    root = parse(svg.render(rep))
    by_id = {(g.findtext(f"{NS}title") or "").split(":")[0]: g.findtext(f"{NS}text") or "" for g in cell_groups(root)}
    assert by_id["uv-all-ubuntu-24.04-py3.12"] == "▼ fail"
    assert by_id["pip-all-ubuntu-24.04-py3.12"] == "▲ 14 s"
    assert not any(t.startswith(("▼", "▲")) for cid, t in by_id.items() if "-all-" in cid and
                   not cid.startswith(("uv-", "pip-")))
    legend = texts(root)
    assert "▼ regressed since the last run 1" in legend and "▲ fixed since the last run 1" in legend
    plain = parse(svg.render(report(mixed())))
    assert not any("▼" in t or "▲" in t for t in texts(plain))    # no change, no mark


# --- a real renderer ----------------------------------------------------------------------------------

def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.skipif(shutil.which("rsvg-convert") is None,
                    reason="rsvg-convert not installed (apt-get install librsvg2-bin)")
def test_rsvg_renders_the_synthetic_matrix(tmp_path: Path) -> None:
    syn = synthetic.generate(288, tmp_path / "results")
    got = collect(syn.results, syn.planned)
    text = svg.render(build_report(got.cells, syn.config, None, AT, None, got.notes))
    src, png = tmp_path / "matrix.svg", tmp_path / "matrix.png"
    src.write_text(text, encoding="utf-8")
    done = subprocess.run(["rsvg-convert", "-o", str(png), str(src)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    root = parse(text)
    assert _png_size(png) == (round(float(root.get("width", "0"))), round(float(root.get("height", "0"))))
    assert png.stat().st_size > 20_000              # a drawn matrix, not a blank page
