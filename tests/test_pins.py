"""Pins stay true: scripts/verify-pins against local git remotes, and the pins' records (issue 18, 3-6).

scripts/verify-pins runs `git ls-remote` on GitHub in the nightly; here ``--remote-base`` points it at
bare repositories made in a temporary folder, with a lightweight and an annotated tag and a commit
no ref points at, so both a pass and each kind of mismatch are seen. The other tests hold the records
together: every `with:` key rodeo passes is an input of the action at its pinned commit (as read into
matrix/actions.yml), the act shims accept no input upstream lacks, the verification is in
docs/action.md, Dependabot watches the actions, and the nightly runs the script.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "verify-pins"
PINS = yaml.safe_load((ROOT / "matrix" / "actions.yml").read_text(encoding="utf-8"))
WORKFLOWS = sorted([*(ROOT / ".github" / "workflows").glob("*.yml"), *(ROOT / "examples" / "workflows").glob("*.yml"),
                    *(ROOT / "tests" / "act" / "workflows").glob("*.yml")])
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run([*GIT, "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def verify(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root), *args], capture_output=True, text=True,
                          timeout=120)


# --- a tiny GitHub: bare repositories under remotes/OWNER/REPO ------------------------------------------

class Upstream:
    """acme/tool: v1.0.0 (lightweight) -> c1, v2.0.0 (annotated) -> c2, main -> c3;
    acme/lib: a commit no ref points at (c1), tag 1.0 and main at c2."""

    def __init__(self, tmp: Path) -> None:
        self.base = tmp / "remotes"
        work = tmp / "work"
        self.tool = self._repo(work / "tool", "acme/tool", 3)
        git(work / "tool", "tag", "v1.0.0", self.tool[0])
        git(work / "tool", "tag", "-a", "-m", "v2", "v2.0.0", self.tool[1])
        self.lib = self._repo(work / "lib", "acme/lib", 2)
        git(work / "lib", "tag", "1.0", self.lib[1])
        for name in ("tool", "lib"):
            git(work / name, "push", "-q", "--tags", str(self.base / "acme" / name), "main")
        self.tag_object = git(self.base / "acme" / "tool", "rev-parse", "v2.0.0")

    def _repo(self, path: Path, slug: str, n: int) -> list[str]:
        path.mkdir(parents=True)
        git(path, "init", "-q")
        shas = []
        for i in range(n):
            (path / "f").write_text(f"{slug} {i}")   # distinct commits in each repository
            git(path, "add", "f")
            git(path, "commit", "-q", "-m", f"c{i}")
            shas.append(git(path, "rev-parse", "HEAD"))
        bare = self.base / slug
        subprocess.run([*GIT, "init", "-q", "--bare", str(bare)], check=True)
        # As GitHub serves it: any reachable commit by SHA, partial clone filters.
        git(bare, "config", "uploadpack.allowReachableSHA1InWant", "true")
        git(bare, "config", "uploadpack.allowFilter", "true")
        return shas


def tree(tmp: Path, uses: str, pins: dict[str, Any] | None = None, actions: dict[str, Any] | None = None) -> Path:
    root = tmp / "tree"
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / "action.yml").write_text(f"runs:\n  using: composite\n  steps:\n    - uses: {uses}\n", encoding="utf-8")
    (root / ".github" / "workflows" / "w.yml").write_text(f"jobs:\n  j:\n    steps:\n      - uses: {uses}\n",
                                                          encoding="utf-8")
    if pins is not None:
        (root / "matrix" / "managers").mkdir(parents=True)
        (root / "matrix" / "managers" / "lib.yml").write_text(yaml.safe_dump({"name": "lib", "pins": pins}),
                                                              encoding="utf-8")
    if actions is not None:
        (root / "matrix").mkdir(exist_ok=True)
        (root / "matrix" / "actions.yml").write_text(yaml.safe_dump(actions), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Upstream:
    return Upstream(tmp_path_factory.mktemp("upstream"))


def test_verify_pins_passes_when_every_pin_is_its_tag(upstream: Upstream, tmp_path: Path) -> None:
    lib = "https://github.com/acme/lib/archive/{lib-rev}.tar.gz"
    root = tree(tmp_path, f"acme/tool@{upstream.tool[1]} # v2.0.0",   # annotated: peeled
                pins={"lib": lib, "lib-rev": upstream.lib[0],          # a commit no ref points at
                      "lib-version": "not-a-tag", "tool": "https://github.com/acme/tool", "tool-ref": "v1.0.0",
                      "tool-rev": upstream.tool[0], "channel": "https://channels.example.org/x.tar.xz"},
                actions={"acme/tool": {"sha": upstream.tool[0], "version": "v1.0.0",
                                       "refs": {"lib_ref": {"repo": "acme/lib", "sha": upstream.lib[1],
                                                            "version": "1.0"}}}})
    proc = verify(root, "--remote-base", str(upstream.base))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verify-pins: 4 of 4 pins hold" in proc.stdout, proc.stdout
    assert f"ok    acme/tool@{upstream.tool[1][:12]} # v2.0.0  (action.yml:4 and 1 more)" in proc.stdout
    assert "not a git ref  https://channels.example.org/x.tar.xz" in proc.stdout


@pytest.mark.parametrize("case", ["wrong-tag", "no-such-tag", "no-such-commit", "no-comment", "tag-elsewhere",
                                  "no-such-branch", "unknown-repo"])
def test_verify_pins_fails_on_each_kind_of_mismatch(upstream: Upstream, tmp_path: Path, case: str) -> None:
    t, missing = upstream.tool, "0123456789abcdef0123456789abcdef01234567"
    uses, pins = f"acme/tool@{t[0]} # v1.0.0", None
    expect = {
        "wrong-tag": (f"acme/tool@{t[0]} # v2.0.0", f"tag v2.0.0 is {t[1][:12]}, not {t[0][:12]} (tags at "
                                                    f"{t[0][:12]}: ['v1.0.0'])"),
        "no-such-tag": (f"acme/tool@{t[2]} # v3.0.0", f"no tag 'v3.0.0' in acme/tool (tags at {t[2][:12]}: none)"),
        "no-such-commit": (f"acme/tool@{missing} # v1.0.0", "tag v1.0.0 is"),
        "no-comment": (f"acme/tool@{t[0]}", "a SHA pin without its version in a comment"),
        "unknown-repo": (f"acme/nothing@{t[0]} # v1.0.0", "git ls-remote"),
    }
    if case in expect:
        uses, message = expect[case]
    elif case == "tag-elsewhere":
        pins = {"lib": "https://github.com/acme/lib/", "lib-ref": "refs/tags/1.0", "lib-rev": upstream.lib[0]}
        message = f"tag refs/tags/1.0 is {upstream.lib[1][:12]}, not {upstream.lib[0][:12]}"
    else:
        pins = {"lib": "https://github.com/acme/lib/archive/{lib-rev}.tar.gz", "lib-rev": "release-9"}
        message = "no tag or branch 'release-9' in acme/lib"
    proc = verify(tree(tmp_path, uses, pins=pins), "--remote-base", str(upstream.base))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL" in proc.stdout and message in proc.stdout, proc.stdout


def test_verify_pins_checks_a_bare_commit_by_fetching_it(upstream: Upstream, tmp_path: Path) -> None:
    ok = tree(tmp_path / "ok", f"acme/tool@{upstream.tool[0]} # v1.0.0",
              pins={"lib": "https://github.com/acme/lib/archive/{lib-rev}.tar.gz", "lib-rev": upstream.lib[0]})
    assert verify(ok, "--remote-base", str(upstream.base)).returncode == 0
    bad = tree(tmp_path / "bad", f"acme/tool@{upstream.tool[0]} # v1.0.0",
               pins={"lib": "https://github.com/acme/lib/archive/{lib-rev}.tar.gz", "lib-rev": "f" * 40})
    proc = verify(bad, "--remote-base", str(upstream.base))
    assert proc.returncode == 1 and f"acme/lib has no commit {'f' * 40}" in proc.stdout, proc.stdout


def test_verify_pins_refuses_bad_input(tmp_path: Path) -> None:
    root = tree(tmp_path, "acme/tool@" + "a" * 40 + " # v1")
    (root / "matrix").mkdir()
    (root / "matrix" / "actions.yml").write_text("a: [unclosed\n", encoding="utf-8")
    proc = verify(root, "--list")
    assert proc.returncode == 2 and "matrix/actions.yml: cannot read it" in proc.stderr
    assert "Traceback" not in proc.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert verify(empty, "--list").returncode == 2


def test_verify_pins_finds_every_pin_of_this_repository() -> None:
    """--list (no network): every `uses:` SHA, every matrix/actions.yml entry and `refs`, and each GitHub
    URL of matrix/managers/*.yml pins, read generically (their keys change as recipes are fixed)."""
    proc = verify(ROOT, "--list")
    assert proc.returncode == 0, proc.stderr
    listed = {tuple(line.split()[:3]) for line in proc.stdout.splitlines() if not line.startswith("not a git ref")}
    for repo, entry in PINS.items():
        assert (repo, entry["sha"], entry["version"]) in listed, repo
        for ref in entry.get("refs", {}).values():
            assert (ref["repo"], ref["sha"], ref["version"]) in listed
    for path in sorted((ROOT / "matrix" / "managers").glob("*.yml")):
        pins = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("pins") or {}
        repos = {m.group(1) for v in pins.values() if isinstance(v, str)
                 for m in [re.match(r"https://github\.com/([\w.-]+/[\w.-]+?)(?:\.git)?(?:/|$)", v)] if m}
        for repo in repos:
            assert any(line.startswith(f"{repo}  ") and path.name in line for line in proc.stdout.splitlines()), \
                f"{path.name}: {repo} not checked"
    uses = set(re.findall(r"uses:\s*([\w.-]+/[\w.-]+)@([0-9a-f]{40})", (ROOT / "action.yml").read_text()))
    assert uses and all(any(line.startswith(f"{r}  {s}  ") for line in proc.stdout.splitlines()) for r, s in uses)


# --- the records ----------------------------------------------------------------------------------------

def with_keys() -> list[tuple[str, str, set[str]]]:
    out = []
    for path in [ROOT / "action.yml", *WORKFLOWS]:
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        steps = [*doc.get("runs", {}).get("steps", []),
                 *(s for j in doc.get("jobs", {}).values() for s in j.get("steps", []))]
        for step in steps:
            repo = str(step.get("uses", "")).partition("@")[0]
            if repo in PINS:
                out.append((path.name, repo, set(step.get("with", {}))))
    return out


def test_every_input_passed_exists_at_the_pinned_commit() -> None:
    seen = set()
    for name, repo, keys in with_keys():
        unknown = sorted(keys - set(PINS[repo]["inputs"]))
        assert not unknown, f"{name}: {repo} has no input {unknown} at its pinned commit"
        seen.add(repo)
    assert {"prefix-dev/setup-pixi", "spack/setup-spack", "mamba-org/setup-micromamba"} <= seen
    assert "configuration" not in PINS["prefix-dev/setup-pixi"]["inputs"]
    assert "set_as_trusted_user" in PINS["cachix/install-nix-action"]["inputs"]


@pytest.mark.parametrize("shim", sorted((ROOT / "tests" / "act" / "shims").glob("*/action.yml")),
                         ids=lambda p: p.parent.name)
