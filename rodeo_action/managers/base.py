"""The Manager protocol: what one package manager must say to run a cell.

Like pre-commit's ``lang_base.Language``, a manager is a small module exposing a few functions;
the runner does everything common (timing, logs, timeouts, the import probe, the repro). A
manager only turns a :class:`CellSpec` into a :class:`Recipe`: the files to write and the
argument lists to run, for the OS it targets. Recipes are pure data, so the same code produces
the steps rodeo runs, the repro a person pastes, and what the shim tests check for every OS.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Literal, Protocol

from rodeo_action.config import Package

Family = Literal["linux", "macos", "windows"]
Phase = Literal["setup", "create", "install", "import", "test", "lock"]

# What ends a line for some reader of a requirement: pip reads requirements files (pipenv writes one
# per install; mach-nix and conda's --file read them too) with str.splitlines, which also breaks at
# \v, \f, \x1c-\x1e, U+0085, U+2028 and U+2029.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Words bash reads specially in command position even unquoted-safe: keywords, and NAME=... assignments
_BASH_KEYWORDS = frozenset({"!", "[[", "]]", "{", "}", "case", "coproc", "do", "done", "elif", "else", "esac", "fi",
                            "for", "function", "if", "in", "select", "then", "time", "until", "while"})
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class UnsafeValue(ValueError):
    """A value that cannot reach a tool safely: it would be read as an option, or as more than one line."""


def os_family(label: str) -> Family:
    """ubuntu-24.04 / debian-12 -> linux, macos-14 -> macos, windows-latest -> windows."""
    if label.startswith("macos"):
        return "macos"
    if label.startswith("windows"):
        return "windows"
    return "linux"


def os_arch(label: str) -> str:
    """The CPU of a runner label: GitHub's macos-14 and later are Apple silicon, macos-13 and the
    ``-large``/``-intel`` ones are Intel, ``-arm`` labels are ARM; everything else x86_64."""
    family = os_family(label)
    if family == "macos":
        intel = label.endswith(("-large", "-intel")) or label in ("macos-11", "macos-12", "macos-13")
        return "x86_64" if intel else "arm64"
    if label.endswith("-arm"):
        return "aarch64" if family == "linux" else "arm64"
    return "x86_64"


@dataclass(frozen=True)
class Target:
    """The OS (and CPU) a recipe is for: how paths, executables and interpreters look there."""

    family: Family
    arch: str = "x86_64"

    @classmethod
    def for_label(cls, label: str) -> Target:
        return cls(os_family(label), os_arch(label))

    @property
    def windows(self) -> bool:
        return self.family == "windows"

    def join(self, *parts: str) -> str:
        flavour = PureWindowsPath if self.windows else PurePosixPath
        return str(flavour(*parts))

    def exe(self, name: str) -> str:
        return f"{name}.exe" if self.windows and not name.endswith(".exe") else name

    def bin_dir(self, env: str) -> str:
        """A virtual environment's executables folder."""
        return self.join(env, "Scripts") if self.windows else self.join(env, "bin")

    def venv_python(self, env: str) -> str:
        return self.join(self.bin_dir(env), self.exe("python"))

    def conda_python(self, prefix: str) -> str:
        """conda/pixi prefixes keep python.exe at the root on Windows."""
        return self.join(prefix, "python.exe") if self.windows else self.join(prefix, "bin", "python")

    def conda_bin(self, prefix: str) -> str:
        return prefix if self.windows else self.join(prefix, "bin")


