"""Missing system libraries as the packages' own build scripts, their build systems and their loaders word them.

Each message below was read in the source that prints it (the repository, path and commit of the newest
stored snapshot are cited beside it), never in a log of the wild corpus: the rules must generalize past
the wordings of the packages they were written on. Each is embedded in the frame of the tool a user
meets it in (pip's subprocess-exited-with-error block, uv's "Failed to build", poetry's PEP 517 block, a
``python -c "import x"`` traceback after a finished install) and classified twice: with the manager and
phase given, as a cell's runner does, and blind, as ``rodeo explain LOG`` does. The negative cases are
real build failures that are not a missing system library (a Python module or distribution the build
lacks, Cython and C errors, a Python version a setup.py refuses) and must stay what they are.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

import pytest

from rodeo_action.causes import classify
from rodeo_action.causes.logread import explain

SITE = "/home/user/.venv/lib/python3.11/site-packages"
BUILD_ENV = "/tmp/pip-build-env-k2x9/overlay/lib/python3.11/site-packages"
HOOKS = f"{SITE}/pip/_vendor/pyproject_hooks/_in_process/_in_process.py"


def _indent(text: str, prefix: str) -> str:
    return "\n".join((prefix + line).rstrip() for line in text.strip("\n").splitlines())


def setup_traceback(exc: str, line: int = 40, hook: str = "get_requires_for_build_wheel") -> str:
    """A setup.py that raised ``exc`` while setuptools ran it under the PEP 517 hook ``hook``."""
    return textwrap.dedent(f"""\
        Traceback (most recent call last):
          File "{HOOKS}", line 389, in <module>
            main()
          File "{HOOKS}", line 373, in main
            json_out["return_val"] = hook(**hook_input["kwargs"])
          File "{HOOKS}", line 143, in {hook}
            return hook(config_settings)
          File "{BUILD_ENV}/setuptools/build_meta.py", line 334, in {hook}
            return self._get_build_requires(config_settings, requirements=[])
          File "{BUILD_ENV}/setuptools/build_meta.py", line 317, in run_setup
            exec(code, locals())
          File "<string>", line {line}, in <module>
        """) + exc


# -- the frames: how each manager shows a failed build, and a failed import after an install --------


def pip_frame(pkg: str, ver: str, out: str, stage: str = "requirements") -> str:
    """pip 24/25: the build's output in the subprocess-exited-with-error block of its stage."""
    lines = len(out.strip("\n").splitlines())
    what = {"requirements": "Getting requirements to build wheel", "metadata": "Preparing metadata (pyproject.toml)",
            "wheel": f"Building wheel for {pkg} (pyproject.toml)"}[stage]
    log = (f"$ pip install {pkg}=={ver}\nCollecting {pkg}=={ver}\n  Downloading {pkg}-{ver}.tar.gz (1.2 MB)\n"
           "  Installing build dependencies: started\n  Installing build dependencies: finished with status 'done'\n"
           "  Getting requirements to build wheel: started\n")
    if stage != "requirements":
        log += ("  Getting requirements to build wheel: finished with status 'done'\n"
                "  Preparing metadata (pyproject.toml): started\n")
    if stage == "wheel":
        log += ("  Preparing metadata (pyproject.toml): finished with status 'done'\n"
                f"Building wheels for collected packages: {pkg}\n  {what}: started\n")
    log += (f"  {what}: finished with status 'error'\n  error: subprocess-exited-with-error\n  \n"
            f"  × {what} did not run successfully.\n  │ exit code: 1\n  ╰─> [{lines} lines of output]\n"
            + _indent(out, "      ") + "\n      [end of output]\n  \n"
            "  note: This error originates from a subprocess, and is likely not a problem with pip.\n")
    if stage == "wheel":
        return log + (f"  ERROR: Failed building wheel for {pkg}\nFailed to build {pkg}\n"
                      f"ERROR: Failed to build installable wheels for some pyproject.toml based projects ({pkg})\n")
    if stage == "metadata":
        return log + ("error: metadata-generation-failed\n\n× Encountered error while generating package metadata.\n"
                      f"╰─> {pkg}\n\nnote: This is an issue with the package mentioned above, not pip.\n"
                      "hint: See above for details.\n")
    return log + (f"error: subprocess-exited-with-error\n\n× {what} did not run successfully.\n│ exit code: 1\n"
                  "╰─> See above for output.\n\n"
                  "note: This error originates from a subprocess, and is likely not a problem with pip.\n")


def uv_frame(pkg: str, ver: str, out: str, stage: str = "requirements") -> str:
    """uv 0.13: the build backend's stderr under its ``cause:`` lines."""
    hook = {"requirements": "get_requires_for_build_wheel", "metadata": "prepare_metadata_for_build_wheel",
            "wheel": "build_wheel"}[stage]
    return (f"$ uv pip install {pkg}=={ver}\nResolved 1 package in 312ms\n   Building {pkg}=={ver}\n"
            f"error: Failed to build `{pkg}=={ver}`\n  cause: The build backend returned an error\n"
            f"  cause: Call to `setuptools.build_meta.{hook}` failed (exit status: 1)\n\n"
            "         [stderr]\n" + _indent(out, "         ") + "\n\n"
            "         hint: This usually indicates a problem with the package or the build environment.\n")


