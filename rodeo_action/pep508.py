"""The common shapes of a PEP 508 requirement, read without importing ``packaging``.

Every ``rodeo run`` reads rodeo.yml, and nearly every package there is ``name`` or
``name>=1.2,<3``. ``packaging.requirements`` costs ~20 ms to import (its tokenizer compiles a few
dozen regexes) - a visible share of a cell that uv installs in a second. So the plain shapes are
read here, and anything else (extras, markers, URLs, local versions, ``===``, odd spacing) returns
``None`` and goes to ``packaging``. What this module accepts, ``packaging`` reads the same way: a
property test holds the two to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_RELEASE = r"[0-9]+(?:\.[0-9]+)*"
_SUFFIX = r"(?:(?:a|b|rc)[0-9]+)?(?:\.post[0-9]+)?(?:\.dev[0-9]+)?"
# ~= needs two release numbers; .* only after a plain release, only with == and !=.
_SPEC = (rf"(?:~=[0-9]+(?:\.[0-9]+)+{_SUFFIX}"
         rf"|(?:==|!=){_RELEASE}(?:\.\*|{_SUFFIX})"
         rf"|(?:<=|>=|<|>){_RELEASE}{_SUFFIX})")
_SIMPLE = re.compile(rf"(?P<name>{_NAME}) *(?P<specs>{_SPEC}(?: *, *{_SPEC})*)? *", re.ASCII)
_SPACES = re.compile(r" +")


@dataclass(frozen=True)
class Simple:
    name: str        # canonical (PEP 503)
    specifier: str   # the specifiers sorted and de-duplicated, as ``str(SpecifierSet)`` gives them


def canonical_name(name: str) -> str:
    """PEP 503 normalisation, as ``packaging.utils.canonicalize_name``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def canonical_specifier(specs: list[str]) -> str:
    """``str(SpecifierSet(...))``: each ``op+version`` with spaces removed, sorted, each once."""
    return ",".join(sorted(set(specs)))


def simple(text: str) -> Simple | None:
    """``text`` read as ``name`` or ``name<specifiers>``; ``None`` for any other shape."""
    match = _SIMPLE.fullmatch(text)
    if match is None:
        return None
    specs = match["specs"]
    items = [_SPACES.sub("", s) for s in specs.split(",")] if specs else []
    # Two specifiers with one operator may be equal as versions (==1 and ==1.0, ==0 and ==00), which
    # packaging folds into one: leave those rare sets to it.
    if len({_operator(item) for item in items}) != len(items):
        return None
    return Simple(canonical_name(match["name"]), canonical_specifier(items))


def _operator(spec: str) -> str:
    return spec[:2] if spec[1] == "=" else spec[:1]
