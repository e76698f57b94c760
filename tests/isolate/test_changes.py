"""The changed pins between a last pass and now, the pins of one try, and a change told to a person."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rodeo_action.isolate.changes import changed, describe, pins_for, same_version
from rodeo_action.results import PinChange

NAMES = st.sampled_from(["app", "lib", "extra", "six", "attrs", "zope-interface"])
VERSIONS = st.sampled_from(["1.0", "1.0.0", "1.1", "2.0", "2.0.0rc1"])
PINS = st.dictionaries(NAMES, VERSIONS, max_size=6)


def test_added_removed_upgraded_sorted_and_the_unchanged_left_out() -> None:
    good = {"lib": "1.0", "extra": "1.0", "six": "1.16.0", "gone": "3"}
    bad = {"six": "1.16.0", "lib": "2.0", "extra": "1.1", "new": "0.1"}
    assert changed(good, bad) == (
        PinChange("extra", "1.0", "1.1"), PinChange("gone", "3", None),
        PinChange("lib", "1.0", "2.0"), PinChange("new", None, "0.1"),
    )


def test_names_compare_canonically_and_keep_the_failing_runs_spelling() -> None:
    """An installer's METADATA says PyYAML, a lock says pyyaml: one distribution."""
    assert changed({"pyyaml": "6.0"}, {"PyYAML": "6.0"}) == ()
    assert changed({"pyyaml": "6.0"}, {"PyYAML": "6.0.1"}) == (PinChange("PyYAML", "6.0", "6.0.1"),)
    assert changed({"Zope.Interface": "5"}, {}) == (PinChange("Zope.Interface", "5", None),)


def test_conda_and_apt_names_compare_as_given() -> None:
    """conda-forge has typing_extensions and typing-extensions: two packages, both installed."""
    good = {"typing_extensions": "4.0", "typing-extensions": "4.0"}
    bad = {"typing_extensions": "4.1", "typing-extensions": "4.0"}
    assert changed(good, bad, canonical=False) == (PinChange("typing_extensions", "4.0", "4.1"),)
    assert changed({"python3.11": "3.11.2-6"}, {"python3.11": "3.11.2-6+deb12u1"}, canonical=False) == (
        PinChange("python3.11", "3.11.2-6", "3.11.2-6+deb12u1"),)


def test_a_respelled_version_is_no_change() -> None:
    assert changed({"a": "1.0", "b": " 2.0 "}, {"a": "1.0.0", "b": "2.0"}) == ()
    assert changed({"a": "1.0"}, {"a": "1.0.post1"}) == (PinChange("a", "1.0", "1.0.post1"),)
    assert not same_version("1:2.3-1", "1:2.3-2")          # apt: no PEP 440 version, compared as text
    assert same_version("1:2.3-1", "1:2.3-1")


def test_the_pins_of_a_try() -> None:
    changes = changed({"lib": "1.0", "extra": "1.0", "gone": "3"}, {"lib": "2.0", "extra": "1.1", "new": "0.1"})
    assert pins_for(changes, ()) == {"extra": "1.0", "gone": "3", "lib": "1.0"}       # the last pass
    assert pins_for(changes, ("lib",)) == {"extra": "1.0", "gone": "3", "lib": "2.0"}
    assert pins_for(changes, ("new", "gone")) == {"extra": "1.0", "lib": "1.0", "new": "0.1"}
    everything = [c.package for c in changes]
    assert pins_for(changes, everything) == {"extra": "1.1", "lib": "2.0", "new": "0.1"}  # the failing run


def test_describe() -> None:
    assert describe(PinChange("hishel", "1.1.3", "2.0.0")) == "hishel 1.1.3 \u2192 2.0.0"
    assert describe(PinChange("x", None, "1.0")) == "added: x 1.0"
    assert describe(PinChange("y", "2.0", None)) == "removed: y 2.0"


@given(PINS, PINS)
def test_applying_nothing_gives_the_last_pass_and_everything_gives_now(good: dict[str, str],
                                                                       bad: dict[str, str]) -> None:
    changes = changed(good, bad)
    assert [c.package for c in changes] == sorted({c.package for c in changes})
    for change in changes:
        assert change.good != change.bad
        assert change.good is None or change.bad is None or not same_version(change.good, change.bad)
    before, after = pins_for(changes, ()), pins_for(changes, [c.package for c in changes])
    assert before == {n: v for n, v in good.items() if n in before}
    assert after == {n: v for n, v in bad.items() if n in after}
    unchanged = good.keys() & bad.keys() - {c.package for c in changes}
    assert all(same_version(good[n], bad[n]) for n in unchanged)
    assert set(before) | set(after) | unchanged == set(good) | set(bad)