def poetry_frame(pkg: str, ver: str, out: str, stage: str = "requirements") -> str:
    """poetry 2.x: the backend's output behind ``| `` under "PEP517 build of a dependency failed"."""
    hook = {"requirements": "get_requires_for_build_wheel", "metadata": "prepare_metadata_for_build_wheel",
            "wheel": "build_wheel"}[stage]
    return (f"$ poetry add {pkg}=={ver}\nUpdating dependencies\nResolving dependencies...\n\n"
            "Package operations: 1 install, 0 updates, 0 removals\n\n"
            f"  - Installing {pkg} ({ver})\n\nPEP517 build of a dependency failed\n\n"
            f"Backend subprocess exited when trying to invoke {hook}\n\n" + _indent(out, "    | ") + "\n\n"
            "Note: This error originates from the build backend, and is likely not a problem with poetry but one of "
            f"the following issues with {pkg} ({ver})\n\n  - not supporting PEP 517 builds\n"
            "  - the build requirements are missing system dependencies (eg: compilers, libraries, headers).\n\n"
            f'You can verify this by running pip wheel --no-cache-dir --use-pep517 "{pkg} (=={ver})".\n')


Frame = Callable[[str, str, str, str], str]
BUILD_FRAMES: dict[str, Frame] = {"pip": pip_frame, "uv": uv_frame, "poetry": poetry_frame}


def import_frame(pkg: str, ver: str, command: str, traceback: str) -> str:
    """``pip install`` that finished, then ``python -c "<command>"`` and its traceback."""
    return (f"$ pip install {pkg}=={ver}\nCollecting {pkg}=={ver}\n  Using cached {pkg}-{ver}-py3-none-any.whl\n"
            f"Installing collected packages: {pkg}\nSuccessfully installed {pkg}-{ver}\n"
            f'$ python -c "{command}"\nTraceback (most recent call last):\n  File "<string>", line 1, in <module>\n'
            + textwrap.dedent(traceback))


# -- what a build prints when a library, header or tool is absent ------------------------------------

