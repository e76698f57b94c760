"""Render the files managers generate (pixi.toml, environment.yml, *.nix, spack.yaml, ...).

Jinja2 is imported here only, on first use, so that cells of managers that write no files
(pip, uv) never pay for it. Templates are sandboxed and strict; every value from a user goes
through a serialising filter (``toml``, ``nix``, ``yaml``, ``json``) so a package name cannot
break out of its string.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from rodeo_action.resources import data_dir

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment


def toml_string(value: object) -> str:
    """A TOML basic string: JSON's escaping is valid TOML for every character."""
    return json.dumps(str(value), ensure_ascii=False)


def nix_string(value: object) -> str:
    """A Nix double-quoted string with ``\\``, ``"`` and ``${`` escaped."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
    text = text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{text}"'


def yaml_string(value: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


@cache
def _environment() -> SandboxedEnvironment:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(loader=FileSystemLoader(str(data_dir("templates"))), undefined=StrictUndefined,
                               keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                               autoescape=False)
    env.filters.update(toml=toml_string, nix=nix_string, yaml=yaml_string, json=json.dumps)
    return env


def render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)
