#!/usr/bin/env python3
"""The wild corpus: real failures of real packages, captured here with pip, uv, poetry, pdm, pipenv, hatch and apt.

    python tests/corpus/wild.py [--only NAME] [-j N] [--list] [--workdir DIR]

``tests/corpus/logs`` is mostly made from our own fixtures; this corpus is made from real PyPI (and
Debian) packages as users meet them: old releases whose sdists no longer build, packages that need a
system library this machine lacks (when built, and when imported), real conflicts, missing, yanked
and Python-incompatible versions, broken indexes (local servers on 127.0.0.1 that refuse, answer 404
or 503, or offer a self-signed certificate; names that do not resolve), numpy-ABI breaks,
undeclared dependencies, a manager that crashes, hash mismatches and failing tests.

Each scenario is a :class:`Case` (one failure, the labels a person wrote for it by reading the
logs) run by several managers, each in one of two forms:

- ``cell``: ``python -m rodeo_action run --cell ...`` as ``capture.py`` does (the probe's verdicts
  appended the same way);
- ``raw``: the tool's own output as a user would paste it (``pip install ...``, ``uv pip install``,
  ``uv add``, ``poetry add``, ``pdm add``, ``pipenv install``, ``hatch env create``/``hatch run``,
  ``apt-get ...``, and ``python -c "import x"`` after a successful install). Lines starting ``$ `` are
  the commands, as in rodeo's own logs; hidden set-up steps (a venv, a pip upgrade, a pyproject) are
  not shown.

Logs go to ``tests/corpus/wild/<manager>/<slug>.log`` with the corpus header plus ``subject:`` (the
package the scenario is about: the train/test split is by subject) and ``form:``. A log is written
only when the run failed the way the scenario expects (the last shown step fails; for the import
phase the installs succeed and the import fails); anything else is reported as a MISS and no log is
written. Logs are tail-trimmed to 300 lines / 60 KB (the first lines and the end are kept), ``$HOME``
is shown as ``/home/user``, and the host's pip configuration (local mirrors) is switched off, so the
logs show the real index.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.server
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WILD = HERE / "wild"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from capture import PDM_WORKING, apt_usable, base_env, os_name, run_all, venv_with  # noqa: E402

from rodeo_action import host  # noqa: E402
from rodeo_action.config import host_os_label, host_python  # noqa: E402

MAX_LINES, MAX_BYTES, HEAD_LINES = 300, 60_000, 8
STEP_TIMEOUT = 600
NUMPY2 = "numpy==2.1.3"


# ------------------------------------------------------------------------------ the catalogue


@dataclass(frozen=True)
class Case:
    """One failure, run by several managers; the labels are a person's reading of the logs."""

    slug: str
    subject: str
    kind: str
    package: str                  # the culprit distribution; "" when none
    summary: str                  # summary-contains
    reqs: tuple[str, ...]
    runs: str                     # "pip:r uv:c ..." (r = raw, c = cell)
    phase: str = "install"
    then: tuple[str, ...] = ()    # a second install (raw pip/uv), e.g. numpy 2 over an old pandas
    imports: tuple[str, ...] = ()  # raw import phase: modules imported after the installs
    no_binary: tuple[str, ...] = ()
    index: str = ""               # a bad index: refused, dns, tls, 404, 503, proxy
    test: str = ""                # cell: a `test:` command
    extra: str = ""               # cell: more rodeo.yml
    special: str = ""             # a raw flow of its own (hash-*, apt-*, old-manager)
    timeout: int = STEP_TIMEOUT
    per: tuple[tuple[str, str, str, str], ...] = ()   # (manager, kind, package, summary) where a log says otherwise
    what: str = ""

    def label(self, manager: str, form: str = "") -> tuple[str, str, str]:
        """The labels of one log: ``per`` entries name a manager or ``manager:form``."""
        for m, kind, package, summary in self.per:
            if m in (manager, f"{manager}:{form}"):
                return kind, package, summary
        return self.kind, self.package, self.summary


def C(slug: str, subject: str, kind: str, package: str, summary: str, reqs: str | tuple[str, ...], runs: str,
      **kw: object) -> Case:
    return Case(slug, subject, kind, package, summary, (reqs,) if isinstance(reqs, str) else reqs, runs,
                **kw)  # type: ignore[arg-type]


BF, MSL, NMD = "build-failed", "missing-system-library", "no-matching-distribution"
CON, IMP = "conflict", "import-error"

BUILDS: tuple[Case, ...] = (
    C("pyyaml-5.4.1-cython3", "pyyaml", BF, "pyyaml", "pyyaml", "pyyaml==5.4.1",
      "pip:r uv:r poetry:c pdm:r pipenv:c hatch:r", what="no cp311 wheel; sdist's setup.py breaks with Cython 3"),
    C("sklearn-deprecated", "sklearn", BF, "sklearn", "sklearn", "sklearn",
      "pip:r uv:c poetry:r pdm:c pipenv:r hatch:c", what="the deprecated sklearn sdist refuses to build"),
    C("tensorflow-gpu-removed", "tensorflow-gpu", BF, "tensorflow-gpu", "tensorflow-gpu", "tensorflow-gpu==2.12.0",
      "pip:r uv:r poetry:c pdm:r pipenv:c hatch:r", what="tensorflow-gpu 2.12.0: an sdist that refuses to build"),
    C("numpy-1.19.5", "numpy", BF, "numpy", "numpy", "numpy==1.19.5",
      "pip:r uv:c poetry:r hatch:r", timeout=420, what="no cp311 wheel; old sdist on 3.11"),
    C("lxml-4.2.0", "lxml", BF, "lxml", "lxml", "lxml==4.2.0", "pip:r uv:c hatch:r pdm:c", timeout=420,
      what="2018 sdist, Cython-generated C for old CPython"),
    C("aiohttp-3.8.1", "aiohttp", BF, "aiohttp", "aiohttp", "aiohttp==3.8.1", "pip:r uv:r poetry:c pipenv:r",
      timeout=420, what="no cp311 wheel; C made by an old Cython (longintrepr.h)"),
    C("uvloop-0.16.0", "uvloop", BF, "uvloop", "uvloop", "uvloop==0.16.0", "pip:c uv:r pdm:r hatch:c", timeout=420,
      what="no cp311 wheel; old Cython C"),
    C("gevent-21.12.0", "gevent", BF, "gevent", "gevent", "gevent==21.12.0", "pip:r uv:r hatch:c", timeout=480,
      what="no cp311 wheel; old gevent on 3.11"),
    C("typed-ast-1.4.3", "typed-ast", BF, "typed-ast", "typed", "typed-ast==1.4.3",
      "pip:r uv:c poetry:r pdm:r hatch:c pipenv:r", timeout=420, what="CPython-internal C of 3.8 on 3.11"),
    C("cchardet-2.1.7", "cchardet", BF, "cchardet", "cchardet", "cchardet==2.1.7", "pip:r uv:r hatch:c poetry:c",
      timeout=420, what="no cp311 wheel; old Cython C"),
    C("preshed-3.0.5", "preshed", BF, "preshed", "preshed", "preshed==3.0.5", "pip:r uv:c", timeout=420,
      what="no cp311 wheel; old Cython C"),
    C("murmurhash-1.0.5", "murmurhash", BF, "murmurhash", "murmurhash", "murmurhash==1.0.5", "pip:c uv:r pdm:r",
      timeout=420, what="no cp311 wheel; old Cython C"),
    C("pycrypto-2.6.1", "pycrypto", BF, "pycrypto", "pycrypto", "pycrypto==2.6.1", "pip:r uv:c hatch:r",
      timeout=420, what="2013 sdist on 3.11"),
    C("backports-zoneinfo", "backports-zoneinfo", BF, "backports-zoneinfo", "zoneinfo", "backports.zoneinfo==0.2.1",
      "pip:r uv:r", timeout=420, what="a backport for <3.9 built on 3.11"),
    # matplotlib 3.3's build downloads FreeType's source; this machine reaches PyPI only: a network failure
    # inside a build, blamed on the build that needs the download
    C("matplotlib-3.3.4", "matplotlib", "network", "matplotlib", "FreeType", "matplotlib==3.3.4", "pip:r uv:r",
      timeout=480, what="no cp311 wheel; its build downloads FreeType (unreachable here)"),
    C("scipy-1.7.3", "scipy", NMD, "scipy", "scipy", "scipy==1.7.3", "pip:r uv:c", timeout=480,
      what="Requires-Python <3.11: pip skips it; uv ignores the upper bound and the sdist's Cython fails",
      per=(("uv", BF, "scipy", "scipy"),)),
    C("pandas-1.3.5", "pandas", BF, "pandas", "pkg_resources", "pandas==1.3.5", "pip:r", timeout=480,
      what="no cp311 wheel; the sdist's setup.py imports pkg_resources, gone from today's setuptools"),
    C("grpcio-1.43.0", "grpcio", BF, "grpcio", "pkg_resources", "grpcio==1.43.0", "pip:c uv:c poetry:r hatch:r",
      timeout=480, what="no cp311 wheel; the 2022 sdist's setup.py on today's setuptools"),
    C("pickle5", "pickle5", BF, "pickle5", "pickle5", "pickle5==0.0.11", "pip:r uv:r", timeout=420,
      what="a pickle backport using CPython internals"),
)

SYSLIB_BUILDS: tuple[Case, ...] = (
    C("pygraphviz-source", "pygraphviz", MSL, "pygraphviz", "graphviz", "pygraphviz",
      "pip:r uv:r poetry:r pdm:r pipenv:r hatch:r", no_binary=("pygraphviz",),
      what="--no-binary pygraphviz (abi3 wheels exist since 2.0): graphviz/cgraph.h absent"),
    C("mysqlclient", "mysqlclient", MSL, "mysqlclient", "mysql", "mysqlclient",
      "pip:c uv:r poetry:r pdm:c pipenv:r hatch:c", what="mysql_config / pkg-config mysqlclient absent"),
    C("pycairo", "pycairo", MSL, "pycairo", "cairo", "pycairo", "pip:r uv:r poetry:c pdm:r pipenv:r hatch:c",
      what="cairo (pkg-config) absent"),
    # pygobject's build requires pycairo, whose own build stops first: cairo is absent
    C("pygobject", "pygobject", MSL, "pycairo", "cairo", "pygobject", "pip:r uv:c pdm:c hatch:r",
      what="its build dependency pycairo needs cairo (absent)"),
    C("dbus-python", "dbus-python", MSL, "dbus-python", "dbus", "dbus-python", "pip:r uv:r poetry:c pipenv:c",
      what="dbus-1 (pkg-config) absent"),
    C("python-ldap", "python-ldap", MSL, "python-ldap", "ldap", "python-ldap", "pip:r uv:c pdm:r hatch:r",
      what="lber.h / ldap.h absent"),
    C("pycurl", "pycurl", MSL, "pycurl", "curl-config", "pycurl==7.45.2", "pip:r uv:r poetry:c pdm:c",
      what="curl-config absent"),
    # pipenv's own output keeps only "Failed to build 'gssapi'": a build failure is all a reader can tell
    C("gssapi", "gssapi", MSL, "gssapi", "krb5-config", "gssapi", "pip:r uv:c pipenv:r hatch:c",
      what="krb5-config absent", per=(("pipenv:raw", BF, "gssapi", "gssapi"),)),
    C("h5py-source", "h5py", MSL, "h5py", "hdf5", "h5py", "pip:r uv:r", no_binary=("h5py",),
      what="--no-binary h5py: HDF5 absent"),
    C("h5py-3.7.0", "h5py", MSL, "h5py", "hdf5", "h5py==3.7.0", "pdm:c poetry:c hatch:c", timeout=480,
      what="no cp311 wheel: HDF5 absent"),
    C("pyodbc-source", "pyodbc", MSL, "pyodbc", "sql.h", "pyodbc", "pip:r uv:r", no_binary=("pyodbc",),
      what="--no-binary pyodbc: sql.h absent"),
    C("python-snappy-0.6.1", "python-snappy", MSL, "python-snappy", "snappy", "python-snappy==0.6.1",
      "pip:r uv:c poetry:r pdm:c hatch:r", what="no cp311 wheel: snappy-c.h absent"),
    C("systemd-python", "systemd-python", MSL, "systemd-python", "systemd", "systemd-python",
      "pip:r uv:r pdm:c pipenv:c", what="libsystemd headers absent"),
    C("m2crypto", "m2crypto", MSL, "m2crypto", "swig", "m2crypto", "pip:r uv:c poetry:r hatch:c",
      what="swig absent"),
    C("pyaudio", "pyaudio", MSL, "pyaudio", "portaudio", "pyaudio", "pip:r uv:r pdm:r pipenv:c hatch:c",
      what="portaudio.h absent"),
    C("plyvel-source", "plyvel", MSL, "plyvel", "leveldb", "plyvel", "pip:r uv:r", no_binary=("plyvel",),
      what="--no-binary plyvel: leveldb headers absent"),
    C("pylibmc-source", "pylibmc", MSL, "pylibmc", "memcached", "pylibmc", "pip:r uv:r pdm:r",
      no_binary=("pylibmc",), what="--no-binary pylibmc: libmemcached headers absent"),
    C("gmpy2-source", "gmpy2", MSL, "gmpy2", "mpfr", "gmpy2", "pip:r uv:r", no_binary=("gmpy2",),
      what="--no-binary gmpy2: mpfr.h absent"),
    C("pygit2-source", "pygit2", MSL, "pygit2", "git2", "pygit2", "pip:r uv:r", no_binary=("pygit2",),
      what="--no-binary pygit2: libgit2 absent"),
    C("pycups", "pycups", MSL, "pycups", "cups", "pycups", "pip:r uv:c hatch:r", what="cups/cups.h absent"),
    C("kerberos", "kerberos", MSL, "kerberos", "krb5-config", "kerberos", "pip:r uv:r poetry:c",
      what="krb5-config absent"),
    C("rpy2", "rpy2", MSL, "rpy2", "R_HOME", "rpy2==3.5.16", "pip:r uv:c", what="R absent"),
    C("mod-wsgi", "mod-wsgi", MSL, "mod-wsgi", "apxs", "mod_wsgi", "pip:r uv:r hatch:c pipenv:c",
      what="Apache apxs absent"),
    C("pyfuse3", "pyfuse3", MSL, "pyfuse3", "fuse3", "pyfuse3", "pip:r uv:r", what="fuse3 absent"),
    C("pybluez", "pybluez", BF, "pybluez", "use_2to3", "pybluez==0.23", "pip:r uv:r poetry:c",
      what="setup.py passes use_2to3, which setuptools no longer accepts (under poetry: pkg_resources first)",
      per=(("poetry", BF, "pybluez", "pkg_resources"),)),
    C("pyproj-3.2.1", "pyproj", BF, "pyproj", "pkg_resources", "pyproj==3.2.1", "pip:r uv:c pdm:c hatch:r",
      what="no cp311 wheel; setup.py imports pkg_resources, gone from today's setuptools"),
    C("shapely-1.7.1", "shapely", MSL, "shapely", "geos", "shapely==1.7.1",
      "pip:r uv:r poetry:c pipenv:r poetry:r pdm:c",
      what="no cp311 wheel: GEOS absent (pipenv keeps only \"Failed to build 'shapely'\")",
      per=(("pipenv", BF, "shapely", "shapely"),)),
    C("fiona-1.8.22-source", "fiona", MSL, "fiona", "gdal-config", "fiona==1.8.22",
      "pip:r uv:r poetry:r pdm:r", no_binary=("fiona",), what="--no-binary fiona: gdal-config absent"),
    C("gdal", "gdal", MSL, "gdal", "gdal-config", "gdal", "pip:r uv:r pdm:r hatch:c", what="gdal-config absent"),
    C("rasterio-1.2.10", "rasterio", MSL, "rasterio", "gdal-config", "rasterio==1.2.10", "pip:r uv:c",
      what="no cp311 wheel: gdal-config absent"),
    C("netcdf4-1.5.8", "netcdf4", MSL, "netcdf4", "hdf5", "netcdf4==1.5.8", "pip:r uv:r pdm:c", timeout=480,
      what="no cp311 wheel: netCDF/HDF5 absent"),
    C("tables-3.7.0", "tables", BF, "tables", "pkg_resources", "tables==3.7.0", "pip:r uv:c hatch:r", timeout=480,
      what="no cp311 wheel; setup.py imports pkg_resources, gone from today's setuptools"),
    C("pyarrow-7.0.0", "pyarrow", BF, "pyarrow", "pkg_resources", "pyarrow==7.0.0", "pip:r uv:c", timeout=480,
      what="no cp311 wheel; setup.py imports pkg_resources, gone from today's setuptools"),
    C("mpi4py-3.1.6", "mpi4py", BF, "mpi4py", "dry_run", "mpi4py==3.1.6", "pip:r uv:r poetry:c pdm:c hatch:r",
      what="no cp311 wheel; its distutils glue calls new_compiler(dry_run=...), gone from today's setuptools"),
    C("pyscard", "pyscard", MSL, "pyscard", "pcsclite", "pyscard", "pip:r uv:c",
      what="libpcsclite (winscard.h) absent"),
)

