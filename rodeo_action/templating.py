"""Render the files managers generate from Jinja2 templates (environment.yml, spack.yaml, *.nix).

Every TOML file (hatch.toml, pyproject.toml, Pipfile, pixi.toml) is written by tomli-w through
:mod:`rodeo_action.managers.formats` instead, so those cells never import Jinja2. Jinja2 is
imported here only, on first use. Templates are sandboxed and strict; every value from a user
goes through a serialising filter (``nix``, ``yaml``, ``json``) from that same module,
so a package name cannot break out of its string.
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from rodeo_action.managers.formats import nix_string, yaml_string
from rodeo_action.resources import data_dir

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["nix_string", "render", "yaml_string"]


@cache
def _environment() -> SandboxedEnvironment:
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(loader=FileSystemLoader(str(data_dir("templates"))), undefined=StrictUndefined,
                               keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                               autoescape=False)
    env.filters.update(nix=nix_string, yaml=yaml_string, json=json.dumps)
    return env


def render(name: str, **context: Any) -> str:
    return _environment().get_template(name).render(**context)
