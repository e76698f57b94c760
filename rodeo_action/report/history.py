"""The baseline: what the previous run saw, read back to say what changed.

Two carriers, one content. ``--json`` writes the full form (merged results + bounded history
per cell); the README block and the PR comment carry a compact digest (gzip + base64 inside a
markdown link-reference definition, which GitHub does not render), so a repository keeps its
own baseline without artifacts.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import json
import math
import os
import re
import stat as st
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from rodeo_action.report.model import FAILING, STATUSES, CellHistory, CellView, LockFiles, Report

HISTORY_LENGTH = 20
# what a history's seconds measure: histories written before this key kept the whole cell's time
# (set-up and test included), which trends must not compare with install + import: those are not read
TIMING = "install+import"
BASELINE_SCHEMA = 1
MAX_BASELINE_BYTES = 200_000_000      # a --json: streamed, only its baseline part kept
MAX_MARKDOWN_BYTES = 20_000_000       # a README or comment body carrying a digest: read whole
MAX_DIGEST_INFLATED = 50_000_000      # what a digest (at most 150 KB of gzip) may inflate to
MAX_DIGEST_CHARS = 200_000
# what key_versions writes: a canonical distribution name, or "<manager>" for the manager itself
_VERSION_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,99})|<[A-Za-z0-9][A-Za-z0-9._-]{0,39}>")
_CELL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")
# a last pass's pins and lock (issue 14): read back by `rodeo run --baseline`, which installs them, so
# every one is checked as untrusted, all or nothing (a pin set or lock with a part missing is not the one
# that passed), and bounded: a --json must stay readable as the next baseline (MAX_BASELINE_BYTES)
MAX_PINS = 5000
MAX_VERSION_CHARS = 200
MAX_LOCK_FILES = 20
MAX_LOCK_FILE_BYTES = 2_000_000
MAX_LOCK_TEXT_BYTES = 64_000_000      # all the lock text one --json keeps; later cells keep their pins only
MAX_PIN_BYTES = 64_000_000            # all the pins one --json keeps (~2 KB a pass of 60 + 30 tool pins); then none
_PIN_NAME = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,99})")
LOCK_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,99}")     # a plain file name: no folder, no ..
_LOCK_FORMAT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
# PEP 440, conda and Debian versions (1!2.0.post1+cpu, 1:2.3-4~deb12u1): nothing a constraint file could misread
_PIN_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+!_~:*-]{0,199}")
_DIGEST = re.compile(r"^\[rodeo-digest(?:-(?P<id>[A-Za-z0-9._-]+))?\]: data:application/gzip;base64,"
                     r"(?P<data>[A-Za-z0-9+/=]+)", re.M)


@dataclass(frozen=True)
class BaselineCell:
    status: str
    phase: str | None = None
    cause_kind: str | None = None
    cause_package: str | None = None
    history: CellHistory = field(default_factory=CellHistory)
    culprit: str | None = None       # the key of the culprit the cell belonged to (its GitHub issue)


@dataclass(frozen=True)
class Baseline:
    name: str | None
    generated_at: str | None
    cells: dict[str, BaselineCell]
    source: str


@lru_cache(maxsize=65_536)
def _canonical(name: str) -> str:
    # a rodeo resolves the same few hundred names in every cell: 30 per cell, 300,000 calls at 10,000 cells
    return canonicalize_name(name)


def key_versions(cell: CellView, packages: Iterable[str]) -> dict[str, str]:
    """The versions worth diffing: the set's own packages and the manager itself."""
    if cell.result is None:
        return {}
    wanted = {_canonical(p) for p in packages}
    out: dict[str, str] = {name: v for k, v in cell.result.resolved.items() if (name := _canonical(k)) in wanted}
    if cell.result.manager_version:
        out[f"<{cell.manager}>"] = cell.result.manager_version
    return out


def is_verdict(cell: CellView) -> bool:
    """Whether this run says something about the cell: it ran (pass/fail/timeout/error) and its
    result was read. An ``error`` cell without a result is an unreadable file, not a verdict."""
    return cell.result is not None and (cell.status == "pass" or cell.status in FAILING)


