"""What changed between a cell's last pass and its failing run, and the pins of one try between them.

Pure: two ``name -> version`` maps in, :class:`~rodeo_action.results.PinChange` records out, and for a
try (some changes applied) the ``name -> version`` pins a manager's constraint mechanism is given.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from rodeo_action.results import PinChange

ARROW = "\u2192"


def _same_name(name: str) -> str:
    return name


def _keyed(pins: Mapping[str, str], key: Callable[[str], str]) -> dict[str, tuple[str, str]]:
    """``key(name) -> (name as spelled, version)``; of two spellings of one name the first in sorted
    order wins, so the outcome never depends on a map's insertion order."""
    found: dict[str, tuple[str, str]] = {}
    for name in sorted(pins):
        found.setdefault(key(name), (name, pins[name].strip()))
    return found


def same_version(a: str, b: str) -> bool:
    """Equal as strings, or as PEP 440 versions when both parse ("1.0" == "1.0.0"): a respelled version
    is not a change worth an install. Conda and apt versions that do not parse compare as strings."""
    if a == b:
        return True
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return False


def changed(good: Mapping[str, str], bad: Mapping[str, str], *, canonical: bool = True) -> tuple[PinChange, ...]:
    """Every distribution added, removed or at another version between the last pass (``good``) and now
    (``bad``), sorted by name.

    Names are compared as PEP 503 canonical names (``PyYAML`` == ``pyyaml``), since an installer's
    metadata and a lock may spell one distribution two ways; ``canonical=False`` compares them as
    given, for conda and apt, where ``a_b`` and ``a-b`` can be two packages. A change keeps the name
    as the failing run spells it (else the last pass), so the pins of a try use a name its manager knows.
    """
    key = canonicalize_name if canonical else _same_name
    then, now = _keyed(good, key), _keyed(bad, key)
    found: list[PinChange] = []
    for name in sorted(then.keys() | now.keys()):
        old, new = then.get(name), now.get(name)
        if old is not None and new is not None and same_version(old[1], new[1]):
            continue
        spelled = (new or old or (name, ""))[0]
        found.append(PinChange(spelled, old[1] if old else None, new[1] if new else None))
    return tuple(found)


def pins_for(changes: Iterable[PinChange], applied: Collection[str]) -> dict[str, str]:
    """The pins of one try: the changes in ``applied`` at their new versions, every other change at its
    last-pass version. A change with no version on the chosen side (added: not installed then; removed:
    not installed now) gets no pin: pinning it would ask the manager for something that did not exist
    there. Distributions that did not change are not pinned here: the try starts from the last pass's
    own pins or lock, which already holds them."""
    wanted = set(applied)
    pins: dict[str, str] = {}
    for change in changes:
        version = change.bad if change.package in wanted else change.good
        if version is not None:
            pins[change.package] = version
    return pins


def describe(change: PinChange) -> str:
    """One change for a person: ``hishel 1.1.3 → 2.0.0``, ``added: x 1.0``, ``removed: y 2.0``."""
    if change.good is None:
        return f"added: {change.package} {change.bad}"
    if change.bad is None:
        return f"removed: {change.package} {change.good}"
    return f"{change.package} {change.good} {ARROW} {change.bad}"
