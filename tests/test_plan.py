"""Config -> cells -> jobs: n/a cells, exclude/include, packing, the exact matrix JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rodeo_action import plan
from rodeo_action.config import Config, manager_names, parse_config
from rodeo_action.errors import InputError
from rodeo_action.managers import manager_info
from rodeo_action.plan import Cell, PlannedCell, expand, matrix_json, pack

ROOT = Path(__file__).resolve().parent.parent
OSES = "[ubuntu-latest, macos-latest, windows-latest]"


def cfg(text: str) -> Config:
    return parse_config(text, "rodeo.yml")


def by_id(planned: list[PlannedCell]) -> dict[str, PlannedCell]:
    return {p.cell.id: p for p in planned}


def big() -> Config:
    return cfg(f"packages: [a, b, c, d]\nsets: {{s1: [a], s2: [b], s3: [c], s4: [a, b, c, d]}}\nos: {OSES}\n"
               "python: ['3.11', '3.12', '3.13']\n")


def test_cell_id() -> None:
    cell = Cell("uv", "all", "ubuntu-latest", "3.12", ("a",))
    assert cell.id == "uv-all-ubuntu-latest-py3.12"
    assert cell == Cell("uv", "all", "ubuntu-latest", "3.12", ("a",)) and hash(cell)


def test_na_cells() -> None:
    c = cfg(f"packages: [a, {{name: b, names: {{apt: null}}}}]\nsets: {{one: [a], two: [a, b]}}\n"
            f"managers: [apt, nix, mach-nix, uv2nix, poetry2nix, pip]\nos: {OSES}\n")
    cells = by_id(expand(c))
    assert len(cells) == 6 * 2 * 3
    assert cells["apt-one-ubuntu-latest-py3.12"].runnable
    assert cells["apt-one-macos-latest-py3.12"].reason == "apt does not run on macos-latest (runs on ubuntu/debian)"
    assert not cells["apt-one-windows-latest-py3.12"].runnable
    assert cells["apt-two-ubuntu-latest-py3.12"].reason == "not packaged for apt: b"
    for m in ("nix", "mach-nix", "uv2nix", "poetry2nix"):
        assert not cells[f"{m}-one-windows-latest-py3.12"].runnable
        assert "does not run on windows-latest" in str(cells[f"{m}-one-windows-latest-py3.12"].reason)
        assert cells[f"{m}-one-macos-latest-py3.12"].runnable == (m != "mach-nix")   # mach-nix: no 3.12
    assert all(p.runnable for i, p in cells.items() if i.startswith("pip-"))
    scheduled = {cid for j in pack(expand(c)) for cid in j.cells}
    assert scheduled == {i for i, p in cells.items() if p.runnable}
    assert "apt-two-ubuntu-latest-py3.12" not in scheduled


def test_a_python_the_manager_cannot_provide_is_na_with_the_reason() -> None:
    """mach-nix 3.5.0's nixpkgs has Pythons up to 3.10: a 3.12 cell is n/a, never a failing install."""
    assert manager_info("mach-nix").pythons == ("3.7", "3.8", "3.9", "3.10") and manager_info("nix").pythons == ()
    c = cfg(f"packages: [a, {{name: b, names: {{pypi: null}}}}]\nsets: {{one: [a], two: [a, b]}}\n"
            f"managers: [mach-nix, nix]\nos: {OSES}\npython: ['3.10', '3.12']\n"
            "include: [{manager: mach-nix, set: one, os: ubuntu-latest, python: '3.9'}]\n")
    cells = by_id(expand(c))
    assert cells["mach-nix-one-ubuntu-latest-py3.10"].runnable and cells["mach-nix-one-ubuntu-latest-py3.9"].runnable
    assert cells["mach-nix-one-ubuntu-latest-py3.12"].reason == (
        "mach-nix cannot provide Python 3.12 (it provides 3.7, 3.8, 3.9, 3.10)")
    assert cells["nix-one-ubuntu-latest-py3.12"].runnable
    # the OS comes first, then the Python, then the names
    assert "does not run on windows-latest" in str(cells["mach-nix-one-windows-latest-py3.12"].reason)
    assert "cannot provide Python 3.12" in str(cells["mach-nix-two-ubuntu-latest-py3.12"].reason)
    assert cells["mach-nix-two-ubuntu-latest-py3.10"].reason == "not packaged for mach-nix: b"
    scheduled = {cid for j in pack(expand(c)) for cid in j.cells}
    assert "mach-nix-one-ubuntu-latest-py3.12" not in scheduled and "mach-nix-one-ubuntu-latest-py3.10" in scheduled


def test_apt_runs_on_debian_labels() -> None:
    cells = by_id(expand(cfg("packages: [a]\nmanagers: [apt]\nos: [debian-12, ubuntu-24.04]\n")))
    assert all(p.runnable for p in cells.values()) and len(cells) == 2


