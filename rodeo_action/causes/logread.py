"""What `rodeo explain` reads: a log, read within bounds, and whether it shows a failure at all.

The classifier explains *failures*; fed a log that did not fail, it finds the most informative
line of a passing install (TensorFlow's "Could not find cuda drivers") and calls it the cause.
So a gate stands in front of it. A rodeo cell log says what happened in rodeo's own lines: the
``# rodeo cell <id>: …`` header, ``# unavailable: …`` or ``# n/a: …`` for a cell that did not run,
the import probe's step and its verdicts (``cartopy: ok``), the test step after it, and rodeo's
notes on a timeout, an interrupt or a memory kill; its result file beside it (``<id>.json``), when
there, says the verdict outright. A cell that passed, did not run or was interrupted is named
as such (:class:`Reading`), never classified; a timeout or a memory kill is rodeo's verdict, not
the tools' output. Whatever else failed goes to the classifier, with the phase the log (or its
result) shows: rodeo's ``# rodeo: phase <name>`` notes (written as each phase starts), else the
probe's and test's steps, else what the tools printed (:mod:`~rodeo_action.causes.logphase`); a log
rodeo did not write is read that way too, and one whose install finished with nothing failing after
it is a pass. ``--phase`` or ``--manager`` send any failure there.

Reading is bounded: at most the first ``HEAD`` and the last ``TAIL`` bytes of a file (a 1 GB log
costs a seek, not a gigabyte), a stream (``-``, a pipe) up to ``STREAM_CAP``; a folder, a block
device, a missing file, an archive or binary content is one line (:class:`~rodeo_action.errors.InputError`).
"""

from __future__ import annotations

import os
import re
import stat as st
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from rodeo_action.causes import logphase
from rodeo_action.errors import InputError
from rodeo_action.results import Cause, Result

HEAD = 256 << 10            # bytes read from a log's start: rodeo's header, the first steps
TAIL = 2 << 20              # and from its end, where failures are
STREAM_CAP = 64 << 20       # a pipe is read up to this much (its head and tail kept), then no further
CHUNK = 1 << 20

_HEADER = re.compile(r"^# rodeo cell (?P<id>\S+): (?P<manager>[\w-]+) installing ", re.M)
_PROBE = re.compile(r"^\$ .*probe\.py .*\.rodeo-probe", re.M)
_STEP = re.compile(r"^\$ ", re.M)
_NEXT = re.compile(r"^(?:\$ |# rodeo: phase )", re.M)     # what ends a step's output
# the step that runs the config's `test:` (bash -c, or its script through a manager's launcher), not a file written
_TEST = re.compile(r"^\$ (?!cat > |: > ).*(?:\bbash -c |\bbash \S*rodeo-test\.sh)", re.M)
# a verdict line of the import probe: a module, then "ok", "crashed the interpreter (…)" or an exception
_VERDICT = re.compile(r"(?P<module>[A-Za-z_][\w.]*): (?P<verdict>ok|crashed the interpreter \(.*\)|"
                      r"[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)(?:: .*)?)")
_UNAVAILABLE = re.compile(r"^# unavailable: (?P<why>.+)$", re.M)
_NA = re.compile(r"^# n/a: (?P<why>.+)$", re.M)
_INTERRUPTED = re.compile(r"^# rodeo: interrupted before this cell finished", re.M)
_TIMEOUT = re.compile(r"^# rodeo: the cell exceeded its timeout of (?P<t>\S+?)s during (?P<phase>\w+)", re.M)
_MEMORY = re.compile(r"^# rodeo: the cell's processes held .* of memory during \w+, more than the limit of "
                     r"(?P<limit>.+?) \((?P<source>.+)\); they were killed", re.M)
_INTERNAL = re.compile(r"^# rodeo: internal error", re.M)
_PHASE = re.compile(r"^# rodeo: phase (?P<phase>\w+)$", re.M)
_CELL_ID = re.compile(r"[\w.+-]+")
# bytes a text log holds only by accident: C0 controls other than tab, newlines, form feed, backspace, ESC
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\b\x1b")
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)


