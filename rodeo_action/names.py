"""PyPI names -> other ecosystems' names, and distributions -> import names.

The built-in exceptions are data (``matrix/names.yml``); a package's own ``names:`` and
``import:`` override them. Only exceptions are listed: every ecosystem has a default rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from rodeo_action.config import Package
from rodeo_action.resources import data_dir, read_yaml

ECOSYSTEMS = ("pypi", "conda", "apt", "nix", "spack")

NOT_PACKAGED = None


@dataclass(frozen=True)
class NameMap:
    entries: dict[str, dict[str, Any]]

    def ecosystem_name(self, pkg: Package, ecosystem: str, manager: str) -> str | None:
        """The package's name for ``manager`` (in ``ecosystem``), or None when it is not packaged there."""
        for key in (manager, ecosystem):
            if key in pkg.names:
                return pkg.names[key]
        entry = self.entries.get(pkg.name, {})
        if ecosystem in entry:
            value = entry[ecosystem]
            return None if value is None else str(value)
        return default_name(pkg.name, ecosystem)

    def imports(self, pkg: Package) -> tuple[str, ...] | None:
        """Modules to import; None lets the probe read them from the installed metadata."""
        if pkg.imports is not None:
            return pkg.imports
        entry = self.entries.get(pkg.name, {})
        if "import" in entry:
            return tuple(entry["import"])
        return None


def default_name(name: str, ecosystem: str) -> str:
    if ecosystem == "apt":
        return "python3-" + name.lower().replace("_", "-").replace(".", "-")
    if ecosystem == "spack":
        return "py-" + name.lower().replace("_", "-").replace(".", "-")
    return name


@cache
def builtin() -> NameMap:
    raw = read_yaml(data_dir("matrix") / "names.yml") or {}
    return NameMap(entries={str(k): dict(v) for k, v in raw.items()})
