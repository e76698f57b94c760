"""Who is to blame: a distribution name, checked, and the two ways the log names one indirectly.

A rule's capture group is a guess at a name: it can catch a version (``3.0.0rc1``), a word of the
tool's sentence (``requirements``) or the project being installed. :func:`plausible` is the last
check every culprit passes; a culprit that fails it is dropped, not replaced by another guess.

A conflict is about the distribution both sides constrain (:func:`contested`): ``numpy`` when
pandas needs ``<2`` and tensorflow ``>=2``. An import error is the fault of the distribution that
owns the failing module (:func:`import_owner`): the last frame of the traceback under
site-packages, else the module the import named, mapped from its import name to its distribution.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

_PEP508 = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._+-]*[A-Za-z0-9+])?")
_VERSION = re.compile(r"v?\d+(?:[.*]\d*)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|dev|post)\.?\d*)*(?:\+[\w.]+)?", re.I)
# the words a tool's sentence puts where a name could be: "requirements.txt", "the following", "your project"
_WORDS = frozenset("""a an and any are as at be because but by can cannot could for from has have in is it its
none no not of on or so some that the these this those to was were which with you your project root
requirement requirements package packages dependency dependencies version versions distribution
distributions following error warning failed hint note conflict conflicts conflicting install installing
resolution solution environment index candidate candidates""".split())
PROJECTS = ("rodeo-cell",)     # the project rodeo writes for a cell (poetry, pdm, hatch, uv)
_ROOTS = frozenset({"project", "root", "rodeo-cell"})   # how the solvers name the project: its requirements are yours


def canonical(name: str) -> str:
    """PEP 503: ``Flask_RESTful`` and ``flask-restful`` are the same distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def projects(text: str, context: str) -> set[str]:
    """The project under test, as the log shows it: rodeo's own, a ``name =`` in the pyproject rodeo
    wrote, and the root a solver names without a version ("Because wild-probe depends on black (24.1)")."""
    found = {canonical(p) for p in PROJECTS}
    found |= {canonical(m) for m in re.findall(r'^name = "([^"]+)"', context, re.M)}
    found |= {canonical(m) for m in re.findall(r"\b[Bb]ecause ([A-Za-z0-9][\w.-]*) depends on [A-Za-z0-9][\w.-]* \(",
                                               text)}
    return found


def plausible(name: str | None, text: str = "", context: str = "") -> str | None:
    """``name`` when it can be a distribution (PEP 508, not a version, not a word of the sentence, not
    the project under test); None otherwise. Trailing punctuation of a sentence is not part of it."""
    if not name:
        return None
    name = name.strip().strip("`'\"").rstrip(".,:;")
    if not _PEP508.fullmatch(name) or _VERSION.fullmatch(name) or name.lower() in _WORDS:
        return None
    if canonical(name) in projects(text, context):
        return None
    return name


# -- a conflict: the distribution both sides constrain ----------------------------------------------


class Constraint(NamedTuple):
    """``who`` (a package and version, or ``you``) needs ``name`` within ``spec``."""

    who: str
    name: str
    spec: str


_SPEC_SPLIT = re.compile(r"^(?P<n>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*(?P<s>.*)$")


def constraint(who: str, requirement: str) -> Constraint | None:
    """``black 24.1.0`` + ``click>=8.0.0; python_version >= "3.8"`` -> (black 24.1.0, click, >=8.0.0)."""
    m = _SPEC_SPLIT.match(requirement.strip().strip("`'\""))
    if not m:
        return None
    spec = m.group("s").split(";")[0].strip().strip("()").strip() or "any version"
    who = who.strip()
    return Constraint("you" if canonical(who) in _ROOTS else who, m.group("n").rstrip(".,"), spec)


def contested(found: Sequence[Constraint], prefer: str | None = None) -> tuple[str, str] | None:
    """(the distribution the constraints disagree on, "numpy (pandas needs <2, you require >=2)"):
    the name constrained by the most different parties (``prefer`` first when the tool names it)."""
    by_name: dict[str, list[Constraint]] = {}
    for c in found:
        by_name.setdefault(canonical(c.name), []).append(c)
    if not by_name:
        return None
    parties = {key: len({c.who for c in cs}) + len({c.spec for c in cs}) for key, cs in by_name.items()}
    key = canonical(prefer) if prefer and canonical(prefer) in by_name else max(parties, key=lambda k: parties[k])
    if prefer is None and len({c.who for c in by_name[key]}) < 2:
        return None
    sides: dict[str, str] = {}
    for c in by_name[key]:
        if c.spec not in sides.values():     # "we can conclude that you require X": the same side again
            sides.setdefault(c.who, c.spec)
    said = ", ".join(f"you require {spec}" if who == "you" else f"{who} needs {spec}" for who, spec in sides.items())
    return by_name[key][0].name, f"{by_name[key][0].name} ({said})"


# -- an import error: the distribution that owns the failing module ----------------------------------

