"""The report in a real browser at GitHub's width: no table may scroll sideways.

Each output a maintainer reads on GitHub (the markdown report, the README block, the PR comment,
the job summary) is rendered by Debian's cmark-gfm with GitHub's extensions into a page with
GitHub's table rules (``display: block; width: max-content; max-width: 100%; overflow: auto``,
16 px text, 6 px x 13 px cell padding) in a body 880 px wide: a README or PR column. Headless
Chromium loads it, a script writes each table's scrollWidth and clientWidth into the DOM, and
``--dump-dom`` hands them back. Two rodeos: the default one (16 managers, its real results in
examples/default-rodeo/results) and a synthetic 4 sets x 16 managers x 2 Pythons with a baseline.

The page's fonts are the machine's (Debian: DejaVu Sans, wider than GitHub's system fonts), so a
table that fits here fits on github.com.

Screenshots for the docs: ``.venv/bin/python -m tests.test_browser docs/img``.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from rodeo_action.config import load_config  # noqa: E402
from rodeo_action.plan import expand  # noqa: E402
from rodeo_action.report import history, render  # noqa: E402
from rodeo_action.report.build import build_report  # noqa: E402
from rodeo_action.report.collect import collect  # noqa: E402
from rodeo_action.report.model import Report  # noqa: E402

WIDTH = 880
DEFAULT = ROOT / "examples" / "default-rodeo"
WHEN = "2026-11-25T13:09:00Z"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CMARK = shutil.which("cmark-gfm")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or CMARK is None,
    reason="needs Debian's chromium and cmark-gfm (apt-get install chromium cmark-gfm; .ci/run does)")
pytestmark = pytest.mark.xdist_group("browser")   # one xdist worker: `rendered` (eight Chromium page loads) runs once

# GitHub's markdown-body rules that decide a table's width (github-markdown-css), and its fonts. The
# emoji fonts GitHub names last are left to the browser's fallback: named, Chromium on Linux draws
# digits and spaces from Noto Color Emoji (wide, spaced-out numbers).
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title><style>
html {{ background: #fff; }}
body {{ width: {width}px; margin: 0; padding: 0; color: #1f2328; font-size: 16px; line-height: 1.5;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif;
  word-wrap: break-word; }}
table {{ display: block; width: max-content; max-width: 100%; overflow: auto; border-spacing: 0;
  border-collapse: collapse; margin: 0 0 16px; font-variant: tabular-nums; }}
td, th {{ padding: 6px 13px; border: 1px solid #d1d9e0; }}
th {{ font-weight: 600; }}
tr {{ background-color: #fff; border-top: 1px solid #d1d9e0b3; }}
tr:nth-child(2n) {{ background-color: #f6f8fa; }}
pre {{ overflow: auto; padding: 16px; background: #f6f8fa; font-size: 85%; line-height: 1.45; }}
code, pre {{ font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono",
  monospace; }}
sub {{ font-size: 75%; }}
h1, h2, h3 {{ font-weight: 600; line-height: 1.25; margin: 24px 0 16px; }}
h1 {{ font-size: 2em; }} h2 {{ font-size: 1.5em; }} h3 {{ font-size: 1.25em; }}
a {{ color: #0969da; text-decoration: none; }}
p, ul, ol, details {{ margin: 0 0 16px; }}
</style></head><body>
{body}
<script>
const tables = [...document.querySelectorAll("table")].map((t, i) => {{
  const cells = [...t.querySelectorAll("td")];
  const line = parseFloat(getComputedStyle(t).lineHeight);
  const tallest = Math.max(0, ...cells.map(c => c.getBoundingClientRect().height - 13));
  return {{index: i, scrollWidth: t.scrollWidth, clientWidth: t.clientWidth, rows: t.rows.length,
           columns: t.rows.length ? t.rows[0].cells.length : 0, lines: Math.round(tallest / line)}};
}});
const out = document.createElement("pre");
out.id = "rodeo-measure";
const height = Math.ceil(document.body.getBoundingClientRect().height);   // the content, not the window
const links = [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute("href").slice(1));
const dangling = links.filter(n => !document.getElementById(n) && !document.getElementsByName(n).length);
out.textContent = JSON.stringify({{tables: tables, height: height, links: links.length, dangling: dangling}});
document.body.appendChild(out);
</script>
</body></html>
"""