def last_verdict(statuses: tuple[str, ...]) -> str | None:
    """The most recent pass/fail/timeout/error in a history (missing, unavailable and n/a skipped)."""
    for status in reversed(statuses):
        if status == "pass" or status in FAILING:
            return status
    return None


def advance(previous: CellHistory | None, cell: CellView, versions: dict[str, str]) -> CellHistory:
    """A cell's history after this run."""
    prev = previous or CellHistory()
    statuses = (*prev.statuses, cell.status)[-HISTORY_LENGTH:]
    # install + import (trends compare them); seconds and statuses align at their end, this run last
    seconds = (*prev.seconds, round(cell.timed_seconds, 1))[-HISTORY_LENGTH:]
    if is_verdict(cell) and cell.status in FAILING:
        failures = prev.consecutive_failures + 1
    elif cell.status == "pass":
        failures = 0
    else:
        # no verdict this time (missing, unavailable, n/a, or an error cell whose result file could
        # not be read): neither a failure nor a recovery
        failures = prev.consecutive_failures
    if cell.status == "pass" and cell.result is not None:
        # a pass without a lock read leaves none: the previous pass's lock is not this environment's
        return CellHistory(statuses, seconds, failures, cell.result.started_at, cell.result.run_url, dict(versions),
                           canonical_pins(cell.result.resolved), canonical_pins(cell.tool_pins), cell.lock)
    # what passed last is kept through failures: the environment to isolate a regression against
    return CellHistory(statuses, seconds, failures, prev.last_pass_at, prev.last_pass_run_url,
                       dict(prev.last_pass_versions), prev.last_pass_pins, prev.last_pass_tool_pins,
                       prev.last_pass_lock)


def canonical_pins(resolved: Mapping[str, str]) -> dict[str, str]:
    """A pass's pins as the baseline keeps them: canonical names, and only what :func:`pins` reads back
    (a name or version it would refuse is left out; past MAX_PINS, none: a cut pin set is not the one
    that passed)."""
    out: dict[str, str] = {}
    for name, version in resolved.items():
        key = _canonical(name)
        if _PIN_NAME.fullmatch(key) and isinstance(version, str) and _PIN_VERSION.fullmatch(version):
            out[key] = version
    return out if len(out) <= MAX_PINS else {}


def pins(raw: Any) -> dict[str, str]:
    """Pins read back from a baseline: every one when all are well formed, else none. `rodeo run
    --baseline` writes them into constraint files and specs, so a name is a canonical distribution name
    and a version a plain version string (no space, newline or option that a file could take for more)."""
    if not isinstance(raw, dict) or len(raw) > MAX_PINS:
        return {}
    for name, version in raw.items():
        if not (isinstance(name, str) and _PIN_NAME.fullmatch(name) and isinstance(version, str)
                and _PIN_VERSION.fullmatch(version)):
            return {}
    return raw      # freshly parsed: kept as it is, not copied (10,000 cells of 60 pins)


def fits_lock_text(text: str) -> bool:
    """Whether a lock file's text is within MAX_LOCK_FILE_BYTES and can be written back as UTF-8 (a
    --json can carry a lone surrogate, a file cannot)."""
    if len(text) > MAX_LOCK_FILE_BYTES:
        return False
    try:
        return len(text.encode("utf-8")) <= MAX_LOCK_FILE_BYTES
    except UnicodeEncodeError:
        return False


def lock_files(raw: Any) -> LockFiles | None:
    """A last pass's lock read back: its format and 1 to MAX_LOCK_FILES text files with plain names (they
    are written into a folder to install from); None when any part is not so."""
    if not isinstance(raw, dict):
        return None
    fmt, files = raw.get("format"), raw.get("files")
    if not (isinstance(fmt, str) and _LOCK_FORMAT.fullmatch(fmt) and isinstance(files, dict)
            and 0 < len(files) <= MAX_LOCK_FILES):
        return None
    for name, text in files.items():
        if not (isinstance(name, str) and LOCK_FILE_NAME.fullmatch(name) and isinstance(text, str)
                and fits_lock_text(text)):
            return None
    return LockFiles(fmt, files)


