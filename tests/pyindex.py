"""A local package index of tiny hand-built wheels, for real installs that must change between runs.

Isolating the release that broke a cell (issue 14) needs an index whose releases the test controls:
run 1 passes, then ``lib 2.0`` appears and breaks the app. PyPI cannot be made to do that, so
:class:`Index` serves a folder over HTTP on 127.0.0.1 (a port of its own), as PEP 503 HTML and,
when the client's ``Accept`` asks for it, PEP 691 JSON (api-version 1.1, PEP 700's ``versions``
and ``size``). :class:`Wheel` builds a pure-Python wheel with :mod:`zipfile` in a millisecond, so a
scenario of 58 distributions costs nothing. Every request is logged (:attr:`Index.log`), so a test
can assert what a tool fetched; nothing is printed.

How each tool takes ``http://127.0.0.1:PORT/simple/`` (plain http, verified by tests/test_pyindex.py
through ``rodeo run --cell`` with ``index-url:`` in rodeo.yml):

- pip: ``--index-url``; 127.0.0.0/8 and localhost are secure origins, no ``--trusted-host`` needed.
- uv: ``--default-index`` (rodeo's spelling) or ``--index-url``; http on localhost is accepted.
- poetry: a ``[[tool.poetry.source]]`` with ``priority = "primary"`` (rodeo writes it); no TLS check
  applies to http.
- pdm: a ``[[tool.pdm.source]]`` named ``pypi`` (rodeo writes it); unearth treats localhost as secure.
- pipenv: the Pipfile's ``[[source]]`` with ``verify_ssl = false`` (rodeo sets it for non-https URLs).
- hatch: ``PIP_INDEX_URL`` in the environment's ``env-vars`` (rodeo writes it); pip (or uv) then
  treats localhost as above.

The scenarios (:func:`app_lib_extra`, :func:`pair_scenario`, :func:`many_scenario`) publish stage by
stage into one index and say which changes are guilty (:class:`Scenario`).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import re
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

from packaging.version import Version

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPE = "application/vnd.pypi.simple.v1+html"
API_VERSION = "1.1"
_EPOCH = (1980, 1, 1, 0, 0, 0)   # the zip's timestamps: the same wheel built twice has the same hash


def normalize(name: str) -> str:
    """PEP 503's normalised project name (``Foo.Bar_baz`` -> ``foo-bar-baz``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _record_digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# ------------------------------------------------------------------------------ wheels


@dataclass(frozen=True)
class Wheel:
    """A pure-Python wheel (PEP 427), made with zipfile: no build backend, no subprocess."""

    name: str
    version: str
    requires: tuple[str, ...] = ()
    modules: Mapping[str, str] = field(default_factory=dict)
    requires_python: str | None = None

    @property
    def dist(self) -> str:
        """The name as the wheel spec escapes it in file names (``my.pkg-x`` -> ``my_pkg_x``)."""
        return re.sub(r"[-_.]+", "_", self.name).lower()

    @property
    def norm_version(self) -> str:
        return str(Version(self.version)).replace("-", "_")

    @property
    def filename(self) -> str:
        return f"{self.dist}-{self.norm_version}-py3-none-any.whl"

    @property
    def dist_info(self) -> str:
        return f"{self.dist}-{self.norm_version}.dist-info"

    def metadata(self) -> str:
        lines = ["Metadata-Version: 2.1", f"Name: {self.name}", f"Version: {self.version}",
                 f"Summary: {self.name}, a tiny test distribution"]
        if self.requires_python:
            lines.append(f"Requires-Python: {self.requires_python}")
        lines += [f"Requires-Dist: {r}" for r in self.requires]
        return "\n".join(lines) + "\n"

    def build(self) -> bytes:
        """The wheel's bytes: the modules, METADATA, WHEEL and a RECORD of sha256 digests and sizes."""
        files = {path: text.encode() for path, text in self.modules.items()}
        files[f"{self.dist_info}/METADATA"] = self.metadata().encode()
        files[f"{self.dist_info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: rodeo-tests-pyindex\n"
                                            b"Root-Is-Purelib: true\nTag: py3-none-any\n")
        record = io.StringIO()
        writer = csv.writer(record, lineterminator="\n")
        for path, data in files.items():
            writer.writerow([path, _record_digest(data), len(data)])
        writer.writerow([f"{self.dist_info}/RECORD", "", ""])
        files[f"{self.dist_info}/RECORD"] = record.getvalue().encode()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for path, data in files.items():
                info = zipfile.ZipInfo(path, _EPOCH)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
        return out.getvalue()


