"""Rules for what every manager's log can show: a full disk, the network, a missing system
library, header or tool, a failed source build, a failed import.

Compilers, linkers, pkg-config and the dynamic loader print the same words whoever ran them, so
these rules serve every manager; a manager's module only adds what that manager says itself.
"""

from __future__ import annotations

import re

from rodeo_action.causes import sysnames
from rodeo_action.causes.base import (
    BUILD,
    DISK,
    EXCEPTION_LINE,
    IMPORT,
    NAME,
    NETWORK,
    SYSTEM,
    Evidence,
    Finding,
    Rule,
    first,
    rule,
)
from rodeo_action.causes.culprit import import_owner

_BUILD_PHASES = ("setup", "create", "install")
# a space in a message that a console may have wrapped there (uv's [stderr] block, rich's pdm and hatch, poetry's "| ")
_SP = r"(?:[ \t]+|[ \t]*\n[ \t|]*)"


def _disk(m: re.Match[str], ev: Evidence) -> Finding:
    said = m.group(0)
    if re.search(r"File too large|Errno 27|EFBIG|File size limit exceeded", said):
        start = ev.text.rfind("\n", 0, m.start()) + 1
        end = ev.text.find("\n", m.end())
        line = ev.text[start: end if end >= 0 else len(ev.text)].strip()
        if "File size limit exceeded" in line:    # bash: "bash: line 1: 123 File size limit exceeded (core dumped) cmd"
            line = "File size limit exceeded"
        return Finding(f"a file grew past the file size limit (ulimit -f): {line}")
    if re.search(r"quota|Errno 122|EDQUOT", said, re.I):
        return Finding("the disk quota is exceeded (Disk quota exceeded); free space or raise the quota")
    return Finding("the disk is full (No space left on device); free space or use a bigger runner")


def _killed(m: re.Match[str], ev: Evidence) -> Finding:
    program = first(m, "p")
    if program:      # gcc/g++: the compiler proper (or collect2's linker) died, nearly always of the OOM killer
        pkg = ev.building()
        role = "linker" if re.fullmatch(r"ld(?:\.\w+)?|lld|mold|gold", program) else "compiler"
        return Finding(f"the {role} {program} was killed (SIGKILL: out of memory?)"
                       + (f" while building {pkg}" if pkg else ""), pkg)
    what = (m.group("cmd") or "").strip()
    return Finding(f"a process was killed (SIGKILL: out of memory?) during {ev.phase or 'the step'}"
                   + (f": {what}" if what else ""))


_NET_REASONS = (
    (re.compile(r"Temporary failure in name resolution|Name or service not known|nodename nor servname|"
                r"Could not resolve host|dns error|failed to lookup address|Failed to resolve|getaddrinfo failed|"
                r"No address associated with hostname|Temporary failure resolving|NameResolutionError|"
                r"Couldn't resolve host|Could not resolve '|no such host|server misbehaving|ENOTFOUND|EAI_AGAIN|"
                r"UnknownHostException|Unknown host|unable to resolve host address|curl: \([56]\) ",
                re.I), "cannot resolve"),
    (re.compile(r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|SSLError|invalid peer certificate|"
                r"UnknownIssuer|SSL certificate problem|EOF occurred in violation of protocol|curl: \((?:35|60)\) |"
                r"gnutls_handshake|GnuTLS recv error", re.I),
     "TLS/certificate error talking to"),
    (re.compile(r"Connection refused|ConnectionRefusedError|tcp connect error|Couldn't connect to server",
                re.I), "connection refused by"),
    (re.compile(r"Failed to establish a secure connection", re.I), "TLS/certificate error talking to"),
    (re.compile(r"Failed to connect to proxy", re.I), "the proxy failed for"),
    (re.compile(r"timed out|Timeout|didn't respond within|ETIMEDOUT", re.I), "timed out talking to"),
    (re.compile(r"\b5\d\d\b +(?:Server Error|Service Unavailable|Bad Gateway|Gateway Time)|HTTP status server error|"
                r"HTTP Error 5\d\d|HTTP error 5\d\d|Server error '5\d\d", re.I), "a server error (5xx) from"),
    (re.compile(r"\b4\d\d Client Error|HTTP status client error|HTTP error 4\d\d|Client error '4\d\d|"
                r"HTTP Error 4\d\d|\b40[34] +(?:Not Found|Forbidden)", re.I),
     "a client error (4xx: a file it lists is gone?) from"),
    (re.compile(r"ProxyError|Unable to connect to proxy|Tunnel connection failed", re.I), "the proxy failed for"),
    (re.compile(r"Network is unreachable|No route to host", re.I), "network unreachable for"),
    (re.compile(r"Connection reset|connection closed|RemoteDisconnected|IncompleteRead|Connection aborted|"
                r"ContentTooShortError|curl: \((?:52|55|56)\) |curl 56\b", re.I),
     "connection dropped by"),
)
_HOST = re.compile(r"host='(?P<h>[^']+)'(?:, port=(?P<p>\d+))?|"
                   r"(?:https?|ftp)://(?P<u>[A-Za-z0-9.-]+(?::\d+)?)|"
                   r"(?:resolve host:?|resolving|Failed to resolve|Could not resolve|lookup|ENOTFOUND|EAI_AGAIN|"
                   r"Unknown host:?|UnknownHostException:|unable to resolve host address|Unknown hostname) "
                   r"[‘'\"]?(?P<r>[A-Za-z0-9.-]+\.[A-Za-z]+)")


def _network(m: re.Match[str], ev: Evidence) -> Finding:
    window = ev.text[max(0, m.start() - 600): m.end() + 300]
    reason = next((what for pattern, what in _NET_REASONS if pattern.search(window)), "network error talking to")
    line_start = ev.text.rfind("\n", 0, m.start()) + 1
    stop = ev.text.find("\n", m.end() + 200)
    near = ev.text[max(0, line_start - 400): stop if stop >= 0 else len(ev.text)]
    hosts = [h.group("h") + (f":{h.group('p')}" if h.group("p") else "") if h.group("h")
             else h.group("u") or h.group("r") for h in _HOST.finditer(near)]
    host = next((h for h in reversed(hosts) if h), None)
    if host is None:     # the tool did not say where: the index rodeo configured (context, not a culprit)
        index = re.findall(r"(?:https?)://([A-Za-z0-9.-]+(?::\d+)?)", ev.context)
        host = next((h for h in index if h not in ("pypi.org", "files.pythonhosted.org")), None)
    return Finding(f"network: {reason} {host or 'the index'} ({m.group(0).strip()})")


NETWORK_PATTERN = (
    r"Temporary failure in name resolution|Name or service not known|nodename nor servname provided|"
    r"Could not resolve host|Couldn't resolve host|dns error|failed to lookup address|Failed to resolve '|"
    r"getaddrinfo failed|No address associated with hostname|Temporary failure resolving|NameResolutionError|"
    r"Connection refused|ConnectionRefusedError|tcp connect error|Failed to establish a new connection|"
    r"Couldn't connect to server|Connection reset by peer|Network is unreachable|No route to host|"
    r"ConnectTimeoutError|ReadTimeoutError|Read timed out|Connection timed out|operation timed out|"
    r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|SSLError|invalid peer certificate|"
    r"SSL certificate problem|Max retries exceeded with url|HTTP 000 CONNECTION FAILED|"
    r"HTTP status server error \(5\d\d|HTTP Error 50[234]|50[234] +(?:Service Unavailable|Bad Gateway|Gateway Time)|"
    r"\b5\d\d Server Error: |ProxyError|Unable to connect to proxy|Tunnel connection failed|"
    r"error sending request for url|ConnectTimeout|ReadTimeout|^[WE]: Failed to fetch \S+ +(?:\d{3} |Could not)|"
    r"Could not resolve '[\w.-]+'|Could not connect to [\w.-]+:\d+|"
    # an index that answers, but not with the file it listed (4xx) or at all (5xx): pip, requests, httpx, uv
    r"HTTP error [45]\d\d while getting|because of HTTP error [45]\d\d|\b4\d\d Client Error: |"
    r"HTTP status client error \(4\d\d|(?:Client|Server) error '[45]\d\d [^'\n]*' for url|HTTP Error [45]0[0-9]:|"
    r"due to network timeout|Request failed after \d+ retr|Connection aborted\.|RemoteDisconnected\(|"
    r"Certificate verification failed: The certificate is NOT trusted|SSL: WRONG_VERSION_NUMBER|"
    r"^Err:\d+ [^\n]*\n[ \t]+(?:\d{3} |Could not|Connection|Certificate)|"
    # pip 25.3+'s diagnostics (src/pip/_internal/exceptions/network.py), uv's and httpx's own words
    r"Failed to connect to (?:proxy )?\S+ while fetching|Failed to establish a secure connection (?:to|for) \S+|"
    r"didn't respond within [\d.]+ seconds|because not enough bytes were received|"
    r"Network connection timeout after multiple retry attempts|Server disconnected without sending a response|"
    # what a build runs says so in its own words: Go's net package, node's (npm, yarn), rustup, http.client, ssl
    r"dial tcp[46]?: lookup [\w.-]+(?: on [^\n]*?)?: (?:no such host|server misbehaving|i/o timeout)|"
    r"dial tcp[46]? \S+: (?:connect: connection refused|i/o timeout|connect: network is unreachable)|"
    r"getaddrinfo (?:ENOTFOUND|EAI_AGAIN) [\w.-]+|\b(?:connect )?(?:ECONNREFUSED|ETIMEDOUT|ENETUNREACH) \S*\d|"
    r"npm ERR! code (?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET)\b|"
    r"could not download file from '[^'\n]+'|failed to make network request|[Cc]ouldn't connect to '?https?://|"
    r"SSLEOFError|EOF occurred in violation of protocol|Remote end closed connection without response|"
    # the JVM's (java.net; Bazel's downloader says "Unknown host: github.com", Maven "Unknown host x: ...")
    r"java\.net\.(?:UnknownHostException|ConnectException|NoRouteToHostException)\b|Unknown host:? [\w-]+\.[\w.-]+|"
    # curl's exit codes for a network failure (libcurl's CURLE_*: 5, 6 resolve, 7 connect, 28 timeout, 35 TLS
    # handshake, 52 empty reply, 55/56 send/receive, 60 certificate), also through git ("RPC failed; curl 56");
    # wget's, Subversion's and GnuTLS's words; Python's for a download cut short or a socket that timed out
    r"\bcurl: \((?:5|6|7|28|35|52|55|56|60)\) |RPC failed; curl (?:5|6|7|18|28|35|52|55|56|60|92)\b|"
    r"unable to resolve host address|Unknown hostname '|gnutls_handshake\(\) failed|"
    r"IncompleteRead\(\d+ bytes read|ContentTooShortError|socket\.timeout: timed out|"
    r"\[Errno 99\] Cannot assign requested address|"
    # a build's own words for a download of a URL that failed (its tool's reason may not be printed)
    r"(?i:failed to download|download failed|error downloading|could not download|unable to download) (?!and build)"
    r"[^\n]{0,40}?\bhttps?://[\w.-]+"
)


def _python_guard(m: re.Match[str], ev: Evidence) -> Finding:
    pkg = ev.building()
    return Finding(f"{pkg or 'a package'} cannot be built for Python {m.group('v')} (it supports "
                   f"{m.group('req').rstrip('.')})", pkg)


def _hashes(m: re.Match[str], ev: Evidence) -> Finding:
    pkg = first(m, "p")
    return Finding(f"the downloaded {pkg or 'file'} does not match the hash the requirements or lock pin"
                   " (an altered file, or a lock written against other files)", pkg or None)


# CPython's internal headers that 3.10-3.13 removed or moved (an sdist older than the interpreter), and
# headers a Python package ships (numpy, pybind11): no system package brings them; the build is at fault
_NOT_SYSTEM_HEADERS = re.compile(
    r"(?:longintrepr|eval|symtable|ast|asdl|Python-ast|graminit|parsetok|grammar|node|token|errcode|bitset|"
    r"pgenheaders|code|frameobject|genobject|pystrhex|pyfpe|osdefs|internal/pycore_\w+|cpython/\w+)\.h|"
    r"(?:numpy|pybind11|nanobind|Cython|cython|pythran|cupy|torch|tensorflow)/[\w/.+-]+")


# a file a build compiles only to probe for an optional library: in a fresh temporary folder (distutils'
# has_function, cffi, a setup.py's own test.c), autoconf's conftest, CMake's try_compile scratch folders
_DIAGNOSTIC_FILE = re.compile(r"[\s|'\"(]*(?P<f>[^\s:'\"|()]{1,400}):\d+(?::\d+)*: ")
_PROBE_PATH = re.compile(r"(?:^|/)(?:tmp[\w.-]*/[\w.-]+|conftest)\.(?:c|cc|cpp|cxx|C)$|"
                         r"CMakeFiles/CMake(?:Tmp|Scratch)/")


def _probe_source(line: str) -> bool:
    """Whether a compiler's diagnostic line (``/tmp/tmpab12/test.c:2:10: fatal error: ...``) is about a probe's
    file; its file is read first and alone, so that a 100 KB line costs no more than its length."""
    found = _DIAGNOSTIC_FILE.match(line)
    return bool(found and _PROBE_PATH.search(found.group("f")))


# the object or source a probe's link names (distutils' LinkError lists its command: '/tmp/tmpl5y3273s/test.o')
_PROBE_FILE = re.compile(r"/tmp[\w.-]*/(?:\S*/)?[\w.-]+\.(?:o|obj|c|cc|cpp|cxx)\b|conftest\b|"
                         r"CMakeFiles/CMake(?:Tmp|Scratch)/")


