"""rodeo.yml -> a typed, validated Config.

The JSON Schema in ``schema/config.schema.json`` is the single description of the file: it drives
validation here and gives editors completion. What a schema cannot say (PEP 508, sets naming
declared packages, YAML reading ``3.10`` as ``3.1``) is checked after it, with the same
``FILE:LINE: field: problem; expected ...`` messages.
"""

from __future__ import annotations

import json
import platform
import re
import sys
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rodeo_action import pep508, schemacheck, yamlsrc
from rodeo_action.errors import InputError, Problem
from rodeo_action.refusals import DIRECT_SCHEMES, INDEX_SCHEMES, requirement_problem, url_problem
from rodeo_action.refusals import shown as _shown
from rodeo_action.resources import data_dir, schema_path

DEFAULT_PYTHON = ("3.12",)
DEFAULT_OS = ("ubuntu-latest",)
MAX_TIMEOUT = 7 * 24 * 3600      # a week: longer than any CI runner allows a job
MAX_CELLS = 200_000              # `rodeo plan` packs 100,000 cells in half a second; a typo must not ask for millions
MAX_PROBLEMS = 100               # lines of problems printed; the rest are counted on the last line
MAX_SHOWN = 500                  # characters of one problem's message (a field name: 120)


@cache
def config_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path("config.schema.json").read_text())
    return schema


def manager_names() -> tuple[str, ...]:
    """Every built-in manager, in the order the report shows them: the registry's (the schema's enum is
    tested equal to it). Imported here, as rodeo_action.managers.base imports this module."""
    from rodeo_action.managers.registry import MODULES

    return tuple(MODULES)


@dataclass(frozen=True)
class Package:
    """One package of the rodeo: a PEP 508 requirement plus how other ecosystems name it."""

    requirement: str          # as the user wrote it, e.g. "tensorflow>=2"
    name: str                 # canonical PyPI name, e.g. "tensorflow"
    specifier: str = ""       # e.g. ">=2"
    imports: tuple[str, ...] | None = None     # None: derive from the installed metadata
    names: dict[str, str | None] = field(default_factory=dict)  # per ecosystem or manager
    tracker: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Selector:
    """An include/exclude entry: every given key must match."""

    manager: str | None = None
    set: str | None = None
    os: str | None = None
    python: str | None = None

    def matches(self, manager: str, set_: str, os: str, python: str) -> bool:
        return ((self.manager is None or self.manager == manager) and (self.set is None or self.set == set_)
                and (self.os is None or self.os == os) and (self.python is None or self.python == python))


@dataclass(frozen=True)
class IssueSettings:
    enabled: bool = True
    labels: tuple[str, ...] = ("rodeo",)
    after: int = 1
    max_per_run: int = 5
    upstream: bool = False
    close_on_fix: bool = True
    slower: bool = False               # file an issue for a cell that passes at >= 2x its usual time (trends.slower)


@dataclass(frozen=True)
class ReportSettings:
    readme: str | None = "README.md"
    readme_mode: str = "commit"
    comment: str = "always"
    summary: bool = True
    templates: str | None = None
    issues: IssueSettings = field(default_factory=IssueSettings)


@dataclass(frozen=True)
class Config:
    packages: tuple[Package, ...]
    sets: dict[str, tuple[str, ...]]            # set name -> canonical package names, in package order
    managers: tuple[str, ...]
    python: tuple[str, ...]
    os: tuple[str, ...]
    name: str | None = None
    index_url: str | None = None
    extra_index_url: tuple[str, ...] = ()
    versions: dict[str, str] = field(default_factory=dict)
    test: str | None = None
    timeout: float = 1800.0
    retries: int = 1
    max_installs: int = 8                       # bisect: {max-installs}: extra installs isolating one regression
    exclude: tuple[Selector, ...] = ()
    include: tuple[Selector, ...] = ()
    report: ReportSettings = field(default_factory=ReportSettings)
    source: str = "rodeo.yml"
    python_given: bool = True
    os_given: bool = True

    def package(self, name: str) -> Package:
        for pkg in self.packages:
            if pkg.name == name:
                return pkg
        raise KeyError(name)


