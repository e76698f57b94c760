"""Which outputs a run publishes: a pure function of the event, the flags and the config.

On GitHub Actions the event decides where each output may go and the flags choose among those:
the README and issues only from default-branch runs (a push to it, a schedule, a dispatch on it),
the sticky comment only on pull requests.  Without an event (someone running ``rodeo report`` by
hand with a token) a flag forces its output: ``--readme`` commits to the default branch,
``--issues`` files; ``--comment`` still needs a PR number from ``GITHUB_EVENT_PATH``.
"""

from __future__ import annotations

from dataclasses import dataclass

from rodeo_action.config import ReportSettings
from rodeo_action.github.context import DEFAULT_BRANCH_EVENTS, Event


@dataclass(frozen=True)
class Asked:
    """The CLI flags ``--readme --comment --issues --dry-run``."""

    readme: bool = False
    comment: bool = False
    issues: bool = False
    dry_run: bool = False

    @property
    def any(self) -> bool:
        return self.readme or self.comment or self.issues


@dataclass(frozen=True)
class Target:
    publish: bool
    why: str                             # said in the log either way
    only_edit: bool = False              # bring an existing comment up to date, create none


@dataclass(frozen=True)
class Decision:
    readme: Target
    comment: Target
    issues: Target
    read_only: str | None = None         # known before any write: why the token cannot write


def default_branch_run(event: Event, default_branch: str | None) -> tuple[bool, str]:
    """(is this a run of the default branch, the reason in words)."""
    if event.name is None:
        return True, "run by hand (no GITHUB_EVENT_NAME): the flag forces it, on the default branch"
    if event.name == "schedule":
        return True, "scheduled run (always on the default branch)"
    if event.name not in DEFAULT_BRANCH_EVENTS:
        return False, f"a {event.name} run, not a run of the default branch"
    if default_branch is None or event.branch is None:
        return False, f"{event.name} run on {event.ref or 'an unknown ref'}; the default branch is unknown"
    if event.branch != default_branch:
        return False, f"{event.name} run on {event.branch}, not on the default branch {default_branch}"
    return True, f"{event.name} run on the default branch {default_branch}"


def decide(event: Event, asked: Asked, settings: ReportSettings, default_branch: str | None,
           has_baseline: bool, has_changes: bool) -> Decision:
    on_default, where = default_branch_run(event, default_branch)

    def gate(flag: str, asked_for: bool, enabled: bool, off_why: str) -> Target:
        if not asked_for:
            return Target(False, f"not asked (no --{flag})")
        if not enabled:
            return Target(False, off_why)
        if not on_default:
            return Target(False, where)
        return Target(True, where)

    readme = gate("readme", asked.readme, bool(settings.readme), "report.readme is off in the config")
    issues = gate("issues", asked.issues, settings.issues.enabled, "report.issues.enabled is false in the config")

    if not asked.comment:
        comment = Target(False, "not asked (no --comment)")
    elif settings.comment == "off":
        comment = Target(False, "report.comment is off in the config")
    elif event.name is not None and not event.is_pr:
        comment = Target(False, f"a {event.name} run, not a pull request")
    elif event.pr_number is None:
        comment = Target(False, "no pull request number in GITHUB_EVENT_PATH")
    elif settings.comment == "changes" and has_baseline and not has_changes:
        # a comment from an earlier push may still show a change this one undid: it is brought up to date
        comment = Target(True, "comment: changes, and nothing changed since the baseline", only_edit=True)
    else:
        comment = Target(True, f"pull request #{event.pr_number}")

    read_only = None
    if event.from_fork:
        read_only = (f"pull request #{event.pr_number} comes from the fork {event.head_repo}: GitHub gives its "
                     "run a read-only token")
    return Decision(readme=readme, comment=comment, issues=issues, read_only=read_only)