BUILD_WORDINGS = [
    # ovalhub/pyicu setup.py @1d9be21e, l. 72: a RuntimeError whose message starts on the next line
    pytest.param("pyicu", "2.14", setup_traceback(
        "RuntimeError: \nPlease install pkg-config on your system or set the ICU_VERSION environment\n"
        "variable to the version of ICU you have installed.\n", 72), "requirements", id="pyicu-install-pkg-config"),
    # xmlsec/python-xmlsec build_support/build_ext.py @bd327f95, l. 33/35, raised as DistutilsError, which
    # pypa/distutils distutils/core.py @3ed42426 (l. 198) prints as SystemExit("error: ...")
    pytest.param("xmlsec", "1.3.14", "running bdist_wheel\nrunning build\nrunning build_py\nrunning build_ext\n"
                 "error: xmlsec1 is not installed or not in path.\n", "wheel", id="xmlsec-not-installed"),
    pytest.param("xmlsec", "1.3.14", "running build_ext\nerror: Unable to invoke pkg-config.\n", "wheel",
                 id="xmlsec-invoke-pkg-config"),
    # seveas/python-prctl setup.py @9d4b8215, l. 45: stderr, then sys.exit(1)
    pytest.param("python-prctl", "1.8.1", "You need to install libcap development headers to build this module\n",
                 "requirements", id="prctl-install-headers"),
    # trezor/cython-hidapi setup.py @2924f2c7, l. 56
    pytest.param("hidapi", "0.14.0.post4", setup_traceback(
        "  File \"<string>\", line 56, in exists\nException: pkg-config package 'libusb-1.0' not found\n", 120),
        "requirements", id="hidapi-pkg-config-package"),
    # hhatto/pgmagick setup.py @f7b3f43d, l. 145 and 193
    pytest.param("pgmagick", "0.7.6", setup_traceback("Exception: Magick++ not found\n", 145), "requirements",
                 id="pgmagick-header"),
    pytest.param("pgmagick", "0.7.6", setup_traceback("Exception: libGraphicsMagick++ (or libMagick++) not found\n",
                                                      193), "requirements", id="pgmagick-library"),
    # tpm2-software/tpm2-pytss setup.py @d462fb47, l. 195
    pytest.param("tpm2-pytss", "2.3.0", "running build_ext\n" + setup_traceback(
        "RuntimeError: unable to find tss2_tpm2_types.h in ['/usr/include']\n", 195, "build_wheel"), "wheel",
        id="tpm2-pytss-header"),
    # matze/pkgconfig pkgconfig/pkgconfig.py @9d98b268, l. 93 (used by xmlsec's and tpm2-pytss's setup.py):
    # EnvironmentError is OSError
    pytest.param("tpm2-pytss", "2.3.0", setup_traceback(
        f"  File \"{BUILD_ENV}/pkgconfig/pkgconfig.py\", line 93, "
        "in _wrapper\n    raise EnvironmentError(\"pkg-config probably not installed: %r\" % e)\n"
        "OSError: pkg-config probably not installed: FileNotFoundError(2, 'No such file or directory')\n", 170),
        "requirements", id="pkgconfig-not-installed"),
    # unbit/uwsgi uwsgiconfig.py @6cbb2177, l. 1284 (print, then sys.exit(1)) and l. 763
    pytest.param("uwsgi", "2.0.28", "*** jansson headers unavailable. uWSGI build is interrupted. You have to install "
                 "jansson development package or use yajl or disable JSON\n", "wheel", id="uwsgi-headers"),
    pytest.param("uwsgi", "2.0.28", setup_traceback(
        "  File \"/tmp/pip-install-1/uwsgi/uwsgiconfig.py\", line 763, in __init__\n"
        "Exception: you need a C compiler to build uWSGI\n", 12, "build_wheel"), "wheel", id="uwsgi-compiler"),
    # davisking/dlib setup.py @3d40bf57, l. 125 (a banner on stderr, then sys.exit(1))
    pytest.param("dlib", "19.24.6", "running build_ext\n\n" + "=" * 80 + "\n\n"
                 "                   CMake is not installed on your system!\n\n"
                 "    Or it is possible some broken copy of cmake is installed on your system.\n\n" + "=" * 80 + "\n",
                 "wheel", id="dlib-cmake"),
    # LudovicRousseau/PyKCS11 setup.py @f36dee40, l. 67 (print, then exit(1))
    pytest.param("pykcs11", "1.5.17", "running build\nInstall swig and try again\n\n", "wheel", id="pykcs11-swig"),
    # pyca/pynacl setup.py @25d715e1, l. 125 (building its bundled libsodium)
    pytest.param("pynacl", "1.5.0", "running build_clib\n" + setup_traceback(
        "  File \"<string>\", line 125, in run\nException: ERROR: The 'make' utility is missing from PATH\n", 125,
        "build_wheel"), "wheel", id="pynacl-make"),
    # ibmdb/python-ibmdb setup.py @14dec321, l. 77 and 79 (printed, then sys.exit(1))
    pytest.param("ibm-db", "3.2.3", "\nNo Python.h header file detected.\nPlease install python-devel or "
                 "python3-devel as instructed in \"https://github.com/ibmdb/python-ibmdb/blob/master/README.md#KnownIssues\"\n",
                 "requirements", id="ibm-db-python-h"),
    pytest.param("ibm-db", "3.2.3", "\nNo Gcc installation detected.\nPlease install gcc and continue with the "
                 "installation of the ibm_db.\n", "requirements", id="ibm-db-gcc"),
    # cyipopt's setup.py wrapper of pkg-config, as the wild corpus's train log wild/pdm/cyipopt-raw shows it
    pytest.param("cyipopt", "1.5.0", setup_traceback(
        "  File \"<string>\", line 119, in pkgconfig\nOSError: pkg-config was not able to find any of the requested "
        "packages ['ipopt'] on your system. Make sure pkg-config\ncan discover the .pc files associated with the "
        "installed packages.\n", 187), "requirements", id="cyipopt-pkg-config"),
    # zeromq/pyzmq CMakeLists.txt @c6bc8f20, l. 196, through scikit-build-core
    pytest.param("pyzmq", "26.2.0", "*** scikit-build-core 0.10.7 using CMake 3.25.1 (wheel)\n"
                 "-- Looking for libzmq in /usr/local\nCMake Error at CMakeLists.txt:196 (message):\n"
                 "  libzmq not found in ZMQ_PREFIX=/usr/local\n\n\n-- Configuring incomplete, errors occurred!\n"
                 "*** CMake configuration failed\n", "wheel", id="pyzmq-cmake-message"),
    # ofek/coincurve cm_vendored_library/CMakeLists.txt @2d11b116, l. 45
    pytest.param("coincurve", "20.0.0", "CMake Error at cm_vendored_library/CMakeLists.txt:45 (message):\n"
                 "  The system library: libsecp256k1 was not found OR\n\n\n"
                 "-- Configuring incomplete, errors occurred!\n", "wheel", id="coincurve-cmake-message"),
    # Kitware/CMake Source/cmFindPackageCommand.cxx @03676b05, l. 1824: find_package(X CONFIG REQUIRED)
    pytest.param("google-re2", "1.1.20240702", "CMake Error at CMakeLists.txt:18 (find_package):\n"
                 "  Could not find a package configuration file provided by \"re2\" with any of\n"
                 "  the following names:\n\n    re2Config.cmake\n    re2-config.cmake\n\n"
                 "  Add the installation prefix of \"re2\" to CMAKE_PREFIX_PATH or set \"re2_DIR\"\n"
                 "  to a directory containing one of the above files.\n", "wheel", id="cmake-config-file"),
    # the same file, l. 1817: one configuration file name asked
    pytest.param("google-re2", "1.1.20240702", "CMake Error at CMakeLists.txt:18 (find_package):\n"
                 "  Could not find a package configuration file named \"absl-config.cmake\"\n"
                 "  provided by package \"absl\".\n", "wheel", id="cmake-config-file-named"),
    # Kitware/CMake Modules/FindPkgConfig.cmake @03676b05, l. 1169/1221/1245: pkg_check_modules(REQUIRED)
    pytest.param("pillow-heif", "0.20.0", "-- Checking for module 'libheif'\n"
                 "CMake Error at /usr/share/cmake-3.25/Modules/FindPkgConfig.cmake:607 (message):\n"
                 "  A required package was not found\n"
                 "CMake Error at /usr/share/cmake-3.25/Modules/FindPkgConfig.cmake:829 (message):\n"
                 "  The following required packages were not found:\n\n   - libheif\n", "wheel",
                 id="cmake-pkg-check-modules"),
    # the same file, l. 1286 and 1334
    pytest.param("pillow-heif", "0.20.0", "CMake Error at /usr/share/cmake-3.25/Modules/FindPkgConfig.cmake:1286 "
                 "(message):\n  pkg-config tool not found\n", "wheel", id="cmake-pkg-config-tool"),
    pytest.param("pillow-heif", "0.20.0", "CMake Error at /usr/share/cmake-3.25/Modules/FindPkgConfig.cmake:1334 "
                 "(message):\n  None of the required 'libheif;heif' found\n", "wheel", id="cmake-none-of-modules"),
    # mesonbuild/meson mesonbuild/interpreter/compiler.py @cd1a097e, l. 618 and 716; interpreter.py l. 1796;
    # dependencyfallbacks.py l. 384 (pygsl/pygsl meson.build @e8684674 asks dependency('gsl'),
    # cbrunet/python-poppler meson.build @79bb9022 dependency('poppler-cpp'))
    pytest.param("pygsl", "2.6.2", "+ meson setup --reconfigure . build\nThe Meson build system\n"
                 "meson.build:20:10: ERROR: C header 'gsl/gsl_math.h' not found\n", "metadata", id="meson-header"),
    pytest.param("pygsl", "2.6.2", "meson.build:20:10: ERROR: C shared or static library 'gsl' not found\n",
                 "metadata", id="meson-library"),
    pytest.param("pygsl", "2.6.2", "meson.build:31:7: ERROR: Program 'swig' not found or not executable\n",
                 "metadata", id="meson-program"),
    pytest.param("python-poppler", "0.4.1", "Run-time dependency poppler-cpp found: NO (tried pkgconfig and cmake)\n"
                 "meson.build:11:14: ERROR: Dependency 'poppler-cpp' is required but not found.\n", "metadata",
                 id="meson-dependency-required"),
    # pkgconf (Debian 12's pkg-config): its wording for a .pc file it has not (a module asked by name)
    pytest.param("python-poppler", "0.4.1", "Package 'poppler-cpp', required by 'virtual:world', not found\n"
                 "meson.build:11:14: ERROR: Dependency lookup for poppler-cpp with method 'pkgconfig' failed\n",
                 "metadata", id="pkgconf-required-by"),
    # PyO3/maturin maturin/__init__.py @9ad2a8c0, l. 216
    pytest.param("rpds-py", "0.22.3", "\nCargo, the Rust package manager, is not installed or is not on PATH.\n"
                 "This package requires Rust and Cargo to compile extensions. Install it through\n", "metadata",
                 id="maturin-cargo"),
    # openssl-sys's build script, as cargo prints it under maturin (rust-openssl/rust-openssl#2514 quotes it)
    pytest.param("cryptography", "44.0.0", "   Compiling openssl-sys v0.9.104\n"
                 "error: failed to run custom build command for `openssl-sys v0.9.104`\n\nCaused by:\n"
                 "  process didn't exit successfully: `/tmp/target/release/build/openssl-sys-1/build-script-main` "
                 "(exit status: 101)\n  --- stderr\n\n"
                 "  Could not find directory of OpenSSL installation, and this `-sys` crate cannot\n"
                 "  proceed without this knowledge. If OpenSSL is installed and this crate had\n"
                 "  trouble finding it,  you can set the `OPENSSL_DIR` environment variable for the\n"
                 "  compilation process.\n\n  Make sure you also have the development packages of openssl installed.\n"
                 "  For example, `libssl-dev` on Ubuntu or `openssl-devel` on Fedora.\n"
                 "💥 maturin failed\n  Caused by: Failed to build a native library through cargo\n", "wheel",
                 id="openssl-sys"),
    # the pkg-config crate's error, inside a build script's panic (os-checker/os-checker#220 quotes it)
    pytest.param("rust-udev-probe", "0.1.0", "error: failed to run custom build command for `libudev-sys v0.1.4`\n"
                 "  --- stderr\n  thread 'main' panicked at build.rs:38:41:\n  called `Result::unwrap()` on an `Err` "
                 "value: \"\\npkg-config exited with status code 1\\n> pkg-config --libs --cflags libudev\\n\\n"
                 "The system library `libudev` required by crate `libudev-sys` was not found.\\nThe file `libudev.pc` "
                 "needs to be installed and the PKG_CONFIG_PATH environment variable must contain its parent "
                 "directory.\\n\"\n💥 maturin failed\n", "wheel", id="pkg-config-crate"),
    # the pkg-config crate without pkg-config (rust-openssl/rust-openssl#2514 quotes it)
    pytest.param("cryptography", "44.0.0", "  Could not find openssl via pkg-config:\n  Could not run "
                 "`PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 pkg-config --libs --cflags openssl`\n"
                 "  The pkg-config command could not be found.\n\n  Most likely, you need to install a pkg-config "
                 "package for your OS.\n💥 maturin failed\n", "wheel", id="pkg-config-crate-no-tool"),
    # already read before this file: psycopg/psycopg2 setup.py @4e65ca1d (pg_config), psycopg/psycopg
    # psycopg_c/build_backend/psycopg_build_ext.py @c079c37c (l. 24, then the OSError raised again)
    pytest.param("psycopg2", "2.9.10", "running egg_info\n\nError: pg_config executable not found.\n\n"
                 "pg_config is required to build psycopg2 from source.  Please add the directory\n", "requirements",
                 id="psycopg2-pg-config"),
    pytest.param("psycopg-c", "3.2.3", "couldn't run 'pg_config' --includedir: [Errno 2] No such file or directory: "
                 "'pg_config'\n" + setup_traceback("FileNotFoundError: [Errno 2] No such file or directory: "
                                                   "'pg_config'\n", 30), "requirements", id="psycopg-c-pg-config"),
]


