"""Every fault, at every request, of every publishing scenario: nothing published twice, nothing claimed
that was not published, exit 0 only when all of it landed (else 3), never a traceback, never the token;
and the re-run that follows (fault-free) ends exactly where a fault-free run ends.

How: each scenario is seeded once on one fake GitHub and checkpointed.  A fault-free run from the
checkpoint gives the expected end state and the request sequence (N requests).  Then, for each
position i < N and each fault kind that applies to that request's method (``faults.kinds_for``), the
fake is restored, the fault is planned at request index i, and the real CLI (``rodeo report`` /
``rodeo post``, in-process: ``cli.main``, real PyGithub over HTTP) runs; the invariants are checked,
then a fault-free re-run.  Pairs of faults (i, j), in both orders of kinds, are walked on one scenario:
a sample in the fast suite, all of them under ``-m exhaustive``.

The counts walked are printed (``-s``) and asserted, so a change of the request sequence is seen.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from rodeo_action import cli
from rodeo_action.report.markers import comment_marker
from tests.fakegithub import BOT, Checkpoint, FakeGitHub, faults
from tests.ghscenario import BROKEN, README, TOKEN, Rodeo, pr_event, push_event

NOW = dt.datetime(2025, 6, 1, 5, 0, 0, tzinfo=dt.timezone.utc)
NUMPY = BROKEN.__class__(kind="no-matching-distribution", package="numpy", summary="no wheel of numpy for cp312")
TWO = {"uv-geo-ubuntu-latest-py3.12": BROKEN, "pip-geo-ubuntu-latest-py3.12": BROKEN,
       "uv-np-ubuntu-latest-py3.12": NUMPY, "pip-np-ubuntu-latest-py3.12": NUMPY}
BUILD = BROKEN.__class__(kind="build-failed", package="cartopy", summary="error: command 'gcc' failed")
MOVED = {**TWO, "uv-geo-ubuntu-latest-py3.12": BUILD, "pip-geo-ubuntu-latest-py3.12": BUILD}   # cartopy's cause
CLIENT_TIMEOUT = 1            # RODEO_GITHUB_TIMEOUT: whole seconds (PyGithub asserts an int)
SLOW = 1.3                    # a "slow" fault answers this late: after the client gave up
COMMENT_MARKER = comment_marker("demo")


class _Now(dt.datetime):
    """The CLI's clock, fixed: a run and its re-run render the same text (as a re-run of the job does)."""

    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> _Now:
        return cls.fromtimestamp(NOW.timestamp(), tz)


# -- one run of the CLI, in-process ----------------------------------------------------------------

@dataclass
class Outcome:
    code: int
    out: str
    err: str
    logs: str
    crash: str = ""               # a traceback, if the CLI raised

    @property
    def text(self) -> str:
        return self.out + self.err + self.logs + self.crash


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def run_cli(argv: list[str], environ: dict[str, str], cwd: Path) -> Outcome:
    """``rodeo ARGV`` as the console script runs it, with this environment, cwd and a fixed clock."""
    import os
    import traceback

    out, err, records = io.StringIO(), io.StringIO(), _Records()
    root = logging.getLogger()
    saved_env, saved_cwd, saved_level = dict(os.environ), os.getcwd(), root.level
    crash = ""
    root.addHandler(records)
    root.setLevel(logging.DEBUG)
    try:
        os.environ.clear()
        os.environ.update(environ)
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _fixed_clock():
            try:
                code = cli.main(argv)
            except SystemExit as exc:     # argparse
                code = int(exc.code or 0)
            except BaseException:
                crash = traceback.format_exc()
                code = -1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        root.removeHandler(records)
        root.setLevel(saved_level)
    return Outcome(code, out.getvalue(), err.getvalue(), "\n".join(records.lines), crash)


@contextlib.contextmanager
def _fixed_clock() -> Iterator[None]:
    names = vars(cli)          # the module's own `datetime` name, as `from datetime import datetime` bound it
    saved = names["datetime"]
    names["datetime"] = _Now
    try:
        yield
    finally:
        names["datetime"] = saved


# -- the world as a reader sees it -----------------------------------------------------------------

_KEY = re.compile(r"<!-- rodeo:issue id=demo key=(\S+) -->")