def parse_duration(value: object) -> float | None:
    """Seconds in ``30m``, ``90s``, ``2h``, ``45`` or 45; None when it is not a duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = float(min(value, 10 * MAX_TIMEOUT))       # no OverflowError on a 400-digit number
        return seconds if seconds == seconds else None      # NaN is not a duration
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"([0-9]{1,12}(?:\.[0-9]{1,12})?)(s|m|h)?", value)
    if not m:
        return None
    return float(m.group(1)) * {"s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


def load_config(path: str | Path | None) -> Config:
    """Read and validate a rodeo.yml; ``None`` gives the embedded default rodeo."""
    if path is None:
        default = data_dir("matrix") / "default.yml"
        return parse_config(default.read_bytes(), "default rodeo (matrix/default.yml)")
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(yamlsrc.MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, "", "no such file; expected a rodeo.yml "
                                  "(see `rodeo validate --help`)")]) from None
    except OSError as exc:
        raise InputError([Problem(str(path), None, "", f"cannot be read: {exc.strerror}")]) from None
    return parse_config(raw, str(path))


def parse_config(raw: bytes | str, filename: str) -> Config:
    """Parse and validate rodeo.yml text; raise :class:`InputError` listing every problem found.

    Never raises anything else, whatever the input."""
    filename = _printable(filename)
    located, problems = yamlsrc.load(raw, filename)
    if located is None:
        raise _refused(problems)
    data = located.data
    if data is None:
        raise InputError([Problem(filename, 1, "", "the file is empty; expected a mapping with at least "
                                  "`packages:`")])
    if not isinstance(data, dict):
        raise InputError([Problem(filename, located.line(()), "",
                                  f"the top level is {schemacheck.show(data)}; expected a mapping with at "
                                  "least `packages:`")])
    schema = config_schema()
    floats = _float_problems(located, filename, schema)
    problems.extend(floats)
    quoted = {p.field for p in floats}
    for n, err in enumerate(schemacheck.validate(data, schema)):
        if yamlsrc.dotted(err.path) not in quoted:
            # a "did you mean" compares with every choice: for the first problems, not for 60,000
            problems.append(_schema_problem(err, located, filename, schema, guess=n < MAX_PROBLEMS))
    if problems:
        # Still run the checks a schema cannot express, to list every problem in one go; on
        # data the schema refused they are best-effort, so an exception there is not news.
        try:
            _build(data, located, filename, problems)
        except Exception:  # the problems already found are what the user needs
            pass
        raise _refused(problems)
    config = _build(data, located, filename, problems)
    if problems:
        raise _refused(problems)
    return config


def _refused(problems: list[Problem]) -> InputError:
    """The error for these problems: in line order, one per field, each one line of bounded length,
    and at most MAX_PROBLEMS lines (a list of 10,000 bad packages is not 10,000 lines)."""
    ordered = [_clipped(p) for p in _ordered(problems)]
    if len(ordered) > MAX_PROBLEMS:
        rest = ordered[MAX_PROBLEMS - 1:]
        ordered[MAX_PROBLEMS - 1:] = [Problem(rest[0].file, rest[0].line, "", (
            f"{len(rest):,} more problems from this line on are not shown; expected fewer problems: fix the "
            "ones above and validate again"))]
    return InputError(ordered)


def _ordered(problems: list[Problem]) -> list[Problem]:
    unique = {(p.line, p.field): p for p in reversed(problems)}  # one line per field: the first said
    return sorted(unique.values(), key=lambda p: (p.line or 0, p.field))


def _clipped(problem: Problem) -> Problem:
    field_name, message = _one_line(problem.field, 120), _one_line(problem.message, MAX_SHOWN)
    if (field_name, message) == (problem.field, problem.message):
        return problem
    return Problem(problem.file, problem.line, field_name, message)


def _one_line(text: str, limit: int) -> str:
    if len(text.splitlines()) > 1 or text.endswith(("\n", "\r")):
        text = yamlsrc.one_line(text, limit)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _printable(name: str) -> str:
    """A file name as it goes in front of every message: control characters escaped, so a message
    stays one line whatever the path."""
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def _float_problems(located: yamlsrc.Located, filename: str, schema: dict[str, Any]) -> list[Problem]:
    """``python: [3.10]`` is the number 3.1 to YAML: where a string is expected, say to quote it."""
    out = []
    for path, raw in located.raw_floats.items():
        try:
            value = _value_at(located.data, path)
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(value, float):
            continue
        want = _subschema(schema, path).get("type")
        types = set(want) if isinstance(want, list) else {want}
        if "string" in types and not types & {"number", "integer"}:
            out.append(Problem(filename, located.line(path), yamlsrc.dotted(path),
                               f"YAML reads {raw} as the number {value!r}; expected a quoted string such as "
                               f"\"{raw}\""))
    return out


def _schema_problem(err: schemacheck.SchemaError, located: yamlsrc.Located, filename: str,
                    schema: dict[str, Any], guess: bool = True) -> Problem:
    field_name = yamlsrc.dotted(err.path) or "<root>"
    line = located.line(err.path)
    message = err.message
    if not guess:
        return Problem(filename, line, field_name, message)
    if err.keyword == "additionalProperties":
        key = str(err.path[-1])
        parent = _subschema(schema, err.path[:-1])
        known = sorted(parent.get("properties", {}))
        import difflib  # only when a name is wrong: not on every start-up
        guesses = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"did you mean {guesses[0]!r}? " if guesses else ""
        message = f"unknown key; {hint}expected one of {', '.join(known)}"
    elif err.keyword == "enum" and isinstance(_value_at(located.data, err.path), str):
        choices = _choices(_subschema(schema, err.path))
        import difflib  # only when a name is wrong: not on every start-up
        guesses = difflib.get_close_matches(_folded(_value_at(located.data, err.path)), choices, n=1, cutoff=0.5)
        if guesses:
            message = (f"{message.split(';')[0]}; did you mean {guesses[0]!r}? expected one of "
                       f"{', '.join(choices)}")
    elif err.keyword == "pattern" and isinstance(_value_at(located.data, err.path), str):
        examples = schemacheck.deref(_subschema(schema, err.path), schema).get("examples", [])
        import difflib  # only when a value is wrong: not on every start-up
        guesses = difflib.get_close_matches(_value_at(located.data, err.path), examples, n=1, cutoff=0.75)
        if guesses:
            message = f"{message.split(';')[0]}; did you mean {guesses[0]!r}? {message.split('; ', 1)[1]}"
    elif err.keyword == "propertyNames":
        key = str(err.path[-1])
        names = schemacheck.deref(_subschema(schema, err.path[:-1]).get("propertyNames", {}), schema)
        choices = _choices(names)
        if choices:
            import difflib  # only when a name is wrong: not on every start-up
            guesses = difflib.get_close_matches(key, choices, n=1, cutoff=0.5)
            hint = f"did you mean {guesses[0]!r}? " if guesses else ""
            message = f"unknown name {key!r}; {hint}expected one of {', '.join(choices)}"
        else:
            message = f"{key!r} cannot be used as a key here; expected {schemacheck.describe(names, schema)}"
    elif err.keyword == "minProperties":
        message = f"is empty; expected {schemacheck.describe(_subschema(schema, err.path), schema)} (at least one)"
    return Problem(filename, line, field_name, message)


def _folded(text: str) -> str:
    """Full-width and other compatibility letters as the ASCII they look like (ｐｉｐ -> pip), for a guess."""
    import unicodedata

    return text if text.isascii() else unicodedata.normalize("NFKC", text).casefold()


def _choices(node: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(c for c in node.get("enum", []) if isinstance(c, str)))


def _value_at(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _int(value: Any) -> int:
    """The schema's "integer" admits 2.0 (JSON has one number type); the Config holds ints."""
    return int(value)