@pytest.mark.parametrize("frame", sorted(BUILD_FRAMES))
@pytest.mark.parametrize(("pkg", "ver", "out", "stage"), BUILD_WORDINGS)
def test_a_build_that_lacks_a_system_library_header_or_tool(frame: str, pkg: str, ver: str, out: str,
                                                            stage: str) -> None:
    log = BUILD_FRAMES[frame](pkg, ver, out, stage)
    cause = classify(log, "install", frame)
    assert (cause.kind, cause.package) == ("missing-system-library", pkg), cause.summary
    blind = explain(log)
    assert (blind.kind, blind.package) == ("missing-system-library", pkg), (blind.phase, blind.summary)


# -- what a package's loader raises when its library is absent (import, or first use) ----------------

IMPORT_WORDINGS = [
    # psycopg/psycopg psycopg/psycopg/pq/__init__.py @c079c37c (the attempts) and pq/_pq_ctypes.py l. 20
    pytest.param("psycopg", "3.2.3", "import psycopg", f"""\
          File "{SITE}/psycopg/__init__.py", line 9, in <module>
            from . import pq  # noqa: F401 import early to stabilize side effects
          File "{SITE}/psycopg/pq/__init__.py", line 116, in <module>
            import_from_libpq()
          File "{SITE}/psycopg/pq/__init__.py", line 108, in import_from_libpq
            raise ImportError(
        ImportError: no pq wrapper available.
        Attempts made:
        - couldn't import psycopg 'c' implementation: No module named 'psycopg_c'
        - couldn't import psycopg 'binary' implementation: No module named 'psycopg_binary'
        - couldn't import psycopg 'python' implementation: libpq library not found
        """, "psycopg", id="psycopg-libpq"),
    # bastibe/python-soundfile soundfile.py @971db394, l. 197
    pytest.param("soundfile", "0.12.1", "import soundfile", f"""\
          File "{SITE}/soundfile.py", line 197, in <module>
            raise OSError('sndfile library not found using ctypes.util.find_library')
        OSError: sndfile library not found using ctypes.util.find_library
        """, "soundfile", id="soundfile"),
    # pyudev/pyudev src/pyudev/_ctypeslib/utils.py @0dfb59e9, l. 51
    pytest.param("pyudev", "0.24.3", "import pyudev", f"""\
          File "{SITE}/pyudev/core.py", line 50, in __init__
            self._libudev = load_ctypes_library("udev", SIGNATURES, ERROR_CHECKERS)
          File "{SITE}/pyudev/_ctypeslib/utils.py", line 50, in load_ctypes_library
            raise ImportError(f"No library named {{name}}")
        ImportError: No library named udev
        """, "pyudev", id="pyudev"),
    # pyglet/pyglet pyglet/lib.py @536b5cc0, l. 137
    pytest.param("pyglet", "2.0.18", "import pyglet.gl", f"""\
          File "{SITE}/pyglet/gl/lib.py", line 97, in <module>
            gl_lib = pyglet.lib.load_library('GL')
          File "{SITE}/pyglet/lib.py", line 138, in load_library
            raise ImportError(msg)
        ImportError: Library "GL" not found.
        """, "pyglet", id="pyglet"),
    # mcfletch/pyopengl OpenGL/platform/glx.py @5dfca474, l. 21
    pytest.param("pyopengl", "3.1.7", "import OpenGL.GL", f"""\
          File "{SITE}/OpenGL/platform/glx.py", line 21, in GL
            raise ImportError("Unable to find an OpenGL or GL library")
        ImportError: Unable to find an OpenGL or GL library
        """, "pyopengl", id="pyopengl"),
    # oaubert/python-vlc generator/templates/header.py @d93ef9c2, l. 188
    pytest.param("python-vlc", "3.0.21203", "import vlc", f"""\
          File "{SITE}/vlc.py", line 220, in <module>
            dll, plugin_path = find_lib()
          File "{SITE}/vlc.py", line 214, in find_lib
            raise NotImplementedError("Cannot find libvlc lib")
        NotImplementedError: Cannot find libvlc lib
        """, "python-vlc", id="python-vlc"),
    # matiasb/python-unrar unrar/unrarlib.py @ceaf02fb, l. 78
    pytest.param("unrar", "0.4", "import unrar.rarfile", f"""\
          File "{SITE}/unrar/unrarlib.py", line 78, in <module>
            raise LookupError("Couldn't find path to unrar library.")
        LookupError: Couldn't find path to unrar library.
        """, "unrar", id="unrar"),
    # saltstack/libnacl libnacl/__init__.py @27aa93a7, l. 21
    pytest.param("libnacl", "2.1.0", "import libnacl", f"""\
          File "{SITE}/libnacl/__init__.py", line 22, in _get_nacl
            raise OSError(msg)
        OSError: Could not locate nacl lib, searched for libsodium
        """, "libnacl", id="libnacl"),
    # stef/pysodium pysodium/__init__.py @27adf82a, l. 35
    pytest.param("pysodium", "0.7.18", "import pysodium", f"""\
          File "{SITE}/pysodium/__init__.py", line 35, in <module>
            raise ValueError('Unable to find libsodium')
        ValueError: Unable to find libsodium
        """, "pysodium", id="pysodium"),
    # python-cffi/cffi src/cffi/api.py @45f53108, l. 818 (a bare name) and src/c/_cffi_backend.c l. 4548;
    # tych0/xcffib module/__init__.py @1e8d420c calls ffi.dlopen("libxcb.so") when find_library finds none
    pytest.param("xcffib", "1.5.0", "import xcffib", f"""\
          File "{SITE}/xcffib/__init__.py", line 35, in <module>
            lib = ffi.dlopen(soname)
          File "{SITE}/cffi/api.py", line 150, in dlopen
            lib, function_cache = _make_ffi_library(self, name, flags)
          File "{SITE}/cffi/api.py", line 821, in _load_backend_lib
            raise OSError(msg)
        OSError: ctypes.util.find_library() did not manage to locate a library called 'xcb'
        """, "xcffib", id="cffi-find-library"),
    # jeffdaily/parasail-python parasail/__init__.py @ddd3a97a, l. 71
    pytest.param("parasail", "1.3.4", "import parasail", f"""\
          File "{SITE}/parasail/__init__.py", line 71, in <module>
            raise Exception("failed to locate and open '{{}}'".format(_libname))
        Exception: failed to locate and open 'libparasail.so'
        """, "parasail", id="parasail"),
    # aliles/filemagic magic/api.py @13864906, l. 22
    pytest.param("filemagic", "1.6", "import magic", f"""\
          File "{SITE}/magic/api.py", line 22, in <module>
            raise ImportError('Unable to find magic library')
        ImportError: Unable to find magic library
        """, "filemagic", id="filemagic"),
]

