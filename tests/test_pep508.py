"""rodeo's fast reading of plain requirements agrees with ``packaging`` wherever it answers."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from rodeo_action import pep508

names = st.from_regex(r"\A[A-Za-z0-9]([A-Za-z0-9._-]{0,12}[A-Za-z0-9])?\Z")
releases = st.from_regex(r"\A[0-9]{1,3}(\.[0-9]{1,3}){0,3}\Z")
suffixes = st.sampled_from(["", "a1", "b2", "rc3", ".post1", ".dev0", "a1.post2.dev3", ".*", "+local", "-1", "!"])
ops = st.sampled_from(["==", "!=", "<=", ">=", "<", ">", "~=", "===", "=", "=>", ""])
spaces = st.sampled_from(["", " ", "  ", "\t"])
specs = st.builds(lambda sp1, op, sp2, rel, suf: f"{sp1}{op}{sp2}{rel}{suf}", spaces, ops, spaces, releases, suffixes)
requirements = st.builds(lambda sp0, name, sp, items, tail: f"{sp0}{name}{sp}{','.join(items)}{tail}",
                         spaces, names, spaces, st.lists(specs, max_size=4),
                         st.sampled_from(["", " ", "[x]", "; python_version>'3'", " @ https://x/y.whl", ","]))


def packaging_reading(text: str) -> pep508.Simple | None:
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    return pep508.Simple(canonicalize_name(req.name), str(req.specifier))


@settings(max_examples=600, deadline=None)
@given(st.one_of(requirements, st.text(max_size=30)))
@example("numpy")
@example("tensorflow>=2,<3")
@example("six==1.16.0")
@example("xgcm ==0.8.1")
@example("pkg>=1.0,>=1.0")
@example("0==0,==00")
@example("a>=1,>=1.0")
@example("a~=1")
@example("a<=1.*")
@example("a==1.0a1.*")
def test_fast_reading_agrees_with_packaging(text: str) -> None:
    fast = pep508.simple(text)
    if fast is not None:
        assert fast == packaging_reading(text), text


@pytest.mark.parametrize("text, name, specifier", [
    ("numpy", "numpy", ""),
    ("Cartopy>=0.22", "cartopy", ">=0.22"),
    ("tensorflow >=2.15, <3", "tensorflow", "<3,>=2.15"),
    ("tensorflow>= 2.15", None, None),             # a space after the operator: packaging reads it
    ("zope.interface==6.*", "zope-interface", "==6.*"),
    ("a>=2,<3,>=2", None, None),                    # one operator twice: packaging folds equal versions
    ("a>=2,<3", "a", "<3,>=2"),
    ("six[extra]", None, None),
    ("six; python_version>'3'", None, None),
])
def test_the_common_shapes_are_read_fast(text: str, name: str | None, specifier: str | None) -> None:
    fast = pep508.simple(text)
    if name is None:
        assert fast is None
    else:
        assert fast == pep508.Simple(name, specifier or "")


@given(st.text(alphabet="AaZz09-_.", max_size=20))
def test_canonical_name_is_packagings(name: str) -> None:
    assert pep508.canonical_name(name) == canonicalize_name(name)
