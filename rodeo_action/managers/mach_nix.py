"""mach-nix: PyPI requirements resolved against its own dependency DB, built with Nix (a seed row).

Unmaintained upstream, kept because the seed rodeo ran it. The requirements go to
``requirements.txt`` and the expression reads the file, as mach-nix's own examples do, so no
requirement text is spliced into Nix code. Its last release builds with the nixpkgs of early 2022:
``pythons:`` in its matrix YAML lists the Pythons it can provide, and the plan makes any other n/a.
"""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec, Recipe, lines_file, write
from rodeo_action.managers.nixfamily import build, expression, nix_recipe, pins, python_attr


def default_nix(spec: CellSpec) -> str:
    from rodeo_action.templating import render

    pin = pins("mach-nix")
    return render("mach-nix.nix.j2", url=pin["mach-nix"], ref=pin["mach-nix-ref"], rev=pin["mach-nix-rev"],
                  python_attr=python_attr(spec.python))


def recipe(spec: CellSpec) -> Recipe:
    return nix_recipe(spec, "mach-nix", (
        write("create", spec.target.join(spec.workdir, "requirements.txt"), lines_file(spec.requirements)),
        write("create", expression(spec), default_nix(spec)),
        build(spec),
    ))
