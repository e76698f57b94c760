"""hatch: a ``hatch.toml`` whose default environment is a virtualenv in ``./.venv`` (no project).

Hatch installs with pip by default, so the index reaches it as pip's ``PIP_INDEX_URL`` /
``PIP_EXTRA_INDEX_URL`` in the environment's ``env-vars``, the way Hatch's docs configure a
private index; uv's ``UV_DEFAULT_INDEX`` / ``UV_INDEX`` too, for an environment that installs with
uv. ``hatch env create`` both creates and installs, so the file is written twice to keep the phases
honest: first with no dependencies (phase ``create``: is the Python usable?), then with the set,
which ``hatch run`` syncs before running (phase ``install``).
"""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec, Recipe, run, write
from rodeo_action.managers.formats import TomlValue, toml_document
from rodeo_action.managers.pypi import tool_env

COMMENT = """\
# Written by rodeo-action: one cell's Hatch environment, a virtualenv in ./.venv with no project
# installed (skip-install). Values are TOML basic strings written by tomli-w, with Hatch's
# context-formatting braces already doubled, so a requirement cannot leave its string.
"""


def hatch_literal(text: str) -> str:
    """Hatch formats ``dependencies`` and ``env-vars`` (``{root:uri}``, ``{env:X}``): braces must be doubled."""
    return text.replace("{", "{{").replace("}", "}}")


def index_vars(spec: CellSpec) -> tuple[tuple[str, str], ...]:
    """pip's variables, and uv's for an environment whose ``installer`` is uv (which reads no PIP_*)."""
    out: list[tuple[str, str]] = []
    if spec.index_url:
        out += [("PIP_INDEX_URL", hatch_literal(spec.index_url)), ("UV_DEFAULT_INDEX", hatch_literal(spec.index_url))]
    if spec.extra_index_urls:
        extra = hatch_literal(" ".join(spec.extra_index_urls))
        out += [("PIP_EXTRA_INDEX_URL", extra), ("UV_INDEX", extra)]
    return tuple(out)


def hatch_toml(spec: CellSpec, requirements: tuple[str, ...]) -> str:
    env: dict[str, TomlValue] = {
        "type": "virtual", "path": ".venv", "python": spec.interpreter or spec.python, "skip-install": True,
        "dependencies": [hatch_literal(r) for r in requirements],
    }
    if spec.index_url or spec.extra_index_urls:
        env["env-vars"] = dict(index_vars(spec))
    return toml_document(COMMENT, {"envs": {"default": env}})


def environment(spec: CellSpec) -> tuple[tuple[str, str], ...]:
    """An empty config file of the cell's own (Hatch would otherwise write one into the home folder)."""
    t, work = spec.target, spec.workdir
    own = {
        "HATCH_CONFIG": t.join(work, "hatch-config.toml"),
        "HATCH_DATA_DIR": t.join(work, ".hatch"),
        "HATCH_INTERACTIVE": "false",
        "PIP_NO_INPUT": "1",
    }
    if spec.cache_dir:
        own["PIP_CACHE_DIR"] = t.join(spec.cache_dir, "pip")
    return tool_env(spec, own, "HATCH_CACHE_DIR")


def recipe(spec: CellSpec) -> Recipe:
    t, work = spec.target, spec.workdir
    manifest = t.join(work, "hatch.toml")
    return Recipe(
        steps=(
            write("create", t.join(work, "hatch-config.toml"), ""),
            write("create", manifest, hatch_toml(spec, ())),
            run("create", spec.tool, "env", "create", cwd=work),
            write("install", manifest, hatch_toml(spec, spec.requirements)),
            run("install", spec.tool, "run", "python", "--version", cwd=work),
        ),
        python=t.venv_python(spec.env_dir),
        bin_dirs=(t.bin_dir(spec.env_dir),),
        env=environment(spec),
    )
