"""The search for the changes that broke a cell, as a generator the I/O driver steps through.

The search never installs anything: it yields the ``applied`` names of its next try (the last pass's
pins with those changes at their new versions; ``()`` is the last pass's own lock) and is sent how that
try ended, ``fail`` (as the cell fails now), ``pass`` or ``other`` (failed another way: most often an
unresolvable combination, such as a new ``lib`` that needs a new ``extra`` tried without it). So it is
tested against simulated oracles, and the driver (``rodeo_action/run/isolate.py``) only installs.

The order of tries, and why it is cheap: one re-install of the last lock (if that fails too, the
versions are not the cause); then a binary search between a passing and a failing set of changes that
tests ONE half per level (the other half's verdict follows when one change is guilty); then one
confirmation of the suspect alone, if it was inferred rather than seen to fail. One guilty change among
``k`` costs at most ``ceil(log2 k) + 2`` installs. When a half fails to install (``other``) the other
half is tried, and when both do, Zeller's delta debugging isolation (three-valued ``dd``) splits finer.
When the suspect alone passes, it only fails together with some of the changes it was tried on top of:
the same search runs again over those, with the suspect held applied, until the group fails by itself.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Generator, Sequence
from dataclasses import dataclass, replace

from rodeo_action.isolate.changes import describe
from rodeo_action.results import TRY_OUTCOMES, Isolation, PinChange, Try

Applied = tuple[str, ...]
Changes = frozenset[str]
NOT_IN_VERSIONS = ("the last pass's own lock fails too: not in the package versions "
                   "(the manager, the image or the network changed)")
SAME_VERSIONS = ("resolved the same versions as the last pass: not in the package versions "
                 "(the manager, the image or the network changed)")
LOCK_BROKEN = "the last pass's own lock no longer installs (it failed another way than the cell): cannot compare"
NAMED_IN_FULL = 3       # suspects described with their versions up to this many; beyond, by name
NAMED_AT_MOST = 10      # a reason names this many suspects, then "and N more"


@dataclass(frozen=True)
class Verdict:
    """What the search concluded: ``outcome`` (see ``results.ISOLATION_OUTCOMES``), the ``culprits``
    (isolated) or the changes still suspected (not-isolated), a one-line ``reason`` for a person, and
    the ``tries`` made in order (``seconds`` 0: the driver times them, see :meth:`isolation`)."""

    outcome: str
    reason: str
    culprits: tuple[PinChange, ...] = ()
    tries: tuple[Try, ...] = ()
    changed: int = 0

    @property
    def installs(self) -> int:
        return len(self.tries)

    def isolation(self, scope: str, seconds: Sequence[float] = (), baseline: str | None = None) -> Isolation:
        """The result's record of this search; ``seconds[i]`` is how long try ``i`` took."""
        tries = tuple(replace(t, seconds=s) for t, s in zip(self.tries, seconds, strict=False))
        tries += self.tries[len(tries):]
        return Isolation(self.outcome, scope, self.reason, self.culprits, self.changed, self.installs,
                         tries, baseline)


class _Spent(Exception):
    """The budget is spent before the next try: the search stops where it stands."""