SYSLIB_IMPORTS: tuple[Case, ...] = (
    C("pyodbc-libodbc", "pyodbc", MSL, "pyodbc", "libodbc", "pyodbc", "pip:r uv:c poetry:c pdm:r pipenv:c hatch:r",
      phase="import", imports=("pyodbc",), what="wheel linked to libodbc.so.2 (absent)"),
    C("pyzbar", "pyzbar", MSL, "pyzbar", "zbar", "pyzbar", "pip:r uv:c poetry:r pdm:c pipenv:r hatch:c",
      phase="import", imports=("pyzbar.pyzbar",), what="ctypes: libzbar absent"),
    C("fusepy", "fusepy", MSL, "fusepy", "fuse", "fusepy", "pip:r uv:c poetry:r pdm:r pipenv:c hatch:r",
      phase="import", imports=("fuse",), what="ctypes: libfuse absent"),
    C("pylibdmtx", "pylibdmtx", MSL, "pylibdmtx", "dmtx", "pylibdmtx", "pip:r uv:r pdm:c hatch:c",
      phase="import", imports=("pylibdmtx.pylibdmtx",), what="ctypes: libdmtx absent"),
    C("pyvips", "pyvips", MSL, "pyvips", "vips", "pyvips", "pip:r uv:c", phase="import", imports=("pyvips",),
      what="cffi: libvips absent"),
    C("sounddevice", "sounddevice", MSL, "sounddevice", "portaudio", "sounddevice",
      "pip:r uv:c poetry:c pdm:r pipenv:r hatch:r", phase="import", imports=("sounddevice",),
      what="cffi: PortAudio absent"),
    # rtree 0.9.4's setup.py imports rtree, whose ctypes lookup of libspatialindex_c finds nothing and
    # falls back to the interpreter itself: "undefined symbol: Error_GetLastErrorNum" while building
    C("rtree-0.9.4", "rtree", MSL, "rtree", "Error_GetLastErrorNum", "rtree==0.9.4", "pip:r uv:r poetry:c hatch:c",
      what="sdist whose setup.py loads libspatialindex_c with ctypes (absent)"),
    C("pysdl2", "pysdl2", MSL, "pysdl2", "sdl2", "pysdl2", "pip:r uv:c pdm:r pipenv:c", phase="import",
      imports=("sdl2",), what="ctypes: SDL2 absent"),
    C("libusb1", "libusb1", MSL, "libusb1", "libusb", "libusb1", "uv:c pip:c", phase="import",
      imports=("libusb1",), what="the legacy libusb1 module loads libusb-1.0 at import (absent)"),
    C("wand", "wand", MSL, "wand", "magickwand", "wand", "pip:r uv:r poetry:c pdm:c pipenv:r hatch:c",
      phase="import", imports=("wand.image",), what="ctypes: ImageMagick's MagickWand absent"),
)


def abi(slug: str, subject: str, pin: str, module: str, runs: str, summary: str = "numpy", **kw: object) -> Case:
    """An old compiled wheel with numpy 2 (installed after it, as users do): the import breaks."""
    return C(slug, subject, IMP, subject, summary, (pin, NUMPY2), runs, phase="import", imports=(module,),
             what=f"{pin} built against numpy 1, imported with {NUMPY2}", **kw)


ABI: tuple[Case, ...] = (
    abi("pandas-1.5.3-numpy2", "pandas", "pandas==1.5.3", "pandas", "pip:r uv:c poetry:r hatch:c"),
    abi("matplotlib-3.7.1-numpy2", "matplotlib", "matplotlib==3.7.1", "matplotlib.pyplot",
        "pip:r uv:r pdm:c poetry:c"),
    abi("scikit-learn-1.2.2-numpy2", "scikit-learn", "scikit-learn==1.2.2", "sklearn", "pip:r uv:c pipenv:r hatch:c"),
    abi("h5py-3.8.0-numpy2", "h5py", "h5py==3.8.0", "h5py", "pip:r uv:r pdm:c"),
    abi("numexpr-2.8.4-numpy2", "numexpr", "numexpr==2.8.4", "numexpr", "pip:r poetry:r uv:c"),
    abi("shapely-2.0.1-numpy2", "shapely", "shapely==2.0.1", "shapely", "pip:r uv:c pdm:r pipenv:c"),
    abi("pyarrow-11.0.0-numpy2", "pyarrow", "pyarrow==11.0.0", "pyarrow", "pip:r uv:r hatch:c"),
    # statsmodels 0.13.5 meets today's scipy first: scipy._lib._util._lazywhere is gone
    abi("statsmodels-0.13.5-numpy2", "statsmodels", "statsmodels==0.13.5", "statsmodels.api", "pip:r uv:c",
        summary="_lazywhere"),
    abi("pywavelets-1.4.1-numpy2", "pywavelets", "pywavelets==1.4.1", "pywt", "pip:r uv:r poetry:c"),
    abi("astropy-5.2.2-numpy2", "astropy", "astropy==5.2.2", "astropy.table", "pip:r uv:c"),
    abi("bottleneck-1.3.7-numpy2", "bottleneck", "bottleneck==1.3.7", "bottleneck", "pip:r pdm:r"),
    C("scipy-1.10.1-then-numpy2", "scipy", IMP, "scipy", "numpy", "scipy==1.10.1", "pip:r uv:r", phase="import",
      then=(NUMPY2,), imports=("scipy.linalg",), what="pip install scipy==1.10.1, then numpy 2 over it"),
)

IMPORTS: tuple[Case, ...] = (
    C("jinja2-2.11.3-markupsafe", "jinja2", IMP, "jinja2", "soft_unicode", "jinja2==2.11.3",
      "pip:r uv:r poetry:c pipenv:c hatch:r", phase="import", imports=("jinja2",),
      what="jinja2 2.11 imports markupsafe.soft_unicode (gone in markupsafe 2.1)"),
    C("flask-1.0.4-jinja3", "flask", IMP, "flask", "markup", "flask==1.0.4", "pip:r uv:c",
      phase="import", imports=("flask",), what="flask 1.0 imports jinja2.Markup (gone in Jinja2 3.1)"),
    C("flask-restful-0.3.8", "flask-restful", IMP, "flask-restful", "_endpoint_from_view_func", "flask-restful==0.3.8",
      "pip:r uv:r poetry:c pipenv:r", phase="import", imports=("flask_restful",),
      what="imports a private flask helper gone in Flask 2.2"),
    C("flask-script", "flask-script", IMP, "flask-script", "flask._compat", "flask-script", "pip:r uv:c hatch:c",
      phase="import", imports=("flask_script",), what="imports flask._compat (gone in Flask 2)"),
    C("requests-2.5.0-collections", "requests", IMP, "requests", "mapping", "requests==2.5.0", "pip:r uv:r",
      phase="import", imports=("requests",), what="2014 requests: from collections import Mapping"),
    C("keras-2.15-no-tensorflow", "keras", IMP, "keras", "numpy", "keras==2.15.0",
      "pip:r uv:c poetry:r pipenv:c hatch:c", phase="import", imports=("keras",),
      what="keras 2 imports numpy and tensorflow without declaring them (numpy fails first)"),
    C("tensorflow-probability-no-tf", "tensorflow-probability", IMP, "tensorflow-probability", "tensorflow",
      "tensorflow-probability==0.24.0", "pip:r uv:r hatch:c pdm:c", phase="import",
      imports=("tensorflow_probability.python.distributions",),
      what="imports tensorflow (lazily, on first use) without declaring it"),
    # in a uv venv (no setuptools) tensorflow-hub's own version check fails first: pkg_resources, undeclared
    C("tensorflow-hub-no-tf", "tensorflow-hub", IMP, "tensorflow-hub", "pkg_resources", "tensorflow-hub==0.16.1",
      "uv:r", phase="import", imports=("tensorflow_hub",),
      what="imports pkg_resources (setuptools) without declaring it"),
    C("tensorflow-addons-no-tf", "tensorflow-addons", IMP, "tensorflow-addons", "tensorflow",
      "tensorflow-addons==0.23.0", "pip:r uv:c", phase="import", imports=("tensorflow_addons",),
      what="imports tensorflow without declaring it"),
)


def con(slug: str, subject: str, contested: str, reqs: tuple[str, ...], runs: str, what: str, **kw: object) -> Case:
    return C(slug, subject, CON, contested, contested, reqs, runs, what=what, **kw)


CONFLICTS: tuple[Case, ...] = (
    con("requests-idna", "requests", "idna", ("requests==2.32.3", "idna==2.0"),
        "pip:r pdm:c", "requests 2.32.3 needs idna>=2.5"),
    con("tensorflow-protobuf", "tensorflow", "protobuf", ("tensorflow==2.15.0", "protobuf==5.28.0"),
        "pip:r uv:r poetry:c pipenv:c", "tensorflow 2.15 needs protobuf<5"),
    con("django-asgiref", "django", "asgiref", ("django==5.0", "asgiref<3.7"),
        "pip:r uv:r poetry:c pdm:r", "django 5.0 needs asgiref>=3.7"),
    con("flask-werkzeug", "flask", "werkzeug", ("flask==3.0.0", "werkzeug<3"),
        "pip:c uv:r", "flask 3.0 needs werkzeug>=3"),
    con("boto3-botocore", "boto3", "botocore", ("boto3==1.34.0", "botocore==1.29.0"),
        "pip:r uv:c poetry:c pdm:r pipenv:r hatch:r", "boto3 1.34.0 needs botocore 1.34.x"),
    con("sphinx-docutils", "sphinx", "docutils", ("sphinx==7.2.6", "docutils<0.18"), "pip:r uv:r pdm:c hatch:c",
        "sphinx 7.2 needs docutils>=0.18.1"),
    con("fastapi-starlette", "fastapi", "starlette", ("fastapi==0.110.0", "starlette==0.40.0"),
        "pip:r uv:c poetry:r pipenv:c", "fastapi 0.110 needs starlette<0.37"),
    con("celery-kombu", "celery", "kombu", ("celery==5.3.6", "kombu<5.3"), "pip:c uv:r pdm:r hatch:r",
        "celery 5.3.6 needs kombu>=5.3.4"),
    con("transformers-tokenizers", "transformers", "tokenizers", ("transformers==4.40.0", "tokenizers==0.13.3"),
        "pip:r uv:r poetry:c pdm:c pipenv:r hatch:c", "transformers 4.40 needs tokenizers 0.19"),
    con("black-click", "black", "click", ("black==24.1.0", "click<8"), "pip:r uv:c poetry:r hatch:r",
        "black 24 needs click>=8"),
    con("pytest-pluggy", "pytest", "pluggy", ("pytest==8.0.0", "pluggy<1.3"), "pip:r uv:r pdm:c pipenv:r",
        "pytest 8.0 needs pluggy>=1.3"),
    con("jinja2-markupsafe", "jinja2", "markupsafe", ("jinja2==3.1.4", "markupsafe<2"), "pip:c uv:r pdm:r",
        "jinja2 3.1 needs markupsafe>=2"),
    con("httpx-httpcore", "httpx", "httpcore", ("httpx==0.27.0", "httpcore<1"), "pip:r uv:c pdm:r hatch:c",
        "httpx 0.27 needs httpcore 1.x"),
    con("scipy-old-numpy", "scipy", "numpy", ("scipy==1.14.1", "numpy<1.23"), "pip:r pipenv:r",
        "scipy 1.14 needs numpy>=1.23.5"),
    con("numba-numpy2", "numba", "numpy", ("numba==0.58.1", "numpy==2.0.2"), "pip:r uv:c pdm:r hatch:r",
        "numba 0.58 needs numpy<1.27"),
    con("opencv-tensorflow-numpy", "opencv-python", "numpy", ("opencv-python==4.12.0.88", "tensorflow==2.16.1"),
        "pip:r uv:r poetry:c pdm:c pipenv:r", "opencv-python 4.12 needs numpy>=2, tensorflow 2.16 numpy<2"),
    con("tensorflow-keras3", "keras", "keras", ("tensorflow==2.15.0", "keras==3.3.3"), "pip:r uv:c poetry:r",
        "tensorflow 2.15 needs keras<2.16"),
    con("pandas-old-numpy", "pandas", "numpy", ("pandas==2.2.3", "numpy==1.21.0"), "pip:c uv:r pipenv:c",
        "pandas 2.2.3 needs numpy>=1.23.2 on 3.11"),
    con("scipy-1.10.1-numpy2", "scipy", "numpy", ("scipy==1.10.1", NUMPY2), "uv:r poetry:r",
        "scipy 1.10.1 needs numpy<1.27"),
    con("aiohttp-yarl", "aiohttp", "yarl", ("aiohttp==3.9.5", "yarl<1.0"), "pip:r uv:r hatch:c",
        "aiohttp 3.9 needs yarl>=1.0"),
    con("sqlalchemy-typing-extensions", "sqlalchemy", "typing-extensions",
        ("sqlalchemy==2.0.30", "typing-extensions<4.2"), "pip:r uv:c pdm:r",
        "sqlalchemy 2.0 needs typing-extensions>=4.6"),
    con("pydantic-core-pin", "pydantic", "pydantic-core", ("pydantic==2.7.0", "pydantic-core==2.20.0"),
        "pip:r uv:r poetry:c pdm:r pipenv:r hatch:c", "pydantic 2.7.0 pins pydantic-core 2.18.1"),
    con("google-cloud-storage-api-core", "google-cloud-storage", "google-api-core",
        ("google-cloud-storage==2.16.0", "google-api-core<2"), "pip:r uv:c", "needs google-api-core>=2.15"),
    con("matplotlib-pyparsing", "matplotlib", "pyparsing", ("matplotlib==3.9.0", "pyparsing<2.3"), "pip:r hatch:c",
        "matplotlib 3.9 needs pyparsing>=2.3.1"),
)

NO_MATCH: tuple[Case, ...] = (
    C("flask-missing-version", "flask", NMD, "flask", "flask", "flask==9.9.9",
      "pip:r uv:r poetry:c pdm:r", what="a version that does not exist"),
    C("numpy-missing-version", "numpy", NMD, "numpy", "numpy", "numpy==3.0.0",
      "pip:c uv:r pdm:c pipenv:c", what="a version that does not exist"),
    C("torch-no-cp311", "torch", NMD, "torch", "torch", "torch==1.12.1", "pip:r uv:c poetry:r pdm:r pipenv:c hatch:r",
      what="wheels for CPython <=3.10 only, no sdist"),
    C("tensorflow-no-cp311", "tensorflow", NMD, "tensorflow", "tensorflow", "tensorflow==2.10.0",
      "pip:r uv:r pdm:c hatch:c", what="wheels for CPython <=3.10 only"),
    C("django-requires-python", "django", NMD, "django", "django", "django==6.1.3",
      "pip:r uv:c pipenv:r hatch:c", what="Requires-Python >=3.12"),
    # uv ignores Requires-Python upper bounds: it builds llvmlite 0.38.1's sdist, whose setup.py refuses 3.11
    # (no version fits this Python: no-matching-distribution, blamed on llvmlite)
    C("numba-requires-python", "numba", NMD, "numba", "numba", "numba==0.55.2", "pip:r uv:r poetry:c pdm:c",
      what="Requires-Python <3.11", per=(("uv", NMD, "llvmlite", "llvmlite"),)),
    C("requests-only-yanked", "requests", NMD, "requests", "requests", "requests>=2.32.0,<2.32.2",
      "pip:r uv:c poetry:r pipenv:c", what="the only matching releases (2.32.0, 2.32.1) are yanked"),
    C("pkg-resources-0.0.0", "pkg-resources", NMD, "pkg-resources", "pkg-resources", "pkg-resources==0.0.0",
      "pip:r uv:r pipenv:r poetry:c", what="the Ubuntu pip-freeze artefact"),
    C("yaml-wrong-name", "yaml", NMD, "yaml", "yaml", "yaml", "pip:r uv:r hatch:c pdm:c",
      what="the import name, not the distribution (PyYAML)"),
    C("cv2-wrong-name", "cv2", NMD, "cv2", "cv2", "cv2", "pip:r uv:c",
      what="the import name, not the distribution (opencv-python)"),
    C("jaxlib-no-cp311", "jaxlib", NMD, "jaxlib", "jaxlib", "jaxlib==0.3.25", "pip:r uv:r pdm:c",
      what="no cp311 wheels"),
    C("onnxruntime-no-cp311", "onnxruntime", NMD, "onnxruntime", "onnxruntime", "onnxruntime==1.12.1",
      "pip:r uv:c poetry:c", what="no cp311 wheels"),
    C("open3d-no-cp311", "open3d", NMD, "open3d", "open3d", "open3d==0.16.0", "pip:c uv:r", what="no cp311 wheels"),
    C("ray-no-cp311", "ray", NMD, "ray", "ray", "ray==2.0.0", "pip:r uv:r pipenv:c", what="no cp311 wheels"),
    C("mediapipe-no-cp311", "mediapipe", NMD, "mediapipe", "mediapipe", "mediapipe==0.8.11", "pip:r uv:c hatch:r",
      what="no cp311 wheels"),
    C("windows-curses", "windows-curses", NMD, "windows-curses", "windows-curses", "windows-curses",
      "pip:r uv:r poetry:c pdm:r", what="Windows wheels only"),
    C("dataclasses-requires-python", "dataclasses", NMD, "dataclasses", "dataclasses", "dataclasses==0.8",
      "pip:r", what="Requires-Python <3.7 (uv ignores upper bounds and installs it)"),
)