_FRAME = re.compile(r'^[ \t]*File "[^"\n]*?[/\\](?:site|dist)-packages[/\\](?P<top>[A-Za-z_][\w]*)(?:[/\\."])', re.M)
_DIST_INFO = re.compile(r"[/\\](?P<d>[A-Za-z0-9][A-Za-z0-9._]*)-[^/\\\s-]+\.(?:dist|egg)-info\b")
_INSTALLED = re.compile(r"^\s*(?:Successfully installed (?P<pip>.+)|[+] (?P<uv>[A-Za-z0-9][\w.-]*)==|"
                        r"[-•] Installing (?P<poetry>[A-Za-z0-9][\w.-]*) \(|"
                        r"✔ Install (?P<pdm>[A-Za-z0-9][\w.-]*) \S+ successful)",
                        re.M)
# packages whose frames sit between a module and the library it loads: the caller is the owner
_MACHINERY = frozenset({"cffi", "importlib_metadata", "importlib_resources", "pkg_resources", "_distutils_hack",
                        "six", "lazy_loader"})


@cache
def _import_names() -> dict[str, tuple[str, ...]]:
    """matrix/names.yml's ``import:`` lists, reversed: ``yaml`` -> (``pyyaml``,); ``cv2`` -> every
    distribution that provides it (opencv-python, opencv-python-headless), in the order listed."""
    from rodeo_action.names import builtin

    out: dict[str, list[str]] = {}
    for dist, entry in builtin().entries.items():
        for module in entry.get("import") or ():
            providers = out.setdefault(str(module).split(".")[0], [])
            if dist not in providers:
                providers.append(dist)
    return {module: tuple(dists) for module, dists in out.items()}


def distribution_of(module: str, text: str = "", requested: Sequence[str] = ()) -> str | None:
    """The distribution an import name belongs to: one the log shows installed or a ``.dist-info`` of
    the same name, else names.yml's mapping (the provider the log shows installed first), else the one
    installed (or, when the manager lists none, as pipenv does, the one requested) distribution whose
    name holds the module's, else the name itself (most projects are named as they import).
    None for the standard library and Python's own ``__main__``/``<string>``."""
    top = module.split(".")[0]
    if not top or top in sys.stdlib_module_names or top.startswith("<") or top == "__main__":
        return None
    want = canonical(top.lstrip("_"))
    shown = [d.group("d") for d in _DIST_INFO.finditer(text)]
    for m in _INSTALLED.finditer(text):
        shown += (re.findall(r"(\S+?)-\d\S*", m.group("pip")) if m.group("pip")
                  else [m.group("uv") or m.group("poetry") or m.group("pdm")])
    for name in shown:
        if canonical(name) == want:
            return canonical(name)
    providers = _import_names().get(top, ())
    # several distributions provide cv2: the one the log shows installed, else the first names.yml lists
    installed = [canonical(n) for n in shown if canonical(n) in {canonical(p) for p in providers}]
    if installed or providers:
        return installed[0] if installed else providers[0]
    # fusepy provides fuse, pysdl2 sdl2: the one installed distribution whose name holds the module's
    holding = {canonical(n) for n in (shown or requested) if want in canonical(n)}
    return holding.pop() if len(holding) == 1 else want


# the names a ``$ `` line asked a manager to install: pip/uv pip install, uv/poetry/pdm add, pipenv install
_REQUESTED = re.compile(r"^\$ [^\n]*?\b(?:install|add)\b(?P<args>[^\n]*)$", re.M)


def requested(context: str) -> list[str]:
    """The distributions rodeo's or the user's install commands name (options and their values left out):
    no evidence of blame, only the names an import name may be short for."""
    names = []
    for m in _REQUESTED.finditer(context):
        for word in m.group("args").split():
            if not word.startswith("-") and not re.fullmatch(r"\d[\d.]*", word) and not re.search(r"[/:]", word):
                name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", word.strip("'\""))
                if name:
                    names.append(name.group(0))
    return names


_NAMED = re.compile(r"cannot import name '[^']+' from '(?P<a>[\w.]+)'|No module named '(?P<b>[\w.]+)'")
_COMMAND = re.compile(r"^\$ .*?\bpython[\d.]*\s+(?:-\w+\s+)*-c\s+[\"']?(?:import|from)\s+(?P<m>[A-Za-z_][\w.]*)",
                      re.M)


def import_owner(text: str, context: str, at: int, module: str | None = None) -> str | None:
    """The distribution to blame for an import that failed at ``text[at]``: the last traceback frame
    under site-packages that is not loader machinery; else the module the probe or ``python -c``
    imported; else the module the error names."""
    start = text.rfind("Traceback (most recent call last):", 0, at + 1)
    tops = [f.group("top") for f in _FRAME.finditer(text, max(start, 0), at + 1)] if start >= 0 else []
    owners = [t for t in tops if t not in _MACHINERY and distribution_of(t, text)]
    if owners:
        return distribution_of(owners[-1], text, requested(context))
    if module:
        return distribution_of(module, text)
    command = list(_COMMAND.finditer(context))
    if command:
        return distribution_of(command[-1].group("m"), text)
    eol = text.find("\n", at)
    named = _NAMED.search(text, at, eol if eol >= 0 else len(text))
    if named:
        return distribution_of(named.group("a") or named.group("b"), text)
    return None


__all__ = ["Constraint", "canonical", "constraint", "contested", "distribution_of", "import_owner", "plausible",
           "projects", "requested"]
