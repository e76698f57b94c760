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


def _cache_steps(kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(file, job, step) of every actions/cache/<kind> step in action.yml and the workflows."""
    out = []
    for path in [ROOT / "action.yml", *WORKFLOWS]:
        doc = load(path)
        jobs = {"(action)": {"steps": doc.get("runs", {}).get("steps", [])}, **doc.get("jobs", {})}
        for job, body in jobs.items():
            out += [(path.name, job, s) for s in body.get("steps", [])
                    if str(s.get("uses", "")).startswith(f"actions/cache/{kind}@")]
    return out


def test_only_a_default_branch_report_writes_the_baseline_the_run_jobs_read() -> None:
    """The run jobs isolate regressions against a baseline the plan restores from the cache (issue 14 B).
    A pull request, another branch or a job that ran cells must never be what writes it: the one save is
    the report job's (no package code runs there), on a push or dispatch of the default branch or a
    schedule; the run jobs get the plan's choice as an artifact and touch no cache of it."""
    saves, restores = _cache_steps("save"), _cache_steps("restore")
    assert [(f, j) for f, j, _ in saves] == [("rodeo.yml", "report")]
    assert [(f, j) for f, j, _ in restores] == [("rodeo.yml", "plan")]
    wf = load(ROOT / ".github" / "workflows" / "rodeo.yml")
    report = wf["jobs"]["report"]["steps"]
    keep = next(s for s in report if s.get("id") == "keep")
    cond = " ".join(keep["if"].split())
    assert "github.event_name == 'schedule'" in cond
    assert "contains(fromJSON('[\"push\",\"workflow_dispatch\"]'), github.event_name)" in cond
    assert "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)" in cond
    assert "pull_request" not in cond and "inputs.isolate" in cond
    save = saves[0][2]
    assert "steps.keep.outputs.saved == 'true'" in save["if"]
    assert report.index(keep) < report.index(save)
    # The report job (a write token) never restores the baseline, and no cell job saves or restores it.
    assert "run" not in {j for _, j, _ in saves + restores}
    # `rodeo_baseline-`: no cache key a run job saves (all `rodeo-…`) can match the plan's restore prefix.
    assert saves[0][2]["with"]["key"].startswith("${{ needs.plan.outputs.baseline-key }}-")
    key_step = next(s for s in wf["jobs"]["plan"]["steps"] if s.get("id") == "baseline-key")
    assert "key=rodeo_baseline-" in key_step["run"]
    action = yaml.load((ROOT / "action.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    for step in action["runs"]["steps"]:
        if str(step.get("uses", "")).startswith("actions/cache@"):
            assert step["with"]["key"].startswith("rodeo-"), step["with"]["key"]


def test_the_run_jobs_baseline_carries_no_token() -> None:
    """The baseline reaches the cells' job as a file path in `with: baseline`, from an artifact of this run."""
    wf = load(ROOT / ".github" / "workflows" / "rodeo.yml")
    run = wf["jobs"]["run"]
    action = next(s for s in run["steps"] if s.get("with", {}).get("command") == "run")
    assert "baseline" in action["with"] and "token" not in yaml.dump(run).lower()
    plan = wf["jobs"]["plan"]
    assert plan["permissions"] == {"contents": "read"}
    assert "secrets." not in yaml.dump(plan) and "github.token" not in yaml.dump(plan)