NET = "network"
NETWORK: tuple[Case, ...] = (
    # pipenv's own output (raw) hides pip's network errors; pip 23.2 and pdm say nothing of a 503 but
    # "no versions"/"no candidates" from the local index: network by construction, no word to require
    C("index-refused", "attrs", NET, "", "refused", "attrs", "pip:r uv:c poetry:r pdm:c pipenv:r hatch:c",
      index="refused", what="index on a closed local port",
      per=(("poetry", NET, "", "127.0.0.1"), ("pipenv:raw", NET, "", ""))),
    C("index-dns", "idna", NET, "", "nosuch", "idna", "pip:c uv:r poetry:c pdm:r pipenv:c hatch:r",
      index="dns", what="index on a name that does not resolve", per=(("pdm", NET, "", "not known"),)),
    C("index-tls", "certifi", NET, "", "certificate", "certifi", "pip:r uv:r poetry:c pdm:r pipenv:c hatch:c",
      index="tls", what="index behind a self-signed certificate", per=(("poetry", NET, "", "127.0.0.1"),)),
    C("index-file-404", "packaging", NET, "", "404", "packaging", "pip:r uv:c poetry:r pdm:c pipenv:r hatch:r",
      index="404", what="index lists a file the server answers 404 for"),
    C("index-503", "click", NET, "", "503", "click", "pip:c uv:r poetry:r pdm:r pipenv:c hatch:c",
      index="503", what="index answers 503 to everything",
      per=(("pip:cell", NET, "", ""), ("hatch:cell", NET, "", ""), ("pipenv:cell", NET, "", ""),
           ("pdm", NET, "", ""))),
    C("proxy-dns", "rich", NET, "", "proxy", "rich", "pip:r uv:r poetry:r pdm:r pipenv:r hatch:r",
      index="proxy", what="HTTPS_PROXY names a host that does not resolve",
      per=(("pdm", NET, "", "not known"), ("uv", NET, "", "tunnel"), ("poetry", NET, "", "pypi.org"))),
)

OTHER: tuple[Case, ...] = (
    C("pdm-hishel2", "pdm", "manager-broken", "pdm", "hishel", "requests", "pdm:r", special="pdm-latest",
      what="pdm from PyPI today (hishel 2.x) crashes on lock"),
    C("pdm-hishel2-tomli", "pdm", "manager-broken", "pdm", "hishel", "tomli", "pdm:r pdm:c", special="pdm-latest",
      what="pdm from PyPI today (hishel 2.x) crashes on lock"),
    C("hash-packaging", "packaging", "hash-mismatch", "packaging", "hash", "packaging==24.1", "pip:r uv:r",
      special="hash-req", what="--require-hashes with a wrong sha256"),
    C("hash-lock-six", "six", "hash-mismatch", "six", "hash", "six==1.16.0", "poetry:r pdm:r pipenv:r",
      special="hash-lock", what="a lock file whose sha256 for six was altered",
      per=(("poetry", "hash-mismatch", "six", "checksums"),)),
    C("test-packaging", "packaging", "test-failed", "", "assert", "packaging", "pip:c",
      test="python -c \"import packaging; assert packaging.__version__.startswith('99'), packaging.__version__\"",
      phase="test", what="a `test:` that fails"),
    C("test-tomli", "tomli", "test-failed", "", "tomli", "tomli", "uv:c",
      test="python -c \"import tomli; tomli.loads('a = ')\"", phase="test", what="a `test:` that raises"),
    C("test-click", "click", "test-failed", "", "click", "click", "poetry:c",
      test="python -c \"import click, sys; sys.exit('click ' + click.__version__ + ': no click.nosuch')\"",
      phase="test", what="a `test:` that fails"),
    C("test-rich", "rich", "test-failed", "", "rich", "rich", "pdm:c",
      test="python -c \"import rich; rich.print(rich.nosuch)\"", phase="test", what="a `test:` that raises"),
    C("test-colorama", "colorama", "test-failed", "", "colorama", "colorama", "pipenv:c hatch:c",
      test="python -c \"import colorama; assert colorama.__version__ == '0.0', 'colorama ' + colorama.__version__\"",
      phase="test", what="a `test:` that fails"),
    C("cell-timeout", "pillow", "timeout", "", "", "pillow==9.1.0", "pip:c uv:c", extra="timeout: 20s\n",
      what="a 2022 Pillow sdist (no cp311 wheel) compiling past a 20 s cell timeout"),
)

APT: tuple[Case, ...] = (
    C("tensorflow", "python3-tensorflow", "not-packaged", "python3-tensorflow", "python3-tensorflow", "tensorflow",
      "apt:r apt:c", what="Debian has no python3-tensorflow"),
    C("polars", "python3-polars", "not-packaged", "python3-polars", "python3-polars", "polars", "apt:r apt:c",
      what="Debian 12 has no python3-polars"),
    C("duckdb", "python3-duckdb", "not-packaged", "python3-duckdb", "python3-duckdb", "duckdb", "apt:c",
      what="Debian 12 has no python3-duckdb"),
    C("streamlit", "python3-streamlit", "not-packaged", "python3-streamlit", "python3-streamlit", "streamlit",
      "apt:r", what="Debian has no python3-streamlit"),
    C("requests-version", "python3-requests", NMD, "python3-requests", "9.9.9", "python3-requests=9.9.9-1", "apt:r",
      special="apt-install", what="a version Debian does not have"),
    C("numpy-version", "python3-numpy", NMD, "python3-numpy", "2.1.3", "python3-numpy=1:2.1.3-1", "apt:r",
      special="apt-install", what="a version Debian does not have"),
    C("update-refused", "python3-toolz", NET, "", "127.0.0.1", "", "apt:r", special="apt-update", index="refused",
      what="apt-get update from a closed local port"),
    C("update-dns", "python3-toolz", NET, "", "nosuch", "", "apt:r", special="apt-update", index="dns",
      what="apt-get update from a name that does not resolve"),
    C("update-404", "python3-toolz", NET, "", "404", "", "apt:r", special="apt-update", index="404",
      what="apt-get update from a server answering 404"),
    C("update-503", "python3-toolz", NET, "", "503", "", "apt:r", special="apt-update", index="503",
      what="apt-get update from a server answering 503"),
    C("test-yaml", "python3-yaml", "test-failed", "", "yaml", "pyyaml", "apt:c",
      test="python3 -c \"import yaml; yaml.safe_load('a: [')\"", phase="test", what="a `test:` that raises"),
)

# A second catalogue (issue 15): more subjects, so that rules written against the train part meet more
# wordings. The labels were written before any of these logs was classified.
MORE_SYSLIB: tuple[Case, ...] = (
    C("pykerberos", "pykerberos", MSL, "pykerberos", "krb5-config", "pykerberos", "pip:r uv:c pdm:r",
      what="krb5-config absent"),
    # sasl's C++ was made by an old Cython: longintrepr.h (gone in 3.11) stops the build before sasl/sasl.h
    C("sasl", "sasl", BF, "sasl", "longintrepr", "sasl", "pip:r uv:r hatch:c",
      what="no cp311 wheel; C++ made by an old Cython (libsasl2's headers are absent too)"),
    C("pyalsaaudio", "pyalsaaudio", MSL, "pyalsaaudio", "alsa", "pyalsaaudio", "pip:r uv:c poetry:r",
      what="alsa/asoundlib.h absent (the runtime library is here, the headers are not)"),
    C("simpleaudio", "simpleaudio", MSL, "simpleaudio", "alsa", "simpleaudio", "pip:r uv:r pipenv:c",
      what="no wheel for Linux: alsa/asoundlib.h absent"),
    C("bsddb3", "bsddb3", MSL, "bsddb3", "berkeley", "bsddb3", "pip:r uv:c pdm:c",
      what="no Berkeley DB installation (db.h)"),
    C("tesserocr-source", "tesserocr", MSL, "tesserocr", "tesseract", "tesserocr", "pip:r uv:r hatch:r",
      no_binary=("tesserocr",), what="--no-binary tesserocr: tesseract (pkg-config) absent"),
    C("pylibacl", "pylibacl", MSL, "pylibacl", "acl", "pylibacl", "pip:r uv:c", no_binary=("pylibacl",),
      what="sys/acl.h (libacl1-dev) absent"),
    C("llfuse", "llfuse", MSL, "llfuse", "fuse", "llfuse", "pip:r uv:r", what="fuse (pkg-config) absent"),
    C("pysqlcipher3", "pysqlcipher3", MSL, "pysqlcipher3", "sqlcipher", "pysqlcipher3", "pip:r uv:c",
      what="sqlcipher headers absent"),
    C("pygame-2.1.2", "pygame", MSL, "pygame", "sdl", "pygame==2.1.2", "pip:r uv:r", timeout=480,
      what="no cp311 wheel: SDL 2 (sdl2-config) absent"),
    # cartopy 0.20's and av 8's setup.py stop on today's setuptools before they look for PROJ or FFmpeg
    C("cartopy-0.20.2", "cartopy", BF, "cartopy", "convert_path", "cartopy==0.20.2", "pip:r uv:c", timeout=480,
      what="no cp311 wheel; setup.py imports setuptools.convert_path, gone from today's setuptools"),
    C("mecab-python3-source", "mecab-python3", MSL, "mecab-python3", "mecab-config", "mecab-python3",
      "pip:r uv:r", no_binary=("mecab-python3",), what="--no-binary mecab-python3: mecab-config absent"),
    C("hunspell", "hunspell", MSL, "hunspell", "hunspell", "hunspell", "pip:r uv:c", what="hunspell.h absent"),
    C("av-8.1.0", "av", BF, "av", "msvccompiler", "av==8.1.0", "pip:r uv:r hatch:c", timeout=480,
      what="no cp311 wheel; setup.py imports distutils.msvccompiler, gone from today's setuptools"),
    C("pyhdf-source", "pyhdf", MSL, "pyhdf", "hdf", "pyhdf", "pip:r uv:r", no_binary=("pyhdf",),
      what="--no-binary pyhdf: HDF4 headers absent"),
    C("pymssql-source", "pymssql", MSL, "pymssql", "sqlfront", "pymssql", "pip:r uv:r", no_binary=("pymssql",),
      what="--no-binary pymssql: FreeTDS (sqlfront.h) absent"),
    C("pyenchant", "pyenchant", MSL, "pyenchant", "enchant", "pyenchant", "pip:r uv:c poetry:r pdm:c",
      phase="import", imports=("enchant",), what="ctypes: the enchant C library absent at import"),
)

MORE_BUILDS: tuple[Case, ...] = (
    C("greenlet-1.1.2", "greenlet", BF, "greenlet", "greenlet", "greenlet==1.1.2", "pip:r uv:c poetry:r",
      timeout=420, what="no cp311 wheel; greenlet 1 reaches into CPython frame internals changed in 3.11"),
    C("pysha3", "pysha3", BF, "pysha3", "pystrhex", "pysha3", "pip:r uv:r pdm:c", timeout=420,
      what="a 2017 sdist including pystrhex.h, a CPython header 3.11 no longer ships"),
    C("yarl-1.7.2", "yarl", BF, "yarl", "yarl", "yarl==1.7.2", "pip:r uv:c", timeout=420,
      what="no cp311 wheel; C made by an old Cython"),
    C("httptools-0.2.0", "httptools", BF, "httptools", "httptools", "httptools==0.2.0", "pip:r uv:r", timeout=420,
      what="no cp311 wheel; C made by an old Cython"),
    C("asyncpg-0.25.0", "asyncpg", BF, "asyncpg", "asyncpg", "asyncpg==0.25.0", "pip:r uv:c hatch:r", timeout=420,
      what="no cp311 wheel; C made by an old Cython"),
    C("frozenlist-1.2.0", "frozenlist", BF, "frozenlist", "frozenlist", "frozenlist==1.2.0", "pip:r uv:r",
      timeout=420, what="no cp311 wheel; C made by an old Cython"),
)

MORE_IMPORTS: tuple[Case, ...] = (
    C("attrdict", "attrdict", IMP, "attrdict", "mapping", "attrdict", "pip:r uv:c pdm:r", phase="import",
      imports=("attrdict",), what="from collections import Mapping (gone in 3.10)"),
    C("asynctest", "asynctest", IMP, "asynctest", "coroutine", "asynctest", "pip:r uv:r hatch:c", phase="import",
      imports=("asynctest",), what="uses asyncio.coroutine (gone in 3.11)"),
    C("requests-toolbelt-0.9.1", "requests-toolbelt", IMP, "requests-toolbelt", "appengine",
      "requests-toolbelt==0.9.1", "pip:r uv:c poetry:c", phase="import", imports=("requests_toolbelt",),
      what="imports urllib3.contrib.appengine (gone in urllib3 2)"),
    C("flask-sqlalchemy-2.5.1", "flask-sqlalchemy", IMP, "flask-sqlalchemy", "_app_ctx_stack",
      "flask-sqlalchemy==2.5.1", "pip:r uv:r", phase="import", imports=("flask_sqlalchemy",),
      what="imports flask._app_ctx_stack (gone in Flask 3)"),
    C("pyfiglet-0.8", "pyfiglet", IMP, "pyfiglet", "pkg_resources", "pyfiglet==0.8.post1", "uv:r uv:c",
      phase="import", imports=("pyfiglet",),
      what="imports pkg_resources without declaring setuptools (uv venvs lack it)"),
    abi("opencv-headless-4.8.1-numpy2", "opencv-python-headless", "opencv-python-headless==4.8.1.78", "cv2",
        "pip:r uv:c pdm:r"),
    abi("scikit-image-0.21.0-numpy2", "scikit-image", "scikit-image==0.21.0", "skimage.measure", "pip:r uv:r"),
    abi("pyerfa-2.0.0.3-numpy2", "pyerfa", "pyerfa==2.0.0.3", "erfa", "pip:r uv:c"),
)

MORE_OTHER: tuple[Case, ...] = (
    con("streamlit-protobuf", "streamlit", "protobuf", ("streamlit==1.30.0", "protobuf==5.27.0"),
        "pip:r uv:c poetry:r", "streamlit 1.30 needs protobuf<5"),
    con("selenium-urllib3", "selenium", "urllib3", ("selenium==4.20.0", "urllib3<1.26"), "pip:r uv:r pdm:c",
        "selenium 4.20 needs urllib3>=1.26"),
    con("openai-httpx", "openai", "httpx", ("openai==1.30.0", "httpx<0.23"), "pip:c uv:r hatch:r",
        "openai 1.30 needs httpx>=0.23"),
    con("pyopenssl-cryptography", "pyopenssl", "cryptography", ("pyopenssl==24.0.0", "cryptography<41"),
        "pip:r uv:c pipenv:r", "pyopenssl 24.0 needs cryptography>=41.0.5"),
    con("s3fs-fsspec", "s3fs", "fsspec", ("s3fs==2024.6.0", "fsspec==2024.3.0"), "pip:r uv:r poetry:c",
        "s3fs 2024.6.0 pins fsspec==2024.6.0"),
    con("uvicorn-click", "uvicorn", "click", ("uvicorn==0.30.0", "click<7"), "pip:r uv:c pdm:r",
        "uvicorn 0.30 needs click>=7"),
    C("pil-wrong-name", "pil", NMD, "pil", "pil", "PIL", "pip:r uv:r pdm:c",
      what="the import name, not the distribution (Pillow)"),
    C("torchvision-no-cp311", "torchvision", NMD, "torchvision", "torchvision", "torchvision==0.13.1",
      "pip:r uv:c pdm:r", what="wheels for CPython <=3.10 only, no sdist"),
    C("tflite-runtime-no-cp311", "tflite-runtime", NMD, "tflite-runtime", "tflite-runtime", "tflite-runtime==2.10.0",
      "pip:r uv:r", what="wheels for CPython <=3.10 only, no sdist"),
    C("test-tabulate", "tabulate", "test-failed", "", "tabulate", "tabulate", "pip:c uv:c",
      test="python -c \"import tabulate; assert tabulate.tabulate([[1]]) == '', 'tabulate drew a table'\"",
      phase="test", what="a `test:` that fails"),
    C("hash-wheel", "wheel", "hash-mismatch", "wheel", "hash", "wheel==0.43.0", "pip:r uv:r", special="hash-req",
      what="--require-hashes with a wrong sha256"),
)

