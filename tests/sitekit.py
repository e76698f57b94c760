"""Reports with a history, made as the Action makes them: each run's ``--json`` is the next run's
``--baseline`` (history.full_json written, history.read back). Shared by tests/report/test_site.py and
tests/test_site_browser.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

from rodeo_action.config import Config
from rodeo_action.report import history
from rodeo_action.report.build import build_report
from rodeo_action.report.model import CellView, Report
from rodeo_action.results import Cause, CellInfo, Result


def cell(manager: str, status: str = "pass", *, set_: str = "all", os: str = "ubuntu-latest",
         python: str = "3.12", seconds: float = 20.0, cause: Cause | None = None, log: str = "",
         packages: tuple[str, ...] = ("numpy",), repro: str = "", cid: str | None = None) -> CellView:
    """A cell with a result (``missing`` has none)."""
    cid = cid or f"{manager}-{set_}-{os}-py{python}"
    if status == "missing":
        return CellView(cid, manager, set_, os, python, status)
    if status in ("fail", "timeout", "error") and cause is None:
        cause = Cause("build-failed", f"{packages[0]} failed to build", packages[0])
    result = Result(CellInfo(cid, manager, set_, os, python, packages), status,
                    phase="install" if cause else None, cause=cause,
                    durations={"install": seconds * 0.8, "import": seconds * 0.2}, log_tail=log,
                    repro=repro or f"{manager} install {' '.join(packages)}", manager_version=f"{manager} 1.0")
    return CellView(cid, manager, set_, os, python, status, result=result, source=f"{cid}.json")


def runs(tmp: Path, series: Sequence[Sequence[CellView]], config: Config | None = None) -> Report:
    """The last run's Report, each run compared with the one before through a --json on disk."""
    base: history.Baseline | None = None
    report: Report | None = None
    for i, cells in enumerate(series):
        report = build_report(list(cells), config, base, f"2026-12-{i + 1:02d}T05:00:00Z",
                              f"https://github.com/o/r/actions/runs/{i + 1}")
        path = tmp / f"run{i}.json"
        path.write_text("".join(history.full_json(report)), encoding="ascii")
        base, why = history.read(path, report.name)
        assert base is not None, why
    assert report is not None
    return report


class Page(HTMLParser):
    """What a page holds: its elements (tag, attributes), its text, its scripts' and styles' text."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.elements if t == name]

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())