class _State:
    """The tries made and their outcomes (a set of changes is never installed twice), the budget, and
    what is suspected now, for the verdict when the budget runs out mid-search."""

    def __init__(self, changes: Sequence[PinChange], budget: int) -> None:
        self.changes = {c.package: c for c in changes}
        if len(self.changes) != len(changes):
            raise ValueError("isolate: two changes of one package")
        self.rank = {name: i for i, name in enumerate(self.changes)}
        self.budget = budget
        self.seen: dict[Changes, str] = {}
        self.tries: list[Try] = []
        self.suspects: Applied = tuple(self.changes)
        self.note = ""
        self.known: tuple[str, Applied] | None = None   # a group seen to fail on top of others

    def answer(self, known: tuple[str, Applied], detail: str = "") -> Verdict:
        """The group known to fail on top of other changes (it does not install by itself), with
        ``detail``, or what is known so far when the budget ends the search for a co-culprit."""
        reason, group = known
        alone = "by itself it does" if len(group) == 1 else "by themselves they do"
        return self.verdict("isolated", f"{reason} ({alone} not install{detail})", group)

    def ordered(self, names: Collection[str]) -> Applied:
        return tuple(sorted(names, key=self.rank.__getitem__))

    def pins(self, names: Sequence[str]) -> tuple[PinChange, ...]:
        return tuple(self.changes[n] for n in names)

    def test(self, applied: Changes) -> Generator[Applied, str, str]:
        """The outcome of one try: known already, or yielded to the driver (one install of the budget)."""
        known = self.seen.get(applied)
        if known is not None:
            return known
        if len(self.tries) >= self.budget:
            raise _Spent
        names = self.ordered(applied)
        outcome = yield names
        if outcome not in TRY_OUTCOMES:
            raise ValueError(f"isolate: a try ends fail, pass or other, not {outcome!r}")
        self.tries.append(Try(names, outcome))
        self.seen[applied] = outcome
        return outcome

    def verdict(self, outcome: str, reason: str, culprits: Sequence[str] = ()) -> Verdict:
        """``culprits`` in the order given: a group found so far before the changes it may need."""
        return Verdict(outcome, reason, self.pins(culprits), tuple(self.tries), len(self.changes))

    def spent(self) -> Verdict:
        if self.known is not None:
            return self.answer(self.known)
        plural = "" if self.budget == 1 else "s"
        reason = f"budget of {self.budget} install{plural} spent; still suspected: {self.named(self.suspects)}"
        return self.verdict("not-isolated", reason + self.note, self.suspects)

    def named(self, names: Sequence[str]) -> str:
        """Suspects for a reason: with their versions when few, else by name, at most NAMED_AT_MOST."""
        pins = self.pins(names)
        if len(pins) <= NAMED_IN_FULL:
            return ", ".join(describe(p) for p in pins)
        shown = ", ".join(p.package for p in pins[:NAMED_AT_MOST])
        return shown + (f" and {len(pins) - NAMED_AT_MOST} more" if len(pins) > NAMED_AT_MOST else "")


def isolate(changes: Sequence[PinChange], budget: int) -> Generator[Applied, str, Verdict]:
    """Yield the ``applied`` names of each try, receive its outcome, return the :class:`Verdict`.

    ``changes`` are those of :func:`~rodeo_action.isolate.changes.changed` (their order is the order of
    halving, so the same inputs make the same tries); ``budget`` counts every install, the re-install of
    the last lock included. Applying every change is the failing run itself: known, never tried.
    """
    state = _State(changes, budget)
    if not changes:
        return state.verdict("not-in-versions", SAME_VERSIONS)
    try:
        first = yield from state.test(frozenset())
        if first == "fail":
            return state.verdict("not-in-versions", NOT_IN_VERSIONS)
        if first == "other":
            return state.verdict("not-isolated", LOCK_BROKEN)
        everything = frozenset(state.changes)
        state.seen[everything] = "fail"
        return (yield from _culprits(state, everything))
    except _Spent:
        return state.spent()


def run(changes: Sequence[PinChange], budget: int, attempt: Callable[[Applied], str]) -> Verdict:
    """Drive :func:`isolate` with ``attempt(applied) -> "fail" | "pass" | "other"`` (one install each)."""
    search = isolate(changes, budget)
    try:
        applied = next(search)
        while True:
            applied = search.send(attempt(applied))
    except StopIteration as stop:
        verdict: Verdict = stop.value
        return verdict