# Raised at first use, not at import: the same words in a test's traceback
USE_WORDINGS = [
    # codedstructure/pylibftdi src/pylibftdi/driver.py @9be40761, l. 151
    pytest.param("pylibftdi", "0.23.0", "import pylibftdi; pylibftdi.Device()", f"""\
          File "{SITE}/pylibftdi/driver.py", line 151, in _load_library
            raise LibraryMissingError(
        pylibftdi._base.LibraryMissingError: ftdi library not found (search: ['ftdi1', 'libftdi1', 'ftdi'])
        """, "pylibftdi", id="pylibftdi"),
    # jpype-project/jpype jpype/_jvmfinder.py @b88afcd1, l. 204
    pytest.param("jpype1", "1.5.1", "import jpype; jpype.startJVM()", f"""\
          File "{SITE}/jpype/_core.py", line 207, in startJVM
            jvmpath = getDefaultJVMPath()
          File "{SITE}/jpype/_jvmfinder.py", line 204, in get_jvm_path
            raise JVMNotFoundException("No JVM shared library file ({{0}}) "
        jpype._jvmfinder.JVMNotFoundException: No JVM shared library file (libjvm.so) found. Try setting up the \
JAVA_HOME environment variable properly.
        """, "jpype1", id="jpype"),
    # pyepics/pyepics epics/ca.py @7fbe102a, l. 333
    pytest.param("pyepics", "3.5.7", "import epics; epics.caget('x')", f"""\
          File "{SITE}/epics/ca.py", line 333, in find_libca
            raise ChannelAccessException('cannot find Epics CA DLL')
        epics.ca.ChannelAccessException: cannot find Epics CA DLL
        """, "pyepics", id="pyepics"),
]


