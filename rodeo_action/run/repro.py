"""The repro: the shell a person pastes to do what a cell did, without rodeo."""

from __future__ import annotations

import os
import shlex

from rodeo_action.managers import Recipe
from rodeo_action.managers.base import Step

TEST_SCRIPT = "rodeo-test.sh"   # the repro's file for `test:` when it runs through a launcher


def repro_text(recipe: Recipe, probe_modules: list[str], test: str | None) -> str:
    """Shell a person pastes to reproduce the cell without rodeo."""
    lines = ["set -e"]
    lines += [f"export {k}={shlex.quote(v)}" for k, v in recipe.env if not k.endswith("CACHE_DIR")
              and k != "CONDA_PKGS_DIRS"]
    # the folders the files go into (the cell's own, for a project file) exist in rodeo before its
    # first step; a person pasting the repro starts without them
    folders = [s.write.rsplit("/", 1)[0] for s in recipe.steps if s.in_repro and s.write and "/" in s.write]
    if folders:
        lines.append(shlex.join(["mkdir", "-p", *dict.fromkeys(folders)]))
    lines += [s.shell(repro=True) for s in recipe.steps if s.in_repro]
    if probe_modules:
        code = "; ".join(f"import {m}" for m in probe_modules)
        lines.append(shlex.join(recipe.launched(recipe.python, "-c", code)))
    if test and recipe.launcher:   # as a cell does it: the test in a file, bash run through the launcher
        lines += [Step("test", write=TEST_SCRIPT, content=test).shell(),
                  Step("test", recipe.launched("bash", TEST_SCRIPT)).shell()]
    elif test:
        path = os.pathsep.join(recipe.bin_dirs)
        lines.append(f"PATH={shlex.quote(path)}:\"$PATH\" bash -c {shlex.quote(test)}")
    return "\n".join(lines)