def _probe_then_other_error(m: re.Match[str], ev: Evidence, linker: bool = False) -> bool:
    """Whether a header error (or a link error) is a probe's, the build went on without the optional library,
    and a later compiler error outside any probe is what stopped the build: that one is the cause. A header
    error names its file; a link error does not, so the command around it (a few lines either side) must name
    a probe's file."""
    if linker:
        if not _PROBE_FILE.search(ev.text, max(0, m.start() - 600), m.end() + 1200):
            return False
    elif not _probe_source(ev.text[ev.text.rfind("\n", 0, m.start()) + 1:m.start()]):
        return False
    return any(not _probe_source(e.group("l")) for e in _COMPILER_ERROR.finditer(ev.text, m.end()))


def _header(m: re.Match[str], ev: Evidence) -> Finding | None:
    if _probe_then_other_error(m, ev):
        return None
    pkg = ev.building()
    header = first(m, "h")
    if _NOT_SYSTEM_HEADERS.fullmatch(header):
        what = ("a Python package's header (a build requirement it did not declare?)" if "/" in header
                else "a CPython header this Python no longer has (an sdist older than the interpreter)")
        return Finding(f"building {pkg or 'a package'} from source failed: {header} is missing, "
                       f"{what}", pkg, kind="build-failed")
    where = f" while building {pkg}" if pkg else ""
    return Finding(f"missing header {header}{where}: install the library's development package", pkg)


def _linker(m: re.Match[str], ev: Evidence) -> Finding | None:
    if _probe_then_other_error(m, ev, linker=True):
        return None
    pkg = ev.building()
    where = f" while building {pkg}" if pkg else ""
    lib = first(m, "l")
    if m.group("l3"):
        return Finding(f"the linker cannot find {lib}.lib{where}", pkg)
    if m.group("l6"):
        return Finding(f"the linker cannot find {lib}, which another library needs{where}", pkg)
    if re.search(r"\.(?:a|so|dylib)\b", lib):     # -l:libfoo.so.1 names the file itself
        return Finding(f"the linker cannot find {lib}{where}", pkg)
    return Finding(f"the linker cannot find -l{lib} (lib{lib}){where}", pkg)


# (a bare "Exception" too: mujoco_py raises one; "ImportError: Error loading ..." names no module)
_IMPORTER = re.compile(r"^(?P<mod>(?![\w.]*(?:Error|Exception|Warning)\b)[A-Za-z_][\w.]*): "
                       r"(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*)?(?:Error|Exception)\b", re.M)


def _importer(ev: Evidence, at: int) -> str | None:
    """The module whose import failed, from the probe's ``module: Error: ...`` lines."""
    found = None
    eol = ev.text.find("\n", at)
    for m in _IMPORTER.finditer(ev.text, 0, eol if eol >= 0 else len(ev.text)):
        found = m.group("mod").split(".")[0]
    return found


def _owner(ev: Evidence, at: int) -> tuple[str | None, str | None]:
    """(the module whose import failed, the distribution to blame) for an import error at ``at``: the
    probe's verdict line names the module (and its probe the owner), a traceback's frames the owner."""
    mod = _importer(ev, at)
    owner = ev.distribution(mod) if mod else None
    return mod, owner or import_owner(ev.text, ev.context, at, mod)


def _shared_lib(m: re.Match[str], ev: Evidence) -> Finding:
    """A library a loader named, with the Debian package that brings it when ``sysnames`` knows the name
    ("ecCodes library not found": libeccodes-dev), so the summary says what to install."""
    said = first(m, "l").strip("'\"")
    lib = "" if not said else said if said.startswith("lib") or re.search(r"[. ]", said) else f"lib{said}"
    hit = sysnames.lookup(said) if said and not _PYTHONISH.fullmatch(said) else None
    debian = f" (Debian: {hit[1]})" if hit else ""
    return _absent(f"the system library {lib}{debian}" if lib else "a system library", m, ev)


def _absent(what: str, m: re.Match[str], ev: Evidence, state: str = "is missing") -> Finding:
    """``what`` is missing (or ``state``), blamed on the import that needed it or the build that did."""
    if ev.phase in ("import", "test"):
        mod, owner = _owner(ev, m.start())
        return Finding(f"{what} {state}" + (f": import {user} needs it" if (user := mod or owner) else ""), owner)
    pkg = ev.building()
    return Finding(f"{what} {state}" + (f" while building {pkg}" if pkg else ""), pkg)


_CONFIGURE_MISSING = re.compile(r"(?:not found|is required|are required|could not be found|not installed|not met|"
                                r"(?:Could not|Can ?not|Can't|Unable to) find)\b", re.I)


# autoconf's AC_CHECK_HEADER, AC_CHECK_LIB and PKG_CHECK_MODULES print their test just before the AC_MSG_ERROR a
# configure.ac calls when it fails: "checking for gdbm.h... no", "checking for gdbm_open in -lgdbm... no"
_CHECKED_NO = re.compile(r"^[ \t|]*checking for (?:(?P<f>\w+) in )?(?P<what>-l[\w+.-]+|[\w+./-]+\.h|[A-Z][A-Z0-9_]+)"
                         r"\.\.\. no[ \t]*$", re.M)


def _configure(m: re.Match[str], ev: Evidence) -> Finding | None:
    """configure's "libxml2 not found", "Could not find libpq", "zlib headers are required"; or any words of its
    own right after a test of a header or a library that failed ("checking for gdbm.h... no", then "configure:
    error: cannot build without it"); not its other stops (a bad option, a compiler that cannot create
    executables)."""
    said = m.group("said").strip()
    # pkg-config's "Package requirements (dbus-1 >= 1.8) were not met" is the pkg-config rule's to word
    if said.startswith("Package requirements"):
        return None
    if not _CONFIGURE_MISSING.search(said):
        checked = [c for c in _CHECKED_NO.finditer(ev.text, max(0, m.start() - 400), m.start())]
        if not checked:
            return None
        what = checked[-1].group("what")
        pkg = ev.building()
        name = f"lib{what[2:]}" if what.startswith("-l") else what
        return Finding(f"the system library {name} is missing (configure checked for {what}: no; {said})"
                       + (f" while building {pkg}" if pkg else ""), pkg)
    pkg = ev.building()
    if re.search(r"\bcompiler\b", said, re.I):    # "A compiler with support for C++11 language features is required"
        return Finding(f"the build tool a working compiler is missing (configure: {said})"
                       + (f" while building {pkg}" if pkg else ""), pkg)
    return Finding(f"the system library {_configure_name(said)} is missing (configure: {said})"
                   + (f" while building {pkg}" if pkg else ""), pkg)


_NOT_A_NAME = frozenset(("could", "couldn't", "cannot", "can't", "unable", "not", "the", "a", "an", "to", "find", "is",
                         "are", "was", "found", "required", "library", "libraries", "headers", "header", "package",
                         "packages", "development", "files", "installed", "error", "no", "compiler", "support",
                         "this", "that", "which", "some", "any", "one", "your", "its", "following", "other", "another"))


def _configure_name(said: str) -> str:
    """The library a configure message names: its lib- word ("Unable to find libcurl" -> libcurl), else a word
    Debian ships a library as, else its first word that is no verb, article or generic noun."""
    words = [w.strip("*'\"`.,:;()") for w in said.split()]
    words = [w for w in words if w and re.fullmatch(r"[A-Za-z][\w+.-]*", w)]
    for w in words:
        if re.fullmatch(r"lib[a-z][\w+.-]*", w) and w.lower() not in ("library", "libraries"):
            return w
    for w in words:
        if w.lower() not in _NOT_A_NAME and sysnames.lookup(w):
            return w
    rest = [w for w in words if w.lower() not in _NOT_A_NAME]
    return rest[0] if rest else "a library"


