"""Load YAML into plain data while remembering where every value came from.

PyYAML's composer gives nodes with line marks; we convert them ourselves so that we can refuse
duplicate keys, bound the number of nodes (an anchor bomb expands to millions), and keep a
``path -> line`` map for error messages of the form ``rodeo.yml:LINE: field: ...``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from rodeo_action.errors import Problem

MAX_BYTES = 1_000_000
MAX_NODES = 100_000

Path = tuple[str | int, ...]


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


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _TooBig(Exception):
    pass


def load(text: bytes | str, filename: str) -> tuple[Located | None, list[Problem]]:
    """Parse YAML text; return the located data or the problems that stopped it."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            return None, [Problem(filename, None, "", f"file is {len(text):,} bytes; expected at most "
                                  f"{MAX_BYTES:,} bytes of YAML")]
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = text[: exc.start].count(b"\n") + 1
            return None, [Problem(filename, line, "", f"byte 0x{text[exc.start]:02x} is not UTF-8; "
                                  "expected a UTF-8 text file")]
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or str(exc)
        hint = ""
        if "\\t" in what or "\t" in what:
            hint = "; indent with spaces, not tabs"
        return None, [Problem(filename, line, "", f"not valid YAML: {what}{hint}")]
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors without marks
        return None, [Problem(filename, None, "", f"not valid YAML: {exc}")]
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
    except RecursionError:
        return None, [Problem(filename, None, "", "nested too deeply; expected a small configuration")]
    return located, problems


_CONSTRUCTOR = yaml.SafeLoader(b"")


def _convert(node: yaml.Node, path: Path, out: Located, problems: list[Problem], filename: str,
             counter: list[int]) -> Any:
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise _TooBig
    out.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        _CONSTRUCTOR.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = _convert(key_node, path + ("<key>",), out, problems, filename, counter)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                problems.append(Problem(filename, key_node.start_mark.line + 1, dotted(path) or "<root>",
                                        "a key must be a plain string"))
                continue
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                problems.append(Problem(filename, key_node.start_mark.line + 1, dotted(path + (key,)),
                                        f"duplicate key (first at line {out.lines.get(path + (key,), '?')}); "
                                        "expected each key once"))
                continue
            out.lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, path + (key,), out, problems, filename, counter)
        out.lines.pop(path + ("<key>",), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), out, problems, filename, counter) for i, item in enumerate(node.value)]
    value = _CONSTRUCTOR.construct_object(node, deep=True)
    if isinstance(value, float) and isinstance(node, yaml.ScalarNode):
        out.raw_floats[path] = node.value
    return value