def world(fake: FakeGitHub) -> dict[str, Any]:
    """The published state, without ids, numbers or timestamps: what a fault-free run must equal."""
    r = fake.repo()
    issues: dict[str, list[Any]] = {}
    for i in fake.issues:
        m = _KEY.search(i.body or "")
        key = m.group(1) if m else f"#{i.number} {i.title}"
        issues.setdefault(key, []).append((i.title, i.body, i.state, i.state_reason, tuple(i.labels),
                                           tuple(c.body for c in fake.comments(i.number))))
    return {
        "readme": fake.file("README.md"),
        "commits": [(c.message, c.path) for c in fake.commits],
        "labels": sorted((lab.name, lab.color, lab.description) for lab in r.labels.values()),
        "issues": issues,
        "pr comments": {n: [(c.user["login"], c.body) for c in fake.comments(n)] for n in sorted(r.pulls)},
        "pulls": sorted((p.number, p.head, r.issues[p.number].state) for p in r.pulls.values()),
    }


def diff(a: Any, b: Any, where: str = "") -> str:
    """Where two worlds first differ, briefly."""
    if a == b:
        return ""
    if isinstance(a, dict) and isinstance(b, dict):
        return "; ".join(d for k in sorted({*a, *b}, key=str)
                         if (d := diff(a.get(k), b.get(k), f"{where}/{k}")))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)}: {_short(a)} != {_short(b)}"
        return "; ".join(d for i, (x, y) in enumerate(zip(a, b, strict=True)) if (d := diff(x, y, f"{where}[{i}]")))
    if isinstance(a, str) and isinstance(b, str):
        i = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        return f"{where} at {i}: …{a[max(0, i - 60):i + 80]!r} != …{b[max(0, i - 60):i + 80]!r}"
    return f"{where}: {_short(a)} != {_short(b)}"


def _short(x: Any) -> str:
    text = repr(x)
    return text if len(text) < 300 else text[:300] + "…"


# -- scenarios -------------------------------------------------------------------------------------

@dataclass
class Scenario:
    """A publishing run to walk: ``seed`` brings the fake to the state before it, ``argv``/``env`` run it."""

    name: str
    seed: Callable[[FakeGitHub, Rodeo], None]
    command: Callable[[FakeGitHub, Rodeo], tuple[list[str], dict[str, str]]]
    issues: bool = False
    comment: str = "always"


def _env(fake: FakeGitHub, rodeo: Rodeo, event: str | None, payload: dict[str, Any] | None,
         ref: str = "refs/heads/main", **extra: str) -> dict[str, str]:
    import os

    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RODEO_"))}
    environ.update(fake.env(TOKEN), RODEO_GITHUB_THROTTLE="0", RODEO_GITHUB_TIMEOUT=str(CLIENT_TIMEOUT),
                   GITHUB_REF=ref, GITHUB_RUN_ID="77")
    if event is not None:
        environ["GITHUB_EVENT_NAME"] = event
        environ["GITHUB_EVENT_PATH"] = str(rodeo.event(event, payload or {}))
    environ.update(extra)
    return environ


def _report_argv(rodeo: Rodeo, results: Path, *flags: str) -> list[str]:
    return ["report", "--results", str(results), "--config", str(rodeo.config), *flags]


def _seed_runs(fake: FakeGitHub, rodeo: Rodeo, *failing: dict[str, Any]) -> None:
    """Fault-free pushes before the walked one (the README starts with placeholder markers)."""
    fake.add_file("README.md", README)
    for f in failing:
        argv = _report_argv(rodeo, rodeo.results(f), "--readme", "--issues")
        done = run_cli(argv, _env(fake, rodeo, "push", push_event(fake), GITHUB_SHA=_head(fake)), rodeo.tmp)
        assert done.code == 0, done.text


def _head(fake: FakeGitHub) -> str:
    """The commit a push run builds: Actions sets GITHUB_SHA, and the README is read at it."""
    return fake.repo().refs["main"]


def _push(failing: dict[str, Any]) -> Callable[[FakeGitHub, Rodeo], tuple[list[str], dict[str, str]]]:
    def command(fake: FakeGitHub, rodeo: Rodeo) -> tuple[list[str], dict[str, str]]:
        return (_report_argv(rodeo, rodeo.results(failing), "--readme", "--issues"),
                _env(fake, rodeo, "push", push_event(fake), GITHUB_SHA=_head(fake)))
    return command


