"""The hidden markers: what each output carries, how a README block is replaced, how an issue's key is read."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rodeo_action.errors import InputError
from rodeo_action.report import markers
from tests.golden import regenerate


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return regenerate.outputs()


def test_each_marker_names_the_rodeo_and_the_key() -> None:
    assert markers.comment_marker("fixture") == "<!-- rodeo:comment id=fixture -->"
    assert markers.comment_marker(None) == "<!-- rodeo:comment -->"
    assert markers.readme_markers("a b") == ("<!-- rodeo:start id=a%20b -->", "<!-- rodeo:end id=a%20b -->")
    assert markers.issue_marker("x", "package:tensorflow") == "<!-- rodeo:issue id=x key=package:tensorflow -->"
    assert markers.fixed_marker(None, "cell:pdm/a:b") == "<!-- rodeo:fixed key=cell:pdm/a%3Ab -->"
    assert markers.update_marker("x", "manager:pdm", "abc") == "<!-- rodeo:update id=x key=manager:pdm state=abc -->"


@settings(max_examples=200, deadline=None)
@given(st.text(), st.one_of(st.none(), st.text(min_size=1)))
def test_no_key_or_name_can_close_its_marker_or_forge_a_scheme(key: str, name: str | None) -> None:
    for marker in (markers.issue_marker(name, key), markers.fixed_marker(name, key),
                   markers.update_marker(name, key, "s"), markers.comment_marker(name), *markers.readme_markers(name)):
        inner = marker.removeprefix("<!-- ").removesuffix(" -->")
        assert "-->" not in inner and "<" not in inner and "\n" not in inner and " id= " not in inner
        assert "javascript:" not in inner.split(" key=", 1)[-1].partition(":")[2]


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1), st.one_of(st.none(), st.text(min_size=1)))
def test_an_issue_key_reads_back(key: str, name: str | None) -> None:
    body = f"text\n{markers.issue_marker(name, key)}\nmore"
    assert markers.issue_key(body, name) == key


def test_an_issue_key_of_another_rodeo_is_none() -> None:
    mine = markers.issue_marker("demo", "package:numpy")
    assert markers.issue_key(f"x {mine} y", "demo") == "package:numpy"
    assert markers.issue_key(f"x {mine} y", "other") is None
    assert markers.issue_key(f"x {mine} y", None) is None                  # an unnamed rodeo's is another's
    assert markers.issue_key(markers.issue_marker(None, "package:numpy"), "demo") is None
    assert markers.issue_key("<!-- rodeo:issue id=demo key=package:a b -->", "demo") is None   # not ours to write
    assert markers.issue_key("no marker", "demo") is None


def test_replace_block_keeps_everything_outside_byte_for_byte(outputs: dict[str, str]) -> None:
    start, end = markers.readme_markers("fixture")
    before = "# Title\r\n\r\nintro ✨\n"
    after = "\n\n## Later\r\n<!-- rodeo:start id=other -->x<!-- rodeo:end id=other -->\n"
    text = f"{before}{start}\nold table\n{end}{after}"
    new = markers.replace_block(text, outputs["readme.md"], "fixture", "README.md")
    assert new.startswith(before) and new.endswith(after)
    assert new == before + outputs["readme.md"].strip("\n") + after
    assert markers.replace_block(new, outputs["readme.md"], "fixture", "README.md") == new


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_property_replace_block(prefix: str, suffix: str) -> None:
    start, end = markers.readme_markers("x")
    if start in prefix + suffix or end in prefix + suffix:
        return
    text = prefix + start + "\nold\n" + end + suffix
    out = markers.replace_block(text, f"{start}\nnew\n{end}\n", "x", "README.md")
    assert out == prefix + start + "\nnew\n" + end + suffix


@pytest.mark.parametrize("text", ["no markers\n", "<!-- rodeo:start id=fixture -->\nonly the start\n",
                                  "<!-- rodeo:end id=fixture -->\n<!-- rodeo:start id=fixture -->\n",
                                  "<!-- rodeo:start id=other -->\n<!-- rodeo:end id=other -->\n"])
def test_replace_block_without_markers_names_the_file(text: str) -> None:
    with pytest.raises(InputError, match=r"docs/README\.md: no .*rodeo:(start|end) id=fixture"):
        markers.replace_block(text, "x", "fixture", "docs/README.md")


def test_replace_block_refuses_two_blocks() -> None:
    start, end = markers.readme_markers("a")
    with pytest.raises(InputError, match="appears twice"):
        markers.replace_block(f"{start}{end}{start}{end}", "x", "a", "README.md")


