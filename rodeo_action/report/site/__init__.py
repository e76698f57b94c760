"""``rodeo report --html DIR``: the report as a self-contained static site.

``index.html`` (the matrix with filters, the changes, per-manager trend charts) and one page per cell
(``cells/<id>.html``: status, cause, the log lines that carry it, the full log, the lock, the repro).
No page loads anything from anywhere else, links are relative (file:// and GitHub Pages alike), and
sizes are bounded (:class:`~.pages.Limits`). :func:`build` writes it; :mod:`.pages` makes the pages
(pure but for reading each cell's log from the results folder), :mod:`.write` puts them on disk.
"""

from __future__ import annotations

from pathlib import Path

from rodeo_action.report.model import Report
from rodeo_action.report.site.pages import Limits, page_name, pages
from rodeo_action.report.site.write import write


def build(report: Report, folder: Path, results: Path | None, limits: Limits | None = None) -> int:
    """Write the site of ``report`` into ``folder`` (logs read from ``results``); returns the bytes written."""
    return write(pages(report, results, limits), folder)


__all__ = ["Limits", "build", "page_name", "pages", "write"]
