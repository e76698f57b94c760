"""How one install of an isolation differs from the cell's own run."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Variant:
    """How one install of an isolation differs from the cell's own run (``run/isolate.py``): its pins
    applied with the manager's own constraints, or the last pass's lock files installed frozen, and the
    manager's executable when the tool's own venv is what is being isolated. It writes no lock."""

    pins: Mapping[str, str] = field(default_factory=dict)
    lock_files: Mapping[str, str] | None = None
    tool: str | None = None