def _culprits(state: _State, failing: Changes) -> Generator[Applied, str, Verdict]:
    """From "nothing applied passes, ``failing`` fails" to the group of changes that fails by itself.

    Each round narrows to one change ``c`` with ``passing`` + c failing and ``passing`` passing, where
    ``passing`` holds the group found so far (``fixed``). The group plus c is then tried by itself,
    unless it was already seen to fail: if it passes, c only fails with some of ``passing``, and the
    next round searches those with the group held applied. Monotone failures (adding changes never
    cures one) make the group 1-minimal: without any one of its members it is within a set that passed.

    A group that does not install by itself (``other``: lib 2.0 needs extra 1.1) is already an answer,
    "lib makes it fail on top of the others"; a further round looks for a co-culprit among those. A
    change found there only against the group's failed install (never against a pass) made it
    installable, not failing: it is named as what the group needs, never as a culprit.
    """
    fixed: Changes = frozenset()
    passing: Changes = frozenset()
    while True:
        passing, failing = yield from _narrow(state, fixed, passing, failing)
        delta = state.ordered(failing - passing)
        if len(delta) > 1 or state.seen[passing] == "other":
            if state.known is not None:
                return state.answer(state.known, f": needs {state.named(delta)} too" if len(delta) == 1 else "")
            reason = f"unresolvable: the changes still suspected do not install apart: {state.named(delta)}"
            return state.verdict("not-isolated", reason, state.ordered(fixed) + delta)
        group = state.ordered(fixed | failing - passing)
        if passing == fixed:       # the group itself is the failing set: seen to fail
            return state.verdict("isolated", _together(state, group), group)
        others = _count(len(passing - fixed))
        state.suspects = group
        state.note = f" (failed on top of {others}, not yet tried by {'itself' if len(group) == 1 else 'themselves'})"
        outcome = yield from state.test(frozenset(group))
        if outcome == "fail":
            return state.verdict("isolated", _together(state, group), group)
        if outcome == "other":
            state.known = (f"{state.named(group)} {'makes' if len(group) == 1 else 'make'} it fail on top of "
                           f"{others}", group)
        state.note = f" ({state.named(group)} passes by itself: it fails only with some of the others)"
        fixed = passing = frozenset(group)


def _narrow(state: _State, fixed: Changes, passing: Changes,
            failing: Changes) -> Generator[Applied, str, tuple[Changes, Changes]]:
    """Zeller's ``dd`` isolation between a passing and a failing set, down to one change between them
    (or stuck: no split of what is left installs). At granularity 2 one half is tried, the other's
    verdict inferred; only when a half fails to install is the other tried, and then finer splits."""
    n = 2
    while True:
        delta = state.ordered(failing - passing)
        state.suspects = state.ordered(fixed) + delta
        if len(delta) <= 1:
            return passing, failing
        moved = yield from _step(state, passing, failing, _split(delta, n), n)
        if moved is not None:
            passing, failing, n = moved
        elif n >= len(delta):
            return passing, failing
        else:
            n = min(2 * n, len(delta))


def _step(state: _State, passing: Changes, failing: Changes, parts: list[Changes],
          n: int) -> Generator[Applied, str, tuple[Changes, Changes, int] | None]:
    """One move of ``dd``: a part applied on the passing set, or (finer than halves) taken off the
    failing set, that passes or fails; None when every try of this granularity ended ``other``."""
    coarser = max(n - 1, 2)
    for part in parts:
        outcome = yield from state.test(passing | part)
        if outcome == "fail":
            return passing, passing | part, 2
        if outcome == "pass":
            return passing | part, failing, coarser
        if n == 2:
            continue               # the other half applied IS this half taken off: tried next
        outcome = yield from state.test(failing - part)
        if outcome == "pass":
            return failing - part, failing, 2
        if outcome == "fail":
            return passing, failing - part, coarser
    return None


def _split(names: Applied, n: int) -> list[Changes]:
    """``n`` parts as even as can be, in order (the first half the smaller when odd)."""
    size = len(names)
    return [frozenset(names[i * size // n:(i + 1) * size // n]) for i in range(n)]


def _together(state: _State, group: Applied) -> str:
    if len(group) == 1:
        return f"{state.named(group)} alone makes it fail"
    return f"{state.named(group)} only fail together"


def _count(others: int) -> str:
    return f"{others} other change{'' if others == 1 else 's'}"