def _history(raw: Any) -> CellHistory:
    if not isinstance(raw, dict):
        return CellHistory()

    def strs(x: Any) -> tuple[str, ...]:
        return tuple(s for s in x[-HISTORY_LENGTH:] if s in STATUSES) if isinstance(x, list) else ()

    def floats(x: Any) -> tuple[float, ...]:
        if not isinstance(x, list):
            return ()
        return tuple(float(s) for s in x[-HISTORY_LENGTH:]
                     if isinstance(s, (int, float)) and not isinstance(s, bool) and math.isfinite(s))

    versions = raw.get("last_pass_versions")
    failures = raw.get("consecutive_failures")
    return CellHistory(
        statuses=strs(raw.get("statuses")),
        seconds=floats(raw.get("seconds")) if raw.get("timing") == TIMING else (),
        consecutive_failures=failures if isinstance(failures, int) and not isinstance(failures, bool)
        and failures >= 0 else 0,
        last_pass_at=_str(raw.get("last_pass_at")),
        last_pass_run_url=_str(raw.get("last_pass_run_url")),
        last_pass_versions={k: v for k, v in versions.items() if isinstance(k, str) and _VERSION_NAME.fullmatch(k)
                            and isinstance(v, str) and len(v) <= 200} if isinstance(versions, dict) else {},
        # absent from baselines made before rodeo recorded them, and from a digest that had to drop them
        last_pass_pins=pins(raw.get("last_pass_pins")), last_pass_tool_pins=pins(raw.get("last_pass_tool_pins")),
        last_pass_lock=lock_files(raw.get("last_pass_lock")),
    )


def _str(x: Any) -> str | None:
    return x if isinstance(x, str) else None


def _cell(cid: Any, entry: Any) -> BaselineCell | None:
    """One baseline cell, or None when it does not have the right shape: a baseline is data from an
    earlier run (or a README anyone can edit), so what is malformed is dropped, not trusted."""
    if not isinstance(cid, str) or not isinstance(entry, dict) or entry.get("status") not in STATUSES \
            or not _CELL_ID.fullmatch(cid):
        return None
    raw_cause = entry.get("cause")
    cause: dict[str, Any] = raw_cause if isinstance(raw_cause, dict) else {}
    return BaselineCell(status=entry["status"], phase=_str(entry.get("phase")),
                        cause_kind=_str(cause.get("kind")), cause_package=_str(cause.get("package")),
                        history=_history(entry.get("history")), culprit=_str(entry.get("culprit")))


def _cells(raw: Any) -> dict[str, BaselineCell]:
    cells: dict[str, BaselineCell] = {}
    if isinstance(raw, dict):
        for cid, entry in raw.items():
            cell = _cell(cid, entry)
            if cell is not None:
                cells[cid] = cell
    return cells


def _history_dict(h: CellHistory, level: int = 0) -> dict[str, Any]:
    """What dataclasses.asdict gives (ten times faster: it deep-copies; 10,000 cells per report) at
    level 0; at 1 (a digest) without the lock text, and its pins only where there are some; at 2 without pins."""
    out: dict[str, Any] = {
        "statuses": list(h.statuses), "seconds": list(h.seconds), "timing": TIMING,
        "consecutive_failures": h.consecutive_failures,
        "last_pass_at": h.last_pass_at, "last_pass_run_url": h.last_pass_run_url,
        "last_pass_versions": dict(h.last_pass_versions)}
    if level == 0:
        lock = h.last_pass_lock
        out.update(last_pass_pins=h.last_pass_pins, last_pass_tool_pins=h.last_pass_tool_pins,
                   last_pass_lock={"format": lock.format, "files": lock.files} if lock is not None else None)
    elif level == 1:
        if h.last_pass_pins:
            out["last_pass_pins"] = h.last_pass_pins
        if h.last_pass_tool_pins:
            out["last_pass_tool_pins"] = h.last_pass_tool_pins
    return out


