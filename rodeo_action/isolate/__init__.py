"""Isolating the release that broke a regressed cell: pure, so it is tested without installs.

Modules, by what they hold:

- ``changes``: the changes between the last pass's pins and now, and the pins of one try between them
- ``search``: which tries to make, in order (re-install the last lock, binary search, delta debugging),
  as a generator the I/O driver (``rodeo_action/run/isolate.py``) steps through, and its verdict
"""

from __future__ import annotations

from rodeo_action.isolate.changes import changed, describe, pins_for
from rodeo_action.isolate.search import Verdict, isolate, run

__all__ = ["Verdict", "changed", "describe", "isolate", "pins_for", "run"]