def _subschema(schema: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    """The schema that applies at ``path`` (following properties, items and $refs)."""
    node = _mapping_branch(schemacheck.deref(schema, schema), schema)
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return {}
        node = _mapping_branch(schemacheck.deref(node, schema), schema)
    return node


def _mapping_branch(node: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """For a `oneOf` of a string or a mapping (a package), the mapping's schema."""
    for option in node.get("oneOf", []):
        branch: dict[str, Any] = schemacheck.deref(option, schema)
        if "properties" in branch:
            return branch
    return node


def _parse_requirement(text: str, path: tuple[str | int, ...], located: yamlsrc.Located, filename: str,
                       problems: list[Problem]) -> pep508.Simple | None:
    """The requirement's canonical name and specifier, or None with the problem recorded.

    The plain shapes (nearly every package) are read by ``pep508`` without importing ``packaging``,
    whose import is a visible share of a fast cell's start-up; anything else goes to ``packaging``."""
    where = yamlsrc.dotted(path)
    line = located.line(path)
    stripped = text.strip()
    problem = requirement_problem(text, stripped)
    if problem is not None:
        problems.append(Problem(filename, line, where, problem))
        return None
    fast = pep508.simple(stripped)
    if fast is not None:
        return fast
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(stripped)
    except InvalidRequirement as exc:
        detail = yamlsrc.one_line(str(exc).splitlines()[0], 120)
        problems.append(Problem(filename, line, where, f"{_shown(text)} is not a valid PEP 508 requirement "
                                f"({detail}); expected e.g. 'tensorflow>=2'"))
        return None
    if req.url is not None:
        problem = url_problem(req.url, DIRECT_SCHEMES, direct=True)
        if problem is not None:
            problems.append(Problem(filename, line, where, f"{_shown(text)}: {problem}"))
            return None
    return pep508.Simple(pep508.canonical_name(req.name), str(req.specifier))


def _build(data: dict[str, Any], located: yamlsrc.Located, filename: str, problems: list[Problem]) -> Config:
    """The config from a document the schema accepted; what the schema cannot say goes to ``problems``."""
    packages = _packages(data, located, filename, problems)
    sets = _sets(data, packages, located, filename, problems)
    managers = tuple(data.get("managers") or manager_names())
    for key in ("exclude", "include"):
        for i, sel in enumerate(data.get(key) or []):
            if "set" in sel and sel["set"] not in sets:
                problems.append(Problem(filename, located.line((key, i, "set")), f"{key}[{i}].set",
                                        f"{sel['set']!r} is not a set; expected one of {', '.join(sets)}"))
    timeout = parse_duration(data.get("timeout", "30m"))
    if timeout is None or timeout <= 0 or timeout > MAX_TIMEOUT:
        problems.append(Problem(filename, located.line(("timeout",)), "timeout",
                                f"got {schemacheck.show(data.get('timeout'))}; expected a duration such as 30m, "
                                f"90s or 2h, more than 0 and at most {MAX_TIMEOUT // 3600}h"))
        timeout = 1800.0
    config = Config(
        packages=tuple(packages), sets=sets, managers=managers,
        python=tuple(data.get("python") or DEFAULT_PYTHON), os=tuple(data.get("os") or DEFAULT_OS),
        name=data.get("name"), index_url=data.get("index-url"),
        extra_index_url=tuple(data.get("extra-index-url") or ()), versions=dict(data.get("versions") or {}),
        test=data.get("test"), timeout=timeout, retries=_int(data.get("retries", 1)),
        max_installs=_int((data.get("bisect") or {}).get("max-installs", 8)),
        exclude=tuple(Selector(**s) for s in data.get("exclude") or ()),
        include=tuple(Selector(**s) for s in data.get("include") or ()),
        report=_report_settings(data.get("report") or {}), source=filename, python_given="python" in data,
        os_given="os" in data,
    )
    _check_destinations(data, config, located, filename, problems)
    _check_cells(data, config, located, filename, problems)
    return config


def _packages(data: dict[str, Any], located: yamlsrc.Located, filename: str,
              problems: list[Problem]) -> list[Package]:
    """``packages:`` read as requirements, each once."""
    packages: list[Package] = []
    seen: dict[str, int] = {}
    longest = _max_items("packages")     # past it the schema has spoken; parsing 70,000 more says nothing new
    for i, entry in enumerate(data["packages"][:longest]):
        path: tuple[str | int, ...] = ("packages", i)
        text = entry if isinstance(entry, str) else entry["name"]
        where = path if isinstance(entry, str) else path + ("name",)
        req = _parse_requirement(text, where, located, filename, problems)
        if req is None:
            continue
        name = req.name
        if name in seen:
            problems.append(Problem(filename, located.line(path), yamlsrc.dotted(path),
                                    f"package {name!r} is listed twice (also item {seen[name]}); expected "
                                    "each package once"))
            continue
        seen[name] = i
        extra: dict[str, Any] = entry if isinstance(entry, dict) else {}
        imports = extra.get("import")
        packages.append(Package(
            requirement=text.strip(), name=name, specifier=req.specifier,
            imports=tuple(imports) if imports is not None else None,
            names=dict(extra.get("names", {})), tracker=extra.get("tracker"), line=located.line(path)))

    return packages


def _sets(data: dict[str, Any], packages: list[Package], located: yamlsrc.Located, filename: str,
          problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """``sets:`` (default: one set ``all``), plus one per package with ``per-package``; members in
    ``packages`` order, set names distinct even ignoring case (they become file names)."""
    declared = {p.name for p in packages}
    sets: dict[str, tuple[str, ...]] = {}
    order = {p.name: i for i, p in enumerate(packages)}
    known = ", ".join(sorted(declared))
    guesses = 0
    folded: dict[str, str] = {}          # set name, case-folded -> as written
    for set_name, members in (data.get("sets") or {}).items():
        path = ("sets", set_name)
        other = folded.setdefault(set_name.casefold(), set_name)
        if other != set_name:
            problems.append(Problem(filename, located.line(path), yamlsrc.dotted(path), (
                f"set {set_name!r} differs from set {other!r} only in case; expected set names that differ in "
                "more than case (cell ids become file and artifact names, and some file systems ignore case)")))
        index: dict[str, int] = {}
        for j, member in enumerate(members[:_max_items("sets", "*")]):
            canon = pep508.canonical_name(member)
            if canon in index:
                first = members[index[canon]]
                if first != member:   # the same string twice is the schema's uniqueItems
                    problems.append(Problem(filename, located.line(path + (j,)), yamlsrc.dotted(path + (j,)),
                                            f"{_shown(member)} is the same package as {_shown(first)}; expected "
                                            "each package once"))
                continue
            index[canon] = j
            if canon not in declared:
                guesses += 1      # a guess compares with every package: a few hundred, not thousands
                import difflib  # only when a name is wrong: not on every start-up
                guess = difflib.get_close_matches(canon, sorted(declared), n=1) if guesses <= 50 else []
                hint = f"did you mean {guess[0]!r}? " if guess else ""
                problems.append(Problem(filename, located.line(path + (j,)), yamlsrc.dotted(path + (j,)),
                                        f"{_shown(member)} is not in packages; {hint}expected one of {known}"))
        sets[set_name] = tuple(sorted(index, key=lambda n: order.get(n, 0)))
    declared_sets = bool(sets)
    if not sets:
        sets["all"] = tuple(p.name for p in packages)
        folded["all"] = "all"
    if data.get("per-package"):
        for pkg in packages:
            set_name = pkg.name
            other = folded.get(set_name.casefold(), set_name)
            if other in sets and sets[other] != (pkg.name,) or other != set_name:
                what = "is declared" if declared_sets else "is the default set of every package"
                problems.append(Problem(filename, located.line(("per-package",)), "per-package",
                                        f"would add a set {set_name!r} for package {pkg.name!r} but a set "
                                        f"{'of that name' if other == set_name else repr(other)} {what}; expected "
                                        "set names that differ from package names (also ignoring case)"))
            sets[set_name] = (pkg.name,)

    return sets


def _report_settings(report_data: dict[str, Any]) -> ReportSettings:
    """``report:`` with its defaults filled in."""
    issues_data = report_data.get("issues") or {}
    comment = report_data.get("comment", "always")
    comment = {True: "always", False: "off"}.get(comment, comment)
    return ReportSettings(
        readme=report_data.get("readme", "README.md"),
        readme_mode=report_data.get("readme-mode", "commit"),
        comment=comment,
        summary=report_data.get("summary", True),
        templates=report_data.get("templates"),
        issues=IssueSettings(
            enabled=issues_data.get("enabled", True),
            labels=tuple(issues_data.get("labels", ["rodeo"])),
            after=_int(issues_data.get("after", 1)),
            max_per_run=_int(issues_data.get("max-per-run", 5)),
            upstream=issues_data.get("upstream", False),
            close_on_fix=issues_data.get("close-on-fix", True),
            slower=issues_data.get("slower", False),
        ),
    )


def _max_items(*path: str) -> int:
    """The schema's maxItems for a list (``"*"``: a mapping's values)."""
    node = config_schema()
    for part in path:
        node = node["additionalProperties"] if part == "*" else node["properties"][part]
    return int(node["maxItems"])


def _check_destinations(data: dict[str, Any], config: Config, located: yamlsrc.Located, filename: str,
                        problems: list[Problem]) -> None:
    """What a schema pattern cannot say about values that become URLs, paths and API arguments."""
    def say(path: tuple[str | int, ...], message: str) -> None:
        problems.append(Problem(filename, located.line(path), yamlsrc.dotted(path), message))

    # on data the schema refused this runs best-effort: look only at values of the right type
    urls: list[tuple[tuple[str | int, ...], Any]] = [(("index-url",), data.get("index-url"))]
    extra = data.get("extra-index-url")
    urls += [(("extra-index-url", i), url) for i, url in enumerate(extra if isinstance(extra, list) else [])]
    for path, url in urls:
        problem = url_problem(url, INDEX_SCHEMES) if isinstance(url, str) else None
        if problem is not None:
            say(path, problem)
    for i, entry in enumerate(data["packages"][:_max_items("packages")]):
        if not isinstance(entry, dict):
            continue
        names = entry.get("names")
        for key, value in (names if isinstance(names, dict) else {}).items():
            if isinstance(value, str) and (".." in value or "//" in value or value.endswith("/")):
                say(("packages", i, "names", key), f"got {_shown(value)}; expected a package name, not a path "
                    "(no '..', '//' or '/' at the end)")
        tracker = entry.get("tracker")
        if isinstance(tracker, str):
            problem = _tracker_problem(tracker)
            if problem is not None:
                say(("packages", i, "tracker"), problem)
    readme = config.report.readme if isinstance(data.get("report"), dict) else None
    if isinstance(readme, str) and (".." in readme.split("/") or "//" in readme or readme.endswith("/")):
        say(("report", "readme"), f"got {_shown(readme)}; expected a path to a file inside the repository, "
            "relative to its root (no '..' or '//', not a folder)")


def _tracker_problem(tracker: str) -> str | None:
    if tracker.startswith("https://"):
        problem = url_problem(tracker, ("https",))
        return None if problem is None else f"{_shown(tracker)}: {problem}"
    repo = tracker.partition("/")[2]
    if repo in (".", "..") or repo.endswith(".git"):
        return f"got {_shown(tracker)}; expected OWNER/REPO of a GitHub repository (a name, not '.', '..' or *.git)"
    return None


def _check_cells(data: dict[str, Any], config: Config, located: yamlsrc.Located, filename: str,
                 problems: list[Problem]) -> None:
    """Cell ids are ``MANAGER-SET-OS-pyPYTHON``: file names of results and logs, artifact names, matrix
    values. Each must be unique, also ignoring case; and there must not be millions of them."""
    flagged = {re.split(r"[.\[]", p.field)[0] for p in problems}
    if flagged & {"managers", "sets", "os", "python", "include", "per-package"}:
        return     # one of the lists counted is already refused: what it would give says nothing new
    oses = list(dict.fromkeys([*config.os, *(s.os for s in config.include if s.os)]))
    seen: dict[str, tuple[str, str]] = {}
    for set_name in config.sets:
        for os_label in oses:
            key = f"{set_name}-{os_label}".casefold()
            other = seen.setdefault(key, (set_name, os_label))
            if other != (set_name, os_label):
                path: tuple[str, ...] = ("sets", set_name) if ("sets", set_name) in located.lines else ("os",)
                problems.append(Problem(filename, located.line(path), yamlsrc.dotted(path), (
                    f"set {set_name!r} on {os_label} and set {other[0]!r} on {other[1]} would give the same cell "
                    f"ids (MANAGER-{key}-pyX); expected set names and runner labels that keep cell ids unique, "
                    "also ignoring case")))
                return
    counts = {"manager": len(config.managers), "set": len(config.sets), "os": len(config.os),
              "python": len(config.python)}
    cells = counts["manager"] * counts["set"] * counts["os"] * counts["python"]
    for sel in config.include:
        cells += ((1 if sel.manager else counts["manager"]) * (1 if sel.set else counts["set"])
                  * (1 if sel.os else counts["os"]) * (1 if sel.python else counts["python"]))
    if cells > MAX_CELLS:
        path = ("sets",) if "sets" in data else ("per-package",) if "per-package" in data else ()
        problems.append(Problem(filename, located.line(path) or 1, "", (
            f"the rodeo has {cells:,} cells ({counts['manager']} managers x {counts['set']:,} sets x "
            f"{counts['os']} OSes x {counts['python']} Pythons, with include); expected at most {MAX_CELLS:,}: "
            "fewer sets, or several rodeos")))


def host_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def host_os_label() -> str:
    """A runner-style label for this machine, e.g. debian-12, ubuntu-24.04, macos-14, windows-latest."""
    system = platform.system()
    arm = platform.machine().lower() in ("aarch64", "arm64")
    if system == "Darwin":
        major = platform.mac_ver()[0].split(".")[0] or "latest"
        return f"macos-{major}" + ("-intel" if not arm and major not in ("11", "12", "13") else "")
    if system == "Windows":
        return "windows-latest" + ("-arm" if arm else "")
    if arm:
        return _linux_label() + "-arm"
    return _linux_label()


def _linux_label() -> str:
    try:
        info = platform.freedesktop_os_release()
    except OSError:
        info = {}
    distro = info.get("ID", "linux")
    version = info.get("VERSION_ID", "latest")
    if distro in ("ubuntu", "debian") and re.fullmatch(r"[A-Za-z0-9.]+", version):
        return f"{distro}-{version}"
    return "ubuntu-latest"


def for_local(config: Config) -> Config:
    """`rodeo local` runs what this machine can: its OS, and its Python when none was asked for."""
    from dataclasses import replace
    return replace(config,
                   python=config.python if config.python_given else (host_python(),),
                   os=config.os if config.os_given else (host_os_label(),))
