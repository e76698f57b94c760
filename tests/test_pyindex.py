"""tests/pyindex.py for real: its wheels are valid, its pages are PEP 503 and PEP 691, pip and uv install
from it (stage 1 imports, stage 2 fails naming ``feature``), a replaced file fails a hashed lock with
pip's own message, and every PyPI-family manager of rodeo takes its plain-http URL as ``index-url:``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyindex import (
    HTML_TYPE,
    JSON_TYPE,
    Index,
    Scenario,
    Wheel,
    app_lib_extra,
    many_scenario,
    pair_scenario,
    unpack,
    wants_json,
)

from tests.conftest import held

PIP_ACCEPT = f"{JSON_TYPE}, {HTML_TYPE}; q=0.1, text/html; q=0.01"   # what pip >= 22.2 sends


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    with Index(tmp_path / "index") as started:
        yield started


def get(url: str, accept: str = "text/html") -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def clean_env(tmp_path: Path) -> dict[str, str]:
    """No host pip/uv configuration (find-links, extra indexes): only the local index is seen."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "UV_NO_CONFIG": "1",
            "UV_CACHE_DIR": str(tmp_path / "uv-cache"), "UV_PYTHON_DOWNLOADS": "never"}


# ------------------------------------------------------------------------------ wheels and pages


def test_a_wheel_has_normalised_names_and_a_record_of_every_file() -> None:
    wheel = Wheel("My.Pkg_x", "1.0.0-rc1", ("lib>=1", 'extra; python_version >= "3"'),
                  {"my_pkg_x/__init__.py": "X = 1\n"}, ">=3.8")
    assert wheel.filename == "my_pkg_x-1.0.0rc1-py3-none-any.whl"
    data = wheel.build()
    assert data == wheel.build()    # reproducible: the same hash every time
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        info = "my_pkg_x-1.0.0rc1.dist-info"
        meta = zf.read(f"{info}/METADATA").decode()
        assert meta.splitlines()[:3] == ["Metadata-Version: 2.1", "Name: My.Pkg_x", "Version: 1.0.0-rc1"]
        assert "Requires-Dist: lib>=1\n" in meta and "Requires-Python: >=3.8\n" in meta
        assert "Root-Is-Purelib: true\nTag: py3-none-any\n" in zf.read(f"{info}/WHEEL").decode()
        rows = list(csv.reader(io.StringIO(zf.read(f"{info}/RECORD").decode())))
        assert sorted(r[0] for r in rows) == sorted(names)
        for path, digest, size in rows:
            if path.endswith("RECORD"):
                assert (digest, size) == ("", "")
                continue
            body = zf.read(path)
            want = base64.urlsafe_b64encode(hashlib.sha256(body).digest()).rstrip(b"=").decode()
            assert (digest, int(size)) == (f"sha256={want}", len(body))


def test_pep_691_negotiation_follows_the_clients_ranking() -> None:
    assert wants_json(PIP_ACCEPT)
    assert wants_json(JSON_TYPE)
    assert not wants_json("")
    assert not wants_json("text/html")
    assert not wants_json(f"{JSON_TYPE}; q=0.1, text/html")
    assert not wants_json("*/*")


def test_the_pages_list_each_file_with_its_hash_and_the_json_page_validates(index: Index) -> None:
    index.publish("lib", "1.0", requires_python=">=3.8")
    index.publish("Lib", "2.0")
    index.yank("lib", "2.0", "broken")
    status, kind, body = get(index.url)
    assert (status, kind) == (200, "text/html; charset=utf-8") and b'<a href="lib/">lib</a>' in body
    _, _, page = get(index.url + "lib/")
    metadata = [get(f"{index.base}/files/lib-{v}-py3-none-any.whl.metadata")[2] for v in ("1.0", "2.0")]
    assert [m.splitlines()[2] for m in metadata] == [b"Version: 1.0", b"Version: 2.0"]
    meta = [f' data-dist-info-metadata="sha256={hashlib.sha256(m).hexdigest()}"'
            f' data-core-metadata="sha256={hashlib.sha256(m).hexdigest()}"' for m in metadata]
    links = re.findall(r'<a href="\.\./\.\./files/([^"#]+)#sha256=([0-9a-f]{64})"([^>]*)>', page.decode())
    assert [(f, extra) for f, _, extra in links] == [
        ("lib-1.0-py3-none-any.whl", ' data-requires-python="&gt;=3.8"' + meta[0]),
        ("lib-2.0-py3-none-any.whl", ' data-yanked="broken"' + meta[1])]
    for filename, digest, _ in links:   # the href, resolved against the page, serves bytes of that hash
        _, _, data = get(urllib.parse.urljoin(index.url + "lib/", f"../../files/{filename}"))
        assert hashlib.sha256(data).hexdigest() == digest
    status, kind, body = get(index.url + "lib/", PIP_ACCEPT)
    assert kind == JSON_TYPE
    doc = json.loads(body)
    assert doc["meta"]["api-version"].startswith("1.") and doc["name"] == "lib" and doc["versions"] == ["1.0", "2.0"]
    for entry, (filename, digest, _) in zip(doc["files"], links, strict=True):
        assert entry["filename"] == filename and entry["hashes"] == {"sha256": digest}
        assert entry["core-metadata"]["sha256"] in meta[doc["files"].index(entry)]
        _, _, data = get(entry["url"])
        assert hashlib.sha256(data).hexdigest() == digest and entry["size"] == len(data)
    assert [f["yanked"] for f in doc["files"]] == [False, "broken"]
    assert json.loads(get(index.url, JSON_TYPE)[2])["projects"] == [{"name": "lib"}]