# A third catalogue (issue 15): 30-odd more subjects, for more wordings of the kinds that generalize worst
# to new packages: system pieces absent at build (a linker's -l, a CMake language, swig, *-config tools,
# pkg-config entries, CUDA) and at import (ctypes lookups that raise their own errors), builds that stop for
# Python-level reasons (a placeholder sdist, Python 2 setup.py, undeclared build requirements), APIs gone
# from 3.11 (getargspec, fractions.gcd, collections ABCs, Python 2 syntax), numpy-ABI breaks, conflicts,
# platforms and Requires-Python, and failing `test:` commands. Labels written before any capture.
THIRD: tuple[Case, ...] = (
    C("pyfftw-source", "pyfftw", MSL, "pyfftw", "fftw", "pyfftw", "pip:r pdm:r", no_binary=("pyfftw",),
      timeout=480, what="--no-binary pyfftw: fftw3.h absent"),
    C("cvxopt-source", "cvxopt", MSL, "cvxopt", "", "cvxopt", "pip:r hatch:r", no_binary=("cvxopt",),
      timeout=480, what="--no-binary cvxopt: SuiteSparse headers / BLAS and LAPACK libraries absent"),
    C("slycot-source", "slycot", MSL, "slycot", "fortran", "slycot", "uv:r", no_binary=("slycot",),
      timeout=480, what="--no-binary slycot: no Fortran compiler (gfortran absent)"),
    C("ta-lib-0.4.28", "ta-lib", MSL, "ta-lib", "ta", "ta-lib==0.4.28", "pip:r poetry:r hatch:r",
      timeout=480, what="sdist only: the TA-Lib C library (ta_libc headers) absent"),
    C("easysnmp", "easysnmp", MSL, "easysnmp", "net-snmp", "easysnmp", "uv:c hatch:c",
      what="net-snmp-config absent"),
    C("libvirt-python", "libvirt-python", MSL, "libvirt-python", "libvirt", "libvirt-python", "pip:c uv:r",
      what="libvirt (pkg-config) absent"),
    C("python-augeas", "python-augeas", MSL, "python-augeas", "augeas", "python-augeas", "pip:r uv:c pdm:r",
      what="augeas headers (pkg-config augeas) absent"),
    # ssdeep's setup.py imports pkg_resources (gone from today's setuptools) before it looks for fuzzy.h
    C("ssdeep", "ssdeep", BF, "ssdeep", "pkg_resources", "ssdeep", "uv:r poetry:r",
      what="setup.py imports pkg_resources, gone from today's setuptools (libfuzzy is absent too)"),
    C("pdftotext", "pdftotext", MSL, "pdftotext", "poppler", "pdftotext", "pip:r pdm:r hatch:c poetry:r",
      what="poppler-cpp headers absent"),
    C("pygeos-0.10", "pygeos", MSL, "pygeos", "geos", "pygeos==0.10", "pip:r poetry:c pipenv:c", timeout=480,
      what="no cp311 wheel: geos-config / geos_c.h absent",
      per=(("pipenv:cell", BF, "pygeos", "pygeos"),)),
    C("python-lzo-source", "python-lzo", MSL, "python-lzo", "lzo", "python-lzo", "uv:r",
      no_binary=("python-lzo",), what="--no-binary python-lzo: lzo headers absent"),
    C("pyheif-source", "pyheif", MSL, "pyheif", "heif", "pyheif", "pip:r hatch:r", no_binary=("pyheif",),
      what="--no-binary pyheif: libheif headers absent"),
    C("pycuda", "pycuda", MSL, "pycuda", "cuda", "pycuda", "pip:r pdm:c poetry:r", timeout=480,
      what="sdist only: CUDA (cuda.h, nvcc) absent"),
    C("hid-hidapi", "hid", MSL, "hid", "hidapi", "hid", "pip:r poetry:c hatch:r", phase="import",
      imports=("hid",), what="ctypes: libhidapi absent at import"),
    C("pyfluidsynth", "pyfluidsynth", MSL, "pyfluidsynth", "fluidsynth", "pyfluidsynth", "uv:r pipenv:r poetry:r",
      phase="import", imports=("fluidsynth",), what="ctypes: libfluidsynth absent at import"),
    C("pytorch-placeholder", "pytorch", BF, "pytorch", "pytorch", "pytorch", "pip:r uv:c poetry:r hatch:c",
      what="the 'pytorch' sdist refuses to build (the project is 'torch')"),
    # pipenv's own output keeps only "Failed to build 'anyjson'": the use_2to3 error is not in its log
    C("anyjson-use-2to3", "anyjson", BF, "anyjson", "use_2to3", "anyjson==0.3.3", "uv:r pipenv:c",
      what="setup.py passes use_2to3, which setuptools no longer accepts",
      per=(("pipenv:cell", BF, "anyjson", "anyjson"),)),
    C("mysql-python", "mysql-python", BF, "mysql-python", "configparser", "MySQL-python==1.2.5",
      "pip:r pdm:r", what="a Python 2 setup.py (ConfigParser)"),
    C("lap-0.4.0", "lap", BF, "lap", "pkg_resources", "lap==0.4.0", "pip:r hatch:r",
      what="setup.py imports pkg_resources (gone from today's setuptools) before numpy, which it does not declare"),
    C("pycocotools-2.0.0", "pycocotools", BF, "pycocotools", "cython", "pycocotools==2.0.0", "uv:c pipenv:r",
      what="setup.py imports Cython and numpy without declaring them as build requirements"),
    C("parsimonious-0.8.1", "parsimonious", IMP, "parsimonious", "getargspec", "parsimonious==0.8.1",
      "uv:c pdm:r", phase="import", imports=("parsimonious",),
      what="imports inspect.getargspec (gone in 3.11)"),
    C("tornado-4.5.3", "tornado", IMP, "tornado", "mutablemapping", "tornado==4.5.3", "pip:r poetry:c",
      phase="import", imports=("tornado.httputil",), what="collections.MutableMapping (gone in 3.10)"),
    C("fabric-1.14.0", "fabric", IMP, "fabric", "fabric", "fabric==1.14.0", "uv:c hatch:r", phase="import",
      imports=("fabric.api",), what="Fabric 1 is Python 2 code"),
    C("networkx-2.1", "networkx", IMP, "networkx", "mapping", "networkx==2.1", "pip:r pdm:c",
      phase="import", imports=("networkx",), what="imports collections.Mapping (gone in 3.10) before fractions.gcd"),
    # gensim 4.3.2 stops on scipy.linalg.triu (gone from the newest scipy) before numpy 2 matters
    abi("gensim-4.3.2-numpy2", "gensim", "gensim==4.3.2", "gensim", "pip:r", summary="triu"),
    con("langchain-core-pin", "langchain", "langchain-core", ("langchain==0.1.0", "langchain-core==0.2.0"),
        "pip:r uv:c poetry:r pdm:r pipenv:c hatch:c", "langchain 0.1.0 needs langchain-core<0.2"),
    con("distributed-dask", "distributed", "dask", ("distributed==2023.1.0", "dask==2024.1.0"),
        "pip:c uv:r pdm:r pipenv:r", "distributed 2023.1.0 pins dask==2023.1.0"),
    con("tox-virtualenv", "tox", "virtualenv", ("tox==4.0.0", "virtualenv<20"), "pip:r hatch:c",
        "tox 4.0 needs virtualenv>=20"),
    con("pylint-astroid", "pylint", "astroid", ("pylint==3.0.0", "astroid<3"), "uv:r poetry:r",
        "pylint 3.0 needs astroid>=3"),
    con("mkdocs-markdown", "mkdocs", "markdown", ("mkdocs==1.5.0", "markdown<3.2"), "pip:r pdm:r",
        "mkdocs 1.5 needs markdown>=3.2.1"),
    con("ipython-traitlets", "ipython", "traitlets", ("ipython==8.20.0", "traitlets<5"),
        "uv:r pipenv:c", "ipython 8.20 needs traitlets>=5"),
    con("alembic-sqlalchemy", "alembic", "sqlalchemy", ("alembic==1.13.0", "sqlalchemy<1.3"),
        "pip:r hatch:c", "alembic 1.13 needs sqlalchemy>=1.3"),
    con("aiobotocore-botocore", "aiobotocore", "botocore", ("aiobotocore==2.13.0", "botocore==1.34.150"),
        "uv:r poetry:r", "aiobotocore 2.13.0 needs botocore<1.34.107"),
    con("jsonschema-referencing", "jsonschema", "referencing", ("jsonschema==4.21.0", "referencing<0.28"),
        "pip:r pdm:r hatch:r", "jsonschema 4.21 needs referencing>=0.28.4"),
    C("pyqt5-qt5-5.15.11", "pyqt5-qt5", NMD, "pyqt5-qt5", "pyqt5-qt5", "pyqt5-qt5==5.15.11",
      "pip:r uv:c poetry:r", what="macOS and Windows wheels only"),
    C("tensorflow-macos", "tensorflow-macos", NMD, "tensorflow-macos", "tensorflow-macos", "tensorflow-macos==2.15.0",
      "uv:r pipenv:c", what="macOS wheels only"),
    C("futures-requires-python", "futures", NMD, "futures", "futures", "futures==3.4.0", "pip:r poetry:c pdm:r",
      what="Requires-Python <3 (uv ignores upper bounds and installs it)"),
    C("opencv-wrong-name", "opencv", NMD, "opencv", "opencv", "opencv", "uv:r hatch:r",
      what="no such project (opencv-python is)"),
    C("test-humanize", "humanize", "test-failed", "", "humanize", "humanize", "pip:c pdm:c",
      test="python -c \"import humanize; s = humanize.naturalsize(1000); assert s == '1 kB', s\"", phase="test",
      what="a `test:` that fails"),
    C("test-python-dateutil", "python-dateutil", "test-failed", "", "dateutil", "python-dateutil",
      "uv:c hatch:c poetry:c", test="python -c \"from dateutil import parser; parser.parse('not a date')\"",
      phase="test", what="a `test:` that raises"),
    # a second batch (same labels-first discipline)
    C("pymqi", "pymqi", MSL, "pymqi", "cmqc", "pymqi", "pip:r pdm:r", what="IBM MQ client headers (cmqc.h) absent"),
    C("pysmbc", "pysmbc", MSL, "pysmbc", "smbclient", "pysmbc", "uv:r hatch:r",
      what="libsmbclient (pkg-config) absent"),
    C("python-sane", "python-sane", MSL, "python-sane", "sane", "python-sane", "pip:r poetry:c",
      what="sane/sane.h absent"),
    C("flask-login-0.5.0", "flask-login", IMP, "flask-login", "_request_ctx_stack", "flask-login==0.5.0",
      "pip:r pipenv:c", phase="import", imports=("flask_login",),
      what="imports flask._request_ctx_stack (gone in Flask 3)"),
    C("flask-wtf-0.14.3", "flask-wtf", IMP, "flask-wtf", "safe_str_cmp", "flask-wtf==0.14.3", "uv:r poetry:r",
      phase="import", imports=("flask_wtf",), what="imports werkzeug.security.safe_str_cmp (gone in Werkzeug 2.1)"),
    C("sqlalchemy-utils-0.36.8", "sqlalchemy-utils", IMP, "sqlalchemy-utils", "sqlalchemy", "sqlalchemy-utils==0.36.8",
      "pip:r pdm:c", phase="import", imports=("sqlalchemy_utils",), what="SQLAlchemy 1.3 internals gone in 2.0"),
    con("pydantic-settings-pydantic1", "pydantic-settings", "pydantic", ("pydantic-settings==2.2.1", "pydantic<2"),
        "pip:r hatch:c pipenv:r", "pydantic-settings 2 needs pydantic>=2.3"),
    con("google-auth-cachetools", "google-auth", "cachetools", ("google-auth==2.30.0", "cachetools<2"),
        "uv:c pdm:r", "google-auth 2.30 needs cachetools>=2"),
    con("kubernetes-urllib3", "kubernetes", "urllib3", ("kubernetes==29.0.0", "urllib3<1.24"), "pip:c poetry:c",
        "kubernetes 29 needs urllib3>=1.24.2"),
    C("tensorflow-intel", "tensorflow-intel", NMD, "tensorflow-intel", "tensorflow-intel", "tensorflow-intel==2.15.0",
      "pip:r uv:c hatch:r", what="Windows wheels only"),
)