# A loader's own words for a library it could not find or load: ctypes and cffi (python-cffi/cffi
# src/cffi/api.py "did not manage to locate a library called"), and packages' own searches ("libpq library not
# found", 'Library "GL" not found.', "No library named udev", "Cannot find libvlc lib", "Could not locate nacl lib",
# "Couldn't find path to unrar library", "No JVM shared library file (libjvm.so) found", "cannot find Epics CA DLL").
# Read only inside an exception's message (:func:`_in_exception`): the same words in a build's or a warning's output
# are no verdict.
LOADER_PATTERN = (
    r"Unable to find (?P<l>[\w+.-]+) shared library|could not find any library for (?P<l2>[\w+.-]+)|"
    r"(?<![\w+.-])['\"]?(?P<l3>[\w+.-]+)['\"]? (?:C |C\+\+ )?(?:shared |dynamic |native |development )?librar(?:y|ies) "
    r"(?:(?:was |were )?not|wasn't|weren't) found|"
    r"Unable to find (?P<l4>lib[\w+.-]+)|no library called [\"'](?P<l5>[^\"'\n]+)[\"'] was found|"
    r"cannot load library '(?P<l6>[^'\n]+)'|"
    r"(?i:could not|couldn't|unable to|can ?not|can't|failed to) (?i:find|load|locate|open) (?:the |an? )?"
    r"(?:path to (?:the )?)?(?P<l7>[\w+.-]+(?: (?:or )?(?!(?:shared|dynamic|native|C)\b)[\w+.-]+)?) "
    r"(?:shared |C |dynamic |native )?"
    r"(?:librar(?:y|ies)|lib|DLL)\b|"
    r"[Nn]o library named [\"']?(?P<l8>[\w+.-]+)|[Ll]ibrary [\"'](?P<l9>[\w+.-]+)[\"'] (?:was )?not found|"
    r"did not manage to locate a library called [\"'](?P<l10>[^\"'\n]+)[\"']|"
    r"No (?:[\w+.-]+ )?shared library(?: file)? \((?P<l11>[\w+.-]+)\) found|"
    r"(?i:failed to|unable to|could not|can ?not) (?:locate|find) and (?:open|load) [\"'](?P<l12>[^\"'\n]+)[\"']|"
    # a loader that names no library (capstone: "fail to load the dynamic library"), pyusb's search for libusb
    r"(?i:fail(?:ed)? to load) the (?:dynamic|shared) library\b|No backend available\b(?P<usb>)|"
    # a system program a package runs (pytesseract, graphviz, imageio-ffmpeg, pdfkit, python-gnupg, pikepdf, camelot),
    # or a library it says is absent (pyttsx3: "you probably do not have eSpeak or eSpeak-ng installed")
    r"(?<![\w+.-])(?P<t>[\w+.-]+) is not installed or (?:it's |it is )?not in (?:your |the )?PATH|"
    r"make sure the (?P<t2>[\w+.-]+) executables? (?:is|are) (?:on|in) your \w+'? PATH|"
    r"No (?P<t3>[\w+.-]+) (?:exe|executable|binary)(?: file)? (?:could be |can be |was )?found|"
    r"(?i:unable to|cannot|could not|failed to) run (?P<t4>[\w+.-]+)(?: \([^)\n]*\))? - it may not be available|"
    r"(?<![\w+.-])(?P<t5>[\w+.-]+) (?:-|is) not installed or not found|"
    r"(?<![\w+.-])(?P<t6>[\w+.-]+) is not installed\. Please install [`'\"]?"
    r"(?P<t7>[\w.+-]+-(?:utils|tools|bin|progs))\b|"
    r"(?:do not|don't) have (?P<n>[\w+.-]+)(?: or [\w+.-]+)? installed|"
    # mujoco-py: "Exception: You appear to be missing MuJoCo.  We expected to find the file here: ..."
    r"[Yy]ou (?:appear|seem) to be missing (?:the )?(?P<n3>[A-Za-z][\w+-]*(?:\.[\w+-]+)*)|"
    # an SDK's or driver's own check (pymba: "AssertionError: ... Make sure you have Vimba installed, and ...")
    r"[Mm]ake sure (?:that )?(?:you(?:'ve| have) )?(?:the )?(?P<n2>[A-Za-z][\w+.-]*)"
    r"(?: (?:SDK|runtime|librar(?:y|ies)|drivers?|toolkit))? (?:is |are |has been |have been )?installed\b|"
    # samplerate: "OSError: libsamplerate not found"; python-iptables: "can't find directory with extensions; please
    # set XTABLES_LIBDIR" (a search that asks where the library's files are)
    # glcontext (moderngl): "libGL.so not found in /lib, /usr/lib or LD_LIBRARY_PATH", "(detect) libX11.so not loaded"
    r"(?<![\w+.-])(?!librar(?:y|ies)\b)(?P<l13>lib[A-Za-z][\w+.-]*) (?:(?:was|is) )?not (?:found|loaded)\b|"
    # clr_loader (pythonnet): "RuntimeError: Could not find libmono"
    r"(?i:could not|couldn't|unable to|can ?not|can't|failed to) (?:find|locate|load) (?!librar(?:y|ies)\b)"
    r"(?P<l14>lib[a-z][\w+.-]*)\b|"
    r"(?i:can't|can ?not|could not|couldn't|unable to) find [^\n;]{0,80}; (?:please )?set (?:the )?"
    r"(?:environment variable |env(?:ironment)? ?var(?:iable)? )?"
    r"(?P<env>[A-Z][A-Z0-9_]*?(?:LIBDIR|LIB_DIR|LIBRARY_PATH|LIB_PATH|LIBRARY|_LIB|_HOME|INSTALL_DIR|_PREFIX))\b|"
    # the dynamic loader's own words (dlerror) for any name, PyOpenGL's "GL: cannot open shared object file";
    # musl's ("Error loading shared library libstdc++.so.6: No such file or directory")
    r"(?<![\w+./-])(?P<l15>(?![\w+.-]*(?:cpython-|abi3|pypy)|None:)[A-Za-z][\w+.-]*): cannot open shared object file|"
    r"(?<![\w+./-])None: cannot open shared object file(?P<none2>)|"
    r"Error loading shared library (?P<l16>[\w+.-]+): No such file or directory|"
    # a loader's other sentences: "The 'foo' library could not be loaded", "libfoo is not available",
    # "could not open libfoo.so.2", "ctypes.util.find_library('foo') failed", "LibraryNotFoundError: libfoo"
    r"(?<![\w+.-])['\"]?(?P<l17>[\w+.-]+)['\"]? (?:C |C\+\+ |shared |dynamic |native |system )?librar(?:y|ies) "
    r"(?:could not|couldn't|can ?not|can't) be (?:loaded|found|opened)|"
    r"(?<![\w+.-])(?!librar(?:y|ies)\b)(?P<l18>lib[a-z][\w+.-]*)(?: librar(?:y|ies))? (?:is|was) not available\b|"
    # filemagic: "ImportError: Loading libmagic.so.1 failed"; pyscreeze: '"scrot" must be installed to use screenshot
    # functions'; tabula-py: "`java` command is not found from this Python process"; advice to install a Debian package
    # in the exception's own words (mouseinfo: "Run the following: sudo apt-get install python3-tk python3-dev")
    r"[Ll]oading (?P<l30>lib[\w+-]+(?:\.[\w+-]+)*?\.so[\w.]*) failed|"
    r"[\"'`](?P<t8>[\w.+-]+)[\"'`] must be installed\b|[\"'`](?P<t9>[\w.+-]+)[\"'`] command is not found\b|"
    r"(?<![\w-])apt(?:-get)? install (?:-y )?(?P<deb>[a-z0-9][a-z0-9+.-]*[a-z0-9])\b|"
    # Debian's own Python without python3-tk: "No module named _tkinter, please install the python3-tk package"
    r"[Pp]lease install the (?P<deb2>python3-[a-z0-9.-]*[a-z0-9]|lib[a-z0-9.+-]+-dev) package\b|"
    # macOS's dyld (ctypes): "dlopen(libfoo.dylib, 6): image not found", "(no such file)"
    r"dlopen\((?P<l31>[^,()\n]+?), (?:0x)?[\da-fA-F]+\): (?:image not found|[^\n]{0,200}?\(no such file\))|"
    # JPype: "Java version too old. Java 9 or later is required", "libjvm.so is older than required Java version11";
    # pyspark: "[JAVA_GATEWAY_EXITED] Java gateway process exited before sending its port number"
    r"Java version too old\b(?P<jdk>)|is older than required Java version ?\d+(?P<jdk2>)|"
    r"Java gateway process exited before sending its port number(?P<jgw>)|"
    # python-vlc's ctypes wrappers when no libvlc loaded: "NameError: no function 'libvlc_new'"; pyvisa without a VISA
    # library: "Could not locate a VISA implementation. Install either the IVI binary or pyvisa-py."
    r"NameError: no function '(?P<l28>lib[a-z0-9]+)_\w+'|"
    r"(?i:could not|couldn't|unable to|can ?not|can't|failed to) (?:find|locate) a (?P<n12>VISA) implementation\b|"
    # jpype's _jvmfinder.py: "Sorry no JVM could be found", "JVM DLL not found: .../libjvm.so"
    r"[Nn]o (?P<n10>JVM) could be found|(?P<n11>JVM) DLL not found\b|"
    r"(?i:could not|couldn't|unable to|can ?not|can't) find an? (?:local |system |working |valid )?installation of "
    r"(?P<n9>[A-Za-z][\w+.-]*)|"
    r"librar(?:y|ies) ['\"](?P<l26>[\w+.-]+)['\"] (?:could not|couldn't|can ?not|can't) be (?:loaded|found|opened)|"
    # pyscf's lib/misc.py: "Library candidates ('libxc', 'xc') not found"
    r"Library candidates \(['\"](?P<l27>[\w+.-]+)['\"][^)\n]*\) not found|"
    r"(?:need|have|must) to install (?:the )?(?P<n7>[A-Za-z][\w+.-]*) (?:C |C\+\+ |shared |system )?librar(?:y|ies)\b|"
    r"[Nn]o such librar(?:y|ies):? ['\"]?(?P<l25>[\w+.-]+)|"
    r"(?i:could not|couldn't|cannot|can't|unable to|failed to) open (?:the )?(?:shared object |library )?"
    r"['\"]?(?P<l19>lib[\w+.-]+\.so[\w.]*)|"
    r"find_library\(['\"](?P<l20>[\w+.-]+)['\"]\) (?:failed|returned None)|"
    r"Librar(?:y|ies)NotFound(?:Error|Exception)?: ['\"]?(?P<l21>[\w+.-]+)|"
    # "The FOO C library is required but was not found"; "Missing required dependencies: libfoo"
    r"(?<![\w+.-])(?P<l22>[\w+.-]+) (?:C |C\+\+ |shared |dynamic |native |system )?librar(?:y|ies) (?:is |are )?"
    r"required,? but (?:was |were |is |are |could )?not (?:be )?found|"
    r"[Mm]issing (?:required |system )?(?:dependenc(?:y|ies)|librar(?:y|ies)):? ['\"]?(?P<l23>lib[a-z][\w+.-]*)|"
    # "Please set FOO_LIB to the path of libfoo.so"
    r"[Pp]lease set (?:the )?(?:environment variable )?(?P<env2>[A-Z][A-Z0-9_]+) to the (?:path|location|directory|"
    r"folder) (?:of|to|where|containing) [^\n]{0,40}?(?:lib[a-z][\w+.-]*|librar(?:y|ies)|\.so\b|DLL)|"
    # llvmlite's "Could not find/load shared object file: libllvmlite.so"; pdf2image's "Is poppler installed and
    # in PATH?"; camelot's "Ghostscript is not installed. You can install it using the instructions here";
    # rpy2 without R ("r_home is None"); pyjnius without a JDK ("Unable to find JAVA_HOME")
    r"Could not (?:find/load|load|find|open) shared object(?: file)?:? ['\"]?(?P<l24>[\w+.-]+)|"
    # a loader's shorter sentences on a lib- name: "libfoo could not be loaded", "No libfoo found", "Please install
    # libfoo first", "Error importing shared library: libfoo"; a package that says the thing is not on the machine
    r"(?<![\w+.-])(?P<l32>lib[a-z][\w+.-]*) (?:could not|couldn't|can ?not|can't) be (?:loaded|found|opened)\b|"
    r"\b[Nn]o (?P<l33>lib[a-z][\w+.-]*) (?:was )?found\b|[Pp]lease install (?P<l34>lib[a-z][\w+.-]*)\b|"
    r"[Ee]rror (?:importing|loading) (?:shared )?library:? ['\"]?(?P<l35>lib[a-z][\w+.-]*)|"
    r"(?<![\w+.-])(?P<n14>[A-Za-z][\w+.-]*) is not installed on (?:this|your) (?:system|machine|computer)\b|"
    # ctypes' LoadLibrary (Windows) given what find_library returned when it found nothing
    r"LoadLibrary\(\) argument 1 must be str, not None(?P<none>)|"
    r"\b[Ii]s (?P<n4>[A-Za-z][\w+.-]*) installed and (?:in|on) (?:your |the )?\$?PATH\?|"
    r"(?<![\w+.-])(?P<n5>[\w+.-]+) is not installed\. (?:You can|Please|To) install it (?:using|with|from|via|by "
    r"following) (?:the )?(?:instructions|your system|your OS|apt|brew|https?://)|"
    r"\br_home is None(?P<rhome>)|\bR_HOME (?:is )?not (?:set|defined|found)(?P<rhome2>)|"
    r"(?i:unable to|could not|couldn't|can ?not|can't|failed to) (?:find|determine|locate) (?:the )?"
    r"(?P<env3>JAVA_HOME|JDK_HOME)\b|"
    # "foo is not installed. Please install it with your system package manager."
    r"(?<![\w+.-])(?P<n6>[A-Za-z][\w+.-]*) is not installed[^\n]{0,80}?(?:with|using|via|from|through) your "
    r"(?:system|OS|operating system|distribution)(?:'s)? package manager"
)
_FRAME_LINE = re.compile(r"[ \t|]*(?:File \"|Traceback \(most recent call last\))")


def _in_exception(text: str, at: int) -> bool:
    """Whether ``text[at]`` is in an exception's message: on the exception's line, or on one of the few lines
    after it (psycopg lists its attempts under "ImportError: no pq wrapper available."; a message may keep
    blank lines between its sentences), with no frame between."""
    start = text.rfind("\n", 0, at) + 1
    for _ in range(12):
        end = text.find("\n", start)
        line = text[start: end if end >= 0 else len(text)]
        if EXCEPTION_LINE.match(line):
            return True
        if _FRAME_LINE.match(line) or start == 0:
            return False
        start = text.rfind("\n", 0, start - 1) + 1
    return False


def _loader(m: re.Match[str], ev: Evidence) -> Finding | None:
    if not _in_exception(ev.text, m.start()):
        return None
    if m.group("usb") is not None:
        return _absent("libusb (pyusb found no backend)", m, ev)
    if m.group("rhome") is not None or m.group("rhome2") is not None:
        return _absent("R (the R language; Debian: r-base)", m, ev)
    if m.group("jdk") is not None or m.group("jdk2") is not None:
        return _absent("a Java runtime new enough (Debian: default-jdk)", m, ev, "is missing: the one found is too old")
    if m.group("none") is not None or m.group("none2") is not None:
        return _absent("a system library ctypes.util.find_library looked for (it found none)", m, ev)
    if m.group("jgw") is not None:
        return _absent("a Java runtime (pyspark's gateway did not start; Debian: default-jre)", m, ev)
    deb = first(m, "deb")
    if deb:
        return _absent(f"the system package {deb} (Debian)", m, ev)
    tool = first(m, "t")
    if tool and _PYTHONISH.fullmatch(tool):     # pip, cython: a Python tool the environment lacks
        return None
    if tool:
        package = m.group("t7")
        return _absent(f"the system program {tool}" + (f" ({package})" if package else ""), m, ev)
    name = first(m, "n")
    if name:
        python = _PYTHONISH.fullmatch(name) or re.search(rf"No module named '{re.escape(name)}\b", ev.text, re.I)
        hit = sysnames.lookup(name)
        named = f"{name} (Debian: {hit[1]})" if hit else name
        return None if python else _absent(f"the system library {named}", m, ev)
    env = first(m, "env")
    if env:
        return _absent(f"a system library (its files were not found; {env} says where)", m, ev)
    return _shared_lib(m, ev)


def _ctypes_none(m: re.Match[str], ev: Evidence) -> Finding:
    if ev.phase in ("import", "test"):
        mod, pkg = _owner(ev, m.start())
    else:
        pkg = ev.building()
    return Finding(f"a system library {pkg or 'a package'} loads with ctypes is missing (its symbol {m.group('s')} "
                   "was looked up in the interpreter itself)", pkg)


_ERROR_LINE = re.compile(r"(?i:\berror\b|exception\b|fatal\b|\*\*\*)|"
                         r"^[ \t|]*(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception)\b")


def _too_old(m: re.Match[str], ev: Evidence) -> Finding | None:
    """A system library the build found in a version it cannot use: named by its lib- name or as a library
    Debian ships (sysnames), never a Python package a build requires in a newer version."""
    lib = first(m, "lib")
    if _PYTHONISH.fullmatch(lib) or not (lib.startswith("lib") or sysnames.lookup(lib)):
        return None
    if ev.phase in ("import", "test") and not _in_exception(ev.text, m.start()):
        return None
    want, have = first(m, "want"), first(m, "have")
    if have and not have.strip("0."):     # "0.0.0": the build found no version at all
        return _absent(f"the system library {lib}", m, ev, f"is missing ({want} or newer is needed)")
    found = f"{have} is there" if have else "an older one is there"
    return _absent(f"the system library {lib}", m, ev, f"is too old ({want} or newer is needed; {found})"
                   if want else f"is too old ({found})")


def _too_old_symbol(m: re.Match[str], ev: Evidence) -> Finding:
    """A system library that loaded but lacks a function the package calls: older than the package needs."""
    lib = first(m, "lib")
    lib = lib if lib.startswith("lib") else f"lib{lib.lower()}"
    return _absent(f"the system library {lib}", m, ev, f"is too old (it lacks {first(m, 'sym').rstrip('.')})")


def _installation(m: re.Match[str], ev: Evidence) -> Finding | None:
    """What a build or a loader looks for outside Python and stops without: an installation by the variable
    that says where it is (MKLROOT, ORACLE_HOME, FOO_DIR) or by its folder (/usr/local/cuda), a Windows DLL,
    the NVIDIA driver, a GObject typelib, a program it runs. On an error's or an exception's line only (a
    warning that a variable is unset may be followed by a fallback that works)."""
    end = ev.text.find("\n", m.end())
    line = ev.text[ev.text.rfind("\n", 0, m.start()) + 1:end if end >= 0 else len(ev.text)]
    # "You must set the environment variable X": a demand, never a warning
    asked = m.group("env3") or m.group("env4") or m.group("env5")
    if "warn" in line.lower() or not (asked or _ERROR_LINE.search(line) or _in_exception(ev.text, m.start())):
        return None
    if asked:
        return _absent(f"the installation {asked} names ({asked} is not set, or not to the installation)", m, ev)
    env = first(m, "env")
    if env:
        return _absent(f"the installation {env} names ({env} is not set)", m, ev)
    if m.group("dll"):
        return _absent(f"a DLL that {m.group('dll')} loads (Windows: a system library or the MSVC runtime)", m, ev)
    if m.group("dll2") is not None:
        return _absent("a DLL (Windows: a system library or the MSVC runtime)", m, ev)
    if m.group("driver"):
        return _absent("the NVIDIA driver (libcuda) the GPU build needs", m, ev, "is missing or too old")
    gi = first(m, "gi")
    if gi:
        version = f" {m.group('giv')}" if m.group("giv") else ""
        return _absent(f"the introspection data (typelib) of {gi}{version} (Debian: a gir1.2-* package)", m, ev)
    if m.group("tcl"):
        which = "Tcl" if m.group("tcl") == "init" else "Tk"
        return _absent(f"{which}'s script library (Debian: {which.lower()}8.6)", m, ev)
    if m.group("prog4") and "in _execute_child" not in ev.text[max(0, m.start() - 400):m.start()]:
        return None     # a data file a package did not find, not a program it ran
    prog = first(m, "prog")
    if prog:
        if _PYTHONISH.fullmatch(prog):
            return None
        return _absent(f"the system program {prog}", m, ev)
    path = m.group("path")
    parts = [x for x in path.split("/") if x]
    if re.fullmatch(r"lib[\w+.-]+\.(?:so[\d.]*|a|dylib)|[\w+.-]+\.h(?:pp)?", parts[-1]):
        return _absent(f"the system library file {parts[-1]} ({path} does not exist)", m, ev)
    if len(parts) >= 2 and parts[-2] in ("bin", "sbin"):
        return _absent(f"the system program {parts[-1]} ({path} does not exist)", m, ev)
    named = parts[2] if parts[:2] in (["usr", "local"], ["usr", "include"], ["usr", "share"]) and len(parts) > 2 \
        else parts[1]
    return _absent(f"the system installation {named} ({path} does not exist)", m, ev)