@dataclass(frozen=True)
class Reading:
    """What a log says without the classifier: ``kind`` is ``pass``, ``unavailable``, ``n/a``,
    ``interrupted``, ``empty``, or a failure's cause that rodeo itself decided (``failure``): a
    timeout, a memory kill, a full disk, its own error."""

    kind: str
    summary: str
    package: str | None = None
    failure: bool = False


@dataclass(frozen=True)
class Failure:
    """A failed log for the classifier: the phase it failed in and the manager, as far as the log shows,
    and the cause its result recorded (it knows the package a failed import belongs to; the log does not)."""

    phase: str | None
    manager: str | None
    recorded: Cause | None = None
    why: str | None = None      # how the phase is known, for a person: "inferred: …", "from <cell>.json"


# -- reading, bounded --------------------------------------------------------------------------------


def read(name: str) -> str:
    """The log's text (``-``: standard input): head and tail of a big one; InputError for what is no log."""
    if name == "-":
        return _decode(_stream(sys.stdin.buffer), "standard input")
    if "\0" in name:
        raise InputError("the log's path holds a NUL byte; expected a log file")
    path = Path(name)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise InputError(f"{name}: no such file; expected a log file (or - for standard input)") from None
    except IsADirectoryError:
        raise InputError(_folder(name)) from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror}); expected a log file") from None
    try:
        info = os.fstat(fd)
        if st.S_ISDIR(info.st_mode):
            raise InputError(_folder(name))
        if not (st.S_ISREG(info.st_mode) or st.S_ISFIFO(info.st_mode) or st.S_ISSOCK(info.st_mode)
                or st.S_ISCHR(info.st_mode)):
            raise InputError(f"{name}: not a regular file (a block device?); expected a log file")
        if not st.S_ISREG(info.st_mode):        # a pipe, <(…), a terminal: read as it comes
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = _ends(fh, info.st_size) if st.S_ISREG(info.st_mode) else _stream(fh, name)
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror}); expected a log file") from None
    finally:
        os.close(fd)
    return _decode(data, name)


def _folder(name: str) -> str:
    return f"{name}: a folder, not a log; expected one log file, e.g. rodeo-results/<cell>.log"


def _ends(fh: BinaryIO, size: int) -> bytes:
    if size <= HEAD + TAIL:
        return fh.read(HEAD + TAIL)
    head = fh.read(HEAD)
    fh.seek(size - TAIL)
    tail = fh.read(TAIL)
    return head + f"\n[… rodeo explain: {size - HEAD - TAIL:,} bytes skipped …]\n".encode() + tail