# A fourth catalogue (issue 15): more real system-library failures of new packages, when built (setuptools'
# own "not found" messages, meson-python, CMake, autoconf, sip, swig, pkg-config and *-config tools) and
# when imported (ctypes and cffi lookups), and builds near that boundary that fail for another reason (old
# Cython C on 3.11, CPython API changes, undeclared Python build requirements). Labels written by reading
# the logs.
FOURTH: tuple[Case, ...] = (
    C("pyogrio-source", "pyogrio", MSL, "pyogrio", "gdal", "pyogrio", "pip:r uv:r poetry:r pdm:r pipenv:r hatch:r",
      no_binary=("pyogrio",), what="--no-binary pyogrio: gdal-config absent",
      per=(("pipenv", BF, "pyogrio", "metadata"),)),
    C("pygsl", "pygsl", MSL, "pygsl", "swig", "pygsl", "pip:r uv:r hatch:c pdm:r", what="meson: swig absent"),
    C("cyipopt", "cyipopt", MSL, "cyipopt", "ipopt", "cyipopt", "pip:r uv:c pdm:r poetry:r",
      what="Ipopt (pkg-config) absent"),
    C("scikit-sparse", "scikit-sparse", MSL, "scikit-sparse", "cholmod", "scikit-sparse",
      "pip:r uv:r poetry:c pipenv:c hatch:r",
      what="SuiteSparse's cholmod.h absent"),
    C("confluent-kafka-source", "confluent-kafka", MSL, "confluent-kafka", "rdkafka", "confluent-kafka",
      "pip:r uv:r pdm:r hatch:r pipenv:r poetry:r", no_binary=("confluent-kafka",),
      what="--no-binary confluent-kafka: librdkafka absent"),
    # pipenv's own output keeps only "Failed to build 'X'" or "Metadata generation failed for a package" for
    # mariadb, krb5, pygpgme, pyogrio and python-poppler: a build failure is all a reader can tell
    C("mariadb", "mariadb", MSL, "mariadb", "mariadb_config", "mariadb", "pip:r uv:c poetry:r pipenv:r",
      what="mariadb_config (MariaDB Connector/C) absent", per=(("pipenv:raw", BF, "mariadb", "mariadb"),)),
    C("pypcap", "pypcap", MSL, "pypcap", "pcap", "pypcap", "pip:r uv:c hatch:r pdm:r", what="pcap.h absent"),
    C("pcapy-ng-source", "pcapy-ng", MSL, "pcapy-ng", "pcap", "pcapy-ng", "pip:r uv:r pdm:r poetry:r",
      no_binary=("pcapy-ng",),
      what="--no-binary pcapy-ng: pcap.h absent"),
    C("netfilterqueue-source", "netfilterqueue", MSL, "netfilterqueue", "nfnetlink", "netfilterqueue",
      "pip:r uv:c pdm:r", no_binary=("netfilterqueue",),
      what="--no-binary netfilterqueue: libnfnetlink headers absent"),
    C("bluepy", "bluepy", MSL, "bluepy", "glib", "bluepy", "pip:r uv:r poetry:c pipenv:r",
      what="glib-2.0 headers absent"),
    C("python-poppler", "python-poppler", MSL, "python-poppler", "poppler", "python-poppler",
      "pip:r uv:c pdm:r pipenv:c poetry:r", what="meson: poppler-cpp (pkg-config) absent",
      per=(("pipenv", BF, "python-poppler", "metadata"),)),
    C("py3exiv2", "py3exiv2", MSL, "py3exiv2", "exiv2", "py3exiv2", "pip:r uv:r hatch:c",
      what="exiv2 and boost-python absent"),
    # pyliblo3's .pyx calls long(), gone from Cython 3's builtins: the build stops before liblo's headers matter
    C("pyliblo3-source", "pyliblo3", BF, "pyliblo3", "pyliblo3", "pyliblo3", "pip:r uv:r hatch:r",
      no_binary=("pyliblo3",),
      what="--no-binary pyliblo3: its Cython source uses long(), undeclared under Cython 3"),
    C("cysystemd-source", "cysystemd", MSL, "cysystemd", "systemd", "cysystemd", "pip:r uv:r pdm:r",
      no_binary=("cysystemd",), what="--no-binary cysystemd: systemd headers absent"),
    C("pyqt5-source", "pyqt5", MSL, "pyqt5", "qmake", "pyqt5", "pip:r uv:r pdm:r", no_binary=("pyqt5",),
      timeout=480, what="--no-binary pyqt5: qmake absent"),
    C("python-casacore-source", "python-casacore", MSL, "python-casacore", "casacore", "python-casacore",
      "pip:r uv:r poetry:r", no_binary=("python-casacore",), timeout=480,
      what="--no-binary python-casacore: casacore absent"),
    # uv refuses the sdist's file name (not PEP 625), so under uv no distribution is usable at all
    C("aspell-python-py3", "aspell-python-py3", MSL, "aspell-python-py3", "aspell", "aspell-python-py3",
      "pip:r uv:c poetry:r pipenv:c", what="aspell.h absent (uv: the sdist's non-PEP 625 name is refused)",
      per=(("uv", NMD, "aspell-python-py3", "aspell-python-py3"),)),
    C("basemap-source", "basemap", MSL, "basemap", "geos", "basemap", "pip:r uv:r pdm:r", no_binary=("basemap",),
      timeout=480, what="--no-binary basemap: GEOS absent"),
    C("pygdal", "pygdal", MSL, "pygdal", "gdal-config", "pygdal", "pip:r uv:c hatch:r", what="gdal-config absent"),
    C("pyopencl-source", "pyopencl", MSL, "pyopencl", "opencl", "pyopencl", "pip:r uv:r hatch:r pdm:r",
      no_binary=("pyopencl",),
      timeout=480, what="--no-binary pyopencl: OpenCL headers/ICD loader absent"),
    C("krb5", "krb5", MSL, "krb5", "krb5-config", "krb5", "pip:r uv:c pdm:r pipenv:c", no_binary=("krb5",),
      what="krb5-config absent", per=(("pipenv:cell", BF, "krb5", "krb5"),)),
    C("pyscipopt-source", "pyscipopt", MSL, "pyscipopt", "scip", "pyscipopt", "pip:r uv:r pipenv:r",
      no_binary=("pyscipopt",),
      what="--no-binary pyscipopt: SCIP absent"),
    C("gphoto2-source", "gphoto2", MSL, "gphoto2", "gphoto2", "gphoto2", "pip:r uv:r pdm:r poetry:r",
      no_binary=("gphoto2",),
      what="--no-binary gphoto2: libgphoto2 (pkg-config) absent"),
    C("pillow-heif-source", "pillow-heif", MSL, "pillow-heif", "heif", "pillow-heif", "pip:r uv:r hatch:r poetry:r",
      no_binary=("pillow-heif",), what="--no-binary pillow-heif: libheif absent"),
    C("imagecodecs-source", "imagecodecs", MSL, "imagecodecs", "lcms2", "imagecodecs", "pip:r uv:r pdm:r",
      no_binary=("imagecodecs",), timeout=600, what="--no-binary imagecodecs: codec headers absent (lcms2.h first)"),
    C("bonsai-source", "bonsai", MSL, "bonsai", "ldap", "bonsai", "pip:r uv:r poetry:r", no_binary=("bonsai",),
      what="--no-binary bonsai: ldap.h absent"),
    C("pillow-avif-plugin-source", "pillow-avif-plugin", MSL, "pillow-avif-plugin", "avif", "pillow-avif-plugin",
      "pip:r uv:r hatch:r pdm:r",
      no_binary=("pillow-avif-plugin",), what="--no-binary pillow-avif-plugin: libavif absent"),
    C("wxpython", "wxpython", MSL, "wxpython", "gtk", "wxpython", "pip:r uv:r pdm:r", timeout=600,
      what="sdist only on Linux: the GTK development files absent (pdm keeps only \"Error running configure\")",
      per=(("pdm", BF, "wxpython", "configure"),)),
    C("google-re2-source", "google-re2", MSL, "google-re2", "absl", "google-re2", "pip:r uv:r pdm:r poetry:r",
      no_binary=("google-re2",), what="--no-binary google-re2: re2 and abseil headers absent"),
    C("pygrib-source", "pygrib", MSL, "pygrib", "eccodes", "pygrib", "pip:r uv:r poetry:r", no_binary=("pygrib",),
      what="--no-binary pygrib: ecCodes absent"),
    C("python-flint-source", "python-flint", MSL, "python-flint", "mpfr", "python-flint", "pip:r uv:r hatch:r",
      no_binary=("python-flint",), what="--no-binary python-flint: meson finds no mpfr (FLINT absent too)"),
    C("pycddlib-source", "pycddlib", MSL, "pycddlib", "cdd", "pycddlib", "pip:r uv:c hatch:r",
      no_binary=("pycddlib",), what="--no-binary pycddlib: cddlib headers absent"),
    C("scs-source", "scs", MSL, "scs", "blas", "scs", "pip:r uv:r pdm:r poetry:r", no_binary=("scs",),
      what="--no-binary scs: BLAS/LAPACK absent"),
    C("geoip", "geoip", MSL, "geoip", "geoip", "GeoIP", "pip:r uv:c poetry:r pipenv:c", what="GeoIP.h absent"),
    C("pygpgme-source", "pygpgme", MSL, "pygpgme", "gpgme", "pygpgme", "pip:r uv:r pipenv:r", no_binary=("pygpgme",),
      what="--no-binary pygpgme: gpgme absent", per=(("pipenv", BF, "pygpgme", "pygpgme"),)),
    C("pysctp-source", "pysctp", MSL, "pysctp", "sctp", "pysctp", "pip:r uv:r pdm:r hatch:r", no_binary=("pysctp",),
      what="--no-binary pysctp: netinet/sctp.h absent"),
    C("hyperscan-source", "hyperscan", MSL, "hyperscan", "autoreconf", "hyperscan", "pip:r uv:r pdm:r",
      no_binary=("hyperscan",),
      what="--no-binary hyperscan: CMake finds no autoreconf (to build the bundled hyperscan)"),
    C("swiglpk-source", "swiglpk", MSL, "swiglpk", "glpk", "swiglpk", "pip:r uv:r hatch:r", no_binary=("swiglpk",),
      what="--no-binary swiglpk: glpk.h absent"),
    C("fpylll-source", "fpylll", MSL, "fpylll", "mpfr", "fpylll", "pip:r uv:r poetry:r pdm:r", no_binary=("fpylll",),
      what="--no-binary fpylll: mpfr.h absent (fplll too)"),
    C("eccodes-1.7.1", "eccodes", MSL, "eccodes", "eccodes", "eccodes==1.7.1", "pip:r uv:c pdm:r hatch:c pipenv:r",
      phase="import",
      imports=("eccodes",), what="findlibs: the ecCodes library absent at import"),
    C("mpv", "mpv", MSL, "mpv", "mpv", "mpv", "pip:r uv:r hatch:c pdm:r pipenv:c", phase="import", imports=("mpv",),
      what="ctypes: libmpv absent at import"),
    C("openslide-python", "openslide-python", MSL, "openslide-python", "openslide", "openslide-python",
      "pip:r uv:c poetry:c pipenv:r hatch:r",
      phase="import", imports=("openslide",), what="libopenslide absent at import"),
    C("jack-client", "jack-client", MSL, "jack-client", "jack", "jack-client", "pip:r uv:c hatch:r pipenv:c pdm:r",
      phase="import", imports=("jack",), what="cffi: the JACK library absent at import"),
    C("pylsl-1.16.2", "pylsl", MSL, "pylsl", "lsl", "pylsl==1.16.2", "pip:r uv:r poetry:c", phase="import",
      imports=("pylsl",), what="liblsl absent at import"),
    C("ftd2xx", "ftd2xx", MSL, "ftd2xx", "ftd2xx", "ftd2xx", "pip:r uv:c pdm:r hatch:r", phase="import",
      imports=("ftd2xx",), what="ctypes: libftd2xx absent at import"),
    C("pyfmodex", "pyfmodex", MSL, "pyfmodex", "fmod", "pyfmodex", "pip:r uv:c poetry:r pipenv:c", phase="import",
      imports=("pyfmodex",), what="ctypes: libfmod absent at import"),
    C("pyopenal", "pyopenal", MSL, "pyopenal", "openal", "PyOpenAL", "pip:r uv:r pdm:c", phase="import",
      imports=("openal",), what="ctypes: the OpenAL library absent at import"),
    C("pysoundio", "pysoundio", MSL, "pysoundio", "soundio", "pysoundio", "uv:c uv:r hatch:r", phase="import",
      imports=("pysoundio",), what="libsoundio absent at import"),
    C("python-prctl", "python-prctl", MSL, "python-prctl", "libcap", "python-prctl", "pip:r uv:r pdm:c poetry:r",
      what="libcap headers (sys/capability.h) absent"),
    C("python-gammu-source", "python-gammu", MSL, "python-gammu", "gammu", "python-gammu", "pip:r uv:r pdm:r poetry:r",
      no_binary=("python-gammu",), what="--no-binary python-gammu: libgammu (pkg-config) absent"),
    C("pypotrace", "pypotrace", MSL, "pypotrace", "libagg", "pypotrace", "pip:r uv:r hatch:c",
      what="potracelib.h / agg absent"),
    C("pyrfc-yanked", "pyrfc", NMD, "pyrfc", "pyrfc", "pyrfc", "pip:r uv:c poetry:c",
      what="every release that fits 3.11 is yanked (the SAP NW RFC SDK it needs is absent too)"),
    C("pyzmq-22.3.0", "pyzmq", BF, "pyzmq", "pyzmq", "pyzmq==22.3.0", "pip:r uv:r pdm:c", timeout=480,
      what="no cp311 wheel; C made by an old Cython (libzmq is bundled: no system library to blame)"),
    C("ruamel-yaml-clib-0.2.6", "ruamel-yaml-clib", BF, "ruamel-yaml-clib", "ruamel", "ruamel.yaml.clib==0.2.6",
      "pip:r uv:c hatch:r pipenv:r", timeout=420, what="no cp311 wheel; C made by an old Cython"),
    C("editdistance-0.5.3", "editdistance", BF, "editdistance", "editdistance", "editdistance==0.5.3",
      "pip:r uv:c pdm:r", timeout=420, what="no cp311 wheel; C made by an old Cython"),
    C("bitarray-1.2.2", "bitarray", BF, "bitarray", "bitarray", "bitarray==1.2.2", "pip:r uv:r pdm:c", timeout=420,
      what="assigns to Py_SIZE(), an lvalue no longer in 3.11"),
    C("blist", "blist", BF, "blist", "pkg_resources", "blist", "pip:r uv:c hatch:r", timeout=420,
      what="a 2014 sdist whose setup.py imports pkg_resources, gone from today's setuptools"),
    C("pystan-2.19.1.1", "pystan", BF, "pystan", "cython", "pystan==2.19.1.1", "pip:r uv:r hatch:c", timeout=480,
      what="setup.py imports Cython and numpy without declaring them as build requirements"),
    # pyworld 0.3.0 pins an old numpy as a build requirement; that numpy's own build fails first on 3.11
    C("pyworld-0.3.0", "pyworld", BF, "numpy", "numpy", "pyworld==0.3.0", "pip:r uv:c hatch:c", timeout=600,
      what="no cp311 wheel; its build requirement (an old numpy) fails to build on 3.11"),
    C("pyemd-0.5.1", "pyemd", BF, "pyemd", "pyemd", "pyemd==0.5.1", "pip:r uv:r poetry:c", timeout=420,
      what="no cp311 wheel; C++ made by an old Cython (longintrepr.h)"),
)


# A fifth catalogue (issue 15): more system-library failures of new packages, each worded its own way: swig,
# nasm, protoc, gfortran and PARI's gp absent; pkg-config entries (libusb, libparted, wayland-protocols, tss2,
# libsystemd, libcdio, cbc); headers (fuse, xkbcommon, qpdf, zbar, taglib, OpenFst, ALSA, discid, NFFT, espeak);
# packages' own words (Magick++, libsndfile, MeCab, Berkeley DB); CMake packages (SymEngine, PDAL), an LLVM of
# the wrong version, and meson's SDL2;
# ctypes/cffi loads at import (libdiscid, libevdev, libsamplerate, libunrar, librtlsdr, iptables' extensions,
# a .NET runtime); and failures near that boundary: builds that stop for another reason (a CPython header gone in
# 3.11, setuptools without use_2to3, undeclared Python build requirements, a build that downloads its
# dependency) and an import that fails on a Python API. Labels written by reading the logs.
FIFTH: tuple[Case, ...] = (
    C("box2d-py", "box2d-py", MSL, "box2d-py", "swig", "box2d-py", "pip:r uv:r poetry:c hatch:r",
      what="no cp311 wheel: setup.py runs swig (absent)"),
    C("isal-source", "isal", MSL, "isal", "nasm", "isal", "pip:r uv:r hatch:r poetry:r", no_binary=("isal",),
      what="--no-binary isal: nasm (to build the bundled ISA-L) absent"),
    C("gcld3", "gcld3", MSL, "gcld3", "proto", "gcld3", "pip:r uv:r poetry:r pdm:c",
      what="no cp311 wheel: the protocol buffer compiler (protoc) absent"),
    C("fuse-python-source", "fuse-python", MSL, "fuse-python", "fuse", "fuse-python",
      "pip:r uv:r pdm:r poetry:r",
      no_binary=("fuse-python",), what="--no-binary fuse-python: fuse (pkg-config) and fuse.h absent"),
    C("hidapi-source", "hidapi", MSL, "hidapi", "libusb", "hidapi", "pip:r uv:r hatch:r pipenv:r pdm:r",
      no_binary=("hidapi",), what="--no-binary hidapi: libusb-1.0 (pkg-config) absent",
      per=(("pipenv", BF, "hidapi", "hidapi"),)),
    C("pyparted", "pyparted", MSL, "pyparted", "libparted", "pyparted", "pip:r uv:c poetry:r pipenv:r",
      what="libparted (pkg-config) absent", per=(("pipenv", BF, "pyparted", "pyparted"),)),
    C("pywayland-source", "pywayland", MSL, "pywayland", "wayland", "pywayland", "pip:r uv:r pdm:r poetry:r",
      no_binary=("pywayland",), what="--no-binary pywayland: wayland-protocols (pkg-config) absent (pdm's last ten "
      "lines show only its scanner failing)", per=(("pdm", BF, "pywayland", "scanner"),)),
    C("xkbcommon", "xkbcommon", MSL, "xkbcommon", "xkbcommon", "xkbcommon",
      "pip:r uv:c hatch:r pdm:r pipenv:r poetry:r",
      what="cffi: xkbcommon/xkbcommon.h absent"),
    # uv's log of this case wraps its "fatal error:" line before the header's name (the header rule reads across it)
    C("pikepdf-source", "pikepdf", MSL, "pikepdf", "qpdf", "pikepdf", "pip:r uv:r poetry:r pdm:r",
      no_binary=("pikepdf",), what="--no-binary pikepdf: qpdf headers absent"),
    C("pgmagick", "pgmagick", MSL, "pgmagick", "magick", "pgmagick", "pip:r uv:r pdm:c hatch:c poetry:r pipenv:c",
      what="GraphicsMagick's Magick++ absent",
      per=(("pipenv:cell", BF, "pgmagick", "pgmagick"),)),
    C("zbarlight", "zbarlight", MSL, "zbarlight", "zbar", "zbarlight", "pip:r uv:c hatch:r poetry:r pipenv:c pdm:r",
      what="zbar.h absent"),
    C("pysndfile", "pysndfile", MSL, "pysndfile", "sndfile", "pysndfile", "pip:r uv:r pdm:r pipenv:c poetry:r",
      what="libsndfile's header absent (the runtime library alone is installed)",
      per=(("pipenv", BF, "pysndfile", "pysndfile"),)),
    C("pytaglib-source", "pytaglib", MSL, "pytaglib", "taglib", "pytaglib", "pip:r uv:r hatch:r poetry:r",
      no_binary=("pytaglib",), what="--no-binary pytaglib: taglib headers absent"),
    C("fugashi-source", "fugashi", MSL, "fugashi", "mecab", "fugashi", "pip:r uv:r pdm:r hatch:r",
      no_binary=("fugashi",), what="--no-binary fugashi: MeCab (mecab-config) absent"),
    C("pynini-source", "pynini", MSL, "pynini", "fst", "pynini", "pip:r uv:r poetry:r pdm:r", no_binary=("pynini",),
      what="--no-binary pynini: OpenFst headers absent"),
    C("symengine-source", "symengine", MSL, "symengine", "symengine", "symengine",
      "pip:r uv:r hatch:r poetry:r",
      no_binary=("symengine",), what="--no-binary symengine: CMake finds no SymEngine"),
    C("pdal", "pdal", MSL, "pdal", "pdal", "pdal", "pip:r uv:c pdm:r pipenv:r", what="CMake finds no PDAL"),
    C("cylp-source", "cylp", MSL, "cylp", "cbc", "cylp", "pip:r uv:r pdm:r", no_binary=("cylp",),
      what="--no-binary cylp: Cbc (pkg-config) absent (pdm's last ten lines: no COIN installation)",
      per=(("pdm", MSL, "cylp", "coin"),)),
    C("cypari2", "cypari2", MSL, "cypari2", "pari", "cypari2", "pip:r uv:r hatch:c poetry:c pipenv:c",
      what="no cp311 wheel: PARI/GP absent",
      per=(("pipenv:cell", BF, "cypari2", "cypari2"),)),
    C("berkeleydb", "berkeleydb", MSL, "berkeleydb", "berkeley", "berkeleydb",
      "pip:r uv:c pdm:r hatch:r poetry:c pipenv:c",
      what="Berkeley DB headers absent (the runtime library alone is installed)",
      per=(("pipenv:cell", BF, "berkeleydb", "berkeleydb"),)),
    C("tpm2-pytss", "tpm2-pytss", MSL, "tpm2-pytss", "tss2", "tpm2-pytss", "pip:r uv:c pdm:r pipenv:c poetry:r",
      what="tss2-esapi absent (pipenv keeps only \"Metadata generation failed for a package\")",
      per=(("pipenv", BF, "tpm2-pytss", "metadata"),)),
    C("pyshtools-source", "pyshtools", MSL, "pyshtools", "gfortran", "pyshtools",
      "pip:r uv:r hatch:r poetry:r",
      no_binary=("pyshtools",), what="--no-binary pyshtools: meson finds no Fortran compiler"),
    C("pygame-ce-source", "pygame-ce", MSL, "pygame-ce", "sdl2", "pygame-ce", "pip:r uv:r pdm:r poetry:r",
      no_binary=("pygame-ce",), what="--no-binary pygame-ce: meson finds no SDL2"),
    C("alsaseq", "alsaseq", MSL, "alsaseq", "asoundlib", "alsaseq", "pip:r uv:c poetry:r",
      what="alsa/asoundlib.h absent"),
    C("pystemd", "pystemd", MSL, "pystemd", "libsystemd", "pystemd", "pip:r uv:r pdm:c poetry:r pipenv:c",
      what="libsystemd (pkg-config) absent",
      per=(("pipenv:cell", BF, "pystemd", "pystemd"),)),
    C("pycdio", "pycdio", MSL, "pycdio", "libcdio", "pycdio", "pip:r uv:c hatch:r poetry:c",
      what="libcdio (pkg-config) absent"),
    C("python-libdiscid", "python-libdiscid", MSL, "python-libdiscid", "discid", "python-libdiscid",
      "pip:r uv:r pipenv:r poetry:c hatch:r", what="discid/discid.h absent"),
    C("llvmlite-source", "llvmlite", MSL, "llvmlite", "llvm", "llvmlite", "pip:r uv:r hatch:r pipenv:r",
      no_binary=("llvmlite",),
      what="--no-binary llvmlite: the LLVM it supports (22) absent; CMake finds LLVM 14 only"),
    C("pynfft", "pynfft", MSL, "pynfft", "nfft", "pynfft", "pip:r uv:c pdm:r pipenv:r", what="nfft3.h absent"),
    C("python-espeak", "python-espeak", MSL, "python-espeak", "espeak", "python-espeak", "pip:r uv:r hatch:c",
      what="espeak headers absent"),
    # sqlcipher3's build fetches OpenSSL through conan from a host this machine cannot reach: a network
    # failure inside a build, blamed on the build that needs the download (as matplotlib 3.3.4's FreeType)
    C("sqlcipher3-source", "sqlcipher3", "network", "sqlcipher3", "conan", "sqlcipher3", "pip:r uv:r hatch:r",
      no_binary=("sqlcipher3",), what="--no-binary sqlcipher3: its build fetches OpenSSL via conan (unreachable)"),
    C("discid", "discid", MSL, "discid", "libdiscid", "discid", "pip:r uv:r pipenv:c poetry:c pdm:r", phase="import",
      imports=("discid",), what="ctypes: libdiscid absent at import"),
    C("libevdev", "libevdev", MSL, "libevdev", "libevdev", "libevdev", "pip:r uv:c pdm:c hatch:r poetry:r pipenv:c",
      phase="import",
      imports=("libevdev",), what="ctypes: libevdev absent at import"),
    C("samplerate-0.1.0", "samplerate", MSL, "samplerate", "libsamplerate", "samplerate==0.1.0",
      "pip:r uv:r hatch:c poetry:r pipenv:c", phase="import", imports=("samplerate",),
      what="cffi: libsamplerate absent at import"),
    C("pythonnet", "pythonnet", MSL, "pythonnet", ".net runtime", "pythonnet", "pip:r uv:r pdm:c poetry:r hatch:r",
      phase="import",
      imports=("clr",), what="no .NET runtime (mono or dotnet) at import"),
    C("unrar", "unrar", MSL, "unrar", "unrar", "unrar", "pip:r uv:c hatch:r poetry:r pipenv:r pdm:r", phase="import",
      imports=("unrar.rarfile",), what="ctypes: libunrar absent at import"),
    C("pyrtlsdr", "pyrtlsdr", MSL, "pyrtlsdr", "rtlsdr", "pyrtlsdr", "pip:r uv:c hatch:r poetry:c", phase="import",
      imports=("rtlsdr",), what="ctypes: librtlsdr absent at import"),
    C("python-iptables", "python-iptables", MSL, "python-iptables", "xtables", "python-iptables",
      "pip:r uv:r hatch:c poetry:r",
      phase="import", imports=("iptc",), what="the iptables extensions (an xtables directory) absent at import"),
    # hdfs3 would load libhdfs3 (absent) with ctypes, but its import stops earlier on collections.MutableMapping
    C("hdfs3", "hdfs3", IMP, "hdfs3", "mutablemapping", "hdfs3", "pip:r uv:c poetry:c", phase="import",
      imports=("hdfs3",), what="imports collections.MutableMapping (gone in 3.10) before loading libhdfs3"),
    C("pyhash", "pyhash", BF, "pyhash", "use_2to3", "pyhash", "pip:r uv:r hatch:c pipenv:r",
      what="setup.py passes use_2to3, which setuptools no longer accepts (boost would be needed next; pipenv "
      "keeps only \"Metadata generation failed for a package\")", per=(("pipenv", BF, "pyhash", "metadata"),)),
    C("cytoolz-0.11.0", "cytoolz", BF, "cytoolz", "longintrepr", "cytoolz==0.11.0", "pip:r uv:c hatch:r poetry:r",
      timeout=420, what="no cp311 wheel; C made by an old Cython (longintrepr.h)"),
    C("numcodecs-0.7.3", "numcodecs", BF, "numcodecs", "longintrepr", "numcodecs==0.7.3", "pip:r uv:c pdm:r",
      timeout=480, what="no cp311 wheel; C made by an old Cython (longintrepr.h), in its own build_ext (pdm's last ten "
      "lines end in its BuildFailed)", per=(("pdm", BF, "numcodecs", "numcodecs"),)),
    C("madmom-0.16.1", "madmom", BF, "madmom", "cython", "madmom==0.16.1", "pip:r uv:c pipenv:r", timeout=420,
      what="setup.py imports Cython and numpy without declaring them as build requirements",
      per=(("pipenv", BF, "madmom", "madmom"),)),
    C("fasttext-0.9.2", "fasttext", BF, "fasttext", "pybind11", "fasttext==0.9.2", "pip:r uv:r hatch:c poetry:r",
      timeout=480, what="setup.py imports pybind11 without declaring it as a build requirement"),
    C("gmpy-1.17", "gmpy", BF, "gmpy", "longintrepr", "gmpy==1.17", "pip:r uv:r pdm:r", timeout=420,
      what="a 2013 C extension including longintrepr.h, gone from 3.11 (GMP's headers are installed)"),
    C("fbprophet-0.7.1", "fbprophet", BF, "fbprophet", "pkg_resources", "fbprophet==0.7.1", "pip:r uv:c hatch:r",
      timeout=480, what="setup.py imports pkg_resources, gone from today's setuptools"),
)