@dataclass(frozen=True)
class Step:
    """One thing a recipe does: run ``argv``, or write ``content`` to ``write``."""

    phase: Phase
    argv: tuple[str, ...] = ()
    cwd: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    write: str | None = None
    content: str = ""
    shown: tuple[str, ...] | None = None   # what a person would type instead (e.g. ``apt-get ...``)
    in_repro: bool = True                  # False: a check of rodeo's own that a person need not repeat
    as_root: bool = False                  # the repro runs it through ``$SUDO`` (empty when already root)
    stdout: str | None = None              # a file its standard output goes to (a lock it prints), not the log

    def shell(self, repro: bool = False, root: str | None = None) -> str:
        """This step as bash a person can paste (``repro``: as a person would type it).

        A file is a quoted heredoc (nothing in it is expanded) whose delimiter is no line of the
        content; an empty file is ``: > FILE``. Every word is quoted as bash needs, the command word
        also when bash would take it for a keyword or an assignment.

        ``root`` is a folder the script names ``"$R"`` and works in (the repro's ``mktemp -d``): every
        occurrence of it is written ``"$R"``, a step run there needs no ``cd``, and a file that names
        it is an unquoted heredoc with ``\\``, ``$`` and backquote escaped, so only ``${R}`` expands.
        """
        if root is not None and (not root or set(root) & set("\\$`'\"")):
            raise ValueError(f"{root!r} cannot stand for \"$R\"")
        if self.write is not None:
            return self._heredoc(root)
        for key, _ in self.env:
            if not _NAME.fullmatch(key):
                raise UnsafeValue(f"{key!r} is not an environment variable name")
        argv = self.shown if repro and self.shown else self.argv
        words = [_command_word(argv[0], root), *(shell_word(a, root) for a in argv[1:])] if argv else []
        sudo = ["$SUDO"] if repro and self.as_root else []
        cmd = " ".join([*(f"{k}={shell_word(v, root)}" for k, v in self.env), *sudo, *words])
        if self.stdout is not None:
            cmd += f" > {shell_word(self.stdout, root)}"
        if not self.cwd or self.cwd == root:
            return cmd
        cd = "cd -- " if self.cwd.startswith("-") else "cd "
        return f"({cd}{shell_word(self.cwd, root)} && {cmd})"

    def _heredoc(self, root: str | None) -> str:
        assert self.write is not None
        target = shell_word(self.write, root)
        if not self.content:
            return f": > {target}"
        body = self.content if self.content.endswith("\n") else self.content + "\n"
        quote = "'"
        if root is not None and root in body:
            body, quote = re.sub(r"([\\$`])", r"\\\1", body).replace(root, "${R}"), ""
        eof = "EOF"
        lines = set(body.splitlines())   # splitlines breaks at more than bash does: never fewer lines
        while eof in lines:
            eof += "_"
        return f"cat > {target} <<{quote}{eof}{quote}\n{body}{eof}"


def shell_word(word: str, root: str | None = None) -> str:
    """``word`` quoted for bash, each occurrence of ``root`` in it written ``$R``: ``"$R/.venv/bin/python"``
    when the rest needs no quoting, else ``"$R"`` between single-quoted parts."""
    if root is None or root not in word:
        return shlex.quote(word)
    parts = word.split(root)
    if all(shlex.quote(part) == part for part in parts if part):   # [A-Za-z0-9_@%+=:,./-]: plain in "..."
        rest = [("${R}" if part[:1].isalnum() or part[:1] == "_" else "$R") + part for part in parts[1:]]
        return '"' + parts[0] + "".join(rest) + '"'
    return '"$R"'.join(shlex.quote(part) if part else "" for part in parts)


def _command_word(word: str, root: str | None = None) -> str:
    """``word`` quoted for the command position: ``if`` or ``A=b`` there would not run a program of that name."""
    if root is not None and root in word:
        return shell_word(word, root)
    quoted = shlex.quote(word)
    if quoted == word and (word in _BASH_KEYWORDS or _ASSIGNMENT.match(word)):
        return f"'{word}'"
    return quoted


def run(phase: Phase, *argv: str, cwd: str | None = None, **env: str) -> Step:
    return Step(phase=phase, argv=tuple(argv), cwd=cwd, env=tuple(sorted(env.items())))


def write(phase: Phase, path: str, content: str) -> Step:
    return Step(phase=phase, write=path, content=content)


@dataclass(frozen=True)
class CellSpec:
    """Everything a manager needs to know about one cell, already resolved to plain values."""

    cell_id: str
    python: str                       # requested version, e.g. "3.12"
    target: Target
    packages: tuple[Package, ...]
    requirements: tuple[str, ...]     # in the manager's ecosystem: PEP 508 strings, conda specs, python3-*, ...
    workdir: str                      # the cell's own folder: project, prefix or venv live here
    tool: str                         # the manager's executable (a name on PATH or a path)
    interpreter: str | None = None    # a base Python found on the host, when the manager needs one
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    version: str | None = None        # the manager's own pinned version, if any
    cache_dir: str | None = None      # the manager's download cache, shared across cells and runs

    def __post_init__(self) -> None:
        """Refuse what no manager may pass on: config refuses these first, this makes sure of it.

        No value holds NUL (no argument or file can); no requirement, index URL, Python or path
        starts with ``-`` (a tool would read it as an option); a requirement is one line (see
        :data:`LINE_BREAKS`) and an index URL holds no whitespace (pip splits
        ``PIP_EXTRA_INDEX_URL`` at whitespace).
        """
        positional = {"python": (self.python,), "interpreter": (self.interpreter,), "workdir": (self.workdir,),
                      "cache directory": (self.cache_dir,), "index URL": (self.index_url, *self.extra_index_urls)}
        for what, values in {**positional, "cell id": (self.cell_id,), "tool": (self.tool,),
                             "version": (self.version,), "requirement": self.requirements}.items():
            for value in values:
                if value is not None and "\x00" in value:
                    raise UnsafeValue(f"{what} {value!r} holds NUL, which no argument or file can hold")
        for what, values in {**positional, "requirement": self.requirements}.items():
            for value in values:
                if value is not None and value.lstrip().startswith("-"):
                    raise UnsafeValue(f"{what} {value!r} starts with '-': a tool would read it as an option")
        for req in self.requirements:
            if LINE_BREAKS.intersection(req):
                raise UnsafeValue(f"requirement {req!r} is more than one line for pip and the tools that read "
                                  "requirements files")
        for url in (self.index_url, *self.extra_index_urls):
            if url is not None and (not url or any(c.isspace() for c in url)):
                raise UnsafeValue(f"index URL {url!r} is empty or holds whitespace")

    @property
    def env_dir(self) -> str:
        return self.target.join(self.workdir, ".venv")


