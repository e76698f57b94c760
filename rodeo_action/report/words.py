"""The report's vocabulary: one set of words, counts and formats for every output.

The markdown report, README block, PR comment, job summary, terminal table, badge and SVG all
say the same thing the same way, so a reader who sees "5 of 11 pass" in a badge finds 5 of 11 in
the table too:

- **One denominator.** A cell *ran* when it passed, failed, timed out or ended in an error
  (``RAN``); pass rates are "P of R pass" over those. Cells that did not run are counted and named
  apart, never folded into the denominator: ``missing`` (planned, no result: a cancelled job),
  ``unavailable`` (the manager is not on that host) and ``n/a`` (not packaged or cannot run there).
- **One set of status words** (``WORDS``) and icons (``ICONS``): the table's "💥 error" is the
  badge's "error" too.
- **One timestamp format**: ``2026-11-25 13:09 UTC`` (:func:`when`).
- **One duration format**: ``75 s``, ``12 min``, ``1.5 h`` (:func:`duration`).
- Plurals that agree with their number (:func:`plural`), and a cause as ``kind (package)``,
  a changed cause as ``old → new`` (:func:`cause_change`).

Everything here is pure and unescaped: callers escape for their context.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rodeo_action.report.trends import ManagerTrend
    from rodeo_action.results import Isolation, PinChange, Try

NBSP = "\u00a0"          # joins an icon to its word and a number to its unit: a cell never wraps between them

# Every status the report knows, in the order counts list them
STATUS_ORDER = ("pass", "fail", "timeout", "error", "missing", "unavailable", "n/a")
RAN = frozenset({"pass", "fail", "timeout", "error"})
NOT_RAN = frozenset({"missing", "unavailable", "n/a"})

# Only cells that ran get an icon; the others are named by their word (a table shows "n/a", not a symbol)
ICONS = {"pass": "✅", "fail": "❌", "timeout": "⏱", "error": "💥"}
WORDS = {"pass": "pass", "fail": "fail", "timeout": "timeout", "error": "error", "missing": "missing",
         "unavailable": "unavailable", "n/a": "n/a"}
# What each status means, as a legend says it (a legend names only the statuses that occur)
MEANINGS = {
    "pass": "✅ passed (seconds to install, import and test)",
    "fail": "❌ failed, with its cause",
    "timeout": "⏱ timed out",
    "error": "💥 error: rodeo itself broke (please report)",
    "missing": "missing: no result (job cancelled)",
    "unavailable": "unavailable: the manager is not on this host",
    "n/a": "n/a: not packaged, or cannot run there",
}
CHANGE_ICONS = {"regression": "🔻", "fix": "🎉", "changed": "🔁", "flaky": "🎲", "slower": "🐢", "new": "🆕",
                "removed": "➖"}
CHANGE_MEANINGS = {"regression": "regressed since the last run", "fix": "fixed since the last run",
                   "changed": "failing with another cause", "flaky": "flips between pass and fail",
                   "slower": "at least twice its usual install + import time", "new": "new cell",
                   "removed": "cell removed"}

_PLURALS = {"fix": "fixes", "new": "new", "removed": "removed", "changed": "changed", "n/a": "n/a",
            "flaky": "flaky", "slower": "slower",
            "unavailable": "unavailable", "missing": "missing", "pass": "pass", "fail": "fail",
            "timeout": "timeout", "error": "error", "is": "are", "was": "were", "has": "have"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 run``, ``2 runs``, ``0 fixes``; ``many`` for an irregular plural not in the table."""
    if n == 1:
        return f"{n} {word}"
    return f"{n} {many or _PLURALS.get(word) or _regular(word)}"