# A sixth catalogue (issue 15), of train subjects only: each subject was checked with table.held_out() before it
# was chosen, so the held-out part stays the 418 logs measured before it and the rules learn from more forms of
# the same failures. System libraries absent when built (headers, pkg-config, CMake, swig, sip, *-config tools)
# and when imported (ctypes and cffi loads of camera, input and media libraries). Labels written by reading the
# logs.
SIXTH: tuple[Case, ...] = (
    C("python-poppler-qt5", "python-poppler-qt5", MSL, "python-poppler-qt5", "qt", "python-poppler-qt5",
      "pip:r uv:r hatch:r", what="Qt's qmake and poppler-qt5 absent"),
    C("primesieve", "primesieve", MSL, "primesieve", "primesieve", "primesieve", "pip:r uv:r pipenv:r",
      what="primesieve.h absent"),
    # python-rocksdb's .pyx no longer compiles under Cython 3: the build stops before RocksDB's headers matter
    C("python-rocksdb", "python-rocksdb", BF, "python-rocksdb", "python-rocksdb", "python-rocksdb",
      "pip:r uv:r hatch:r", what="its Cython source does not compile under Cython 3"),
    C("pyalpm", "pyalpm", MSL, "pyalpm", "alpm", "pyalpm", "pip:r uv:r pdm:r", what="libalpm absent"),
    C("turbodbc", "turbodbc", MSL, "turbodbc", "odbc", "turbodbc", "pip:r uv:r hatch:r", timeout=480,
      what="unixODBC headers absent"),
    C("pyalsa", "pyalsa", BF, "pyalsa", "pyrex", "pyalsa", "pip:r uv:r poetry:r",
      what="the 2015 sdist's setup.py imports Pyrex, undeclared and long gone"),
    C("fann2", "fann2", MSL, "fann2", "fann", "fann2", "pip:r uv:r pipenv:r",
      what="FANN absent (pipenv keeps only \"Failed to build 'fann2'\")", per=(("pipenv", BF, "fann2", "fann2"),)),
    C("python-pcl", "python-pcl", BF, "python-pcl", "cython", "python-pcl", "pip:r uv:r hatch:r",
      what="setup.py imports Cython without declaring it as a build requirement"),
    C("pylibsrtp-source", "pylibsrtp", MSL, "pylibsrtp", "srtp", "pylibsrtp", "pip:r uv:r poetry:r",
      no_binary=("pylibsrtp",), what="--no-binary pylibsrtp: libsrtp2 absent"),
    # gpaw builds without libxc (GPAW_WITHOUT_LIBXC), then compiles C++ in a .c file with gcc
    C("gpaw", "gpaw", BF, "gpaw", "algorithm", "gpaw", "pip:r uv:r hatch:r", timeout=480,
      what="gcc compiles its .c files, one of which includes <algorithm> (C++)"),
    C("cupy", "cupy", MSL, "cupy", "cuda", "cupy", "pip:r uv:r pipenv:r", timeout=480,
      what="the CUDA toolkit absent (pipenv keeps only \"Failed to build 'cupy'\")",
      per=(("pipenv", BF, "cupy", "cupy"),)),
    C("pyfltk-source", "pyfltk", MSL, "pyfltk", "fltk", "pyfltk", "pip:r uv:r poetry:r", no_binary=("pyfltk",),
      what="--no-binary pyfltk: fltk-config absent"),
    C("subvertpy-source", "subvertpy", MSL, "subvertpy", "apr", "subvertpy", "pip:r uv:r hatch:r",
      no_binary=("subvertpy",), what="--no-binary subvertpy: APR and Subversion absent"),
    C("iwlib", "iwlib", MSL, "iwlib", "iwlib", "iwlib", "pip:r uv:r pdm:r",
      what="iwlib.h absent (pdm's last ten lines end in cffi's CompileError)", per=(("pdm", BF, "iwlib", "iwlib"),)),
    C("pyspotify", "pyspotify", MSL, "pyspotify", "spotify", "pyspotify", "pip:r uv:r poetry:r",
      what="libspotify absent"),
    C("jpegtran-cffi", "jpegtran-cffi", BF, "jpegtran-cffi", "cffi", "jpegtran-cffi", "pip:r uv:r pipenv:r",
      what="setup.py imports cffi without declaring it as a build requirement (turbojpeg.h would be next)"),
    C("pyk4a", "pyk4a", MSL, "pyk4a", "k4a", "pyk4a", "pip:r uv:r hatch:r", what="the Azure Kinect SDK absent"),
    C("python-libinput", "python-libinput", MSL, "python-libinput", "libinput", "python-libinput", "pip:r uv:r",
      phase="import", imports=("libinput",), what="ctypes: libinput absent at import"),
    C("pyueye", "pyueye", MSL, "pyueye", "ueye", "pyueye", "pip:r uv:r hatch:c", phase="import",
      imports=("pyueye.ueye",), what="ctypes: the uEye API library absent at import"),
    C("pymba", "pymba", MSL, "pymba", "vimba", "pymba", "pip:r uv:r pipenv:c", phase="import", imports=("pymba",),
      what="ctypes: Vimba's VimbaC absent at import"),
    C("pixelinkwrapper", "pixelinkwrapper", MSL, "pixelinkwrapper", "pxlapi", "pixelinkwrapper", "pip:r uv:r",
      phase="import", imports=("pixelinkWrapper",), what="ctypes: PixeLINK's PxLApi absent at import"),
)


# A seventh catalogue (issue 15), of train subjects only, checked with table.held_out() as the sixth: more build
# systems (a setup.py's own search, CMake, meson, Cython against absent headers, a JDK-based build, an SDK in the
# home folder) and loaders at import (cffi, ctypes). Labels written by reading the logs.
SEVENTH: tuple[Case, ...] = (
    C("openexr-1.3.9", "openexr", MSL, "openexr", "openexr", "openexr==1.3.9", "pip:r uv:r pdm:r",
      what="OpenEXR headers absent"),
    C("pyo-source", "pyo", MSL, "pyo", "portaudio", "pyo", "pip:r uv:r hatch:r", no_binary=("pyo",),
      what="--no-binary pyo: PortAudio, PortMidi and liblo headers absent"),
    C("pyliblo", "pyliblo", BF, "pyliblo", "cython", "pyliblo", "pip:r uv:r poetry:r",
      what="setup.py imports Cython without declaring it as a build requirement"),
    C("jnius", "jnius", BF, "jnius", "cython", "jnius", "pip:r uv:r",
      what="the 2017 sdist's setup.py imports Cython without declaring it"),
    C("re2", "re2", MSL, "re2", "re2", "re2", "pip:r uv:r pdm:r", what="RE2 headers absent"),
    # pyre2's CMake build fetches its dependencies from github.com, which this machine cannot reach
    C("pyre2-source", "pyre2", "network", "pyre2", "github.com", "pyre2", "pip:r uv:r hatch:r", no_binary=("pyre2",),
      what="--no-binary pyre2: its build fetches sources from github.com (unreachable)"),
    C("pyhyperscan", "pyhyperscan", BF, "pyhyperscan", "cython", "pyhyperscan", "pip:r uv:r poetry:r",
      what="setup.py imports Cython without declaring it as a build requirement"),
    C("vulkan", "vulkan", MSL, "vulkan", "vulkan", "vulkan", "pip:r uv:r pipenv:c", phase="import",
      imports=("vulkan",), what="cffi: libvulkan absent at import"),
    C("gattlib", "gattlib", MSL, "gattlib", "bluetooth", "gattlib", "pip:r uv:r poetry:r",
      what="BlueZ and Boost.Python absent"),
    C("gphoto2-cffi", "gphoto2-cffi", MSL, "gphoto2-cffi", "gphoto2", "gphoto2-cffi", "pip:r uv:r hatch:r",
      what="libgphoto2 absent"),
    C("libtiff", "libtiff", BF, "libtiff", "numpy", "libtiff", "pip:r uv:r",
      what="setup.py imports numpy without declaring it as a build requirement"),
)


# An eighth catalogue (issue 15): older releases of train subjects (each subject checked with table.held_out(),
# or the own corpus's), whose sdists ask for the same system libraries in their own era's words, through pdm, poetry
# and hatch, whose output frames and cuts a build's log differently. Labels written by reading the logs.
EIGHTH: tuple[Case, ...] = (
    # the old setup.py imports setuptools.convert_path, gone from today's setuptools, before it looks for PROJ
    C("cartopy-0.19", "cartopy", BF, "cartopy", "convert_path", "cartopy==0.19.0.post1", "pip:r pdm:r hatch:c",
      timeout=480, what="no cp311 wheel: setup.py imports setuptools.convert_path (removed)"),
    C("rasterio-1.3.0", "rasterio", BF, "rasterio", "pkg_resources", "rasterio==1.3.0", "pip:r poetry:r hatch:r",
      timeout=480, what="no cp311 wheel: setup.py imports pkg_resources, gone from today's setuptools"),
    C("pygeos-0.12", "pygeos", BF, "pygeos", "pkg_resources", "pygeos==0.12.0", "pdm:r hatch:r poetry:c",
      what="setup.py imports pkg_resources, gone from today's setuptools"),
    C("rtree-0.9.7", "rtree", MSL, "rtree", "spatialindex", "rtree==0.9.7", "pdm:r poetry:r", phase="import",
      imports=("rtree",), what="libspatialindex absent at import"),
    C("pyarrow-8.0.0", "pyarrow", BF, "pyarrow", "pkg_resources", "pyarrow==8.0.0", "pip:r pdm:r", timeout=480,
      what="no cp311 wheel: setup.py imports pkg_resources, gone from today's setuptools"),
    C("pycairo-1.20.0", "pycairo", MSL, "pycairo", "cairo", "pycairo==1.20.0", "pip:r poetry:r hatch:r",
      what="cairo (pkg-config) absent"),
    C("pygobject-3.42", "pygobject", MSL, "pygobject", "gobject-introspection", "pygobject==3.42.2",
      "pip:r pdm:r poetry:r", timeout=480, what="gobject-introspection (pkg-config) absent"),
    C("dbus-python-1.2.18", "dbus-python", MSL, "dbus-python", "dbus", "dbus-python==1.2.18", "pip:r pdm:r hatch:r",
      what="dbus-1 (pkg-config) absent (pdm's last ten lines end in configure's exit status)",
      per=(("pdm", BF, "dbus-python", "configure"),)),
    C("pyaudio-0.2.11", "pyaudio", MSL, "pyaudio", "portaudio", "pyaudio==0.2.11", "pip:r poetry:r hatch:c",
      what="portaudio.h absent"),
    C("pycurl-7.44.1", "pycurl", MSL, "pycurl", "curl-config", "pycurl==7.44.1", "pip:r pdm:r poetry:r",
      what="curl-config absent"),
    C("gssapi-1.7.3", "gssapi", MSL, "gssapi", "krb5-config", "gssapi==1.7.3", "pip:r pdm:r hatch:r",
      what="krb5-config absent"),
    C("python-ldap-3.3.1", "python-ldap", MSL, "python-ldap", "lber", "python-ldap==3.3.1", "pip:r poetry:r pdm:c",
      what="OpenLDAP headers (lber.h) absent"),
    C("pygit2-1.10.0", "pygit2", MSL, "pygit2", "git2", "pygit2==1.10.0", "pip:r pdm:r hatch:r",
      what="no cp311 wheel: libgit2 absent"),
    C("pyodbc-4.0.32", "pyodbc", MSL, "pyodbc", "sql.h", "pyodbc==4.0.32", "pip:r poetry:r hatch:r",
      what="no cp311 wheel: unixODBC's sql.h absent"),
    C("netcdf4-1.5.7", "netcdf4", MSL, "netcdf4", "netcdf", "netcdf4==1.5.7", "pdm:r poetry:r", timeout=480,
      what="no cp311 wheel: HDF5 and netCDF absent"),
)


