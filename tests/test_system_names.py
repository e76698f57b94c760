"""scripts/system-names: Debian's Contents index -> matrix/system-names.tsv (what sysnames.lookup reads)."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import io
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def script() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("system_names", str(ROOT / "scripts" / "system-names"))
    spec = importlib.util.spec_from_loader("system_names", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


CONTENTS = """\
usr/lib/x86_64-linux-gnu/pkgconfig/gammu.pc                     libdevel/libgammu-dev
usr/bin/gammu-config                                            comm/gammu
usr/lib/x86_64-linux-gnu/libsndfile.so                          libdevel/libsndfile1-dev
usr/lib/x86_64-linux-gnu/libsndfile.so.1                        libs/libsndfile1
usr/include/hdf5/serial/hdf5.h                                  libdevel/libhdf5-dev
usr/lib/python3/dist-packages/numpy/core/lib/npy-pkg-config/npymath.ini python/python3-numpy
usr/lib/x86_64-linux-gnu/pkgconfig/python3.pc                   python/python3-dev,libdevel/libpython3-dev
usr/bin/gdal-config                                             libdevel/libgdal-dev
"""


def test_the_names_a_build_looks_up_and_their_debian_packages() -> None:
    found = script().names(io.StringIO(CONTENTS))
    assert found["gammu"] == "libgammu-dev"                  # the .pc's -dev package, not the tool's
    assert found["libsndfile"] == "libsndfile1-dev"          # the link-time name, not the runtime soname
    assert found["hdf5"] == "libhdf5-dev"                    # the -dev package's own name
    assert found["gdal-config"] == "libgdal-dev"
    assert not any(p.startswith("python") for p in found.values())    # Python's own packages are no system library


def test_the_index_is_checked_against_the_hash_inrelease_lists() -> None:
    release = "Origin: Debian\nMD5Sum:\n abc 1 main/Contents-amd64.gz\nSHA256:\n 0123 11 main/Contents-amd64.gz\n"
    assert script().listed_sha256(release, "main/Contents-amd64.gz") == "0123"
    with pytest.raises(SystemExit, match="not listed"):
        script().listed_sha256(release, "main/Contents-arm64.gz")


def test_the_committed_table_is_well_formed_and_says_where_it_came_from() -> None:
    lines = (ROOT / "matrix" / "system-names.tsv").read_text(encoding="utf-8").splitlines()
    assert re.search(r"Contents-amd64\.gz \(sha256 [0-9a-f]{64}\)", lines[1])
    rows = [line.split("\t") for line in lines if not line.startswith("#")]
    assert len(rows) > 10_000 and all(len(r) == 2 and r[0] and r[1] for r in rows)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
