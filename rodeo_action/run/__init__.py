"""Running cells: ``run_cell`` runs one cell of the plan on this machine and writes its result and
log; ``RunOptions`` says how, and carries what the cells of one command share.

Modules, by what they hold:

- ``cell``: a cell's attempts and phases (setup -> create -> install -> import -> test), timed, into a Result
- ``supervise``: starting, watching and killing a cell's processes (timeouts, memory, leftovers, interrupts)
- ``tools``: finding or installing each manager's executable, and its version cache
- ``spec``: what a manager is told about a cell (requirements in its ecosystem, index URLs, modules)
- ``probe_driver``: the import phase, running ``rodeo_action/probe.py`` inside the environment
- ``celllog``: the cell's log file, cut under ``ulimit -f``, redacted at the end
- ``repro``: the shell a person pastes to reproduce a cell
- ``trash``: deleting cells' folders in the background
- ``options``: ``RunOptions``
"""

from __future__ import annotations

from rodeo_action.run.cell import run_cell
from rodeo_action.run.options import RunOptions

__all__ = ["RunOptions", "run_cell"]
