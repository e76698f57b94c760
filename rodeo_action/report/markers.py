"""The hidden markers: how rodeo finds again what it published (README block, PR comment, issues).

Every published output carries an HTML comment naming the rodeo (``id=``, absent for an unnamed
rodeo) and, for an issue, its culprit key. The renderers write them; the publishers of
:mod:`rodeo_action.github` look for them, and :func:`replace_block` is where a README's block is
found between its two markers. Names and keys are percent-encoded, so nothing a package or a log
calls itself can close the comment or forge another rodeo's marker.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from rodeo_action.errors import InputError


def _id(name: str | None) -> str:
    return f" id={quote(name, safe='._-')}" if name else ""


def _key(key: str) -> str:
    """A culprit key in a marker: ``package:tensorflow`` as is; a ``:`` after the first, and anything
    but letters, digits and ``/._-``, percent-encoded (a package named in a hostile log must not write
    ``-->`` nor ``javascript:`` into a body)."""
    kind, sep, name = key.partition(":")
    return quote(kind, safe="._-") + sep + quote(name, safe="/._-")


def comment_marker(name: str | None) -> str:
    """The sticky PR comment's marker (one comment per rodeo per PR)."""
    return f"<!-- rodeo:comment{_id(name)} -->"


def issue_marker(name: str | None, key: str) -> str:
    """An issue's marker: the rodeo and the culprit key (``package:tensorflow``)."""
    return f"<!-- rodeo:issue{_id(name)} key={_key(key)} -->"


def fixed_marker(name: str | None, key: str) -> str:
    """The marker of the comment that says a culprit's cells pass again."""
    return f"<!-- rodeo:fixed{_id(name)} key={_key(key)} -->"


def update_marker(name: str | None, key: str, state: str) -> str:
    """The marker of the comment saying what changed; ``state`` (hashes of what it reports) makes the
    first line unique, so a comment whose POST answered an error can be looked for by that line."""
    return f"<!-- rodeo:update{_id(name)} key={_key(key)} state={state} -->"


def readme_markers(name: str | None) -> tuple[str, str]:
    """The start and end markers of the rodeo's README block."""
    return f"<!-- rodeo:start{_id(name)} -->", f"<!-- rodeo:end{_id(name)} -->"


def issue_key(body: str, name: str | None) -> str | None:
    """The culprit key of this rodeo's issue marker in ``body``; None when it carries none (another
    rodeo's marker, or an unnamed one's when this rodeo has a name, does not count)."""
    head, tail = issue_marker(name, "KEY").rsplit("KEY", 1)
    m = re.search(re.escape(head) + r"([^\s<>]+)" + re.escape(tail), body)
    if m is None:
        return None
    key = unquote(m.group(1))
    return key if issue_marker(name, key) in body else None


def replace_block(text: str, block: str, name: str | None, filename: str) -> str:
    """``text`` with the rodeo's README block replaced by ``block``; the rest kept byte for byte.

    ``block`` is what :func:`rodeo_action.report.render.readme_block` returned (it starts and ends
    with the markers).
    """
    start, end = readme_markers(name)
    i = text.find(start)
    j = text.find(end, i + len(start)) if i >= 0 else -1
    if i < 0 or j < 0:
        missing = " and ".join(m for m, at in ((start, i), (end, j)) if at < 0)
        raise InputError(f"{filename}: no {missing} marker; add the two lines\n  {start}\n  {end}\n"
                         f"where the rodeo's table should go (everything outside them is left alone)")
    if text.find(start, i + len(start)) >= 0:
        raise InputError(f"{filename}: the marker {start} appears twice; expected one block per rodeo")
    return text[:i] + block.strip("\n") + text[j + len(end):]


__all__ = ["comment_marker", "fixed_marker", "issue_key", "issue_marker", "readme_markers", "replace_block",
           "update_marker"]
