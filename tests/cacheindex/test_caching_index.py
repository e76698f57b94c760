"""The caching index for real (rodeo_action/cacheindex): proxpi, installed from PyPI into its own venv and
started by rodeo, in front of a local PEP 503/691 index (tests/pyindex.py) whose every request is logged,
so "downloaded once" is counted at the upstream; and its faults: two clients at once, a damaged cached
file, an upstream that is down, a proxy that dies, a taken port, a full disk."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pyindex import Index

from rodeo_action.cacheindex.service import CachingIndexes
from rodeo_action.run import RunOptions
from rodeo_action.run.celllog import CellLog
from rodeo_action.run.supervise import Supervisor

pytestmark = pytest.mark.network   # proxpi comes from PyPI


class Cell:
    """What the caching index needs of a cell: its options, and a log to say what it did."""

    def __init__(self, tmp_path: Path, cache: Path) -> None:
        self.options = RunOptions(output=tmp_path / "out", environ=dict(os.environ), cache_root=cache)
        self.path = tmp_path / f"cell-{time.monotonic_ns()}.log"
        self.fh = open(self.path, "w+b")   # closed by the fixture
        self.steps = Supervisor(CellLog(self.fh, self.path), time.monotonic() + 600)

    def said(self) -> str:
        self.fh.flush()
        return self.path.read_text(encoding="utf-8")


@pytest.fixture
def cell(tmp_path: Path, shared_cache: Path) -> Iterator[Cell]:
    made = Cell(tmp_path, shared_cache)
    yield made
    made.fh.close()


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[Index]:
    with Index(tmp_path / "upstream") as index:
        index.publish("six", "1.0")
        noise = base64.b64encode(os.urandom(300_000)).decode()     # ~300 KB even compressed
        index.publish("big", "1.0", modules={"big/__init__.py": "", "big/data.txt": noise})
        yield index


def _get(url: str) -> requests.Response:
    with requests.Session() as s:
        s.trust_env = False
        return s.get(url, timeout=60)


def _file_url(index_url: str, project: str) -> str:
    page = _get(index_url + f"{project}/").text
    href = page.split('href="', 1)[1].split('"', 1)[0].split("#", 1)[0]
    return index_url + f"{project}/" + href.rsplit("/", 1)[-1]


def test_a_file_crosses_the_network_once_even_for_two_clients_at_once_and_once_ever(
        tmp_path: Path, cell: Cell, upstream: Index) -> None:
    upstream.file_delay = 1.0
    root = tmp_path / "caching-index"
    with CachingIndexes(root, os.environ) as caching:
        url = caching.url_for(upstream.url, cell.options, cell.steps)
        assert url is not None and url.startswith("http://127.0.0.1:"), cell.said()
        file_url = _file_url(url, "big")
        answers: list[requests.Response] = []
        threads = [threading.Thread(target=lambda: answers.append(_get(file_url))) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert [a.status_code for a in answers] == [200] * 6     # no redirect upstream, no error
        assert len({a.content for a in answers}) == 1
    assert upstream.fetched() == ["big-1.0-py3-none-any.whl"]
    # a new run (a new process, the same folder): served from disk, nothing fetched again
    with CachingIndexes(root, os.environ) as caching:
        url = caching.url_for(upstream.url, cell.options, cell.steps)
        assert url is not None
        assert _get(_file_url(url, "big")).content == answers[0].content
    assert upstream.fetched() == ["big-1.0-py3-none-any.whl"]
    log = (next(root.iterdir()) / "proxpi.log").read_text()
    assert log.count("rodeo-proxy: fetched ") == 0, "the log is the last run's: it fetched nothing"


def test_a_damaged_cached_file_is_found_by_its_hash_and_fetched_again(tmp_path: Path, cell: Cell,
                                                                       upstream: Index) -> None:
    root = tmp_path / "caching-index"
    with CachingIndexes(root, os.environ) as caching:
        url = caching.url_for(upstream.url, cell.options, cell.steps)
        assert url is not None
        good = _get(_file_url(url, "big")).content
    [cached] = [p for p in root.rglob("big-1.0-py3-none-any.whl") if p.relative_to(root).parts[1] == "files"]
    cached.write_bytes(cached.read_bytes()[:1000])          # truncated, as by a full disk or a crash
    with CachingIndexes(root, os.environ) as caching:
        url = caching.url_for(upstream.url, cell.options, cell.steps)
        assert url is not None
        assert _get(_file_url(url, "big")).content == good
    assert upstream.fetched() == ["big-1.0-py3-none-any.whl"] * 2
    assert "damaged " in (next(root.iterdir()) / "proxpi.log").read_text()


def test_pages_are_the_runs_and_a_missing_project_is_not_a_listing_of_the_index(
        tmp_path: Path, cell: Cell, upstream: Index) -> None:
    root = tmp_path / "caching-index"
    with CachingIndexes(root, os.environ) as caching:
        url = caching.url_for(upstream.url, cell.options, cell.steps)
        assert url is not None
        page = _get(url + "six/")
        assert page.status_code == 200 and "six-1.0-py3-none-any.whl" in page.text
        with requests.Session() as s:
            s.trust_env = False
            as_json = s.get(url + "six/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}, timeout=30)
        assert as_json.headers["Content-Type"].startswith("application/vnd.pypi.simple.v1+json")
        [file] = json.loads(as_json.content)["files"]
        assert file["hashes"]["sha256"] == upstream.release("six", "1.0").sha256
        upstream.publish("six", "2.0")
        assert "six-2.0" not in _get(url + "six/").text       # one run sees one index
        assert _get(url + "no-such-project/").status_code == 404
    assert not [h for h in upstream.log if h.path.rstrip("/") == "/simple"], "no listing of the whole index"
    with CachingIndexes(root, os.environ) as caching:           # the next run sees the new release
        url = caching.url_for(upstream.url, cell.options, cell.steps)
        assert url is not None and "six-2.0" in _get(url + "six/").text


def test_an_upstream_that_is_down_is_a_bad_gateway(tmp_path: Path, cell: Cell) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/simple/"
    with CachingIndexes(tmp_path / "ci", os.environ) as caching:
        url = caching.url_for(closed, cell.options, cell.steps)
        assert url is not None
        answer = _get(url + "six/")
    assert answer.status_code == 502 and "could not be reached" in answer.text


def test_a_proxy_that_dies_is_restarted_once_then_the_cells_say_so(tmp_path: Path, cell: Cell,
                                                                   upstream: Index) -> None:
    with CachingIndexes(tmp_path / "ci", os.environ) as caching:
        first = caching.url_for(upstream.url, cell.options, cell.steps)
        assert first is not None
        [proxy] = caching._proxies.values()
        assert proxy.process is not None
        proxy.process.kill()
        proxy.process.wait()
        assert [e.kind for e in caching.events(first)] == ["stopped"]
        second = caching.url_for(upstream.url, cell.options, cell.steps)
        assert second is not None and second != first and _get(second + "six/").status_code == 200
        # a cell given the first URL asks after another cell restarted it: it still hears of the restart
        assert [(e.kind, e.detail.endswith("restarted")) for e in caching.events(first)] == [("stopped", True)]
        assert proxy.process is not None
        proxy.process.kill()
        proxy.process.wait()
        assert caching.url_for(upstream.url, cell.options, cell.steps) is None
    said = cell.said()
    assert "no caching index (it stopped 2 times; its log: " in said
    assert f"this cell reads {upstream.url} itself" in said


def test_a_taken_port_gives_another(tmp_path: Path, cell: Cell, upstream: Index) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with CachingIndexes(tmp_path / "ci", os.environ, port=port) as caching:
            url = caching.url_for(upstream.url, cell.options, cell.steps)
            assert url is not None and f":{port}/" not in url
            assert _get(url + "six/").status_code == 200
    log = next((tmp_path / "ci").iterdir()) / "proxpi.log"
    assert f"port {port} is taken; using another" in log.read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="mounts a small tmpfs")
def test_a_full_disk_is_said(tmp_path: Path, cell: Cell, upstream: Index) -> None:
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        with CachingIndexes(small / "ci", os.environ) as caching:
            url = caching.url_for(upstream.url, cell.options, cell.steps)
            assert url is not None
            answer = _get(_file_url(url, "big"))
            assert answer.status_code == 507, answer.text
            assert "no space left on device in the caching index's folder" in answer.text
            events = caching.events(url)
        assert [e.kind for e in events] == ["disk-full"]
        assert str(small / "ci") in events[0].detail
        assert not list(small.rglob("*.proxpi-partial")), "the partial download is removed"
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)
