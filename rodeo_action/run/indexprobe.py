"""Ask a package index for a project's page: the I/O edge behind :mod:`rodeo_action.causes.indexnote`.

Run only when a cell's resolver said it found no version at all, because several tools say exactly that
when the index is down (see indexnote). One GET per index and project, bounded in time and size,
through the proxies and CA bundle of the cell's own environment, so the probe sees what the tools saw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rodeo_action.causes.indexnote import IndexAnswer
from rodeo_action.pep508 import canonical_name

if TYPE_CHECKING:
    import requests

ACCEPT = ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
          "text/html;q=0.1")
TIMEOUT = (5.0, 10.0)            # connect, read: a failed cell waits at most this per index and project
MAX_PAGE = 16 * 1024 * 1024      # tensorflow's JSON page is ~1 MB; more is not needed to count files
MAX_PROJECTS = 3


def probe_indexes(projects: Iterable[str], indexes: Iterable[str], env: Mapping[str, str]) -> list[IndexAnswer]:
    """One answer per (project, index), the first :data:`MAX_PROJECTS` projects; http(s) indexes only."""
    import requests

    answers: list[IndexAnswer] = []
    with requests.Session() as session:
        session.trust_env = False        # the cell's environment, not rodeo's own, says which proxy
        for project in list(dict.fromkeys(canonical_name(p) for p in projects))[:MAX_PROJECTS]:
            for index in dict.fromkeys(indexes):
                if urlsplit(index).scheme in ("http", "https"):
                    answers.append(probe(session, index, project, env))
    return answers


def probe(session: requests.Session, index: str, project: str, env: Mapping[str, str]) -> IndexAnswer:
    """What ``index`` answers for ``project``'s simple page (PEP 691 JSON or PEP 503 HTML)."""
    import requests

    url = index.rstrip("/") + f"/{project}/"
    try:
        with session.get(url, headers={"Accept": ACCEPT}, timeout=TIMEOUT, stream=True,
                         proxies=proxies_for(url, env), verify=ca_bundle(env)) as response:
            status = f"{response.status_code} {response.reason or ''}".strip()
            if response.status_code in (404, 410):
                return IndexAnswer(project, index, "missing", status)
            if response.status_code != 200:
                return IndexAnswer(project, index, "down", status)
            body = response.raw.read(MAX_PAGE, decode_content=True)
            return IndexAnswer(project, index, "listed", _files(body, response.headers.get("content-type", "")))
    except requests.exceptions.RequestException as exc:
        return IndexAnswer(project, index, "down", failure(exc))


def failure(exc: Exception) -> str:
    """A few words for a failed request: what a user can act on, not urllib3's nesting."""
    import requests

    text = str(exc)
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS failed: certificate verify failed" if "CERTIFICATE_VERIFY_FAILED" in text else "TLS failed"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer within {TIMEOUT[0]:g}+{TIMEOUT[1]:g} s"
    resolve = any(w in text for w in ("Name or service not known", "NameResolutionError", "nodename nor servname",
                                      "Temporary failure in name resolution", "getaddrinfo failed"))
    if isinstance(exc, requests.exceptions.ProxyError):
        return "the proxy failed" + (": its name does not resolve" if resolve else "")
    if resolve:
        return "the name does not resolve"
    if "Connection refused" in text or "ECONNREFUSED" in text:
        return "connection refused"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "the connection failed"
    return type(exc).__name__


def _files(body: bytes, content_type: str) -> str:
    if "json" in content_type:
        try:
            files = json.loads(body).get("files")
            return f"{len(files)} files" if isinstance(files, list) else "a page without files"
        except (ValueError, AttributeError):
            return "a page that is not JSON"
    return f"{body.lower().count(b'<a ')} files"


def proxies_for(url: str, env: Mapping[str, str]) -> dict[str, str]:
    """The proxy the cell's tools use for ``url``: ``<scheme>_proxy``/``all_proxy`` unless ``no_proxy``
    names its host (read from ``env``, never from rodeo's own process)."""
    def get(name: str) -> str:
        return env.get(name.lower()) or env.get(name.upper()) or ""

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    for entry in get("no_proxy").split(","):
        entry = entry.strip().lower().lstrip(".")
        if entry == "*" or (entry and (host == entry or host.endswith("." + entry))):
            return {}
    proxy = get(f"{parts.scheme}_proxy") or get("all_proxy")
    return {parts.scheme: proxy} if proxy else {}


def ca_bundle(env: Mapping[str, str]) -> str | bool:
    """The CA bundle the cell's tools were told to trust (pip's, requests', OpenSSL's variable), else the default."""
    for name in ("PIP_CERT", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"):
        value = env.get(name)
        if value and Path(value).is_file():
            return value
    return True
