"""The isolation search, driven by simulated installs: which tries it makes, what it names, what it costs."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rodeo_action.isolate.search import LOCK_BROKEN, NOT_IN_VERSIONS, SAME_VERSIONS, Verdict, isolate, run
from rodeo_action.results import TRY_OUTCOMES, PinChange


def changes(k: int) -> tuple[PinChange, ...]:
    return tuple(PinChange(f"p{i:02d}", "1.0", "2.0") for i in range(k))


def bound(k: int) -> int:
    """The cost promise for one guilty change among k."""
    return math.ceil(math.log2(k)) + 2 if k > 1 else 1


@dataclass
class Oracle:
    """An install with ``applied`` changes: fails when every ``guilty`` one is applied (one name: a
    single culprit; two: a pair that only fails together); ``other`` when a change is applied without
    what it ``needs`` (lib 2.0 needs extra 1.1); ``lock`` is how the last pass's own lock ends."""

    guilty: Collection[str]
    needs: Mapping[str, str] = field(default_factory=dict)
    lock: str = "pass"
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def __call__(self, applied: tuple[str, ...]) -> str:
        self.calls.append(applied)
        return self.outcome(applied)

    def outcome(self, applied: tuple[str, ...]) -> str:
        if not applied:
            return self.lock
        if any(a in applied and b not in applied for a, b in self.needs.items()):
            return "other"
        return "fail" if set(self.guilty) <= set(applied) else "pass"


def search(k: int, budget: int, oracle: Oracle, given_changes: tuple[PinChange, ...] | None = None) -> Verdict:
    verdict = run(changes(k) if given_changes is None else given_changes, budget, oracle)
    assert [t.applied for t in verdict.tries] == oracle.calls          # the verdict records every install
    assert [t.outcome for t in verdict.tries] == [oracle.outcome(t.applied) for t in verdict.tries]
    assert len(set(oracle.calls)) == len(oracle.calls)                   # never the same install twice
    assert verdict.installs == len(oracle.calls) <= budget
    assert all(t.outcome in TRY_OUTCOMES for t in verdict.tries)
    return verdict


def test_no_change_needs_no_install() -> None:
    gen = isolate((), 8)
    with pytest.raises(StopIteration) as stop:
        next(gen)
    verdict: Verdict = stop.value.value
    assert (verdict.outcome, verdict.reason, verdict.installs, verdict.culprits) == (
        "not-in-versions", SAME_VERSIONS, 0, ())


def test_the_first_try_is_the_last_pass_own_lock_and_one_change_needs_nothing_more() -> None:
    gen = isolate(changes(1), 8)
    assert next(gen) == ()
    with pytest.raises(StopIteration) as stop:
        gen.send("pass")
    verdict: Verdict = stop.value.value
    assert verdict.outcome == "isolated" and verdict.culprits == changes(1) and verdict.installs == 1
    assert verdict.reason == "p00 1.0 \u2192 2.0 alone makes it fail"
    assert verdict.isolation("environment").introduced_by == changes(1)[0]


@pytest.mark.parametrize("k", [1, 2, 58])
def test_the_last_lock_failing_too_is_not_in_the_versions(k: int) -> None:
    verdict = search(k, 8, Oracle({"p00"}, lock="fail"))
    assert (verdict.outcome, verdict.reason, verdict.installs, verdict.culprits) == (
        "not-in-versions", NOT_IN_VERSIONS, 1, ())


def test_the_last_lock_not_installing_cannot_compare() -> None:
    verdict = search(8, 8, Oracle({"p03"}, lock="other"))
    assert (verdict.outcome, verdict.reason, verdict.installs) == ("not-isolated", LOCK_BROKEN, 1)


