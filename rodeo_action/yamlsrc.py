"""Load YAML into plain data while remembering where every value came from.

PyYAML's composer gives nodes with line marks; we convert them ourselves so that we can refuse
duplicate keys, bound the number of nodes (an anchor bomb expands to millions), and keep a
``path -> line`` map for error messages of the form ``rodeo.yml:LINE: field: ...``.

Whatever the input (any bytes, any text), :func:`load` returns data or problems; it never raises.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from rodeo_action.errors import Problem

MAX_BYTES = 1_000_000
MAX_NODES = 100_000

Path = tuple[str | int, ...]

# libyaml is ~7x faster on big inputs and does not recurse in Python on deep nesting
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_MERGE = _TAG + "merge"
# plain scalars YAML 1.1 resolves to non-strings; as mapping keys we keep the text the user wrote
_KEY_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value"))


@dataclass
class Located:
    """Plain data plus the line of each path inside it (1-based)."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    # the original text of scalars YAML read as floats, to say "3.10 was read as 3.1"
    raw_floats: dict[Path, str] = field(default_factory=dict)

    def line(self, path: Path) -> int | None:
        """The line of ``path`` or of its nearest located ancestor."""
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_<>-][A-Za-z0-9._<>-]*\Z")


def dotted(path: Path) -> str:
    """``("sets", "x", 0)`` -> ``sets.x[0]``; an odd key is quoted (``sets['a b']``) so a field
    name stays one line and unambiguous."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not _PLAIN_KEY.match(part):
            out += f"[{part!r}]"
        else:
            out += f".{part}" if out else part
    return out


def one_line(text: str, limit: int = 200) -> str:
    """Messages are one line each: collapse whitespace, cap the length."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _TooBig(Exception):
    pass


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def load(text: bytes | str, filename: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML text; return the located data (with any problems found in it), or None and the
    problems that stopped it."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        return None, [Problem(filename, None, "", f"file is {size:,} bytes; expected at most "
                              f"{MAX_BYTES:,} bytes of YAML")]
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            where = raw[: exc.start].count(b"\n") + 1
            return None, [Problem(filename, where, "", f"byte 0x{raw[exc.start]:02x} is not UTF-8; "
                                  "expected a UTF-8 text file")]
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = one_line(" ".join(p for p in (exc.context, exc.problem) if p) or "cannot be parsed")
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            what += "; indent with spaces, not tabs"
        return None, [Problem(filename, line, "", f"not valid YAML: {what}")]
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark
        return None, [Problem(filename, None, "", f"not valid YAML: {one_line(str(exc))}")]
    except RecursionError:
        return None, [Problem(filename, None, "", "nested too deeply; expected a small configuration")]
    located = Located(data=None)
    problems: list[Problem] = []
    if node is None:
        return located, problems
    counter = [0]
    try:
        located.data = _convert(node, (), located, problems, filename, counter)
    except _TooBig:
        return None, [Problem(filename, node.start_mark.line + 1, "", f"expands to more than {MAX_NODES:,} "
                              "values (YAML aliases?); expected a small configuration")]
    except _Refused as exc:
        return None, [exc.problem]
    except RecursionError:
        return None, [Problem(filename, None, "", "nested too deeply (or an alias refers to itself); "
                              "expected a small configuration")]
    return located, problems


_CONSTRUCTOR = yaml.SafeLoader("")


def _convert(node: yaml.Node, path: Path, out: Located, problems: list[Problem], filename: str,
             counter: list[int]) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise _TooBig
    line = node.start_mark.line + 1
    out.lines.setdefault(path, line)
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, path, out, problems, filename, counter)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), out, problems, filename, counter)
                for i, item in enumerate(node.value)]
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, AttributeError) as exc:
        raise _Refused(Problem(filename, line, dotted(path), f"cannot read {node.value!r} as {_tag(node)} "
                               f"({one_line(str(exc), 80)}); expected a plain value")) from None
    if isinstance(value, float):
        out.raw_floats[path] = node.value
    elif isinstance(value, (datetime.date, datetime.datetime)):
        value = node.value     # YAML 1.1 timestamps: keep the text (JSON and YAML 1.2 have no dates)
    elif not (value is None or isinstance(value, (str, int, bool))):
        raise _Refused(Problem(filename, line, dotted(path), f"YAML tag {_tag(node)} is not supported; "
                               "expected a string, number, true/false or null"))
    return value


def _tag(node: yaml.Node) -> str:
    return "!!" + node.tag[len(_TAG):] if node.tag.startswith(_TAG) else node.tag


def _key(key_node: yaml.Node) -> str | None:
    """A mapping key as the user wrote it: ``3.10``, ``on`` or ``2024`` stay text."""
    if isinstance(key_node, yaml.ScalarNode) and key_node.tag in _KEY_TAGS:
        return str(key_node.value)
    return None


def _convert_mapping(node: yaml.MappingNode, path: Path, out: Located, problems: list[Problem], filename: str,
                     counter: list[int]) -> dict[str, Any]:
    # `<<` merge keys: merged entries come first and may be overridden by the mapping's own keys;
    # in `<<: [*a, *b]` the earlier of a and b wins (the YAML merge-key spec).
    merged: dict[str, Any] = {}
    own: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE:
            own.append((key_node, value_node))
            continue
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in reversed(sources):
            if not isinstance(source, yaml.MappingNode):
                problems.append(Problem(filename, source.start_mark.line + 1, dotted(path) or "<root>",
                                        "a `<<` merge key needs a mapping or a list of mappings; "
                                        "expected an alias such as <<: *defaults"))
                continue
            merged.update(_convert_mapping(source, path, out, problems, filename, counter))
    result: dict[str, Any] = dict(merged)
    first: dict[str, int] = {}
    for key_node, value_node in own:
        counter[0] += 1
        key = _key(key_node)
        line = key_node.start_mark.line + 1
        if key is None:
            problems.append(Problem(filename, line, dotted(path) or "<root>",
                                    "a key must be a plain string; expected a name such as `packages`"))
            continue
        if key in first:
            problems.append(Problem(filename, line, dotted(path + (key,)),
                                    f"duplicate key (first at line {first[key]}); expected each key once"))
            continue
        first[key] = line
        out.lines[path + (key,)] = line
        if key in merged:    # forget what we noted about the merged value this key overrides
            for sub in [p for p in out.raw_floats if p[: len(path) + 1] == path + (key,)]:
                del out.raw_floats[sub]
        result[key] = _convert(value_node, path + (key,), out, problems, filename, counter)
    return result
