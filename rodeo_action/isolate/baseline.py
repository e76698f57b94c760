"""What the baseline says passed last, per cell: the environment a regression is isolated against.

``rodeo run --baseline FILE`` re-installs a regressed cell's last passing lock, then narrows the
distributions that changed since (issue 14). The baseline (a previous ``--json``, or a README or
comment carrying a digest) is untrusted data; :func:`history.read` bounds and checks it, so this
module only picks out the cells that can be isolated and says, in one line, why none can.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rodeo_action.report import history

NO_PINS = ("no cell of it has a last pass with its pins (made before rodeo recorded them, or a digest "
           "too big to keep them)")


@dataclass(frozen=True)
class LastPass:
    """A cell's last pass as the baseline recorded it."""

    cell_id: str
    at: str | None                     # the started_at of the last pass
    pins: dict[str, str]               # every distribution of the environment that passed (canonical names)
    tool_pins: dict[str, str]          # the manager's own tool venv then
    lock_format: str | None            # None: no lock text (a digest never has it)
    lock_files: dict[str, str]         # file name -> text, to install the lock as it passed


def last_passes(path: Path, config_name: str | None) -> tuple[dict[str, LastPass], str | None]:
    """The cells of the baseline at ``path`` (a results folder too: ``rodeo local``'s ``previous/`` runs)
    that have a last pass with its pins or lock, and None; or
    no cells and one line saying why the baseline is of no use (unreadable, corrupt, another config's,
    or older than the pins). Never raises: a bad baseline costs the isolation, never the run."""
    if path.is_dir():
        return _folder(path)
    base, why = history.read(path, config_name)
    if base is None:
        return {}, why or "no baseline"
    if base.name != config_name:
        return {}, f"from another config: name {base.name!a}" if base.name is not None else \
            f"from another config: it has no name, this one is {config_name!a}"
    found: dict[str, LastPass] = {}
    for cid, cell in base.cells.items():
        h = cell.history
        lock = h.last_pass_lock
        if not (h.last_pass_pins or h.last_pass_tool_pins or lock is not None):
            continue
        found[cid] = LastPass(cell_id=cid, at=h.last_pass_at, pins=dict(h.last_pass_pins),
                              tool_pins=dict(h.last_pass_tool_pins),
                              lock_format=lock.format if lock is not None else None,
                              lock_files=dict(lock.files) if lock is not None else {})
    if not found:
        return {}, NO_PINS
    return found, None


def _folder(path: Path) -> tuple[dict[str, LastPass], str | None]:
    """A results folder (a ``rodeo local`` or ``rodeo run --output``) as a baseline: its passing cells,
    read as ``rodeo report`` reads them (bounded, locks only from each cell's own ``CELL.lock/``)."""
    from rodeo_action.report.collect import collect

    found: dict[str, LastPass] = {}
    for view in collect(path, None).cells:
        result = view.result
        if result is None or result.status != "pass":
            continue
        pins = history.canonical_pins(result.resolved)
        if not (pins or view.tool_pins or view.lock is not None):
            continue
        found[view.id] = LastPass(cell_id=view.id, at=result.started_at, pins=pins, tool_pins=dict(view.tool_pins),
                                  lock_format=view.lock.format if view.lock is not None else None,
                                  lock_files=dict(view.lock.files) if view.lock is not None else {})
    if not found:
        return {}, "a folder with no passing cell that recorded its pins"
    return found, None