@pytest.mark.parametrize(("pkg", "ver", "command", "traceback", "culprit"), IMPORT_WORDINGS + USE_WORDINGS)
def test_a_loader_that_cannot_find_its_library(pkg: str, ver: str, command: str, traceback: str,
                                               culprit: str) -> None:
    log = import_frame(pkg, ver, command, traceback)
    phase = "import" if command.startswith("import ") and ";" not in command else "test"
    cause = classify(log, phase, "pip")
    assert (cause.kind, cause.package) == ("missing-system-library", culprit), cause.summary
    blind = explain(log)
    assert (blind.kind, blind.package) == ("missing-system-library", culprit), (blind.phase, blind.summary)


# -- build failures that are NOT a missing system library ----------------------------------------------

NEGATIVES = [
    # scikit-sparse/scikit-sparse setup.py @14fd45a8, l. 28-29 import numpy and Cython (build requirements)
    pytest.param("scikit-sparse", "0.4.15", setup_traceback("ModuleNotFoundError: No module named 'numpy'\n", 28),
                 "requirements", "build-failed", id="no-module-numpy"),
    pytest.param("scikit-sparse", "0.4.15", setup_traceback("ModuleNotFoundError: No module named 'Cython'\n", 29),
                 "requirements", "build-failed", id="no-module-cython"),
    # pysam-developers/pysam setup.py @30542fae, l. 508: "cannot find" a generated file, for want of Cython
    pytest.param("pysam", "0.22.1", setup_traceback(
        "ValueError: no Cython installed, but cannot find pysam/libchtslib.c. Make sure that Cython is installed "
        "when building from the repository\n", 508), "requirements", "build-failed", id="pysam-no-cython"),
    # a Python build requirement "not found" in a package's own words (the phrase of pgmagick's header check)
    pytest.param("pgmagick", "0.7.6", setup_traceback("RuntimeError: numpy not found, please install numpy first\n"),
                 "requirements", "build-failed", id="python-package-not-found"),
    # pkg_resources (setuptools) for a distribution a setup.py requires: a Python distribution, not a library
    pytest.param("pysam", "0.22.1", setup_traceback(
        "pkg_resources.DistributionNotFound: The 'setuptools_scm>=3.4' distribution was not found and is required "
        "by the application\n"), "requirements", "build-failed", id="distribution-not-found"),
    # distutils, gone from Python 3.12's standard library (psycopg/psycopg2 setup.py @4e65ca1d imports it)
    pytest.param("psycopg2", "2.4.6", setup_traceback("ModuleNotFoundError: No module named 'distutils'\n", 47),
                 "requirements", "build-failed", id="no-module-distutils"),
    # Cython's compile error (cython/cython Cython/Compiler/Errors.py: "Error compiling Cython file")
    pytest.param("pysam", "0.15.4", "Error compiling Cython file:\n"
                 "------------------------------------------------------------\n...\n"
                 "pysam/libcbcf.pyx:1234:19: undeclared name not builtin: long\n"
                 + setup_traceback("Cython.Compiler.Errors.CompileError: pysam/libcbcf.pyx\n", 200, "build_wheel"),
                 "wheel", "build-failed", id="cython-error"),
    # a CPython API that 3.11 removed (gcc's wording)
    pytest.param("uwsgi", "2.0.18", "plugins/python/python_plugin.c: In function 'uwsgi_python_init':\n"
                 "plugins/python/python_plugin.c:312:9: error: implicit declaration of function "
                 "'_PyGC_FINALIZED' [-Werror=implicit-function-declaration]\n"
                 "error: command '/usr/bin/gcc' failed with exit code 1\n", "wheel", "build-failed",
                 id="removed-cpython-api"),
    # a struct member gone from CPython 3.11 (PyFrameObject is opaque)
    pytest.param("pysam", "0.15.4", "pysam/libchtslib.c:88:20: error: invalid use of incomplete typedef "
                 "'PyFrameObject' {aka 'struct _frame'}\nerror: command '/usr/bin/gcc' failed with exit code 1\n",
                 "wheel", "build-failed", id="opaque-cpython-struct"),
    # old setuptools on a newer Python (pkgutil.ImpImporter was removed in 3.12)
    pytest.param("pyglet", "1.2.4", setup_traceback(
        "AttributeError: module 'pkgutil' has no attribute 'ImpImporter'. Did you mean: 'zipimporter'?\n"),
        "requirements", "build-failed", id="impimporter"),
    # setup.py's own refusal of this Python (mesonbuild/meson setup.py @cd1a097e, l. 9: SystemExit with text)
    pytest.param("meson", "1.6.0", "ERROR: Tried to install Meson with an unsupported Python version: \n"
                 "3.9.2 (default, Feb 28 2021, 17:03:44)\nMeson requires Python 3.10.0 or greater\n", "requirements",
                 "build-failed", id="python-version-refused"),
    # jeffdaily/parasail-python setup.py @ddd3a97a, l. 84: "Unable to find" a string of its own source
    pytest.param("parasail", "1.3.4", setup_traceback("RuntimeError: Unable to find __version__ string.\n", 84),
                 "requirements", "build-failed", id="unable-to-find-version"),
    # a file of the sdist, and a Python build requirement, in the words a library is missing in
    pytest.param("pgmagick", "0.7.6", setup_traceback("Exception: README.rst not found\n", 12), "requirements",
                 "build-failed", id="sdist-file-not-found"),
    pytest.param("pykcs11", "1.5.17", setup_traceback("RuntimeError: Cython is not installed\n", 20), "requirements",
                 "build-failed", id="cython-not-installed"),
    # a wheel command that the build environment lacks
    pytest.param("python-prctl", "1.6.1", "usage: setup.py [global_opts] cmd1 [cmd1_opts] [cmd2 [cmd2_opts] ...]\n"
                 "   or: setup.py --help [cmd1 cmd2 ...]\nerror: invalid command 'bdist_wheel'\n", "wheel",
                 "build-failed", id="invalid-command"),
    # a C syntax error in the package itself
    pytest.param("pygsl", "2.3.0", "src/init/initmodule.c:45:1: error: expected ';' before '}' token\n"
                 "error: command '/usr/bin/gcc' failed with exit code 1\n", "wheel", "build-failed",
                 id="c-syntax-error"),
    # a CMake error that is no missing package (a source tree without its submodule)
    pytest.param("pyzmq", "26.2.0", "CMake Error at CMakeLists.txt:40 (add_subdirectory):\n  The source directory\n\n"
                 "    /tmp/pip-install-1/pyzmq/bundled/libzmq\n\n  does not contain a CMakeLists.txt file.\n\n"
                 "-- Configuring incomplete, errors occurred!\n", "wheel", "build-failed", id="cmake-no-subdirectory"),
]


