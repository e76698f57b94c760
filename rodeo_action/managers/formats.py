"""How values are written into the files managers generate: a small TOML writer, YAML and Nix strings.

Every user value (a requirement, an index URL, a path) reaches a generated file through one of
these functions, never by pasting its text, so a value cannot leave its string. Each function is
round-trip tested against a real parser (``tomllib``, ``yaml.safe_load``, ``nix-instantiate``)
with hostile input in ``tests/test_commands_hostile.py``. A value a format cannot hold (a lone
surrogate anywhere, NUL in Nix) raises :class:`Unrepresentable` instead of being altered: rodeo
never builds an environment for something other than what was asked.

The TOML writer exists so that the PyPI managers' cells (``hatch.toml``, ``pyproject.toml``,
``Pipfile``) never import Jinja2 (30-60 ms to import and compile a first template): this module is
stdlib only and imports in about a millisecond.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias, Union


class Unrepresentable(ValueError):
    """A value that a file format cannot hold exactly."""


def _encodable(text: str, where: str) -> str:
    """``text`` if it is valid Unicode text (no lone surrogate), which every file here must be."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Unrepresentable(f"{text!r} holds a lone surrogate, which {where} cannot hold") from None
    return text


# ---------------------------------------------------------------------------------- quoted strings

_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
# Escaped in both TOML basic strings and YAML double-quoted scalars: the quote and backslash, every
# control character (C0, DEL, C1: TOML forbids C0 and DEL raw, YAML all but tab and line breaks),
# the characters YAML 1.1 or a line-splitting reader takes for a line break (U+0085, U+2028,
# U+2029), the byte-order mark, and U+FFFE/U+FFFF, which YAML does not accept raw.
_ESCAPES = {code: _SHORT.get(chr(code)) or f"\\u{code:04x}"
            for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF, ord('"'), ord("\\"))}


def double_quoted(value: str, where: str = "a TOML or YAML string") -> str:
    """``value`` as a string literal that is both a TOML basic string and a YAML double-quoted scalar.

    The escapes used (``\\"``, ``\\\\``, ``\\b \\t \\n \\f \\r``, ``\\uXXXX``) mean the same in both
    formats, and for ordinary text the result is what ``json.dumps(value, ensure_ascii=False)``
    gives. Every other character stays as it is (UTF-8 in the file).
    """
    return '"' + _encodable(value, where).translate(_ESCAPES) + '"'


def toml_string(value: object) -> str:
    """A TOML basic string."""
    return double_quoted(str(value), "a TOML file")


def yaml_string(value: object) -> str:
    """A YAML double-quoted scalar."""
    return double_quoted(str(value), "a YAML file")


def nix_string(value: object) -> str:
    """A Nix double-quoted string: ``\\``, ``"`` and ``${`` escaped (no interpolation), line breaks as escapes.

    Nix has no escape for other characters and needs none: they stand for themselves. NUL cannot
    be in a Nix string at all.
    """
    text = _encodable(str(value), "a Nix file")
    if "\x00" in text:
        raise Unrepresentable(f"{text!r} holds NUL, which a Nix string cannot hold")
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
    text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{text}"'


# ---------------------------------------------------------------------------------- the TOML writer

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Lines:
    """An array written one item per line, as people write a list of dependencies::

        dependencies = [
            "six",
        ]
    """

    items: Sequence[TomlValue]
    indent: str = "    "


TomlValue: TypeAlias = Union[str, bool, int, Lines, Sequence["TomlValue"], Mapping[str, "TomlValue"]]


def toml_key(key: str, quoted: bool = False) -> str:
    """A key: bare when TOML allows it (and ``quoted`` is not asked for), otherwise a basic string."""
    return key if not quoted and _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(value: TomlValue) -> str:
    """A value on one line: a string, boolean, integer, inline array or inline table (or :class:`Lines`)."""
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Lines):
        return "[\n" + "".join(f"{value.indent}{toml_value(item)},\n" for item in value.items) + "]"
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return "[" + ", ".join(toml_value(item) for item in value) + "]"


@dataclass(frozen=True)
class Table:
    """A ``[name]`` table (``array``: one ``[[name]]`` element of an array of tables) and its ``key = value`` lines.

    ``quote_keys`` writes every key as a string: for tables whose keys are data (package names), so
    that they read alike whatever the name and can never be mistaken for a dotted key.
    """

    name: tuple[str, ...]
    entries: Sequence[tuple[str, TomlValue]]
    array: bool = False
    quote_keys: bool = False

    def render(self) -> str:
        header = ".".join(toml_key(part) for part in self.name)
        lines = [f"[[{header}]]" if self.array else f"[{header}]"]
        seen: set[str] = set()
        for key, value in self.entries:
            if key in seen:
                raise Unrepresentable(f"key {key!r} twice in table [{header}]; a TOML table cannot repeat a key")
            seen.add(key)
            lines.append(f"{toml_key(key, self.quote_keys)} = {toml_value(value)}")
        return "\n".join(lines) + "\n"


def toml_document(comment: str, tables: Iterable[Table]) -> str:
    """A TOML file: ``comment`` (``#`` lines: why the file looks as it does), then the tables, a blank line apart."""
    if any(not line.startswith("#") for line in comment.splitlines()):
        raise ValueError("the comment of a TOML file must be # lines")
    names: set[tuple[str, ...]] = set()
    blocks = []
    for table in tables:
        if not table.array:
            if table.name in names:
                raise Unrepresentable(f"table {'.'.join(table.name)} twice; TOML defines a table once")
            names.add(table.name)
        blocks.append(table.render())
    return comment + "\n".join(blocks)
