"""Issue 8, "Commands": what a user writes reaches a process only as one argument, and a generated file
only through a serialiser, whatever it holds.

1. Statically (an AST walk over rodeo_action/): no ``shell=True``, no ``os.system``/``os.popen``, and
   every ``bash -c``/``sh -c``/``nix-shell --run``/``python -c`` site is on the reviewed list below,
   with the reason it is safe; a new site fails until someone reviews it.
2. The serialisers (TOML/YAML/Nix strings, the TOML writer) round-trip hostile text through real
   parsers: ``tomllib``, ``yaml.safe_load``, ``nix-instantiate --eval``.
3. Every manager, on every OS target, with hostile values in every field that lands in a generated
   file: each file is parsed back by its format's parser (Nix: evaluated with the fetches stubbed
   out by ``scopedImport``) and holds exactly what was put in - not merely something that parses.
4. Argument lists: a requirement is one whole argument, after every option; a value a tool could
   read as an option (or as two lines) is refused - by config first, by ``CellSpec`` for certain.
5. The repro: bash runs it against recorder executables; every file its heredocs write and every
   argument list, working folder and variable it passes is exactly the recipe's.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement

from rodeo_action.config import Config, parse_config
from rodeo_action.errors import InputError
from rodeo_action.managers import MODULES, get, manager_info
from rodeo_action.managers.base import LINE_BREAKS, CellSpec, Recipe, Step, Target, UnsafeValue
from rodeo_action.managers.condafamily import CHANNEL, Dependency, python_dependencies, python_specs
from rodeo_action.managers.formats import TomlValue, Unrepresentable, nix_string, toml_document, toml_table, yaml_string
from rodeo_action.managers.nixfamily import python_attr
from rodeo_action.managers.pixi import merged, platform
from rodeo_action.managers.pypi import DEFAULT_INDEX, requires_python
from rodeo_action.names import builtin
from rodeo_action.plan import Cell
from rodeo_action.resources import data_dir
from rodeo_action.run.repro import ROOT as REPRO_ROOT
from rodeo_action.run.repro import TEST_SCRIPT, repro_text, shown_steps
from rodeo_action.run.spec import index_urls, requirements_for

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the TOML writer needs no reader; only these checks do
    tomllib = None

# packaging reads a marker's quoted value with ast.literal_eval: "\\$" there is a DeprecationWarning, not news
pytestmark = pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")
ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "rodeo_action"
NIX_INSTANTIATE = shutil.which("nix-instantiate")
BASH = shutil.which("bash")
needs_tomllib = pytest.mark.skipif(tomllib is None, reason="tomllib is Python 3.11+")
needs_nix = pytest.mark.skipif(NIX_INSTANTIATE is None, reason="nix-instantiate not installed (Debian/Ubuntu: "
                               "apt-get install nix-bin); the .nix files are not parsed back here")
needs_bash = pytest.mark.skipif(BASH is None or os.name != "posix", reason="the repro is bash; no bash here")


def examples(n: int) -> settings:
    """Hypothesis settings: ``n`` examples, no deadline (these run parsers and processes)."""
    return settings(max_examples=n, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Every target a recipe is written for: the conda subdirs pixi knows, so every (family, CPU) pair.
TARGETS = (Target("linux"), Target("linux", "aarch64"), Target("macos", "arm64"), Target("macos"),
           Target("windows"), Target("windows", "arm64"))
MANAGERS = tuple(MODULES)


# ================================================================================ 1. the static check

SHELL_FLAGS = frozenset({"-c", "--run", "--command"})     # the argument after one is code for a shell/interpreter
SHELL_TEXT = re.compile(r"\b(?:ba|da|z)?sh\s+-c\b|--run\b|--command\b")
FORBIDDEN_CALLS = frozenset({"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
                             "asyncio.create_subprocess_shell", "eval", "exec"})
FORBIDDEN_IMPORTS = frozenset({("os", "system"), ("os", "popen"), ("subprocess", "getoutput"),
                               ("subprocess", "getstatusoutput")})

# Every place rodeo_action hands text to a shell or an interpreter, as the scan below spells it
# (``file: program flag code``), and why it is safe. A site not listed fails the test.
REVIEWED: dict[str, str] = {
    "rodeo_action/managers/constrain.py:  -c path":
        "pip's and uv's `-c FILE` (--constraint), not a shell: FILE is constraints.txt in the cell's folder, its "
        "lines made by constraints_text (each pin one plain name==version token, UnsafeValue otherwise)",
    "rodeo_action/run/isolate.py:  -c str(constraints)":
        "pip's or uv's `-c FILE` (--constraint) for a try's tool venv (run/tools.venv_install): the constraints "
        "file rodeo wrote with constraints_text; not a shell",
    "rodeo_action/run/isolate.py: str(python) -c FREEZE":
        "the constant FREEZE program (run/lock.py) run by the failing tool venv's own interpreter to list its "
        "distributions; no user data",
    "rodeo_action/run/cell.py: 'bash' -c test":
        "the user's `test:`: the one place a user writes shell, run with bash -c on purpose (DESIGN.md §2, "
        "config.schema.json: 'a shell command run inside the environment (bash -c)')",
    "rodeo_action/run/repro.py: text f'PATH={path}:\"$PATH\" bash -c {shell_word(test)}'":
        "the repro's line for that same `test:`: the test is shell_word()ed (shlex.quote), the PATH is the "
        "environment's folders, each shell_word()ed, its folder as \"$R\" (checked by running it)",
    "rodeo_action/run/repro.py: recipe.python -c code":
        "the repro's import line, `import m; ...` of module names that config's pattern or names.yml allow; "
        "the whole line is shlex.join()ed (checked by running it)",
    "rodeo_action/run/lock.py: str(python) -c FREEZE":
        "a constant Python program (FREEZE) run by the tool venv's own interpreter to list its distributions; "
        "no user data",
    "rodeo_action/managers/locks.py: rehash -c REHASH[manager]":
        "a constant Python program (REHASH, one per project manager) run by the manager's own venv Python to "
        "hash the lock's project file again; the lock folder is sys.argv[1], an argument, never code",
    "rodeo_action/run/lock.py: str(python) -c REHASH[manager]":
        "the same constant REHASH program, after a lock's URLs were swapped for the real index's; the folder "
        "is sys.argv[1]",
    "rodeo_action/host.py: '-I' -c _FACTS":
        "a constant Python program (_FACTS) run by a host interpreter; no user data",
    "rodeo_action/managers/apt.py: 'sh' -c AS_ROOT":
        "a constant script (AS_ROOT); apt-get and its arguments follow as positional parameters \"$@\"",
    "rodeo_action/managers/apt.py: SYSTEM_PYTHON -c CHECK_PYTHON":
        "a constant Python program; the wanted version is sys.argv[1], an argument, never code",
    "rodeo_action/managers/condafamily.py:  -c CHANNEL":
        "conda's -c is --channel, not code; CHANNEL is the constant 'conda-forge'",
    "rodeo_action/managers/nixfamily.py: spec.target.join(spec.workdir, 'lock.nix') --run command":
        "nix-shell --run hands `command` to bash: every caller passes a module constant of plain words "
        "(test_nix_shell_run_commands_are_constants); user values live in the files the locker reads",
}


@dataclass
class _Scan(ast.NodeVisitor):
    """Finds shell sites and forbidden constructs in one module, naming each by its enclosing function."""

    path: str
    docstrings: set[int]
    scope: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.path}:{'.'.join(self.scope) or '<module>'}"

    def _site(self, text: str) -> None:
        """A site is named by its file and code, not its function: moving code does not need a new review."""
        self.sites.append(f"{self.path}: {text}")

    def _scoped(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _scoped

    def _sequence(self, items: list[ast.expr]) -> None:
        for i, item in enumerate(items[:-1]):
            if isinstance(item, ast.Constant) and item.value in SHELL_FLAGS:
                program = ast.unparse(items[i - 1]) if i else ""
                self._site(f"{program} {item.value} {ast.unparse(items[i + 1])}")

    def visit_List(self, node: ast.List) -> None:
        self._sequence(node.elts)
        self.generic_visit(node)

    def visit_Tuple(self, node: ast.Tuple) -> None:
        self._sequence(node.elts)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        self._sequence(node.args)
        name = ast.unparse(node.func)
        if name in FORBIDDEN_CALLS:
            self.problems.append(f"{self.where}: calls {name}")
        for keyword in node.keywords:
            constant_false = isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            if keyword.arg == "shell" and not constant_false:
                self.problems.append(f"{self.where}: passes shell={ast.unparse(keyword.value)}")
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            if (node.module, alias.name) in FORBIDDEN_IMPORTS:
                self.problems.append(f"{self.where}: imports {node.module}.{alias.name}")

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
        if SHELL_TEXT.search(text):
            self._site(f"text {ast.unparse(node)}")
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self.visit(value)

    def visit_Constant(self, node: ast.Constant) -> None:
        if (isinstance(node.value, str) and node.value not in SHELL_FLAGS and id(node) not in self.docstrings
                and SHELL_TEXT.search(node.value)):
            self._site(f"text {node.value!r}")


def scan(source: str, path: str) -> tuple[list[str], list[str]]:
    """(shell sites, forbidden constructs) of one module's source."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    visitor = _Scan(path, docstrings)
    visitor.visit(tree)
    return visitor.sites, visitor.problems