def test_unknown_names_404_other_spellings_redirect_and_every_request_is_logged(
        index: Index, capfd: pytest.CaptureFixture[str]) -> None:
    index.publish("my-lib", "1.0")
    assert get(index.url + "My_Lib")[2] == get(index.url + "my-lib/")[2]   # followed the redirect
    for path in ("simple/nothing/", "files/nothing.whl", "files/..%2Frodeo", "elsewhere"):
        with pytest.raises(urllib.error.HTTPError) as error:
            get(f"{index.base}/{path}")
        assert error.value.code == 404
    assert [(h.path, h.status) for h in index.log] == [
        ("/simple/My_Lib", 301), ("/simple/my-lib/", 200), ("/simple/my-lib/", 200), ("/simple/nothing/", 404),
        ("/files/nothing.whl", 404), ("/files/..%2Frodeo", 404), ("/elsewhere", 404)]
    assert capfd.readouterr() == ("", "")


# ------------------------------------------------------------------------------ the scenarios' logic


def imports(site: Path, module: str = "app") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); "
                           f"import {module}"], capture_output=True, text=True, timeout=60)


def newest(scenario: Scenario, reverted: set[str]) -> dict[str, str]:
    """The app and every changed distribution at its stage-2 version, but for ``reverted``."""
    pins = {"app": "1.0"}
    for change in (*scenario.culprits, *scenario.harmless):
        pins[change.package] = change.good if change.package in reverted else change.bad
    return pins


def test_app_lib_extra_breaks_on_lib_alone(index: Index, tmp_path: Path) -> None:
    first = app_lib_extra(index, 1)
    assert sorted((r.name, r.version) for r in first.published) == [("app", "1.0"), ("extra", "1.0"), ("lib", "1.0")]
    second = app_lib_extra(index, 2)
    assert sorted((r.name, r.version) for r in second.published) == [("extra", "1.1"), ("lib", "2.0")]
    assert app_lib_extra(index, 2).published == ()    # repeatable
    assert imports(unpack(index, newest(second, {"lib", "extra"}), tmp_path / "good")).returncode == 0
    assert imports(unpack(index, newest(second, {"lib"}), tmp_path / "extra-new")).returncode == 0
    broken = imports(unpack(index, newest(second, {"extra"}), tmp_path / "lib-new"))
    assert "cannot import name 'feature' from 'lib'" in broken.stderr


def test_the_pair_fails_only_together(index: Index, tmp_path: Path) -> None:
    scenario = pair_scenario(index, 2)
    assert [c.package for c in scenario.culprits] == ["alpha", "beta"]
    for reverted, ok in (({"alpha"}, True), ({"beta"}, True), (set(), False), ({"gamma"}, False)):
        proc = imports(unpack(index, newest(scenario, reverted), tmp_path / "-".join(sorted(reverted) or ["none"])))
        assert (proc.returncode == 0) is ok, (reverted, proc.stderr)
        assert ok or "alpha 2.0 cannot speak protocol v2" in proc.stderr


def test_many_breaks_on_exactly_its_guilty_dependency(index: Index, tmp_path: Path) -> None:
    scenario = many_scenario(index, 2, 58, guilty=17)
    assert [c.package for c in scenario.culprits] == ["dep17"] and len(scenario.harmless) == 57
    assert len(scenario.published) == 1 + 58 + 58
    assert imports(unpack(index, newest(scenario, {"dep17"}), tmp_path / "ok")).returncode == 0
    assert "from 'dep17'" in imports(unpack(index, newest(scenario, set()), tmp_path / "bad")).stderr


# ------------------------------------------------------------------------------ real installers


def pip_install(env_dir: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """This suite's pip installing into a fresh venv without pip of its own (pip --python)."""
    if not env_dir.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True, timeout=120)
    return subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install",
                           "--no-cache-dir", "--no-input", *args], capture_output=True, text=True,
                          env=clean_env(tmp_path), timeout=300)


