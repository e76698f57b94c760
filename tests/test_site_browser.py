"""The static site (`rodeo report --html`) in a real browser: Debian's headless Chromium, driven
through its DevTools protocol.

A site is built from six runs of history (each run's --json the next run's --baseline, results
changing between runs, a hostile cause among them) and index.html is loaded from file://. Chromium
is started with ``--remote-debugging-pipe``: the protocol's JSON messages, each ended by a NUL byte,
go over file descriptors 3 (to the browser) and 4 (from it), so no port is opened and no
websocket client is needed. The test checks that the console shows no error (a policy violation
is one), that no request is made but for the page's own file, that every manager is in the matrix and
has its two charts drawn, that the status filter works from the keyboard (Tab-focused checkbox,
Space) and the manager filter from the mouse, and that a cell page's copy button answers.

Screenshot for the README: ``.venv/bin/python -m tests.test_site_browser docs/img``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import random
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from rodeo_action.report.site import build, page_name
from rodeo_action.results import Cause
from tests.sitekit import cell, runs

ROOT = Path(__file__).resolve().parents[1]
WIDTH = 880
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; "
                                                            ".ci/run does)")
pytestmark = pytest.mark.xdist_group("browser")
MANAGERS = ("pip", "uv", "poetry", "pdm", "conda", "pixi")
SETS = ("science", "web", "ml")
HOSTILE = '<img src=x onerror="window.pwned=1"></script><script>window.pwned=2</script>'


def history_site(folder: Path, runs_: int = 6) -> Path:
    """A site of ``runs_`` runs (6 managers x 3 sets), results changing from run to run."""
    rng = random.Random(7)
    series = []
    for i in range(runs_):
        cells = []
        for m in MANAGERS:
            for s in SETS:
                status = rng.choices(("pass", "fail", "timeout"), (8, 2, 1))[0]
                if m == "pixi" and i == runs_ - 1:
                    status = "fail"           # a regression in the last run
                cause = (Cause("build-failed", HOSTILE if m == "pdm" else "numpy failed to build", "numpy")
                         if status == "fail" else Cause("timeout", "ran out of time") if status == "timeout" else None)
                cells.append(cell(m, status, set_=s, seconds=rng.uniform(5, 120), cause=cause,
                                  log="collecting numpy\nERROR: Failed building wheel for numpy\n" if cause else ""))
        series.append(cells)
    results = folder / "results"
    results.mkdir(parents=True, exist_ok=True)
    for c in series[-1]:
        (results / f"{c.id}.log").write_text(f"$ {c.manager} install numpy\n" + "ok\n" * 50, encoding="utf-8")
    report = runs(folder, series)
    site = folder / "site"
    build(report, site, results)
    return site


# -- the DevTools protocol over a pipe -------------------------------------------------------------

class DevTools:
    """One Chromium with one page, spoken to over ``--remote-debugging-pipe``; events are kept."""

    def __init__(self, proc: subprocess.Popen[bytes], to_browser: int, from_browser: int) -> None:
        self.proc, self.out, self.inp = proc, to_browser, from_browser
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            got = self._read(deadline)
            if got.get("id") == self.next_id:
                if "error" in got:
                    raise RuntimeError(f"{method}: {got['error']}")
                result: dict[str, Any] = got.get("result", {})
                return result
            self.events.append(got)

    def wait(self, method: str, timeout: float = 30) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        deadline = time.monotonic() + timeout
        while True:
            got = self._read(deadline)
            self.events.append(got)
            if got.get("method") == method:
                return got

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.inp], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.inp, 1 << 16)
            if not chunk:
                raise RuntimeError(f"chromium closed the pipe (exit {self.proc.poll()})")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def evaluate(self, expression: str) -> Any:
        got = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in got:
            raise RuntimeError(f"{expression}: {got['exceptionDetails']}")
        return got["result"].get("value")

    def open(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})
        self.wait_load()

    def wait_load(self) -> None:
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.wait("Page.loadEventFired")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and browser log errors (a blocked load, a policy violation)."""
        out = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append(f"console: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                out.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                out.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def key(self, key: str, code: str, text: str = "", vk: int = 0) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": vk,
                                                 **({"text": text} if text and kind == "keyDown" else {})})

    def click(self, selector: str) -> None:
        box = self.evaluate(f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left",
                                                   "clickCount": 1})

    def screenshot(self, png: Path, height: int) -> tuple[int, int]:
        self.send("Emulation.setDeviceMetricsOverride", {"width": WIDTH, "height": height, "deviceScaleFactor": 1,
                                                         "mobile": False})
        data = base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])
        png.write_bytes(data)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, high = struct.unpack(">II", data[16:24])
        return width, high


