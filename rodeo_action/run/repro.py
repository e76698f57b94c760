"""The repro: the bash a person pastes to do what a cell did, without rodeo.

It runs as pasted in a clean container with bash and python3 (root or sudo for apt; a manager PyPI
does not host, such as micromamba or nix-build, on PATH, as its first line says), and twice in a
row with the same verdict: it works in a fresh ``mktemp -d`` folder it names ``$R`` (the recipe is
built for :data:`ROOT`, which every line writes so), and installs a PyPI-hosted manager at the
release the cell used into that folder, unless that release is on PATH already. Nothing of rodeo's
own is in it: not its cache, its checks (``in_repro=False``), nor the comment heading each file it
generates; a file the recipe writes twice (to time create and install apart) is written once, as
it ended.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from rodeo_action.managers import Recipe
from rodeo_action.managers.base import CellSpec, Step, shell_word
from rodeo_action.run.tools import tool_version

ROOT = "@rodeo-repro-root@"      # the cell's folder in the recipe a repro is made from: "$R" in its text
TEST_SCRIPT = "rodeo-test.sh"    # the repro's file for `test:` when it runs through a launcher
OWN_COMMENT = "# Written by rodeo-action"   # how rodeo's heading of a generated file starts
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")   # a manager's executable name, from its matrix file
SUDO = 'SUDO=; if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi'


@dataclass(frozen=True)
class About:
    """What a repro reproduces (its first line says it) and the manager it must find or install."""

    cell_id: str
    manager: str                    # pdm
    python: str                     # 3.11
    started: str                    # the result's started_at, 2026-11-25T13:09:41Z
    version_line: str | None        # the manager's ``--version`` line; pip: "pip 23.2.1" (the venv's own)
    executable: str | None = None   # what the recipe runs by name (pdm, micromamba); None: pip
    pypi: str | None = None         # the PyPI project it is installed from when not on PATH
    windows: bool = False

    @property
    def version(self) -> str | None:
        return tool_version(self.version_line) if self.version_line else None

    def label(self) -> str:
        """``pdm 2.29.4``; ``nix (nix-build 2.8.0)`` when the manager runs another program; the version line
        itself when it names no release."""
        version = self.version or f"[{self.version_line or 'version unknown'}]"
        if self.executable in (None, self.manager):
            return f"{self.manager} {version}"
        return f"{self.manager} ({self.executable} {version})"

    def when(self) -> str:
        try:
            return datetime.strptime(self.started, "%Y-%m-%dT%H:%M:%SZ").strftime("%Y-%m-%d %H:%M UTC")
        except ValueError:
            return self.started


def shown_spec(spec: CellSpec, executable: str | None, index_url: str | None,
               extra_index_urls: tuple[str, ...]) -> CellSpec:
    """The cell as a person reruns it: in :data:`ROOT`, the manager and the Python by name, no cache of
    rodeo's, and only the indexes rodeo.yml names (a proxy of the machine rodeo ran on is not theirs)."""
    return replace(spec, workdir=ROOT, cache_dir=None, tool=executable or f"python{spec.python}",
                   interpreter=f"python{spec.python}" if spec.interpreter else None, index_url=index_url,
                   extra_index_urls=extra_index_urls)


def repro_text(recipe: Recipe, probe_modules: list[str], test: str | None, about: About | None = None,
               root: str | None = None) -> str:
    """Bash a person pastes to reproduce the cell without rodeo.

    ``root``: the folder the recipe was made for, which the repro makes with ``mktemp -d`` and where it
    installs a PyPI-hosted manager; None: the recipe's own paths and tools. ``about`` says what it
    reproduces and which manager it needs.
    """
    steps = shown_steps(recipe.steps)
    lines = [f"# {_one_line(_comment(about, steps))}"] if about else []
    lines.append("set -euo pipefail" if root is not None else "set -e")
    if any(s.as_root for s in steps):
        lines.append(SUDO)
    body = _body(recipe, steps, probe_modules, test, root)
    install = _install(about) if root is not None and about and about.pypi and about.executable else []
    # a folder of its own, unless it would stay empty (apt installs into the system)
    if root is not None and (install or recipe.launcher and test or any(root_ref in line for line in body
                                                                        for root_ref in ("$R", "${R}"))):
        lines += ['R=$(mktemp -d)', 'cd "$R"']
    return "\n".join(lines + install + body)