def scan_package() -> tuple[list[str], list[str]]:
    sites: list[str] = []
    problems: list[str] = []
    for module in sorted(PACKAGE.rglob("*.py")):
        found, bad = scan(module.read_text(encoding="utf-8"), module.relative_to(ROOT).as_posix())
        sites += found
        problems += bad
    return sites, problems


def test_no_shell_true_no_os_system_and_every_shell_site_is_reviewed() -> None:
    sites, problems = scan_package()
    assert problems == []
    unreviewed = [site for site in sites if site not in REVIEWED]
    assert unreviewed == [], "new shell/interpreter sites: review them and add each to REVIEWED with a reason"
    stale = [site for site in REVIEWED if site not in sites]
    assert stale == [], "REVIEWED lists sites that no longer exist: remove them"


def test_the_scan_finds_what_it_must() -> None:
    """The check has teeth: each way of reaching a shell is found, named by its function."""
    source = '''
import os, subprocess
from os import system
def f(user):
    """Runs sh -c in the docstring: not a site."""
    subprocess.run(user, shell=True)
    subprocess.run(["bash", "-c", user], shell=False)
    os.system(user)
    run("install", tool, "nix-shell", "--run", user)
    return f"sh -c {user}"
'''
    sites, problems = scan(source, "x.py")
    assert sites == ["x.py: 'bash' -c user", "x.py: 'nix-shell' --run user", "x.py: text f'sh -c {user}'"]
    assert problems == ["x.py:<module>: imports os.system", "x.py:f: passes shell=True", "x.py:f: calls os.system"]