@pytest.mark.parametrize("k", range(1, 71))
def test_one_culprit_anywhere_among_k_within_the_cost_promise(k: int) -> None:
    """Every position of the guilty change: found exactly, seen alone, and never past ceil(log2 k) + 2;
    the promise is tight (the last position costs all of it)."""
    costs = []
    for position in range(k):
        guilty = f"p{position:02d}"
        verdict = search(k, 64, Oracle({guilty}))
        assert verdict.outcome == "isolated", verdict.reason
        assert verdict.culprits == (PinChange(guilty, "1.0", "2.0"),)
        assert verdict.reason == f"{guilty} 1.0 \u2192 2.0 alone makes it fail"
        assert verdict.tries[0].applied == ()
        costs.append(verdict.installs)
    assert max(costs) == bound(k)


@pytest.mark.parametrize(("k", "position", "installs"), [
    (1, 0, 1), (8, 0, 4), (8, 7, 5), (58, 0, 6), (58, 57, 8),
])
def test_the_figures(k: int, position: int, installs: int) -> None:
    """The first change is always in the half tried (seen to fail: no confirmation); the last never is."""
    assert search(k, 8, Oracle({f"p{position:02d}"})).installs == installs


def test_the_harmless_extra_upgraded_with_the_breaking_lib_is_never_named() -> None:
    """The issue's local index: lib 1.0 -> 2.0 breaks the app's import, extra 1.0 -> 1.1 is harmless."""
    pair = (PinChange("extra", "1.0", "1.1"), PinChange("lib", "1.0", "2.0"))
    verdict = search(2, 8, Oracle({"lib"}), pair)
    assert verdict.culprits == (pair[1],) and verdict.reason == "lib 1.0 \u2192 2.0 alone makes it fail"
    assert [t.applied for t in verdict.tries] == [(), ("extra",), ("lib",)]
    # lib 2.0 needs extra >= 1.1: lib alone does not install; still lib, and extra only as what it needs
    verdict = search(2, 8, Oracle({"lib"}, needs={"lib": "extra"}), pair)
    assert verdict.outcome == "isolated" and verdict.culprits == (pair[1],)
    assert verdict.reason == ("lib 1.0 \u2192 2.0 makes it fail on top of 1 other change "
                              "(by itself it does not install: needs extra 1.0 \u2192 1.1 too)")


@given(st.integers(2, 40), st.data())
def test_a_change_needing_another_to_install_is_still_found(k: int, data: st.DataObject) -> None:
    lib, extra = data.draw(st.lists(st.integers(0, k - 1), min_size=2, max_size=2, unique=True))
    guilty = f"p{lib:02d}"
    verdict = search(k, 64, Oracle({guilty}, needs={guilty: f"p{extra:02d}"}))
    assert verdict.outcome == "isolated" and [c.package for c in verdict.culprits] == [guilty]
    budgeted = search(k, bound(k) + 1, Oracle({guilty}, needs={guilty: f"p{extra:02d}"}))
    assert budgeted.outcome == "isolated" and budgeted.culprits == verdict.culprits


@given(st.integers(2, 30), st.data())
def test_a_pair_that_only_fails_together_is_named(k: int, data: st.DataObject) -> None:
    first, second = sorted(data.draw(st.lists(st.integers(0, k - 1), min_size=2, max_size=2, unique=True)))
    pair = {f"p{first:02d}", f"p{second:02d}"}
    verdict = search(k, 64, Oracle(pair))
    assert verdict.outcome == "isolated", verdict.reason
    assert {c.package for c in verdict.culprits} == pair
    assert verdict.reason.endswith("only fail together")
    assert verdict.installs <= 2 * math.ceil(math.log2(k)) + 3


def test_a_pair_figure() -> None:
    """p03 and p40 among 58: the later one is found first (on top of the earlier), then its partner."""
    verdict = search(58, 64, Oracle({"p03", "p40"}))
    assert [c.package for c in verdict.culprits] == ["p03", "p40"] and verdict.installs == 15
    spent = search(58, 8, Oracle({"p03", "p40"}))
    assert spent.outcome == "not-isolated" and spent.culprits[0].package == "p40"
    assert "p40 1.0 \u2192 2.0 passes by itself" in spent.reason


