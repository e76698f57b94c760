"""The names a build looks a system library up by (pkg-config modules, link-time library names,
``foo-config`` tools, the libraries ``-dev`` packages are named for, the programs of Debian's development
sections), and the Debian package that provides each: ``matrix/system-names.tsv``, written by
``scripts/system-names`` from Debian's index of every file in every package.

Each package words "I did not find the library" its own way ("Can not find supported Gammu version using
pkg-config!", "libsndfile library was not found in standard locations", "Require tss2-esys to be
installed"); the sentences are endless, the libraries are not. A failed build's line that says something
is absent and names one of these is a missing system library, whatever the sentence, and the Debian
package is the fix a person can paste.
"""

from __future__ import annotations

import re
from functools import cache

from rodeo_action.resources import data_dir

# Names Debian ships that are also words a build log uses for other things
_WORDS = frozenset((
    "check", "config", "base", "test", "tests", "version", "core", "common", "data", "util", "utils", "tools", "system",
    "build", "make", "cmake", "meson", "ninja", "gcc", "pkg", "pkgconf", "pkg-config", "setup", "module", "package",
    "library", "libraries", "header", "headers", "install", "python", "python3", "numpy", "cython", "wheel", "found",
    "local", "path", "file", "files", "error", "main", "default", "static", "shared", "dev", "devel", "lib", "libs",
    "include", "required", "support", "standard", "compiler", "runtime", "engine", "server", "client",
    "extension", "extensions", "plugin", "plugins", "interface", "api", "sdk", "toolkit", "framework", "source", "tool",
))
# words of logs, read alone, that name a program, a file type or nothing at all, never a library a build or a loader
# lacks, though Debian ships a package by that name: gcc's collect2, Windows' "DLL load failed", English words
# (binutils' size and strings, ivtools' libTime and libAttribute, suitesparse's libamd for "amd64"); with its lib-
# prefix the name is one ("libinput"), and "usb" or "audio" may well name one
_BARE_WORDS = frozenset((
    "collect", "collect2", "dll", "size", "strings", "debug", "user", "global", "int", "criterion", "unused", "frame",
    "attribute", "input", "inspect", "opt", "time", "expect", "tag", "direct", "amd64", "foundation", "dns", "bash",
    "tls",
))


# Names a build or a loader uses for a library no file of Debian's is named after: an umbrella (MPI, LAPACK,
# Qt5, Eigen), a project's own name for libraries whose files are named otherwise (PostgreSQL's libpq, ZeroMQ's
# libzmq), a runtime (CUDA, the JDK)
_ALIASES = {
    "mpi": ("MPI", "mpi-default-dev"), "lapack": ("LAPACK", "liblapack-dev"),
    "openblas": ("OpenBLAS", "libopenblas-dev"), "openmp": ("OpenMP", "libomp-dev"),
    "eigen": ("Eigen", "libeigen3-dev"), "eigen3": ("Eigen3", "libeigen3-dev"),
    "cuda": ("CUDA", "nvidia-cuda-toolkit"), "jdk": ("JDK", "default-jdk"), "java": ("Java", "default-jdk"),
    "qt5": ("Qt5", "qtbase5-dev"), "qt6": ("Qt6", "qt6-base-dev"), "tk": ("Tk", "tk-dev"),
    "kerberos": ("Kerberos", "libkrb5-dev"), "gssapi": ("GSSAPI", "libkrb5-dev"),
    "freeglut": ("freeglut", "freeglut3-dev"),
    "ffmpeg": ("FFmpeg", "libavformat-dev"), "pulseaudio": ("PulseAudio", "libpulse-dev"),
    "postgresql": ("PostgreSQL", "libpq-dev"), "postgres": ("PostgreSQL", "libpq-dev"),
    "mysql": ("MySQL", "default-libmysqlclient-dev"), "zeromq": ("ZeroMQ", "libzmq3-dev"),
    "gobject": ("GObject", "libglib2.0-dev"), "ghostscript": ("Ghostscript", "libgs-dev"),
    "openjpeg": ("OpenJPEG", "libopenjp2-7-dev"),
}


@cache
def _table() -> dict[str, tuple[str, str]]:
    """lower-case name -> (the name as Debian writes it, the Debian package)."""
    found: dict[str, tuple[str, str]] = {}
    with (data_dir("matrix") / "system-names.tsv").open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or "\t" not in line:
                continue
            name, package = line.rstrip("\n").split("\t", 1)
            found.setdefault(name.lower(), (name, package))
    return found


_SUFFIX = re.compile(r"\.(?:h|hh|hpp|pc|so(?:\.[\d.]+)?|a|dylib|dll)$")
_VERSION = re.compile(r"[-.]?\d+(?:\.\d+)*$")


def lookup(token: str) -> tuple[str, str] | None:
    """(the library's name, its Debian package) for a word a log used for it: ``Gammu``, ``libsndfile``,
    ``libusb-1.0``, ``gdal-config``, ``geos_c.h``; None for a word that names none (or names one but is
    also an ordinary word of build logs)."""
    word = _SUFFIX.sub("", token.strip("'\"`.,;:()[]{}<>").lower())
    if len(word) < 3 or word in _WORDS or word in _BARE_WORDS:
        return None
    bare = word.removeprefix("lib")
    if len(bare) < 3 or bare in _WORDS:
        return None
    table = _table()
    unversioned = _VERSION.sub("", word)
    # "C99" is no "libc", "X11" may well be "libx11": a name without its version must still be a name
    versionless = (unversioned, f"lib{unversioned.removeprefix('lib')}") \
        if len(unversioned.removeprefix("lib")) >= 3 else ()
    for candidate in (word, f"lib{bare}", bare, f"{bare}-config", *versionless):
        if candidate in table and len(candidate) >= 3:
            return table[candidate]
    return _ALIASES.get(word) or _ALIASES.get(unversioned)


__all__ = ["lookup"]