def _entry(cell: CellView, history: CellHistory | None, culprit: str | None, level: int = 0) -> dict[str, Any]:
    """A cell's baseline entry: everything at ``level`` 0 (a --json); in a digest, less history as the
    level rises (what is dropped first is what the fewest readers need): 1 no lock text (the digest never
    has it); 2 no pins either (only `rodeo run --baseline` reads them); 3 the last 5 statuses, no
    durations or run links; 4 no statuses; 5 only the status, consecutive failures and culprit."""
    if level <= 2:
        cause = cell.cause
        entry: dict[str, Any] = {
            "status": cell.status, "phase": cell.result.phase if cell.result else None,
            "cause": {"kind": cause.kind, "package": cause.package} if cause else None,
            "history": _history_dict(history, level) if history is not None else {}}
    else:
        slim: dict[str, Any] = {"statuses": list(history.statuses[-5:]) if history is not None and level == 3
                                else [],
                                "consecutive_failures": history.consecutive_failures if history is not None else 0}
        if level < 5:
            slim["last_pass_versions"] = dict(history.last_pass_versions) if history is not None else {}
            slim["last_pass_at"] = history.last_pass_at if history is not None else None
            cause = cell.cause
            entry = {"status": cell.status, "phase": cell.result.phase if cell.result else None,
                     "cause": {"kind": cause.kind, "package": cause.package} if cause else None, "history": slim}
        else:
            entry = {"status": cell.status, "history": slim}
    if culprit is not None:
        entry["culprit"] = culprit
    return entry


def _head(report: Report) -> dict[str, Any]:
    return {"schema": BASELINE_SCHEMA, "kind": "rodeo-baseline", "name": report.name,
            "generated_at": report.generated_at, "run_url": report.run_url}


def _culprit_of(report: Report) -> dict[str, str]:
    return {cid: c.key for c in report.culprits for cid in c.cells}


def _json_histories(report: Report) -> tuple[dict[str, CellHistory], str | None]:
    """The histories a --json writes: the last passes' pins up to MAX_PIN_BYTES and their lock text up
    to MAX_LOCK_TEXT_BYTES in all (cells in order), so that the baseline part stays readable as the next
    baseline (MAX_BASELINE_BYTES) at 100,000 cells; past the lock bound a cell keeps its pins (an isolation
    can still pin them), past the pin bound nothing of its last pass but versions. A note says so."""
    hist = report.history
    total = pin_total = dropped = unpinned = 0
    out: dict[str, CellHistory] = {}
    for c in report.cells:
        h = hist.get(c.id)
        if h is None:
            continue
        pin_total += _pins_size(h.last_pass_pins) + _pins_size(h.last_pass_tool_pins)
        if pin_total > MAX_PIN_BYTES and (h.last_pass_pins or h.last_pass_tool_pins or h.last_pass_lock):
            # a lock without its pins cannot be isolated against: both go
            out[c.id] = replace(h, last_pass_pins={}, last_pass_tool_pins={}, last_pass_lock=None)
            unpinned += 1
            continue
        if h.last_pass_lock is None:
            continue
        total += sum(len(t) for t in h.last_pass_lock.files.values())
        if total > MAX_LOCK_TEXT_BYTES:
            out[c.id] = replace(h, last_pass_lock=None)
            dropped += 1
    notes = [f"the lock files of {dropped} last passes are left out of this --json (it keeps "
             f"{MAX_LOCK_TEXT_BYTES:,} bytes of them at most); their pins are kept"] if dropped else []
    if unpinned:
        notes.append(f"the pins and lock files of {unpinned} last passes are left out of this --json (it keeps "
                     f"{MAX_PIN_BYTES:,} bytes of pins at most); a regression of those cells is not isolated")
    return ({**hist, **out}, "; ".join(notes)) if out else (hist, None)