@given(st.integers(1, 24), st.integers(0, 12), st.data())
def test_never_an_innocent_change_and_the_budget_is_kept(k: int, budget: int, data: st.DataObject) -> None:
    names = [f"p{i:02d}" for i in range(k)]
    guilty = data.draw(st.sets(st.sampled_from(names), min_size=1, max_size=min(k, 3)))
    needs = data.draw(st.dictionaries(st.sampled_from(names), st.sampled_from(names), max_size=2))
    needs = {a: b for a, b in needs.items() if a != b}
    oracle = Oracle(guilty, needs)
    if oracle.outcome(tuple(names)) != "fail":
        return                                        # the failing run itself must fail, as the cell did
    verdict = search(k, budget, oracle)
    assert verdict.installs <= budget and verdict.changed == k
    if verdict.outcome == "isolated":
        assert {c.package for c in verdict.culprits} <= set(guilty), verdict
        assert verdict.installs >= 1
    if budget == 0:
        assert verdict.outcome == "not-isolated" and verdict.installs == 0
    again = search(k, budget, Oracle(guilty, needs))
    assert again == verdict                          # the same inputs, the same tries and verdict


@pytest.mark.parametrize("k", [2, 8, 58])
def test_a_budget_of_one_install_is_the_last_lock_only(k: int) -> None:
    verdict = search(k, 1, Oracle({"p01"}))
    assert verdict.outcome == "not-isolated" and verdict.installs == 1
    assert verdict.culprits == changes(k)
    assert verdict.reason.startswith("budget of 1 install spent; still suspected: ")
    named = "p00, p01, p02, p03, p04, p05, p06, p07, p08, p09 and 48 more" if k == 58 else None
    assert named is None or verdict.reason.endswith(named)


def test_budget_spent_mid_search_names_what_is_left() -> None:
    """Three installs among 58: the lock, then two halvings leave a quarter still suspected."""
    verdict = search(58, 3, Oracle({"p57"}))
    assert verdict.outcome == "not-isolated" and verdict.installs == 3
    assert [c.package for c in verdict.culprits] == [f"p{i:02d}" for i in range(43, 58)]
    unconfirmed = search(58, 7, Oracle({"p57"}))     # one short of the confirmation
    assert unconfirmed.culprits == (PinChange("p57", "1.0", "2.0"),)
    assert unconfirmed.reason == ("budget of 7 installs spent; still suspected: p57 1.0 \u2192 2.0 "
                                  "(failed on top of 57 other changes, not yet tried by itself)")


def test_changes_that_do_not_install_apart_are_not_isolated() -> None:
    """a 2.0 needs b 2.0 and b 2.0 needs a 2.0: no try separates them."""
    verdict = search(2, 8, Oracle({"p00"}, needs={"p00": "p01", "p01": "p00"}))
    assert verdict.outcome == "not-isolated" and verdict.reason.startswith("unresolvable: ")
    assert [c.package for c in verdict.culprits] == ["p00", "p01"]


def test_the_isolation_record_carries_the_timings() -> None:
    verdict = search(8, 8, Oracle({"p07"}))
    record = verdict.isolation("tool", seconds=[1.5, 2.0], baseline="2025-01-01T00:00:00Z")
    assert (record.scope, record.installs, record.changed, record.baseline) == ("tool", 5, 8, "2025-01-01T00:00:00Z")
    assert [t.seconds for t in record.tries] == [1.5, 2.0, 0.0, 0.0, 0.0]
    assert record.culprits == verdict.culprits and record.outcome == "isolated"


def test_a_try_ends_one_of_three_ways() -> None:
    gen = isolate(changes(3), 8)
    next(gen)
    with pytest.raises(ValueError, match="not 'maybe'"):
        gen.send("maybe")