def _regular(word: str) -> str:
    if word.endswith(("s", "x", "sh", "ch")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def when(timestamp: str | None) -> str:
    """``2026-11-25T13:09:55Z`` -> ``2026-11-25 13:09 UTC``; a time in another zone is converted to
    UTC; a naive one is taken as UTC; text that is no timestamp comes back as it is."""
    if not timestamp:
        return ""
    try:
        at = datetime.fromisoformat(timestamp.strip().replace("Z", "+00:00").replace(" UTC", "+00:00"))
    except ValueError:
        return timestamp
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def duration(seconds: float, sep: str = " ") -> str:
    """``75 s``, ``12 min``, ``1.5 h``: at most six characters, so an SVG cell holds it."""
    if seconds < 99.5:
        return f"{seconds:.0f}{sep}s"
    if seconds < 99.5 * 60:
        return f"{seconds / 60:.0f}{sep}min"
    return f"{seconds / 3600:.1f}{sep}h"


SPARKS = "▁▂▃▄▅▆▇█"
NO_SPARK = "·"           # a run the history has no figure for


def spark(values: Iterable[float | None], top: float | None = None) -> str:
    """One block per value, its height the value over ``top`` (the largest when None); ``·`` for None."""
    got = list(values)
    known = [v for v in got if v is not None]
    top = top if top is not None else max(known, default=0.0)
    if top <= 0:
        return "".join(NO_SPARK if v is None else SPARKS[0] for v in got)
    return "".join(NO_SPARK if v is None else SPARKS[min(len(SPARKS) - 1, max(0, round(v / top * (len(SPARKS) - 1))))]
                   for v in got)


def flaky_text(flips: int, runs: int) -> str:
    """``flaky: 3 flips in 10 runs``."""
    return f"flaky: {plural(flips, 'flip')} in {plural(runs, 'run')}"


def trend_text(t: ManagerTrend, code: str = "`") -> str:
    """``pass `▆▆▇█` 75% → 100% · time `▂▂▅█` 12 s → 41 s``, each figure the oldest known, then this run's;
    what the history could not show is said: runs not known for every cell, no pass to time. Markdown:
    the blocks in code spans (``code``: a monospace font draws them evenly; "" for plain text), a time's
    number and unit joined."""
    rates = [p.pass_rate for p in t.points]
    times = [p.median_seconds for p in t.points]

    def ends(values: list[float | None], show: Callable[[float], str]) -> str:
        known = [v for v in values if v is not None]
        if not known:
            return "none"
        now = values[-1]
        last = show(now) if now is not None else "none now"
        return last if len(known) == 1 and now is not None else f"{show(known[0])} → {last}"

    text = f"pass {code}{spark(rates, 1.0)}{code} {ends(rates, lambda r: f'{100 * r:.0f}%')}"
    timed = any(v is not None for v in times)
    text += f" · time {code}{spark(times)}{code} {ends(times, lambda s: duration(s, NBSP))}" if timed \
        else " · time: no timed pass"
    if t.gaps:
        text += f" · {plural(t.gaps, 'run')} without every cell"
    return text


def status_text(status: str, sep: str = " ") -> str:
    """``✅ pass``, ``💥 error``, ``unavailable``; an unknown status as itself."""
    icon = ICONS.get(status)
    return f"{icon}{sep}{WORDS[status]}" if icon else WORDS.get(status, status)


def cause_text(kind: str | None, package: str | None = None) -> str:
    """``not-packaged (python3-tensorflow)``, ``network``; empty without a kind."""
    if not kind:
        return ""
    return f"{kind} ({package})" if package else kind


def cause_change(before: str, after: str) -> str:
    """``network → conflict (numpy)``: a changed cause, old first."""
    return f"{before or '—'} → {after or '—'}"


SUSPECTS = 5            # changes still suspected, named before "and N more"
TRIES = 8               # an isolation's tries listed before "and N more"


def pin(change: PinChange, bad: bool = True) -> str:
    """``hishel 2.0.0`` (its new version, or ``bad`` False: its last good one); ``hishel (none)`` when not
    installed then."""
    version = change.bad if bad else change.good
    return f"{change.package} {version if version is not None else '(none)'}"


def broken_by(iso: Isolation, tool: str | None = None) -> str:
    """What isolating a regression found, in one sentence: ``broken by hishel 2.0.0 (last good 1.1.3)``;
    a group that only fails together, ``broken by a 2.0 together with b 3.1 (last good a 1.0, b 3.0)``;
    ``tool`` (the manager, for scope ``tool``) leads: ``pdm broken by hishel 2.0.0 (last good 1.1.3)``.
    The other outcomes say why there is no culprit. Unescaped, like every word here."""
    if iso.outcome == "not-in-versions":
        return "the last pass's own lock fails too: not in the package versions"
    if iso.outcome != "isolated" or not iso.culprits:
        left = [c.package for c in iso.culprits]
        shown = ", ".join(left[:SUSPECTS]) + (f" and {len(left) - SUSPECTS} more" if len(left) > SUSPECTS else "")
        return f"not isolated: {iso.reason or 'no reason given'}" + (f" (still suspected: {shown})" if left else "")
    lead = f"{tool} broken by" if tool and iso.scope == "tool" else "broken by"
    if len(iso.culprits) == 1:
        one = iso.culprits[0]
        if one.bad is None:
            return f"{lead} removing {one.package} (last good {one.good})"
        if one.good is None:
            return f"{lead} {pin(one)} (not installed when it last passed)"
        return f"{lead} {pin(one)} (last good {one.good})"
    news = [pin(c) if c.bad is not None else f"removing {c.package}" for c in iso.culprits]
    together = ", ".join(news[:-1]) + f" together with {news[-1]}" if len(news) > 2 else " together with ".join(news)
    return f"{lead} {together} (last good {', '.join(pin(c, bad=False) for c in iso.culprits)})"


def try_text(attempt: Try) -> str:
    """``hishel, idna → fail``; the last pass's own pins as ``last lock → pass``."""
    names = ", ".join(attempt.applied[:3]) + (f" +{len(attempt.applied) - 3}" if len(attempt.applied) > 3 else "")
    return f"{names or 'last lock'} → {attempt.outcome}"


def tries_text(iso: Isolation, budget: int | None = None) -> str:
    """The tries in order, then the installs spent: ``last lock → pass · hishel → fail · 2 of 8 installs``."""
    shown = [try_text(t) for t in iso.tries[:TRIES]]
    if len(iso.tries) > TRIES:
        shown.append(f"… and {len(iso.tries) - TRIES} more")
    spent = f"{iso.installs} of {plural(budget, 'install')}" if budget else plural(iso.installs, "install")
    return " · ".join([*shown, spent])


def pin_lines(changes: Iterable[PinChange]) -> str:
    """The good/bad pin difference as a diff: ``- hishel==1.1.3`` then ``+ hishel==2.0.0`` (one side only
    when the distribution was added or removed)."""
    lines = []
    for c in changes:
        if c.good is not None:
            lines.append(f"- {c.package}=={c.good}")
        if c.bad is not None:
            lines.append(f"+ {c.package}=={c.bad}")
    return "\n".join(lines)


@dataclass(frozen=True)
class Tally:
    """How many cells of each status, and the one denominator: the cells that ran."""

    counts: dict[str, int]

    @classmethod
    def of(cls, statuses: Iterable[str]) -> Tally:
        return cls(dict(Counter(statuses)))

    def __getitem__(self, status: str) -> int:
        return self.counts.get(status, 0)

    @property
    def passed(self) -> int:
        return self["pass"]

    @property
    def ran(self) -> int:
        return sum(self[s] for s in RAN)

    @property
    def not_run(self) -> int:
        return sum(self[s] for s in NOT_RAN)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def present(self) -> list[str]:
        """The statuses that occur, known ones in ``STATUS_ORDER`` first, others by name."""
        known = [s for s in STATUS_ORDER if self[s]]
        return known + sorted(s for s in self.counts if s not in STATUS_ORDER and self.counts[s])

    def rate(self) -> str:
        """``5 of 11 pass``, or ``nothing ran`` (a badge's words)."""
        return f"{self.passed} of {self.ran} pass" if self.ran else "nothing ran"

    def cells(self) -> str:
        """``5 of 11 cells pass``, ``1 of 3 cells passes``, ``No cell ran`` (a sentence's words)."""
        if not self.ran:
            return "No cell ran"
        return f"{self.passed} of {plural(self.ran, 'cell')} {'passes' if self.passed == 1 else 'pass'}"

    def percent(self) -> str:
        """``45%`` of the cells that ran, empty when nothing ran."""
        return f"{100 * self.passed / self.ran:.0f}%" if self.ran else ""

    def failing(self, sep: str = " ") -> list[str]:
        """``6 ❌ fail``, ``1 💥 error`` …: the cells that ran and did not pass."""
        return [f"{self[s]}{sep}{status_text(s, sep)}" for s in self.present() if s in RAN and s != "pass"]

    def not_run_parts(self, sep: str = " ") -> list[str]:
        """``5 unavailable``, ``1 missing``, ``2 n/a``: the cells that did not run, each named."""
        return [f"{self[s]}{sep}{WORDS.get(s, s)}" for s in self.present() if s not in RAN]

    def summary(self, sep: str = " ", icons: bool = True) -> str:
        """``5 of 11 cells pass (6 ❌ fail) · not run: 5 unavailable``: the one-line count every output
        shares (``icons`` False: without the failing ones' breakdown, for the picture)."""
        text = self.cells()
        failing = self.failing(sep)
        if failing and icons:
            text += f" ({', '.join(failing)})"
        rest = self.not_run_parts(sep)
        if rest:
            text += " · not run: " + ", ".join(rest)
        return text


__all__ = ["CHANGE_ICONS", "CHANGE_MEANINGS", "ICONS", "MEANINGS", "NBSP", "NOT_RAN", "RAN", "STATUS_ORDER", "SUSPECTS",
           "TRIES", "Tally", "WORDS", "broken_by", "cause_change", "cause_text", "duration", "pin", "pin_lines",
           "plural", "spark", "status_text", "flaky_text", "trend_text", "tries_text", "try_text", "when"]