@dataclass(frozen=True)
class Measured:
    """One table as the browser laid it out."""

    index: int
    scrollWidth: int
    clientWidth: int
    rows: int
    columns: int
    lines: int             # the tallest body cell, in lines of text

    @property
    def scrolls(self) -> bool:
        return self.scrollWidth > self.clientWidth


# -- the two rodeos --------------------------------------------------------------------------------

def default_report() -> Report:
    """The default rodeo's 16 managers, from the real results in examples/default-rodeo."""
    config = load_config(DEFAULT / "rodeo.yml")
    got = collect(DEFAULT / "results", expand(config))
    return build_report(got.cells, config, None, WHEN, None, got.notes)


def wide_report(tmp: Path) -> Report:
    """4 sets x 16 managers x 2 Pythons, synthetic, compared with a synthetic baseline."""
    import synthetic

    def run(seed: int, out: Path, baseline: history.Baseline | None) -> Report:
        syn = synthetic.generate(128, out, seed=seed, oses=("ubuntu-latest",), pythons=("3.12", "3.13"))
        got = collect(syn.results, syn.planned)
        return build_report(got.cells, syn.config, baseline, WHEN, "https://github.com/o/r/actions/runs/2", got.notes)

    first = run(1, tmp / "baseline", None)
    path = tmp / "baseline.json"
    path.write_text(json.dumps(history.full(first)))
    base = history.load(path, first.name)
    assert base is not None
    report = run(2, tmp / "current", base)
    assert (len(report.managers), len({r.set for r in report.rows}), len(report.rows)) == (16, 4, 8)
    return report


def outputs(report: Report) -> dict[str, str]:
    return {"report": render.markdown(report), "readme": render.readme_block(report),
            "comment": render.comment(report), "summary": render.summary(report)}


# -- rendering and measuring -----------------------------------------------------------------------

def gfm(markdown: str) -> str:
    """GitHub-flavoured markdown to HTML, as github.com renders it (tables, autolinks, raw HTML kept
    but the tag filter on)."""
    assert CMARK is not None
    done = subprocess.run([CMARK, "--extension", "table", "--extension", "autolink", "--extension",
                           "strikethrough", "--extension", "tagfilter", "--unsafe"],
                          input=markdown, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


def page(markdown: str, title: str) -> str:
    """The rendered markdown in GitHub's rules, with the script that writes the tables' widths."""
    return PAGE.format(title=htmllib.escape(title), width=WIDTH, body=gfm(markdown))


def chromium(*args: str, height: int = 2000, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--hide-scrollbars", "--force-device-scale-factor=1", f"--user-data-dir={profile}",
             f"--window-size={WIDTH},{height}", *args],
            capture_output=True, text=True, timeout=timeout)


@dataclass(frozen=True)
class Page:
    """A rendered page: its tables, its height, its in-page links and those that lead nowhere."""

    tables: list[Measured]
    height: int
    links: int
    dangling: list[str]


def measure(html_file: Path) -> Page:
    """Each table's widths as laid out at 880 px, the page's height, its in-page links."""
    done = chromium("--dump-dom", html_file.as_uri())
    found = re.search(r'<pre id="rodeo-measure">(.*?)</pre>', done.stdout, re.S)
    assert found, f"chromium wrote no measurement (exit {done.returncode}): {done.stderr[-2000:]}"
    data = json.loads(htmllib.unescape(found.group(1)))
    return Page([Measured(**t) for t in data["tables"]], int(data["height"]), int(data["links"]),
                list(data["dangling"]))


def screenshot(html_file: Path, png: Path, height: int) -> tuple[int, int]:
    """A PNG of the page (without the measuring script), ``height`` px tall."""
    shown = html_file.with_name(html_file.stem + "-shown.html")
    shown.write_text(re.sub(r"(?s)<script>.*?</script>\n", "", html_file.read_text(encoding="utf-8")),
                     encoding="utf-8")
    done = chromium(f"--screenshot={png}", shown.as_uri(), height=height)
    assert png.is_file(), f"no screenshot (exit {done.returncode}): {done.stderr[-2000:]}"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, high = struct.unpack(">II", data[16:24])
    return width, high