def _pr(failing: dict[str, Any]) -> Callable[[FakeGitHub, Rodeo], tuple[list[str], dict[str, str]]]:
    def command(fake: FakeGitHub, rodeo: Rodeo) -> tuple[list[str], dict[str, str]]:
        n = max(fake.pulls)
        return (_report_argv(rodeo, rodeo.results(failing), "--readme", "--comment"),
                _env(fake, rodeo, "pull_request", pr_event(fake, n), ref=f"refs/pull/{n}/merge"))
    return command


def _seed_pr(edit: bool) -> Callable[[FakeGitHub, Rodeo], None]:
    def seed(fake: FakeGitHub, rodeo: Rodeo) -> None:
        _seed_runs(fake, rodeo, {})
        n = fake.open_pr()
        fake.add_comment(n, f"{COMMENT_MARKER} a human quoting the marker")
        if edit:
            argv, environ = _pr({})(fake, rodeo)
            done = run_cli(argv, environ, rodeo.tmp)
            assert done.code == 0 and "comment on #" in done.err, done.text
    return seed


def _seed_fork(fake: FakeGitHub, rodeo: Rodeo) -> None:
    """A fork's PR run saved rodeo-publish.json with its read-only token."""
    _seed_runs(fake, rodeo, {})
    n = fake.open_pr(head_repo="stranger/rodeo")
    fake.token_mode("read-only")
    argv = _report_argv(rodeo, rodeo.results(TWO), "--comment")
    done = run_cli(argv, _env(fake, rodeo, "pull_request", pr_event(fake, n, head_repo="stranger/rodeo"),
                              ref=f"refs/pull/{n}/merge"), rodeo.tmp)
    fake.token_mode("app")
    assert done.code == 0 and (rodeo.tmp / "rodeo-publish.json").exists(), done.text


def _post(fake: FakeGitHub, rodeo: Rodeo) -> tuple[list[str], dict[str, str]]:
    pull = fake.pulls[max(fake.pulls)]
    run = {"head_sha": pull.head_sha, "head_branch": pull.head, "event": "pull_request",
           "head_repository": {"full_name": pull.head_repo}}
    return ["post", "--payload", "rodeo-publish.json"], _env(fake, rodeo, "workflow_run", {"workflow_run": run})


SCENARIOS = {s.name: s for s in [
    Scenario("push-regress", lambda f, r: _seed_runs(f, r, {}), _push(TWO), issues=True),
    Scenario("push-recover", lambda f, r: _seed_runs(f, r, {}, TWO), _push({}), issues=True),
    Scenario("push-change", lambda f, r: _seed_runs(f, r, {}, TWO), _push(MOVED), issues=True),
    Scenario("pr-create", _seed_pr(edit=False), _pr(TWO)),
    Scenario("pr-edit", _seed_pr(edit=True), _pr(TWO)),
    Scenario("post", _seed_fork, _post),
]}


# -- the walk --------------------------------------------------------------------------------------

@dataclass
class Walk:
    """One scenario on one fake: its checkpoint, the fault-free run's end state and request sequence."""

    scenario: Scenario
    fake: FakeGitHub
    rodeo: Rodeo
    argv: list[str]
    env: dict[str, str]
    start: Checkpoint
    expected: dict[str, Any] = field(default_factory=dict)
    sequence: list[tuple[str, str]] = field(default_factory=list)     # (method, op) of the fault-free run
    clean_err: str = ""
    problems: list[str] = field(default_factory=list)
    cases: int = 0

    def run(self) -> Outcome:
        return run_cli(self.argv, self.env, self.rodeo.tmp)

    def case(self, label: str, plan: list[tuple[str, int]]) -> list[tuple[str, str]]:
        """Restore, plan the faults (kind, request index), run, check; then a fault-free re-run, check.
        Returns the faulted run's request sequence (where a second fault can go)."""
        self.cases += 1
        self.fake.restore(self.start)
        for kind, at in plan:
            self.fake.inject(kind, at=at)
        before = world(self.fake)
        got = self.run()
        sequence = [(r.method, r.op or "?") for r in self.fake.requests]
        unused = self.fake.clear_faults()
        after = world(self.fake)
        problems = check(self, got, before, after, faulted=True)
        if unused:
            problems.append(f"a planned fault did not strike ({[u.kind.name for u in unused]})")
        if not problems:
            again = self.run()
            final = world(self.fake)
            problems += [f"re-run: {p}" for p in check(self, again, after, final, faulted=False)]
            if final != self.expected:
                problems.append(f"re-run does not converge: {diff(final, self.expected)}")
        problems += [f"fake: {v}" for v in self.fake.violations]
        if problems:
            self.problems.append(f"{self.scenario.name} {label}: " + " | ".join(problems)
                                 + f"\n    stderr: {got.err.strip()[-1500:]}")
        return sequence