# ------------------------------------------------------------------------------ the index


@dataclass(frozen=True)
class Release:
    """One file the index lists: its project, version, file name, sha256 (hex) and size."""

    name: str
    version: str
    filename: str
    sha256: str
    size: int
    requires_python: str | None = None
    yanked: str | None = None     # the reason ("" is allowed) when yanked
    metadata_sha256: str | None = None   # PEP 658: FILE.metadata is served, so resolvers need not download


@dataclass(frozen=True)
class Hit:
    """One request the server answered."""

    method: str
    path: str
    status: int


class Index:
    """A PEP 503/691 index of a folder, served on 127.0.0.1 while started (a context manager).

    ``/simple/`` lists the projects, ``/simple/<name>/`` a project's files, ``/files/<file>`` the files.
    A name that is not normalised redirects to its normal form, as PyPI does.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = root / "files"
        self.files.mkdir(parents=True, exist_ok=True)
        self.log: list[Hit] = []
        self.file_delay = 0.0      # seconds each file download pauses halfway (a slow upstream)
        self._projects: dict[str, list[Release]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- what it holds

    def publish(self, name: str, version: str, requires: Iterable[str] = (),
                modules: Mapping[str, str] | None = None, requires_python: str | None = None) -> Release:
        """Build and list a wheel; ``modules`` defaults to one package named for the project."""
        if self.has(name, version):
            raise ValueError(f"{name} {version} is already published (an index never replaces a release)")
        wheel = Wheel(name, version, tuple(requires),
                      modules if modules is not None else {f"{Wheel(name, version).dist}/__init__.py": ""},
                      requires_python)
        data = wheel.build()
        (self.files / wheel.filename).write_bytes(data)
        metadata = wheel.metadata().encode()
        (self.files / f"{wheel.filename}.metadata").write_bytes(metadata)
        release = Release(name, version, wheel.filename, _sha256(data), len(data), requires_python,
                          metadata_sha256=_sha256(metadata))
        with self._lock:
            self._projects.setdefault(normalize(name), []).append(release)
        return release

    def publish_sdist(self, name: str, version: str, requires: Iterable[str] = (), build_error: str | None = None,
                      modules: Mapping[str, str] | None = None) -> Release:
        """An sdist with an in-tree PEP 517 backend (no build requirements to fetch): its metadata is
        prepared fine, and ``build_error`` (when given) is what its wheel build prints before failing,
        as a C extension whose library is absent does - a release that resolves but does not install."""
        wheel = Wheel(name, version, tuple(requires),
                      modules if modules is not None else {f"{Wheel(name, version).dist}/__init__.py": ""})
        data = sdist(wheel, build_error)
        filename = f"{wheel.dist}-{wheel.norm_version}.tar.gz"
        (self.files / filename).write_bytes(data)
        release = Release(name, version, filename, _sha256(data), len(data))
        with self._lock:
            self._projects.setdefault(normalize(name), []).append(release)
        return release

    def has(self, name: str, version: str) -> bool:
        return any(Version(r.version) == Version(version) for r in self.releases(name))

    def releases(self, name: str) -> list[Release]:
        with self._lock:
            return list(self._projects.get(normalize(name), ()))

    def release(self, name: str, version: str) -> Release:
        for r in self.releases(name):
            if Version(r.version) == Version(version):
                return r
        raise KeyError(f"{name} {version}")

    def yank(self, name: str, version: str, reason: str = "") -> None:
        """PEP 592: listed with ``data-yanked``; installers skip it unless pinned exactly."""
        self._update(self.release(name, version).filename, lambda r: replace(r, yanked=reason))

    def replace_file(self, filename: str, data: bytes, relist: bool = True) -> str:
        """Serve ``data`` under an existing file name; returns its sha256.

        ``relist``: the pages advertise the new hash (a private index that let a file be re-uploaded);
        otherwise they keep the old one (a stale mirror). Either way a lock of the old hash no longer matches.
        """
        (self.files / filename).write_bytes(data)
        digest = _sha256(data)
        if relist:
            self._update(filename, lambda r: replace(r, sha256=digest, size=len(data)))
        return digest

    def _update(self, filename: str, change: Callable[[Release], Release]) -> None:
        with self._lock:
            for releases in self._projects.values():
                for i, r in enumerate(releases):
                    if r.filename == filename:
                        releases[i] = change(r)
                        return
        raise KeyError(filename)

    def fetched(self) -> list[str]:
        """The files downloaded (successfully) so far, in order (a wheel's ``.metadata`` not counted)."""
        return [h.path.rsplit("/", 1)[1] for h in list(self.log) if h.method == "GET" and h.status == 200
                and h.path.startswith("/files/") and not h.path.endswith(".metadata")]

    # ---------------------------------------------------------------- serving

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the index is not started")
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """The simple index's URL, for ``--index-url`` / ``index-url:``."""
        return f"{self.base}/simple/"

    def start(self) -> Index:
        if self._server is None:
            self._server = _QuietServer(("127.0.0.1", 0), _handler(self))
            self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="pyindex",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> Index:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---------------------------------------------------------------- pages

    def projects(self) -> list[str]:
        with self._lock:
            return sorted(self._projects)

    def root_page(self, as_json: bool) -> bytes:
        names = self.projects()
        if as_json:
            return _json({"meta": {"api-version": API_VERSION}, "projects": [{"name": n} for n in names]})
        links = "".join(f'<a href="{html.escape(n)}/">{html.escape(n)}</a>\n' for n in names)
        return _html("Simple index", links)

    def project_page(self, name: str, as_json: bool) -> bytes:
        releases = sorted(self.releases(name), key=lambda r: Version(r.version))
        if as_json:
            files = [{"filename": r.filename, "url": f"{self.base}/files/{r.filename}",
                      "hashes": {"sha256": r.sha256}, "requires-python": r.requires_python,
                      "yanked": r.yanked if r.yanked else r.yanked is not None, "size": r.size,
                      "core-metadata": {"sha256": r.metadata_sha256} if r.metadata_sha256 else False}
                     for r in releases]
            versions = sorted({r.version for r in releases}, key=Version)
            return _json({"meta": {"api-version": API_VERSION}, "name": name, "versions": versions, "files": files})
        links = []
        for r in releases:
            attrs = f' href="../../files/{html.escape(r.filename)}#sha256={r.sha256}"'
            if r.requires_python:
                attrs += f' data-requires-python="{html.escape(r.requires_python)}"'
            if r.yanked is not None:
                attrs += f' data-yanked="{html.escape(r.yanked)}"'
            if r.metadata_sha256:
                attrs += f' data-dist-info-metadata="sha256={r.metadata_sha256}"'
                attrs += f' data-core-metadata="sha256={r.metadata_sha256}"'
            links.append(f"<a{attrs}>{html.escape(r.filename)}</a><br/>\n")
        return _html(f"Links for {html.escape(name)}", "".join(links))


_BACKEND = r"""import base64, hashlib, os, sys, zipfile

METADATA = {metadata!r}
MODULES = {modules!r}
DIST_INFO = {dist_info!r}
ERROR = {error!r}


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(directory, config_settings=None):
    os.makedirs(os.path.join(directory, DIST_INFO))
    with open(os.path.join(directory, DIST_INFO, "METADATA"), "w") as fh:
        fh.write(METADATA)
    return DIST_INFO


def build_wheel(directory, config_settings=None, metadata_directory=None):
    if ERROR is not None:
        print(ERROR, file=sys.stderr)
        raise SystemExit(1)
    name = DIST_INFO[:-len(".dist-info")] + "-py3-none-any.whl"
    files = dict(MODULES)
    files[DIST_INFO + "/METADATA"] = METADATA
    files[DIST_INFO + "/WHEEL"] = "Wheel-Version: 1.0\nGenerator: in-tree\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    with zipfile.ZipFile(os.path.join(directory, name), "w") as zf:
        for path, text in files.items():
            data = text.encode()
            zf.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{{path}},sha256={{digest}},{{len(data)}}")
        zf.writestr(DIST_INFO + "/RECORD", "\\n".join(record + [DIST_INFO + "/RECORD,,"]) + "\\n")
    return name
"""


def sdist(wheel: Wheel, build_error: str | None = None) -> bytes:
    """A real sdist (PEP 625 name, PKG-INFO, pyproject.toml) whose build backend lives in it."""
    import io
    import tarfile

    root = f"{wheel.dist}-{wheel.norm_version}"
    files = {"PKG-INFO": wheel.metadata(),
             "pyproject.toml": '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n',
             "backend.py": _BACKEND.format(metadata=wheel.metadata(), modules=dict(wheel.modules),
                                           dist_info=wheel.dist_info, error=build_error)}
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz", format=tarfile.PAX_FORMAT) as tf:
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{root}/{path}")
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tf.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _json(data: object) -> bytes:
    return json.dumps(data, indent=1).encode()


def _html(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html>\n<html><head><meta name="pypi:repository-version" content="{API_VERSION}">'
            f"<title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n{body}</body></html>\n").encode()


def wants_json(accept: str) -> bool:
    """PEP 691 negotiation: the JSON page when the client ranks it above every HTML type it accepts."""
    ranks: dict[str, float] = {}
    for item in accept.split(","):
        kind, *params = (p.strip() for p in item.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        ranks[kind.lower()] = max(q, ranks.get(kind.lower(), 0.0))
    best_html = max(ranks.get(HTML_TYPE, 0.0), ranks.get("text/html", 0.0), ranks.get("*/*", 0.0))
    return ranks.get(JSON_TYPE, 0.0) > best_html


class _QuietServer(ThreadingHTTPServer):
    """Daemon threads, and a client that hangs up mid-answer is not printed to stderr."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def _handler(index: Index) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_HEAD(self) -> None:
            self._answer(body=False)

        def do_GET(self) -> None:
            self._answer(body=True)

        def _answer(self, body: bool) -> None:
            status, headers, data = route(index, unquote(urlsplit(self.path).path), self.headers.get("Accept", ""))
            with index._lock:
                index.log.append(Hit(self.command, self.path, status))
            self.send_response(status)
            for key, value in {**headers, "Content-Length": str(len(data))}.items():
                self.send_header(key, value)
            self.end_headers()
            if body and index.file_delay and self.path.startswith("/files/"):
                half = len(data) // 2      # a slow upstream: a download that others can ask for meanwhile
                self.wfile.write(data[:half])
                self.wfile.flush()
                time.sleep(index.file_delay)
                data = data[half:]
            if body:
                self.wfile.write(data)

    return Handler


_FRESH = {"Cache-Control": "no-cache"}   # pages and files change within a test: a tool's HTTP cache revalidates


def route(index: Index, path: str, accept: str) -> tuple[int, dict[str, str], bytes]:
    """The status, headers and body for ``path`` (pure but for reading the index and its files)."""
    as_json = wants_json(accept)
    kind = {"Content-Type": JSON_TYPE if as_json else "text/html; charset=utf-8", "Vary": "Accept", **_FRESH}
    parts = [p for p in path.split("/") if p]
    if parts == ["simple"]:
        if not path.endswith("/"):
            return 301, {"Location": "/simple/"}, b""
        return 200, kind, index.root_page(as_json)
    if len(parts) == 2 and parts[0] == "simple":
        name = normalize(parts[1])
        if parts[1] != name or not path.endswith("/"):
            return 301, {"Location": f"/simple/{name}/"}, b""
        if name not in index.projects():
            return 404, {"Content-Type": "text/plain"}, b"no such project\n"
        return 200, kind, index.project_page(name, as_json)
    if len(parts) == 2 and parts[0] == "files" and "/" not in parts[1] and not parts[1].startswith("."):
        file = index.files / parts[1]
        if file.is_file():
            return 200, {"Content-Type": "application/octet-stream", **_FRESH}, file.read_bytes()
    return 404, {"Content-Type": "text/plain"}, b"not found\n"


# ------------------------------------------------------------------------------ scenarios


@dataclass(frozen=True)
class Change:
    """A distribution whose version moves between stage 1 and stage 2."""

    package: str
    good: str
    bad: str


@dataclass(frozen=True)
class Scenario:
    """What a stage published, and which changes break ``import app`` (``culprits``) and which do not."""

    app: str
    culprits: tuple[Change, ...]
    harmless: tuple[Change, ...]
    published: tuple[Release, ...]


def _publish_new(index: Index, wanted: Iterable[Wheel]) -> tuple[Release, ...]:
    """Publish each wheel not yet on the index (a scenario's stages are cumulative and repeatable)."""
    return tuple(index.publish(w.name, w.version, w.requires, w.modules) for w in wanted
                 if not index.has(w.name, w.version))


def _module(name: str, text: str) -> dict[str, str]:
    return {f"{name}/__init__.py": text}


def app_lib_extra(index: Index, stage: int) -> Scenario:
    """Stage 1: ``app 1.0`` (needs ``lib>=1``, ``extra>=1``), ``lib 1.0``, ``extra 1.0`` - ``import app`` works.

    Stage 2 adds ``lib 2.0``, which drops ``feature`` (``import app`` fails: cannot import name
    'feature' from 'lib'), and ``extra 1.1``, which changes nothing the app uses.
    """
    wheels = [Wheel("app", "1.0", ("lib>=1", "extra>=1"),
                    _module("app", "from lib import feature\nimport extra\n\nVALUE = feature() + extra.SUFFIX\n")),
              Wheel("lib", "1.0", (), _module("lib", 'def feature() -> str:\n    return "lib 1.0"\n')),
              Wheel("extra", "1.0", (), _module("extra", 'SUFFIX = "+extra 1.0"\n'))]
    if stage >= 2:
        wheels += [Wheel("lib", "2.0", (), _module("lib", 'def renamed_feature() -> str:\n    return "lib 2.0"\n')),
                   Wheel("extra", "1.1", (), _module("extra", 'SUFFIX = "+extra 1.1"\n'))]
    return Scenario("app", (Change("lib", "1.0", "2.0"),), (Change("extra", "1.0", "1.1"),),
                    _publish_new(index, wheels))


def pair_scenario(index: Index, stage: int) -> Scenario:
    """Two changes that fail only together, and one harmless change.

    ``app`` shakes hands: ``alpha.connect(beta.handshake())``. alpha 2.0 speaks only protocol v1,
    beta 2.0 offers only v2; alpha 1.0 speaks both, beta 1.0 offers v1. So alpha 2.0 alone, or
    beta 2.0 alone, still imports; both new fail. ``gamma`` 1.0 -> 1.1 is harmless.
    """
    def alpha(version: str, speaks: tuple[str, ...]) -> Wheel:
        return Wheel("alpha", version, (), _module("alpha", (
            f"SPEAKS = {speaks!r}\n\n"
            "def connect(protocol: str) -> str:\n"
            "    if protocol not in SPEAKS:\n"
            f"        raise ImportError(f'alpha {version} cannot speak protocol {{protocol}}')\n"
            "    return protocol\n")))

    def beta(version: str, offers: str) -> Wheel:
        return Wheel("beta", version, (), _module("beta", f"def handshake() -> str:\n    return {offers!r}\n"))

    wheels = [Wheel("app", "1.0", ("alpha>=1", "beta>=1", "gamma>=1"),
                    _module("app", "import alpha, beta, gamma\n\nPROTOCOL = alpha.connect(beta.handshake())\n")),
              alpha("1.0", ("v1", "v2")), beta("1.0", "v1"), Wheel("gamma", "1.0", (), _module("gamma", "G = 1\n"))]
    if stage >= 2:
        wheels += [alpha("2.0", ("v1",)), beta("2.0", "v2"), Wheel("gamma", "1.1", (), _module("gamma", "G = 2\n"))]
    return Scenario("app", (Change("alpha", "1.0", "2.0"), Change("beta", "1.0", "2.0")),
                    (Change("gamma", "1.0", "1.1"),), _publish_new(index, wheels))


def dep_names(k: int) -> list[str]:
    width = max(2, len(str(k)))
    return [f"dep{i:0{width}d}" for i in range(1, k + 1)]


def many_scenario(index: Index, stage: int, k: int, guilty: int | None = None) -> Scenario:
    """``app`` needs ``dep01`` .. ``depK``; stage 2 upgrades all k to 2.0 and exactly one (``guilty``,
    1-based, default the middle one) drops the ``feature`` the app imports from each."""
    names = dep_names(k)
    bad = names[(guilty if guilty is not None else (k + 1) // 2) - 1]
    app_text = "".join(f"from {n} import feature as f_{n}\n" for n in names)
    wheels = [Wheel("app", "1.0", tuple(f"{n}>=1" for n in names), _module("app", app_text))]
    wheels += [Wheel(n, "1.0", (), _module(n, "def feature() -> int:\n    return 1\n")) for n in names]
    if stage >= 2:
        wheels += [Wheel(n, "2.0", (), _module(n, "def other() -> int:\n    return 2\n" if n == bad else
                                                  "def feature() -> int:\n    return 2\n")) for n in names]
    return Scenario("app", (Change(bad, "1.0", "2.0"),),
                    tuple(Change(n, "1.0", "2.0") for n in names if n != bad), _publish_new(index, wheels))


def unpack(index: Index, pins: Mapping[str, str], dest: Path) -> Path:
    """Install ``pins`` (name -> version) by unzipping their wheels into ``dest`` (a PYTHONPATH folder).

    Pure-Python wheels are their own install layout: this checks a scenario's logic in milliseconds,
    where a real installer takes a second.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name, version in pins.items():
        with zipfile.ZipFile(index.files / index.release(name, version).filename) as zf:
            zf.extractall(dest)
    return dest