@pytest.mark.parametrize("frame", sorted(BUILD_FRAMES))
@pytest.mark.parametrize(("pkg", "ver", "out", "stage", "kind"), NEGATIVES)
def test_a_build_failure_that_is_no_missing_library(frame: str, pkg: str, ver: str, out: str, stage: str,
                                                    kind: str) -> None:
    log = BUILD_FRAMES[frame](pkg, ver, out, stage)
    cause = classify(log, "install", frame)
    assert (cause.kind, cause.package) == (kind, pkg), cause.summary
    blind = explain(log)
    assert (blind.kind, blind.package) == (kind, pkg), (blind.phase, blind.summary)


def test_a_build_requirement_no_index_has_is_no_matching_distribution() -> None:
    """pip installing the build requirements (a setuptools pin no release meets): the resolver's words, not a
    library's; the log names the requirement, and the package whose build asked for it is not to blame."""
    log = ("$ pip install pyicu==2.14\nCollecting pyicu==2.14\n  Downloading pyicu-2.14.tar.gz (263 kB)\n"
           "  Installing build dependencies: started\n  Installing build dependencies: finished with status 'error'\n"
           "  error: subprocess-exited-with-error\n\n  × pip subprocess to install build dependencies did not run "
           "successfully.\n  │ exit code: 1\n  ╰─> [2 lines of output]\n      ERROR: Could not find a version that "
           "satisfies the requirement setuptools>=99 (from versions: 0.6b1, 75.6.0)\n      ERROR: No matching "
           "distribution found for setuptools>=99\n      [end of output]\n")
    cause = classify(log, "install", "pip")
    assert (cause.kind, cause.package) == ("no-matching-distribution", "setuptools"), cause.summary
    assert explain(log).kind == "no-matching-distribution"


def test_a_loaders_words_outside_an_exception_are_no_verdict() -> None:
    """A build's note that it goes without an optional library (the install succeeded), then an import that lacks a
    Python module: an import error, not the library the note named."""
    log = import_frame("pyzmq", "26.2.0", "import zmq", f"""\
          File "{SITE}/zmq/__init__.py", line 3, in <module>
            import foo_helper
        ModuleNotFoundError: No module named 'foo_helper'
        """)
    note = "  -- libsodium library not found, building without CURVE\n"
    log = log.replace("Successfully installed", note + "Successfully installed")
    assert classify(log, "import", "pip").kind == "import-error"
    assert explain(log).kind == "import-error"


def test_a_missing_module_at_import_stays_an_import_error() -> None:
    """An import that lacks a Python module (not a library) after a finished install is an import error."""
    log = import_frame("pysam", "0.22.1", "import pysam", f"""\
          File "{SITE}/pysam/__init__.py", line 5, in <module>
            from pysam.libchtslib import *
        ModuleNotFoundError: No module named 'pysam.libchtslib'
        """)
    assert classify(log, "import", "pip").kind == "import-error"
    assert explain(log).kind == "import-error"