# A 404 on the read that says whether the input exists (the README, the payload's PR): GitHub says it is not
# there, and rodeo believes it.
INPUT_READS = {"repos/get-content": "README.md: not found", "pulls/get": "is not a pull request"}


def input_404(fake: FakeGitHub) -> str | None:
    """The message expected when the fault was a 404 on such a read."""
    return next((INPUT_READS[r.op] for r in fake.requests if r.fault_kind == "404" and r.op in INPUT_READS), None)


def check(walk: Walk, got: Outcome, before: dict[str, Any], after: dict[str, Any], *, faulted: bool) -> list[str]:
    """The invariants of one run (``before``/``after``: the world around it)."""
    p: list[str] = []
    said = input_404(walk.fake) if faulted else None
    if said is not None and not got.crash:
        # Where the README is an output, its absence is the run's bad input: exit 2, nothing published.  In a
        # PR run it only means "no baseline": the comment is published without one (what GitHub said), and
        # the re-run (checked by the caller) brings it where a fault-free run does.
        if got.code == 2 and (said not in got.err or after != before):
            return [f"exit 2 after a 404 on the input, but: said {said!r}: {said in got.err}; "
                    f"published: {diff(after, before)}"]
        if got.code not in (0, 2, 3) or TOKEN in got.text or "Traceback" in got.text:
            return [f"after a 404 on the input: exit {got.code}, token or traceback printed"]
        return duplicates(after)
    if got.crash:
        return [f"traceback: {got.crash.strip().splitlines()[-1]}"]
    if "Traceback" in got.text:
        p.append("a traceback was printed")
    if TOKEN in got.text:
        p.append("the token was printed")
    p += duplicates(after)
    p += claims(walk, got, before, after)
    complete = after == walk.expected
    if got.code == 0 and not complete:
        p.append(f"exit 0 but not all published: {diff(after, walk.expected)}")
    elif got.code not in (0, 3):
        p.append(f"exit {got.code}")
    elif got.code == 3 and complete:
        p.append("exit 3 although everything was published")
    elif got.code == 3 and not faulted:
        p.append("a fault-free run exits 3")
    return p


def duplicates(w: dict[str, Any]) -> list[str]:
    """Nothing published twice."""
    p = []
    for n, comments in w["pr comments"].items():
        ours = [b for login, b in comments if login == BOT["login"] and COMMENT_MARKER in b]
        if len(ours) > 1:
            p.append(f"{len(ours)} rodeo comments on #{n}")
    for key, issues in w["issues"].items():
        if len(issues) > 1:
            p.append(f"{len(issues)} issues for {key} ({[i[2] for i in issues]})")
        for _, _, _, _, labels, comments in issues:
            if len(set(labels)) != len(labels):
                p.append(f"labels repeated on {key}: {labels}")
            heads = [c.split("\n", 1)[0] for c in comments]
            if len(set(heads)) != len(heads):
                p.append(f"a comment posted twice on {key}: {heads}")
    readme = w["readme"] or ""
    if readme.count("<!-- rodeo:start id=demo -->") != 1 or readme.count("<!-- rodeo:end id=demo -->") != 1:
        p.append("the README does not hold exactly one rodeo block")
    return p


_LINE = re.compile(r"^rodeo: (published|not published|FAILED): (.*)$", re.M)