# the standard library's C modules and the system library each links (what Debian builds Python with)
_STDLIB_C = {"_tkinter": "Tk (tk-dev)", "tkinter": "Tk (tk-dev)", "_lzma": "liblzma (liblzma-dev)",
             "_ctypes": "libffi (libffi-dev)", "_sqlite3": "SQLite (libsqlite3-dev)", "_bz2": "libbz2 (libbz2-dev)",
             "_ssl": "OpenSSL (libssl-dev)", "_hashlib": "OpenSSL (libssl-dev)", "readline": "GNU readline "
             "(libreadline-dev)", "_curses": "ncurses (libncurses-dev)", "_dbm": "gdbm (libgdbm-dev)",
             "_gdbm": "gdbm (libgdbm-dev)", "_uuid": "libuuid (uuid-dev)", "zlib": "zlib (zlib1g-dev)",
             "pyexpat": "expat (libexpat1-dev)"}
_RUNTIMES = {"GLIBCXX": "libstdc++", "CXXABI": "libstdc++", "GLIBC": "glibc"}
# programs packages run (a media tool, a converter, a browser driver): a FileNotFoundError that names one bare
_PROGRAMS = ("ffmpeg", "ffprobe", "avconv", "pandoc", "tesseract", "dot", "neato", "gs", "gswin64c", "convert",
             "magick", "pdftoppm", "pdftotext", "pdfinfo", "java", "node", "npm", "git", "espeak", "espeak-ng", "lame",
             "sox", "exiftool", "wkhtmltopdf", "wkhtmltoimage", "libreoffice", "soffice", "inkscape", "latex",
             "pdflatex", "xelatex", "lualatex", "dvipng", "gpg", "gpg2", "unrar", "7z", "chromedriver", "geckodriver",
             "chromium", "firefox", "R", "Rscript", "octave", "julia", "qpdf", "mpirun", "mpiexec", "nvidia-smi",
             "xvfb-run", "Xvfb", "xclip", "xsel", "notify-send", "mediainfo", "mplayer", "mpv", "vlc", "aplay",
             "ffplay", "play", "fpcalc", "scrot", "gnome-screenshot", "nmap", "tshark", "dumpcap", "unpaper", "jbig2",
             "pngquant")


def _python_built_without(m: re.Match[str], ev: Evidence) -> Finding:
    """A standard-library C module this Python was built without, or a C/C++ runtime older than a wheel's."""
    if m.group("sym"):
        return _absent(f"the system library {_RUNTIMES[m.group('sym')]}", m, ev,
                       f"is too old ({m.group('sym')}_{m.group('ver')} not found: a compiled module built on a newer "
                       "system)")
    module = m.group("mod") or "_ssl"
    return _absent(f"the system library {_STDLIB_C[module]}", m, ev,
                   f"is missing from this Python's build (no {module} module)")


def _python_headers(m: re.Match[str], ev: Evidence) -> Finding:
    return _absent("the Python headers and library (Debian: python3-dev)", m, ev, "are missing")


def _qt_plugin(m: re.Match[str], ev: Evidence) -> Finding:
    """Qt found its platform plugin but not the system libraries it loads (xcb's: libxcb-cursor0,
    libxkbcommon-x11-0, libegl1, ...); Qt then aborts the interpreter, so no exception says so."""
    plugin = m.group("qt")
    needs = " (Debian: libxcb-cursor0, libxkbcommon-x11-0, libegl1 and the other libxcb-* libraries)" \
        if plugin == "xcb" else ""
    return _absent(f'the system libraries Qt\'s "{plugin}" platform plugin loads{needs}', m, ev, "are missing")


def _waf(m: re.Match[str], ev: Evidence) -> Finding:
    """waf's configure check that failed last before it stopped: a program, a header or a library."""
    what, name = (m.group("what") or "").strip(), m.group("w")
    if what == "program":
        return _absent(f"the system program {name}", m, ev)
    if what == "header" or name.endswith(".h"):
        return _absent(f"the header {name} (its library's development package)", m, ev)
    return _absent(f"the system library {name}", m, ev)


def _dotnet(m: re.Match[str], ev: Evidence) -> Finding:
    """pythonnet (``import clr``) found no .NET runtime: Mono on Linux and macOS (Debian: mono-runtime), or a
    .NET Core one it was told to use."""
    runtime = m.group("rt")
    debian = " (Debian: mono-runtime)" if runtime == "mono" else ""
    return _absent(f'the .NET runtime "{runtime}"{debian}', m, ev)


def _cmake_python_package(name: str) -> bool:
    """A Python package CMake was asked to find (pybind11, nanobind, Torch): a build requirement the build did not
    declare or cannot see, not a system library; CMake's Python/Python3 are the interpreter's headers (python3-dev)."""
    return bool(_PYTHONISH.fullmatch(name)) and not re.fullmatch(r"(?i:python3?)", name)


def _pkgconfig(m: re.Match[str], ev: Evidence) -> Finding | None:
    pkg = ev.building()
    name = first(m, "p")
    if name and _cmake_python_package(name):
        return None
    if not name:
        return Finding("a system library is missing (not found by pkg-config/build)"
                       + (f" while building {pkg}" if pkg else ""), pkg)
    return Finding(f"the system library {name} is missing (not found by pkg-config/build)"
                   + (f" while building {pkg}" if pkg else ""), pkg)


_TOOL_NAMES = {"Cargo": "cargo (the Rust toolchain)", "Rust compiler": "rustc (the Rust toolchain)",
               "CMake": "cmake", "cmake": "cmake", "C": "a C compiler", "CXX": "a C++ compiler",
               "C++": "a C++ compiler", "Fortran": "a Fortran compiler (gfortran)", "CUDA_HOME": "the CUDA toolkit",
               "R": "R (the R language)", "Rust": "rustc (the Rust toolchain)", "SWIG": "swig",
               "Pkg-config": "pkg-config", "qmake": "qmake (Qt's build tool)", "CUDA": "the CUDA toolkit",
               "as": "the assembler as (binutils)", "Objective-C": "an Objective-C compiler",
               "JDK": "a Java JDK (javac)", "Java Development Kit": "a Java JDK (javac)", "JVM": "a Java JDK (javac)",
               "JAVA_HOME": "a Java JDK (javac)", "MPI": "an MPI compiler wrapper (mpicc; Debian: mpi-default-dev)",
               "vcvarsall": "Microsoft Visual C++ (its Build Tools)", "openmp": "OpenMP for clang (libomp)",
               "PkgConfig": "pkg-config",
               "Unix Makefiles": "make", "Ninja": "ninja", "ASM_NASM": "nasm", "ASM": "an assembler",
               "nvcc": "nvcc (the CUDA toolkit)"}


def _tool(m: re.Match[str], ev: Evidence) -> Finding | None:
    tool = first(m, "t").strip("'\"") or ("Xcode's Command Line Tools (xcode-select --install)"
                                             if m.group("t45") is not None else "")
    if _PYTHONISH.fullmatch(tool):    # "sh: 1: cython: not found": a Python build requirement, not a system tool
        return None
    pkg = ev.building()
    if m.group("t76"):     # a Perl module: ExtUtils/MakeMaker -> ExtUtils::MakeMaker
        return Finding(f"the Perl module {tool.replace('/', '::')} (Debian: perl) is missing"
                       + (f" while building {pkg}" if pkg else ""), pkg)
    tool = _TOOL_NAMES.get(_COMPILER_NAMES.get(tool, tool), tool.rsplit("/", 1)[-1])
    return Finding(f"the build tool {tool} is missing" + (f" while building {pkg}" if pkg else ""), pkg)


# What a build may say it lacks that no system package brings: a Python build requirement, a file of the sdist
_PYTHONISH = re.compile(
    r"(?i:numpy|scipy|cython|setuptools(?:[-_]scm)?|wheel|pip|pybind11|nanobind|scikit[-_]build(?:[-_]core)?|cffi|"
    r"pythran|torch|tensorflow|jax|mypy|versioneer|packaging|python3?|pkg_resources|distutils|module|file|version|"
    r"directory|path|command|attribute|key|target|source|project|package|dependency|requirement|config|distribution|"
    r"sdist|archive|interpreter|environment|venv|lock|lockfile|index|url|host|field|entry|metadata)|"
    r".+\.(?:py|pyx|pxd|c|cc|cpp|md|rst|txt|cfg|toml|json|in|ini|ya?ml|lock)")


# where an error's line starts: an exception's, a SystemExit's (a setup.py's sys.exit("...")), a tool's error or fatal
_ERROR_PREFIX = (r"^[ \t|]*(?:(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*)?(?:Error|Exception): |SystemExit: (?:error: |ERROR: )?|"
                 r"error: |ERROR: |Error: |[Ff]atal: |FATAL: |\*\*\* )")


def _needs(m: re.Match[str], ev: Evidence) -> Finding | None:
    """A build's own sentence on what it lacks: "Exception: Magick++ not found", "error: xmlsec1 is not installed",
    "You need to install libcap development headers"; not a Python package or a file it says so of, and only in a
    log that shows a build (a manager's own "error: X not found" is no library)."""
    name = re.sub(r" (?:library|headers|development files)$", "", first(m, "n"))
    pkg = ev.building()
    if _PYTHONISH.fullmatch(name) or name.lower() in _NOT_A_NAME or pkg is None:
        return None
    said = " ".join(m.group(0).replace("|", " ").split()).lstrip("* ")
    state = "too old" if m.group("n5") else "missing"
    return Finding(f"the system library {name} is {state} ({said}) while building {pkg}", pkg)


_CMAKE_MISSING = re.compile(r"not found|wasn't found|could not be found|[Cc]ould not find|not installed|"
                            r"[Ff]ailed to find")
_CMAKE_NAME = re.compile(r"(?P<n>lib[\w+.-]+|[\w+.-]+) (?:(?:was|is) )?not (?:found|installed)|"
                         r"(?P<n2>lib[\w+.-]+|[\w+.-]+) wasn't found|"
                         # a FindX module's own "Could not find OpenBLAS", "failed to find NVRTC"
                         r"(?i:could not|couldn't|unable to|can ?not|failed to) find (?:the )?(?P<n3>[A-Za-z][\w+-]*)"
                         r"(?:[.!]|\s*$)")


def _cmake_message(m: re.Match[str], ev: Evidence) -> Finding | None:
    """A CMakeLists' own ``message(FATAL_ERROR ...)`` that says what it did not find ("libzmq not found in
    ZMQ_PREFIX=...", "The system library: libsecp256k1 was not found"); its other stops are no library's."""
    said = " ".join(line.strip(" \t|") for line in m.group("cm").splitlines() if line.strip(" \t|"))
    if not _CMAKE_MISSING.search(said):
        return None
    named = [n.group("n") or n.group("n2") or n.group("n3") for n in _CMAKE_NAME.finditer(said)]
    name = next((n for n in named if n.startswith("lib")), named[0] if named else "")
    config = re.search(r"provided by \"(?P<n>[\w+.-]+)\"", said)     # find_package(X CONFIG)'s own message
    name = name or (config.group("n") if config else "")
    if name and _cmake_python_package(name):
        return None
    pkg = ev.building()
    return Finding(f"the system library {name or 'a library'} is missing (CMake: {said})"
                   + (f" while building {pkg}" if pkg else ""), pkg)


# What every manager prints when a build from source failed
BUILD_FAILED = re.compile(
    r"error: subprocess-exited-with-error|Failed building wheel|Failed to build|Build backend failed|"
    r"ChefBuildError|PEP517 build of a dependency failed|Backend subprocess exited|metadata-generation-failed|"
    r"\[BuildError\]|builder for '[^']*' failed|error: command '[^']*' failed with exit code|"
    r"Installing \S+ \([^)]*\): Failed|returned non-zero\s+exit status|✖ Install \S+ \S+ failed|"
    r"Build failures usually indicate a problem with the package|"
    # poetry's note under a backend's failure; pip's "× Building wheel for x (pyproject.toml) did not run successfully."
    r"This error originates from the build backend|"
    r"(?:Building wheel|Preparing metadata|Getting requirements to build)[^\n]{0,80} did not run successfully|"
    # uv (uv-distribution-types dist_error.rs): a remote sdist is "Failed to download and build" unless the backend
    # itself failed ("Failed to build"); its backend's failure is "The build backend returned an error"
    r"Failed to download and build|The build backend returned an error|"
    # ...and the hint uv prints last under every build failure: all a log cut to its tail may keep of uv's words
    r"hint: This usually indicates a problem with the package or the build environment")