def _stream(fh: BinaryIO, name: str = "standard input") -> bytes:
    head = b""
    tail = b""
    total = 0
    while total < STREAM_CAP:
        chunk = fh.read(CHUNK)
        if not chunk:
            break
        total += len(chunk)
        if len(head) < HEAD:
            take = HEAD - len(head)
            head, chunk = head + chunk[:take], chunk[take:]
            if len(head) >= HEAD:        # /dev/urandom: said at once, not after 64 MB
                _refuse_binary(head, name)
        tail = (tail + chunk)[-TAIL:]
    skipped = total - len(head) - len(tail)
    return head + (f"\n[… rodeo explain: {skipped:,} bytes skipped …]\n".encode() if skipped > 0 else b"") + tail


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):    # PowerShell's `>` writes UTF-16
        return data.decode("utf-16", "replace")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, "replace")
    _refuse_binary(data, name)
    return data.replace(b"\0", b"").decode("utf-8", "replace")


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` for ASCII-range text in UTF-16 without a byte-order mark (every other byte 0)."""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= half * 0.9 and even == 0:
        return "utf-16-le"
    if even >= half * 0.9 and odd == 0:
        return "utf-16-be"
    return None


def _refuse_binary(data: bytes, name: str) -> None:
    """InputError for what is no text log: an archive (a downloaded Actions log is a zip), NUL bytes,
    or bytes that are mostly control characters or not UTF-8 (a Latin-1 log still passes)."""
    if data.startswith(b"PK\x03\x04"):
        raise InputError(f"{name}: a zip archive (a downloaded GitHub Actions log?), not a log; unzip it and "
                         "explain one log file")
    if data.startswith(b"\x1f\x8b"):
        raise InputError(f"{name}: gzip-compressed, not a text log; e.g. zcat {name} | rodeo explain -")
    if data.startswith((b"\xfd7zXZ\0", b"BZh", b"\x28\xb5\x2f\xfd")):
        raise InputError(f"{name}: compressed (xz, bzip2 or zstd), not a text log; decompress it first")
    if data.count(b"\0") > len(data) // 100:
        raise InputError(f"{name}: binary content (NUL bytes), not a text log; expected a log file")
    sample = data[:HEAD] + data[-HEAD:] if len(data) > 2 * HEAD else data
    controls = len(sample.translate(None, _NOT_CONTROL))
    unreadable = sample.decode("utf-8", "replace").count("\ufffd")
    if sample and (controls + unreadable) * 10 > len(sample):
        raise InputError(f"{name}: binary content (control bytes, not UTF-8), not a text log; expected a log file")


# -- the gate ------------------------------------------------------------------------------------


def sibling_result(name: str, text: str) -> Result | None:
    """The result file beside a rodeo cell log (``<id>.json`` for ``<id>.log``), read as `rodeo report`
    reads one (size cap, schema); None when there is none, it does not match, or it is not readable."""
    header = _HEADER.search(text)
    if header is None or name == "-" or not _CELL_ID.fullmatch(header.group("id")):
        return None
    path = Path(name).with_name(f"{header.group('id')}.json")
    if not path.is_file():
        return None
    from rodeo_action.report.collect import read_result

    got = read_result(path)
    return got if isinstance(got, Result) and got.cell.id == header.group("id") else None


def gate(text: str, result: Result | None = None) -> Reading | Failure:
    """What the log says happened: a :class:`Reading` when no classifier is needed, else the failure."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#@"))
    if not body.strip():
        return Reading("empty", "the log is empty: nothing to explain")
    header = _HEADER.search(body)
    if header is None:
        return _raw(body)
    cell, manager = header.group("id"), header.group("manager")
    if result is not None:
        return _from_result(result, cell)
    return _from_markers(body, header, cell, manager)


def _from_result(result: Result, cell: str) -> Reading | Failure:
    status = result.status
    if status == "pass":
        return Reading("pass", f"no failure in this log: {cell} passed (so says {cell}.json)")
    if status in ("unavailable", "n/a"):
        return Reading(status, result.reason or f"{cell} did not run here")
    cause = result.cause
    if cause is not None and (status != "fail" or cause.kind in ("timeout", "killed", "disk-full")):
        # rodeo's own verdict (a clock, a signal, its own bug), not the tools' output
        return Reading(cause.kind, cause.summary, cause.package, failure=True)
    return Failure(result.phase, result.cell.manager, cause, f"from {cell}.json")


def _raw(body: str) -> Reading | Failure:
    """A log rodeo did not write: a pass when its install finished and nothing failed after it, else the
    failure, with the phase its lines show (None: they show none)."""
    found = logphase.infer(body)
    if found is None:
        return Failure(None, None)
    if found.passed:
        return Reading("pass", f"no failure in this log: {found.why}")
    return Failure(found.phase, None, why=f"inferred: {found.why}")


def _from_markers(body: str, header: re.Match[str], cell: str, manager: str) -> Reading | Failure:
    for pattern, kind in ((_UNAVAILABLE, "unavailable"), (_NA, "n/a")):
        found = pattern.search(body)
        if found:
            return Reading(kind, found.group("why").strip())
    if _INTERRUPTED.search(body):
        return Reading("interrupted", f"rodeo was interrupted before {cell} finished: the log has no verdict")
    timeout = _TIMEOUT.search(body)
    if timeout:
        return Reading("timeout", f"no result after {timeout.group('t')}s (during {timeout.group('phase')})",
                       failure=True)
    memory = _MEMORY.search(body)
    if memory:
        return Reading("killed", f"used more than {memory.group('limit')} of memory (limit: "
                                 f"{memory.group('source')}); killed", failure=True)
    if _INTERNAL.search(body):
        return Reading("error", "rodeo-action itself failed; the traceback is in the log (please report it)",
                       failure=True)
    probes = list(_PROBE.finditer(body))
    marked = [m.group("phase") for m in _PHASE.finditer(body) if m.group("phase") != "lock"]
    if not probes:
        steps = _STEP.search(body, header.end())
        if steps is None:
            return Reading("empty", f"{cell}'s log holds rodeo's header only: no step ran")
        if marked:
            return Failure(marked[-1], manager, why=f'read from the log\'s "# rodeo: phase {marked[-1]}" note')
        inferred = logphase.infer(body[header.end():])     # a log from before rodeo marked its phases
        if inferred is None or inferred.phase is None:
            return Failure(None, manager)
        return Failure(inferred.phase, manager, why=f"inferred: {inferred.why}")
    after = body[probes[-1].end():]
    later = _NEXT.search(after)
    verdicts = _verdicts(after[:later.start()] if later else after)
    if not verdicts or any(v != "ok" for v in verdicts.values()):
        return Failure("import", manager, why="read from the log: the import probe's verdicts")
    test = _TEST.search(after)
    if test is None:     # no test step; steps of rodeo's own after a pass (a lock) are no verdict
        return Reading("pass", f"no failure in this log: every import of {cell} is ok ({', '.join(verdicts)})")
    output = []
    for line in after[test.end():].splitlines()[1:]:
        if line.startswith(("$ ", "# ")):
            break
        output.append(line)
    if not any(line.strip() for line in output):
        return Reading("pass", f"no failure in this log: every import of {cell} is ok and its test printed "
                               f"nothing (the test's exit status is in {cell}.json)")
    return Failure("test", manager, why="read from the log: the test step's output, after every import was ok")


def _verdicts(block: str) -> dict[str, str]:
    """The probe's verdict lines: the run of ``module: verdict`` lines that ends its output, each failed one
    with its traceback under it, indented (blank lines kept blank), which belongs to the verdict."""
    found: dict[str, str] = {}
    for line in reversed(block.rstrip("\n").splitlines()):
        if not line.strip() or line[0] in " \t":
            continue
        m = _VERDICT.fullmatch(line.strip())
        if m is None:
            break
        found[m.group("module")] = m.group("verdict")
    return dict(reversed(found.items()))


@dataclass(frozen=True)
class Explanation:
    """What ``rodeo explain`` says of a log: a cause (or pass/unavailable/empty), and for a failure the
    phase it was read in, how that phase is known, and the manager (``guessed`` from the log)."""

    kind: str
    package: str | None
    summary: str
    phase: str | None = None
    phase_from: str = ""
    manager: str | None = None
    guessed: bool = False


def explain(text: str, result: Result | None = None, manager: str | None = None,
            phase: str | None = None) -> Explanation:
    """Explain a log a person already has: a log that did not fail says so (:func:`gate`); a failed one
    is classified in the phase ``phase`` gives, else a corpus file's ``#@ phase:``, else what the log
    shows (:mod:`~rodeo_action.causes.logphase`), the manager given or guessed. A corpus file's other
    ``#@`` lines are skipped, not read. Pure: ``rodeo explain`` and the corpus table's blind figure."""
    from rodeo_action.causes import classify, guess_manager

    found = gate(text, result)
    if isinstance(found, Reading) and phase is None and not (found.failure and manager):
        return Explanation(found.kind, found.package, found.summary)
    failure = found if isinstance(found, Failure) else Failure(None, None)
    log = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#@"))
    header = re.search(r"^#@ phase: *(\w+)", text, re.M)
    if phase:
        why = "given"
    elif header:
        phase, why = header.group(1), "the log's #@ phase header"
    elif failure.phase:
        phase, why = failure.phase, failure.why or "read from the log"
    else:
        phase, why = "install", "assumed: nothing in the log shows another phase"
    named = manager or failure.manager
    manager = named or guess_manager(text)
    cause = classify(log, phase, manager)
    package = cause.package
    if package is None and failure.recorded is not None and failure.recorded.kind == cause.kind:
        package = failure.recorded.package      # an import's package: the runner knew it, the log does not
    return Explanation(cause.kind, package, cause.summary, phase, why, manager, bool(manager) and not named)
