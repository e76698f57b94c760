"""Escaping: whatever a package, a log or a config says, it stays text in its place."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rodeo_action.report.escape import TOKEN, ZW, clean, fence, html, md, md_link, plain, redact, url

FRAGMENTS = ["|", "\n", "\r", "\r\n", "`", "```", "````", "~~~", "<details>", "</details>", "<summary>", "<!--", "-->",
             "<!-- rodeo:comment id=x -->", "rodeo:", "rodeo-digest", "[rodeo-digest]: data:application/gzip;base64,AA",
             "<script>", "<img src=x onerror=alert(1)>", "javascript:", "JavaScript :", "[x](javascript:alert(1))",
             "@everyone", "@org/team", "@", "#1", "\\", "*", "_", "$", "[", "]", "(", ")", "&",
             "\x1b[31m", "\x00", "\u202e",
             "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "A" * 20, "a1B2" * 6, "\ud800", "é", "✅"]
hostile = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=30).map("".join)
SPECIAL_CASES = ["ghp_" + "A" * 36, "xx" + "gho_" + "b" * 20 + "yy", "github_pat_11AAAAAAA_" + "z" * 60,
                 "GHP_" + "Q" * 30, "gh\x00p_" + "A" * 30, "g\x1b[0mhp_" + "A" * 30]


def unescaped_pipes(text: str) -> int:
    return len(re.findall(r"(?<!\\)(?:\\\\)*\|", text))


@pytest.mark.parametrize("text", SPECIAL_CASES)
def test_every_token_shape_is_redacted_even_when_glued_or_split_by_controls(text: str) -> None:
    for out in (clean(text), md(text), html(text), fence(text), plain(text)):
        assert not TOKEN.search(out), out
        assert "[REDACTED]" in out or "\\[REDACTED\\]" in out


def test_markers_and_digest_lines_are_neutralised_everywhere() -> None:
    text = "<!-- rodeo:comment id=x -->\n[rodeo-digest-x]: data:application/gzip;base64,AAAA"
    for out in (clean(text), md(text), html(text), fence(text), plain(text)):
        assert "<!--" not in out and "rodeo:" not in out.lower() and "rodeo-digest" not in out
    assert fence(text).count("\n") == 3                      # the text keeps its lines inside the fence


def test_md_keeps_one_table_cell_and_breaks_links_html_and_mentions() -> None:
    out = md("a|b\nc <b>x</b> [y](javascript:alert(1)) @everyone @org/team #12 *e* `c` $m$")
    assert "\n" not in out and unescaped_pipes(out) == 0
    assert "<" not in out and ">" not in out
    assert "](" not in out.replace("\\](", "") and "javascript:" not in out.lower()
    assert "@everyone" not in out and f"@{ZW}everyone" in out and f"@{ZW}org/team" in out
    assert "#12" not in out and "\\*e\\*" in out and "\\`c\\`" in out and "\\$m\\$" in out


def test_html_context_escapes_quotes_and_tags() -> None:
    assert html('</summary><b onclick="x">') == "&lt;/summary&gt;&lt;b onclick=&quot;x&quot;&gt;"


def test_fence_is_longer_than_any_backtick_run() -> None:
    out = fence("a ``` b\n`````\nc", "sh")
    assert out.startswith("``````sh\n") and out.endswith("\n``````")


def test_url_only_links_http_and_https() -> None:
    assert url("https://github.com/o/r/actions/runs/1") == "https://github.com/o/r/actions/runs/1"
    assert url("http://x.org/a b") is None
    assert url("https://x.org/(a)<b>\"c\"'d") == "https://x.org/%28a%29%3Cb%3E%22c%22%27d"
    for bad in ("javascript:alert(1)", "JAVASCRIPT://x", "data:text/html,x", "//evil.org", "/relative", "ftp://x",
                "https://", "", None, "https://x.org/\nx", "vbscript:x"):
        assert url(bad) is None, bad
    assert md_link("log", "javascript:alert(1)") == "log"
    assert url("https://x.org/?t=ghp_" + "A" * 36) == "https://x.org/?t=[REDACTED]"


def test_terminal_text_has_no_escape_sequences() -> None:
    assert plain("\x1b[2J\x1b]0;title\x07ok\x07\r\nnext\x9b") == "ok next"


@settings(max_examples=400, deadline=None)
@given(hostile)
def test_property_md_is_one_safe_table_cell(text: str) -> None:
    out = md(text)
    assert "\n" not in out and "\r" not in out
    assert unescaped_pipes(out) == 0
    assert "<" not in out and ">" not in out
    assert not TOKEN.search(out)
    assert "javascript:" not in out.lower().replace(" ", "")
    assert all(out[i + 1: i + 2] == ZW for i, ch in enumerate(out) if ch == "@")
    out.encode("utf-8")                                     # no lone surrogate survives


@settings(max_examples=400, deadline=None)
@given(hostile, st.sampled_from(["", "sh"]))
def test_property_fence_cannot_be_closed_or_carry_markers(text: str, info: str) -> None:
    out = fence(text, info)
    lines = out.split("\n")
    ticks = lines[0][: len(lines[0]) - len(info)]
    assert lines[-1] == ticks
    for line in lines[1:-1]:                                  # no inner line closes the fence
        assert not (line.strip().startswith(ticks) and set(line.strip()) == {"`"})
    assert "<!--" not in out and not TOKEN.search(out)
    assert not re.search(r"</?(details|summary)", out, re.I)
    assert not re.search(r"rodeo\s*:|rodeo-digest", out, re.I)


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_property_html_and_url(text: str) -> None:
    out = html(text)
    assert "<" not in out and ">" not in out and '"' not in out and "\n" not in out
    assert not TOKEN.search(out)
    u = url(text)
    if u is not None:
        assert re.match(r"(?i)https?://", u) and not re.search(r"[\s<>\"'()]", u)


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_property_redact_is_idempotent_and_complete(text: str) -> None:
    once = redact(text)
    assert redact(once) == once and not TOKEN.search(once)