def _body(recipe: Recipe, steps: list[Step], probe_modules: list[str], test: str | None,
          root: str | None) -> list[str]:
    """The repro after its set-up: the variables, the steps, the import probe and the test."""
    lines = [f"export {k}={shell_word(v, root)}" for k, v in recipe.env if not k.endswith("CACHE_DIR")
             and k != "CONDA_PKGS_DIRS"]
    # the folders the files go into (the cell's own, for a project file) exist in rodeo before its
    # first step; a person pasting the repro starts without them
    folders = [s.write.rsplit("/", 1)[0] for s in steps if s.write and "/" in s.write]
    folders = [f for f in dict.fromkeys(folders) if f != root]
    if folders:
        lines.append(" ".join(["mkdir", "-p", *(shell_word(f, root) for f in folders)]))
    lines += [s.shell(repro=True, root=root) for s in steps]
    if probe_modules:
        code = "; ".join(f"import {m}" for m in probe_modules)
        lines.append(Step("import", recipe.launched(recipe.python, "-c", code)).shell(root=root))
    if test and recipe.launcher:   # as a cell does it: the test in a file, bash run through the launcher
        lines += [Step("test", write=TEST_SCRIPT, content=test).shell(),
                  Step("test", recipe.launched("bash", TEST_SCRIPT)).shell(root=root)]
    elif test:
        path = ":".join(shell_word(d, root) for d in recipe.bin_dirs)
        lines.append(f"PATH={path}:\"$PATH\" bash -c {shell_word(test)}")
    return lines


def shown_steps(steps: tuple[Step, ...]) -> list[Step]:
    """The steps a person repeats: no check of rodeo's own, each file written once as it ended (where it
    was first written), without rodeo's heading comment; a command run again with nothing written in
    between (pixi's second ``install``, once its manifest is written once) runs once."""
    kept = [s for s in steps if s.in_repro]
    final = {s.write: s.content for s in kept if s.write is not None}
    out: list[Step] = []
    for step in kept:
        if step.write is not None:
            if step.write not in final:
                continue
            step = replace(step, content=without_own_comment(final.pop(step.write)))
        elif out and replace(out[-1], phase=step.phase) == step:
            continue
        out.append(step)
    return out


def without_own_comment(content: str) -> str:
    """``content`` without rodeo's heading comment (the leading ``#`` lines of a file it generated)."""
    if not content.startswith(OWN_COMMENT):
        return content
    lines = content.splitlines(keepends=True)
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    return "".join(lines[i:])


def _comment(about: About, steps: list[Step]) -> str:
    tail = ""
    if any(s.as_root for s in steps):
        tail = f"; needs {about.executable or 'it'}, as root or with sudo"
    elif about.executable and not about.pypi:
        tail = f"; needs {about.executable} on PATH"
    return f"rodeo-action cell {about.cell_id}: {about.label()}, Python {about.python}, {about.when()}{tail}"


def _install(about: About) -> list[str]:
    """The manager at the cell's release, from PyPI into ``$R/tools`` (linked alone into ``$R/bin``, so
    the tools' own Python and pip stay off PATH), unless that release is on PATH already."""
    assert about.pypi and about.executable and _PLAIN.fullmatch(about.executable), about   # matrix data
    exe = about.executable + (".exe" if about.windows else "")
    bin_dir = "Scripts" if about.windows else "bin"
    python = "python" if about.windows else "python3"
    version = about.version
    found = shell_word(about.executable)
    check = f"command -v {found}" + (f" && {found} --version | grep -qwF {shell_word(version)}" if version else "")
    requirement = f"{about.pypi}=={version}" if version else about.pypi
    return [f"if ! {{ {check}; }} >/dev/null 2>&1; then",
            f'  {python} -m venv "$R/tools"',
            f'  "$R/tools/{bin_dir}/pip" install -q {shell_word(requirement)}',
            f'  mkdir "$R/bin"; ln -s "$R/tools/{bin_dir}/{exe}" "$R/bin/"',
            '  export PATH="$R/bin:$PATH"',
            "fi"]


def _one_line(text: str) -> str:
    """A comment stays one line whatever a cell id or a version line holds."""
    return "".join(c if c.isprintable() else "?" for c in text)

