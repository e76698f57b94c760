"""Size limits of what GitHub accepts, and the order in which a too-long output gives way.

GitHub refuses a comment or issue body over 65,536 characters and truncates a job summary
over 1 MiB. Rather than let a publisher fail (or a summary end mid-table), each output is
rendered at the first :class:`Level` that fits: everything; then shorter log tails; then only
the rows with a failing or changed cell; then counts and a link. Every level but the first
carries a visible note saying what was cut. :func:`fit` is the only place that decides, and
:func:`fit_yielding` its form for an output with a digest, which shrinks before any level is cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

COMMENT_CHARS = 65_536
ISSUE_CHARS = 65_536
SUMMARY_BYTES = 1_048_576
README_CHARS = 400_000        # GitHub stops rendering very large READMEs; the block stays well below


@dataclass(frozen=True)
class Budget:
    limit: int
    unit: str = "characters"  # "characters" (GitHub's body limits) or "bytes" (UTF-8, the job summary)

    def size(self, text: str) -> int:
        return len(text.encode("utf-8")) if self.unit == "bytes" else len(text)

    def fits(self, text: str) -> bool:
        return self.size(text) <= self.limit


COMMENT = Budget(COMMENT_CHARS)
ISSUE = Budget(ISSUE_CHARS)
SUMMARY = Budget(SUMMARY_BYTES, "bytes")
README = Budget(README_CHARS)
UNLIMITED = Budget(2**62)


@dataclass(frozen=True)
class Level:
    """How much of the report an output shows."""

    name: str
    all_rows: bool = True             # False: only rows with a failing or changed cell
    details: bool = True              # the <details> per failure (cause, repro, log tail)
    tail_lines: int | None = None     # None: the excerpt's own size (excerpt.CONTEXT_LINES)
    max_items: int | None = None      # cap on list sections (changes, culprits, notes)
    counts_only: bool = False         # no table, no details: counts and a link

    def cut(self, rows_shown: int, rows_total: int, details: bool = True) -> str | None:
        """The visible note saying what this level left out (None at full)."""
        parts = []
        if self.counts_only:
            return "only counts are shown (GitHub's size limit)"
        if not self.all_rows and rows_shown < rows_total:
            parts.append(f"only the {rows_shown} of {rows_total} rows with a failing or changed cell are shown")
        if not details:
            pass
        elif not self.details:
            parts.append("failure details are left out")
        elif self.tail_lines is not None:
            parts.append(f"log excerpts are cut to {self.tail_lines} lines")
        if self.max_items is not None:
            parts.append(f"lists stop after {self.max_items} entries")
        return "; ".join(parts) + " (GitHub's size limit)" if parts else None


FULL = Level("full")
LEVELS: tuple[Level, ...] = (
    FULL,
    Level("short-tails", tail_lines=20),
    Level("failing-rows", all_rows=False, tail_lines=10, max_items=100),
    Level("failing-rows-no-details", all_rows=False, details=False, max_items=50),
    Level("counts", all_rows=False, details=False, max_items=20, counts_only=True),
)


def fit(render: Callable[[Level], str], budget: Budget, levels: Sequence[Level] = LEVELS) -> str:
    """The first rendering that fits; the last level cut hard at a line if even it does not."""
    text = ""
    for level in levels:
        text = render(level)
        if budget.fits(text):
            return text
    return truncate(text, budget)


def fit_yielding(render: Callable[[Level, str], str], budget: Budget, part: Callable[[int], str],
                 levels: Sequence[Level] = LEVELS) -> str:
    """:func:`fit` for an output that carries a part no one reads (the digest: the next run's baseline)
    which can be made smaller. That part gives way first: at each level, before the next one cuts what
    a person reads, the part is remade within the room the rest leaves. ``part(room)`` is the richest
    part within ``room`` (the budget's unit), or "" when none fits; ``render(level, part)`` puts it in
    once. The part is dropped altogether only at the last level: without it the next run has no
    baseline, which is worth more than a shorter log tail."""
    text = ""
    whole = part(budget.limit)
    for i, level in enumerate(levels):
        text = render(level, whole)
        if budget.fits(text):
            return text
        room = budget.limit - (budget.size(text) - budget.size(whole))
        smaller = part(room) if room > 0 else ""
        if smaller != whole and (smaller or i == len(levels) - 1):
            text = render(level, smaller)
            if budget.fits(text):
                return text
    return truncate(text, budget)


TRUNCATED = "\n\n> ✂️ **Truncated** at GitHub's size limit; the full report is in the job log and summary.\n"


def truncate(text: str, budget: Budget) -> str:
    """Cut at a line boundary, close what was left open, and add a visible note (last resort)."""
    room = budget.limit - budget.size(TRUNCATED)
    while room > 0:
        if budget.unit == "bytes":
            head = text.encode("utf-8")[:room].decode("utf-8", "ignore")
        else:
            head = text[:room]
        cut = head.rfind("\n")
        head = head[:cut] if cut > 0 else head
        out = head + _closing(head) + TRUNCATED
        if budget.fits(out):
            return out
        room -= max(budget.size(out) - budget.limit, 64)
    return TRUNCATED.strip()


def _closing(text: str) -> str:
    """What closes the fence and ``<details>`` left open at the end of ``text``."""
    fence = ""
    open_details = 0
    for line in text.split("\n"):
        if fence:
            if line.startswith(fence) and line.strip("`") == "":
                fence = ""
            continue
        if line.startswith("```"):
            fence = line[: len(line) - len(line.lstrip("`"))]
            continue
        open_details += line.count("<details>") - line.count("</details>")
    return (f"\n{fence}" if fence else "") + "\n\n</details>" * max(open_details, 0)
