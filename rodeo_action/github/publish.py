"""The glue of publishing: every input (report, config, event, flags, client factory, environment,
streams) comes in as an argument, so tests drive it whole and the CLI stays a few lines.

Each step (README, comment, issues) is tried on its own: a failure is logged and the others still
run.  The closing log says exactly what was and was not published, and why.  Exit code: 0; 2 when
the input was wrong (README markers missing, the README to update not found); 3 when a write failed
after retries, or when the baseline could not be read from GitHub (then nothing is published: what
is rendered without it would drop the history the digest carries; the re-run publishes).  A
read-only token (a PR from a fork, or "Resource not accessible by integration" on the first write)
is not a failure: the comment is saved as ``rodeo-publish.json`` for ``rodeo post``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rodeo_action.config import Config, ReportSettings
from rodeo_action.errors import InputError
from rodeo_action.github import client as C
from rodeo_action.github import comment as sticky
from rodeo_action.github import payload as P
from rodeo_action.github import readme as R
from rodeo_action.github.context import Event
from rodeo_action.github.decide import Asked, Decision, Target, decide
from rodeo_action.report import history, render
from rodeo_action.report.escape import md
from rodeo_action.report.history import Baseline
from rodeo_action.report.markers import comment_marker, replace_block
from rodeo_action.report.model import Report

if TYPE_CHECKING:
    from github import Github
    from github.IssueComment import IssueComment
    from github.Repository import Repository


Connect = Callable[[C.ClientSettings], "Github"]


class Session:
    """One report's view of GitHub: the client (made on first use) and the reads it shares.

    The baseline lookup and the publish steps read the same comment and README, so each is
    fetched once: that, a lazy repository and the default branch from the event payload keep a
    report within its API budget.  A read that failed is remembered as failed: the step that needs
    it fails with the same error, rather than reading again and publishing a body rendered without
    the baseline (a README committed then would drop the history its digest carries).
    """

    def __init__(self, settings: C.ClientSettings | None, event: Event, connect: Connect = C.connect) -> None:
        self.settings = settings
        self.event = event
        self._connect = connect
        self._gh: Github | None = None
        self._login: str | None = None
        self._default: str | None = event.default_branch
        self._comments: dict[str, IssueComment | None | Exception] = {}
        self._files: dict[tuple[str, str], R.ReadmeFile | Exception] = {}
        self.baseline_error: Exception | None = None   # reading the baseline failed (not: there was none)

    @property
    def gh(self) -> Github:
        if self.settings is None:
            raise RuntimeError("no GitHub token")
        if self._gh is None:
            self._gh = self._connect(self.settings)
        return self._gh

    @property
    def repo(self) -> Repository:
        assert self.settings is not None
        return self.gh.get_repo(self.settings.repository)

    def login(self) -> str:
        if self._login is None:
            self._login = sticky.my_login(self.gh)
        return self._login

    def default_branch(self) -> str:
        """From the event payload; else one request."""
        if self._default is None:
            self._default = str(self.repo.default_branch)
        return self._default

    def comment(self, number: int, marker: str) -> IssueComment | None:
        if marker not in self._comments:
            self._comments[marker] = _outcome(lambda: sticky.find(self.repo, number, marker, self.login()))
        got = self._comments[marker]
        if isinstance(got, Exception):
            raise got
        return got

    def readme(self, path: str, ref: str) -> R.ReadmeFile:
        got = self._files.get((path, ref))
        if got is None:
            got = self._files[(path, ref)] = _outcome(lambda: R.read(self.repo, path, ref))
        if isinstance(got, Exception):
            raise got
        return got


def _outcome(read: Callable[[], Any]) -> Any:
    """What ``read()`` returns, or the error it raised (GitHub's, or the input's): kept for the next asker."""
    from github import GithubException
    from requests import RequestException

    try:
        return read()
    except (GithubException, RequestException, InputError) as exc:
        return exc


def start(environ: Mapping[str, str], connect: Connect = C.connect) -> Session:
    from rodeo_action.github.context import from_environ

    return Session(C.ClientSettings.from_environ(environ), from_environ(environ), connect)


def _readme_ref(session: Session) -> str:
    """Where the README is read: the commit this run built on the default branch, else the branch."""
    ev = session.event
    on_default = ev.name in ("push", "schedule", "workflow_dispatch") and ev.branch == session.default_branch()
    return ev.sha if on_default and ev.sha else session.default_branch()


def fetch_baseline(session: Session, config: Config | None, asked: Asked,
                   say: Callable[[str], None]) -> Baseline | None:
    """The baseline GitHub holds when ``--baseline`` is not given: the README's digest on the default
    branch — for a pull request too, so its comment shows what it changes against the default branch,
    the same on a re-run of the job and on its next push — else (no README digest) the sticky comment's.

    A read that failed is said and recorded in ``session.baseline_error``; :func:`publish` then holds back
    what would be rendered without the history the digest carries (a README or an issue published then
    would overwrite it), and the re-run publishes.  A README that is not there is no baseline, unless
    this run is to update it (then it is the run's bad input)."""
    from github import GithubException
    from requests import RequestException

    if session.settings is None or not asked.any:
        return None
    name = config.name if config else None
    settings = config.report if config else ReportSettings()
    ev = session.event
    absent: InputError | None = None
    try:
        if settings.readme and (asked.readme or asked.comment or asked.issues):
            try:
                current = session.readme(settings.readme, _readme_ref(session))
            except InputError as exc:
                absent = session.baseline_error = exc
            else:
                base = history.from_markdown(current.text, name, settings.readme)
                if base is not None:
                    say(f"baseline: the digest in {settings.readme} on {session.default_branch()}")
                    return base
        if ev.is_pr and ev.pr_number is not None and asked.comment and settings.comment != "off":
            found = session.comment(ev.pr_number, comment_marker(name))
            base = history.from_markdown(found.body or "", name, "the sticky comment") if found else None
            if base is not None:
                say(f"baseline: the digest in the sticky comment on #{ev.pr_number}")
                return base
    except (GithubException, RequestException) as exc:
        session.baseline_error = exc
        say(f"baseline: none (reading it from GitHub failed: {C.describe(exc)})")
        return None
    if absent is not None:
        say(f"baseline: none ({absent})")
        return None
    say("baseline: none found on GitHub (first run?); no changes shown")
    return None


@dataclass
class Log:
    """What was and was not published, said as it happens and summed up at the end."""

    err: TextIO
    token: str | None
    done: list[str] = field(default_factory=list)
    not_done: list[str] = field(default_factory=list)
    code: int = 0

    def say(self, line: str) -> None:
        print(C.redact(f"rodeo: {line}", self.token), file=self.err)

    def published(self, what: str) -> None:
        self.done.append(what)
        self.say(f"published: {what}")

    def skipped(self, what: str, why: str) -> None:
        self.not_done.append(f"{what}: {why}")
        self.say(f"not published: {what}: {why}")

    def failed(self, what: str, why: str, code: int) -> None:
        self.not_done.append(f"{what}: FAILED: {why}")
        self.say(f"FAILED: {what}: {why}")
        self.code = max(self.code, code)   # 3 (a service failed) over 2 (bad input)

    def close(self) -> None:
        print(C.redact("rodeo: GitHub: published " + (", ".join(self.done) or "nothing"), self.token), file=self.err)
        if self.not_done:
            print(C.redact("rodeo: GitHub: not published: " + "; ".join(self.not_done), self.token), file=self.err)


@dataclass
class _Run:
    report: Report
    config: Config | None
    session: Session
    asked: Asked
    log: Log
    out: TextIO
    environ: Mapping[str, str]
    payload_path: Path
    read_only: str | None = None
    only_edit: bool = False              # comment: changes, and nothing changed: update, never create

    @property
    def settings(self) -> ReportSettings:
        return self.config.report if self.config else ReportSettings()

    @property
    def name(self) -> str | None:
        return self.report.name

    @cached_property
    def render_settings(self) -> render.Settings:
        """One for the run: its outputs share the templates it loads."""
        return render.Settings.from_config(self.config)


def _guard(run: _Run, what: str, step: Callable[[], None], on_read_only: Callable[[], None] | None = None) -> None:
    """Run one step; its failure is logged and classified, never raised past the other steps."""
    from github import GithubException
    from requests import RequestException

    try:
        step()
    except InputError as exc:
        run.log.failed(what, str(exc), 2)
    except GithubException as exc:
        if C.is_read_only(exc):
            run.read_only = f"the token is read-only here ({C.describe(exc)} on the first write)"
            if on_read_only is not None:
                on_read_only()
            else:
                run.log.skipped(what, run.read_only)
        else:
            run.log.failed(what, f"{C.describe(exc)} (after retries)", 3)
    except RequestException as exc:
        run.log.failed(what, f"{type(exc).__name__} talking to GitHub (after retries)", 3)


def _step_readme(run: _Run) -> None:
    path = run.settings.readme
    assert path is not None
    s = run.session
    branch = s.default_branch()
    current = s.readme(path, _readme_ref(s))
    block = render.readme_block(run.report, run.render_settings)
    message = f"rodeo: update the {run.name or 'rodeo'} block in {path} [skip ci]"
    after = run.settings.issues.after
    if run.asked.dry_run:
        new = replace_block(current.text, block, run.name, path)
        same = new == current.text or R.same_results(current.text, new, run.name, after)
        run.log.skipped(path, "dry run: " + ("unchanged, would not commit" if same else
                                             f"would commit to {branch} (mode {run.settings.readme_mode})"))
        if not same:
            print(f"--- {path} block (dry run) ---\n{block}", file=run.out)
        return
    if run.settings.readme_mode == "pull-request":
        base_sha = current.ref if current.ref != branch else s.repo.get_git_ref(f"heads/{branch}").object.sha
        done = R.propose(s.repo, current, block, run.name, branch, base_sha, message, after)
    else:
        done = R.commit(s.repo, current, block, run.name, branch, message, after)
    if done.action == "unchanged":
        run.log.skipped(path, done.detail)
    else:
        run.log.published(done.detail)


def _save_payload(run: _Run, why: str) -> None:
    ev = run.session.event
    assert ev.pr_number is not None
    if run.only_edit:   # `rodeo post` could only create one: a fork's comment is saved when something changed
        run.log.skipped(f"comment on #{ev.pr_number}", "comment: changes, and nothing changed since the baseline")
        return
    body = render.comment(run.report, run.render_settings)
    dig = history.digest_in(body, run.report.name)     # the comment's own, maybe smaller than the README's
    repository = ev.repository or (run.session.settings.repository if run.session.settings else "")
    P.write(run.payload_path, P.make(repository, ev.pr_number, run.name, body, dig if dig in body else "", why))
    run.log.skipped(f"comment on #{ev.pr_number}", f"{why}; saved {run.payload_path} for `rodeo post --payload "
                    f"{run.payload_path.name}` in a workflow_run workflow that holds a write token")


def _step_comment(run: _Run) -> None:
    ev = run.session.event
    number = ev.pr_number
    assert number is not None
    if run.read_only:
        _save_payload(run, run.read_only)
        return
    marker = comment_marker(run.name)
    body = render.comment(run.report, run.render_settings)
    found = run.session.comment(number, marker)
    if run.only_edit and found is None:
        run.log.skipped(f"comment on #{number}", "comment: changes, and nothing changed since the baseline")
        return
    if run.asked.dry_run:
        run.log.skipped(f"comment on #{number}", "dry run: would " + ("edit" if found else "create") + " it")
        print(f"--- comment on #{number} (dry run) ---\n{body}", file=run.out)
        return
    done = sticky.upsert(run.session.repo, number, body, marker, run.session.login(), found)
    run.log.published(f"comment on #{number} {done.action}" + (f" ({done.url})" if done.url else ""))


def _step_issues(run: _Run) -> None:
    from rodeo_action.github.issues import sync_issues

    if run.read_only:
        run.log.skipped("issues", run.read_only)
        return
    outcome = sync_issues(run.session.repo, run.report, run.settings.issues, run.render_settings,
                          dry_run=run.asked.dry_run, say=run.log.say)
    filed, updated, closed = len(outcome.filed), len(outcome.updated), len(outcome.closed)
    held, failed = outcome.held, outcome.failed
    line = f"issues: {filed} filed, {updated} updated, {closed} closed"
    if run.asked.dry_run:
        would = outcome.would.line() if outcome.would is not None else "unknown (the open issues could not be read)"
        run.log.skipped("issues", f"dry run: would be {would}")
    elif filed or updated or closed:
        run.log.published(line)
    elif not failed:
        run.log.skipped("issues", "nothing to file, update or close")
    if held:
        run.log.skipped(f"issues held back ({len(held)})", ", ".join(held))
        target = run.environ.get("GITHUB_STEP_SUMMARY")
        if target and not run.asked.dry_run:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write("\n### Culprits without an issue yet\n\n" + "".join(f"- {md(h, 200)}\n"
                                                                              for h in held))
    if failed and all("Resource not accessible by" in f for f in failed):
        run.read_only = "the token is read-only here (HTTP 403: Resource not accessible by integration)"
        run.log.skipped("issues", run.read_only)
    else:
        for f in failed:
            run.log.failed("issues", f, 3)


def _decision(run: _Run) -> Decision:
    ev = run.session.event
    default: str | None = ev.default_branch
    if default is None and run.session.settings is not None and (
            ev.name in ("push", "workflow_dispatch") or (ev.name is None and (run.asked.readme or run.asked.issues))):
        from github import GithubException
        from requests import RequestException

        try:
            default = run.session.default_branch()
        except (GithubException, RequestException) as exc:
            run.log.say(f"the default branch could not be read ({C.describe(exc)})")
    return decide(ev, run.asked, run.settings, default, run.report.has_baseline, bool(run.report.changes))


def publish(report: Report, config: Config | None, session: Session, asked: Asked, out: TextIO, err: TextIO,
            environ: Mapping[str, str], payload_path: Path = Path(P.FILENAME)) -> int:
    """Publish what the event and flags call for; returns the exit code (0, 2 or 3)."""
    log = Log(err, session.settings.token if session.settings else None)
    run = _Run(report, config, session, asked, log, out, environ, payload_path)
    if not asked.any:
        return 0
    decision = _decision(run)
    run.read_only = decision.read_only
    run.only_edit = decision.comment.only_edit
    number = session.event.pr_number
    steps: list[tuple[str, Target, Callable[[], None], Callable[[], None] | None]] = [
        (run.settings.readme or "README", decision.readme, lambda: _step_readme(run), None),
        (f"comment on #{number}" if number else "comment", decision.comment, lambda: _step_comment(run),
         lambda: _save_payload(run, run.read_only or "read-only token")),
        ("issues", decision.issues, lambda: _step_issues(run), None),
    ]
    if session.settings is None:
        why = "no GITHUB_TOKEN or GITHUB_REPOSITORY in the environment"
        for what, target, _, _ in steps:
            log.skipped(what, why if target.publish else target.why)
        log.close()
        return 0
    if asked.dry_run:
        log.say("dry run: nothing is sent to GitHub (reads only)")
    exc = session.baseline_error
    bad_input = isinstance(exc, InputError)
    if exc is not None and not asked.dry_run and (decision.readme.publish or not bad_input):
        why = (f"the baseline could not be read ({exc if bad_input else C.describe(exc)}); nothing rendered "
               "without it is published, as it would drop the history the digest carries")
        for what, target, _, _ in steps:
            if target.publish:
                log.failed(what, why, 2 if bad_input else 3)
            else:
                log.skipped(what, target.why)
        log.close()
        return log.code
    for what, target, step, on_read_only in steps:
        if not target.publish:
            log.skipped(what, target.why)
        elif run.read_only and on_read_only is None:
            log.skipped(what, run.read_only)
        else:
            _guard(run, what, step, on_read_only)
    log.close()
    return log.code
