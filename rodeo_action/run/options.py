"""How the cells of one command run, and what they share while they do."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rodeo_action.run.supervise import Processes
from rodeo_action.run.tools import ToolBox
from rodeo_action.run.trash import Trash

if TYPE_CHECKING:
    from rodeo_action.cacheindex.service import CachingIndexes
    from rodeo_action.isolate.baseline import LastPass


@dataclass(frozen=True)
class RunOptions:
    """How cells run on this machine; the same for every cell of a command.

    ``indexes`` and the last three fields are the command's shared state, made once with the options (a
    ``dataclasses.replace`` keeps them): the steps running now (an interrupt ends them), the tools
    found or installed, and the folders being deleted (``rodeo local`` waits for them).
    """

    output: Path
    environ: Mapping[str, str]
    cache_root: Path
    keep_envs: bool = False
    allow_system: bool = False
    work_root: Path | None = None
    run_url: str | None = None
    on_phase: Callable[[str, str], None] | None = None   # (cell id, phase) for progress displays
    locks: Mapping[str, Path] = field(default_factory=dict)   # cell id -> the lock it installs exactly
    baseline: Mapping[str, LastPass] = field(default_factory=dict)   # --baseline: cell id -> its last pass
    indexes: CachingIndexes | None = None     # the command's caching indexes (None: every cell reads its index)
    processes: Processes = field(default_factory=Processes)
    tools: ToolBox = field(default_factory=ToolBox)
    trash: Trash = field(default_factory=Trash)
