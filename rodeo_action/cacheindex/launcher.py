"""proxpi, started by rodeo: run by the Python of proxpi's own venv (never imported by rodeo_action).

    python -I launcher.py PORT        (PORT 0: any free port)

Prints the port it listens on (first stdout line), then serves proxpi's Flask app on 127.0.0.1 with
werkzeug's threaded server. proxpi 1.3.1 (pinned in requirements.txt: these patches reach into it) is
configured by the ``PROXPI_*`` variables rodeo sets; the patches make it fit a run of cells:

- one download per file at a time: proxpi can download a file twice, or send a client a redirect
  upstream, when two clients ask for it at once (``cannot join thread before it is started``);
- a project the upstream answers 404 for is not found, without proxpi's fallback of downloading the
  upstream's whole project list (tens of MB from pypi.org for one misspelt name);
- an upstream that fails (5xx, unreachable) is a 502 naming what it said, not proxpi's 500;
- a cached file is checked against the sha256 rodeo recorded when it was downloaded, the first time
  this process serves it; a damaged one is fetched again;
- a download that finds the disk full is a 507 naming the folder (proxpi would send the client
  upstream and leave the disk full), and a line rodeo reads (``rodeo-proxy: disk-full``);
- every upstream download is logged with its size (``rodeo-proxy: fetched BYTES URL``), for the
  benchmark of what crossed the network.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger("rodeo-proxy")
_PYPI_LAYOUT = re.compile(r"/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{60})/[^/]+$")


class DiskFull(Exception):
    pass


class UpstreamFailed(Exception):
    pass


def _patch_pages(cache_mod: Any) -> None:
    """A project page: 404 is not found without listing the index, an upstream failure is a 502."""
    local = threading.local()
    send = cache_mod.Session.send

    def recording_send(self: Any, request: Any, **kwargs: Any) -> Any:
        response = send(self, request, **kwargs)
        local.status = response.status_code
        return response

    cache_mod.Session.send = recording_send

    list_files = cache_mod._IndexCache._list_files
    list_projects = cache_mod._IndexCache.list_projects

    def direct_list_files(self: Any, package_name: str) -> Any:
        local.listing, local.status = True, None
        try:
            return list_files(self, package_name)
        finally:
            local.listing = False

    def no_full_listing(self: Any) -> Any:
        if getattr(local, "listing", False):     # the project page was not 200: say why, list nothing
            status = getattr(local, "status", None)
            if status is not None and status not in (404, 410):
                raise UpstreamFailed(f"the upstream index answered {status}")
            return {}.keys()
        return list_projects(self)

    cache_mod._IndexCache._list_files = direct_list_files
    cache_mod._IndexCache.list_projects = no_full_listing


def _patch_files(cache_mod: Any) -> None:
    """A file: one download at a time, its sha256 recorded and checked, a full disk said."""
    guard = threading.Lock()
    file_locks: dict[str, threading.RLock] = {}
    full: set[str] = set()
    verified: set[str] = set()
    hashes = Path(os.environ["RODEO_PROXY_HASHES"])
    file_cache = cache_mod._FileCache
    download = file_cache._download_file

    def sidecar(self: Any, url: str) -> Path:
        return hashes / str(self._get_key(url))

    def checked_download(self: Any, url: str, path: str) -> None:
        try:
            download(self, url, path)
        except Exception as exc:     # a partial file never stays (proxpi would keep the disk full till restart)
            Path(path + self._download_filename_suffix).unlink(missing_ok=True)
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                full.add(self._get_key(url))
                log.error("disk-full %s: %s", self.cache_dir, exc)
            raise
        if not os.path.exists(path):      # an HTTP error upstream: proxpi logged it, nothing was written
            return
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
        mark = sidecar(self, url)
        mark.parent.mkdir(parents=True, exist_ok=True)
        # whole or absent, never half-written: proxpi lists the file before this thread ends, so a client
        # may check it meanwhile (an absent record is trusted, as for a file cached before rodeo kept them)
        tmp = mark.with_name(f".{mark.name}.{threading.get_ident()}.tmp")
        tmp.write_text(digest.hexdigest() + "\n")
        os.replace(tmp, mark)
        verified.add(self._get_key(url))
        log.info("fetched %d %s", size, cache_mod._mask_password(url))

    def intact(self: Any, key: str, path: str) -> bool:
        """Whether the cached file is the one downloaded: its recorded sha256, else PyPI's blake2b path."""
        mark = hashes / key
        algo, want = None, None
        if mark.is_file():
            algo, want = "sha256", mark.read_text().strip()
        else:
            m = _PYPI_LAYOUT.search("/" + key)
            if m:
                algo, want = "blake2b", "".join(m.groups())
        if algo is None:
            return True
        digest = hashlib.sha256() if algo == "sha256" else hashlib.blake2b(digest_size=32)
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            return False
        return digest.hexdigest() == want

    get_cached = file_cache._get_cached

    def verified_get_cached(self: Any, key: str) -> Any:
        entry = self._files.get(key)
        if key not in verified and entry is not None and isinstance(entry, cache_mod._CachedFile):
            if not intact(self, key, entry.path):
                log.warning("damaged %s: its hash is not the one downloaded; fetching it again", key)
                self._files.pop(key, None)
                Path(entry.path).unlink(missing_ok=True)
                (hashes / key).unlink(missing_ok=True)
                return get_cached(self, key)      # a miss
            verified.add(key)
        return get_cached(self, key)

    get = file_cache.get

    def serialised_get(self: Any, url: str) -> Any:
        key = self._get_key(url)
        with guard:
            lock = file_locks.setdefault(key, threading.RLock())     # get() calls itself once
        with lock:
            path = get(self, url)
        if key in full and "://" in str(path) and not str(path).startswith("file:"):
            full.discard(key)
            raise DiskFull(f"no space left on device in the caching index's folder {self.cache_dir}")
        return path

    file_cache._download_file = checked_download
    file_cache._get_cached = verified_get_cached
    file_cache.get = serialised_get


def _serve(port: int) -> None:
    import requests
    from proxpi import _cache  # type: ignore[import-not-found]  # proxpi's own venv, not rodeo's
    from werkzeug import serving  # type: ignore[import-not-found]

    _patch_pages(_cache)
    _patch_files(_cache)
    serving._log_add_style = False     # no colour codes in the log
    from proxpi.server import app  # type: ignore[import-not-found]

    def full(exc: Exception) -> Any:
        return f"507 Insufficient Storage: {exc}\n", 507, {"Content-Type": "text/plain"}

    def failed(exc: Exception) -> Any:
        return f"502 Bad Gateway: {exc}\n", 502, {"Content-Type": "text/plain"}

    def unreachable(exc: Exception) -> Any:
        return (f"502 Bad Gateway: the upstream index could not be reached ({type(exc).__name__})\n", 502,
                {"Content-Type": "text/plain"})

    app.register_error_handler(DiskFull, full)
    app.register_error_handler(UpstreamFailed, failed)
    app.register_error_handler(requests.exceptions.RequestException, unreachable)
    try:
        server = serving.make_server("127.0.0.1", port, app, threaded=True)
    except (OSError, SystemExit):    # werkzeug prints "Address already in use" and exits
        if port == 0:
            raise
        log.warning("port %d is taken; using another", port)
        server = serving.make_server("127.0.0.1", 0, app, threaded=True)
    print(server.port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
