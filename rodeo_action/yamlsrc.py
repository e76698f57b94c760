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
MAX_DEPTH = 40          # collections inside collections; a real rodeo.yml nests 5 deep
MAX_KEY_SHOWN = 60      # a field name in a message shows at most this much of a key

Path = tuple[str | int, ...]

# libyaml is ~7x faster on big inputs and does not recurse in Python on deep nesting
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_MERGE = _TAG + "merge"
# plain scalars YAML 1.1 resolves to non-strings; as mapping keys we keep the text the user wrote
_KEY_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value"))
_SCALAR_TAGS = frozenset(_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_TEXT_TAGS = frozenset(_TAG + t for t in ("merge", "value"))


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
    name stays one line and unambiguous; a very long key is shortened (``sets['xxx...']``)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif len(part) > MAX_KEY_SHOWN:
            out += f"[{part[:MAX_KEY_SHOWN - 3] + '...'!r}]"
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


@dataclass
class _Budget:
    """What converting one document may spend: values made, and whether aliases were followed."""

    nodes: int = 0
    aliased: bool = False
    seen: set[int] = field(default_factory=set)       # collection nodes converted (a repeat is an alias)
    open: set[int] = field(default_factory=set)       # collection nodes being converted (a repeat is a cycle)


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def load(text: bytes | str, filename: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML text; return the located data (with any problems found in it), or None and the
    problems that stopped it."""
    size = len(text) if isinstance(text, bytes) else len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        return None, [Problem(filename, 1, "", f"file is {size:,} bytes; expected at most "
                              f"{MAX_BYTES:,} bytes of YAML")]
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            where = raw[: exc.start].count(b"\n") + 1
            return None, [Problem(filename, where, "", f"byte 0x{raw[exc.start]:02x} is not UTF-8; "
                                  "expected a UTF-8 text file")]
    else:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:   # a lone surrogate: text no file can hold
            where = len(_BREAKS.findall(text, 0, exc.start)) + 1
            return None, [Problem(filename, where, "", f"character U+{ord(text[exc.start]):04X} is not valid "
                                  "Unicode text (a lone surrogate); expected UTF-8 text")]
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
        line, problem = _reader_problem(exc, text)
        return None, [Problem(filename, line, "", f"not valid YAML: {problem}")]
    except RecursionError:
        return None, [Problem(filename, 1, "", "nested too deeply; expected a small configuration")]
    located = Located(data=None)
    problems: list[Problem] = []
    if node is None:
        return located, problems
    budget = _Budget()
    try:
        located.data = _convert(node, (), located, problems, filename, budget)
    except _TooBig:
        what = (f"expands to more than {MAX_NODES:,} values through YAML aliases" if budget.aliased
                else f"holds more than {MAX_NODES:,} values")
        return None, [Problem(filename, node.start_mark.line + 1, "", f"{what}; expected a small configuration")]
    except _Refused as exc:
        return None, [exc.problem]
    except RecursionError:  # MAX_DEPTH keeps well below Python's limit; this is the last line of defence
        return None, [Problem(filename, node.start_mark.line + 1, "", "nested too deeply; expected a small "
                              "configuration")]
    return located, problems


_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _reader_problem(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """A reader error (a character YAML does not allow) located as a person counts: line and column."""
    position = getattr(exc, "position", None)
    character = getattr(exc, "character", None)
    if not isinstance(position, int):
        return 1, one_line(str(exc))
    if _LOADER is not yaml.SafeLoader:     # libyaml counts bytes of the UTF-8 text, not characters
        position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    position = min(max(position, 0), len(text))
    if isinstance(character, str):
        character = ord(character[:1] or "\0")
    line = len(_BREAKS.findall(text, 0, position)) + 1
    start = max((m.end() for m in _BREAKS.finditer(text, 0, position)), default=0)
    code = f"#x{character:04x}" if isinstance(character, int) else "?"
    reason = one_line(str(getattr(exc, "reason", "") or "it is not printable"), 80)
    return line, (f"unacceptable character {code} at column {position - start + 1} ({reason}); "
                  "expected printable text")


_CONSTRUCTOR = yaml.SafeLoader("")


_COLLECTION_TAGS = {yaml.MappingNode: _TAG + "map", yaml.SequenceNode: _TAG + "seq"}


def _convert(node: yaml.Node, path: Path, out: Located, problems: list[Problem], filename: str,
             budget: _Budget) -> Any:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise _TooBig
    line = node.start_mark.line + 1
    out.lines.setdefault(path, line)
    if isinstance(node, yaml.CollectionNode):
        return _convert_collection(node, path, out, problems, filename, budget)
    if node.tag in _TEXT_TAGS:
        return str(node.value)      # a plain `<<` or `=` as a value is just that text
    if node.tag not in _SCALAR_TAGS:   # `!include`, `!!python/name:...`, `!!binary`: never constructed
        raise _Refused(Problem(filename, line, dotted(path), f"YAML tag {_tag(node)} is not supported; "
                               "expected a string, number, true/false or null"))
    try:
        value = _CONSTRUCTOR.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, AttributeError) as exc:
        raise _Refused(Problem(filename, line, dotted(path), f"cannot read {one_line(repr(node.value), 60)} as "
                               f"{_tag(node)} ({one_line(str(exc), 80)}); expected a plain value")) from None
    if isinstance(value, float):
        out.raw_floats[path] = node.value
    elif isinstance(value, (datetime.date, datetime.datetime)):
        value = node.value     # YAML 1.1 timestamps: keep the text (JSON and YAML 1.2 have no dates)
    elif not (value is None or isinstance(value, (str, int, bool))):
        raise _Refused(Problem(filename, line, dotted(path), f"YAML tag {_tag(node)} is not supported; "
                               "expected a string, number, true/false or null"))
    return value


def _convert_collection(node: yaml.CollectionNode, path: Path, out: Located, problems: list[Problem],
                        filename: str, budget: _Budget) -> Any:
    line = node.start_mark.line + 1
    if node.tag != _COLLECTION_TAGS.get(type(node)):
        # `!!set`, `!!omap`, `!!python/object/apply:...`: the safe loader would refuse or reshape them
        raise _Refused(Problem(filename, line, dotted(path), f"YAML tag {_tag(node)} is not supported; "
                               "expected a plain mapping or list"))
    key = id(node)
    if key in budget.open:
        raise _Refused(Problem(filename, line, dotted(path), "a YAML alias refers to a collection that holds it "
                               "(a cycle); expected each alias to name an earlier, finished value"))
    if len(budget.open) >= MAX_DEPTH:
        raise _Refused(Problem(filename, line, dotted(path), f"nested more than {MAX_DEPTH} levels deep; "
                               "expected a small configuration"))
    if key in budget.seen:
        budget.aliased = True
    budget.seen.add(key)
    budget.open.add(key)
    try:
        if isinstance(node, yaml.MappingNode):
            return _convert_mapping(node, path, out, problems, filename, budget)
        return [_convert(item, path + (i,), out, problems, filename, budget) for i, item in enumerate(node.value)]
    finally:
        budget.open.discard(key)


def _tag(node: yaml.Node) -> str:
    return "!!" + node.tag[len(_TAG):] if node.tag.startswith(_TAG) else node.tag


def _key(key_node: yaml.Node) -> str | None:
    """A mapping key as the user wrote it: ``3.10``, ``on`` or ``2024`` stay text."""
    if isinstance(key_node, yaml.ScalarNode) and key_node.tag in _KEY_TAGS:
        return str(key_node.value)
    return None


def _convert_mapping(node: yaml.MappingNode, path: Path, out: Located, problems: list[Problem], filename: str,
                     budget: _Budget) -> dict[str, Any]:
    # `<<` merge keys: merged entries come first and may be overridden by the mapping's own keys;
    # in `<<: [*a, *b]` the earlier of a and b wins (the YAML merge-key spec), and of two `<<` keys
    # the later wins (as PyYAML does).
    sources: list[yaml.Node] = []
    own: list[tuple[yaml.Node, yaml.Node]] = []
    for key_node, value_node in node.value:
        if key_node.tag != _MERGE:
            own.append((key_node, value_node))
            continue
        listed = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        sources.extend(reversed(listed))
    # Each source is converted on its own, then only the keys that win are taken, with their lines
    # and raw floats: no stale notes about a value that was overridden, and linear work.
    merged: dict[str, Any] = {}
    merged_notes = Located(data=None)
    for source in reversed(sources):           # the last one wins: take a key the first time it is seen
        if not isinstance(source, yaml.MappingNode):
            problems.append(Problem(filename, source.start_mark.line + 1, dotted(path) or "<root>",
                                    "a `<<` merge key needs a mapping or a list of mappings; "
                                    "expected an alias such as <<: *defaults"))
            continue
        notes = Located(data=None)
        budget.nodes += 1
        if budget.nodes > MAX_NODES:
            raise _TooBig
        value = _convert_collection(source, path, notes, problems, filename, budget)
        fresh = {k for k in value if k not in merged}
        for k in fresh:
            merged[k] = value[k]
        _adopt(merged_notes, notes, len(path), fresh)
    result: dict[str, Any] = dict(merged)
    first: dict[str, int] = {}
    for key_node, value_node in own:
        budget.nodes += 1
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
        result[key] = _convert(value_node, path + (key,), out, problems, filename, budget)
    _adopt(out, merged_notes, len(path), set(merged) - set(first))
    return result


def _adopt(out: Located, notes: Located, depth: int, keys: set[str]) -> None:
    """Copy the lines and raw floats noted under ``keys`` (the path element at ``depth``) into ``out``."""
    if not keys:
        return
    for path, line in notes.lines.items():
        if len(path) > depth and path[depth] in keys:
            out.lines.setdefault(path, line)
    for path, raw in notes.raw_floats.items():
        if len(path) > depth and path[depth] in keys:
            out.raw_floats.setdefault(path, raw)