def test_act_shims_accept_only_upstream_inputs(shim: Path) -> None:
    repo = next(r for r in PINS if r.split("/")[1] == shim.parent.name)
    inputs = set(yaml.safe_load(shim.read_text(encoding="utf-8")).get("inputs", {}))
    assert inputs <= set(PINS[repo]["inputs"]), f"{shim.parent.name}: {sorted(inputs - set(PINS[repo]['inputs']))}"
    passed = set().union(*(keys for _, r, keys in with_keys() if r == repo))
    assert passed <= inputs, f"{shim.parent.name} lacks {sorted(passed - inputs)} that rodeo passes"


def test_every_pin_records_its_verification() -> None:
    docs = (ROOT / "docs" / "action.md").read_text(encoding="utf-8")
    assert "Pins verified on 2026-12-07" in docs
    for repo, entry in PINS.items():
        assert str(entry["verified"]["date"]) == "2026-12-07", repo
        assert entry["version"] in entry["verified"].get("tags", [entry["version"]]), repo
        row = re.search(rf"^\| `{re.escape(repo)}` \| `{re.escape(entry['version'])}` \| `{entry['sha']}` \|",
                        docs, re.M)
        assert row, f"docs/action.md: no verification row for {repo}"
        for ref in entry.get("refs", {}).values():
            assert re.search(rf"^\| `{re.escape(ref['repo'])}` \| `{re.escape(ref['version'])}` \| `{ref['sha']}` \|",
                             docs, re.M), ref["repo"]