def test_nix_shell_run_commands_are_constants() -> None:
    """``lock_in_shell``'s command reaches bash: each caller passes a module constant of plain words."""
    found = set()
    for module in sorted((PACKAGE / "managers").glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        constants = {target.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
                     and isinstance(node.value, ast.Constant) for target in node.targets
                     if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "lock_in_shell":
                command = node.args[1] if len(node.args) > 1 else next(k.value for k in node.keywords
                                                                      if k.arg == "command")
                assert isinstance(command, ast.Name) and command.id in constants, ast.unparse(node)
                assert re.fullmatch(r"[a-z][a-z0-9 -]*", constants[command.id])
                found.add((module.name, constants[command.id]))
    assert found == {("poetry2nix.py", "poetry lock --no-interaction"), ("uv2nix.py", "uv lock")}


# ================================================================================ hostile text

FRAGMENTS = ('"', "'", "\\", "\\\\", "${", "''${", "$${", "'''", '"""', "\n", "\r", "\r\n", "\t", "\x00", "\x01",
             "\x1b[31m", "\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ud800", "\udfff",
             "]]", "[[", "]", "[", "{{", "}}", "{", "}", "{env:HOME}", "{root:uri}", "$(touch PWNED)",
             "`touch PWNED`", "$HOME", "${HOME}", "#", ":", ": ", "- ", "? ", "&", "*", "!", "%", "|", ";", "&&",
             ">", "<", "=", ",", "@", " ", "  x  ", "EOF", "\nEOF\n", "EOF_", "\nEOF", "'EOF'", "\\n", "\\u0000",
             "null", "true", "~", "é", "😀", "\U0010ffff", "or", "in", "rec")
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=10).map("".join)
very_long = st.sampled_from(FRAGMENTS).map(lambda f: (f + "x") * (6000 // (len(f) + 1)))
any_text = st.one_of(hostile, hostile, hostile, very_long)
KITCHEN_SINK = "".join(FRAGMENTS)


def has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def clean(text: str) -> str:
    """``text`` without what no file or argument can hold at all (lone surrogates, NUL)."""
    return "".join(c for c in text if c != "\x00" and not 0xD800 <= ord(c) <= 0xDFFF)


def one_line(text: str) -> str:
    return "".join(c for c in clean(text) if c not in LINE_BREAKS)


def no_space(text: str) -> str:
    return "".join(c for c in clean(text) if not c.isspace())


def component(text: str) -> str:
    """``text`` as one path component a file system takes: no separator, at most 150 bytes."""
    out = clean(text).replace("/", "").replace("\\", "")
    while len(out.encode("utf-8")) > 150:
        out = out[:-1]
    return out


# ================================================================================ 2. the serialisers

@needs_tomllib
@examples(300)
@given(any_text)
def test_toml_strings_and_keys_round_trip(text: str) -> None:
    document: dict[str, TomlValue] = {"k": text, "t": {text: 1, text + "q": [text, 2]}}
    if has_surrogate(text):
        with pytest.raises(Unrepresentable):
            toml_document("", document)
        with pytest.raises(Unrepresentable):
            toml_document("", {text: 1})
        return
    assert tomllib.loads(toml_document("", document)) == document


@examples(300)
@given(any_text)
def test_yaml_string_round_trips(text: str) -> None:
    if has_surrogate(text):
        with pytest.raises(Unrepresentable):
            yaml_string(text)
        return
    doc = yaml.safe_load(f"k: {yaml_string(text)}\nl:\n  - {yaml_string(text)}\n  - x\n")
    assert doc == {"k": text, "l": [text, "x"]}


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f", "\u2028", "\u2029", "\ufeff", "\uffff"])
def test_json_escaping_was_not_enough(char: str) -> None:
    """What issue 8 found: JSON leaves these raw, which TOML (U+007F) or YAML (the rest) reject or fold."""
    assert json.dumps(char, ensure_ascii=False) == f'"{char}"'
    assert yaml_string(char) == f'"\\u{ord(char):04x}"'
    assert toml_document("", {"k": char, char: 1}) == f'k = "\\u{ord(char):04x}"\n"\\u{ord(char):04x}" = 1\n'
    assert yaml.safe_load(f"- {yaml_string('a' + char + 'b')}") == ["a" + char + "b"]
    if tomllib is not None:
        assert tomllib.loads(toml_document("", {"k": char})) == {"k": char}
        if char == "\x7f":
            with pytest.raises(tomllib.TOMLDecodeError):
                tomllib.loads(f"k = {json.dumps(char, ensure_ascii=False)}")


def test_values_no_format_can_hold_are_refused_not_altered() -> None:
    for text in ("\ud800", "a\udfffb"):
        for serialise in (yaml_string, nix_string, lambda t: toml_document("", {"k": t}),
                          lambda t: toml_document("", {"t": {t: "v"}}), lambda t: toml_document("", {"a": [{"k": t}]})):
            with pytest.raises(Unrepresentable, match="surrogate"):
                serialise(text)
    with pytest.raises(Unrepresentable, match="NUL"):
        nix_string("a\x00b")
    assert toml_document("", {"k": "a\x00b"}) == 'k = "a\\u0000b"\n'


def test_config_refuses_lone_surrogates() -> None:
    """TOML cannot hold a lone surrogate at all (``\\ud800`` is no valid TOML escape): rodeo.yml never yields one."""
    for raw in (b'packages: ["a; extra == \\"\\ud800\\""]\n', b"packages: ['a===\xed\xa0\x80']\n",
                b'packages: [a]\nindex-url: "https://x/\\udfff"\n', b'packages: [a]\ntest: "echo \\ud800"\n'):
        with pytest.raises(InputError):
            parse_config(raw, "rodeo.yml")


def nix_eval_json(expression: str, folder: Path) -> Any:
    """``nix-instantiate --eval --strict --json`` of a file holding ``expression``."""
    assert NIX_INSTANTIATE is not None
    path = folder / "eval.nix"
    path.write_text(expression, encoding="utf-8")
    proc = subprocess.run([NIX_INSTANTIATE, "--eval", "--strict", "--json", str(path)], capture_output=True,
                          text=True, timeout=120, encoding="utf-8")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@needs_nix
@examples(12)
@given(st.lists(any_text, min_size=1, max_size=40))
def test_nix_string_round_trips(texts: list[str]) -> None:
    good = [t for t in texts if not has_surrogate(t) and "\x00" not in t]
    for bad in set(texts) - set(good):
        with pytest.raises(Unrepresentable):
            nix_string(bad)
    with tempfile.TemporaryDirectory() as folder:
        assert nix_eval_json("[\n" + "\n".join(nix_string(t) for t in good) + "\n]\n", Path(folder)) == good


@needs_nix
def test_every_fragment_round_trips_through_nix(tmp_path: Path) -> None:
    texts = [clean(f) for f in FRAGMENTS] + [clean(KITCHEN_SINK), "$", "x$", "$\\{", "\\${", "''\\${"]
    assert nix_eval_json("[ " + " ".join(nix_string(t) for t in texts) + " ]", tmp_path) == texts


keys = any_text.map(clean)
scalars = st.one_of(keys, st.booleans(), st.integers(-(2**63), 2**63 - 1))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=12)


@needs_tomllib
@examples(60)
@given(st.dictionaries(keys, values, max_size=5), keys, st.lists(st.dictionaries(keys, values, max_size=3),
                                                                  max_size=3))
def test_toml_document_round_trips(entries: dict[str, TomlValue], name: str, rows: list[dict[str, TomlValue]]) -> None:
    document: dict[str, TomlValue] = {"t": {name: entries}}
    if rows:
        document["rows"] = {name: rows}   # an array of tables, inline when its rows are short
    text = toml_document("# why this file looks as it does\n#\n", document)
    assert text.startswith("# why this file looks as it does\n#\n")
    assert tomllib.loads(text) == document


def test_toml_writer_refuses_what_toml_cannot_say() -> None:
    with pytest.raises(Unrepresentable, match="twice"):
        toml_table([("python", "1"), ("python", "2")])
    with pytest.raises(ValueError, match="# lines"):
        toml_document("not a comment\n", {})
    assert toml_table([("a", "1"), ("b", [])]) == {"a": "1", "b": []}
    # the layout the tools read: one array item per line, an empty table as its header, tables after values
    assert toml_document("# c\n", {"t": {"x": ["a", "b"]}, "a": [], "b": {}}) == (
        '# c\na = []\n\n[t]\nx = [\n    "a",\n    "b",\n]\n\n[b]\n')


# ================================================================================ 3. every manager's files

PEP508_PARSERS = ("pipenv", "poetry2nix")     # these split requirements into fields; others pass the text on


def requirement(i: int, kind: str, text: str) -> str:
    """A requirement ``pkg<i>`` carrying ``text`` where PEP 508 lets a string go; ``raw``: anything on one line."""
    name = f"pkg{i}"
    if kind == "raw":
        return name + one_line(text)
    if kind == "arbitrary":
        candidate = f"{name}==={''.join(c for c in no_space(text) if c not in ';),') or 'x'}"
    elif kind == "marker":
        candidate = f'{name}; extra == "{one_line(text).replace(chr(34), "")}"'
    elif kind == "marker-single":
        candidate = f"{name}[a,b]>=1; python_version < '{one_line(text).replace(chr(39), '')}'"
    elif kind == "url":
        candidate = f"{name} @ https://files.example/{no_space(text) or 'x'}"
    elif kind == "url-marker":
        candidate = f"{name}[io] @ https://files.example/{no_space(text) or 'x'} ; extra == 'x'"
    else:
        candidate = f"{name} @ git+https://git.example/{no_space(text) or 'x'}"
    try:
        Requirement(candidate)
    except InvalidRequirement:
        return name
    return candidate


KINDS = ("arbitrary", "marker", "marker-single", "url", "url-marker", "vcs", "raw")


@dataclass(frozen=True)
class Hostile:
    """The values of one cell, hostile where a user or the host could make them so."""

    requirements: tuple[str, ...]
    python: str
    interpreter: str | None
    folder: str                  # a path component inside the cell's folder
    cache: str | None
    index_url: str | None
    extra_index_urls: tuple[str, ...]
    cell: str
    tool: str

    def spec(self, manager: str, target: Target, root: str | None = None) -> CellSpec:
        base = root or (r"C:\cells" if target.windows else "/cells")
        return CellSpec(cell_id=f"{manager}-{self.cell}", python=self.python, target=target, packages=(),
                        requirements=self.requirements, tool=self.tool,
                        workdir=target.join(base, f"{manager}.{target.family}.{target.arch} {self.folder}"),
                        interpreter=self.interpreter, index_url=self.index_url,
                        extra_index_urls=self.extra_index_urls, cache_dir=self.cache)


def hostile_cell(text: str, kinds: tuple[str, ...] = KINDS, python: str | None = None) -> Hostile:
    return Hostile(
        requirements=tuple(requirement(i, kind, text) for i, kind in enumerate(kinds)),
        python=python or "3." + clean(text), interpreter="/opt/py " + clean(text) + "/bin/python",
        folder="cell " + component(text),
        cache="/cache/" + clean(text), index_url="https://index.example/" + no_space(text),
        extra_index_urls=("https://extra.example/" + no_space(text), "https://extra.example/2"),
        cell="cell-" + clean(text), tool="/usr/local/bin/tool " + clean(text))


@st.composite
def cells(draw: Callable[..., Any]) -> Hostile:
    n = draw(st.integers(0, 4))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n, max_size=n))
    texts = [draw(any_text) for _ in kinds]
    return Hostile(
        requirements=tuple(requirement(i, kind, text) for i, (kind, text) in enumerate(zip(kinds, texts, strict=True))),
        python=draw(st.one_of(st.sampled_from(["3.12", "3.13t", "3.9", "3.14"]),
                              any_text.map(lambda t: "3." + clean(t)))),
        interpreter=draw(st.one_of(st.none(), any_text.map(lambda t: "/opt/py" + clean(t)))),
        folder="cell" + draw(any_text.map(component)),
        cache=draw(st.one_of(st.none(), any_text.map(lambda t: "/cache/" + clean(t)))),
        index_url=draw(st.one_of(st.none(), any_text.map(lambda t: "https://i.example/" + no_space(t)))),
        extra_index_urls=tuple(draw(st.lists(any_text.map(lambda t: "https://e.example/" + no_space(t)), max_size=2))),
        cell="c" + draw(any_text.map(clean)),
        tool="/bin/tool" + draw(any_text.map(clean)),
    )


