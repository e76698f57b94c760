"""How values are written into the files managers generate: TOML documents (tomli-w), YAML and Nix strings.

Every user value (a requirement, an index URL, a path) reaches a generated file through one of
these functions, never by pasting its text, so a value cannot leave its string. Each function is
round-trip tested against a real parser (``tomllib``, ``yaml.safe_load``, ``nix-instantiate``)
with hostile input in ``tests/test_commands_hostile.py``. A value a format cannot hold (a lone
surrogate anywhere, NUL in Nix) raises :class:`Unrepresentable` instead of being altered: rodeo
never builds an environment for something other than what was asked.

Every TOML file (``hatch.toml``, ``pyproject.toml``, ``Pipfile``, ``pixi.toml``) is written by
tomli-w, never by a template, so no cell imports Jinja2 (30-60 ms to import and compile a first
template) for it; tomli-w imports in under a millisecond where the run path has loaded datetime.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias, Union

import tomli_w


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
# Escaped in YAML double-quoted scalars: the quote and backslash, every control character (C0, DEL,
# C1: YAML accepts none raw but tab and line breaks), the characters YAML 1.1 or a line-splitting
# reader takes for a line break (U+0085, U+2028, U+2029), the byte-order mark, and U+FFFE/U+FFFF,
# which YAML does not accept raw. These escapes mean the same in a TOML basic string.
_ESCAPES = {code: _SHORT.get(chr(code)) or f"\\u{code:04x}"
            for code in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF, ord('"'), ord("\\"))}


def yaml_string(value: object) -> str:
    """A YAML double-quoted scalar.

    The escapes used (``\\"``, ``\\\\``, ``\\b \\t \\n \\f \\r``, ``\\uXXXX``) are YAML's and JSON's
    alike: for ordinary text the result is what ``json.dumps(value, ensure_ascii=False)`` gives. Every
    other character stays as it is (UTF-8 in the file).
    """
    return '"' + _encodable(str(value), "a YAML file").translate(_ESCAPES) + '"'


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


# ---------------------------------------------------------------------------------- TOML documents

TomlValue: TypeAlias = Union[str, bool, int, Sequence["TomlValue"], Mapping[str, "TomlValue"]]

# What tomli-w leaves raw in a basic string that rodeo escapes all the same (as in YAML above): a tab,
# the C1 controls, the characters a line-splitting reader takes for a line break (U+0085, U+2028,
# U+2029), the byte-order mark and U+FFFE/U+FFFF. tomli-w writes every other character of a string,
# and nothing outside one, so ``\uXXXX`` for these means the same in the file, wherever they are.
_TOML_ESCAPES = {code: _ESCAPES[code] for code in (ord("\t"), *range(0x80, 0xA0), 0x2028, 0x2029, 0xFEFF, 0xFFFE,
                                                   0xFFFF)}


def toml_table(entries: Iterable[tuple[str, TomlValue]]) -> dict[str, TomlValue]:
    """A table from ``(key, value)`` pairs whose keys are data (package names): a key given twice is
    refused, where a dict would keep the last one silently."""
    table: dict[str, TomlValue] = {}
    for key, value in entries:
        if key in table:
            raise Unrepresentable(f"key {key!r} twice in one table; a TOML table cannot repeat a key")
        table[key] = value
    return table


def _plain(value: TomlValue) -> object:
    """``value`` as tomli-w takes it (dicts, lists), with every key and string checked to be valid Unicode text."""
    if isinstance(value, str):
        return _encodable(value, "a TOML file")
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, Mapping):
        return _plain_table(value)
    return [_plain(item) for item in value]


def _plain_table(table: Mapping[str, TomlValue]) -> dict[str, object]:
    return {_encodable(key, "a TOML file"): _plain(value) for key, value in table.items()}


def toml_document(comment: str, document: Mapping[str, TomlValue]) -> str:
    """A TOML file: ``comment`` (``#`` lines: why the file looks as it does), then ``document`` as tomli-w writes it.

    tomli-w writes a mapping as a ``[table]`` (inline ``{ }`` only as an item of an array), an array one item
    per line, keys bare when TOML allows it, and escapes what TOML forbids raw in a string. A lone
    surrogate, which no TOML file can hold, raises :class:`Unrepresentable`.
    """
    if any(not line.startswith("#") for line in comment.splitlines()):
        raise ValueError("the comment of a TOML file must be # lines")
    return comment + tomli_w.dumps(_plain_table(document)).translate(_TOML_ESCAPES)