def _pins_size(pins_: Mapping[str, str]) -> int:
    """About what a pin set takes in a --json: ``"name": "version", `` per pin."""
    return sum(len(k) + len(v) + 6 for k, v in pins_.items())


def compact(report: Report) -> dict[str, Any]:
    """The baseline part of a --json (no logs, no repros)."""
    culprit_of = _culprit_of(report)
    hist, _ = _json_histories(report)
    cells = {c.id: _entry(c, hist.get(c.id), culprit_of.get(c.id)) for c in report.cells}
    return {**_head(report), "cells": cells}


def full(report: Report) -> dict[str, Any]:
    """``--json``: the compact baseline plus every merged result."""
    data = compact(report)
    # log tails stay in the artifacts and the markdown report: with them a 100,000-cell --json
    # would be too big to read back as the next --baseline
    data["results"] = [{**c.result.to_dict(), "log_tail": ""} for c in report.cells if c.result is not None]
    data["notes"] = [*report.notes, *filter(None, [_json_histories(report)[1]])]
    return data


_LINE = json.JSONEncoder(ensure_ascii=True)


def full_json(report: Report) -> Iterator[str]:
    """``--json`` as text, in pieces to write as they come: one line per cell and per result (diffable,
    and encoded by the C encoder: ``indent=`` would use the pure-Python one, 3x slower). ASCII only,
    so that any string a result carried (a lone surrogate included) is written and read back exactly.
    The baseline part comes first: :func:`read` stops once it has it."""
    enc = _LINE.encode
    yield "{" + ", ".join(f"{enc(k)}: {enc(v)}" for k, v in _head(report).items()) + ',\n"cells": {'
    culprit_of = _culprit_of(report)
    hist, cut = _json_histories(report)
    sep = "\n"
    for c in report.cells:
        yield f"{sep}{enc(c.id)}: {enc(_entry(c, hist.get(c.id), culprit_of.get(c.id)))}"
        sep = ",\n"
    yield '\n},\n"results": ['
    sep = "\n"
    for c in report.cells:
        if c.result is not None:
            # log tails stay in the artifacts and the markdown report: with them a 100,000-cell --json
            # would be too big to read back as the next --baseline
            yield sep + enc({**c.result.to_dict(), "log_tail": ""})
            sep = ",\n"
    yield f'\n],\n"notes": {enc([*report.notes, *filter(None, [cut])])}}}\n'


_JSON = json.JSONEncoder(separators=(",", ":"), sort_keys=True)
_BATCH = 256                  # cells per JSON chunk fed to the compressor
_SAMPLE_FROM = 4096           # from this many cells on, a level's size is first estimated from a sample
_SAMPLE_BLOCKS, _SAMPLE_BLOCK = 4, 256


def _chunks(report: Report, cells: Sequence[CellView], level: int, culprit_of: dict[str, str]) -> Iterator[str]:
    """``json.dumps(compact(report) at level, separators=(",", ":"), sort_keys=True)`` in pieces of
    ``_BATCH`` cells (``cells`` sorted by id), each made only when the compressor asks for it."""
    hist = report.history
    yield '{"cells":{'
    for i in range(0, len(cells), _BATCH):
        batch = _JSON.encode({c.id: _entry(c, hist.get(c.id), culprit_of.get(c.id), level)
                              for c in cells[i:i + _BATCH]})
        yield ("," if i else "") + batch[1:-1]
    yield "}," + _JSON.encode(_head(report))[1:]