@contextmanager
def devtools(height: int = 1400) -> Iterator[DevTools]:
    assert CHROMIUM is not None
    to_r, to_w = os.pipe()           # we write, the browser reads on fd 3
    from_r, from_w = os.pipe()       # the browser writes on fd 4, we read

    def child() -> None:              # runs in the child before exec: its fds 3 and 4 become the pipe's ends
        a = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
        b = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
        os.dup2(a, 3)
        os.dup2(b, 4)

    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", f"--window-size={WIDTH},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=False,
            preexec_fn=child)   # the test process runs no threads here; the fds must be 3 and 4
        os.close(to_r)
        os.close(from_w)
        tools = DevTools(proc, to_w, from_r)
        try:
            page = next(t for t in tools.send("Target.getTargets")["targetInfos"] if t["type"] == "page")
            tools.session = tools.send("Target.attachToTarget", {"targetId": page["targetId"],
                                                                 "flatten": True})["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                tools.send(f"{domain}.enable")
            tools.send("Emulation.setDeviceMetricsOverride", {"width": WIDTH, "height": height,
                                                              "deviceScaleFactor": 1, "mobile": False})
            yield tools
        finally:
            os.close(to_w)
            os.close(from_r)
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# -- the tests --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return history_site(tmp_path_factory.mktemp("site"))


@needs_browser
def test_the_index_in_chromium(site: Path, tmp_path: Path) -> None:
    with devtools() as tools:
        tools.open((site / "index.html").as_uri())
        # every manager is in the matrix and has its two charts, drawn (a line with a length, points)
        managers = tools.evaluate("[...document.querySelectorAll('#matrix tbody tr[data-m]')].map(r => r.dataset.m)")
        assert sorted(managers) == sorted(MANAGERS)
        charts = tools.evaluate("""[...document.querySelectorAll('figure[data-manager]')].map(f => ({
            m: f.dataset.manager,
            svgs: [...f.querySelectorAll('svg')].map(s => ({w: s.getBoundingClientRect().width,
              line: [...s.querySelectorAll('polyline')].reduce((n, p) => n + p.getTotalLength(), 0),
              points: s.querySelectorAll('circle').length}))}))""")
        assert sorted(c["m"] for c in charts) == sorted(MANAGERS)
        for c in charts:
            rate, _ = c["svgs"]
            assert rate["w"] > 300 and rate["line"] > 100 and rate["points"] == 6, c
        assert tools.evaluate("window.pwned === undefined && !document.querySelector('img')")
        # the status filter, from the keyboard: Tab to the "pass" box, Space
        total = tools.evaluate("document.querySelectorAll('#matrix td[data-status]').length")
        passing = tools.evaluate("document.querySelectorAll('#matrix td[data-status=pass]').length")
        assert tools.evaluate("document.getElementById('shown').textContent") == f"showing {total} of {total} cells"
        tools.evaluate("document.querySelector('input[data-manager=\"pixi\"]').focus()")
        for _ in range(40):
            if tools.evaluate("document.activeElement.dataset.status") == "pass":
                break
            tools.key("Tab", "Tab", vk=9)
        assert tools.evaluate("document.activeElement.dataset.status") == "pass", "Tab never reached the pass box"
        assert tools.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"   # focus visible
        tools.key(" ", "Space", " ", vk=32)
        assert tools.evaluate("document.activeElement.checked") is False
        shown = tools.evaluate("[...document.querySelectorAll('#matrix td[data-status]')]"
                               ".filter(td => !td.classList.contains('off')).map(td => td.dataset.status)")
        assert len(shown) == total - passing and "pass" not in shown
        # the manager filter, with the mouse: pixi's row and chart go
        tools.click('input[data-manager="pixi"]')
        assert tools.evaluate("document.querySelector('#matrix tr[data-m=pixi]').hidden") is True
        assert tools.evaluate("document.querySelector('figure[data-manager=pixi]').hidden") is True
        assert tools.evaluate("document.querySelector('figure[data-manager=uv]').hidden") is False
        png = tmp_path / "site.png"
        assert tools.screenshot(png, 1400) == (WIDTH, 1400) and png.stat().st_size > 20_000
        assert tools.errors() == []
        requests = tools.requests()
        assert requests == [(site / "index.html").as_uri()], requests


@needs_browser
def test_a_cell_page_in_chromium(site: Path) -> None:
    page = site / "cells" / page_name("pdm-science-ubuntu-latest-py3.12")
    with devtools() as tools:
        tools.open(page.as_uri())
        assert tools.evaluate("document.querySelector('h1').textContent").startswith("pdm-science-ubuntu-latest")
        assert tools.evaluate("window.pwned === undefined && !document.querySelector('img')")
        tools.click('button[data-copy="repro"]')
        deadline = time.monotonic() + 5
        while not tools.evaluate("document.getElementById('repro-status').textContent") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert tools.evaluate("document.getElementById('repro-status').textContent") in (
            "copied", "selected: press Ctrl+C to copy")
        tools.click("a[href='../index.html']")
        tools.wait_load()
        assert tools.evaluate("location.href") == (site / "index.html").as_uri()
        assert tools.errors() == []
        assert all(u.startswith(site.as_uri() + "/") for u in tools.requests()), tools.requests()


@needs_browser
def test_the_check_sees_an_error_and_a_request(tmp_path: Path) -> None:
    """The same checks catch a page that loads something and logs an error."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><img src="https://example.invalid/x.png"><script>console.error("boom")</script>',
                   encoding="utf-8")
    with devtools() as tools:
        tools.open(bad.as_uri())
        time.sleep(0.5)
        tools.send("Runtime.evaluate", {"expression": "1"})     # drain the events that came meanwhile
        assert any("boom" in e for e in tools.errors())
        assert "https://example.invalid/x.png" in tools.requests()


def main(argv: list[str]) -> int:
    """Write the docs' screenshot (docs/img/site-index.png)."""
    if CHROMIUM is None:
        print("needs chromium", file=sys.stderr)
        return 2
    folder = Path(argv[0]) if argv else ROOT / "docs" / "img"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, devtools() as tools:
        site = history_site(Path(tmp))
        tools.open((site / "index.html").as_uri())
        height = int(tools.evaluate("Math.ceil(document.querySelector('#trends-title').getBoundingClientRect().top"
                                    " + scrollY + 560)"))
        size = tools.screenshot(folder / "site-index.png", min(height, 2400))
        print(f"site index: screenshot {size[0]}x{size[1]} -> {folder / 'site-index.png'}; errors: {tools.errors()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
