"""What a ``rodeo run`` process imports: its start-up is paid by every cell (benchmarks/README.md §1).

A heavy module creeping into the run path is a speed regression; this names it.
"""

from __future__ import annotations

import ensurepip
import json
import subprocess
import sys

from rodeo_action import host

# What the run path must not import: report and GitHub code, templates, and what only errors need.
HEAVY = ("jinja2", "github", "requests", "tabulate", "packaging", "difflib", "traceback", "ensurepip",
         "importlib.metadata", "rodeo_action.report", "rodeo_action.github", "rodeo_action.causes",
         "rodeo_action.templating", "rodeo_action.local")
# Allowed: PyYAML (rodeo.yml, matrix/), and tomli_w, which writes every generated TOML file: 0.5-0.8 ms
# (-X importtime, cumulative, on the run path where datetime is already loaded; 3.5 ms from a bare interpreter).

CODE = """
import json, sys
from rodeo_action import cli, run, host, plan, results
from rodeo_action.config import load_config
from rodeo_action.managers import get
config = load_config(sys.argv[1])
for name in ("pip", "uv", "hatch", "poetry", "pdm"):
    get(name)
host.python_facts(sys.executable)
print(json.dumps(sorted(sys.modules)))
"""


def test_the_run_path_imports_nothing_heavy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "rodeo.yml"
    config.write_text("packages: [six, 'docrep>=0.3', 'numpy>=1.26,<3']\nmanagers: [pip, uv, hatch, poetry, pdm]\n")
    out = subprocess.run([sys.executable, "-I", "-c", CODE, str(config)], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout)
    loaded = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert loaded == [], f"the run path imports {loaded}"


def test_bundled_pip_is_ensurepips() -> None:
    assert host._bundled_pip() == (ensurepip.version() or None)
