"""Make text from a package, a log or a config safe to publish on GitHub.

Everything the report shows that rodeo did not write itself (package names, causes, logs,
repros, versions, URLs, notes) passes through one of these functions before it reaches a
template, so that a hostile or merely unlucky string cannot:

- break a table row (a ``|`` or a newline),
- close a ``<details>``, inject HTML, a link or a ``javascript:`` URL,
- forge a hidden ``<!-- rodeo:`` marker or a ``[rodeo-digest]`` line (publishers find their
  comment, issues and README block by searching raw bodies, even inside code fences),
- ping people or teams (``@everyone``, ``@org/team``) or cross-reference issues (``#123``),
- leak a GitHub token (``ghp_…``, ``github_pat_…``), which is redacted everywhere.

Each context has its own function: :func:`md` for inline markdown (table cells included),
:func:`html` inside HTML such as ``<summary>``, :func:`fence` for a code block, :func:`url` for a
link target, :func:`title` for issue titles, :func:`plain` for the terminal. All first :func:`clean`
the text. (The SVG picture escapes for XML in ``svg.clean``, after :func:`clean` too.)
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

from rodeo_action.results import GITHUB_TOKEN_SHAPE

ZW = "\u200b"          # zero-width space: invisible, but breaks a mention, a marker or a scheme
REDACTED = "[REDACTED]"
# The longest link rodeo writes. GitHub answers "414 URI Too Long" for a URL past 8,191 bytes (github/docs#5136,
# and the note PR github/docs#4537 added to "creating an issue from a URL query"); a prefilled "new issue" link
# (percent-encoded: characters are bytes) is built to fit this, and url() accepts up to it: one figure for both.
URL_CHARS = 8000

# C0/C1 controls except tab and newline, lone surrogates, bidi overrides and isolates ("Trojan source")
# and the bidi marks (LRM, RLM, ALM)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# GitHub token shapes (the same as when results are written), glued to anything
TOKEN = re.compile(f"(?:{GITHUB_TOKEN_SHAPE})", re.I)
# what could be taken for one of rodeo's hidden markers or its digest line
_MARKERISH = re.compile(r"<!--|rodeo(?=\s*:|-digest)", re.I)
# tags that a raw-text search (or a careless renderer) could take for structure
_TAGISH = re.compile(r"<(?=/?(?:details|summary)\b)", re.I)
_SCHEME = re.compile(r"(?<=javascript)(?=\s*:)|(?<=vbscript)(?=\s*:)|(?<=data)(?=\s*:\s*text/html)", re.I)
_MENTION = re.compile(r"@")
_ISSUE_REF = re.compile(r"#(?=\d)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$#])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_HTML_RE = re.compile("[&<>\"']")
_MD_HTML = re.compile("[&<>]")
_BACKTICKS = re.compile(r"`+")
_SPACE = re.compile(r"\s")


def redact(text: str) -> str:
    """Replace every token-shaped string by ``[REDACTED]``."""
    return TOKEN.sub(REDACTED, text)


def strip_controls(text: object) -> str:
    """``text`` without ANSI escapes, controls (tab and newline kept; CR made a newline), lone
    surrogates and bidi controls."""
    s = str(text)
    if "\x1b" in s:
        s = _ANSI.sub("", s)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    if not s.replace("\n", "").replace("\t", "").isprintable():     # the fast path for ordinary text
        s = _CONTROLS.sub("", s)
    return s


def redact_tokens(s: str) -> str:
    """:func:`redact`, with a cheap test first (most text has no ``gh`` at all)."""
    low = s.lower()
    return TOKEN.sub(REDACTED, s) if "gh" in low or "github_pat_" in low else s


def clean(text: object) -> str:
    """Normalised, redacted text that cannot pose as a rodeo marker; newlines are kept.

    Order matters: controls are dropped *before* redacting, so ``gh\\0p_…`` cannot reassemble
    into a token afterwards.
    """
    s = redact_tokens(strip_controls(text))
    low = s.lower()
    if "<!--" in s or "rodeo" in low:
        s = _MARKERISH.sub(lambda m: "<!" + ZW + "--" if m.group() == "<!--" else m.group() + ZW, s)
    return s


def _one_line(s: str) -> str:
    return s.replace("\n", " ").replace("\t", " ")


@lru_cache(maxsize=65_536)
def md(text: object, limit: int | None = None) -> str:
    """Inline markdown text, on one line: safe in a table cell, a list item or a heading.

    Markdown punctuation is backslash-escaped (so no link, emphasis, code span or math), ``<``,
    ``>`` and ``&`` become entities (so no HTML, no comment), and ``@``/``#123`` get a zero-width
    space (GitHub links mentions and references in rendered text, after markdown).
    """
    s = _one_line(clean(text))
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _MD_HTML.sub(lambda m: _HTML[m.group()], s)
    s = _SCHEME.sub(ZW, s)
    s = _MENTION.sub("@" + ZW, s)
    return _ISSUE_REF.sub("#" + ZW, s)


@lru_cache(maxsize=4096)
def html(text: object, limit: int | None = None) -> str:
    """Text inside an HTML element or attribute (``<summary>``), on one line."""
    s = _one_line(clean(text))
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    s = _HTML_RE.sub(lambda m: _HTML[m.group()], s)
    s = _SCHEME.sub(ZW, s)
    s = _MENTION.sub("@" + ZW, s)
    return _ISSUE_REF.sub("#" + ZW, s)


def plain(text: object, limit: int | None = None) -> str:
    """One line of plain text (an issue title, a terminal cell): no controls, no token, no marker."""
    s = " ".join(_one_line(clean(text)).split())
    if limit is not None and len(s) > limit:
        s = s[: max(limit - 1, 0)] + "…"
    return s


def no_scheme(text: str) -> str:
    """``text`` with ``javascript:``, ``vbscript:`` and ``data:text/html`` broken by a zero-width space."""
    return _SCHEME.sub(ZW, text)


def title(text: object, limit: int | None = None) -> str:
    """An issue title, with nothing invisible in it: one line of :func:`plain`-like text in which each
    ``@mention``, ``#123``/``owner/repo#123`` and ``GH-123`` is wrapped in backticks (GitHub shows a
    title's code span as code, and links nothing in it; where a title is shown as text, the backticks
    are visible and harmless). Other backticks become ``'``, so no span can open or close elsewhere;
    a span this function made is kept as it is, so a title passes through it twice unchanged.

    Titles are never searched for rodeo's markers, and are not HTML: ``<!--``, ``rodeo:`` and script
    schemes are left as they read (no zero-width space, unlike :func:`clean`)."""
    s = " ".join(_one_line(redact_tokens(strip_controls(text))).split())
    if limit is None or len(_TITLE_TOKEN.sub(_title_token, s)) <= limit:
        return _TITLE_TOKEN.sub(_title_token, s)
    cut = limit
    while True:                          # the longest cut whose backticks still fit the limit
        short = _TITLE_TOKEN.sub(_title_token, s[: max(cut - 1, 0)] + "…")
        if len(short) <= limit or cut <= 1:
            return short[:limit]
        cut -= len(short) - limit


# a mention, a reference (GitHub links ``#1``, ``owner/repo#1``, ``GH-1``), a code span made by title(), a backtick
_REF = r"@[A-Za-z0-9][A-Za-z0-9_-]*(?:/[A-Za-z0-9][A-Za-z0-9_.-]*)?|(?:[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)?)?#\d+|" \
       r"\bGH-\d+"
_TITLE_TOKEN = re.compile(f"`(?:{_REF})`|`|{_REF}", re.I)


def _title_token(m: re.Match[str]) -> str:
    found = m.group()
    if found == "`":
        return "'"
    return found if found.startswith("`") else f"`{found}`"


def code_text(text: object) -> str:
    """Text for inside a code fence: mentions are inert there, but raw searches still see it."""
    return _TAGISH.sub("<" + ZW, clean(text))


def longest_backticks(text: str) -> int:
    if "```" not in text:                 # the common case: any fence of 3 will do
        return 2 if "``" in text else int("`" in text)
    return max(map(len, _BACKTICKS.findall(text)), default=0)


def fence(text: object, info: str = "") -> str:
    """A fenced code block longer than any backtick run inside, so the text cannot close it."""
    s = code_text(text).rstrip("\n")
    ticks = "`" * max(3, longest_backticks(s) + 1)
    return f"{ticks}{info}\n{s}\n{ticks}"


def url(text: object) -> str | None:
    """A link target, or None: only absolute http(s) URLs of at most :data:`URL_CHARS` are ever linked.

    The result has no space, quote, angle bracket or parenthesis (percent-encoded), so it is
    safe both in ``[text](URL)`` and in an HTML attribute.
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s or len(s) > URL_CHARS or _CONTROLS.search(s) or _SPACE.search(s):
        return None
    try:
        parts = urlsplit(s)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    out = quote(redact(s), safe=":/?#[]@!$&*+,;=%~-._")
    return out if len(out) <= URL_CHARS else None


def md_link(text: str, target: object) -> str:
    """``[text](url)`` when the target is an http(s) URL, else the text alone (text already escaped)."""
    u = url(target)
    return f"[{text}]({u})" if u else text