def written(recipe: Recipe) -> dict[str, list[str]]:
    files: dict[str, list[str]] = {}
    for step in recipe.steps:
        if step.write is not None:
            files.setdefault(re.split(r"[\\/]", step.write)[-1], []).append(step.content)
    return files


def hatch_format(text: str) -> str:
    """What Hatch makes of a dependency or env-var: its context formatting is a string.Formatter."""
    return string.Formatter().vformat(text, (), {})


def rebuilt(name: str, fields: dict[str, Any]) -> Requirement:
    """A Pipfile entry or a Poetry constraint table, as the PEP 508 requirement it stands for."""
    extras = f"[{','.join(fields['extras'])}]" if fields.get("extras") else ""
    if "version" in fields:
        core = name + extras + ("" if fields["version"] == "*" else fields["version"])
    else:
        url = next(fields[key] for key in ("file", "url", "git", "hg", "svn", "bzr") if key in fields)
        core = f"{name}{extras} @ {url}"
    return Requirement(core + (f" ; {fields['markers']}" if "markers" in fields else ""))


def same_requirements(table: dict[str, Any], requirements: tuple[str, ...]) -> None:
    got = {name: rebuilt(name, fields) for name, fields in table.items()}
    want = {Requirement(r).name: Requirement(r) for r in requirements}
    assert got == want


@dataclass
class NixChecks:
    """The .nix files of many recipes, checked in two nix-instantiate processes: every file parses, and
    each nix-python expression, evaluated with its fetches stubbed by ``scopedImport``, asks nixpkgs for
    exactly the attributes that were put in."""

    parse: list[str] = field(default_factory=list)
    evaluate: list[tuple[str, str, list[str]]] = field(default_factory=list)

    def run(self, folder: Path) -> None:
        if NIX_INSTANTIATE is None:
            return
        paths = []
        for i, source in enumerate(self.parse):
            paths.append(folder / f"p{i}.nix")
            paths[-1].write_text(source, encoding="utf-8")
        if paths:
            proc = subprocess.run([NIX_INSTANTIATE, "--parse", *map(str, paths)], capture_output=True, text=True,
                                  timeout=120)
            assert proc.returncode == 0, proc.stderr[-3000:]
        for i, (source, attr, names) in enumerate(self.evaluate):
            (folder / f"e{i}.nix").write_text(source, encoding="utf-8")
            (folder / f"e{i}.json").write_text(json.dumps({"python": attr, "names": names}), encoding="utf-8")
        if self.evaluate:
            driver = """
let
  fake = want: {
    builtins = builtins // { fetchTarball = url: url; };
    import = path: args: builtins.listToAttrs [ {
      name = want.python;
      value.withPackages = f: f (builtins.listToAttrs (map (n: { name = n; value = n; }) want.names));
    } ];
  };
  load = n: let want = builtins.fromJSON (builtins.readFile (./. + "/e${toString n}.json"));
            in scopedImport (fake want) (./. + "/e${toString n}.nix");
in map load (builtins.genList (n: n) COUNT)
""".replace("COUNT", str(len(self.evaluate)))
            assert nix_eval_json(driver, folder) == [names for _, _, names in self.evaluate]