def laid_out(markdown: str, folder: Path, name: str) -> tuple[Path, Page]:
    html_file = folder / f"{name}.html"
    html_file.write_text(page(markdown, name), encoding="utf-8")
    return html_file, measure(html_file)


# -- the tests --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Page]]:
    tmp = tmp_path_factory.mktemp("browser")
    out = {}
    for rodeo, report in (("default", default_report()), ("wide", wide_report(tmp))):
        for name, text in outputs(report).items():
            out[f"{rodeo}-{name}"] = laid_out(text, tmp, f"{rodeo}-{name}")
    return out


@needs_browser
@pytest.mark.parametrize("rodeo", ["default", "wide"])
@pytest.mark.parametrize("output", ["report", "readme", "comment", "summary"])
def test_no_table_scrolls_sideways_at_880_px(rendered: dict[str, tuple[Path, Page]], rodeo: str,
                                             output: str) -> None:
    tables = rendered[f"{rodeo}-{output}"][1].tables
    assert tables, "no table was rendered"
    wide = [t for t in tables if t.scrolls]
    assert not wide, f"{rodeo} {output}: tables wider than {WIDTH} px: {wide}"
    assert all(t.clientWidth <= WIDTH for t in tables)
    # and a cell reads on one line (a line or two for a header), not over four or five
    assert max(t.lines for t in tables) <= 1, tables


@needs_browser
def test_the_measure_catches_a_table_that_scrolls(tmp_path: Path) -> None:
    """The old layout of the default rodeo: one row, sixteen manager columns of long cells."""
    cells = " | ".join(f"❌ install: manager-broken (tool{i})" for i in range(16))
    head = "| set | " + " | ".join(f"m{i}" for i in range(16)) + " |\n|" + "---|" * 17
    markdown = f"{head}\n| all | {cells} |\n"
    shown = laid_out(markdown + '\n[gone](#rodeo-nope) [here](#rodeo-x)\n\n<a name="rodeo-x"></a>x\n', tmp_path,
                     "old")[1]
    tables = shown.tables
    assert len(tables) == 1 and tables[0].scrolls and tables[0].scrollWidth > WIDTH and tables[0].lines >= 4
    assert shown.links == 2 and shown.dangling == ["rodeo-nope"]


@needs_browser
@needs_browser
@pytest.mark.parametrize("rodeo", ["default", "wide"])
@pytest.mark.parametrize("output", ["report", "comment", "summary"])
def test_each_failure_links_to_its_details_in_the_page(rendered: dict[str, tuple[Path, Page]], rodeo: str,
                                                        output: str) -> None:
    shown = rendered[f"{rodeo}-{output}"][1]
    assert shown.links >= (6 if rodeo == "default" else 20) and shown.dangling == []


@needs_browser
def test_screenshots_are_drawn(rendered: dict[str, tuple[Path, Page]], tmp_path: Path) -> None:
    for name in ("default-readme", "wide-comment"):
        html_file, shown = rendered[name]
        height = shown.height
        size = screenshot(html_file, tmp_path / f"{name}.png", min(height, 1600))
        assert size == (WIDTH, min(height, 1600))
        assert (tmp_path / f"{name}.png").stat().st_size > 20_000        # drawn, not a blank page


def main(argv: list[str]) -> int:
    """Write the docs' screenshots (docs/img/report-default.png, report-wide.png) and print the widths."""
    if CHROMIUM is None or CMARK is None:
        print("needs chromium and cmark-gfm", file=sys.stderr)
        return 2
    folder = Path(argv[0]) if argv else ROOT / "docs" / "img"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for rodeo, report, output in (("default", default_report(), "readme"),
                                      ("wide", wide_report(Path(tmp)), "comment")):
            html_file, shown = laid_out(outputs(report)[output], Path(tmp), f"{rodeo}-{output}")
            height = shown.height
            widths = ", ".join(f"{t.scrollWidth}/{t.clientWidth} px" for t in shown.tables)
            size = screenshot(html_file, folder / f"report-{rodeo}.png", min(height + 24, 1400))
            print(f"{rodeo} {output}: tables {widths}; screenshot {size[0]}x{size[1]} -> report-{rodeo}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