def test_names_override_for_a_manager() -> None:
    c = cfg("packages: [{name: a, names: {nix: null}}]\nmanagers: [nix, uv2nix]\nos: [ubuntu-latest]\n")
    cells = by_id(expand(c))
    assert cells["nix-all-ubuntu-latest-py3.12"].reason == "not packaged for nix: a"
    assert cells["uv2nix-all-ubuntu-latest-py3.12"].runnable      # uv2nix resolves PyPI names


def test_exclude_semantics() -> None:
    c = cfg(f"packages: [a, b]\nsets: {{x: [a], y: [b]}}\nmanagers: [pip, uv]\nos: {OSES}\n"
            "python: ['3.11', '3.12']\nexclude:\n  - {manager: pip}\n"
            "  - {manager: uv, os: macos-latest, python: '3.11'}\n"
            "  - {set: y, os: windows-latest}\n")
    ids = set(by_id(expand(c)))
    assert not any(i.startswith("pip-") for i in ids)
    assert "uv-x-macos-latest-py3.11" not in ids and "uv-x-macos-latest-py3.12" in ids
    assert "uv-y-windows-latest-py3.12" not in ids and "uv-x-windows-latest-py3.12" in ids
    assert len(ids) == 2 * 3 * 2 - 2 - 2


def test_include_semantics() -> None:
    c = cfg("packages: [a]\nmanagers: [pip, uv]\nos: [ubuntu-latest]\npython: ['3.12']\n"
            "exclude: [{manager: uv}]\n"
            "include:\n  - {manager: uv, python: '3.12'}\n  - {manager: spack, os: macos-14, python: '3.11'}\n"
            "  - {python: '3.9'}\n  - {manager: pip}\n")
    ids = sorted(by_id(expand(c)))
    assert ids == ["pip-all-ubuntu-latest-py3.12", "pip-all-ubuntu-latest-py3.9",
                   "spack-all-macos-14-py3.11", "uv-all-ubuntu-latest-py3.12", "uv-all-ubuntu-latest-py3.9"]


def test_expand_sorted_and_unique() -> None:
    planned = expand(big())
    ids = [p.cell.id for p in planned]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 16 * 4 * 3 * 3


def test_cells_carry_their_set() -> None:
    cells = by_id(expand(big()))
    assert cells["pip-s4-ubuntu-latest-py3.12"].cell.packages == ("a", "b", "c", "d")
    assert cells["pip-s2-ubuntu-latest-py3.12"].cell.packages == ("b",)


def test_the_must_show_plan() -> None:
    """16 managers x 3 OSes x 3 Pythons x 4 sets: <= 256 jobs, every scheduled cell once, deterministic."""
    c = big()
    planned = expand(c)
    jobs = pack(planned)
    assert len(jobs) <= 256
    runnable = [p.cell.id for p in planned if p.runnable]
    groups = [(m, os) for m in manager_names() for os in c.os if manager_info(m).runs_on(os)]
    pythons = {m: [v for v in c.python if not manager_info(m).pythons or v in manager_info(m).pythons]
               for m in manager_names()}
    assert len(runnable) == sum(4 * len(pythons[m]) for m, _ in groups)
    assert len(groups) < 48    # apt, the nix family: not everywhere
    assert pythons["mach-nix"] == [] and pythons["pip"] == list(c.python)     # mach-nix has no 3.11-3.13
    scheduled = Counter(cid for j in jobs for cid in j.cells)
    assert set(scheduled) == set(runnable) and set(scheduled.values()) == {1}
    assert len({j.id for j in jobs}) == len(jobs)
    cells = {p.cell.id: p.cell for p in planned}
    for job in jobs:
        assert job.cells
        assert {(cells[i].os, cells[i].manager) for i in job.cells} == {(job.os, job.manager)}
        assert list(job.python) == sorted({cells[i].python for i in job.cells}, key=plan._version_key)
    assert matrix_json(pack(expand(big()))) == matrix_json(jobs)


def test_matrix_json_shape() -> None:
    c = cfg("packages: [a]\nmanagers: [pip, uv]\npython: ['3.12', '3.9']\nos: [ubuntu-latest, windows-latest]\n")
    out = matrix_json(pack(expand(c), max_jobs=4))
    data = json.loads(out)
    assert list(data) == ["include"]
    assert data["include"] == [
        {"job": "pip-ubuntu-latest", "os": "ubuntu-latest", "manager": "pip", "python": ["3.9", "3.12"],
         "cells": ["pip-all-ubuntu-latest-py3.9", "pip-all-ubuntu-latest-py3.12"]},
        {"job": "uv-ubuntu-latest", "os": "ubuntu-latest", "manager": "uv", "python": ["3.9", "3.12"],
         "cells": ["uv-all-ubuntu-latest-py3.9", "uv-all-ubuntu-latest-py3.12"]},
        {"job": "pip-windows-latest", "os": "windows-latest", "manager": "pip", "python": ["3.9", "3.12"],
         "cells": ["pip-all-windows-latest-py3.9", "pip-all-windows-latest-py3.12"]},
        {"job": "uv-windows-latest", "os": "windows-latest", "manager": "uv", "python": ["3.9", "3.12"],
         "cells": ["uv-all-windows-latest-py3.9", "uv-all-windows-latest-py3.12"]},
    ]
    assert out == json.dumps(data, separators=(",", ":"))
    split = json.loads(matrix_json(pack(expand(c), max_jobs=8)))["include"]
    assert [j["job"] for j in split][:3] == ["pip-ubuntu-latest-1", "pip-ubuntu-latest-2", "uv-ubuntu-latest-1"]
    assert [len(j["cells"]) for j in split] == [1] * 8