def check_files(manager: str, spec: CellSpec, recipe: Recipe, nix: NixChecks) -> None:
    """Each file the recipe writes, parsed back by its format's parser, holds exactly the cell's values."""
    files = written(recipe)
    for step in recipe.steps:
        if step.write is not None:
            assert step.write == spec.target.join(spec.workdir, re.split(r"[\\/]", step.write)[-1])
    py, reqs = spec.python, list(spec.requirements)
    urls = [spec.index_url or DEFAULT_INDEX, *spec.extra_index_urls]
    if manager == "hatch":
        assert files.keys() == {"hatch-config.toml", "hatch.toml"} and files["hatch-config.toml"] == [""]
        for content, deps in zip(files["hatch.toml"], ([], reqs), strict=True):
            env = tomllib.loads(content)["envs"]["default"]
            assert env["python"] == (spec.interpreter or py)
            assert [hatch_format(d) for d in env["dependencies"]] == deps
            variables = {k: hatch_format(v) for k, v in env.get("env-vars", {}).items()}
            assert variables.get("PIP_INDEX_URL") == spec.index_url
            assert variables.get("PIP_EXTRA_INDEX_URL", "").split() == list(spec.extra_index_urls)
    elif manager in ("poetry", "pdm"):
        (content,) = files.pop("pyproject.toml")
        assert not files
        doc = tomllib.loads(content)
        assert doc["project"]["dependencies"] == reqs
        assert doc["project"]["requires-python"] == requires_python(py)
        assert [s["url"] for s in doc["tool"][manager]["source"]] == urls
    elif manager == "pipenv":
        (content,) = files.pop("Pipfile")
        assert not files
        doc = tomllib.loads(content)
        assert [s["url"] for s in doc["source"]] == urls
        assert doc["requires"] == {"python_version": py.rstrip("t")}
        same_requirements(doc["packages"], spec.requirements)
    elif manager == "poetry2nix":
        doc = tomllib.loads(files["pyproject.toml"][0])
        deps = dict(doc["tool"]["poetry"]["dependencies"])
        assert deps.pop("python") == requires_python(py)
        same_requirements(deps, spec.requirements)
        assert [s["url"] for s in doc["tool"]["poetry"].get("source", [])] == (
            [spec.index_url] if spec.index_url else []) + list(spec.extra_index_urls)
        nix.parse += files["default.nix"]
    elif manager == "uv2nix":
        doc = tomllib.loads(files["pyproject.toml"][0])
        assert doc["project"]["dependencies"] == reqs
        assert doc["project"]["requires-python"] == requires_python(py)
        indexes = [{"url": u} for u in spec.extra_index_urls] + (
            [{"url": spec.index_url, "default": True}] if spec.index_url else [])
        assert doc.get("tool", {}).get("uv", {}).get("index", []) == indexes
        nix.parse += files["default.nix"]
    elif manager == "mach-nix":
        (text,) = files["requirements.txt"]
        assert text.splitlines() == text.split("\n")[:-1] == reqs    # one line each, even for str.splitlines
        nix.parse += files["default.nix"]
    elif manager == "nix":
        (source,) = files["default.nix"]
        nix.parse.append(source)
        nix.evaluate.append((source, python_attr(py), reqs))
    elif manager in ("conda", "mamba", "micromamba"):
        doc = yaml.safe_load(files["environment.yml"][0])
        assert doc == {"channels": [CHANNEL, "nodefaults"], "dependencies": [*python_specs(py), *reqs]}
        if spec.target.windows and reqs:
            (text,) = files["specs.txt"]
            assert text.splitlines() == text.split("\n")[:-1] == reqs
    elif manager == "pixi":
        first, second = (tomllib.loads(content) for content in files["pixi.toml"])
        wanted = tuple(Dependency.parse(r) for r in reqs)
        for doc, deps in ((first, python_dependencies(py)), (second, merged(python_dependencies(py) + wanted))):
            assert doc["workspace"] == {"name": f"rodeo-{spec.cell_id}", "channels": [CHANNEL],
                                        "platforms": [platform(spec.target)]}
            assert doc["dependencies"] == {d.name: d.version for d in deps}
    elif manager == "spack":
        doc = yaml.safe_load(files["spack.yaml"][0])
        assert doc["spack"]["specs"] == [f"python@{py}", *reqs]
        assert doc["spack"]["view"] == spec.target.join(spec.workdir, "view")
    else:
        assert manager in ("pip", "uv", "apt") and files == {}


def check_argv(manager: str, spec: CellSpec, recipe: Recipe) -> None:
    """A requirement is one whole argument, after every option, or not on the command line at all."""
    commands = [s.argv for s in recipe.steps if s.write is None] + [s.shown for s in recipe.steps if s.shown]
    for argv in commands:
        for arg in argv:
            for req in spec.requirements:
                assert req not in arg or arg == req, (req, argv)
    on_command_line = manager in ("pip", "uv", "apt") or (manager in ("conda", "mamba", "micromamba")
                                                         and not spec.target.windows)
    if on_command_line and spec.requirements:
        install = [argv for argv in commands if set(spec.requirements) <= set(argv)]
        assert install
        for argv in install:
            assert argv[len(argv) - len(spec.requirements):] == spec.requirements
    elif not on_command_line:
        assert not any(req == arg for argv in commands for arg in argv for req in spec.requirements)
    for url in filter(None, (spec.index_url, *spec.extra_index_urls)):
        for argv in commands:
            if url in argv:
                assert argv[argv.index(url) - 1] in ("--index-url", "--extra-index-url", "--default-index", "--index")


