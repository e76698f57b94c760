"""What a requirement or URL in rodeo.yml may not hold, before PEP 508 or a URL parser is asked.

Every requirement and URL goes on command lines, into generated files and into every cell's
published repro, so rodeo refuses what a shell, a Nix string or a template would act on, and what
would publish a credential. :mod:`rodeo_action.config` places these messages on their line.
"""

from __future__ import annotations

import re

from rodeo_action import yamlsrc

# Characters no PEP 508 requirement needs that a shell (`$(...)`, backticks, `|`), a Nix string
# (`${...}`) or a template (`{{ }}`) would act on. PEP 508 allows them inside marker strings; we do not.
NEVER_IN_REQUIREMENT = "`$\\{}|^"
# A URL in rodeo.yml: RFC 3986's characters, less `'` and `$` (percent-encode those)
URL = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!&()*+,;=%]+\Z")
DIRECT_SCHEMES = ("https", "http", "git+https", "git+http", "file")
INDEX_SCHEMES = ("https", "http", "file")
ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip")


def shown(text: str, limit: int = 80) -> str:
    """A user's string in a message: quoted, escaped, and shortened."""
    quoted = repr(text)
    return quoted if len(quoted) <= limit else quoted[: limit - 4] + "...'"


def requirement_problem(text: str, stripped: str) -> str | None:
    """What makes a string unfit to be handed to a manager, before PEP 508 is asked: an option, a
    second line, a character a shell or a generated file would act on."""
    if stripped.startswith("-"):
        return f"{shown(text)} looks like a command-line option; expected a PEP 508 requirement such as 'numpy>=2'"
    if any(c in text for c in "\n\r\x00"):
        return "contains a line break or NUL; expected one PEP 508 requirement on one line"
    for c in text:
        if c == "\t":
            continue
        if not c.isascii() or not c.isprintable():
            kind = "an invisible or control character" if not c.isprintable() else "not ASCII (a look-alike letter?)"
            return (f"{shown(text)} contains {c!r} (U+{ord(c):04X}), {kind}; expected a PEP 508 requirement "
                    "in plain ASCII such as 'numpy>=2' (percent-encode a URL)")
        if c in NEVER_IN_REQUIREMENT:
            return (f"{shown(text)} contains {c!r}, which no requirement needs and a shell or a generated file "
                    "could act on; expected a PEP 508 requirement such as 'numpy>=2; os_name == \"nt\"'")
    return None


def url_problem(url: str, schemes: tuple[str, ...], direct: bool = False) -> str | None:
    """Why ``url`` cannot go in rodeo.yml (None when it can): it goes on command lines and into
    generated files, and is published in every cell's repro."""
    from urllib.parse import unquote, urlsplit

    listed = [f"{s}://" for s in schemes]
    expected = "expected an " + (", ".join(listed[:-1]) + " or " if len(listed) > 1 else "") + f"{listed[-1]} URL"
    bad = URL.match(url) is None
    if bad:
        odd = next((c for c in url if not URL.match(c)), " ")
        return f"the URL contains {odd!r}; {expected.replace(' URL', ' URL with it percent-encoded')}"
    try:
        parts = urlsplit(url)
        user, password, host = parts.username, parts.password, parts.hostname
    except ValueError as exc:
        return f"{shown(url)} is not a URL ({yamlsrc.one_line(str(exc), 80)}); {expected}"
    scheme = parts.scheme.lower()
    if scheme not in schemes or not url.lower().startswith(scheme + "://"):
        what = f"scheme {scheme}:" if scheme else "no scheme"
        why = " (ssh needs a key the runner does not have)" if "ssh" in scheme else ""
        return f"the URL has {what}{why}; {expected}"
    if user is not None or password is not None:
        return (f"the URL carries credentials ({'user:password' if password is not None else 'user'}@), which "
                "every cell's repro would publish; expected a URL without them (give credentials through the "
                "manager's own configuration)")
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return (f"file://{parts.netloc}/ names another machine (a network share); expected a path on this "
                    "machine, file:///path")
        path = unquote(parts.path)
        if ".." in path.split("/"):
            return "the file: URL climbs with '..'; expected an absolute path, file:///path"
        if direct and not path.endswith("/") and not path.lower().endswith(ARCHIVES):
            return ("a file: URL must name a wheel, an sdist or a project folder; expected a path ending in "
                    f"{', '.join(ARCHIVES)} or, for a folder, '/'")
    elif not host or host.startswith("-"):
        return f"the URL has no usable host; {expected} such as https://host/path"
    return None
