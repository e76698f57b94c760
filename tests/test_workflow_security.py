"""The Action's trust boundaries, read from the workflow files themselves (issue 8, "The Action").

- Every workflow starts from ``permissions: {}``; a job asks for what it needs, and a job that runs
  cells (untrusted build and import code) holds ``contents: read`` and nothing else.
- No checkout keeps its credentials on disk for later steps.
- A workflow that runs with a write token on behalf of a fork (``workflow_run``,
  ``pull_request_target``) never checks out, builds or executes anything from the pull request: it
  only reads the saved payload as data and hands its path to ``rodeo post``.
- zizmor runs at its strictest persona in ``scripts/check-workflows``.
- A re-run job uploads its artifact under the same name again: every upload replaces (issue 18, 12).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted([*(ROOT / ".github" / "workflows").glob("*.yml"), *(ROOT / "examples" / "workflows").glob("*.yml")])
PRIVILEGED_TRIGGERS = {"workflow_run", "pull_request_target"}
WRITE = "write"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # "on" stays a key
    return data


def triggers(wf: dict[str, Any]) -> set[str]:
    on = wf["on"]
    return {on} if isinstance(on, str) else set(on)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_workflow_starts_from_no_permissions(path: Path) -> None:
    assert load(path).get("permissions") == {}, f"{path.name}: top-level permissions must be {{}}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_checkout_drops_its_credentials(path: Path) -> None:
    for name, job in load(path)["jobs"].items():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") == "false", f"{path.name}: job {name}"


def test_cell_jobs_hold_only_contents_read() -> None:
    wf = load(ROOT / ".github" / "workflows" / "rodeo.yml")
    runs = [name for name, job in wf["jobs"].items()
            if any(s.get("with", {}).get("command") == "run" for s in job.get("steps", []))]
    assert runs == ["run"]
    for name in runs:
        assert wf["jobs"][name]["permissions"] == {"contents": "read"}
        env = yaml.dump(wf["jobs"][name])
        assert "secrets." not in env and "token" not in env.lower(), "a cell job must not see a token"


@pytest.mark.parametrize("path", [p for p in WORKFLOWS if triggers(load(p)) & PRIVILEGED_TRIGGERS],
                         ids=lambda p: p.name)
def test_privileged_fork_workflows_never_touch_pull_request_code(path: Path) -> None:
    wf = load(path)
    for name, job in wf["jobs"].items():
        for step in job.get("steps", []):
            uses = str(step.get("uses", ""))
            assert not uses.startswith("actions/checkout@"), f"{path.name}: job {name} checks out code"
            assert not uses.startswith("./"), f"{path.name}: job {name} runs a local (PR-controlled) action"
            script = step.get("run", "")
            # The payload is data: the only things a script may do with it are test and name it.
            for verb in ("bash ", "sh ", "source ", ". ", "python", "pip ", "chmod", "unzip", "tar "):
                assert not any(line.strip().startswith(verb) for line in script.splitlines()), (
                    f"{path.name}: job {name} executes {verb.strip()!r}")
            assert "${{" not in script, f"{path.name}: job {name} expands an expression inside run:"
        perms = job.get("permissions", {})
        assert set(perms) <= {"actions", "pull-requests"}, f"{path.name}: job {name} asks for {perms}"
        assert perms.get("contents", "none") != WRITE


def test_fork_recipe_exists() -> None:
    assert any(triggers(load(p)) & PRIVILEGED_TRIGGERS for p in WORKFLOWS)


def test_zizmor_runs_at_its_strictest_persona() -> None:
    script = (ROOT / "scripts" / "check-workflows").read_text()
    assert "--persona=auditor" in script
    policy = yaml.safe_load((ROOT / ".github" / "zizmor.yml").read_text())
    assert set(policy["rules"]) <= {"unpinned-uses", "dangerous-triggers"}, "every zizmor exception is reviewed"


def test_jobs_with_a_token_never_restore_what_a_cell_job_saved() -> None:
    """Cells run untrusted code beside rodeo's cached install (a uv binary); if a run job saved that
    cache under the key the report job restores, a package could plant code in the job with the token."""
    action = yaml.load((ROOT / "action.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    caches = [s for s in action["runs"]["steps"] if str(s.get("uses", "")).startswith("actions/cache@")]
    own = [s for s in caches if "rodeo-action/cache" in s["with"]["path"]]
    assert len(own) == 1
    key = own[0]["with"]["key"]
    assert "inputs.command == 'run' && 'cells' || 'trusted'" in key
    assert "restore-keys" not in own[0]["with"], "a prefix restore could cross the trust split"
    for step in caches:
        if step is not own[0]:
            assert step.get("if", "").startswith("inputs.command == 'run'"), "cell caches are for run jobs only"


def test_every_upload_replaces_the_artifact_of_a_previous_attempt() -> None:
    """"Re-run jobs" keeps the run's artifacts; upload-artifact v4+ refuses a name already taken unless
    ``overwrite: true``, so a re-run run job (``rodeo-<job>``) or report (``rodeo_report``) would fail."""
    uploads = []
    for path in [ROOT / "action.yml", *WORKFLOWS]:
        doc = load(path)
        steps = [*doc.get("runs", {}).get("steps", []),
                 *(s for job in doc.get("jobs", {}).values() for s in job.get("steps", []))]
        for step in steps:
            if str(step.get("uses", "")).startswith("actions/upload-artifact@"):
                uploads.append(step.get("name", path.name))
                assert step.get("with", {}).get("overwrite") == "true", f"{path.name}: {step.get('name')}"
    assert len(uploads) >= 2, uploads   # the run job's results and the report