def accepted_failure(manager: str, spec: CellSpec, exc: ValueError) -> bool:
    """A recipe may refuse a cell it cannot describe: a Python that is not ``3.N``/``3.Nt``, a manager
    off its OSes, Spack with a free-threaded Python, or a string that is no PEP 508 requirement for a
    manager that must split requirements into fields."""
    valid_python = re.fullmatch(r"3\.[0-9]+t?", spec.python) is not None
    if spec.target.family not in manager_info(manager).families or not valid_python:
        return True
    if manager == "spack" and spec.python.endswith("t"):
        return True
    if manager in PEP508_PARSERS and isinstance(exc, InvalidRequirement):
        return True
    return False


def recipes(cell: Hostile, targets: tuple[Target, ...] = TARGETS, root: str | None = None
            ) -> Iterator[tuple[str, CellSpec, Recipe]]:
    for manager in MANAGERS:
        for target in targets:
            spec = cell.spec(manager, target, root)
            try:
                recipe = get(manager).recipe(spec)
            except ValueError as exc:
                assert not isinstance(exc, (UnsafeValue, Unrepresentable)), exc
                assert accepted_failure(manager, spec, exc), (manager, target, exc)
                continue
            yield manager, spec, recipe


def check_cell(cell: Hostile, nix: NixChecks, targets: tuple[Target, ...] = TARGETS) -> int:
    """Files and argv of every manager on ``targets``; the number of (manager, target it runs on) checked."""
    count = 0
    for manager, spec, recipe in recipes(cell, targets):
        check_files(manager, spec, recipe, nix)
        check_argv(manager, spec, recipe)
        count += spec.target.family in manager_info(manager).families
    return count


@needs_tomllib
@examples(25)
@given(cells())
def test_every_manager_file_round_trips_hostile_values(cell: Hostile) -> None:
    nix = NixChecks()
    check_cell(cell, nix)
    with tempfile.TemporaryDirectory() as folder:
        nix.run(Path(folder))


@needs_tomllib
def test_every_fragment_in_every_field_of_every_manager(tmp_path: Path) -> None:
    """Each hostile fragment (and all of them at once) in every field, for all managers and targets."""
    nix = NixChecks()
    some = (Target("linux"), Target("macos", "arm64"), Target("windows"))     # all of TARGETS: the sink below

    def runnable(targets: tuple[Target, ...]) -> int:
        return sum(len([t for t in targets if t.family in manager_info(m).families]) for m in MANAGERS)

    for text in FRAGMENTS:
        check_cell(hostile_cell(text), nix, some[:1])        # the Python hostile too: refused or round-tripped
        # with a valid Python and PEP 508 requirements no manager refuses a cell on an OS it runs on
        assert check_cell(hostile_cell(text, KINDS[:-1], python="3.12"), nix, some) == runnable(some), repr(text)
    check_cell(hostile_cell(KITCHEN_SINK), nix)
    assert check_cell(hostile_cell(KITCHEN_SINK, KINDS[:-1], python="3.13t"), nix) == runnable(TARGETS) - 4
    nix.run(tmp_path)


# ================================================================================ 4. what may reach a tool

def test_cellspec_refuses_what_a_tool_could_misread() -> None:
    good = hostile_cell("x")
    for change in ({"requirements": ("-e .",)}, {"requirements": (" \t--index-url=https://evil",)},
                   {"requirements": ("a\nb",)}, {"requirements": ("a\u2028-e .",)}, {"requirements": ("a\x0cb",)},
                   {"requirements": ("a\x00b",)}, {"python": "-3.12"}, {"interpreter": "--version"},
                   {"index_url": "-https://x"}, {"index_url": "https://x y"}, {"extra_index_urls": ("https://x\n",)},
                   {"extra_index_urls": ("",)}, {"folder": "x\x00"}, {"cache": "-c"}, {"tool": "uv\x00"}):
        with pytest.raises(UnsafeValue):
            replace(good, **change).spec("pip", Target("linux"))


@pytest.mark.parametrize("text", ["-e .", " --index-url=https://evil", "\t-r /etc/passwd", "a\nb", "a\rb", "a\x00b"])
def test_config_refuses_requirements_that_are_options_or_several_lines(text: str) -> None:
    with pytest.raises(InputError):
        parse_config(json.dumps({"packages": [text]}), "rodeo.yml")


@pytest.mark.parametrize("snippet", [
    {"index-url": "-https://x"}, {"index-url": "https://x y"}, {"extra-index-url": ["--trusted-host=x"]},
    {"python": ["-3.12"]}, {"python": ["3.12\n"]}, {"python": ["3.12 --x"]},
    {"packages": [{"name": "a", "names": {"conda": "-x"}}]}, {"packages": [{"name": "a", "names": {"apt": "x y"}}]},
    {"packages": [{"name": "a", "names": {"nix": "x\ny"}}]}, {"packages": [{"name": "a", "import": ["os;x"]}]},
])
def test_config_refuses_other_fields_a_tool_could_misread(snippet: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        parse_config(json.dumps({"packages": ["a"], **snippet}), "rodeo.yml")


# What rodeo.yml admits today although a tool could misread it; CellSpec refuses each, so the cell is
# an `error` with the reason in its log. config.py could refuse them with a line number instead.
CONFIG_GAPS = [
    {"packages": ['a; extra == "x\u2028-e ."']},    # pip's requirements files split at U+2028 (str.splitlines)
    {"packages": ['a; extra == "x\x0c-e ."']},      # ... and at \f, \v, \x1c-\x1e, U+0085, U+2029
    {"packages": ['a; extra == "x\x85y"']},
    {"packages": ["a"], "index-url": "https://x/\x00"},   # `\S+` admits NUL: no argument can hold it
    {"packages": ["a"], "extra-index-url": ["https://x/\x00"]},
]


@pytest.mark.parametrize("snippet", CONFIG_GAPS)
def test_what_config_lets_through_cellspec_refuses(snippet: dict[str, Any]) -> None:
    try:
        config = parse_config(json.dumps(snippet), "rodeo.yml")
    except InputError:
        return    # config learnt to refuse it: the better place (move the case to the tests above)
    with pytest.raises(UnsafeValue):
        for manager in MANAGERS:
            cell_spec(config, manager, "ubuntu-latest", {})


def cell_spec(config: Config, manager: str, os_label: str, environ: dict[str, str]) -> CellSpec:
    """The CellSpec the runner builds for ``manager`` from ``config``, with its own helpers."""
    info = manager_info(manager)
    cell = Cell(manager, "all", os_label, config.python[0], tuple(p.name for p in config.packages))
    reqs, _ = requirements_for(cell, config, info, builtin())
    index, extra = index_urls(config, environ)
    return CellSpec(cell_id=cell.id, python=cell.python, target=Target.for_label(os_label), packages=config.packages,
                    requirements=tuple(reqs), workdir="/w/cell", tool=info.executable or "python3",
                    interpreter="/usr/bin/python3", index_url=index, extra_index_urls=extra)


@examples(40)
@given(st.lists(st.tuples(st.sampled_from(KINDS[:-1]), any_text), min_size=1, max_size=4),
       st.one_of(st.none(), any_text.map(lambda t: "https://i.example/" + no_space(t))),
       st.sampled_from(["ubuntu-latest", "macos-14", "windows-latest", "ubuntu-24.04-arm"]))
def test_from_rodeo_yml_to_argv(packages: list[tuple[str, str]], index: str | None, os_label: str) -> None:
    """What config admits, through the names map and the runner's own helpers, to every manager's argv."""
    reqs = [requirement(i, kind, text) for i, (kind, text) in enumerate(packages)]
    try:
        config = parse_config(json.dumps({"packages": reqs, "index-url": index}), "rodeo.yml")
    except InputError:
        return
    for manager in MANAGERS:
        if not manager_info(manager).runs_on(os_label):
            continue
        try:
            spec = cell_spec(config, manager, os_label, {})
        except UnsafeValue:
            assert any(LINE_BREAKS.intersection(r) or "\x00" in r for r in reqs) or "\x00" in (index or "")
            continue
        check_argv(manager, spec, get(manager).recipe(spec))


def test_builtin_names_can_be_arguments() -> None:
    """Names from matrix/names.yml reach apt/conda/spack argv and files as they are: none is an option."""
    raw = yaml.safe_load((data_dir("matrix") / "names.yml").read_text(encoding="utf-8"))
    for package, entry in raw.items():
        for ecosystem, name in entry.items():
            values = name if ecosystem == "import" else [name]
            for value in values:
                assert value is None or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+@/-]*", value), (package, value)