# Round 4 (session 8): train-only subjects again (table.held_out checked before choosing), each needing a
# library, header or tool this machine lacks, at build or at import
NINTH: tuple[Case, ...] = (
    C("python-fribidi-0.1.0", "python-fribidi", MSL, "python-fribidi", "fribidi", "python-fribidi==0.1.0",
      "pip:r uv:r hatch:c", what="fribidi headers absent"),
    # read: setup.py calls distutils.sysconfig._init_posix, gone from today's setuptools, before any header is sought
    C("pcapy-0.11.4", "pcapy", BF, "pcapy", "_init_posix", "pcapy==0.11.4", "pip:r poetry:r pdm:c",
      what="setup.py calls distutils.sysconfig._init_posix (gone)"),
    C("jamspell-0.0.12", "jamspell", MSL, "jamspell", "swig", "jamspell==0.0.12", "pip:r pdm:r hatch:r",
      what="swig absent"),
    C("pykcs11-1.5.9", "pykcs11", MSL, "pykcs11", "swig", "pykcs11==1.5.9", "pip:r uv:r pdm:r", what="swig absent"),
    C("healpy-1.9.1", "healpy", BF, "healpy", "pkg_resources", "healpy==1.9.1", "pip:r uv:r", timeout=480,
      what="setup.py uses pkg_resources, gone from today's setuptools"),
    C("python-olm-3.1.3", "python-olm", MSL, "python-olm", "olm", "python-olm==3.1.3", "pip:r pdm:r uv:c",
      what="libolm headers absent"),
    C("python-rtmidi-1.4.9", "python-rtmidi", BF, "python-rtmidi", "longintrepr", "python-rtmidi==1.4.9",
      "pip:r uv:r hatch:r", timeout=480, what="no cp311 wheel: C from an old Cython includes longintrepr.h"),
    C("pyjags-1.3.8", "pyjags", MSL, "pyjags", "jags", "pyjags==1.3.8", "pip:r poetry:r uv:r", what="JAGS absent"),
    C("yices-1.1.2", "yices", MSL, "yices", "yices", "yices==1.1.2", "pip:r uv:r pdm:r",
      what="setup.py loads libyices with ctypes, absent"),
    C("mujoco-py-2.1", "mujoco-py", MSL, "mujoco-py", "mujoco", "mujoco-py==2.1.2.14", "pip:r uv:r hatch:c",
      phase="import", imports=("mujoco_py",), timeout=480, what="MuJoCo binaries absent at import"),
    C("pymultinest-2.12", "pymultinest", MSL, "pymultinest", "multinest", "pymultinest==2.12", "pip:r uv:r pdm:r",
      phase="import", imports=("pymultinest",), what="libmultinest absent at import"),
    C("mmcv-1.7.1", "mmcv", BF, "mmcv", "torch", "mmcv==1.7.1", "pip:r poetry:r", timeout=480,
      what="setup.py imports torch, undeclared (or builds without it)"),
)


# Round 5 (session 8): train-only subjects whose import or build meets a device or media library this machine lacks
TENTH: tuple[Case, ...] = (
    C("python-mpv-1.0.8", "python-mpv", MSL, "python-mpv", "mpv", "python-mpv==1.0.8", "pip:r poetry:r hatch:c",
      phase="import", imports=("mpv",), what="libmpv absent at import"),
    # read: Cython cannot find the sdist's own ppl_decl.pxd (the build's cimport path, not the PPL library)
    C("pplpy-0.8.7", "pplpy", BF, "pplpy", "pplpy", "pplpy==0.8.7", "pip:r uv:r", timeout=480,
      what="Cython: the sdist's own ppl_decl.pxd not found"),
    # read: pip builds it and the C of an old Cython meets 3.11's PyFrameObject; uv's universal resolution finds no
    # kivy-deps-sdl2 (a Windows-only dependency) for cp311 first
    C("kivy-2.1.0rc3", "kivy", BF, "kivy", "kivy", "kivy==2.1.0rc3", "pip:r uv:r", timeout=480,
      per=(("uv", NMD, "kivy-deps-sdl2", "kivy-deps-sdl2"),),
      what="no cp311 wheel: old Cython C on 3.11; uv: no kivy-deps-sdl2 for cp311 on Windows"),
)


# Round 6 (session 9): train-only subjects (checked with table.held_out() before they were chosen) whose build or
# import meets a library, header or device interface this machine lacks; labels written before any capture
ELEVENTH: tuple[Case, ...] = (
    # read: cfgrib's own bindings.py raises "ecCodes library not found" (eccodes 1.3.3 is not imported first)
    C("cfgrib-0.9.8.5", "cfgrib", MSL, "cfgrib", "eccodes", ("cfgrib==0.9.8.5", "eccodes==1.3.3"),
      "pip:r uv:r pdm:r", phase="import", imports=("cfgrib",), what="the ecCodes C library absent at import"),
)


CASES: tuple[Case, ...] = (*NO_MATCH, *CONFLICTS, *NETWORK, *OTHER, *APT, *IMPORTS, *SYSLIB_IMPORTS, *ABI,
                           *SYSLIB_BUILDS, *BUILDS, *MORE_SYSLIB, *MORE_BUILDS, *MORE_IMPORTS, *MORE_OTHER,
                           *THIRD, *FOURTH, *FIFTH, *SIXTH, *SEVENTH, *EIGHTH,
                           *NINTH, *TENTH, *ELEVENTH)


@dataclass(frozen=True)
class Job:
    case: Case
    manager: str
    form: str        # raw | cell

    @property
    def slug(self) -> str:
        return f"{self.case.slug}-{self.form}"

    @property
    def name(self) -> str:
        return f"{self.manager}/{self.slug}"


def jobs() -> list[Job]:
    """Every case's first run, then every case's second, ...: a cut-short capture still covers every subject."""
    out = []
    for case_no, case in enumerate(CASES):
        for run_no, run in enumerate(case.runs.split()):
            manager, _, form = run.partition(":")
            out.append((run_no, case_no, Job(case, manager, {"r": "raw", "c": "cell"}[form])))
    return [job for _, _, job in sorted(out, key=lambda t: (t[0], t[1]))]


# ------------------------------------------------------------------------------ local servers for bad indexes


class _Handler(http.server.BaseHTTPRequestHandler):
    mode = "404"

    def do_GET(self) -> None:
        if self.mode == "503":
            self.send_error(503, "Service Unavailable")
            return
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if self.mode == "404" and len(parts) == 2 and parts[0] == "simple":
            name = parts[1]
            page = (f'<html><body><a href="/files/{name}-99.0-py3-none-any.whl">{name}-99.0-py3-none-any.whl</a>'
                    f'<a href="/files/{name}-99.0.tar.gz">{name}-99.0.tar.gz</a></body></html>').encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
            return
        self.send_error(404, "Not Found")

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Servers:
    urls: dict[str, str] = field(default_factory=dict)

    def start(self, work: Path) -> None:
        for mode in ("404", "503"):
            handler = type(f"H{mode}", (_Handler,), {"mode": mode})
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.urls[mode] = f"http://127.0.0.1:{server.server_address[1]}"
        cert, key = work / "selfsigned.pem", work / "selfsigned.key"
        if not cert.exists():
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj",
                            "/CN=pypi.internal.example", "-keyout", str(key), "-out", str(cert)],
                           check=True, capture_output=True)
        tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), type("Htls", (_Handler,), {"mode": "404"}))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        tls.socket = context.wrap_socket(tls.socket, server_side=True)
        threading.Thread(target=tls.serve_forever, daemon=True).start()
        self.urls["tls"] = f"https://127.0.0.1:{tls.server_address[1]}"
        with socket.socket() as s:   # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            self.urls["refused"] = f"http://127.0.0.1:{s.getsockname()[1]}"
        self.urls["dns"] = "https://pypi.mirror.nosuch.invalid"

    def index(self, mode: str) -> str:
        return f"{self.urls[mode]}/simple/"


PROXY = "http://proxy.corp.nosuch.invalid:3128"


# ------------------------------------------------------------------------------ running a raw flow


@dataclass(frozen=True)
class Step:
    argv: tuple[str, ...]
    show: str | None                       # the command as the log shows it; None: a hidden set-up step
    env: tuple[tuple[str, str], ...] = ()
    write: tuple[str, str] | None = None   # instead of argv: (file, text)
    edit: Callable[[Path], None] | None = None


@dataclass
class Ctx:
    work: Path
    python: str
    tools: dict[str, str]
    servers: Servers
    env: dict[str, str]
    versions: dict[str, str] = field(default_factory=dict)   # job name -> the pip a raw flow ran


def q(args: tuple[str, ...] | list[str]) -> str:
    return " ".join(shlex.quote(a) for a in args)


def pyproject(deps: tuple[str, ...] = (), hatch: bool = False) -> str:
    listed = ", ".join(json.dumps(d) for d in deps)
    text = ('[project]\nname = "wild-probe"\nversion = "0.1.0"\nrequires-python = ">=3.11,<3.12"\n'
            f"dependencies = [{'' if hatch else listed}]\n\n[tool.poetry]\npackage-mode = false\n")
    if hatch:
        text += (f'\n[tool.hatch.envs.default]\nskip-install = true\ndependencies = [{listed}]\n')
    return text


def uv_project(job: Job) -> bool:
    """Half of uv's raw installs use the project interface (uv add), half uv pip install."""
    c = job.case
    return not c.no_binary and not c.then and hashlib.sha256(c.slug.encode()).digest()[0] % 2 == 0


def index_env(job: Job, ctx: Ctx, var: str) -> tuple[tuple[str, str], ...]:
    mode = job.case.index
    if mode == "proxy":
        return (("HTTPS_PROXY", PROXY), ("HTTP_PROXY", PROXY))
    return ((var, ctx.servers.index(mode)),) if mode else ()


def shown_env(pairs: tuple[tuple[str, str], ...]) -> str:
    return "".join(f"{k}={shlex.quote(v)} " for k, v in pairs if k != "HTTP_PROXY")


def flow_pip(job: Job, ctx: Ctx) -> list[Step]:
    c, py = job.case, ".venv/bin/python"
    env = index_env(job, ctx, "PIP_INDEX_URL") if c.index == "proxy" else ()
    idx = ("--index-url", ctx.servers.index(c.index)) if c.index and c.index != "proxy" else ()
    nb = tuple(a for n in c.no_binary for a in ("--no-binary", n))
    steps = [Step((ctx.python, "-m", "venv", ".venv"), None),
             Step((py, "-m", "pip", "install", "-q", "-U", "pip"), None), Step((py, "-m", "pip", "--version"), None)]
    steps.append(Step((py, "-m", "pip", "install", *idx, *nb, *c.reqs), f"{shown_env(env)}pip install "
                      + q([*idx, *nb, *c.reqs]), env))
    if c.then:
        steps.append(Step((py, "-m", "pip", "install", *c.then), "pip install " + q(list(c.then))))
    steps += [Step((py, "-c", f"import {m}"), f'python -c "import {m}"') for m in c.imports]
    return steps


def flow_uv(job: Job, ctx: Ctx) -> list[Step]:
    c, uv = job.case, ctx.tools["uv"]
    if uv_project(job):
        env = index_env(job, ctx, "UV_DEFAULT_INDEX")
        steps = [Step((), None, write=("pyproject.toml", pyproject())),
                 Step((uv, "add", "--python", ctx.python, *c.reqs), f"{shown_env(env)}uv add " + q(list(c.reqs)), env)]
        steps += [Step((uv, "run", "--python", ctx.python, "python", "-c", f"import {m}"),
                       f'uv run python -c "import {m}"') for m in c.imports]
        return steps
    env = index_env(job, ctx, "UV_INDEX_URL") if c.index == "proxy" else ()
    idx = ("--index-url", ctx.servers.index(c.index)) if c.index and c.index != "proxy" else ()
    nb = tuple(a for n in c.no_binary for a in ("--no-binary", n))
    steps = [Step((uv, "venv", "--python", ctx.python, ".venv"), "uv venv --python 3.11"),
             Step((uv, "pip", "install", *idx, *nb, *c.reqs),
                  f"{shown_env(env)}uv pip install " + q([*idx, *nb, *c.reqs]), env)]
    if c.then:
        steps.append(Step((uv, "pip", "install", *c.then), "uv pip install " + q(list(c.then))))
    steps += [Step((".venv/bin/python", "-c", f"import {m}"), f'.venv/bin/python -c "import {m}"') for m in c.imports]
    return steps


def flow_poetry(job: Job, ctx: Ctx) -> list[Step]:
    c, poetry = job.case, ctx.tools["poetry"]
    env = index_env(job, ctx, "") if c.index == "proxy" else ()
    steps = [Step((), None, write=("pyproject.toml", pyproject())), Step((poetry, "env", "use", ctx.python), None)]
    if c.index and c.index != "proxy":
        url = ctx.servers.index(c.index)
        steps.append(Step((poetry, "source", "add", "--priority=primary", "mirror", url),
                          f"poetry source add --priority=primary mirror {url}"))
    for name in c.no_binary:
        steps.append(Step((poetry, "config", "--local", "installer.no-binary", name),
                          f"poetry config --local installer.no-binary {name}"))
    steps.append(Step((poetry, "add", *c.reqs), f"{shown_env(env)}poetry add " + q(list(c.reqs)), env))
    steps += [Step((poetry, "run", "python", "-c", f"import {m}"), f'poetry run python -c "import {m}"')
              for m in c.imports]
    return steps


def flow_pdm(job: Job, ctx: Ctx) -> list[Step]:
    c = job.case
    pdm = ctx.tools["pdm-latest" if c.special == "pdm-latest" else "pdm"]
    env = index_env(job, ctx, "PDM_PYPI_URL") + tuple(("PDM_NO_BINARY", n) for n in c.no_binary)
    steps = [Step((), None, write=("pyproject.toml", pyproject())), Step((pdm, "use", "-f", ctx.python), None),
             Step((pdm, "add", *c.reqs), f"{shown_env(env)}pdm add " + q(list(c.reqs)), env)]
    steps += [Step((pdm, "run", "python", "-c", f"import {m}"), f'pdm run python -c "import {m}"') for m in c.imports]
    return steps


def flow_pipenv(job: Job, ctx: Ctx) -> list[Step]:
    c, pipenv = job.case, ctx.tools["pipenv"]
    env = index_env(job, ctx, "PIPENV_PYPI_MIRROR") + tuple(("PIP_NO_BINARY", n) for n in c.no_binary)
    steps = [Step((pipenv, "install", "--python", ctx.python, *c.reqs),
                  f"{shown_env(env)}pipenv install --python 3.11 " + q(list(c.reqs)), env)]
    steps += [Step((pipenv, "run", "python", "-c", f"import {m}"), f'pipenv run python -c "import {m}"')
              for m in c.imports]
    return steps


def flow_hatch(job: Job, ctx: Ctx) -> list[Step]:
    c, hatch = job.case, ctx.tools["hatch"]
    env = index_env(job, ctx, "PIP_INDEX_URL") + tuple(("PIP_NO_BINARY", n) for n in c.no_binary)
    if c.index and c.index != "proxy":
        env += (("UV_DEFAULT_INDEX", ctx.servers.index(c.index)),)
    steps = [Step((), None, write=("pyproject.toml", pyproject(c.reqs, hatch=True)))]
    if c.imports:
        steps += [Step((hatch, "run", "python", "-c", f"import {m}"), f'hatch run python -c "import {m}"', env)
                  for m in c.imports]
    else:
        steps.append(Step((hatch, "env", "create"), f"{shown_env(env)}hatch env create", env))
    return steps


def apt_sources(ctx: Ctx, mode: str) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        base = "http://deb.nosuch.invalid" if mode == "dns" else ctx.servers.urls[mode]
        (folder / "sources.list").write_text(f"deb {base}/debian bookworm main\n", encoding="utf-8")
        (folder / "lists" / "partial").mkdir(parents=True, exist_ok=True)
    return write


def flow_apt(job: Job, ctx: Ctx) -> list[Step]:
    c = job.case
    if c.special == "apt-update":
        opts = ("-o", "Dir::Etc::SourceList=./sources.list", "-o", "Dir::Etc::SourceParts=/nonexistent",
                "-o", "Dir::State::Lists=./lists", "-o", "APT::Get::List-Cleanup=0", "-o", "APT::Sandbox::User=root")
        shown = "  # with sources.list naming only the mirror below"
        return [Step((), None, edit=apt_sources(ctx, c.index)),
                Step(("apt-get", "update", *opts), "apt-get update" + shown),
                Step(("apt-get", "install", "-y", *opts, "python3-toolz"), "apt-get install -y python3-toolz",
                     (("DEBIAN_FRONTEND", "noninteractive"),))]
    names = c.reqs if c.special == "apt-install" else tuple(f"python3-{r}" for r in c.reqs)
    return [Step(("apt-get", "install", "-y", *names), "apt-get install -y " + q(list(names)),
                 (("DEBIAN_FRONTEND", "noninteractive"),))]