def lines_file(values: tuple[str, ...]) -> str:
    """A file of one value per line (requirements.txt, conda's ``--file``); :class:`CellSpec` made each one line."""
    for value in values:
        if LINE_BREAKS.intersection(value) or value.lstrip().startswith(("-", "#")):
            raise UnsafeValue(f"{value!r} cannot be one line of a requirements file")
    return "".join(f"{value}\n" for value in values)


@dataclass(frozen=True)
class Recipe:
    """The steps to build a cell's environment, and how to reach its interpreter afterwards."""

    steps: tuple[Step, ...]
    python: str                       # the environment's interpreter, for the import and test phases
    bin_dirs: tuple[str, ...]         # prepended to PATH for the `test:` command
    env: tuple[tuple[str, str], ...] = ()   # set for every step, the probe and the test
    notes: tuple[str, ...] = field(default=())  # said in the log (e.g. "specifier dropped: apt")
    pinned: str | None = None         # what its fetches are pinned to (nixpkgs 26.05): joins the manager version
    launcher: tuple[str, ...] = ()    # argv prefix running a command in the activated environment

    def launched(self, *argv: str) -> tuple[str, ...]:
        """``argv`` as the probe and ``test:`` run it: through :attr:`launcher` (``conda run -p ENV``,
        ``pixi run --manifest-path ...``), so the environment's activation scripts run first - conda-forge's
        ``proj`` sets ``PROJ_DATA`` in ``etc/conda/activate.d``; a venv needs none, so ``argv`` itself.

        Those tools hand the command to a shell of their own (a bash or cmd.exe script, deno's task
        shell), re-quoting it on the way: the runner passes them paths only, never code or JSON.
        """
        return (*self.launcher, *argv)


@dataclass(frozen=True)
class ManagerInfo:
    """A manager's data from ``matrix/managers/NAME.yml``."""

    name: str
    ecosystem: str                    # pypi | conda | apt | nix | spack
    executable: str | None          # None: nothing to locate (pip runs inside the venv)
    families: tuple[Family, ...]
    pypi: str | None = None           # PyPI package rodeo installs it from when absent
    version_args: tuple[str, ...] = ("--version",)
    provisions_python: bool = False   # it can fetch a Python itself (no host interpreter needed)
    needs_system: bool = False        # it changes the machine itself (apt): local needs --allow-system
    tracker: str | None = None
    home: str | None = None
    distros: tuple[str, ...] = ()     # when set: only these OS label prefixes (apt: ubuntu, debian)
    setup: tuple[dict[str, object], ...] = ()  # GitHub steps that set it up, pinned by commit SHA
    cache_env: str | None = None      # the variable naming its download cache
    unavailable_hint: str | None = None
    pythons: tuple[str, ...] = ()     # when set: the only Pythons it can provide (mach-nix's nixpkgs of 2022)

    def runs_on(self, os_label: str) -> bool:
        if self.distros:
            return os_label.split("-")[0] in self.distros
        return os_family(os_label) in self.families


class ManagerModule(Protocol):
    """What a manager's module exposes: its behaviour, ``recipe()``. The registry returns each module as
    this type, so mypy checks every module's ``recipe`` against it (:mod:`rodeo_action.managers.registry`)."""

    def recipe(self, spec: CellSpec) -> Recipe:
        """The files and commands that create an isolated environment and install the set."""
        ...


class Manager(Protocol):
    """One package manager: a :class:`ManagerModule`'s ``recipe`` with its data (:func:`rodeo_action.managers.get`)."""

    @property
    def info(self) -> ManagerInfo:
        """The manager's data from matrix/managers/NAME.yml."""
        ...

    def recipe(self, spec: CellSpec) -> Recipe:
        """The files and commands that create an isolated environment and install the set."""
        ...