# ================================================================================ 5. the repro

RECORDER = """#!/bin/sh
n=0
while [ -e "$RODEO_RECORD/$n.argv" ]; do n=$((n + 1)); done
if [ "$#" -eq 0 ]; then : > "$RODEO_RECORD/$n.argv"; else printf '%s\\0' "$@" > "$RODEO_RECORD/$n.argv"; fi
printf '%s' "$PWD" > "$RODEO_RECORD/$n.cwd"
env -0 > "$RODEO_RECORD/$n.env"
"""


@dataclass(frozen=True)
class Call:
    argv: list[str]
    cwd: str
    env: dict[str, str]


@dataclass
class Bash:
    """Repro scripts run by one bash, each in its own subshell and record folder, against recorders."""

    root: Path
    blocks: list[str] = field(default_factory=list)
    checks: list[Callable[[], None]] = field(default_factory=list)
    recorder: Path = field(init=False)
    bin: Path = field(init=False)

    def __post_init__(self) -> None:
        self.bin = self.root / "bin"
        self.bin.mkdir(parents=True)
        self.recorder = self.bin / "record"
        for path in (self.recorder, self.bin / "bash"):      # "bash": what the repro's `test:` line finds first
            path.write_text(RECORDER, encoding="utf-8")
            path.chmod(0o755)

    def add(self, script: str) -> Path:
        """Run ``script`` (with ``set -e``, as the repro starts) in a subshell; returns its record folder."""
        record = self.root / f"record{len(self.blocks)}"
        record.mkdir()
        self.blocks.append(f"(\nexport RODEO_RECORD={_sh(str(record))}\n{script}\n)\n")
        return record

    def run(self) -> None:
        assert BASH is not None
        if not self.blocks:
            return
        script = self.root / "all.sh"
        script.write_text("set -e\n" + "".join(self.blocks), encoding="utf-8")
        check = subprocess.run([BASH, "-n", str(script)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        env = {"PATH": "/usr/bin:/bin", "HOME": str(self.root), "LC_ALL": "C"}
        proc = subprocess.run([BASH, str(script)], cwd=self.root, env=env, capture_output=True, timeout=300)
        assert proc.returncode == 0, proc.stderr.decode(errors="replace")[-3000:]
        assert not list(self.root.rglob("PWNED")), "a hostile value ran as shell"
        for check_one in self.checks:
            check_one()


def _sh(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def calls(record: Path) -> list[Call]:
    out = []
    for i in range(len(list(record.glob("*.argv")))):
        argv = (record / f"{i}.argv").read_bytes().decode("utf-8").split("\0")[:-1]
        env = dict(item.split("=", 1) for item in (record / f"{i}.env").read_bytes().decode("utf-8").split("\0")[:-1])
        out.append(Call(argv, (record / f"{i}.cwd").read_bytes().decode("utf-8"), env))
    return out


def recorded(recipe: Recipe, recorder: Path, bin_dir: Path) -> Recipe:
    """``recipe`` with every program (and the environment's python) replaced by the recorder."""
    def swap(step: Step) -> Step:   # as the user running the test: no $SUDO (sudo would reset RODEO_RECORD)
        if step.write is not None:
            return step
        return replace(step, argv=(str(recorder), *step.argv[1:]),
                       shown=(str(recorder), *step.shown[1:]) if step.shown else None, as_root=False)
    return replace(recipe, steps=tuple(map(swap, recipe.steps)), python=str(recorder), bin_dirs=(str(bin_dir),),
                   launcher=(str(recorder), *recipe.launcher[1:]) if recipe.launcher else ())


def expect_repro(bash: Bash, recipe: Recipe, modules: list[str], test: str | None, root: str | None = None) -> None:
    """Queue the repro of ``recipe`` and the check that it wrote and ran exactly what the recipe says.

    ``root``: the folder the recipe was made for, which the repro makes with ``mktemp -d`` and names
    ``$R``; each of its occurrences must reach the tools and files as that folder.
    """
    runnable = recorded(recipe, bash.recorder, bash.bin)
    # run in the record folder: a launcher's repro writes the test to ./rodeo-test.sh (checked below)
    record = bash.add('cd "$RODEO_RECORD"\nexport TMPDIR="$RODEO_RECORD"\n'
                      + repro_text(runnable, modules, test, root=root) + '\nprintf %s "${R-}" > "$RODEO_RECORD/R"')

    def check() -> None:
        folder = (record / "R").read_text(encoding="utf-8")
        assert not root or folder.startswith(str(record) + "/tmp.") or not folder, folder

        def here(text: str) -> str:
            return text.replace(root, folder) if root else text
        got = calls(record)
        shown = [s for s in runnable.steps if s.in_repro]
        runs = [s for s in shown_steps(runnable.steps) if s.write is None]   # pixi's second `install` runs once
        want = [[here(a) for a in (s.shown or s.argv)[1:]] for s in runs]
        if modules:   # through the launcher (`conda run -p ...`, the recorder here) when there is one
            code = "; ".join(f"import {m}" for m in modules)
            want.append([here(a) for a in runnable.launched(str(bash.recorder), "-c", code)[1:]])
        if test:
            want.append([*map(here, runnable.launcher[1:]), "bash", TEST_SCRIPT] if runnable.launcher
                        else ["-c", test])
            if runnable.launcher:
                script = Path(folder or record) / TEST_SCRIPT
                assert script.read_bytes() == (test if test.endswith("\n") else test + "\n").encode()
        assert [c.argv for c in got] == want
        for call, step in zip(got, runs, strict=False):     # then the import probe and the test
            assert call.cwd == (here(step.cwd) if step.cwd else folder or str(record))
            assert {k: call.env.get(k) for k, _ in step.env} == {k: here(v) for k, v in step.env}
        exported = {k: here(v) for k, v in recipe.env if not k.endswith("CACHE_DIR") and k != "CONDA_PKGS_DIRS"}
        for call in got:
            assert {k: call.env.get(k) for k in exported} == exported
        final: dict[str, str] = {}
        for step in shown:   # a file written twice is written once, as it ended, without rodeo's heading
            if step.write is not None:
                content = here(step.content)
                final[here(step.write)] = content if content.endswith("\n") or not content else content + "\n"
        for path, content in final.items():
            written = Path(path).read_bytes().decode("utf-8")
            heading = content[:len(content) - len(written)]
            assert content.endswith(written) and all(not line.strip() or line.startswith("#")
                                                      for line in heading.splitlines()), path
            assert not written.startswith("# Written by rodeo-action"), path
    bash.checks.append(check)


def expect_writes(bash: Bash, recipe: Recipe) -> None:
    """For a recipe that cannot run here (Windows paths): its heredocs, written to local files."""
    steps = [replace(s, write=str(bash.root / f"w{len(bash.blocks)}-{i}")) for i, s in enumerate(recipe.steps)
             if s.write is not None]
    bash.add("\n".join(s.shell(repro=True) for s in steps))

    def check() -> None:
        for step in steps:
            assert step.write is not None
            want = step.content if step.content.endswith("\n") or not step.content else step.content + "\n"
            assert Path(step.write).read_bytes() == want.encode("utf-8")
    bash.checks.append(check)


def queue_cell(bash: Bash, cell: Hostile, test: str, targets: tuple[Target, ...] = TARGETS) -> None:
    """Every manager's recipe for ``cell`` on ``targets``: a POSIX one made for the repro's folder (as a
    cell makes it, the hostile folder name inside it), run; a Windows one's files written."""
    for target in targets:
        for _, _, recipe in recipes(cell, (target,), None if target.windows else REPRO_ROOT):
            if target.windows:
                expect_writes(bash, recipe)
            else:
                expect_repro(bash, recipe, ["six", "ruamel.yaml"], test, REPRO_ROOT)


@needs_bash
@needs_tomllib
@examples(8)
@given(cells(), any_text.map(clean), st.sampled_from([t for t in TARGETS if not t.windows]),
       st.sampled_from([t for t in TARGETS if t.windows]))
def test_repro_runs_exactly_the_recipe(cell: Hostile, test: str, posix: Target, windows: Target) -> None:
    with tempfile.TemporaryDirectory() as folder:
        bash = Bash(Path(folder))
        queue_cell(bash, cell, test, (posix, windows))
        bash.run()


@needs_bash
@needs_tomllib
def test_repro_of_every_manager_and_target_with_every_fragment(tmp_path: Path) -> None:
    bash = Bash(tmp_path)
    queue_cell(bash, hostile_cell(KITCHEN_SINK, python="3.12"), clean(KITCHEN_SINK))
    queue_cell(bash, hostile_cell("EOF\nEOF_\n'EOF'\nEOF__", python="3.13t"), "EOF\nEOF")
    # a package named like the heredoc's delimiter is a line of requirements.txt (mach-nix) and specs.txt
    queue_cell(bash, replace(hostile_cell("x", python="3.12"), requirements=("EOF", "EOF_", "eof")), "true",
               (Target("linux"), Target("windows")))
    bash.run()


@needs_bash
@examples(40)
@given(st.lists(any_text.map(clean), min_size=1, max_size=5), st.lists(st.tuples(
    st.from_regex(r"[A-Za-z0-9_]{0,8}", fullmatch=True).map("RODEO_T_".__add__), any_text.map(clean)), max_size=3),
    any_text.map(clean),
    st.sampled_from(["", "if", "A=b", "!", "time", "{", "-x", "x y"]))
def test_step_shell_round_trips(args: list[str], env: list[tuple[str, str]], content: str, word: str) -> None:
    """``Step.shell``: any arguments, variables, folder and file content come out of bash unchanged."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        bash = Bash(root)
        work = root / ("w " + component(args[0]))
        work.mkdir()
        named = bash.bin / (word or "tool")
        if word and "/" not in word:
            named.write_text(RECORDER, encoding="utf-8")
            named.chmod(0o755)
        env_map = dict(env)
        steps = [Step("install", write=str(work / "f.txt"), content=content),
                 Step("install", argv=(str(bash.recorder), *args), cwd=str(work), env=tuple(env_map.items()))]
        if word:    # a program named like a keyword or an assignment still runs as a program
            steps.append(Step("install", argv=(word, *args), cwd=str(work)))
        record = bash.add(f"PATH={_sh(str(bash.bin))}:\"$PATH\"\n" + "\n".join(s.shell(repro=True) for s in steps))
        bash.run()
        got = calls(record)
        assert [c.argv for c in got] == [args] * (2 if word else 1)
        assert got[0].cwd == str(work)
        assert {k: got[0].env.get(k) for k in env_map} == env_map
        want = content if content.endswith("\n") or not content else content + "\n"
        assert (work / "f.txt").read_bytes() == want.encode("utf-8")