def test_free_threaded_python_order_is_deterministic() -> None:
    c = cfg("packages: [a]\nmanagers: [uv]\npython: ['3.13t', '3.13', '3.9']\n")
    (job,) = pack(expand(c), max_jobs=1)
    assert job.python == ("3.9", "3.13", "3.13t")


def test_nothing_to_run() -> None:
    c = cfg("packages: [a]\nmanagers: [apt]\nos: [macos-14]\n")
    planned = expand(c)
    assert len(planned) == 1 and not planned[0].runnable
    assert pack(planned) == [] and matrix_json([]) == '{"include":[]}'


def test_too_many_groups_for_max_jobs() -> None:
    groups = {(p.cell.os, p.cell.manager) for p in expand(big()) if p.runnable}
    with pytest.raises(InputError, match=f"{len(groups)} os\\+manager groups but --max-jobs is 10"):
        pack(expand(big()), max_jobs=10)
    assert len(pack(expand(big()), max_jobs=len(groups))) == len(groups)


@settings(max_examples=150, deadline=None)
@given(sizes=st.lists(st.integers(1, 60), min_size=1, max_size=30), max_jobs=st.integers(1, 300))
def test_pack_properties(sizes: list[int], max_jobs: int) -> None:
    planned = [PlannedCell(Cell(f"m{g:02d}", f"s{i:03d}", "ubuntu-latest", "3.12", ("a",)))
               for g, n in enumerate(sizes) for i in range(n)]
    planned.append(PlannedCell(Cell("m00", "na", "ubuntu-latest", "3.12", ("a",)), reason="n/a"))
    if len(sizes) > max_jobs:
        with pytest.raises(InputError):
            pack(planned, max_jobs)
        return
    jobs = pack(planned, max_jobs)
    assert len(jobs) <= max_jobs
    assert len(jobs) == min(max_jobs, sum(sizes))          # uses the parallelism it is allowed
    counts = Counter(cid for j in jobs for cid in j.cells)
    assert set(counts.values()) == {1} and sum(counts.values()) == sum(sizes)
    assert "m00-na-ubuntu-latest-py3.12" not in counts
    assert len({j.id for j in jobs}) == len(jobs) and all(j.cells for j in jobs)
    for job in jobs:
        assert all(cid.startswith(job.manager + "-") for cid in job.cells)
    per_group = Counter(j.manager for j in jobs)
    for g, n in enumerate(sizes):                           # shares follow group sizes
        chunk = [len(j.cells) for j in jobs if j.manager == f"m{g:02d}"]
        assert max(chunk) - min(chunk) <= 1 and per_group[f"m{g:02d}"] <= n
    assert matrix_json(pack(list(reversed(planned)), max_jobs)) == matrix_json(jobs)


def test_plan_is_identical_in_another_process() -> None:
    code = ("import sys; from rodeo_action.config import parse_config; from rodeo_action import plan; "
            "c = parse_config(sys.stdin.read(), 'r'); print(plan.matrix_json(plan.pack(plan.expand(c))))")
    text = (f"packages: [a, b]\nsets: {{x: [a], y: [b], z: [a, b]}}\nos: {OSES}\n"
            "python: ['3.13t', '3.13', '3.12', '3.9']\n")
    outs = {subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True,
                           cwd=ROOT, env={"PYTHONHASHSEED": str(seed), "PATH": ""}).stdout for seed in (1, 2, 3)}
    assert len(outs) == 1


def test_duplicate_cell_ids_are_refused() -> None:
    c = cfg("packages: [a]\nmanagers: [pip]\n")
    # a set name cannot make ids collide with a validated config; build one by hand
    from dataclasses import replace
    bad = replace(c, os=("x-ubuntu-latest", "ubuntu-latest"), sets={"a-x": ("a",), "a": ("a",)})
    with pytest.raises(InputError, match="two cells would share the id 'pip-a-x-ubuntu-latest-py3.12'"):
        expand(bad)


def test_manager_list_is_the_sixteen() -> None:
    assert len(manager_names()) == 16