@pytest.fixture(scope="session")
def uv_exe(request: pytest.FixtureRequest) -> str:
    """uv from PATH or beside this Python, else installed once into pytest's cache (skips if it cannot be)."""
    found = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if found:
        return found
    home = Path(request.config.cache.mkdir("rodeo-pyindex-uv")) if request.config.cache else Path("/nonexistent")
    exe = home / "bin" / "uv"
    with held(home):   # the xdist workers share pytest's cache folder
        if not exe.exists():
            proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", str(home / "lib"),
                                   "uv"], capture_output=True, text=True, timeout=600)
            built = home / "lib" / "bin" / "uv"
            if proc.returncode or not built.exists():
                pytest.skip(f"uv is not on PATH and cannot be installed: {proc.stderr[-300:]}")
            exe.parent.mkdir(exist_ok=True)
            shutil.copy2(built, exe)
    return str(exe)


def uv_install(uv: str, env_dir: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = clean_env(tmp_path)
    if not env_dir.exists():
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(env_dir)], check=True, env=env,
                       capture_output=True, timeout=120)
    return subprocess.run([uv, "pip", "install", "--python", str(env_dir / "bin" / "python"), *args],
                          capture_output=True, text=True, env=env, timeout=300)


Installer = Callable[[Path, Path, str], subprocess.CompletedProcess[str]]


@pytest.mark.parametrize("tool", ["pip", "uv"])
def test_a_real_install_passes_at_stage_1_and_fails_naming_feature_at_stage_2(
        index: Index, tmp_path: Path, tool: str, request: pytest.FixtureRequest) -> None:
    def install(env_dir: Path) -> subprocess.CompletedProcess[str]:
        if tool == "uv":
            return uv_install(request.getfixturevalue("uv_exe"), env_dir, tmp_path, "--index-url", index.url, "app")
        return pip_install(env_dir, tmp_path, "--index-url", index.url, "app")

    app_lib_extra(index, 1)
    proc = install(tmp_path / "one")
    assert proc.returncode == 0, proc.stderr
    run = subprocess.run([str(tmp_path / "one" / "bin" / "python"), "-c", "import app; print(app.VALUE)"],
                         capture_output=True, text=True, timeout=60)
    assert run.stdout == "lib 1.0+extra 1.0\n", run.stderr
    assert sorted(set(index.fetched())) == ["app-1.0-py3-none-any.whl", "extra-1.0-py3-none-any.whl",
                                       "lib-1.0-py3-none-any.whl"]
    index.log.clear()
    app_lib_extra(index, 2)
    proc = install(tmp_path / "two")
    assert proc.returncode == 0, proc.stderr
    run = subprocess.run([str(tmp_path / "two" / "bin" / "python"), "-c", "import app"], capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 1 and "cannot import name 'feature' from 'lib'" in run.stderr
    assert {"lib-2.0-py3-none-any.whl", "extra-1.1-py3-none-any.whl"} <= set(index.fetched())


@pytest.mark.parametrize("relist", [True, False], ids=["relisted", "stale-page"])
def test_a_replaced_file_fails_a_hashed_install_with_pips_message(index: Index, tmp_path: Path, relist: bool) -> None:
    old = index.publish("lib", "1.0", modules={"lib/__init__.py": "feature = 1\n"})
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"lib==1.0 --hash=sha256:{old.sha256}\n")
    assert pip_install(tmp_path / "before", tmp_path, "--index-url", index.url, "--require-hashes", "--no-deps",
                       "-r", str(requirements)).returncode == 0
    new = index.replace_file(old.filename, Wheel("lib", "1.0", (), {"lib/__init__.py": "feature = 2\n"}).build(),
                             relist=relist)
    assert new != old.sha256
    assert hashlib.sha256(get(f"{index.base}/files/{old.filename}")[2]).hexdigest() == new
    assert index.release("lib", "1.0").sha256 == (new if relist else old.sha256)
    proc = pip_install(tmp_path / "after", tmp_path, "--index-url", index.url, "--require-hashes", "--no-deps",
                       "-r", str(requirements))
    assert proc.returncode != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in proc.stderr and new in proc.stderr, proc.stderr

# rodeo's six PyPI-family managers take this index as `index-url:` and see its stage 2: that is
# tests/run/test_isolate_real.py, which goes on to isolate the release that broke the import.


def test_an_sdist_builds_with_its_in_tree_backend_or_fails_as_told(index: Index, tmp_path: Path) -> None:
    index.publish_sdist("good", "1.0", modules={"good/__init__.py": "OK = 1\n"})
    index.publish_sdist("broken", "1.0", build_error="src/x.c:1:10: fatal error: zstd.h: No such file or directory")
    proc = pip_install(tmp_path / "env", tmp_path, "--index-url", index.url, "good")
    assert proc.returncode == 0, proc.stderr
    run = subprocess.run([str(tmp_path / "env" / "bin" / "python"), "-c", "import good; print(good.OK)"],
                         capture_output=True, text=True, timeout=60)
    assert run.stdout == "1\n", run.stderr
    proc = pip_install(tmp_path / "env", tmp_path, "--index-url", index.url, "broken")
    assert proc.returncode != 0 and "zstd.h: No such file or directory" in proc.stdout + proc.stderr