# A line that says something is absent; whether that something is a library is for sysnames to say
_ABSENT = re.compile(
    r"(?i:not found|could not (?:be )?found|couldn't find|can ?not find|can't find|"
    r"(?:unable to|failed to|could not|couldn't|can ?not|can't) (?:find|locate|load|detect|open)|not installed|"
    r"(?:does|do) not exist|not present|(?:is|are) absent|\bmissing:|"
    r"(?:is|are) (?:required|missing)|please install|to be installed|not (?:available|detected)|unavailable|"
    r"could not detect|(?:requires?|needs?|missing) (?:the )?\S+ (?:librar|header|development|dev\b|package)|"
    r"(?:No|no) \S+ (?:installation |library |libraries )?(?:found|detected)|"
    # "Error locating graphviz", "Found no libxml2 installation", "libxml2 must be installed first",
    # "Missing library: geos", "no such library: libsndfile"
    r"(?i:error locating|found no|must be installed|missing (?:librar(?:y|ies)|dependenc(?:y|ies)|headers?):|"
    r"no such librar))")
# ...and lines that say so of something else: a Python module or requirement, a resolver's verdict, a source file
_NOT_OF_A_LIBRARY = re.compile(
    r"No module named|ModuleNotFoundError|satisfies the requirement|matching distribution|No solution found|"
    r"depends on|version solving|[Ww]arning|libraries \S+ not found in|NOT AVAILABLE|\bpip\b|setuptools|\bwheel\b|"
    r"Cython|^\s*\S+:\d+(?::\d+)?:(?!\d)(?! ERROR:)|\.pyx?\b")
_WORD = re.compile(r"(?<![/\w.+-])[A-Za-z][\w+.-]*[\w+]")
_LINE = re.compile(r"[^\n]*")


def _named(m: re.Match[str], ev: Evidence) -> Finding | None:
    """A line that says something is absent and names a library Debian ships (sysnames), in whatever words the
    package chose: in a log whose build failed, or in an import's exception; never a Python name."""
    building = ev.phase not in ("import", "test")
    # a compiler's own error is why such a build failed: numpy.distutils' notes on optional libraries it did not
    # find ("Atlas (...) libraries not found.") come before the C error that stopped it; a probe's error is none
    # (a setup.py that compiled a test.c to look for the library, then stopped because it was not there)
    if building and (not BUILD_FAILED.search(ev.text)
                     or any(not _probe_source(e.group("l")) for e in _COMPILER_ERROR.finditer(ev.text))):
        return None
    seen = -1
    for absent in _ABSENT.finditer(ev.text, m.start()):
        start = ev.text.rfind("\n", 0, absent.start()) + 1
        if start == seen:           # one line, read once
            continue
        seen = start
        end = ev.text.find("\n", absent.end())
        line = _LINE.match(ev.text, start, end if end >= 0 else len(ev.text))
        said = line.group(0) if line else ""
        if not line or _NOT_OF_A_LIBRARY.search(said) or (not building and not _in_exception(ev.text, start)):
            continue
        for word in _WORD.findall(said):
            hit = None if _PYTHONISH.fullmatch(word) else sysnames.lookup(word)
            if hit:
                return _absent(f"the system library {hit[0]} (Debian: {hit[1]})", line, ev)
    return None


def _preprocessor_error(m: re.Match[str], ev: Evidence) -> Finding | None:
    """A C file's own ``#error`` that names a library Debian ships: the package checked the library's version
    (pygit2's "You need a compatible libgit2 version (1.9.x)", cryptography's "MUST be linked with OpenSSL
    3.0.0 or later"), never a bug of its own code."""
    said = m.group("said").strip().strip('"').strip()
    words = _WORD.findall(said)    # a lib- name first: "PostgreSQL client library (libpq)" is libpq
    for word in sorted(words, key=lambda w: not w.startswith("lib")):
        hit = None if _PYTHONISH.fullmatch(word) else sysnames.lookup(word)
        if hit:
            return _absent(f"the system library {hit[0]} (Debian: {hit[1]})", m, ev,
                           f"is missing or not a version this build accepts (#error {said})")
    return None


_COMPILER_NAMES = {"cc1plus": "C++", "cc1": "C", "f951": "Fortran", "cc1obj": "Objective-C"}


def _old_tool(m: re.Match[str], ev: Evidence) -> Finding:
    tool, want = first(m, "t"), first(m, "want")
    pkg = ev.building()
    return Finding(f"the build tool {tool.lower()} is too old ({first(m, 'have')}"
                   + (f"; {want} or newer is needed)" if want else ")")
                   + (f" while building {pkg}" if pkg else ""), pkg)


_COMPILER_ERROR = re.compile(r"^\s*\|?\s*(?P<l>\S+?:\d+(?::\d+)?: (?:fatal )?error: .+)$", re.M)
_PY_ERROR = re.compile(r"^\s*\|?\s*(?P<l>(?:[a-z_.]+\.)?(?:[A-Z]\w*)?(?:Error|Exception): .+)$", re.M)
_GENERIC_BUILD_LINE = re.compile(r"subprocess-exited-with-error|metadata-generation-failed|"
                                 r"Backend subprocess exited|Failed to build|command '.*' failed")


def build_detail(ev: Evidence) -> str | None:
    """The line a person would look for in a failed build: the first compiler error outside a probe (a
    configure-style test the build went on after), else the first at all, else the exception."""
    m = None
    for error in _COMPILER_ERROR.finditer(ev.text):
        m = m or error
        if not _probe_source(error.group("l")):
            m = error
            break
    if m:
        return re.sub(r"^\S*/", "", m.group("l").strip())
    found = [x.group("l").strip() for x in _PY_ERROR.finditer(ev.text)
             if not _GENERIC_BUILD_LINE.search(x.group("l"))]
    return found[-1] if found else None


def _build(m: re.Match[str], ev: Evidence) -> Finding:
    pkg = ev.building()
    detail = build_detail(ev)
    head = f"building {pkg} from source failed" if pkg else "a build from source failed"
    return Finding(head + (f": {detail}" if detail else ""), pkg)


_IMPORT_LINE = re.compile(r"^(?:(?P<mod>[A-Za-z_][\w.]*): )?(?P<exc>(?:[A-Za-z_]\w*\.)*\w*(?:Error|Exception)|"
                          # a module's own lower-case class (pygame.error, socket.error, struct.error)
                          r"(?:[A-Za-z_]\w*\.)+error(?=:)|"
                          r"crashed the interpreter)"
                          r"(?P<msg>.*)$", re.M)


def _import(m: re.Match[str], ev: Evidence) -> Finding:
    mod = m.group("mod")
    top = mod.split(".")[0] if mod else None
    text = f"{m.group('exc')}{m.group('msg')}".strip()
    owner = (ev.distribution(top) if top else None) or import_owner(ev.text, ev.context, m.start(), top)
    return Finding(f"import {mod}: {text}" if mod else text, owner)


def _crash(m: re.Match[str], ev: Evidence) -> Finding:
    owner = import_owner(ev.text, ev.context, m.start())
    return Finding(f"the import crashed the interpreter ({m.group('c').strip()})"
                   + (f": import {owner}" if owner else ""), owner)


