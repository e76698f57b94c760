"""``rodeo report --preview DIR``: what publishing would write, as files to read before it does.

Offline: no token, no request. The README block, the PR comment and the job summary are rendered as
:mod:`.publish` renders them; the issues come from the same pure plan (:func:`.issueplan.plan`) that
``--issues`` carries out, against no open issues (offline none are known: the preview shows what a
first run would file; ``--issues --dry-run`` reads the open ones from GitHub and says what it would
update and close). Each culprit's report for its own tracker is written too: the prefilled link its
issue carries, with the title and body the link opens.

:func:`build` is pure (relative path -> text); :func:`write` is the edge. The folder is the user's:
files are written into it (created when missing), nothing in it is removed; ``index.md`` lists what
this preview wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rodeo_action.config import Config, ReportSettings
from rodeo_action.github.issueplan import File, Hold, Tally, plan
from rodeo_action.report import history, issuetext, render
from rodeo_action.report.escape import URL_CHARS, md
from rodeo_action.report.history import Baseline
from rodeo_action.report.model import Culprit, Report
from rodeo_action.report.templates import Settings
from rodeo_action.results import OutputError, write_atomic


@dataclass(frozen=True)
class Preview:
    """The files of a preview, by path relative to its folder (``index.md`` last), and the plan's tally."""

    files: dict[str, str] = field(default_factory=dict)
    tally: Tally = Tally()


