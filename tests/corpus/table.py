#!/usr/bin/env python3
"""The corpus table: classify every log in ``tests/corpus/logs`` and compare with its header.

    python tests/corpus/table.py

Prints manager x kind (right/total), then every miss with what was expected and what came out;
exits 1 when fewer than 95% are right. ``tests/test_causes.py`` asserts the same numbers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
LOGS = ROOT / "logs"
THRESHOLD = 0.95

if __package__ in (None, ""):
    sys.path.insert(0, str(ROOT.parent.parent))

from rodeo_action.causes import MAX_SUMMARY, classify  # noqa: E402
from rodeo_action.results import Cause  # noqa: E402


@dataclass(frozen=True)
class Entry:
    """One corpus log: its header (what a person says the failure is) and the log itself."""

    path: Path
    manager: str
    phase: str
    kind: str
    package: str | None
    summary_contains: str
    source: str
    log: str

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.stem}"


def parse(path: Path) -> Entry:
    """Read a corpus file: ``#@ key: value`` lines up to ``#@ ---``, then the log."""
    text = path.read_text(encoding="utf-8", errors="replace")
    header: dict[str, str] = {}
    lines = text.splitlines(keepends=True)
    body_start = 0
    for i, line in enumerate(lines):
        if not line.startswith("#@"):
            body_start = i
            break
        if line.strip() == "#@ ---":
            body_start = i + 1
            break
        key, _, value = line[3:].partition(":")
        header[key.strip()] = value.strip()
    missing = [k for k in ("manager", "phase", "kind") if k not in header]
    if missing:
        raise ValueError(f"{path}: header lacks {', '.join(missing)}")
    return Entry(path, header["manager"], header["phase"], header["kind"], header.get("package") or None,
                 header.get("summary-contains", ""), header.get("source", ""), "".join(lines[body_start:]))


def entries(root: Path = LOGS) -> list[Entry]:
    return [parse(p) for p in sorted(root.glob("*/*.log"))]


@dataclass(frozen=True)
class Verdict:
    entry: Entry
    cause: Cause

    @property
    def problems(self) -> list[str]:
        """Empty when the classifier got this log right."""
        e, c = self.entry, self.cause
        out = []
        if c.kind != e.kind:
            out.append(f"kind {c.kind!r} != {e.kind!r}")
        if (c.package or None) != e.package:
            out.append(f"package {c.package!r} != {e.package!r}")
        if e.summary_contains and e.summary_contains.lower() not in c.summary.lower():
            out.append(f"summary lacks {e.summary_contains!r}")
        if not c.summary.strip() or len(c.summary) > MAX_SUMMARY or "\n" in c.summary:
            out.append("summary is not one line of 1-120 characters")
        return out

    @property
    def right(self) -> bool:
        return not self.problems


def judge(entry: Entry) -> Verdict:
    return Verdict(entry, classify(entry.log, entry.phase, entry.manager))


def table(verdicts: list[Verdict]) -> str:
    """manager x kind, each cell right/total, with row and column totals."""
    managers = sorted({v.entry.manager for v in verdicts})
    kinds = sorted({v.entry.kind for v in verdicts})

    def cell(vs: list[Verdict]) -> str:
        return f"{sum(v.right for v in vs)}/{len(vs)}" if vs else "."

    head = ["manager", *kinds, "all"]
    rows = [[m, *(cell([v for v in verdicts if v.entry.manager == m and v.entry.kind == k]) for k in kinds),
             cell([v for v in verdicts if v.entry.manager == m])] for m in managers]
    rows.append(["all", *(cell([v for v in verdicts if v.entry.kind == k]) for k in kinds), cell(verdicts)])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join([fmt.format(*head), fmt.format(*("-" * w for w in widths)), *(fmt.format(*r) for r in rows)])


def main() -> int:
    verdicts = [judge(e) for e in entries()]
    if not verdicts:
        print(f"no corpus logs under {LOGS}")
        return 1
    print(table(verdicts))
    right = sum(v.right for v in verdicts)
    share = right / len(verdicts)
    print(f"\n{right}/{len(verdicts)} right ({share:.1%}); threshold {THRESHOLD:.0%}")
    misses = [v for v in verdicts if not v.right]
    if misses:
        print("\nmisses:")
    for v in misses:
        e, c = v.entry, v.cause
        print(f"  {e.name}: expected {e.kind} ({e.package}) ~{e.summary_contains!r}")
        print(f"  {' ' * len(e.name)}  got      {c.kind} ({c.package}): {c.summary}")
        print(f"  {' ' * len(e.name)}  {'; '.join(v.problems)}")
    return 0 if share >= THRESHOLD else 1


if __name__ == "__main__":
    sys.exit(main())
