"""The index probe for real (rodeo_action/run/indexprobe.py): a local PEP 691 index, a server that answers
503 to everything, a closed port, a name that does not resolve, a proxy from the cell's environment;
and a real pip cell whose "no matching distribution" was an index that was down."""

from __future__ import annotations

import http.server
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from pyindex import Index

from rodeo_action.causes.indexnote import note
from rodeo_action.run.indexprobe import ca_bundle, probe, probe_indexes, proxies_for
from tests.run.cellkit import config_text, run_one


class _Unavailable(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_error(503, "Service Unavailable")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def down() -> Iterator[str]:
    """An index that answers 503 to every request."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/simple/"
    server.shutdown()
    server.server_close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_listed_project_a_missing_one_and_a_server_error(tmp_path: Path, down: str) -> None:
    with Index(tmp_path / "index") as index:
        index.publish("six", "1.0")
        index.publish("six", "1.1")
        answers = probe_indexes(["Six", "no-such-thing"], [index.url], {})
    assert [(a.project, a.outcome, a.detail) for a in answers] == [
        ("six", "listed", "2 files"), ("no-such-thing", "missing", "404 Not Found")]
    [answer] = probe_indexes(["click"], [down], {})
    assert (answer.outcome, answer.detail) == ("down", "503 Service Unavailable")


def test_connection_failures_are_named() -> None:
    refused = f"http://127.0.0.1:{_closed_port()}/simple/"
    nowhere = "http://pypi.mirror.nosuch.invalid/simple/"
    answers = probe_indexes(["attrs"], [refused, nowhere, "file:///opt/pypi/simple"], {})
    assert [(a.url, a.outcome, a.detail) for a in answers] == [
        (refused, "down", "connection refused"), (nowhere, "down", "the name does not resolve")]


def test_the_cells_proxy_is_used_unless_no_proxy_names_the_host(tmp_path: Path) -> None:
    env = {"HTTP_PROXY": "http://proxy.corp.nosuch.invalid:3128"}
    with Index(tmp_path / "index") as index:
        index.publish("rich", "13.0")
        with requests.Session() as session:
            session.trust_env = False
            through = probe(session, index.url, "rich", env)
            bypassed = probe(session, index.url, "rich", {**env, "no_proxy": "example.org, 127.0.0.1"})
    assert (through.outcome, through.detail) == ("down", "the proxy failed: its name does not resolve")
    assert (bypassed.outcome, bypassed.detail) == ("listed", "1 files")
    assert proxies_for("https://pypi.org/simple/x/", {"https_proxy": "http://p:1", "NO_PROXY": ".python.org"}) == {
        "https": "http://p:1"}
    assert proxies_for("https://files.python.org/x", {"https_proxy": "http://p:1", "NO_PROXY": ".python.org"}) == {}
    assert proxies_for("https://pypi.org/simple/x/", {"no_proxy": "*", "ALL_PROXY": "http://p:1"}) == {}


def test_the_ca_bundle_is_the_cells_own(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    assert ca_bundle({"SSL_CERT_FILE": str(bundle)}) == str(bundle)
    assert ca_bundle({"PIP_CERT": str(tmp_path / "absent.pem")}) is True


def test_credentials_in_the_index_url_never_reach_the_note(down: str) -> None:
    secret = down.replace("http://", "http://user:s3cr3t-t0ken@")
    [answer] = probe_indexes(["click"], [secret], {})
    line = note(answer)
    assert "s3cr3t" not in line and "user" not in line, line
    assert line.startswith("# rodeo: index probe: click on http://127.0.0.1:") and line.endswith(
        ": down (503 Service Unavailable)")


def _pip_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": "",
            "PIP_RETRIES": "0", "PIP_TIMEOUT": "5"}


def test_a_pip_cell_whose_index_is_down_is_a_network_failure(tmp_path: Path, shared_cache: Path, down: str) -> None:
    """pip 23.2 says only "from versions: none" when the index answers 503: the probe's note decides."""
    text = config_text("[click]", extra=f"retries: 0\nindex-url: {down}\n")
    result = run_one(tmp_path, text, "pip", shared_cache, environ=_pip_env(tmp_path))
    log = (tmp_path / "out" / f"{result.cell.id}.log").read_text()
    assert "No matching distribution found for click" in log
    assert "# rodeo: index probe: click on http://127.0.0.1:" in log
    assert result.cause is not None and result.cause.kind == "network", result.cause
    assert "503 Service Unavailable" in result.cause.summary


def test_a_pip_cell_asking_for_a_project_the_index_lacks_says_so(tmp_path: Path, shared_cache: Path) -> None:
    with Index(tmp_path / "index") as index:
        index.publish("six", "1.0")
        text = config_text("[six, sixx]", extra=f"retries: 0\nindex-url: {index.url}\n")
        result = run_one(tmp_path, text, "pip", shared_cache, environ=_pip_env(tmp_path))
    assert result.cause is not None and result.cause.kind == "no-matching-distribution", result.cause
    assert result.cause.package == "sixx"
    assert result.cause.summary.startswith("sixx is not on the index at all; "), result.cause.summary