def tamper_lock(folder: Path) -> None:
    """Change the first sha256 of six in whichever lock file the manager wrote."""
    for name in ("poetry.lock", "pdm.lock", "Pipfile.lock"):
        lock = folder / name
        if lock.exists():
            text = lock.read_text(encoding="utf-8")
            new = re.sub(r"(sha256:)[0-9a-f]{64}", lambda m: m.group(1) + "0" * 64, text)
            lock.write_text(new, encoding="utf-8")
            return


def flow_hash(job: Job, ctx: Ctx) -> list[Step]:
    c = job.case
    if c.special == "hash-req":
        bad = "sha256:" + "0123456789abcdef" * 4
        req = f"{c.reqs[0]} --hash={bad}\n"
        setup = [Step((), None, write=("requirements.txt", req))]
        if job.manager == "pip":
            return [*setup, Step((ctx.python, "-m", "venv", ".venv"), None),
                    Step((".venv/bin/python", "-m", "pip", "install", "-q", "-U", "pip"), None),
                    Step((".venv/bin/python", "-m", "pip", "--version"), None),
                    Step((".venv/bin/python", "-m", "pip", "install", "--require-hashes", "-r", "requirements.txt"),
                         "pip install --require-hashes -r requirements.txt  # " + req.strip())]
        return [*setup, Step((ctx.tools["uv"], "venv", "--python", ctx.python, ".venv"), "uv venv --python 3.11"),
                Step((ctx.tools["uv"], "pip", "install", "--require-hashes", "-r", "requirements.txt"),
                     "uv pip install --require-hashes -r requirements.txt  # " + req.strip())]
    m = job.manager
    if m == "poetry":
        p = ctx.tools["poetry"]
        return [Step((), None, write=("pyproject.toml", pyproject(c.reqs))), Step((p, "env", "use", ctx.python), None),
                Step((p, "lock"), "poetry lock"), Step((), None, edit=tamper_lock),
                Step((p, "install"), "poetry install  # after poetry.lock's sha256 for six was altered")]
    if m == "pdm":
        p = ctx.tools["pdm"]
        return [Step((), None, write=("pyproject.toml", pyproject(c.reqs))), Step((p, "use", "-f", ctx.python), None),
                Step((p, "lock"), "pdm lock"), Step((), None, edit=tamper_lock),
                Step((p, "sync"), "pdm sync  # after pdm.lock's sha256 for six was altered")]
    p = ctx.tools["pipenv"]
    return [Step((), None, write=("Pipfile", f'[packages]\nsix = "=={c.reqs[0].split("==")[1]}"\n\n'
                                             '[requires]\npython_version = "3.11"\n')),
            Step((p, "lock", "--python", ctx.python), "pipenv lock"), Step((), None, edit=tamper_lock),
            Step((p, "sync"), "pipenv sync  # after Pipfile.lock's sha256 for six was altered")]


FLOWS: dict[str, Callable[[Job, Ctx], list[Step]]] = {
    "pip": flow_pip, "uv": flow_uv, "poetry": flow_poetry, "pdm": flow_pdm, "pipenv": flow_pipenv,
    "hatch": flow_hatch, "apt": flow_apt}


def raw_env(ctx: Ctx) -> dict[str, str]:
    env = {k: v for k, v in ctx.env.items() if k != "PYTHONPATH"}
    env.update(PIP_NO_INPUT="1", PIPENV_YES="1", PIPENV_NOSPIN="1", PIPENV_VENV_IN_PROJECT="1",
               PIPENV_IGNORE_VIRTUALENVS="1", POETRY_VIRTUALENVS_IN_PROJECT="true", POETRY_NO_INTERACTION="1",
               UV_PYTHON_DOWNLOADS="never", PDM_CHECK_UPDATE="false", HATCH_ENV_TYPE_VIRTUAL_UV_PATH="",
               COLUMNS="120", VIRTUAL_ENV="")
    env.pop("VIRTUAL_ENV")
    env.pop("HATCH_ENV_TYPE_VIRTUAL_UV_PATH")
    return env


def run_raw(job: Job, ctx: Ctx, folder: Path) -> tuple[bool, str, str]:
    """Run the flow; (as expected, log, detail)."""
    flow = flow_hash if job.case.special.startswith("hash") else FLOWS[job.manager]
    steps = flow(job, ctx)
    env = raw_env(ctx)
    log: list[str] = []
    shown = [s for s in steps if s.show is not None]
    last = shown[-1]
    for step in steps:
        if step.write:
            (folder / step.write[0]).write_text(step.write[1], encoding="utf-8")
            continue
        if step.edit:
            step.edit(folder)
            continue
        try:
            proc = subprocess.run(list(step.argv), cwd=folder, env={**env, **dict(step.env)}, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, errors="replace", timeout=job.case.timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return False, "".join(log), f"timed out after {job.case.timeout}s: {step.show or q(step.argv)}"
        if step.argv[-2:] == ("pip", "--version"):
            ctx.versions[job.name] = proc.stdout.split(" from ")[0].strip()
        if step.show is not None:
            log.append(f"$ {step.show}\n{proc.stdout}")
            if proc.stdout and not proc.stdout.endswith("\n"):
                log.append("\n")
        if proc.returncode != 0:
            # apt-get update fails outright on a 404 Release file, only warns on the rest
            if step is last or (step.show is not None and job.case.special == "apt-update"):
                return True, "".join(log), f"exit {proc.returncode}"
            tail = proc.stdout.strip().splitlines()[-3:]
            return False, "".join(log), f"step failed early ({step.show or q(step.argv)}): {' | '.join(tail)}"
    return False, "".join(log), "every step succeeded"


# ------------------------------------------------------------------------------ running a cell


def cell_config(job: Job, ctx: Ctx) -> str:
    c = job.case
    lines = [f"managers: [{job.manager}]", f'python: ["{host_python()}"]', f"os: [{host_os_label()}]", "retries: 0"]
    lines.append("packages:")
    for i, req in enumerate(c.reqs):
        if i == 0 and c.imports:   # the modules the scenario is about, not the name-derived default
            lines += [f"  - name: {json.dumps(req)}", f"    import: {json.dumps(list(c.imports))}"]
        else:
            lines.append(f"  - {json.dumps(req)}")
    if c.index and c.index != "proxy":
        lines.append(f"index-url: {ctx.servers.index(c.index)}")
    if c.test:
        lines.append(f"test: {json.dumps(c.test)}")
    return "\n".join(lines) + "\n" + c.extra


def run_cell(job: Job, ctx: Ctx, folder: Path) -> tuple[bool, str, str]:
    cell = f"{job.manager}-all-{host_os_label()}-py{host_python()}"
    (folder / "rodeo.yml").write_text(cell_config(job, ctx), encoding="utf-8")
    # no caching index: the log shows the real index, and concurrent captures share no index folder
    env = {**ctx.env, "RODEO_CACHING_INDEX": "0"}
    if job.manager == "pdm" and job.case.special != "pdm-latest":
        env["PATH"] = os.pathsep.join([str(Path(ctx.tools["pdm"]).parent), env.get("PATH", os.defpath)])
    try:
        proc = subprocess.run([sys.executable, "-m", "rodeo_action", "run", "--cell", cell, "--config", "rodeo.yml",
                               "--output", "out"], cwd=folder, env=env, capture_output=True, text=True,
                              timeout=max(job.case.timeout, 300) + 300)
    except subprocess.TimeoutExpired:
        return False, "", "rodeo timed out"
    result_file, log_file = folder / "out" / f"{cell}.json", folder / "out" / f"{cell}.log"
    if proc.returncode != 0 or not result_file.exists():
        return False, "", f"rodeo exited {proc.returncode}: {proc.stderr.strip()[-300:]}"
    result = json.loads(result_file.read_text(encoding="utf-8"))
    log = log_file.read_text(encoding="utf-8", errors="replace")
    status, phase = result.get("status"), result.get("phase")
    wanted = ("timeout",) if job.case.kind == "timeout" else ("fail",)
    cause = result.get("cause") or {}
    detail = f"{status} in {phase} [rodeo said: {cause.get('kind')}, {cause.get('package')}]"
    if status not in wanted or (status == "fail" and phase != job.case.phase):
        return False, log, detail
    failed = {m: v for m, v in (result.get("imports") or {}).items() if v != "ok"}
    if phase == "import" and failed and not all(f"\n{m}: {v}\n" in log for m, v in failed.items()):
        log += "" if log.endswith("\n") else "\n"
        log += f"# rodeo import probe verdicts (from {cell}.json \"imports\"; appended by wild.py):\n"
        log += "".join(f"{m}: {v}\n" for m, v in failed.items())
    return True, log, detail


# ------------------------------------------------------------------------------ scrub, trim, write


# an address, not a version such as 4.12.0.88 ("==4.12.0.88", "from 4.11 to 4.12.0.88", "-4.12.0.88.tar.gz",
# pdm's "opencv-python@4.12.0.88"): only after "://", "IP: ", "host ", "host=", "address " or "connect(ing) to ",
# or before ":port", never after "==", ">=", "-", "v" or "version "; octets <= 255 are checked where it is replaced
_OCTETS = r"(?<![\w.\-])(?<![=<>~!]=)(?<!version )(?:\d{1,3}\.){3}\d{1,3}"
IPV4 = re.compile(r"(?:(?<=://)|(?<=IP: )|(?<=host )|(?<=host=)|(?<=address )|(?<=connect to )"
                  r"|(?<=connecting to )|(?<=connected to ))" + _OCTETS + r"(?![\d.]*\w)"
                  r"|" + _OCTETS + r"(?=:\d{1,5}\b)")


def scrub(text: str) -> str:
    home = str(Path.home())
    if home not in ("/", ""):
        text = re.sub(re.escape(home) + r"(?=[/\s'\"\]):]|$)", "/home/user", text, flags=re.MULTILINE)
    text = text.replace("\r\n", "\n")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)    # colours, cursor moves
    text = "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))   # progress bars: the last frame

    found = {m.group(0) for m in IPV4.finditer(text)}
    for value in found:
        if not value.startswith(("127.", "0.0.0.0")) and all(0 <= int(p) <= 255 for p in value.split(".")):
            text = re.sub(r"(?<![\w.-])(?<![=<>~!]=)" + re.escape(value) + r"(?![\w]|\.\d)", "192.0.2.1", text)
    return text


def trim(text: str) -> str:
    lines = text.splitlines(keepends=True)
    if len(lines) <= MAX_LINES and len(text.encode()) <= MAX_BYTES:
        return text
    head = lines[:HEAD_LINES]
    tail: list[str] = []
    size = sum(len(x.encode()) for x in head) + 80
    for line in reversed(lines[HEAD_LINES:]):
        if len(head) + len(tail) + 1 >= MAX_LINES or size + len(line.encode()) > MAX_BYTES:
            break
        tail.append(line)
        size += len(line.encode())
    tail.reverse()
    cut = len(lines) - len(head) - len(tail)
    return "".join(head) + f"# [wild.py: {cut} lines trimmed]\n" + "".join(tail)


def tool_version(job: Job, ctx: Ctx, log: str) -> str:
    m = job.manager
    if m == "pip":
        if job.form == "raw":
            return ctx.versions.get(job.name, "pip (latest)")
        found = re.findall(r"^# pip: pip (\S+)", log, re.MULTILINE)
        return f"pip {found[0]}" if found else "pip"
    key = "pdm-latest" if job.case.special == "pdm-latest" and m == "pdm" else m
    if m == "apt":
        return "apt 2.6.1"
    proc = subprocess.run([ctx.tools[key], "--version"], capture_output=True, text=True, check=False)
    out = re.search(r"\d+(?:\.\d+)+", proc.stdout)
    extra = ""
    if m == "pdm":
        hishel = subprocess.run([str(Path(ctx.tools[key]).parent / "python"), "-c",
                                 "import importlib.metadata as m; print(m.version('hishel'))"],
                                capture_output=True, text=True, check=False).stdout.strip()
        extra = f" with hishel {hishel}"
    return f"{m} {out.group(0) if out else '?'}{extra}"


def write_log(job: Job, ctx: Ctx, log: str) -> Path:
    c = job.case
    kind, package, summary = c.label(job.manager, job.form)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    how = "rodeo run --cell" if job.form == "cell" else "the tool's own output"
    facts = host.find_python(host_python())
    python = facts.version if facts else host_python()
    source = (f"captured on this machine by tests/corpus/wild.py on {today} ({tool_version(job, ctx, log)}, "
              f"Python {python}, {os_name()}); {how}; $HOME shown as /home/user")
    if c.index in ("refused", "tls", "404", "503"):
        source += "; the index is a local server on 127.0.0.1 (see wild.py)"
    head = [f"manager: {job.manager}", f"phase: {c.phase}", f"kind: {kind}", f"package: {package}",
            f"summary-contains: {summary}", f"subject: {c.subject}", f"form: {job.form}", f"source: {source}", "---"]
    body = trim(scrub(log))
    target = WILD / job.manager / f"{job.slug}.log"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(f"#@ {h}\n" for h in head) + body + ("" if body.endswith("\n") else "\n"),
                      encoding="utf-8")
    return target


def capture_one(job: Job, ctx: Ctx, keep: bool) -> tuple[bool, str]:
    folder = Path(tempfile.mkdtemp(prefix=f"wild-{job.manager}-{job.case.slug[:40]}-", dir=ctx.work / "runs"))
    try:
        ok, log, detail = (run_cell if job.form == "cell" else run_raw)(job, ctx, folder)
        if not ok:
            tail = " | ".join(scrub(log).strip().splitlines()[-4:])[-400:]
            return False, f"{detail} :: {tail}"
        return True, f"{write_log(job, ctx, log).relative_to(ROOT)} ({detail})"
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------------------ main


def relabel(todo: list[Job]) -> int:
    """Rewrite kind/package/summary-contains/subject of written logs from the catalogue; body and source kept."""
    changed = 0
    for job in todo:
        path = WILD / job.manager / f"{job.slug}.log"
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        kind, package, summary = job.case.label(job.manager, job.form)
        new = {"phase": job.case.phase, "kind": kind, "package": package, "summary-contains": summary,
               "subject": job.case.subject}
        head, sep, body = text.partition("#@ ---\n")
        lines = []
        for line in head.splitlines():
            key = line[3:].partition(":")[0].strip()
            lines.append(f"#@ {key}: {new[key]}" if key in new else line)
        updated = "\n".join(lines) + "\n" + sep + body
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed += 1
            print(f"relabelled {job.name}")
    print(f"wild: {changed} logs relabelled")
    return 0


def tools(work: Path, env: dict[str, str]) -> dict[str, str]:
    from rodeo_action.run.toolhome import installed

    cache = host.cache_root(os.environ)
    found = {m: str(installed(cache, m) or shutil.which(m) or f"{m}-latest")
             for m in ("uv", "poetry", "pipenv", "hatch")}
    found["pdm-latest"] = str(installed(cache, "pdm") or "pdm-latest")
    found["pdm"] = str(venv_with(work / "pdm-working", PDM_WORKING, env).parent / "pdm")
    missing = [m for m, p in found.items() if not Path(p).is_absolute() or not Path(p).exists()]
    if missing:
        raise SystemExit(f"wild: tools not found: {', '.join(missing)} (run capture.py once to bootstrap them)")
    return found


def selected(only: list[str]) -> list[Job]:
    out = jobs()
    if not only:
        return out
    return [j for j in out if {j.manager, j.case.slug, j.name, j.case.subject, j.case.kind, j.form} & set(only)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="a manager, case slug, manager/slug, subject, kind or form (repeatable)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "rodeo-wild")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--missing", action="store_true", help="only jobs whose log is not written yet")
    parser.add_argument("--relabel", action="store_true",
                        help="rewrite the labels of the logs already written from the catalogue (no capture)")
    args = parser.parse_args(argv)
    todo = selected(args.only)
    if args.missing:
        todo = [j for j in todo if not (WILD / j.manager / f"{j.slug}.log").exists()]
    if args.relabel:
        return relabel(todo)
    if args.list:
        for j in todo:
            print(f"{j.name:60} {j.form:4} {j.case.kind:25} {j.case.what}")
        print(f"{len(todo)} jobs, {len({j.case.subject for j in todo})} subjects")
        return 0
    if any(j.manager == "apt" for j in todo) and not apt_usable():
        print("wild: apt needs Debian/Ubuntu and root: skipping apt", file=sys.stderr)
        todo = [j for j in todo if j.manager != "apt"]
    (args.workdir / "runs").mkdir(parents=True, exist_ok=True)
    env = base_env(ROOT)
    servers = Servers()
    servers.start(args.workdir)
    facts = host.find_python(host_python())
    ctx = Ctx(args.workdir, facts.path if facts else sys.executable, tools(args.workdir, env), servers, env)
    lock = threading.Lock()
    results: list[bool] = []

    def one(job: Job) -> None:
        try:
            ok, detail = capture_one(job, ctx, args.keep)
        except Exception as exc:
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        with lock:
            results.append(ok)
            print(f"{'ok  ' if ok else 'MISS'} {job.name}: {detail}", flush=True)

    run_all(todo, one, args.jobs, lambda j: j.manager == "apt")
    print(f"wild: {sum(results)}/{len(results)} logs written under {WILD.relative_to(ROOT)}")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
