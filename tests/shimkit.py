"""Shim executables for managers that cannot reach their channels here (conda family, pixi, nix, spack).

A shim is a small Python script placed on PATH under the manager's name. It records every call
(argv, cwd, selected environment) as one JSON line in ``$RODEO_SHIM_LOG`` and then runs the
behaviour a test gives it: print the tool's own message and exit non-zero, or build a fake
environment (a real ``venv`` with stub modules and dist-info) where the real tool would, so the
runner's import probe and resolved-version reading run for real against it.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn, cast

from rodeo_action.managers.base import Phase, Recipe, Step

PREAMBLE = '''\
import json, os, sys
_log = os.environ.get("RODEO_SHIM_LOG")
if _log:
    with open(_log, "a", encoding="utf-8") as _fh:
        _fh.write(json.dumps({"tool": os.path.basename(sys.argv[0]), "argv": sys.argv[1:], "cwd": os.getcwd(),
                              "env": {k: v for k, v in os.environ.items()
                                      if k.startswith(("CONDA", "MAMBA", "PIXI", "NIX", "SPACK", "RODEO_SHIM"))}})
                  + "\\n")
'''


def write_shim(bin_dir: Path, name: str, body: str) -> Path:
    """Write an executable ``bin_dir/name`` that logs its call, then runs ``body`` (Python)."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    path = bin_dir / name
    path.write_text(f"#!{sys.executable}\n{PREAMBLE}\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def read_log(log: Path) -> list[dict[str, object]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


def fake_env(prefix: Path, packages: dict[str, str], modules: dict[str, str] | None = None,
             activate: dict[str, str] | None = None) -> Path:
    """A real venv at ``prefix`` (python at prefix/bin/python) holding stub distributions.

    ``packages`` maps distribution name -> version (a dist-info is written for each, so the
    probe reads real metadata); ``modules`` maps module name -> source (default: an empty module
    named after each distribution); ``activate`` maps name -> a script that conda's activation
    sources, written to ``etc/conda/activate.d/NAME.sh`` as conda-forge packages ship them.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(prefix)], check=True)
    site = next((prefix / "lib").glob("python3*/site-packages"))
    for dist, version in packages.items():
        module = dist.replace("-", "_").lower()
        info = site / f"{module}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "top_level.txt").write_text(module + "\n")
        (info / "RECORD").write_text(f"{module}.py,,\n")
        (info / "INSTALLER").write_text("shim\n")
    for module, source in (modules or {dist.replace("-", "_").lower(): "" for dist in packages}).items():
        (site / f"{module}.py").write_text(source)
    for name, script in (activate or {}).items():
        (prefix / "etc" / "conda" / "activate.d").mkdir(parents=True, exist_ok=True)
        (prefix / "etc" / "conda" / "activate.d" / f"{name}.sh").write_text(script + "\n")
    return prefix / "bin" / "python"


# What activation does before the command runs: the prefix's scripts sourced, then the command exec'ed
# (so a signal that ends it reaches the caller as it would without a launcher).
ACTIVATE = 'for f in "$CONDA_PREFIX"/etc/conda/activate.d/*.sh; do if [ -e "$f" ]; then . "$f"; fi; done; exec "$@"'
RUN_OPTIONS = {"-p": 1, "--manifest-path": 1, "--no-capture-output": 0, "--frozen": 0}


def run_in_env(args: list[str]) -> NoReturn:
    """Act out ``conda|mamba|micromamba run -p PREFIX [--no-capture-output] CMD...`` and ``pixi run
    --manifest-path M [--frozen] CMD...`` (``args`` from ``run`` on) for a shim: the environment
    activated - ``CONDA_PREFIX`` set, its ``bin`` first on PATH, its ``etc/conda/activate.d/*.sh``
    sourced - then CMD. An option the tools' ``run`` does not take here is refused, as they would."""
    rest, prefix = args[1:], None
    while rest and rest[0].startswith("-"):
        flag = rest.pop(0)
        if flag not in RUN_OPTIONS:
            sys.exit(f"shim: run: unknown option {flag}")
        value = rest.pop(0) if RUN_OPTIONS[flag] else ""
        if flag == "-p":
            prefix = Path(value)
        elif flag == "--manifest-path":
            prefix = Path(value).parent / ".pixi" / "envs" / "default"
    if prefix is None or not rest:
        sys.exit("shim: run needs -p PREFIX or --manifest-path FILE, and a command")
    env = {**os.environ, "CONDA_PREFIX": str(prefix),
           "PATH": f"{prefix / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    script = 'exec "$@"' if os.environ.get("RODEO_SHIM_SKIP_ACTIVATION") else ACTIVATE   # a control for tests
    for name in ("SIGPIPE", "SIGXFSZ"):   # Python ignores these, and an ignored signal stays ignored across exec
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    os.execvpe("bash", ["bash", "-c", script, "shim-run", *rest], env)


def shim_env(bin_dir: Path, log: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment with the shims first on PATH and the call log set."""
    env = dict(base if base is not None else os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["RODEO_SHIM_LOG"] = str(log)
    return env


@dataclass(frozen=True)
class Call:
    """One logged shim invocation."""

    tool: str
    argv: list[str]
    cwd: str
    env: dict[str, str]


def calls(log: Path) -> list[Call]:
    return [Call(str(c["tool"]), [str(a) for a in cast(list[object], c["argv"])], str(c["cwd"]),
                 {str(k): str(v) for k, v in cast(dict[object, object], c["env"]).items()}) for c in read_log(log)]


@dataclass(frozen=True)
class Outcome:
    failed: Step | None
    output: str

    @property
    def failed_phase(self) -> Phase | None:
        return self.failed.phase if self.failed else None


def execute(recipe: Recipe, env: dict[str, str]) -> Outcome:
    """Run a recipe's steps as the runner does: write files, run argv lists (no shell), stop at a failure."""
    full = {**env, **dict(recipe.env)}
    output = []
    for step in recipe.steps:
        if step.write is not None:
            Path(step.write).parent.mkdir(parents=True, exist_ok=True)
            Path(step.write).write_text(step.content, encoding="utf-8")
            continue
        proc = subprocess.run(list(step.argv), cwd=step.cwd, env={**full, **dict(step.env)},
                              capture_output=True, text=True, timeout=120)
        output.append(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            return Outcome(step, "".join(output))
    return Outcome(None, "".join(output))


def run_cell_with_shims(manager: str, packages: list[str], bin_dir: Path, log: Path,
                        tmp_path: Path, test: str | None = None, python: str = "3.12") -> tuple[dict[str, object], str]:
    """``python -m rodeo_action run --cell ...`` with the shims in ``bin_dir`` first on PATH: the
    result JSON and the log, exactly as the runner writes them."""
    import json

    import yaml

    config = tmp_path / "rodeo.yml"
    config.write_text(yaml.safe_dump({"packages": packages, "managers": [manager], "os": ["ubuntu-latest"],
                                      "python": [python], **({"test": test} if test else {})}), encoding="utf-8")
    env = shim_env(bin_dir, log)
    env.update(RODEO_CACHE_DIR=str(tmp_path / "cache"), RUNNER_TEMP=str(tmp_path / "work"))
    cell = f"{manager}-all-ubuntu-latest-py{python}"
    argv = [sys.executable, "-m", "rodeo_action", "run", "--cell", cell, "--config", str(config),
            "--output", str(tmp_path / "out")]
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result: dict[str, object] = json.loads((tmp_path / "out" / f"{cell}.json").read_text(encoding="utf-8"))
    return result, (tmp_path / "out" / f"{cell}.log").read_text(encoding="utf-8")