def slug(key: str) -> str:
    """A culprit key as a file name: ``manager:pdm`` -> ``manager_pdm``, ``cell:apt/x`` -> ``cell_apt_x``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", key).strip("._") or "culprit"


def _upstream_file(report: Report, culprit: Culprit, settings: Settings, filed_on: str | None) -> tuple[str, str]:
    """(the file's text, its index line) of a culprit's upstream report: the title on the first line, then
    where it goes (the prefilled link, the tracker, or the repository ``upstream: true`` files it on), then
    the body."""
    if filed_on is not None:
        title, body = issuetext.upstream_issue(report, culprit, settings)
        return (f"{title}\nfiled by rodeo on {filed_on} with the issue (upstream: true)\n\n{body}\n",
                f"filed on {md(filed_on, 200)} with the issue (`upstream: true`)")
    found = issuetext.upstream_prefill(report, culprit, settings)
    if found is None:
        return "", ""
    if not found.body:                   # a tracker off GitHub: nothing can be prefilled, the report is to paste
        title, body = issuetext.upstream_issue(report, culprit, settings)
        return (f"{title}\n{found.url}\n\n{body}\n",
                f"to paste into {md(culprit.tracker or '', 200)} (not on GitHub: nothing prefilled)")
    return (f"{found.title}\n{found.url}\n\n{found.body}\n",
            f"the issue's prefilled link to {md(culprit.tracker or '', 200)} ({len(found.url):,} characters, "
            f"at most {URL_CHARS:,})")


def _issues(report: Report, settings: ReportSettings, render_settings: Settings, repository: str,
            files: dict[str, str], lines: list[str]) -> Tally:
    """The issues the plan would file (and their upstream reports) into ``files``, said in ``lines``."""
    if not settings.issues.enabled:
        lines.append("- no issues: `report.issues.enabled` is false in the config")
        return Tally()
    actions = plan(report, {}, settings.issues, render_settings, repository)
    names: set[str] = set()
    for action in actions:
        if not isinstance(action, File):
            continue                     # offline no issue is open: nothing to update or close
        culprit = action.culprit
        name = base = slug(culprit.key)
        n = 1
        while name in names:             # two keys of one slug (``cell:a/b``, ``cell:a_b``) keep two files
            n += 1
            name = f"{base}-{n}"
        names.add(name)
        files[f"issues/{name}.md"] = f"{action.title}\n{action.body}"
        lines.append(f"- `issues/{name}.md`: the issue that would be filed for {md(culprit.key, 250)}")
        up = action.upstream
        text, said = _upstream_file(report, culprit, render_settings, up.repo if up is not None else None)
        if text:
            files[f"upstream/{name}.md"] = text
            lines.append(f"  - `upstream/{name}.md`: {said}")
        elif not issuetext.reportable(culprit) and culprit.cause is not None:
            lines.append(f"  - not for upstream: {md(culprit.cause.kind)} is a problem of where the cells ran")
        elif not culprit.tracker:
            lines.append("  - no upstream report: no tracker is known for it (a package's `tracker:` in the config "
                         "names one)")
    lines += [f"- held back, not filed: {md(a.key, 250)} ({md(a.why, 200)})" for a in actions if isinstance(a, Hold)]
    return Tally.of(actions)


def build(report: Report, config: Config | None, render_settings: Settings, repository: str = "",
          baseline: str = "none") -> Preview:
    """Every file of the preview. ``repository`` (OWNER/REPO, when known) is never filed upstream on;
    ``baseline`` says in words what the report was compared with."""
    settings = config.report if config is not None else ReportSettings()
    files = {"readme.md": render.readme_block(report, render_settings),
             "comment.md": render.comment(report, render_settings),
             "summary.md": render.summary(report, render_settings)}
    readme = (f"the block that would go between the markers of {md(settings.readme, 200)}" if settings.readme
              else "the README block (`report.readme` is off: nothing would be committed)")
    comment = "the sticky pull-request comment" + (" (`report.comment` is off: not posted)"
                                                   if settings.comment == "off" else "")
    lines = [f"- `readme.md`: {readme}", f"- `comment.md`: {comment}", "- `summary.md`: the job summary"]
    tally = _issues(report, settings, render_settings, repository, files, lines)
    files["index.md"] = "\n".join([
        "# rodeo report --preview", "",
        "What `rodeo report --readme --comment --issues --summary` would publish from these results, rendered "
        "offline (no token, no request to GitHub).", "",
        f"Baseline: {md(baseline, 300)}.", "",
        *lines, "",
        f"Issues a first run would make: {tally.line()}. No open issues are known offline, so these are the "
        "issues a first run would file; which ones it would update or close instead depends on the open issues: "
        "`rodeo report --issues "
        "--dry-run` reads them from GitHub. An issue file holds its title on the first line, then its body; an "
        "upstream file its title, then where it goes, then its body.", "",
        "Files of an earlier preview that this list does not name were left as they were.", ""])
    return Preview(files, tally)


def local_baseline(config: Config | None, here: Path) -> tuple[Baseline | None, str]:
    """The baseline a preview without ``--baseline`` uses: this rodeo's digest in the README here (the file
    ``report.readme`` names, from ``here``), as ``--readme`` would read it on GitHub; and it in words."""
    name = config.report.readme if config is not None else ReportSettings().readme
    if not name:
        return None, "none (no --baseline, and `report.readme` is off): no changes shown"
    base, why = history.read(here / name, config.name if config is not None else None)
    if base is None:
        return None, f"none (no --baseline; {name} here: {why}): no changes shown"
    return base, f"the digest in {name} here (as --readme reads it on GitHub)"


def write(preview: Preview, folder: Path) -> list[Path]:
    """Write the preview into ``folder`` (made when missing); a path that is not a folder is refused."""
    if folder.exists() and not folder.is_dir():
        raise OutputError(folder, "is a file; --preview expects a folder (it is created when missing)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(folder, f"cannot be made ({exc.strerror or exc}); --preview expects a folder",
                          exc.errno) from None
    for sub in sorted({(folder / name).parent for name in preview.files} - {folder}):
        if sub.exists() and not sub.is_dir():        # before any file is written: all or nothing refused
            raise OutputError(sub, "is a file; the preview writes a folder of that name")
    written = []
    for name, text in preview.files.items():
        write_atomic(folder / name, text)
        written.append(folder / name)
    return written


__all__ = ["Preview", "build", "local_baseline", "slug", "write"]
