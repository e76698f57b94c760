"""poetry2nix: ``poetry lock``, then ``mkPoetryEnv`` builds that lock with Nix (a seed row).

Unmaintained upstream, kept because the seed rodeo ran it. Poetry itself comes from the same
pinned nixpkgs (``nix-shell lock.nix``), so the cell needs only Nix and its repro works for anyone
with Nix. The nixpkgs pin is the revision poetry2nix's last release tag locks, whose Poetry is
1.8: the project is written in ``[tool.poetry]`` form, which that Poetry and poetry2nix both read.
A configured index becomes an explicit primary Poetry source (extra indexes supplemental), since a
mirror that serves only the simple API is the one thing Poetry can use there.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.requirements import Requirement

from rodeo_action.managers import manager_info
from rodeo_action.managers.base import CellSpec, Recipe, write
from rodeo_action.managers.formats import TomlValue, toml_document, toml_table
from rodeo_action.managers.nixfamily import build, expression, lock_in_shell, lock_shell, nix_recipe, pins, python_attr
from rodeo_action.managers.pypi import marker_text, requires_python

LOCK = "poetry lock --no-interaction"


COMMENT = """\
# Written by rodeo-action for poetry2nix: a Poetry 1.8 project (the Poetry of poetry2nix's nixpkgs)
# that only holds the set. Every user value is a TOML string written by tomli-w.
"""


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    priority: str


def poetry_dependencies(requirements: tuple[str, ...]) -> list[tuple[str, TomlValue]]:
    """PEP 508 strings as Poetry constraint tables; a name given twice becomes a multiple-constraint list."""
    tables: dict[str, list[dict[str, TomlValue]]] = {}
    for text in requirements:
        req = Requirement(text)
        fields: dict[str, TomlValue] = {"url": req.url} if req.url else {"version": str(req.specifier) or "*"}
        if req.extras:
            fields["extras"] = sorted(req.extras)
        marker = marker_text(text, req)
        if marker is not None:
            fields["markers"] = marker
        tables.setdefault(req.name, []).append(fields)
    return [(name, found[0] if len(found) == 1 else found) for name, found in tables.items()]


def sources(spec: CellSpec) -> list[Source]:
    out = [Source("rodeo-index", spec.index_url, "primary")] if spec.index_url else []
    out += [Source(f"rodeo-extra-{i}", url, "supplemental") for i, url in enumerate(spec.extra_index_urls, 1)]
    return out


def pyproject_toml(spec: CellSpec) -> str:
    poetry: dict[str, TomlValue] = {
        "name": "rodeo-cell", "version": "0.0.0", "description": "one rodeo-action cell", "authors": [],
        "package-mode": False,
        "dependencies": toml_table([("python", requires_python(spec.python)), *poetry_dependencies(spec.requirements)]),
    }
    indexes: list[TomlValue] = [{"name": s.name, "url": s.url, "priority": s.priority} for s in sources(spec)]
    if indexes:
        poetry["source"] = indexes
    return toml_document(COMMENT, {"tool": {"poetry": poetry}})


def default_nix(spec: CellSpec) -> str:
    from rodeo_action.templating import render

    pin = pins("poetry2nix")
    return render("poetry2nix.nix.j2", nixpkgs=pin.source("nixpkgs"), poetry2nix=pin.source("poetry2nix"),
                  python_attr=python_attr(spec.python))


def recipe(spec: CellSpec) -> Recipe:
    env = [("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")]   # no keyring prompt on a headless runner
    cache_env = manager_info("poetry2nix").cache_env
    if cache_env and spec.cache_dir:
        env.append((cache_env, spec.cache_dir))
    return nix_recipe(spec, "poetry2nix", (
        write("create", spec.target.join(spec.workdir, "pyproject.toml"), pyproject_toml(spec)),
        write("create", expression(spec), default_nix(spec)),
        lock_shell(spec, pins("poetry2nix").source("nixpkgs"), ("poetry",)),
        lock_in_shell(spec, LOCK),
        build(spec),
    ), env=tuple(sorted(env)))