def claims(walk: Walk, got: Outcome, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What the run says it published (or not) against what changed on the fake."""
    p: list[str] = []
    said = [(verb, what) for verb, what in _LINE.findall(got.err)]
    exp = walk.expected
    new_commits = len(after["commits"]) - len(before["commits"])
    readme = [(v, w) for v, w in said if w.startswith("README.md")]
    for verb, what in readme:
        if verb == "published" and (new_commits != 1 or after["readme"] != exp["readme"]):
            p.append(f"claims {what!r}; commits made: {new_commits}")
        if verb != "published" and new_commits:
            p.append(f"says {verb}: {what!r} but committed")
    if walk.scenario.issues and not readme and got.code != 2:
        p.append("says nothing about README.md")
    comment = [(v, w) for v, w in said if w.startswith("comment on #")]
    if walk.scenario.name.startswith(("pr", "post")):
        was, now = _ours(before), _ours(after)
        created, edited = len(now) > len(was), len(now) == len(was) > 0 and now != was
        if not comment:
            p.append("says nothing about the comment")
        for verb, what in comment:
            if verb == "published" and after["pr comments"] != exp["pr comments"]:
                p.append(f"claims {what!r} but the comment is not the expected one")
            if verb == "published" and ((" created" in what) != created or (" edited" in what) != edited):
                p.append(f"claims {what!r} but created={created} edited={edited}")
            if verb != "published" and (created or edited):
                p.append(f"says {verb}: {what!r} but the comment was {'created' if created else 'edited'}")
    for verb, what in said:
        m = re.match(r"issues: (\d+) filed, (\d+) updated, (\d+) closed", what)
        if m and verb == "published":
            filed, updated, closed = (int(x) for x in m.groups())
            p += _issue_counts(before, after, filed, updated, closed)
    if walk.scenario.issues and not any(w.startswith("issues") for _, w in said):
        p.append("says nothing about issues")
    if not any(v == "published" and w.startswith("issues:") for v, w in said):
        if walk.scenario.issues and _issue_counts(before, after, 0, 0, 0):
            p.append("issues changed but no 'published: issues' line")
    return p


def _ours(w: dict[str, Any]) -> list[str]:
    comments = w["pr comments"][max(w["pr comments"])] if w["pr comments"] else []
    return [b for login, b in comments if login == BOT["login"] and COMMENT_MARKER in b]


def _issue_counts(before: dict[str, Any], after: dict[str, Any], filed: int, updated: int, closed: int) -> list[str]:
    b, a = before["issues"], after["issues"]
    real_filed = sum(max(0, len(a[k]) - len(b.get(k, []))) for k in a)
    real_closed = sum(1 for k in a for i, issue in enumerate(a[k]) if issue[2] == "closed"
                      and not (k in b and i < len(b[k]) and b[k][i][2] == "closed"))
    real_updated = sum(1 for k in a for i, issue in enumerate(a[k]) if k in b and i < len(b[k])
                       and issue[2] == "open" and len(issue[5]) > len(b[k][i][5]) and "rodeo:update" in issue[5][-1])
    if (filed, updated, closed) != (real_filed, real_updated, real_closed):
        return [f"claims issues {filed} filed, {updated} updated, {closed} closed; "
                f"happened {real_filed}, {real_updated}, {real_closed}"]
    return []


def prepare(scenario: Scenario, fakes: tuple[FakeGitHub, Checkpoint], tmp: Path) -> Walk:
    """Seed, checkpoint, then the fault-free run (twice: the second must change nothing)."""
    fake, pristine = fakes
    fake.restore(pristine)
    fake.slow_seconds = SLOW
    rodeo = Rodeo(tmp, fake, comment=scenario.comment, issues=scenario.issues)
    scenario.seed(fake, rodeo)
    argv, environ = scenario.command(fake, rodeo)
    walk = Walk(scenario, fake, rodeo, argv, environ, fake.checkpoint())
    fake.restore(walk.start)
    clean = walk.run()
    walk.expected = world(fake)
    walk.sequence = [(r.method, r.op or "?") for r in fake.requests]
    walk.clean_err = clean.err
    assert clean.code == 0 and not clean.crash, clean.text
    assert fake.violations == [], fake.violations
    assert "/repos/octo/rodeo" in clean.logs, "the client's logs are not captured: the token check would miss them"
    problems = check(walk, clean, world_at(walk), walk.expected, faulted=False)
    assert problems == [], problems
    again = walk.run()
    assert again.code == 0 and world(fake) == walk.expected, again.text
    assert all(r.method == "GET" for r in fake.requests[len(walk.sequence):]), "a second run wrote again"
    return walk


def world_at(walk: Walk) -> dict[str, Any]:
    keep = walk.fake.checkpoint()
    walk.fake.restore(walk.start)
    w = world(walk.fake)
    walk.fake.restore(keep)
    return w


def singles(walk: Walk, only: tuple[str, ...] | None = None,
            slow: Callable[[int, str, str], bool] = lambda i, method, op: True) -> list[tuple[str, int, str]]:
    """(kind, position, label) for every position of the fault-free run and every kind that applies there;
    ``slow(i, method, op)`` says where the (one second) "slow" kind is walked."""
    out = []
    for i, (method, op) in enumerate(walk.sequence):
        for kind in faults.kinds_for(method, op, only):
            if kind != "slow" or slow(i, method, op):
                out.append((kind, i, f"{kind}@{i}({method} {op})"))
    return out


def first_write_of_each_op(walk: Walk) -> Callable[[int, str, str], bool]:
    """Where "slow" is walked in the fast suite: the first request of each writing operation.  On a GET it
    acts as ``reset`` does (no answer; retried), and a second write of the same operation takes the same
    path as the first; the full walk (-m exhaustive) puts it everywhere."""
    firsts = {op: i for i, (method, op) in reversed(list(enumerate(walk.sequence))) if method != "GET"}
    return lambda i, method, op: firsts.get(op) == i


PAIR_KINDS = ("502", "done-502", "reset", "done-reset", "403-secondary", "422")


def walk_pairs(walk: Walk, kinds: tuple[str, ...], every: int = 1) -> tuple[int, int]:
    """Faults at i and then at j > i (j in the faulted run's own sequence), each kind that applies there,
    so every ordered pair of kinds; ``every``: walk one pair in that many (a deterministic sample).
    Returns (first faults, pairs walked)."""
    firsts = singles(walk, kinds)
    n = 0
    for kind1, i, label1 in firsts:
        sequence = walk.case(label1, [(kind1, i)])
        for j in range(i + 1, len(sequence)):
            for kind2 in faults.kinds_for(*sequence[j], kinds):
                n += 1
                if n % every == 0:
                    walk.case(f"{label1}+{kind2}@{j}({' '.join(sequence[j])})", [(kind1, i), (kind2, j)])
    return len(firsts), n // every


@pytest.fixture(scope="module")
def fakes() -> Iterator[tuple[FakeGitHub, Checkpoint]]:
    """One fake for the module (its port, hence the run URLs in bodies, stays) and its pristine state."""
    with FakeGitHub() as f:
        yield f, f.checkpoint()


def _report(walk: Walk, what: str, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    with capsys.disabled():
        print(f"\nfaultwalk {walk.scenario.name}: {what}")
    if os.environ.get("RODEO_FAULTWALK_LOG"):
        with open(os.environ["RODEO_FAULTWALK_LOG"], "a", encoding="utf-8") as fh:
            fh.write(f"== {walk.scenario.name}: {what}\n" + "".join(f"{p}\n" for p in walk.problems))
    assert walk.problems == [], f"{len(walk.problems)} of {walk.cases} cases broke an invariant:\n" + "\n".join(
        walk.problems[:40])


def _walk_singles(walk: Walk, full: bool) -> str:
    cases = singles(walk, slow=(lambda i, m, o: True) if full else first_write_of_each_op(walk))
    for kind, i, label in cases:
        walk.case(label, [(kind, i)])
    kinds = sorted({k for k, _, _ in cases})
    return (f"{len(walk.sequence)} requests {[f'{m} {o}' for m, o in walk.sequence]}; "
            f"{len(cases)} single-fault cases over {len(kinds)} kinds")


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_single_fault(name: str, fakes: tuple[FakeGitHub, Checkpoint], tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    walk = prepare(SCENARIOS[name], fakes, tmp_path)
    _report(walk, _walk_singles(walk, full=False), capsys)


@pytest.mark.exhaustive
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_single_fault_slow_everywhere(name: str, fakes: tuple[FakeGitHub, Checkpoint], tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    walk = prepare(SCENARIOS[name], fakes, tmp_path)
    _report(walk, _walk_singles(walk, full=True), capsys)


PAIR_SAMPLE = 10    # the fast suite walks one pair in this many


@pytest.mark.parametrize("name", ["push-recover"])
def test_pairs_of_faults_sampled(name: str, fakes: tuple[FakeGitHub, Checkpoint], tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    walk = prepare(SCENARIOS[name], fakes, tmp_path)
    firsts, walked = walk_pairs(walk, PAIR_KINDS, every=PAIR_SAMPLE)
    _report(walk, f"{firsts} first faults, {walked} pairs (one in {PAIR_SAMPLE}) over kinds {PAIR_KINDS}", capsys)


@pytest.mark.exhaustive
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_every_pair_of_faults(name: str, fakes: tuple[FakeGitHub, Checkpoint], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    walk = prepare(SCENARIOS[name], fakes, tmp_path)
    firsts, walked = walk_pairs(walk, PAIR_KINDS)
    _report(walk, f"{firsts} first faults, {walked} pairs over kinds {PAIR_KINDS}", capsys)