def _gzip_within(chunks: Iterable[str], max_bytes: int) -> bytes | None:
    """gzip of the concatenated chunks (what ``gzip.compress(..., mtime=0)`` gives), or None as soon as
    the compressed output passes ``max_bytes``: the rest is never encoded nor compressed."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    out: list[bytes] = []
    size = 0
    for chunk in chunks:
        piece = z.compress(chunk.encode())
        if piece:
            out.append(piece)
            size += len(piece)
            if size > max_bytes:
                return None
    out.append(z.flush())
    size += len(out[-1])
    return b"".join(out) if size <= max_bytes else None


def _estimate(report: Report, cells: Sequence[CellView], level: int, culprit_of: dict[str, str]) -> float:
    """The compressed size of ``level``, extrapolated from a sample: evenly spaced runs of neighbouring
    cells, compressed as a half and as a whole, so that gzip's fixed cost and warm-up (which a small
    sample pays far more than the whole) cancel out. Within ~5% on the benchmark's rodeos."""
    step = len(cells) // _SAMPLE_BLOCKS
    runs = [cells[b * step: b * step + _SAMPLE_BLOCK] for b in range(_SAMPLE_BLOCKS)]
    half = [c for run in runs[: _SAMPLE_BLOCKS // 2] for c in run]
    whole = [c for run in runs for c in run]
    sizes = []
    for sample in (half, whole):
        got = _gzip_within(_chunks(report, sample, level, culprit_of), 2**62)
        assert got is not None
        sizes.append(len(got))
    per_cell = (sizes[1] - sizes[0]) / (len(whole) - len(half))
    return sizes[1] + per_cell * (len(cells) - len(whole))


def digest(report: Report, limit: int = MAX_DIGEST_CHARS) -> str:
    """The compact baseline as one markdown line GitHub does not render.

    It never exceeds ``limit`` characters (nor what :func:`from_markdown` reads back). It never has the
    lock text a --json keeps; a big rodeo's digest drops the last passes' pins first (what only `rodeo run
    --baseline` reads, to isolate a regression), then durations and older statuses, then versions, then
    the cause; at the very least
    every cell keeps its status and consecutive-failure count (what changes and ``after:`` need), and
    when even that does not fit the digest is empty (no baseline next time, rather than a broken one).

    Linear in the cells, and at most one level is compressed whole: a level is encoded and compressed
    in pieces and given up as soon as its output passes the limit, and in a big rodeo a level whose
    size, estimated from a sample, is over the limit (by a 10% margin: the estimate runs ~5% high) is
    not tried. The smallest level is always tried, so a guess never costs the digest itself. What was
    compressed, given up or estimated is kept with the report: a second call (a smaller ``limit``)
    compresses only levels it has not seen within that limit.
    """
    label = f"rodeo-digest-{report.name}" if report.name else "rodeo-digest"
    prefix = f"[{label}]: data:application/gzip;base64,"
    limit = min(limit, MAX_DIGEST_CHARS + len(prefix))
    max_bytes = (limit - len(prefix)) // 4 * 3          # base64: 4 characters per 3 bytes
    if max_bytes <= 0:
        return ""
    memo = _digest_memo(report)
    cells: Sequence[CellView] = ()
    culprit_of: dict[str, str] = {}
    for level in range(1, 6):
        known = memo.get(level)
        if isinstance(known, bytes):
            if len(known) <= max_bytes:
                return prefix + base64.b64encode(known).decode()
            continue
        if isinstance(known, int) and known >= max_bytes:
            continue
        if not cells:
            cells = sorted(report.cells, key=lambda c: c.id)    # already sorted (build_report sorts): linear
            culprit_of = _culprit_of(report)
        if level < 5 and len(cells) >= _SAMPLE_FROM:
            guess = memo.get(-level)
            if not isinstance(guess, float):
                guess = memo[-level] = _estimate(report, cells, level, culprit_of)
            if guess > 1.1 * max_bytes:
                continue
        raw = _gzip_within(_chunks(report, cells, level, culprit_of), max_bytes)
        memo[level] = raw if raw is not None else max_bytes
        if raw is not None:
            return prefix + base64.b64encode(raw).decode()
    return ""


def _digest_memo(report: Report) -> dict[int, bytes | int | float]:
    """What :func:`digest` learnt of this report, so that asking again within a smaller limit (a comment
    making room for what people read) costs little: per level its gzip, or a size it is known to pass;
    per -level the estimate of its size."""
    memo = report.memo.get("history.digest")
    if not isinstance(memo, dict):
        memo = report.memo["history.digest"] = {}
    return memo


def digest_in(text: str, name: str | None) -> str:
    """The digest line of the rodeo ``name`` in ``text`` (a comment as rendered, whose digest may be
    smaller than :func:`digest`'s), or "" when it has none."""
    for m in _DIGEST.finditer(text):
        if (m.group("id") or None) == name:
            return m.group(0)
    return ""


def _gunzip(data: bytes) -> bytes | None:
    """gzip data, or None when it is broken, truncated or inflates past MAX_DIGEST_INFLATED."""
    inflate = zlib.decompressobj(wbits=31)
    raw = inflate.decompress(data, MAX_DIGEST_INFLATED + 1)
    if len(raw) > MAX_DIGEST_INFLATED or inflate.unconsumed_tail or not inflate.eof:
        return None
    return raw


def from_markdown(text: str, name: str | None, source: str) -> Baseline | None:
    """The digest of the rodeo ``name`` inside a README or comment body, if there is one.

    Never raises: a corrupted, truncated, oversized or forged digest is no baseline (None).
    """
    for m in _DIGEST.finditer(text):
        if (m.group("id") or None) != name or len(m.group("data")) > MAX_DIGEST_CHARS:
            continue
        try:
            raw = _gunzip(base64.b64decode(m.group("data"), validate=True))
            if raw is None:
                continue
            data = json.loads(raw)
        except (binascii.Error, zlib.error, ValueError, RecursionError):
            continue
        found = _baseline(data, source)
        if found is not None and found.name == name:
            return found
    return None


def _baseline(data: Any, source: str) -> Baseline | None:
    if not isinstance(data, dict) or data.get("kind") != "rodeo-baseline":
        return None
    name = data.get("name") if isinstance(data.get("name"), str) else None
    at = data.get("generated_at") if isinstance(data.get("generated_at"), str) else None
    return Baseline(name=name, generated_at=at, cells=_cells(data.get("cells")), source=source)


class _Text:
    """A file's UTF-8 text, decoded as it is read, in pieces no bigger than what is being parsed: JSON
    values are parsed one at a time from ``buf[pos:]``, and what was parsed is dropped."""

    def __init__(self, fd: int, limit: int) -> None:
        self.fd, self.limit, self.read_bytes = fd, limit, 0
        self.decode = codecs.getincrementaldecoder("utf-8-sig")(errors="replace").decode
        self.buf, self.pos, self.eof = "", 0, False

    def more(self) -> bool:
        """Read on: at least 1 MiB, and as much as is buffered unparsed (so a value straddling many
        reads is re-parsed a logarithmic number of times). False at the end or at the limit."""
        if self.eof:
            return False
        want = max(_CHUNK, len(self.buf) - self.pos)
        data = os.read(self.fd, min(want, self.limit + 1 - self.read_bytes))
        self.read_bytes += len(data)
        if self.read_bytes > self.limit:
            raise _TooBig(self.read_bytes)
        self.eof = not data
        if self.pos > _CHUNK and self.pos * 2 > len(self.buf):
            self.buf, self.pos = self.buf[self.pos:], 0
        self.buf += self.decode(data, final=self.eof)
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            m = _WS.match(self.buf, self.pos)
            self.pos = m.end() if m else self.pos
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos: self.pos + 1]

    def punct(self, allowed: str) -> str:
        c = self.peek()
        if not c or c not in allowed:
            raise ValueError(f"expected one of {allowed!r}")
        self.pos += 1
        return c

    def value(self) -> Any:
        """The JSON value here; reads on while it is cut off by the end of the buffer."""
        while True:
            self.peek()
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
                if end < len(self.buf) or self.eof:     # a number at the very end may go on
                    self.pos = end
                    return value
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self.buf) - 8
                if self.eof or not cut:
                    raise
            except RecursionError:
                raise ValueError("nested too deeply") from None
            if not self.more():
                raise ValueError("cut off")


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


