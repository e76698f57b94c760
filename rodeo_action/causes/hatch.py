"""Hatch installs with uv or pip (their rules apply); its own failures are crashes of hatch itself."""

from __future__ import annotations

from rodeo_action.causes.base import Rule, crashed

RULES: tuple[Rule, ...] = (crashed("hatch", "hatch"),)