def test_spack_refs_agree_with_the_spack_recipe() -> None:
    """The Spack recipe records the release it was written for; the action must check out that one."""
    refs = PINS["spack/setup-spack"]["refs"]
    recipe = (yaml.safe_load((ROOT / "matrix" / "managers" / "spack.yml").read_text(encoding="utf-8")) or {})
    pins = recipe.get("pins") or {}
    if not pins:
        pytest.skip("matrix/managers/spack.yml records no release")
    assert pins.get("spack-rev", refs["spack_ref"]["sha"]) == refs["spack_ref"]["sha"]
    assert pins.get("spack-packages-rev", refs["packages_ref"]["sha"]) == refs["packages_ref"]["sha"]
    assert pins.get("spack-ref", refs["spack_ref"]["version"]) == refs["spack_ref"]["version"]


def test_dependabot_watches_the_actions() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    actions = [u for u in config["updates"] if u["package-ecosystem"] == "github-actions"]
    assert actions and {"/"} <= {d for u in actions for d in [u.get("directory"), *u.get("directories", [])] if d}
    assert "check-jsonschema" in (ROOT / "scripts" / "check-workflows").read_text() and \
        "vendor.dependabot" in (ROOT / "scripts" / "check-workflows").read_text()


def test_the_nightly_runs_verify_pins() -> None:
    nightly = yaml.load((ROOT / ".github" / "workflows" / "rodeo-nightly.yml").read_text(encoding="utf-8"),
                        Loader=yaml.BaseLoader)
    jobs = [j for j in nightly["jobs"].values()
            if any("scripts/verify-pins" in s.get("run", "") for s in j.get("steps", []))]
    assert len(jobs) == 1
    job = jobs[0]
    assert job["permissions"] == {"contents": "read"} and "timeout-minutes" in job
    assert SCRIPT.stat().st_mode & 0o111, "scripts/verify-pins must be executable"