_CHUNK = 1 << 20
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder(parse_constant=lambda c: None)   # NaN, Infinity: not JSON; read as nothing
_WANTED = frozenset({"kind", "name", "generated_at"})


def _read_json(text: _Text, source: str) -> Baseline | None:
    """A ``--json`` read as a stream: its top-level keys in order, the cells one by one (never the
    whole object at once), stopping as soon as the baseline is complete. What follows (the merged
    results, four fifths of the file) is neither read nor checked. None: not a rodeo baseline."""
    head: dict[str, Any] = {}
    cells: dict[str, BaselineCell] = {}
    seen_cells = False
    text.punct("{")
    if text.peek() == "}":
        return None
    while True:
        key = text.value()
        if not isinstance(key, str):
            raise ValueError("a key that is not a string")
        text.punct(":")
        if key == "cells" and text.peek() == "{":
            text.punct("{")
            if text.peek() == "}":
                text.punct("}")
            else:
                while True:
                    cid = text.value()
                    if not isinstance(cid, str):
                        raise ValueError("a key that is not a string")
                    text.punct(":")
                    cell = _cell(cid, text.value())
                    if cell is not None:
                        cells[cid] = cell
                    if text.punct(",}") == "}":
                        break
            seen_cells = True
        else:
            value = text.value()
            if key in _WANTED:
                head[key] = value
                if key == "kind" and value != "rodeo-baseline":
                    return None
        if seen_cells and head.keys() >= _WANTED or text.punct(",}") == "}":
            break
    if head.get("kind") != "rodeo-baseline":
        return None
    return Baseline(name=_str(head.get("name")), generated_at=_str(head.get("generated_at")), cells=cells,
                    source=source)