RULES: tuple[Rule, ...] = (
    rule("disk-full", DISK, r"No space left on device|\[Errno 28\]|Disk quota exceeded|\[Errno 122\]|ENOSPC|EDQUOT|"
         r"File too large|\[Errno 27\]|EFBIG|File size limit exceeded", _disk),
    # a shell's report of a child killed by SIGKILL, or gcc's of its compiler proper
    rule("killed", DISK, r"Killed signal terminated program (?P<p>[\w.+-]+)|"
         r"^(?:\S+: )?(?:line \d+: )? *\d+ Killed\b[ \t]*(?P<cmd>.*)$|^Killed$|"   # bash pads the pid
         # collect2 of its linker; uv of a build backend (Rust's ExitStatus); Python's subprocess; pip's own
         r"collect2: fatal error: (?P<p2>[\w.+-]+) terminated with signal 9 \[Killed\]|"
         r"failed \(signal: 9 \(SIGKILL\)\)|died with <Signals\.SIGKILL: 9>|^[ \t|\u2502]*exit code: -9$", _killed),
    rule("network", NETWORK, NETWORK_PATTERN, _network),
    # pip's (pipenv's) and uv's words for a file whose hash is not the pinned one, and poetry's
    rule("hash-mismatch", NETWORK,
         r"THESE PACKAGES DO NOT MATCH THE HASHES[^\n]*\n(?:[^\n]*\n)??\s+(?P<p>" + NAME + r")==|"
         r"THESE PACKAGES DO NOT MATCH THE HASHES|Hash mismatch for `(?P<p2>" + NAME + r"?)(?:==[^`]*)?`|"
         r"Downloaded distributions for (?P<p3>" + NAME + r") \([^)]*\) did not match any known checksums|"
         # poetry's installer (installation/executor.py) and uv's --require-hashes check
         r"Hash for (?P<p4>" + NAME + r") \([^)]*\) from archive \S+ not found in known hashes|"
         r"No usable hash type\(s\) for (?P<p5>" + NAME + r") \([^)]*\) from archive|"
         r"all requirements must have a hash, but none were provided for: (?P<p6>" + NAME + r"?)(?:[=<>!~@ ,]|$)",
         _hashes),
    rule("missing-system-library", SYSTEM,
         r"fatal\s+error:\s+['\"]?(?P<h>[\w./+-]+\.h(?:pp|h|xx)?)['\"]?"
         r"(?::\s+No\s+such\s+file\s+or\s+directory| file not found)|"        # uv wraps long lines
         r"you need to install a library that provides `(?P<h2>[\w./+-]+\.h(?:pp|h|xx)?)`|"     # uv's hint
         # meson's compiler.has_header/check_header (mesonbuild/interpreter/compiler.py), a setup.py's own search
         r"(?:C|C\+\+|Objective-C) header '(?P<h3>[\w./+-]+)' not (?:found|usable)|"
         r"(?i:unable to|cannot|can't|could not|couldn't) find (?P<h4>[\w./+-]+\.h(?:pp|h|xx)?)\b|"
         r"(?<![\w./+-])['\"]?(?P<h5>[\w./+-]+\.h(?:pp|h|xx)?)['\"]? (?:was |is )?not found|"
         r"No (?P<h6>[\w./+-]+\.h(?:pp|h|xx)?) header(?: file)? (?:detected|found)|"
         # MSVC (a Windows runner): "fatal error C1083: Cannot open include file: 'proj.h': No such file or directory"
         r"fatal error C1083: Cannot open include file: '(?P<h7>[\w./\\+-]+\.h(?:pp|h|xx)?)'|"
         # a C++ library's extensionless header in its own folder (<Eigen/Dense>, <QtCore/QObject>); a bare
         # <algorithm> is the C++ standard library's, which a C compiler does not have (a build failure)
         r"fatal\s+error:\s+['\"]?(?P<h8>[A-Za-z][\w+.-]*/[A-Za-z][\w/+-]*)['\"]?:\s+No\s+such\s+file\s+or\s+directory",
         _header),
    rule("missing-system-library", SYSTEM,
         # GNU ld and gold, ld64 (macOS), lld, mold
         r"(?:cannot find -l|library not found for -l|unable to find library -l):?(?P<l>[\w+.-]+)|"
         r"library not found: (?P<l2>[\w+.-]+)|"
         # a library named by its file ("gcc: error: /usr/lib/libgsl.a: No such file", "ld: cannot find /usr/lib/x.so")
         r"(?:(?:gcc|g\+\+|cc|c\+\+|clang(?:\+\+)?|gfortran): (?:fatal )?error: |cannot find )"
         r"(?:/usr|/opt|/lib|/lib64)/(?:\S*/)?lib(?P<l4>[\w+-]+?(?:\.\d+)*)\.(?:a|so(?:\.[\d.]*\d)?|dylib)(?::|\s|$)|"
         # MSVC's link.exe: "LINK : fatal error LNK1181: cannot open input file 'gdal_i.lib'"
         r"LNK1181: cannot open input file '(?P<l3>[\w+.-]+?)(?:_i)?\.lib'|"
         # GNU ld on a library another one needs ("warning: libfoo.so.1, needed by /usr/lib/libbar.so, not found (try
         # using -rpath or -rpath-link)"); rustc on a native library a crate links
         r"ld: warning: (?P<l6>lib[\w+-]+(?:\.[\w+-]+)*?\.so[\w.]*), needed by \S+, not found\b|"
         r"could not find native static library `(?P<l7>[\w+.-]+)`", _linker),
    rule("missing-system-library", SYSTEM,
         r"(?<![\w+.-])(?P<l>lib[\w+.-]+?\.(?:so(?:\.[\d.]*\d)?|dylib)): cannot open shared object file|"
         r"(?<![\w+.-])(?P<l5>(?![\w+.-]*(?:cpython-|abi3|pypy))[A-Za-z][\w+.-]*?\.so(?:\.[\d.]*\d)?): "
         r"cannot open shared object file|"
         r"Library not loaded: \S*?(?P<l2>lib[\w+.-]+\.dylib)|"
         r"Could not find lib(?:rary)? (?P<l3>[\w+.-]+) or load any of its variants|"
         r"OSError: (?:cannot load library '|Unable to load library )?'?(?P<l4>lib[\w+.-]+\.so[\d.]*)",
         _shared_lib),
    # autoconf's configure stops on what it did not find (the line is bounded: read by _configure, not a regex)
    rule("missing-system-library", SYSTEM, r"^[ \t|]*configure: error: (?P<said>[^\n]{1,300})", _configure,
         phases=_BUILD_PHASES),
    # ctypes.CDLL(find_library(x)) with no library found loads the interpreter itself: its symbols are missing
    rule("missing-system-library", SYSTEM,
         r"AttributeError: \S*/python[\d.]*: undefined symbol: (?P<s>\w+)", _ctypes_none),
    # ctypes looking a function up in a system library that is there but older than the package needs (pysodium on
    # Debian's libsodium 1.0.18, libarchive-c): "AttributeError: /lib/x86_64-linux-gnu/libsodium.so.23: undefined
    # symbol: crypto_..."; libnacl's "Underlying Sodium library does not support sealed boxes"
    rule("missing-system-library", SYSTEM,
         r"AttributeError: (?:/usr)?/lib(?:64)?/(?:[\w-]+/)?(?P<lib>lib[\w+-]+)\.so[\w.]*: undefined symbol: "
         r"(?P<sym>\w+)|[Uu]nderlying (?P<lib2>\w+) library does not support (?P<sym2>[^\n]{1,80})", _too_old_symbol,
         phases=("import", "test")),
    rule("missing-system-library", SYSTEM,
         r"Package '?(?P<p>[\w+.-]+)'?,? (?:was )?not found in the pkg-config search path|"
         r"No package '(?P<p2>[\w+.-]+)' found|"
         r"Dependency \"?(?P<p3>[\w+.-]+)\"? not found|Run-time dependency (?P<p4>[\w+.-]+) found: NO|"
         r"Could NOT find (?!PkgConfig\b)(?P<p5>[\w+.-]+)|"
         r"Command '\['pkg-config',[^\]]*?'(?P<p6>[\w+.-]+)'\]' returned non-zero|"
         r"PackageNotFoundError: (?P<p7>[\w+.-]+) not found|Unable to load dependency (?P<p8>[\w+.-]+)|"
         r"asked CMake to find a package configuration file provided by\s+\"(?P<p9>[\w+.-]+)\"|"
         r"The headers or library files could not be found for (?P<p10>[\w+.-]+)|"
         r"Can not find valid pkg-config name|"
         r"(?:[Dd]id not|[Cc]ould not|[Cc]ouldn't|[Cc]annot|[Cc]an't|[Uu]nable to) find (?:the )?(?P<p11>[\w+.-]+) "
         r"(?:headers|header files|development files|installation|librar(?:y|ies)|DLL)\b|"
         r"Package requirements \((?P<p13>[\w+.-]+)[^)\n]*\) were not met|"
         # meson (mesonbuild/interpreter/compiler.py, dependencyfallbacks.py), pkgconf, a setup.py asking pkg-config
         r"(?:C|C\+\+) (?:shared or static |shared |static )?library '(?P<p14>[\w+.-]+)' not found|"
         r"Dependency ['\"](?P<p15>[\w+.-]+)['\"] is required but not found|"
         r"Package '(?P<p16>[\w+.-]+)', required by '[^'\n]*', not found|"
         r"pkg-config package ['\"]?(?P<p17>[\w+.-]+)['\"]? (?:was )?not found|"
         # the pkg-config crate ("The system library `x` required by crate `y` was not found"), a CMakeLists' words
         r"[Ss]ystem library:? ['\"`]?(?P<p18>[\w+.-]+)['\"`]?(?: required by (?:crate )?['\"`][^'\"`\n]*['\"`])? "
         r"(?:was |is )?not found|"
         # CMake: find_package(X CONFIG) (Source/cmFindPackageCommand.cxx), pkg_check_modules (FindPkgConfig.cmake)
         r"Could not find a package configuration file (?:named \"[^\"\n]+\"[\s|]+)?provided by(?: package)?[\s|]+"
         r"\"(?P<p19>[\w+.-]+)\"|The following required packages were not found:[\s|]*- *(?P<p20>[\w+.-]+)|"
         # aubio's wscript: 'Running "pkg-config --libs --cflags sndfile" failed'
         r"Running [\"'](?:\S*/)?pkg-config(?: --?[\w-]+)+ (?P<p49>[\w+.-]+)[\"'] failed|"
         # xmlsec's setup.py when pkg-config knows no xmlsec1
         r"Bad or incomplete result returned from pkg-config(?P<p44>)|"
         # the openssl-sys crate's build script (cryptography's Rust, many others)
         r"no supported version of (?P<p46>OpenSSL) found|"
         r"(?P<p47>OpenSSL) libdir at [^\n]*? does not contain the required files|"
         r"This crate is only compatible with (?P<p48>OpenSSL) \(version|"
         # the same message's end, all a log cut short keeps (pdm's last ten lines)
         r"Add[\s|]+the[\s|]+installation[\s|]+prefix[\s|]+of[\s|]+\"(?P<p42>[\w+.-]+)\"[\s|]+to[\s|]+CMAKE_PREFIX_PATH|"
         r"If[\s|]+\"(?P<p43>[\w+.-]+)\"[\s|]+provides[\s|]+a[\s|]+separate[\s|]+development[\s|]+package|"
         r"None of the required '(?P<p21>[\w+.-]+)|A required package was not found|"
         # openssl-sys's build script
         r"(?:[Cc]ould not|[Cc]annot|[Uu]nable to) find directory of (?P<p22>[\w+.-]+) installation|"
         # a setup.py's own pkg-config wrapper (cyipopt: "pkg-config was not able to find any of the requested ...")
         r"pkg-config (?:was not able to|could not|cannot|can't|failed to|did not) find (?:any of )?(?:the requested "
         r"packages )?\[?['\"]?(?P<p23>[\w+.-]+)|"
         # a setup.py's own words for a pkg-config query that failed (python-gphoto2), a search through pkg-config
         # (pywayland's scanner), a search of library files (pypcap)
         r"command" + _SP + r"[\"'`]?pkg-config(?:" + _SP + r"--?[\w-]+(?:=\S*)?)+" + _SP + r"(?P<p24>[\w+.-]+)[\"'`]?"
         + _SP + r"failed|"
         r"(?i:unable to|could not|couldn't|cannot|can't|failed to)" + _SP + r"find" + _SP + r"(?P<p25>[\w+.-]+)"
         + _SP + r"(?:using|via|with|through)" + _SP + r"pkg-?config|"
         r"None of the following" + _SP + r"(?:were )?found:" + _SP
         + r"\[?['\"](?P<p26>lib[\w+-]+?)(?:\.(?:a|so|dylib))?['\"]|"
         # pkgconf's short form ("Package 'gammu' was not found"), a quoted module with its version constraint
         # ("pkg-config package 'libusb-1.0 >= 1.0.9' not found"), a search for an installation by its long name
         # ("Can't find a local Oracle Berkeley DB installation."), a library a build names as not found
         # ("libsndfile library was not found in standard locations")
         r"Package '(?P<p27>[\w+.-]+)' was not found|"
         r"pkg-config package ['\"](?P<p28>[\w+.-]+)[ \t]*(?:[<>=!]=?[ \t]*[\w.]+)?['\"] (?:was )?not found|"
         # "Could not find a valid install of OpenBLAS" (meson's and setup.py's own words)
         r"(?:[Cc]an't|[Cc]annot|[Cc]ould not|[Cc]ouldn't|[Uu]nable to|[Ff]ailed to) (?:find|locate) "
         r"(?:an? |the |any )?(?:local |system |working |suitable |usable |valid |compatible |supported )?"
         r"(?:installation|install|copy) "
         r"of (?P<p32>[A-Za-z][\w+.-]*)|"
         r"(?:[Cc]an't|[Cc]annot|[Cc]ould not|[Cc]ouldn't|[Uu]nable to|[Dd]id not) find (?:an? |the |any )?"
         r"(?:local |system |working |suitable |usable |valid |compatible |supported )?"
         r"(?P<p29>[A-Za-z](?:[\w+.-]*[\w+])?(?: [A-Za-z](?:[\w+.-]*[\w+])?){0,3}?) (?:installation|install)\b|"
         # a setup.py's pkg-config query as a string (check_output("pkg-config --cflags fribidi", shell=True))
         r"Command '(?:\S*/)?pkg-config(?: --?[\w-]+(?:=\S*)?)+ (?P<p33>[\w+.-]+)[^'\n]*' returned non-zero|"
         r"No (?:[\w+.-]+ )?shared library(?: file)? \((?P<p39>[\w+.-]+)\) found|"
         # a setup.py that loads the library it wraps (yices: "YicesAPIException: Yices dynamic library not found.")
         r"(?<![\w+.-])(?P<p41>[A-Za-z][\w+.-]*) (?:shared|dynamic|native) librar(?:y|ies) (?:(?:was|were|is|could) )?"
         r"not (?:be )?found|"
         # CMake's config mode finding only other versions ("LLVMConfig.cmake, version: 14.0.6" for 15)
         r"Could not find a configuration file for package\s+\"(?P<p40>[\w+.-]+)\"\s+that\s+is\s+compatible|"
         # numpy.distutils' system_info without BLAS/LAPACK; a CMakeLists' "No suitable version of Boost found"
         r"(?i:no (?P<p37>lapack/blas|blas/lapack|blas|lapack|atlas) resources found)|"
         r"No suitable (?:version of )?(?P<p38>[A-Za-z][\w+.-]*) (?:was )?found|"
         # CMake's call stack of a FindX module that failed (FindPackageHandleStandardArgs.cmake's
         # _FPHSA_FAILURE_MESSAGE, then FindOpenCL.cmake's call): all a log cut short (pdm's last ten lines) keeps
         # of "Could NOT find OpenCL"
         r"\(_FPHSA_FAILURE_MESSAGE\)[\s|]*\S*/Find(?P<p36>[\w+-]+)\.cmake:\d+ \(find_package_handle_standard_args\)|"
         # pkg-config's own hint, the line a truncated log may keep of "Package x was not found"
         r"the directory containing [`'](?P<p34>[\w+.-]+)\.pc'|"
         # CMake: a find_library/find_path result used while NOTFOUND ("FFTW_LIBRARY linked by target ...")
         r"are set to NOTFOUND\.[^\n]*\n(?:[^\n]*\n){0,2}?[ \t|]*(?P<p35>[A-Za-z][A-Za-z0-9]*?)_(?:LIBRARY|LIBRARIES|"
         r"LIB|INCLUDE_DIR|INCLUDE_DIRS|INCLUDE_PATH)(?:_[A-Z]+)?\b|"
         r"(?<![\w+.-])(?!librar(?:y|ies)\b)(?P<p30>lib[a-z][\w+.-]*)(?: (?:shared |static )?librar(?:y|ies))? "
         r"(?:was |were |is |could )?not"
         + _SP + r"(?:be )?found\b|"
         r"(?i:unable to|could not|couldn't|cannot|can't|can not|failed to)" + _SP + r"find" + _SP
         + r"(?:(?:supported|a|the|any|required|compatible|suitable)" + _SP + r")?(?P<p31>[\w+.-]+)" + _SP
         + r"(?:version|library|installation)" + _SP + r"(?:using|via|with|through)" + _SP + r"pkg-?config",
         _pkgconfig, phases=_BUILD_PHASES),
    rule("missing-system-library", SYSTEM,
         r"(?:^|\s|/)(?P<t>[\w.+-]+-config|pkg-config|pg_config|mysql_config|gcc|g\+\+|cc|c\+\+|clang|cmake|"
         r"make|gfortran|cargo|rustc|swig|meson|ninja|nvcc|patchelf|autoconf|libtool|go|java|javac|nasm|yasm|bison|"
         r"flex|protoc|automake|autoreconf|aclocal|m4|perl|qmake):? (?:command )?not found|"
         r"error: command '(?P<t2>[^']+)' failed: No such file or directory|"
         r"unable to execute '?(?P<t3>[^':]+)'?: No such file or directory|"
         r"(?P<t4>Cargo), the Rust package manager, is not installed|can't find (?P<t5>Rust compiler)|"
         r"Could not find (?:the )?(?P<t6>[\w-]+-config)|Error: (?P<t7>pg_config) executable not found|"
         r"Did not find (?P<t8>CMake)|No such file or directory: '(?P<t9>[\w.+-]+-config|pkg-config|gcc|cmake)'|"
         # a tool asked for by where it should be ('/usr/local/cuda/bin/nvcc'); a JDK; "SWIG is required"
         r"No such file or directory: '/[^'\n]*/(?P<t47>nvcc|gcc|g\+\+|cc|c\+\+|clang|cmake|swig|pkg-config|javac|"
         r"gfortran|[\w.+-]+-config)'|"
         r"(?:[Cc]ould not|[Cc]annot|[Cc]an't|[Uu]nable to) find (?:a |the )?(?P<t48>javac|JDK|Java Development Kit)\b|"
         r"(?<![\w.+-])(?P<t49>SWIG|swig) (?:is )?required\b|"
         # jep's setup (commands/java.py): a JAVA_HOME without a JDK
         r"(?:check|make sure) you(?:'ve| have) installed the (?P<t50>JDK) properly|"
         r"set the environment variable JAVA_HOME to a path containing the (?P<t51>JDK)\b|"
         r"indicated by (?P<t52>JAVA_HOME) does not exist|"
         # pyicu's setup.py: a -config tool or pkg-config that gave nothing
         r"Could not configure (?:CFLAGS|LFLAGS|LDFLAGS|CPPFLAGS|LIBS) with (?P<t53>[\w.+-]+-config|pkg-config)\b|"
         r"(?<![\w.+-])(?P<t10>[\w.+-]+-config|pkg-config)(?: executable| command)? (?:was not found|could not be "
         r"found|not found)|Did not find (?P<t11>pkg-config) by name|"
         r"[Nn]o such file or directory: '(?P<t12>(?![A-Z]{3,}\b)[A-Za-z][\w+-]*)'|"      # a bare command, not VERSION
         r"The '(?P<t13>[\w.+-]+)' command appears not to be installed|"
         r"(?P<t14>Microsoft Visual C\+\+) [\d.]+ (?:or greater )?is required|Unable to find (?P<t71>vcvarsall)\.bat|"
         # meson and meson-python without ninja; Apple's clang without OpenMP (libomp)
         r"Could not detect (?P<t72>Ninja) v[\d.]+ or newer|Could not find (?P<t73>ninja) version [\d.]+ or newer|"
         r"clang: error: unsupported option '-f(?P<t74>openmp)'|"
         # a program a shell could not find, as bash words it when its own name is not printed
         r"^[ \t|]*(?P<t75>[A-Za-z][\w.+-]*): command not found$|"
         # a Perl module a configure or Makefile.PL needs (OpenSSL's Configure, autotools' scripts)
         r"Can't locate (?P<t76>[\w/]+)\.pm in @INC|"
         # CMake's find_program(... REQUIRED) (jpype's "Could not find ANT_EXECUTABLE using the following names: ant")
         r"Could not find [A-Z0-9_]+ using the following names: (?P<t56>[\w.+-]+)|"
         # pycurl's setup.py ("Problem running `curl-config' --cflags"), jpype's CMakeLists ("NO cached JAR and NO JDK
         # found!")
         r"Problem running [`'\"](?P<t55>[\w.+-]+-config)\b|"
         r"NO (?P<t58>JDK) found|"
         # uwsgi's jvm plugin; mysql-connector-python's cpydist running mysql_config
         r"unable to autodetect the (?P<t65>JVM) path|"
         r"Error executing command: (?:\S*/)?(?P<t66>[\w.+-]+-config|mysql_config|pg_config)\b|"
         # scikit-build-core without CMake; CMake without the build program its generator runs, or without nvcc
         r"CMakeNotFoundError: Could not find (?P<t59>CMake)\b|"
         r"CMake was unable to find a build program corresponding to \"(?P<t60>Unix Makefiles|Ninja)\"|"
         r"Failed to find (?P<t61>nvcc)\b|"
         # Rust's cc crate ("Failed to find tool. Is `gcc` installed?"), the cmake crate ("is `cmake` not installed?")
         r"Failed to find tool\. Is `(?P<t63>[\w.+-]+)` installed\?|[Ii]s `(?P<t64>[\w.+-]+)` not installed\?|"
         r"[Nn]o (?P<t70>MPI) compiler (?:wrapper )?(?:was )?found\b|"
         # scikit-build (classic): "Building Linux wheels for Python 3.11 requires a compiler (e.g gcc)."; CMake's
         # FindPkgConfig without the program; "Could not find CMake executable"
         r"requires a compiler \(e\.g\.? (?P<t77>gcc)\)|"
         r"Could NOT find (?P<t78>PkgConfig) \(missing: PKG_CONFIG_EXECUTABLE\)|"
         r"[Cc]ould not find (?P<t79>CMake|cmake|[Nn]inja) executable\b|"
         # networkit's setup.py: "ERROR: NetworKit compilation requires cmake." (or "Make or Ninja."); couchbase's:
         # "cmake executable not found. Set CMAKE_EXE environment or update your path"
         r"(?:[Cc]ompilation|[Bb]uild(?:ing)?) requires (?P<t68>cmake|CMake|[Mm]ake|[Nn]inja|swig|SWIG|pkg-config)\b|"
         r"(?<![\w.+-])(?P<t69>cmake|CMake|ninja|make|swig|pkg-config|gcc|g\+\+) executable (?:was )?not found\b|"
         # dlib's setup.py: "CMake must be installed to build the following extensions: _dlib_pybind11"
         r"(?<![\w.+-])(?P<t67>CMake|cmake) must be installed to build\b|"
         # a shell script's own "not found" (dash: "./autogen.sh: 5: libtoolize: not found")
         r"(?:^|[\s|])\S*\.sh: (?:\d+: |line \d+: )(?P<t62>[\w.+-]+): (?:command )?not found|"
         r"ERROR: Unknown compiler\(s\): \[\['(?P<t15>[\w+-]+)'|No CMAKE_(?P<t16>\w+?)_COMPILER could be found|"
         r"configure: error: no acceptable (?P<t17>C|C\+\+|Fortran) compiler|"
         r"configure: error: (?P<t32>C|C\+\+|Fortran(?: 77)?) compiler cannot create executables|"
         r"don't know how to compile (?P<t18>Fortran) code|error: linker `(?P<t19>[\w+-]+)` not found|"
         r"(?P<t20>CUDA_HOME) environment variable is not set|"
         # gcc without its C++ front end, CMake's language without a compiler (its other wording)
         r"(?:error trying to exec|cannot execute) '(?P<t21>cc1plus|cc1|f951|as|ld|cc1obj)':? execvp: No such file|"
         # numpy.distutils' Fortran library without a compiler; distutils' CompileError for a compiler that is not there
         r"has Fortran sources but no (?P<t43>Fortran) compiler found|"
         r"Error: command '(?P<t42>[^'\n]+)' failed: No such file or directory|"
         # the CUDA toolkit by name; macOS without its Command Line Tools
         r"(?:[Cc]ould not|[Cc]annot|[Cc]an't|[Uu]nable to) find (?:the |a )?(?P<t44>CUDA)"
         r"(?: [Tt]oolkit| installation)?\b|"
         r"xcrun: error: invalid active developer path[^\n]*(?P<t45>)|"
         # distutils' build_ext looks for swig (find_swig); a setup.py's own find_swig that asserts it is there
         r", in find_(?P<t46>swig|cmake|pkg_config)\n(?:[ \t|]+(?![ \t|]|File \")[^\n]*\n){0,3}?[ \t|]*"
         r"(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception)\b|"
         r"CMake Error: CMAKE_(?P<t22>\w+?)_COMPILER not set|"
         # meson's find_program; CMake's FindPkgConfig; pkgconfig (matze/pkgconfig) and setup.py scripts on their tools
         r"Program '(?P<t23>[\w.+-]+)' not found or not executable|(?P<t24>pkg-config) tool not found|"
         r"(?<![\w.+-])(?P<t25>pkg-config|[\w.+-]+-config|CMake|cmake|swig|SWIG) (?:is )?(?:probably )?not installed|"
         r"(?i:unable to|cannot|could not|failed to) (?:invoke|execute|run) [`'\"]?(?P<t26>pkg-config|cmake|swig|"
         r"[\w.+-]+-config)\b|"
         r"(?:[Pp]lease install|[Yy]ou (?:will )?(?:need|have|must) to install|^[ \t|]*Install) (?:the |a |an )?"
         r"(?P<t27>pkg-config|pkgconf|CMake|cmake|swig|SWIG|[\w.+-]+-config|Rust|cargo|rustc|ninja|meson|gcc|"
         r"a C(?:\+\+)? compiler)\b|[Yy]ou need (?P<t28>a C(?:\+\+)? compiler)|"
         r"['\"](?P<t29>[\w.+-]+)['\"] (?:utility|command|executable|program|tool|binary) (?:is )?"
         r"(?:missing|not found)|"
         # PyQt-builder (pyqtbuild/builder.py) finds no qmake: under a PEP 517 hook its exception carries no text
         # (sipbuild's UserException), so the traceback's source line is all a log shows; sip-build says it whole
         r"raise PyProjectOptionException\('(?P<t30>qmake)',|'tool\.sip\.project\.(?P<t31>qmake)': specify a working|"
         # gcc's collect2 without the linker it was told to use (-fuse-ld=gold, lld, mold)
         r"collect2: fatal error: cannot find '(?P<t33>ld(?:\.\w+)?)'|"
         # a command run through a shell that has no such program: POSIX shells exit 127 ("command not found")
         r"Command '(?:\[')?(?!(?:/usr)?(?:/bin/)?(?:ba|da|z)?sh\b|env\b)(?P<t34>[\w.+/-]+)[^\n]*? returned non-zero "
         r"exit status 127\b|"
         # a shell's, make's and Go's os/exec's own words for a program that is not there
         r"(?:^|[\s|])(?:/usr)?(?:/bin/)?(?:ba|da|z)?sh: (?:\d+: |line \d+: )?(?P<t35>[\w.+-]+): "
         r"(?:command )?not found|"
         r"\bmake(?:\[\d+\])?: (?P<t36>[\w.+-]+): (?:No such file or directory|[Cc]ommand not found)|"
         r"exec: \"(?P<t37>[\w.+-]+)\": executable file not found in \$PATH|"
         # a setup.py's own words ("Could not find `cmake` in PATH"), meson without pkg-config
         r"(?:[Cc]ould not|[Cc]annot|[Cc]an't|[Uu]nable to|[Ff]ailed to) find [`'\"]?(?P<t38>[\w.+-]+)[`'\"]? "
         r"(?:in|on) (?:your |the )?\$?PATH\b|"
         r"(?P<t39>Pkg-config) (?:binary )?for machine [\w ]+? not found|"
         # maturin (src/project_layout.rs): "Cargo metadata failed. Do you have cargo in your PATH?"
         r"Do you have (?P<t40>cargo) in your PATH\?|"
         r"(?i:cannot|can't|could not|couldn't|unable to|failed to) find (?:the |an? )?(?:MPI )?compiler wrapper "
         r"\(?(?P<t41>mpicc|mpicxx|mpic\+\+|mpif90|mpifort)\)?",
         _tool, phases=_BUILD_PHASES),
    # a build's own sentence on what it lacks, on an exception's or an error's line, or as advice to install it
    rule("missing-system-library", SYSTEM,
         _ERROR_PREFIX
         + r"(?:[Tt]he )?(?P<n>[\w+.-]+)(?: \(or [\w+.-]+\))?"
         r"(?: headers?| librar(?:y|ies)| development (?:package|headers|files))? "
         r"(?:(?:is|was|were|are) )?(?:probably )?(?:not found|not installed|unavailable|could not be found)\b|"
         r"(?:[Pp]lease install|[Yy]ou (?:will )?(?:need|have|must) to install) (?:the )?(?P<n2>[\w+.-]+) "
         r"(?:development (?:package|packages|headers|files)|devel(?:opment)? headers|headers|-dev(?:el)? package)|"
         # fugashi's "Could not configure working env. Have you installed MeCab?", on the exception's line
         r"^[ \t|]*(?:[A-Za-z_]\w*\.)*(?:[A-Z]\w*)?(?:Error|Exception): [^\n]*?[Hh]ave" + _SP + r"you" + _SP
         + r"installed" + _SP + r"(?P<n3>[\w+.-]+)\?|"
         # numpy.distutils' system_info raises its NotFoundError with the docstring: "Lapack (url) libraries not found."
         r"system_info\.\w*NotFoundError:[ \t]*\n?[ \t|]*(?P<n4>[A-Za-z][\w+.-]*) \([^)\n]*\)" + _SP
         + r"(?:libraries|sources)" + _SP + r"not" + _SP + r"found|"
         r"system_info\.\w*NotFoundError:[ \t]*\n?[ \t|]*(?P<n7>[A-Za-z][\w+.-]*) \((?:libraries|library) [^)\n]*\)"
         + _SP + r"not" + _SP + r"found\b|"
         # a library older than the package needs (python-gphoto2: "libgphoto2 version 2.5.10 or later is required")
         r"(?<![\w+.-])(?P<n5>lib[\w+.-]+) version [\d.]+ or (?:later|newer|higher|greater) is required|"
         # advice naming a Debian or Fedora development package: "Please install libsndfile-dev",
         # "sudo apt-get install libgeos-dev", "yum install proj-devel"
         r"(?:[Pp]lease install|[Yy]ou (?:will |may |might )?(?:need|have|must) to" + _SP + r"install|"
         r"apt(?:-get)? install(?: -y)?|(?:yum|dnf) install(?: -y)?)" + _SP + r"(?:the" + _SP + r")?(?:package"
         + _SP + r")?['\"`]?(?P<n8>[a-z0-9][\w+.-]*-(?:dev|devel))\b|"
         # tpm2-pytss: "RuntimeError: Require tss2-esapi to be installed and at least version 2.4.0"
         r"(?:[Rr]equires?|[Nn]eeds?) (?:the )?(?P<n6>[\w+.-]+) (?:library |libraries |headers )?to be installed\b|"
         # python-evdev's setup.py: "The 'linux/input.h' and 'linux/input-event-codes.h' include files are missing."
         r"(?<![\w/.+-])['\"]?(?P<n19>[\w/.+-]+\.h)['\"]? (?:and ['\"]?[\w/.+-]+\.h['\"]? )?include" + _SP + r"files"
         + _SP + r"are" + _SP + r"missing\b|"
         # on an error's or an exception's line (a warning in the same words may be followed by a fallback that
         # works): "foo headers are missing", "No foo installation found", "Could not find the foo include
         # directory", "libfoo >= 2.0 is required", "You need libfoo to build this package", "Unable to locate foo.h"
         + _ERROR_PREFIX
         + r"[^\n]{0,120}?"
         r"(?:(?<![\w+.-])(?P<n9>[A-Za-z][\w+.-]*) (?:headers?|librar(?:y|ies)|development (?:package|headers|files)) "
         r"(?:is|are) missing\b|"
         r"\b[Nn]o (?P<n10>[A-Za-z][\w+.-]*) (?:installation|install|library|libraries|headers) (?:was |were )?found\b|"
         r"(?i:could not|couldn't|cannot|can't|unable to|failed to) (?:find|locate) (?:the )?(?P<n11>[A-Za-z][\w+.-]*) "
         r"(?:include|header|lib|library) (?:directory|dir|path|folder|files)\b|"
         r"(?<![\w+.-])(?!librar(?:y|ies)\b)(?P<n12>lib[a-z][\w+.-]*)(?: ?[<>=]=? ?\d[\w.]*)? (?:is|are) required\b|"
         r"(?<![\w+.-])['\"]?(?P<n20>[A-Za-z][\w+.-]*)['\"]? (?:C |C\+\+ |shared |system |development )?"
         r"librar(?:y|ies) (?:is|are) (?:required|needed)\b|"
         r"(?<![\w+.-])(?P<n21>[a-z0-9][\w+.-]*-dev(?:el)?)(?: package)? (?:is|are) (?:missing|not installed)\b|"
         r"[Yy]ou need (?:the )?(?P<n13>lib[a-z][\w+.-]*|[A-Za-z][\w+.-]* (?:library|headers|development files))"
         r"(?: ?[<>=]=? ?\d[\w.]*)? to (?:build|compile|install)\b|"
         # pyzmq's "Fatal: Failed to build or find libzmq"; "Could not determine the location of libgeos_c";
         # lxml's "Please make sure the libxml2 and libxslt development packages are installed."
         r"(?i:failed to|could not|couldn't|unable to|cannot|can't) (?:build or )?(?:find|locate)(?: or build)? "
         r"(?P<n15>lib[a-z][\w+.-]*)\b|"
         r"(?i:could not|couldn't|unable to|cannot|can't|failed to) (?:determine|find|locate) the (?:location|path) "
         r"(?:of|to) (?:the )?(?P<n16>lib[a-z][\w+.-]*|[A-Za-z][\w+.-]* library)\b|"
         r"[Mm]ake sure (?:that )?(?:the )?(?P<n17>[A-Za-z][\w+.-]*)(?: and [\w+.-]+)? (?:development|dev|devel) "
         r"(?:packages?|headers|files|libraries) (?:is |are )?installed\b|"
         r"(?i:unable to|could not|couldn't|cannot|can't|failed to) (?:find|locate) (?:the )?(?:header )?['\"`]?"
         r"(?P<n14>[\w/+-]+\.h(?:pp|h|xx)?)\b)",
         _needs, phases=("install",)),
    # what a package that loads a library itself (ctypes, cffi, its own search) says when the library is absent: at
    # import, and in a setup.py that loads the library it wraps before it builds (after the build's own words)
    rule("missing-system-library", SYSTEM, LOADER_PATTERN, _loader, phases=(*_BUILD_PHASES, "import", "test"),
         last=True, in_exceptions=True),
    # a CMakeLists' message(FATAL_ERROR) or find_package that says what it did not find (read by _cmake_message)
    rule("missing-system-library", SYSTEM,
         r"CMake Error at [^\n]*\((?i:message|find_package|pkg_check_modules|pkg_search_module)\):"
         r"(?P<cm>(?:\n[ \t|]*\S[^\n]*){1,3})", _cmake_message, phases=_BUILD_PHASES),
    # a build tool that is there but too old: CMake's cmake_minimum_required, cargo's rust-version check
    rule("missing-system-library", SYSTEM,
         r"(?P<t>CMake) (?P<want>[\d.]+) or higher is required\.\s+You are running version (?P<have>[\d.]+)|"
         r"requires (?P<t2>rustc) (?P<want2>[\d.]+) or newer, while the currently active rustc version is "
         r"(?P<have2>[\d.]+)|"
         # cargo older than a crate's edition or a feature it uses
         r"not stabilized in this version of (?P<t3>Cargo) \((?P<have3>[\d.]+)|"
         # cargo 1.70+'s MSRV check: "rustc 1.63.0 is not supported by the following packages:\n  foo@1.0 requires rustc
         # 1.70"
         r"(?P<t4>rustc) (?P<have4>[\d.]+) is not supported by the following packages?:\s*\n[ \t|]*\S+ requires rustc "
         r"(?P<want4>[\d.]+)", _old_tool, phases=_BUILD_PHASES),
    # a standard-library module that is C code linked to a system library, absent because the Python was built
    # without that library (a pyenv or source build without the -dev package): _tkinter, _lzma, _ctypes, _ssl, ...
    rule("missing-system-library", SYSTEM,
         r"No module named '(?P<mod>" + "|".join(map(re.escape, _STDLIB_C)) + r")'|"
         r"the (?P<ssl>ssl) module in Python is not available|"
         # a C or C++ runtime older than a compiled module needs (a wheel built on a newer system)
         r"version `(?P<sym>GLIBCXX|GLIBC|CXXABI)_(?P<ver>[\d.]+)' not found", _python_built_without),
    # meson (dependencies/python.py) without the interpreter's headers and library: python3-dev
    rule("missing-system-library", SYSTEM, r"ERROR: Python dependency not found", _python_headers,
         phases=_BUILD_PHASES),
    # Qt's platform plugin without its X libraries: "Could not load the Qt platform plugin "xcb" in "" even though
    # it was found." (qtbase src/gui/kernel/qguiapplication.cpp), then an abort
    # pythonnet/__init__.py (3.0): "Failed to create a default .NET runtime, which would have been "mono" on this
    # system. Either install a compatible runtime or ..." (the message's lines are indented in its source)
    rule("missing-system-library", SYSTEM,
         r"Failed to create a default \.NET runtime, which would\s+have been \"(?P<rt>[\w.-]+)\"", _dotnet,
         phases=("import", "test")),
    rule("missing-system-library", SYSTEM, r"Could not load the Qt platform plugin \"(?P<qt>[\w-]+)\"", _qt_plugin,
         phases=("import", "test")),
    # waf's configure: "Checking for 'gtk+-3.0' : not found", then "The configuration failed"
    rule("missing-system-library", SYSTEM,
         r"^[ \t|]*Checking for (?P<what>program |header |library )?'?(?P<w>[\w+./-]+?)'?[ \t]*: not found[ \t]*\n"
         r"(?:[^\n]*\n){0,30}?[ \t|]*The configuration failed", _waf, phases=_BUILD_PHASES),
    # a library that is there, in a version older (or other) than the build needs
    rule("missing-system-library", SYSTEM,
         r"[Rr]equires? (?P<lib>[A-Za-z][\w+.-]*) (?P<want>\d[\w.]*?)(?:\.x)*,? (?:but )?(?:got|found|have|has) "
         r"'?(?P<have>\d[\d.]*)|"
         # pkg-config (pkgconf's and freedesktop's): "Requested 'glib-2.0 >= 2.56' but version of GLib is 2.50.3"
         r"Requested '(?P<lib2>[\w+.-]+) >= (?P<want2>[\d.]+)' but version of [^\n]+? is (?P<have2>[\d.]+)|"
         r"(?<![\w+.-])(?P<lib3>[A-Za-z][\w+.-]*) version (?P<want3>[\d.]+) or (?:newer|later|higher|greater|above) "
         r"(?:is )?required|"
         r"your version of (?P<lib4>[A-Za-z][\w+.-]*) \((?P<have4>[\d.]+)\) is too old|"
         # pyproj's setup.py: "Minimum supported PROJ version is 9.2.0, installed version is 7.2.1"
         r"[Mm]inimum (?:supported |required )?(?P<lib5>[A-Za-z][\w+.-]*) version is (?P<want5>\d[\d.]*\d),? "
         r"(?:but )?(?:the )?installed version is (?P<have5>\d[\d.]*\d)|"
         r"#error \"[^\"\n]*?\brequires?\b[^\"\n]*?\((?P<lib8>lib[a-z][\w+.-]*)\) >= ?(?P<want8>\d[\d.]*)|"
         # cartopy's setup.py (0.17-0.20): "Proj version 4.9.3 is installed, but cartopy requires at least version
         # 8.0.0." ("0.0.0" when it found none)
         r"(?<![\w+.-])(?P<lib9>[A-Za-z][\w+.-]*) version (?P<have9>\d[\d.]*) is installed, but [\w.-]+ requires at "
         r"least version (?P<want9>\d[\d.]*\d)|"
         # a loader's or a setup.py's own: "foo version 1.5 is too old, need 2.0", "Requires foo >= 2.0 (found 1.5)",
         # "requires the foo library version 2.0 or newer"
         r"(?<![\w+.-])(?P<lib10>[A-Za-z][\w+.-]*) version (?P<have10>\d[\d.]*) is too old,? (?:we )?(?:need|needs|"
         r"requires?|expected)(?: at least)? (?P<want10>\d[\d.]*\d)|"
         r"[Rr]equires (?P<lib11>[A-Za-z][\w+.-]*) ?>= ?(?P<want11>\d[\d.]*) \((?:found|got|have) "
         r"(?P<have11>\d[\d.]*)\)|"
         r"requires the (?P<lib12>[A-Za-z][\w+.-]*) (?:C |C\+\+ |shared )?library,? version (?P<want12>\d[\d.]*\d) or "
         r"(?:newer|later|higher|above)", _too_old,
         phases=(*_BUILD_PHASES, "import", "test")),
    # a C file's own #error on the library it needs (after the version checks above, which say more)
    rule("missing-system-library", SYSTEM, r"error: #error (?P<said>[^\n]{1,200})", _preprocessor_error,
         phases=_BUILD_PHASES),
    # a compiled module whose library is older here than where it was built (pycurl: "libcurl link-time version
    # (7.74.0) is older than compile-time version (7.88.1)")
    rule("missing-system-library", SYSTEM,
         r"(?P<lib>lib[a-z][\w+.-]*) link-time version \((?P<have>[\d.]+)\) is older than compile-time version "
         r"\((?P<want>[\d.]+)\)", _too_old),
    # an installation a build or a loader looks for by its variable or its folder, and a Windows DLL
    rule("missing-system-library", SYSTEM,
         r"(?<![\w$])(?P<env>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*?(?:ROOT|_HOME|_DIR|_PREFIX|_PATH))['\"`]? "
         r"(?:environment variable |env(?:ironment)? ?var(?:iable)? )?(?:is |was )?"
         r"(?:not set|unset|undefined|not defined)\b|"
         r"KeyError: '(?P<env2>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*?(?:ROOT|_HOME|_DIR|_PREFIX))'|"
         r"(?:FileNotFoundError|OSError|IOError): \[Errno 2\] No such file or directory: "
         r"'(?P<path>(?:/usr/local|/usr/include|/usr/lib\w*|/usr/share|/usr/s?bin|/opt|/lib\w*|/s?bin)/[^'\n]+)'|"
         # Tcl/Tk without their script libraries (tcl8.6, tk8.6): "Can't find a usable init.tcl in ..."
         r"Can't find a usable (?P<tcl>init|tk)\.tcl\b|"
         r"DLL load failed while importing (?P<dll>[\w.]+): The specified module could not be found|"
         r"\[WinError 126\] The specified module could not be found(?P<dll2>)|"
         # a GPU library without the driver it loads; PyGObject without a library's introspection data (a typelib)
         r"(?P<driver>[Ff]ound no NVIDIA driver|NVIDIA driver on your system is too old|"
         r"CUDA driver version is insufficient)|"
         r"Typelib file for namespace '(?P<gi>[\w.]+)', version '(?P<giv>[\d.]+)' not found|"
         r"Namespace (?P<gi2>[\w.]+) not available\b|"
         # a program a package runs, by the words of its own check or of the OS
         r"(?:[Ee]xecutable|[Pp]rogram|[Cc]ommand) [`'\"](?P<prog>[\w.+-]+)[`'\"] (?:was )?not found|"
         r"(?<![\w.+-])(?P<prog2>[\w.+-]+) not found[,.;:]? (?:[Pp]lease |[Yy]ou (?:need|must|have) to )?[Ii]nstall\b|"
         r"FileNotFoundError: \[Errno 2\] No such file or directory: '(?P<prog3>" + "|".join(_PROGRAMS) + r")'|"
         # a program packages run, said absent in their own words ("ffmpeg was not found", "Could not find ffmpeg")
         r"(?<![\w.+-])(?P<prog7>" + "|".join(_PROGRAMS) + r") (?:was |is )?not found\b|"
         r"Could not execute (?P<prog9>[\w.+-]+), is it installed\?|"
         r"(?:[Yy]ou must|[Pp]lease|[Yy]ou (?:need|have) to) set the environment variable (?P<env3>[A-Z][A-Z0-9_]*)\b|"
         r"[Cc]heck if you have set the (?P<env4>[A-Z][A-Z0-9_]*) environment variable|"
         r"[Ee]nvironment variable (?P<env5>[A-Z][A-Z0-9_]*) is not set\. Set it to (?:your|the)\b|"
         r"(?i:could not|couldn't|cannot|can't|unable to) find (?:the )?(?P<prog8>" + "|".join(_PROGRAMS)
         + r")\b(?![\w.+-]| (?:module|package))|"
         # any program subprocess could not start (its _execute_child frame just above), one on no PATH, one a
         # shell could not find (exit status 127)
         r"FileNotFoundError: \[Errno 2\] No such file or directory: '(?P<prog4>[A-Za-z][\w.+-]*)'|"
         r"(?<![\w.+-])(?P<prog5>[A-Za-z][\w.+-]*) (?:was |is )?not found (?:on|in) (?:your |the )?\$?PATH\b|"
         # ocrmypdf: "The program 'tesseract' could not be executed or was not found on your system PATH.",
         # "Could not find program 'tesseract' on the PATH"
         r"[Tt]he program '(?P<prog11>[\w.+-]+)' could not be executed or was not found\b|"
         r"[Cc]ould not find program '(?P<prog12>[\w.+-]+)' on the PATH\b|"
         # python-nmap: "PortScannerError: 'nmap program was not found in path. PATH is : ..."
         r"(?<![\w.+-])(?P<prog10>[A-Za-z][\w.+-]*) (?:program|executable|binary) (?:was |is )?not found in "
         r"(?:your |the )?(?:PATH|path)\b|"
         r"Command '(?:\[')?(?!(?:/usr)?(?:/bin/)?(?:ba|da|z)?sh\b|env\b)(?P<prog6>[\w.+-]+)[^\n]*? returned non-zero "
         r"exit status 127\b",
         _installation, phases=(*_BUILD_PHASES, "import", "test")),
    # last of the system rules: a line that says something is absent and names a library Debian ships, in any words
    rule("missing-system-library", SYSTEM, _ABSENT.pattern, _named, phases=(*_BUILD_PHASES, "import", "test"),
         once=True),
    # a build that refuses this interpreter: no release of the package is for this Python
    rule("no-matching-distribution", SYSTEM,
         r"Cannot install on Python version (?P<v>[\d.]+);? only versions (?P<req>[^\n]+?) are supported",
         _python_guard, phases=_BUILD_PHASES),
    rule("build-failed", BUILD, BUILD_FAILED.pattern, _build, phases=_BUILD_PHASES),
    rule("import-error", IMPORT, _IMPORT_LINE.pattern, _import, phases=("import",)),
    # an import that killed the interpreter (a wheel for another CPU, a mismatched extension) prints no exception
    rule("import-error", IMPORT, r"(?P<c>Segmentation fault|Illegal instruction|Fatal Python error: [^\n]+|"
         r"Aborted \(core dumped\)|Bus error)", _crash, phases=("import",)),
)


__all__ = ["NAME", "NETWORK_PATTERN", "RULES", "build_detail"]