def read(path: Path, name: str | None) -> tuple[Baseline | None, str | None]:
    """``--baseline F``: a previous ``--json``, or a markdown file (a README, a comment) carrying a digest.

    Never raises: (the baseline, None), or (None, why there is none: missing, not a regular file,
    a baseline part over MAX_BASELINE_BYTES, not JSON, not a rodeo baseline, no digest of this rodeo). A
    ``--json`` is streamed and only its baseline part kept, so memory stays near what the baseline holds;
    a markdown file is read whole, up to ``MAX_MARKDOWN_BYTES``. FIFOs and devices are refused before a read can block.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None, "not found"
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    try:
        info = os.fstat(fd)
        if not st.S_ISREG(info.st_mode):
            return None, "not a regular file"
        # a --json is read only up to its baseline part (first in it): its results, as big again at
        # 100,000 cells, do not count against MAX_BASELINE_BYTES
        text = _Text(fd, MAX_BASELINE_BYTES)
        if text.peek() != "{" and info.st_size > MAX_BASELINE_BYTES:
            return None, f"{info.st_size:,} bytes, more than the {MAX_BASELINE_BYTES:,} a baseline may have; not read"
        if text.peek() == "{":
            try:
                got = _read_json(text, str(path))
            except ValueError:
                return None, "not JSON, or cut short (truncated?)"
            return (got, None) if got is not None else (None, "JSON, but not a rodeo baseline (a previous --json)")
        if info.st_size > MAX_MARKDOWN_BYTES:
            return None, (f"{info.st_size:,} bytes of markdown, more than the {MAX_MARKDOWN_BYTES:,} a README "
                          "carrying a digest may have; not read")
        text.limit = MAX_MARKDOWN_BYTES
        while text.more():
            pass
        found = from_markdown(text.buf, name, str(path))
        return (found, None) if found is not None else (None, "holds no digest of this rodeo")
    except _TooBig:
        return None, (f"more than {MAX_BASELINE_BYTES:,} bytes before its baseline part ends (or it grew while "
                      "being read); not read")
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    finally:
        os.close(fd)


def load(path: Path, name: str | None) -> Baseline | None:
    """:func:`read` without the reason: the baseline, or None."""
    return read(path, name)[0]
