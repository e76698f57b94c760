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

from rodeo_action.causes import classify, sysnames
from rodeo_action.causes.base import unwrap
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

# -- round 2: more packages' and tools' own words (read in their source, never in a held-out log) -------

BUILD_WORDINGS_2 = [
    # jim-easterbrook/python-gphoto2 setup.py @2efebf07, l. 104: a CalledProcessError turned into its own words
    pytest.param("gphoto2", "2.5.1", setup_traceback(
        "RuntimeError: ERROR: command \"pkg-config --modversion libgphoto2\" failed\n", 108), "requirements",
        id="gphoto2-pkg-config-command"),
    # the same file, l. 132: a library too old for the package
    pytest.param("gphoto2", "2.5.1", "Using libgphoto2 v2.5.4\n" + setup_traceback(
        "RuntimeError: libgphoto2 version 2.5.10 or later is required\n", 132), "requirements",
        id="gphoto2-library-too-old"),
    # pynetwork/pypcap setup.py @1f1b67cd, l. 52 and l. 83 (print, then sys.exit(1))
    pytest.param("pypcap", "1.3.0", "pcap.h not found\n", "requirements", id="pypcap-header"),
    pytest.param("pypcap", "1.3.0", "Found pcap headers in /usr/include/pcap.h\n"
                 "None of the following found: ['libpcap.a', 'libpcap.so', 'libpcap.dylib', 'wpcap.lib']\n",
                 "requirements", id="pypcap-library-files"),
    # polm/fugashi fugashi_util.py @1576b66a, l. 68 (mecab-config absent, then every fallback failed)
    pytest.param("fugashi", "1.4.0", setup_traceback(
        "  File \"/tmp/pip-install-1/fugashi/fugashi_util.py\", line 68, in check_libmecab\n"
        "    raise RuntimeError(\"Could not configure working env. Have you installed MeCab?\")\n"
        "RuntimeError: Could not configure working env. Have you installed MeCab?\n", 12), "requirements",
        id="fugashi-have-you-installed"),
    # numpy/numpy numpy/distutils/system_info.py @fb0578d3 (the parent of "remove numpy.distutils"), l. 620 and
    # l. 858: system_info.get_info(notfound_action=2) raises the class with its docstring as the message
    pytest.param("pyoptsparse", "2.10.1", setup_traceback(
        "  File \"/usr/lib/python3/dist-packages/numpy/distutils/system_info.py\", line 858, in get_info\n"
        "    raise self.notfounderror(self.notfounderror.__doc__)\n"
        "numpy.distutils.system_info.LapackNotFoundError: \n"
        "    Lapack (http://www.netlib.org/lapack/) libraries not found.\n"
        "    Directories to search for the libraries can be specified in the\n"
        "    numpy/distutils/site.cfg file (section [lapack]) or by setting\n"
        "    the LAPACK environment variable.\n", 60, "build_wheel"), "wheel", id="numpy-distutils-lapack"),
    # flacjacket/pywayland pywayland/scanner/__main__.py @b6ccb05f, l. 44 (setup.py l. 55 runs the scanner)
    pytest.param("pywayland", "0.4.18", "Traceback (most recent call last):\n"
                 "  File \"/tmp/pip-install-1/pywayland/pywayland/scanner/__main__.py\", line 44, in main\n"
                 "    raise OSError(\"Unable to find wayland-protocols using pkgconfig\")\n"
                 "OSError: Unable to find wayland-protocols using pkgconfig\n", "wheel", id="pywayland-pkgconfig"),
    # PyO3/setuptools-rust setuptools_rust/command.py @802446dc, l. 73 (PlatformError, printed by distutils)
    pytest.param("tokenizers", "0.13.3", "running build_rust\nerror: can't find Rust compiler\n\n"
                 "If you are using an outdated pip version, it is possible a prebuilt wheel is available for this "
                 "package but pip is not able to install from it.\n", "wheel", id="setuptools-rust-compiler"),
    # sagemath/cypari2 meson.build @ae783e02, l. 59: cc.has_header('pari/pari.h', required: true)
    pytest.param("cypari2", "2.2.1", "meson.build:59:0: ERROR: C header 'pari/pari.h' not found\n", "metadata",
                 id="cypari2-meson-header"),
    # SpotlightKid/python-rtmidi meson.build @0077cf64, l. 66: dependency('alsa', required: ...), meson's words
    pytest.param("python-rtmidi", "1.5.8", "Run-time dependency alsa found: NO (tried pkgconfig and cmake)\n"
                 "meson.build:66:15: ERROR: Dependency \"alsa\" not found, tried pkgconfig and cmake\n", "metadata",
                 id="rtmidi-meson-dependency"),
    # osmcode/pyosmium cmake/FindOsmium.cmake @78702cdc, l. 65 (message(FATAL_ERROR), wrapped by CMake) and l. 229
    # (find_package_handle_standard_args: CMake's own "Could NOT find")
    pytest.param("osmium", "4.0.2", "CMake Error at cmake/FindOsmium.cmake:65 (message):\n"
                 "  Missing /usr/include/osmium/version.hpp.  Either your libosmium version is\n"
                 "  too old, or libosmium wasn't found in the place you said.\nCall Stack (most recent call first):\n"
                 "  CMakeLists.txt:54 (find_package)\n\n\n-- Configuring incomplete, errors occurred!\n", "wheel",
                 id="pyosmium-cmake-wasnt-found"),
    pytest.param("osmium", "4.0.2", "CMake Error at /usr/share/cmake-3.25/Modules/"
                 "FindPackageHandleStandardArgs.cmake:230 (message):\n"
                 "  Could NOT find Osmium (missing: OSMIUM_INCLUDE_DIR) (Required is at least\n"
                 "  version \"2.16\")\n", "wheel", id="pyosmium-could-not-find"),
    # mapnik/python-mapnik setup.py @79604ce1, l. 15: subprocess.check_output(['mapnik-config', '--prefix'])
    pytest.param("mapnik", "4.0.0", setup_traceback(
        "  File \"<string>\", line 11, in check_output\n"
        "FileNotFoundError: [Errno 2] No such file or directory: 'mapnik-config'\n", 15), "requirements",
        id="mapnik-config"),
]


# -- the train part of the wild corpus, round 5 (tests/corpus/wild/*/<slug>.log; the lines as the packages print them)
BUILD_WORDINGS_TRAIN = [
    # python-gammu 3.5.1: pkgconf's short form, then its setup.py's own words
    pytest.param("python-gammu", "3.5.1", "Package 'gammu' was not found\nCan not find supported Gammu version using "
                 "pkg-config!\n", "requirements", id="gammu-pkgconf-short"),
    pytest.param("python-gammu", "3.5.1", "Can not find supported Gammu version using pkg-config!\n", "requirements",
                 id="gammu-using-pkg-config"),
    # hidapi: a pkg-config module with its version constraint inside the quotes
    pytest.param("hidapi", "0.14.0", setup_traceback("Exception: pkg-config package 'libusb-1.0 >= 1.0.9' not found\n"),
                 "requirements", id="hidapi-pkg-config-constraint"),
    # berkeleydb: an installation named in several words
    pytest.param("berkeleydb", "18.1.10", "Can't find a local Oracle Berkeley DB installation.\n(suggestion: try the "
                 "--berkeley-db=/path/to/berkeleydb option)\n", "requirements", id="berkeleydb-installation"),
    # pysndfile: "libX library was not found"
    pytest.param("pysndfile", "1.4.4", "libsndfile library was not found in standard locations: ['/usr/local', "
                 "'/usr']. Please either set envvar SNDFILE_INSTALL_DIR\n", "requirements",
                 id="pysndfile-lib-not-found"),
    # tpm2-pytss: "Require X to be installed"
    pytest.param("tpm2-pytss", "2.3.0", setup_traceback("RuntimeError: Require tss2-esapi to be installed and at least "
                                                        "version 2.4.0\n"), "metadata", id="tpm2-require-installed"),
]
IMPORT_WORDINGS_TRAIN = [
    # samplerate 0.1.0's own ctypes search
    pytest.param("samplerate", "0.1.0", "import samplerate", f"""\
          File "{SITE}/samplerate/lowlevel.py", line 30, in <module>
            raise OSError('{{}} not found'.format(lib_basename))
        OSError: libsamplerate not found
        """, "samplerate", id="samplerate-lib-not-found"),
    # clr_loader, under pythonnet's "import clr": its search for Mono
    pytest.param("clr-loader", "0.2.7", "import clr", f"""\
          File "{SITE}/clr_loader/util/find.py", line 135, in find_libmono
            raise RuntimeError("Could not find libmono")
        RuntimeError: Could not find libmono
        """, "clr-loader", id="clr-loader-libmono"),
    # python-iptables: a search for the library's files that asks for its directory
    pytest.param("iptc", "1.2.0", "import iptc", f"""\
          File "{SITE}/iptc/xtables.py", line 818, in <module>
            raise XTablesError("can't find directory with extensions; "
        iptc.errors.XTablesError: can't find directory with extensions; please set XTABLES_LIBDIR
        """, "iptc", id="iptables-set-libdir"),
]


@pytest.mark.parametrize("frame", sorted(BUILD_FRAMES))
@pytest.mark.parametrize(("pkg", "ver", "out", "stage"), BUILD_WORDINGS + BUILD_WORDINGS_2 + BUILD_WORDINGS_TRAIN)
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

IMPORT_WORDINGS_2 = [
    # capstone-engine/capstone bindings/python/capstone/__init__.py @32519c01, l. 538 (the library is not named)
    pytest.param("capstone", "5.0.3", "import capstone", f"""\
          File "{SITE}/capstone/__init__.py", line 538, in <module>
            raise ImportError("ERROR: fail to load the dynamic library.")
        ImportError: ERROR: fail to load the dynamic library.
        """, "capstone", id="capstone"),
    # unicorn-engine/unicorn bindings/python/unicorn/unicorn_py3/unicorn.py @c24c9ebe, l. 157
    pytest.param("unicorn", "2.1.1", "import unicorn", f"""\
          File "{SITE}/unicorn/unicorn_py3/unicorn.py", line 157, in <module>
            raise ImportError('Failed to load the Unicorn dynamic library')
        ImportError: Failed to load the Unicorn dynamic library
        """, "unicorn", id="unicorn"),
    # pleiszenburg/refuse src/refuse/_refactor.py @51d5664b, l. 76
    pytest.param("refuse", "0.0.4", "import refuse.high", f"""\
          File "{SITE}/refuse/_refactor.py", line 76, in get_libfuse
            raise EnvironmentError('Unable to find libfuse')
        OSError: Unable to find libfuse
        """, "refuse", id="refuse"),
    # yann2192/pyelliptic pyelliptic/openssl.py @71577149, l. 309
    pytest.param("pyelliptic", "1.5.8", "import pyelliptic", f"""\
          File "{SITE}/pyelliptic/openssl.py", line 309, in <module>
            raise Exception("Couldn't load OpenSSL lib ...")
        Exception: Couldn't load OpenSSL lib ...
        """, "pyelliptic", id="pyelliptic"),
    # orion-labs/opuslib opuslib/api/__init__.py @92109c52, l. 21
    pytest.param("opuslib", "3.0.1", "import opuslib", f"""\
          File "{SITE}/opuslib/api/__init__.py", line 20, in <module>
            raise Exception(
        Exception: Could not find Opus library. Make sure it is installed.
        """, "opuslib", id="opuslib"),
    # nateshmbhat/pyttsx3 pyttsx3/drivers/_espeak.py @b5615e86, l. 60
    pytest.param("pyttsx3", "2.98", "import pyttsx3.drivers._espeak", f"""\
          File "{SITE}/pyttsx3/drivers/_espeak.py", line 61, in <module>
            raise RuntimeError(msg)
        RuntimeError: This means you probably do not have eSpeak or eSpeak-ng installed!
        """, "pyttsx3", id="pyttsx3-espeak"),
]

USE_WORDINGS_2 = [
    # lilohuang/PyTurboJPEG turbojpeg.py @dc10d6d0, l. 1646
    pytest.param("pyturbojpeg", "1.7.7", "import turbojpeg; turbojpeg.TurboJPEG()", f"""\
          File "{SITE}/turbojpeg.py", line 1646, in __find_turbojpeg
            raise RuntimeError(
        RuntimeError: Unable to locate turbojpeg library automatically. You may specify the turbojpeg library path \
manually.
        e.g. jpeg = TurboJPEG(lib_path)
        """, "pyturbojpeg", id="turbojpeg"),
    # TeamPyOgg/PyOgg pyogg/__init__.py @4118fc40, l. 24
    pytest.param("pyogg", "0.6.14a1", "import pyogg; pyogg.VorbisFile('a.ogg')", f"""\
          File "{SITE}/pyogg/__init__.py", line 24, in __init__
            raise PyOggError("The Ogg library wasn't found or couldn't be loaded (maybe you're trying to use 64bit \
libraries with 32bit Python?)")
        pyogg.pyogg_error.PyOggError: The Ogg library wasn't found or couldn't be loaded (maybe you're trying to use \
64bit libraries with 32bit Python?)
        """, "pyogg", id="pyogg"),
    # eblot/pyftdi pyftdi/usbtools.py @998583bd, l. 649: neither pyusb backend (libusb-1.0, libusb-0.1) loaded
    pytest.param("pyftdi", "0.56.0", "from pyftdi.ftdi import Ftdi; Ftdi.show_devices()", f"""\
          File "{SITE}/pyftdi/usbtools.py", line 649, in _load_backend
            raise ValueError('No backend available')
        ValueError: No backend available
        """, "pyftdi", id="pyftdi-no-backend"),
    # vsajip/python-gnupg gnupg.py @32a9abbb, l. 1161: the gpg binary is a system tool
    pytest.param("python-gnupg", "0.5.3", "import gnupg; gnupg.GPG()", f"""\
          File "{SITE}/gnupg.py", line 1163, in __init__
            raise OSError(msg)
        OSError: Unable to run gpg (gpg) - it may not be available.
        """, "python-gnupg", id="gnupg-binary"),
    # madmaze/pytesseract pytesseract/pytesseract.py @df9fce0b, l. 105
    pytest.param("pytesseract", "0.3.13", "import pytesseract; pytesseract.get_tesseract_version()", f"""\
          File "{SITE}/pytesseract/pytesseract.py", line 280, in run_tesseract
            raise TesseractNotFoundError()
        pytesseract.pytesseract.TesseractNotFoundError: tesseract is not installed or it's not in your PATH. See \
README file for more information.
        """, "pytesseract", id="tesseract-binary"),
    # xflr6/graphviz graphviz/backend/execute.py @704c08e9, l. 123
    pytest.param("graphviz", "0.20.3", "import graphviz; graphviz.Digraph().pipe()", f"""\
          File "{SITE}/graphviz/backend/execute.py", line 81, in run_check
            raise ExecutableNotFound(cmd) from e
        graphviz.backend.execute.ExecutableNotFound: failed to execute PosixPath('dot'), make sure the Graphviz \
executables are on your systems' PATH
        """, "graphviz", id="graphviz-binary"),
    # imageio/imageio-ffmpeg imageio_ffmpeg/_utils.py @ae47d802, l. 33
    pytest.param("imageio-ffmpeg", "0.5.1", "import imageio_ffmpeg; imageio_ffmpeg.get_ffmpeg_exe()", f"""\
          File "{SITE}/imageio_ffmpeg/_utils.py", line 33, in get_ffmpeg_exe
            raise RuntimeError(
        RuntimeError: No ffmpeg exe could be found. Install ffmpeg on your system, or set the IMAGEIO_FFMPEG_EXE \
environment variable.
        """, "imageio-ffmpeg", id="imageio-ffmpeg-binary"),
    # JazzCore/python-pdfkit pdfkit/configuration.py @fb86d338, l. 38
    pytest.param("pdfkit", "1.0.0", "import pdfkit; pdfkit.configuration()", f"""\
          File "{SITE}/pdfkit/configuration.py", line 38, in __init__
            raise IOError('No wkhtmltopdf executable found: "%s"\\n'
        OSError: No wkhtmltopdf executable found: "b''"
        If this file exists please check that this process can read it or you can pass path to it manually in \
method call, check README. Otherwise please install wkhtmltopdf - \
https://github.com/JazzCore/python-pdfkit/wiki/Installing-wkhtmltopdf
        """, "pdfkit", id="pdfkit-binary"),
    # camelot-dev/camelot camelot/backends/poppler_backend.py @2b80d0bc, l. 47
    pytest.param("camelot-py", "1.0.0", "import camelot; camelot.read_pdf('a.pdf', backend='poppler')", f"""\
          File "{SITE}/camelot/backends/poppler_backend.py", line 47, in convert
            raise OSError(
        OSError: pdftocairo is not installed. Please install `poppler-utils`.
        """, "camelot-py", id="camelot-pdftocairo"),
    # pikepdf/pikepdf src/pikepdf/jbig2.py @96ab3e10, l. 111
    pytest.param("pikepdf", "9.4.2", "import pikepdf; pikepdf.jbig2.get_decoder().check_available()", f"""\
          File "{SITE}/pikepdf/jbig2.py", line 111, in _version
            raise DependencyError("jbig2dec - not installed or not found") from e
        pikepdf.jbig2.DependencyError: jbig2dec - not installed or not found
        """, "pikepdf", id="pikepdf-jbig2dec"),
]


@pytest.mark.parametrize(("pkg", "ver", "command", "traceback", "culprit"),
                         IMPORT_WORDINGS + USE_WORDINGS + IMPORT_WORDINGS_2 + USE_WORDINGS_2 + IMPORT_WORDINGS_TRAIN)
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

NEGATIVES_2 = [
    # sagemath/pplpy setup.py @64bc0c1c, l. 27: a Python build requirement the build lacks
    pytest.param("pplpy", "0.8.10", "Error: No module named 'cysignals'\nThe installation of ppl requires cysignals\n",
                 "requirements", "build-failed", id="pplpy-cysignals"),
    # a setup.py's "Have you installed X?" about a Python package (fugashi's wording, a Python name)
    pytest.param("fugashi", "1.4.0",
                 setup_traceback("RuntimeError: Could not import numpy. Have you installed numpy?\n"), "requirements",
                 "build-failed", id="have-you-installed-python-package"),
    # numpy.distutils' warning (system_info.get_info(notfound_action=1), numpy/numpy @fb0578d3 l. 856) that an
    # optional library is absent, in a build that then fails on its own C
    pytest.param("pyoptsparse", "2.10.1", "/usr/lib/python3/dist-packages/numpy/distutils/system_info.py:856: "
                 "UserWarning: \n    Atlas (http://github.com/math-atlas/math-atlas) libraries not found.\n"
                 "    Directories to search for the libraries can be specified in the\n"
                 "  warnings.warn(self.notfounderror.__doc__, stacklevel=2)\n"
                 "pyoptsparse/pySNOPT/source/snopt.c:12:5: error: unknown type name 'integer'\n"
                 "error: command '/usr/bin/gcc' failed with exit code 1\n", "wheel", "build-failed",
                 id="numpy-distutils-warning-then-c-error"),
    # "pkg-config ... failed" for a command that is no pkg-config query of a module (a version pin the sdist reads)
    pytest.param("gphoto2", "2.5.1", setup_traceback("RuntimeError: ERROR: command \"git describe --tags\" failed\n"),
                 "requirements", "build-failed", id="other-command-failed"),
]


def test_a_python_package_a_function_needs_is_no_system_library() -> None:
    """asweigart/pyscreeze pyscreeze/__init__.py @eeca245a, l. 164: a Python package, not a library, at first use."""
    log = import_frame("pyscreeze", "1.0.1", "import pyscreeze; pyscreeze.getWindowsWithTitle('x')", f"""\
          File "{SITE}/pyscreeze/__init__.py", line 164, in wrapper
            raise PyScreezeException('The PyGetWindow package is required to use this function.')
        pyscreeze.PyScreezeException: The PyGetWindow package is required to use this function.
        """)
    assert classify(log, "test", "pip").kind != "missing-system-library"
    assert explain(log).kind != "missing-system-library"


def test_a_python_package_not_installed_at_import_is_no_system_library() -> None:
    """An optional Python dependency a package says is absent ("X is not installed"), with pip's advice."""
    log = import_frame("camelot-py", "1.0.0", "import camelot", f"""\
          File "{SITE}/camelot/__init__.py", line 12, in <module>
            raise ImportError("opencv-python is not installed. Please install it with pip install opencv-python")
        ImportError: opencv-python is not installed. Please install it with pip install opencv-python
        """)
    assert classify(log, "import", "pip").kind == "import-error"
    assert explain(log).kind == "import-error"


@pytest.mark.parametrize("frame", sorted(BUILD_FRAMES))
@pytest.mark.parametrize(("pkg", "ver", "out", "stage", "kind"), NEGATIVES + NEGATIVES_2)
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

# uv wraps its [stderr] block at the terminal's width (the continuation indented like the block), and pdm's and
# hatch's rich consoles wrap too: a message split at a word boundary must read the same
WRAPPED = [
    pytest.param("gphoto2", "2.5.1", setup_traceback(
        "RuntimeError: ERROR: command \"pkg-config --modversion\nlibgphoto2\" failed\n", 108), "requirements",
        id="gphoto2-pkg-config-command"),
    pytest.param("pywayland", "0.4.18", "OSError: Unable to find wayland-protocols using\npkgconfig\n", "wheel",
                 id="pywayland-pkgconfig"),
    pytest.param("fugashi", "1.4.0", setup_traceback(
        "RuntimeError: Could not configure working env. Have you\ninstalled MeCab?\n", 12), "requirements",
        id="fugashi-have-you-installed"),
    pytest.param("pyoptsparse", "2.10.1", setup_traceback(
        "numpy.distutils.system_info.LapackNotFoundError: \n    Lapack (http://www.netlib.org/lapack/) libraries\n"
        "not found.\n", 60, "build_wheel"), "wheel", id="numpy-distutils-lapack"),
    pytest.param("pypcap", "1.3.0", "None of the following\nfound: ['libpcap.a', 'libpcap.so', 'libpcap.dylib', "
                 "'wpcap.lib']\n", "requirements", id="pypcap-library-files"),
    pytest.param("xmlsec", "1.3.14", "running build_ext\nerror: xmlsec1 is not installed or not\nin path.\n", "wheel",
                 id="xmlsec-not-installed"),
    pytest.param("hidapi", "0.14.0.post4", setup_traceback("Exception: pkg-config package\n'libusb-1.0' not found\n",
                                                           120), "requirements", id="hidapi-pkg-config-package"),
    pytest.param("psycopg2", "2.9.10", "running egg_info\n\nError: pg_config executable\nnot found.\n", "requirements",
                 id="psycopg2-pg-config"),
    pytest.param("pygsl", "2.6.2", "meson.build:20:10: ERROR: C shared or static library\n'gsl' not found\n",
                 "metadata", id="meson-library"),
    pytest.param("tpm2-pytss", "2.3.0", setup_traceback(
        "RuntimeError: unable to find\ntss2_tpm2_types.h in ['/usr/include']\n", 195, "build_wheel"), "wheel",
        id="tpm2-pytss-header"),
    pytest.param("python-prctl", "1.8.1", "You need to install libcap development\nheaders to build this module\n",
                 "requirements", id="prctl-install-headers"),
    pytest.param("cryptography", "44.0.0", "error: failed to run custom build command for `openssl-sys v0.9.104`\n"
                 "  --- stderr\n  Could not find directory of\n  OpenSSL installation, and this `-sys` crate cannot\n"
                 "💥 maturin failed\n", "wheel", id="openssl-sys"),
]


@pytest.mark.parametrize(("pkg", "ver", "out", "stage"), WRAPPED)
def test_a_message_uv_wrapped_at_a_word_boundary(pkg: str, ver: str, out: str, stage: str) -> None:
    log = uv_frame(pkg, ver, out, stage)
    cause = classify(log, "install", "uv")
    assert (cause.kind, cause.package) == ("missing-system-library", pkg), cause.summary
    blind = explain(log)
    assert (blind.kind, blind.package) == ("missing-system-library", pkg), (blind.phase, blind.summary)


WRAPPED_USE = [
    pytest.param("pytesseract", "0.3.13", "import pytesseract; pytesseract.get_tesseract_version()", f"""\
          File "{SITE}/pytesseract/pytesseract.py", line 280, in run_tesseract
            raise TesseractNotFoundError()
        pytesseract.pytesseract.TesseractNotFoundError: tesseract is not installed or it's not in
        your PATH. See README file for more information.
        """, id="tesseract-binary"),
    pytest.param("pyogg", "0.6.14a1", "import pyogg; pyogg.VorbisFile('a.ogg')", f"""\
          File "{SITE}/pyogg/__init__.py", line 24, in __init__
            raise PyOggError(msg)
        pyogg.pyogg_error.PyOggError: The Ogg library wasn't found or couldn't be
        loaded (maybe you're trying to use 64bit libraries with 32bit Python?)
        """, id="pyogg"),
]


@pytest.mark.parametrize(("pkg", "ver", "command", "traceback"), WRAPPED_USE)
def test_a_loaders_message_wrapped_at_a_word_boundary(pkg: str, ver: str, command: str, traceback: str) -> None:
    log = import_frame(pkg, ver, command, traceback)
    cause = classify(log, "test", "pip")
    assert (cause.kind, cause.package) == ("missing-system-library", pkg), cause.summary
    blind = explain(log)
    assert (blind.kind, blind.package) == ("missing-system-library", pkg), (blind.phase, blind.summary)


# -- any sentence that says a library Debian ships is absent (rodeo_action/causes/sysnames.py) ------------------


@pytest.mark.parametrize(("word", "name", "package"), [
    ("Gammu", "gammu", "libgammu-dev"), ("libsndfile", "libsndfile", "libsndfile1-dev"),
    ("libusb-1.0", "libusb-1.0", "libusb-1.0-0-dev"), ("gdal-config", "gdal-config", "libgdal-dev"),
    ("geos_c.h", "libgeos_c", "libgeos-dev"), ("'portaudio-2.0'", "portaudio-2.0", "portaudio19-dev"),
    ("libinput", "libinput", "libinput-dev"), ("libevent", "libevent", "libevent-dev"),
])
def test_a_word_for_a_library_is_found_with_its_debian_package(word: str, name: str, package: str) -> None:
    assert sysnames.lookup(word) == (name, package)


@pytest.mark.parametrize("word", ["version", "numpy", "Cython", "python3", "config", "check", "it", "the",
                                  "pkg-config", "collect2", "DLL"])
def test_a_word_of_build_logs_or_a_python_name_is_no_library(word: str) -> None:
    assert sysnames.lookup(word) is None


@pytest.mark.parametrize("frame", sorted(BUILD_FRAMES))
def test_a_library_debian_ships_said_absent_in_any_words_is_missing(frame: str) -> None:
    out = setup_traceback("Exception: this extension needs PortAudio (portaudio-2.0) and it is missing here\n")
    log = BUILD_FRAMES[frame]("pyaudio-ng", "0.3.0", out, "requirements")
    cause = classify(log, "install", frame)
    assert (cause.kind, cause.package) == ("missing-system-library", "pyaudio-ng"), cause.summary
    assert "portaudio19-dev" in cause.summary
    assert explain(log).kind == "missing-system-library"


@pytest.mark.parametrize(("out", "kind"), [
    # a word that is no library, a Python requirement, and a C error after a note on an optional library
    (setup_traceback("Exception: version 1.2 is required\n"), "build-failed"),
    (setup_traceback("RuntimeError: numpy is required to build this package\n"), "build-failed"),
    ("Atlas libraries are missing; using the reference BLAS\nx.c:3:1: error: expected ';' before '}' token\n"
     "error: command '/usr/bin/gcc' failed with exit code 1\n", "build-failed"),
])
def test_a_sentence_about_no_library_is_no_missing_library(out: str, kind: str) -> None:
    log = pip_frame("somepkg", "1.0", out, "requirements")
    assert classify(log, "install", "pip").kind == kind


def test_an_import_that_says_a_debian_library_is_not_installed_is_missing() -> None:
    log = import_frame("soundmod", "1.0", "import soundmod", f"""\
          File "{SITE}/soundmod/__init__.py", line 9, in <module>
            raise RuntimeError("sndfile is not installed on this system")
        RuntimeError: sndfile is not installed on this system
        """)
    cause = classify(log, "import", "pip")
    assert (cause.kind, cause.package) == ("missing-system-library", "soundmod") and "libsndfile1-dev" in cause.summary


# -- session 7: PyQt-builder's qmake, other linkers and MSVC, probes a build goes on after, an SDK's own check --


def assert_build_lacks(out: str, says: str, pkg: str = "somepkg") -> None:
    """A build of ``pkg`` whose output is ``out``, in pip's, uv's and poetry's frames (poetry puts "| " before each
    line): a missing system library blamed on ``pkg``, whose summary names ``says``."""
    for manager, frame in BUILD_FRAMES.items():
        cause = classify(frame(pkg, "1.0", "running build_ext\n" + out, "wheel"), "install", manager)
        assert (cause.kind, cause.package) == ("missing-system-library", pkg) and says in cause.summary, \
            (manager, cause.summary)


def assert_build_fails(out: str, stage: str = "wheel") -> None:
    """A build whose output is ``out`` is a failed build in pip's, uv's and poetry's frames: no missing library."""
    for manager, frame in BUILD_FRAMES.items():
        cause = classify(frame("somepkg", "1.0", out, stage), "install", manager)
        assert cause.kind == "build-failed", (manager, cause.summary)


def assert_import_lacks(traceback: str, says: str) -> None:
    """``import somepkg`` after an install, failing with ``traceback`` from somepkg's own module."""
    log = import_frame("somepkg", "1.0", "import somepkg",
                       f'  File "{SITE}/somepkg/__init__.py", line 3, in <module>\n    x()\n{traceback}')
    cause = classify(log, "import", "pip")
    assert (cause.kind, cause.package) == ("missing-system-library", "somepkg") and says in cause.summary, cause.summary

PYQTBUILD = f"{BUILD_ENV}/pyqtbuild/builder.py"


@pytest.mark.parametrize("frame", sorted(BUILD_FRAMES))
@pytest.mark.parametrize("out", [
    # Python-Qt's PyQt-builder pyqtbuild/builder.py (1.21.0, l. 49): under a PEP 517 hook the exception carries
    # no text (sipbuild's UserException calls Exception.__init__ with none), so only the source line shows it
    pytest.param(setup_traceback(f"  File \"{PYQTBUILD}\", line 49, in apply_user_defaults\n"
                                 "    raise PyProjectOptionException('qmake',\n"
                                 "sipbuild.pyproject.PyProjectOptionException\n", 708,
                                 "prepare_metadata_for_build_wheel"),
                 id="pep517-hook"),
    # sipbuild/exceptions.py handle_exception (sip 6.17.2, l. 65) when sip-build itself runs
    pytest.param("sip-build: 'tool.sip.project.qmake': specify a working qmake or add it to PATH\n", id="sip-build"),
])
def test_pyqt_builder_without_qmake_is_a_missing_tool(frame: str, out: str) -> None:
    log = BUILD_FRAMES[frame]("python-poppler-qt6", "21.3.0", out, "metadata")
    cause = classify(log, "install", frame)
    assert (cause.kind, cause.package) == ("missing-system-library", "python-poppler-qt6"), cause.summary
    assert "qmake" in cause.summary and explain(log).kind == "missing-system-library"


@pytest.mark.parametrize(("out", "says"), [
    # lld (lld/ELF/DriverUtils.cpp "unable to find library -l"), mold ("library not found: "), gold as GNU ld
    ("ld.lld: error: unable to find library -lgeos_c\nerror: command '/usr/bin/clang' failed with exit code 1\n",
     "-lgeos_c"),
    ("mold: fatal: library not found: proj\ncollect2: error: ld returned 1 exit status\n", "-lproj"),
    ("/usr/bin/ld.gold: error: cannot find -lgdal\n", "-lgdal"),
    # a Windows runner's MSVC: cl.exe's C1083 and link.exe's LNK1181
    ("src\\_proj.c(765): fatal error C1083: Cannot open include file: 'proj.h': No such file or directory\n"
     "error: command 'C:\\\\Program Files\\\\cl.exe' failed with exit code 2\n", "proj.h"),
    ("LINK : fatal error LNK1181: cannot open input file 'gdal_i.lib'\n"
     "error: command 'C:\\\\Program Files\\\\link.exe' failed with exit code 1181\n", "gdal.lib"),
])
def test_other_linkers_and_msvc_say_a_library_is_missing(out: str, says: str) -> None:
    assert_build_lacks(out, says, "geopkg")


PROBE = ("/tmp/tmp0uhvh3za/test.c:2:10: fatal error: xc.h: No such file or directory\n    2 | #include \"xc.h\"\n"
         "compilation terminated.\n")
LINK_ERROR = "/usr/bin/ld: cannot find -lxc: No such file or directory\ncollect2: error: ld returned 1 exit status\n"
PROBE_LINK = (LINK_ERROR + "distutils.compilers.C.errors.LinkError: Command '['gcc', '/tmp/tmpl5y3273s/test.o', "
              "'-lxc', '-o', '/tmp/tmpl5y3273s/a.out']' returned non-zero exit status 1.\n")
LATER = ("building '_gpaw' extension\nIn file included from c/bmgs/bmgs.c:10:\n"
         "c/bmgs/zero.c:8:10: fatal error: algorithm: No such file or directory\ncompilation terminated.\n"
         "error: command '/usr/bin/gcc' failed with exit code 1\n")


@pytest.mark.parametrize(("out", "kind"), [
    # a setup.py that probes for an optional library (gpaw's config.py: a test.c in a fresh temporary folder,
    # then "setting nolibxc = True") and fails later on its own C: the later error is the cause
    (PROBE + "<string>:490: MissingLibraryWarning: cannot link against LibXC, setting `nolibxc = True`\n" + LATER,
     "build-failed"),
    (PROBE_LINK + "MissingLibraryWarning: cannot link against LibXC, setting `nolibxc = True`\n" + LATER,
     "build-failed"),
    # the same probes with nothing after them: they are all the log says
    (PROBE + "error: command '/usr/bin/gcc' failed with exit code 1\n", "missing-system-library"),
    (PROBE_LINK + "error: command '/usr/bin/gcc' failed with exit code 1\n", "missing-system-library"),
    # a link error whose command names no probe's file is the package's own: the library is missing
    (LINK_ERROR + LATER, "missing-system-library"),
    # a header missing in the package's own source is the cause whatever follows
    ("src/xc_wrap.c:2:10: fatal error: xc.h: No such file or directory\ncompilation terminated.\n"
     "src/other.c:9:1: error: expected ';' before '}' token\n", "missing-system-library"),
])
def test_a_probe_the_build_went_on_after_is_not_the_cause(out: str, kind: str) -> None:
    log = uv_frame("gpaw", "26.7.0", "running build_ext\n" + out, "wheel")
    assert classify(log, "install", "uv").kind == kind


def test_an_sdk_a_package_says_to_install_is_missing_at_import() -> None:
    # pymba vimba_c.py (0.3.7, l. 65): an assert on the environment Vimba's profile scripts set
    log = import_frame("camsdk", "0.3.7", "import camsdk", f"""\
          File "{SITE}/camsdk/vimba_c.py", line 65, in <module>
            assert os.environ.get(
        AssertionError: you need your GENICAM_GENTL64_PATH environment set.  Make sure you have Vimba installed, \
        and you have loaded the /etc/profile.d/ scripts
        """)
    cause = classify(log, "import", "pip")
    assert (cause.kind, cause.package) == ("missing-system-library", "camsdk") and "Vimba" in cause.summary
    assert explain(log).kind == "missing-system-library"


def test_a_python_package_a_module_says_to_install_is_no_system_library() -> None:
    log = import_frame("plotkit", "1.0", "import plotkit", f"""\
          File "{SITE}/plotkit/__init__.py", line 3, in <module>
            import qtpy
        ModuleNotFoundError: No module named 'qtpy'. Make sure you have qtpy installed
        """)
    assert classify(log, "import", "pip").kind == "import-error"


@pytest.mark.parametrize(("out", "says"), [
    # a setup.py that runs pkg-config through a shell (pyfribidi-style check_output("pkg-config --cflags fribidi"))
    (setup_traceback("subprocess.CalledProcessError: Command 'pkg-config --libs --cflags fribidi' returned non-zero "
                     "exit status 1.\n"), "fribidi"),
    # CMake's generate step (Source/cmGlobalGenerator.cxx): a find_library result used while NOTFOUND
    ("CMake Error: The following variables are used in this project, but they are set to NOTFOUND.\n"
     "Please set them or make sure they are set and tested correctly in the CMake files:\nFFTW_LIBRARY\n"
     "    linked by target \"_fft\" in directory /tmp/x\n\n-- Configuring incomplete, errors occurred!\n", "FFTW"),
    # meson's and numpy's words for an installation they did not find
    ("../meson.build:5:10: ERROR: Could not find a valid install of OpenBLAS\n", "OpenBLAS"),
    ("error: Could not find GDAL installation of version 3 or newer\n", "GDAL"),
    # pkg-config's own hint, all a truncated log may keep of "Package glib-2.0 was not found"
    ("Perhaps you should add the directory containing `glib-2.0.pc'\nto the PKG_CONFIG_PATH environment variable\n",
     "glib-2.0"),
    # a library named by its file, to gcc and to ld; ld's -l:file form
    ("gcc: error: /usr/lib/x86_64-linux-gnu/libgsl.a: No such file or directory\n", "libgsl"),
    ("/usr/bin/ld: cannot find /usr/lib/libnetcdf.so: No such file or directory\n"
     "collect2: error: ld returned 1 exit status\n", "libnetcdf"),
    ("/usr/bin/ld: cannot find -l:libgdal.so.32: No such file or directory\n"
     "collect2: error: ld returned 1 exit status\n", "libgdal.so.32"),
    ("collect2: fatal error: cannot find 'ld'\ncompilation terminated.\n", "ld"),
    # a C++ library's extensionless header in its folder
    ("src/x.cpp:3:10: fatal error: Eigen/Dense: No such file or directory\n    3 | #include <Eigen/Dense>\n",
     "Eigen/Dense"),
    ("src/x.cpp:3:10: fatal error: QtCore/QObject: No such file or directory\n", "QtCore/QObject"),
    # autoconf without a working C++ compiler, a build that names the variable of an installation it needs
    ("checking whether the C++ compiler works... no\nconfigure: error: C++ compiler cannot create executables\n",
     "C++ compiler"),
    (setup_traceback("Exception: MKLROOT environment variable is not set; install Intel MKL\n"), "MKLROOT"),
    (setup_traceback("KeyError: 'ORACLE_HOME'\n"), "ORACLE_HOME"),
    (setup_traceback("FileNotFoundError: [Errno 2] No such file or directory: '/usr/local/cuda/include'\n"), "cuda"),
    ("error: Could not find the ftd2xx DLL\n", "ftd2xx"),
    # a program run through a shell that is not there: POSIX shells exit 127 (gssapi 1.7's setup.py)
    (setup_traceback("subprocess.CalledProcessError: Command 'krb5-config --libs gssapi' returned non-zero exit "
                     "status 127.\n"), "krb5-config"),
    (setup_traceback("subprocess.CalledProcessError: Command '['krb5-config', '--libs']' returned non-zero exit "
                     "status 127.\n"), "krb5-config"),
    # CMake's FindPackageHandleStandardArgs.cmake failing in FindOpenCL.cmake, its message cut off (pdm's last ten
    # lines start in the call stack)
    ("  /usr/share/cmake-3.25/Modules/FindPackageHandleStandardArgs.cmake:600 (_FPHSA_FAILURE_MESSAGE)\n"
     "  /usr/share/cmake-3.25/Modules/FindOpenCL.cmake:163 (find_package_handle_standard_args)\n"
     "  CMakeLists.txt:165 (find_package)\n\n\n-- Configuring incomplete, errors occurred!\n", "OpenCL"),
])
def test_more_build_systems_say_a_library_is_missing(out: str, says: str) -> None:
    assert_build_lacks(out, says, "somepkg")


@pytest.mark.parametrize("out", [
    # the C++ standard library's header under a C compiler (gpaw), a package's own static library it failed to make,
    # a variable that is unset in a warning only, before the C error that stopped the build
    "c/bmgs/zero.c:8:10: fatal error: algorithm: No such file or directory\ncompilation terminated.\n",
    "gcc: error: build/temp.linux-x86_64-cpython-311/libsodium.a: No such file or directory\n",
    "warning: MKLROOT environment variable is not set, using the reference BLAS\n"
    "x.c:3:1: error: expected ';' before '}' token\n",
    # a shell's 127 names no program; any other exit status is the program's own verdict
    setup_traceback("subprocess.CalledProcessError: Command '['/bin/sh', '-c', 'make']' returned non-zero exit "
                    "status 127.\n"),
    setup_traceback("subprocess.CalledProcessError: Command 'krb5-config --libs gssapi' returned non-zero exit "
                    "status 1.\n"),
    # FindPackageHandleStandardArgs' dev warning names the Find module too, in a build that then fails in C
    "CMake Warning (dev) at /usr/share/cmake-3.25/Modules/FindPackageHandleStandardArgs.cmake:438 (message):\n"
    "  The package name passed to `find_package_handle_standard_args` (PCRE) does not match\nCall Stack:\n"
    "  /usr/share/cmake-3.25/Modules/FindPCRE.cmake:20 (find_package_handle_standard_args)\n"
    "x.c:3:1: error: expected ';' before '}' token\n",
])
def test_near_misses_stay_build_failures(out: str) -> None:
    failed = "error: command '/usr/bin/gcc' failed with exit code 1\n"
    log = pip_frame("somepkg", "1.0", "running build_ext\n" + out + failed, "wheel")
    assert classify(log, "install", "pip").kind == "build-failed"


@pytest.mark.parametrize(("traceback", "says"), [
    ("OSError: /usr/lib/x86_64-linux-gnu/ueye_api.so: cannot open shared object file: No such file or directory\n",
     "ueye_api.so"),
    ("OSError: [Errno 2] No such file or directory: '/usr/lib/libfoo.so'\n", "libfoo.so"),
    ("ImportError: DLL load failed while importing _proj: The specified module could not be found.\n", "_proj"),
])
def test_a_loader_names_a_library_file_it_lacks(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)


def test_the_packages_own_extension_that_cannot_load_is_an_import_error() -> None:
    log = import_frame("somepkg", "1.0", "import somepkg", f'  File "{SITE}/somepkg/__init__.py", line 3, in <module>\n'
                       "ImportError: _somepkg.cpython-311-x86_64-linux-gnu.so: cannot open shared object file: "
                       "No such file or directory\n")
    assert classify(log, "import", "pip").kind == "import-error"


def test_a_rule_that_turns_down_its_first_match_reads_the_next() -> None:
    """A probe's header (a temporary test.c the build went on after) comes first; the package's own missing
    header, later, is the cause: the header rule must not stop at the match it turned down."""
    out = ("/tmp/tmp0uhvh3za/test.c:2:10: fatal error: xc.h: No such file or directory\ncompilation terminated.\n"
           "src/a.c:1:10: error: unknown type name 'foo'\n"
           "src/b.c:2:10: fatal error: proj.h: No such file or directory\ncompilation terminated.\n")
    cause = classify(uv_frame("gpaw", "26.7.0", out, "wheel"), "install", "uv")
    assert cause.kind == "missing-system-library" and "proj.h" in cause.summary, cause.summary


def test_a_build_failure_after_a_probe_names_the_error_that_stopped_it() -> None:
    out = PROBE + "<string>:490: MissingLibraryWarning: cannot link against LibXC, setting `nolibxc = True`\n" + LATER
    cause = classify(uv_frame("gpaw", "26.7.0", "running build_ext\n" + out, "wheel"), "install", "uv")
    assert cause.kind == "build-failed" and "algorithm" in cause.summary and "xc.h" not in cause.summary, cause.summary


@pytest.mark.parametrize(("out", "says"), [
    # numpy.distutils' system_info (numpy/distutils/system_info.py: NotFoundError's own text)
    (setup_traceback("numpy.distutils.system_info.NotFoundError: No lapack/blas resources found. Note: Accelerate "
                     "is no longer supported.\n"), "lapack/blas"),
    # Go's os/exec, a POSIX shell (dash, bash), GNU make: a program that is not there
    ("exec: \"go\": executable file not found in $PATH\n", "go"),
    ("/bin/sh: 1: npm: not found\n", "npm"),
    ("bash: line 1: protoc-c: command not found\n", "protoc-c"),
    ("make: protoc: No such file or directory\nmake: *** [Makefile:12: foo.pb.cc] Error 127\n", "protoc"),
    (setup_traceback("RuntimeError: Could not find `cmake` in PATH\n"), "cmake"),
    # meson without pkg-config (mesonbuild/dependencies/pkgconfig.py)
    ("../meson.build:210:9: ERROR: Dependency lookup for OpenBLAS with method 'pkgconfig' failed: Pkg-config for "
     "machine host machine not found. Giving up.\n", "pkg-config"),
    ("CMake Error at CMakeLists.txt:20 (message):\n  No suitable version of Boost found\n", "Boost"),
])
def test_shells_make_go_and_numpy_say_a_tool_or_library_is_missing(out: str, says: str) -> None:
    assert_build_lacks(out, says, "somepkg")


@pytest.mark.parametrize("out", ["sh: 1: cython: not found\n",
                                 "meson.build:1:0: ERROR: Program 'cython' not found or not executable\n"])
def test_a_python_build_tool_that_is_not_there_is_an_undeclared_requirement(out: str) -> None:
    log = pip_frame("somepkg", "1.0", "running build_ext\n" + out, "wheel")
    assert classify(log, "install", "pip").kind == "build-failed"


@pytest.mark.parametrize(("traceback", "says"), [
    # a Python built without a -dev package (pyenv, a source build): its C module of the standard library is absent
    ('  File "/usr/lib/python3.11/tkinter/__init__.py", line 38, in <module>\n    import _tkinter\n'
     "ModuleNotFoundError: No module named '_tkinter'\n", "tk-dev"),
    ('  File "/usr/lib/python3.11/lzma.py", line 27, in <module>\n    from _lzma import *\n'
     "ModuleNotFoundError: No module named '_lzma'\n", "liblzma-dev"),
    ("ModuleNotFoundError: No module named '_ctypes'\n", "libffi-dev"),
    ("ModuleNotFoundError: No module named '_sqlite3'\n", "libsqlite3-dev"),
    # a wheel built on a newer system than this one's C and C++ runtimes
    ("ImportError: /lib/x86_64-linux-gnu/libstdc++.so.6: version `GLIBCXX_3.4.32' not found (required by "
     f"{SITE}/somepkg/_ext.so)\n", "libstdc++ is too old"),
    ("ImportError: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by "
     f"{SITE}/somepkg/_ext.so)\n", "glibc is too old"),
])
def test_a_python_or_a_runtime_without_a_system_library_is_missing_one(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)


def test_pip_in_a_python_without_ssl_is_missing_openssl_not_a_version() -> None:
    log = ("$ pip install six\nWARNING: pip is configured with locations that require TLS/SSL, however the ssl module "
           "in Python is not available.\nERROR: Could not find a version that satisfies the requirement six (from "
           "versions: none)\nERROR: No matching distribution found for six\n")
    cause = classify(log, "install", "pip")
    assert cause.kind == "missing-system-library" and "libssl-dev" in cause.summary, cause.summary


@pytest.mark.parametrize(("out", "says"), [
    ("💥 maturin failed\n  Caused by: Cargo metadata failed. Do you have cargo in your PATH?\n"
     "  Caused by: No such file or directory (os error 2)\n", "cargo"),
    (setup_traceback("numpy.distutils.system_info.NotFoundError: fftw (libraries fftw3) not found in "
                     "['/usr/lib', '/usr/local/lib']\n"), "fftw"),
])
def test_maturin_and_numpy_distutils_say_what_is_missing(out: str, says: str) -> None:
    assert_build_lacks(out, says, "somepkg")


@pytest.mark.parametrize(("out", "says"), [
    # meson's error() ("ERROR: Problem encountered: ..."), read though its line starts "file:line:col:"
    ("meson.build:30:2: ERROR: Problem encountered: Could not find FFTW3\n", "fftw3"),
    # advice that names the -dev package, a setup.py that runs a -config tool, an MPI wrapper, a JVM
    ("CMake Error at CMakeLists.txt:40 (message):\n  Please install libsndfile-dev\n", "libsndfile-dev"),
    ("error: sudo apt-get install libgeos-dev and try again\n", "libgeos-dev"),
    (setup_traceback("Exception: Unable to run \"sdl-config\". Please make sure a development version of SDL is "
                     "installed.\n"), "sdl-config"),
    (setup_traceback("RuntimeError: cannot find MPI compiler wrapper (mpicc)\n"), "mpicc"),
    (setup_traceback("RuntimeError: No JVM shared library file (libjvm.so) found. Try setting up the JAVA_HOME "
                     "environment variable properly.\n"), "libjvm.so"),
    # configure's own words, named by the library they mention
    ("configure: error: could not find the libpq library\n", "libpq"),
    ("configure: error: Unable to find libcurl\n", "libcurl"),
    ("configure: error: *** A compiler with support for C++11 language features is required.\n", "compiler"),
])
def test_meson_advice_and_configure_name_what_is_missing(out: str, says: str) -> None:
    assert_build_lacks(out, says, "somepkg")


@pytest.mark.parametrize(("traceback", "says"), [
    ("OSError: [WinError 126] The specified module could not be found\n", "DLL"),
    ("RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a "
     "driver\n", "NVIDIA driver"),
    # PyGObject: gi.require_version() and the loader of a namespace's typelib (a dotted exception class)
    ("ValueError: Namespace Gtk not available\n", "Gtk"),
    ("gi.repository.GLib.GError: g-irepository-error-quark: Typelib file for namespace 'Gst', version '1.0' not found "
     "(0)\n", "Gst 1.0"),
    # a program a package runs: the OS's FileNotFoundError naming it, the package's own check
    ("FileNotFoundError: [Errno 2] No such file or directory: 'ffmpeg'\n", "ffmpeg"),
    ("RuntimeError: ffprobe not found, please install ffmpeg\n", "ffprobe"),
    ("OSError: Executable `pandoc` not found\n", "pandoc"),
])
def test_drivers_typelibs_and_programs_a_package_loads_are_missing(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)


@pytest.mark.parametrize("traceback", [
    "FileNotFoundError: [Errno 2] No such file or directory: 'settings'\n",   # a file, not a program
    "RuntimeError: numpy not found, please install numpy\n",                  # a Python requirement
    "google.protobuf.message.DecodeError: Error parsing message with type 'tensorflow.GraphDef'\n",  # dotted class
    # a Python requirement in a loader's words; an extension module of the package, which is its own
    "ImportError: numpy is not installed. Please install it with pip.\n",
    "ImportError: /v/site-packages/somepkg/_x.cpython-311-x86_64-linux-gnu.so: cannot open shared object file: "
    "No such file or directory\n",
    f"AttributeError: {SITE}/somepkg/libsomepkg.so: undefined symbol: somepkg_init\n",
    # words near a loader's that name no library: a module, an implementation, a function, a Python tool
    "ModuleNotFoundError: No module named 'json' not found in path\n",
    "ValueError: Could not find a JSON implementation\n",
    "NameError: no function 'compute_mean'\n",
    "RuntimeError: the 'pip' command is not found in the venv's bin, run: pip install --upgrade pip\n",
    # glibc's static TLS; a Python package in a library's version words
    "ImportError: dlopen: cannot load any more object with static TLS\n",
    "ImportError: Requires numpy >= 2.0 (found 1.26)\n",
    "RuntimeError: pandas version 1.5 is too old, need 2.0\n",
])
def test_other_import_time_exceptions_stay_import_errors(traceback: str) -> None:
    log = import_frame("somepkg", "1.0", "import somepkg",
                       f'  File "{SITE}/somepkg/__init__.py", line 3, in <module>\n    x()\n{traceback}')
    assert classify(log, "import", "pip").kind == "import-error"


@pytest.mark.parametrize(("out", "says"), [
    # llvmlite's ffi/build.py, pkg-config's own words, a setup.py's minimum, CMake's config mode finding another version
    (setup_traceback("RuntimeError: Building llvmlite requires LLVM 15.x.x, got '14.0.6'. Be sure to set "
                     "LLVM_CONFIG to the right executable path.\n"), "LLVM is too old"),
    ("Requested 'glib-2.0 >= 2.56' but version of GLib is 2.50.3\n", "glib-2.0 is too old"),
    (setup_traceback("RuntimeError: GEOS version 3.5 or newer required\n"), "GEOS is too old"),
    (setup_traceback("RuntimeError: pygit2 1.13 requires libgit2 1.7.x, found 1.5.1\n"), "libgit2 is too old"),
    ("CMake Error at CMakeLists.txt:30 (find_package):\n  Could not find a configuration file for package \"LLVM\" "
     "that is compatible\n  with requested version \"15\".\n", "LLVM"),
])
def test_a_library_older_than_the_build_needs_is_named(out: str, says: str) -> None:
    assert_build_lacks(out, says, "somepkg")


@pytest.mark.parametrize("out", [setup_traceback("RuntimeError: this package requires numpy 1.20, got 1.19.5\n"),
                                 setup_traceback("RuntimeError: Cython version 3.0 or newer required\n")])
def test_a_python_requirement_too_old_is_no_system_library(out: str) -> None:
    assert_build_fails(out)


@pytest.mark.parametrize(("out", "says"), [
    # gcc without binutils' assembler; numpy.distutils' Fortran library; distutils' CompileError for a missing gcc
    ("gcc: fatal error: cannot execute 'as': execvp: No such file or directory\ncompilation terminated.\n", "as"),
    ("error: library dfftpack has Fortran sources but no Fortran compiler found\n", "Fortran"),
    ("distutils.errors.CompileError: command 'gcc' failed: No such file or directory\n", "gcc"),
    (setup_traceback("RuntimeError: Could not find CUDA. Set CUDA_PATH.\n"), "CUDA toolkit"),
    # a macOS runner without Xcode's Command Line Tools
    ("xcrun: error: invalid active developer path (/Library/Developer/CommandLineTools), missing xcrun at: "
     "/Library/Developer/CommandLineTools/usr/bin/xcrun\n", "xcode-select"),
])
def test_compilers_and_toolchains_that_are_not_there(out: str, says: str) -> None:
    assert_build_lacks(out, says, "somepkg")


@pytest.mark.parametrize(("out", "says"), [
    # distutils' build_ext asks find_swig for swig; a setup.py's own find_swig asserts it is on PATH (jamspell)
    (f'  File "{BUILD_ENV}/setuptools/_distutils/command/build_ext.py", line 661, in swig_sources\n'
     "    swig = self.swig or self.find_swig()\n                        ^^^^^^^^^^^^^^^^\n"
     '  File "<string>", line 49, in find_swig\nAssertionError\n', "swig"),
    ('  File "<string>", line 49, in find_swig\n    assert subprocess.call(["swig", "-version"]) == 0\n'
     "AssertionError\n", "swig"),
    # a setup.py that loads the library it wraps with ctypes before it builds (yices)
    (setup_traceback("yices_api.YicesAPIException: Yices dynamic library not found.\n"), "Yices"),
    (setup_traceback("OSError: Foo shared library not found\n"), "Foo"),
])
def test_a_setup_py_that_looks_for_its_tool_or_library_and_stops(out: str, says: str) -> None:
    assert_build_lacks(out, says)


def test_a_setup_py_that_finds_its_tool_goes_on_to_the_real_error() -> None:
    """A find_swig frame that returned, then a compile error elsewhere: not the tool."""
    out = ('  File "<string>", line 49, in find_swig\n    return "swig"\n'
           '  File "<string>", line 60, in run\n    build()\nRuntimeError: the compile failed\n')
    assert_build_fails(out)


@pytest.mark.parametrize(("traceback", "says"), [
    # mujoco-py, which raises a bare Exception; a loader's "dynamic library" wording
    ("Exception: You appear to be missing MuJoCo.  We expected to find the file here: /home/u/.mujoco/mujoco210\n",
     "MuJoCo (Debian: libmujoco-dev) is missing"),
    ("somepkg.LoadError: Yices dynamic library not found.\n", "Yices"),
])
def test_an_import_that_says_the_library_it_wraps_is_not_there(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)


def test_a_bare_exception_of_the_probe_names_its_module() -> None:
    log = ("# rodeo: phase import\n$ python probe.py\nnothing here\n"
           "mujoco_py: Exception: You appear to be missing MuJoCo.  We expected to find the file here: /x\n")
    cause = classify(log, "import", "hatch")
    assert cause.kind == "missing-system-library" and "import mujoco_py needs it" in cause.summary, cause.summary


def test_uvs_universal_fork_without_a_wheel_for_this_python_is_no_match() -> None:
    """uv 0.13 on kivy 2.1.0rc3: the fork's package carries its marker, and uv wraps the sentence at 120 columns
    inside "(e.g., `cp311`)"."""
    log = ("error: Failed to add dependencies\n  cause: No solution found when resolving dependencies\n"
           "  cause: Because kivy-deps-sdl2{sys_platform == 'win32'}==0.4.5 has no wheels with a matching Python "
           "version tag (e.g.,\n         `cp311`) and only the following versions of kivy-deps-sdl2{sys_platform == "
           "'win32'} are available:\n             kivy-deps-sdl2{sys_platform == 'win32'}<=0.4.5\n"
           "         we can conclude that kivy-deps-sdl2{sys_platform == 'win32'}>=0.4.5,<0.5.dev0 cannot be used.\n"
           "         And because kivy==2.1.0rc3 depends on kivy-deps-sdl2{sys_platform == 'win32'}>=0.4.5,<0.5.dev0 "
           "and your project\n         depends on kivy==2.1.0rc3, we can conclude that your project's requirements "
           "are unsatisfiable.\n")
    cause = classify(log, "install", "uv")
    assert (cause.kind, cause.package) == ("no-matching-distribution", "kivy-deps-sdl2"), cause.summary
    assert "cp311" in cause.summary


@pytest.mark.parametrize(("traceback", "says"), [
    # the dynamic loader's words for a name without lib- or .so (PyOpenGL passes dlerror's text on), musl's
    ("ImportError: ('Unable to load OpenGL library', 'GL: cannot open shared object file: No such file or "
     "directory', 'GL', None)\n", "libGL"),
    ("OSError: GL: cannot open shared object file: No such file or directory\n", "libGL"),
    ("ImportError: Error loading shared library libstdc++.so.6: No such file or directory (needed by "
     "/v/site-packages/somepkg/_x.so)\n", "libstdc++.so.6"),
    # a loader's own sentences
    ("ImportError: The 'foo' library could not be loaded\n", "libfoo"),
    ("ImportError: libfoo is not available\n", "libfoo"),
    ("OSError: could not open libfoo.so.2\n", "libfoo.so.2"),
    ("OSError: ctypes.util.find_library('foo') failed\n", "libfoo"),
    ("somepkg.errors.LibraryNotFoundError: libfoo\n", "libfoo"),
    ("RuntimeError: The FOO C library is required but was not found\n", "FOO"),
    ("ImportError: Missing required dependencies: libfoo\n", "libfoo"),
    ("RuntimeError: Please set FOO_LIB to the path of libfoo.so\n", "FOO_LIB"),
    ("ImportError: foo is not installed. Please install it with your system package manager.\n", "foo"),
])
def test_an_import_whose_loader_says_its_library_is_absent(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)


@pytest.mark.parametrize(("out", "says"), [
    # a setup.py that loads the library it wraps, in a loader's words
    (setup_traceback("OSError: GL: cannot open shared object file: No such file or directory\n"), "libGL"),
    (setup_traceback("RuntimeError: The 'foo' library could not be loaded\n"), "libfoo"),
    (setup_traceback("OSError: ctypes.util.find_library('foo') failed\n"), "libfoo"),
    (setup_traceback("RuntimeError: The FOO C library is required but was not found\n"), "FOO"),
    (setup_traceback("RuntimeError: Please set FOO_DIR to the directory containing libfoo.so\n"), "FOO_DIR"),
    # a build's own sentences, on an exception's or an error's line
    (setup_traceback("RuntimeError: foo headers are missing\n"), "foo"),
    (setup_traceback("RuntimeError: No foo installation found\n"), "foo"),
    (setup_traceback("ValueError: Could not find the foo include directory\n"), "foo"),
    (setup_traceback("RuntimeError: libfoo >= 2.0 is required. Please install it first.\n"), "libfoo"),
    ("error: You need libfoo to build this package\n", "libfoo"),
    ("error: you need the foo development files to compile this extension\n", "foo"),
    (setup_traceback("RuntimeError: Unable to locate foo.h\n"), "foo.h"),
])
def test_a_build_that_says_in_its_own_words_what_it_lacks(out: str, says: str) -> None:
    assert_build_lacks(out, says)


@pytest.mark.parametrize("out", [
    # the same words as a warning, before a build that fails for its own reason
    "WARNING: libfoo is required for the fast path; building without it\nx.c:3:5: error: expected ';' before '}'\n",
    "warning: could not find the foo include directory, foo support disabled\nx.c:3:5: error: expected ';'\n",
])
def test_a_warning_in_those_words_is_not_the_cause(out: str) -> None:
    assert_build_fails(out)


@pytest.mark.parametrize(("traceback", "says"), [
    ("OSError: Could not find/load shared object file: libllvmlite.so\n", "libllvmlite.so"),
    ("pdf2image.exceptions.PDFInfoNotInstalledError: Unable to get page count. Is poppler installed and in PATH?\n",
     "poppler"),
    ("OSError: Ghostscript is not installed. You can install it using the instructions here: https://x\n",
     "Ghostscript"),
    ("ValueError: r_home is None. Try python -m rpy2.situation\n", "R (the R language"),
    ("Exception: Unable to find JAVA_HOME\n", "JAVA_HOME"),
    ("ImportError: pycurl: libcurl link-time version (7.74.0) is older than compile-time version (7.88.1)\n",
     "libcurl is too old (7.88.1 or newer is needed; 7.74.0 is there)"),
    # the name, not the words around it: a quoted name before "C library", a name before "shared library"
    ("ImportError: The 'enchant' C library was not found and maybe needs to be installed.\n", "libenchant"),
    ("ModuleNotFoundError: Couldn't locate OpenSlide shared library. Try installing OpenSlide with your package "
     "manager\n", "libOpenSlide (Debian: libopenslide-dev) is missing"),
])
def test_an_import_that_names_a_program_or_an_older_library(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)


EXECUTE_CHILD = ('  File "/usr/lib/python3.11/subprocess.py", line 1950, in _execute_child\n'
                 "    raise child_exception_type(errno_num, err_msg, err_filename)\n")


@pytest.mark.parametrize(("traceback", "says"), [
    # any program subprocess could not start, whatever its name; one on no PATH; one a shell could not find
    (EXECUTE_CHILD + "FileNotFoundError: [Errno 2] No such file or directory: 'gdal-config'\n", "gdal-config"),
    (EXECUTE_CHILD + "FileNotFoundError: [Errno 2] No such file or directory: 'zbarimg'\n", "zbarimg"),
    ("RuntimeError: java not found on PATH\n", "java"),
    ("subprocess.CalledProcessError: Command 'javac -version' returned non-zero exit status 127.\n", "javac"),
    ("Exception: Java not found. Please install Java 8 or later\n", "Java"),
])
def test_an_import_that_runs_a_program_that_is_not_there(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, f"the system program {says} is missing")


def test_poetrys_note_under_a_backends_failure_is_a_failed_build() -> None:
    log = ("  - Installing somepkg (1.0)\n\nPEP517 build of a dependency failed\n\n"
           "Backend operation failed: RuntimeError: the build stopped\n\n"
           "Note: This error originates from the build backend, and is likely not a problem with poetry but one of "
           "the following issues with somepkg (1.0)\n")
    assert classify(log, "install", "poetry").kind == "build-failed"


def test_a_failed_builds_summary_quotes_a_bare_exception() -> None:
    """The pytorch placeholder sdist raises a bare ``Exception``: its message is why the build failed."""
    out = setup_traceback('Exception: You tried to install "pytorch". The package named for PyTorch is "torch"\n')
    cause = classify(pip_frame("pytorch", "1.0", out, "wheel"), "install", "pip")
    assert cause.kind == "build-failed" and 'named for PyTorch is "torch"' in cause.summary, cause.summary


# -- session 9: more of a build's and a loader's own sentences -----------------------------------------


@pytest.mark.parametrize(("out", "says"), [
    # lxml 4.x's setupinfo.py when xslt-config gave nothing; cffi's setup.py after its test compile of ffi.h
    ("Building lxml version 4.9.3.\nBuilding without Cython.\nError: Please make sure the libxml2 and libxslt "
     "development packages are installed.\n", "libxml2"),
    ("No working compiler found, or bogus compiler options passed to\nthe compiler from Python's standard "
     "\"distutils\" module.  See\nthe error messages above.  Likewise, you may have to install\nthe package "
     "\"libffi-dev\".\n", "libffi-dev"),
    # a tool asked for by the path it lives at, a JDK, SWIG, as a setup.py says they are absent
    ("error: [Errno 2] No such file or directory: '/usr/local/cuda/bin/nvcc'\n", "nvcc"),
    ("error: Could not find javac. Set JAVA_HOME\n", "javac"),
    (setup_traceback("RuntimeError: Unable to find JDK: set JAVA_HOME\n"), "JDK"),
    (setup_traceback("RuntimeError: SWIG is required to build this package\n"), "swig"),
    # a setup.py's own stops: "Fatal:", "SystemExit:", a version it needs, a location it could not work out
    ("Fatal: Failed to build or find libzmq\n", "libzmq"),
    (setup_traceback("SystemExit: You need libgeos >= 3.8 to build this package\n"), "libgeos"),
    (setup_traceback("RuntimeError: Could not determine the location of libgeos_c\n"), "libgeos_c"),
    (setup_traceback("SystemExit: ERROR: Minimum supported PROJ version is 9.2.0, installed version is 7.2.1.\n"),
     "PROJ is too old (9.2.0 or newer is needed; 7.2.1 is there)"),
    # cartopy's setup.py (0.17-0.20) prints to stderr and exits; "0.0.0" is what it reports when it found none
    ("Proj version 4.9.3 is installed, but cartopy requires at least version 8.0.0.\n",
     "Proj is too old (8.0.0 or newer is needed; 4.9.3 is there)"),
    ("GEOS version 0.0.0 is installed, but cartopy requires at least version 3.3.3.\n",
     "GEOS is missing (3.3.3 or newer is needed)"),
    # dlib's setup.py
    (setup_traceback("RuntimeError: CMake must be installed to build the following extensions: _dlib_pybind11\n"),
     "cmake"),
    # autoconf's PKG_CHECK_MODULES-style stop; sentences naming a library Debian ships in words of their own
    ("checking for xmlInitParser in -lxml2... no\nconfigure: error: Library requirements (libxml2) not met.\n",
     "libxml2"),
    (setup_traceback("OSError: Error locating graphviz.\n"), "graphviz"),
    (setup_traceback("Exception: Missing library: geos\n"), "geos"),
    ("Found no libxml2 installation\n" + setup_traceback("SystemExit: 1\n"), "libxml2"),
    (setup_traceback("RuntimeError: libxml2 must be installed first\n"), "libxml2"),
])
def test_a_setup_py_says_what_it_lacks_in_its_own_words(out: str, says: str) -> None:
    assert_build_lacks(out, says)


def test_a_sentence_about_building_without_something_names_no_package() -> None:
    """lxml's "Building without Cython." starts no build: "without" is no distribution to blame."""
    out = "Building lxml version 4.9.3.\nBuilding without Cython.\nx.c:3:5: error: expected ';' before '}'\n"
    cause = classify(pip_frame("lxml", "4.9.3", out), "install", "pip")
    assert cause.package != "without" and "without from source" not in cause.summary, cause


@pytest.mark.parametrize("out", [
    # a Python package a setup.py needs, in the same sentences, is an undeclared build requirement
    setup_traceback("RuntimeError: Cython must be installed first\n"),
    setup_traceback("SystemExit: You need numpy >= 1.20 to build this package\n"),
    setup_traceback("RuntimeError: Minimum supported numpy version is 1.22.0, installed version is 1.21.6.\n"),
    "Error: Please make sure the setuptools and wheel packages are installed.\n",
])
def test_a_python_package_in_those_sentences_is_no_system_library(out: str) -> None:
    assert_build_fails(out, "requirements")


@pytest.mark.parametrize(("traceback", "says"), [
    ("ImportError: You need to install the GEOS library (libgeos-dev) to use this module\n", "GEOS"),
    ("OSError: no such library: libsndfile\n", "libsndfile"),
    ("RuntimeError: ffmpeg was not found\n", "the system program ffmpeg"),
    ("RuntimeError: Could not find ffmpeg\n", "the system program ffmpeg"),
    # the name the sentence gives, never the word "library"
    ("OSError: The libgeos_c library is not available on this system\n", "libgeos_c"),
])
def test_an_import_says_what_it_lacks_in_its_own_words(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)
    log = import_frame("somepkg", "1.0", "import somepkg",
                       f'  File "{SITE}/somepkg/__init__.py", line 3, in <module>\n    x()\n{traceback}')
    assert "library library" not in classify(log, "import", "pip").summary


def test_qt_without_its_platform_plugins_libraries_is_missing_them() -> None:
    """Qt's xcb plugin is there, its X libraries (libxcb-cursor0, ...) are not; Qt aborts the interpreter."""
    log = import_frame("somepkg", "1.0", "import somepkg", f'  File "{SITE}/somepkg/__init__.py", line 3, in <module>\n'
                       "    app = QApplication([])\n") .replace("Traceback (most recent call last):\n", "")
    log += ('qt.qpa.plugin: Could not load the Qt platform plugin "xcb" in "" even though it was found.\n'
            "This application failed to start because no Qt platform plugin could be initialized.\n"
            "Aborted (core dumped)\n")
    cause = classify(log, "import", "pip")
    assert cause.kind == "missing-system-library" and "xcb" in cause.summary, cause.summary


def test_a_probes_compiler_error_does_not_hide_the_sentence_after_it() -> None:
    """A setup.py that compiles a test.c to look for GEOS, then stops in its own words: the probe's error is
    how it looked, not why the build failed."""
    out = ("/tmp/tmpq1w2e3r4/test.c:1:10: fatal error: geos_c.h: No such file or directory\ncompilation terminated.\n"
           + setup_traceback("RuntimeError: GEOS could not be found; install it first\n"))
    assert_build_lacks(out, "geos")


def test_uvs_download_and_build_is_a_failed_build() -> None:
    """uv (crates/uv-distribution-types/src/dist_error.rs) says "Failed to download and build" of a remote sdist
    whose build failed other than in its backend, and "The build backend returned an error" of the backend."""
    out = setup_traceback("RuntimeError: the build stopped\n")
    log = uv_frame("somepkg", "1.0", out, "wheel").replace("error: Failed to build",
                                                           "error: Failed to download and build")
    cause = classify(log, "install", "uv")
    assert (cause.kind, cause.package) == ("build-failed", "somepkg") and "the build stopped" in cause.summary, cause
    log = ("$ uv pip install somepkg==1.0\n  × Failed to download and build `somepkg==1.0`\n"
           "  ├─▶ Failed to install requirements from `build-system.requires`\n  ╰─▶ Failed to run `python`\n")
    assert classify(log, "install", "uv").kind == "build-failed"


CMAKE_CONFIG_TAIL = ['    FooConfig.cmake', '    foo-config.cmake', '',
                     '  Add the installation prefix of "Foo" to CMAKE_PREFIX_PATH or set',
                     '  "Foo_DIR" to a directory containing one of the above files.  If "Foo"',
                     '  provides a separate development package or SDK, be sure it has been', '  installed.', '', '',
                     '-- Configuring incomplete, errors occurred!']


def pdm_tail(lines: list[str]) -> str:
    """pdm's raw output of a failed build: the last ten lines of the backend's output and nothing before them."""
    return ("$ pdm add somepkg==1.0\nAdding packages to default dependencies: somepkg==1.0\n"
            "  ✖ Install somepkg 1.0 failed\n\nERROR: Installing packages failed; see above.\n"
            "[BuildError]: Build backend raised error: Showing the last 10 lines of the build output:\n"
            + "\n".join("  " + line for line in lines) + "\n")


def test_cmakes_find_package_cut_to_its_last_lines_still_names_the_package() -> None:
    """Source/cmFindPackageCommand.cxx's message ends "Add the installation prefix of "Foo" to CMAKE_PREFIX_PATH
    ... If "Foo" provides a separate development package or SDK, be sure it has been installed."""
    cause = classify(pdm_tail(CMAKE_CONFIG_TAIL), "install", "pdm")
    assert (cause.kind, cause.package) == ("missing-system-library", "somepkg") and "Foo" in cause.summary, cause


@pytest.mark.parametrize("name", ["pybind11", "nanobind", "Torch"])
def test_a_python_package_cmake_cannot_find_is_no_system_library(name: str) -> None:
    out = (f'CMake Error at CMakeLists.txt:10 (find_package):\n  Could not find a package configuration file provided '
           f'by "{name}" with any\n  of the following names:\n\n    {name}Config.cmake\n\n'
           "-- Configuring incomplete, errors occurred!\n")
    assert_build_fails(out)
    tail = [line.replace("Foo", name) for line in CMAKE_CONFIG_TAIL]
    assert classify(pdm_tail(tail), "install", "pdm").kind == "build-failed"


def test_a_line_rich_cut_at_the_consoles_width_is_read_whole() -> None:
    """pipenv and pdm print a build's output through rich: an indented line is cut after a word at the console's
    width (its trailing space kept) and goes on at column 0."""
    line = "      Package rodeofoo was not found in the pkg-config search "    # cut after "search "
    log = pdm_tail(["running build_ext"]) + line + "\npath, so the build could not go on\n  error: the build stopped\n"
    assert len(line) >= 60
    cause = classify(log, "install", "pdm")
    assert cause.kind == "missing-system-library" and "rodeofoo" in cause.summary, cause
    # a short line that happens to end in a space is no cut
    assert unwrap("    error: \nfound nothing\n") == "    error: \nfound nothing\n"


@pytest.mark.parametrize(("out", "says"), [
    # autoconf's AC_CHECK_HEADER / AC_CHECK_LIB / PKG_CHECK_MODULES test, then the configure.ac's own words
    ("checking for gdbm.h... no\nconfigure: error: cannot build the extension without it\n", "gdbm.h"),
    ("checking for gdbm_open in -lgdbm... no\nconfigure: error: giving up\n", "libgdbm"),
    ("checking for DBUS... no\nconfigure: error: see config.log for details\n", "DBUS"),
])
def test_configures_own_words_after_a_failed_check_name_what_it_checked(out: str, says: str) -> None:
    assert_build_lacks(out, says)


def test_configures_other_stops_after_a_check_that_passed_are_no_library() -> None:
    out = "checking for gdbm.h... yes\nconfigure: error: unrecognized option: --enable-foo\n"
    assert_build_fails(out)


@pytest.mark.parametrize(("traceback", "says"), [
    # a system package's data file or program, by where it should be
    ("FileNotFoundError: [Errno 2] No such file or directory: '/usr/share/proj/proj.db'\n", "proj"),
    ("FileNotFoundError: [Errno 2] No such file or directory: '/usr/bin/tesseract'\n", "the system program tesseract"),
    # Tcl/Tk without their script libraries
    ("_tkinter.TclError: Can't find a usable init.tcl in the following directories: \n    /usr/share/tcltk/tcl8.6\n",
     "tcl8.6"),
])
def test_a_system_packages_file_or_script_library_is_missing(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)


def test_a_modules_lower_case_error_class_is_an_import_error() -> None:
    """pygame.error, socket.error, struct.error: a module's own exception class named in lower case."""
    log = import_frame("somepkg", "1.0", "import somepkg", f'  File "{SITE}/somepkg/__init__.py", line 3, in <module>\n'
                       "    x()\npygame.error: No available video device\n")
    cause = classify(log, "import", "pip")
    assert cause.kind == "import-error" and "No available video device" in cause.summary, cause
    # and a data file outside the system's folders is the package's own: no system library
    log = log.replace("pygame.error: No available video device",
                      "FileNotFoundError: [Errno 2] No such file or directory: '/etc/somepkg.conf'")
    assert classify(log, "import", "pip").kind == "import-error"


@pytest.mark.parametrize(("out", "says"), [
    # what a build runs says the network failed in its own words: Go's net package, npm, rustup, http.client, ssl
    ("go: github.com/foo/bar@v1.0.0: Get \"https://proxy.golang.org/github.com/foo/bar/@v/v1.0.0.mod\": dial tcp: "
     "lookup proxy.golang.org on 127.0.0.53:53: server misbehaving\n", "cannot resolve proxy.golang.org"),
    ("go: downloading golang.org/x/sys v0.1.0\ndial tcp 142.250.0.1:443: i/o timeout\n", "timed out"),
    ("npm ERR! code ENOTFOUND\nnpm ERR! syscall getaddrinfo\nnpm ERR! network request to "
     "https://registry.npmjs.org/foo failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org\n",
     "cannot resolve registry.npmjs.org"),
    ("error: could not download file from 'https://static.rust-lang.org/dist/channel-rust-stable.toml.sha256' to "
     "'/root/.rustup/tmp/x'\ninfo: caused by: failed to make network request\n", "static.rust-lang.org"),
    (setup_traceback("ssl.SSLEOFError: EOF occurred in violation of protocol (_ssl.c:2426)\n"), "TLS"),
    (setup_traceback("http.client.RemoteDisconnected: Remote end closed connection without response\n"),
     "connection dropped"),
    # the JVM's: Bazel's downloader, Maven's transfer, Gradle's wrapper
    ("ERROR: An error occurred during the fetch of repository 'foo':\n   java.io.IOException: Error downloading "
     "[https://github.com/x/y.tar.gz] to /tmp/x/temp.tar.gz: Unknown host: github.com\n", "cannot resolve github.com"),
    ("[ERROR] Could not transfer artifact a:b:pom:2.0 from/to central (https://repo.maven.apache.org/maven2): "
     "Unknown host repo.maven.apache.org: Temporary failure in name resolution\n",
     "cannot resolve repo.maven.apache.org"),
    ("Exception in thread \"main\" java.net.UnknownHostException: services.gradle.org\n",
     "cannot resolve services.gradle.org"),
    # curl's exit codes (CURLE_*), also through git; wget's, Subversion's and GnuTLS's words
    ("curl: (6) Could not resolve host: github.com\n", "cannot resolve github.com"),
    ("curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to github.com:443\n", "TLS"),
    ("error: RPC failed; curl 56 GnuTLS recv error (-9): Error decoding the received TLS packet.\n", "TLS"),
    ("fatal: unable to access 'https://github.com/x/y/': gnutls_handshake() failed: The TLS connection was "
     "non-properly terminated.\n", "TLS/certificate error talking to github.com"),
    ("Resolving github.com (github.com)... failed: Name or service not known.\n"
     "wget: unable to resolve host address \u2018github.com\u2019\n", "cannot resolve github.com"),
    ("svn: E170013: Unable to connect to a repository at URL 'https://svn.example.org/repo'\n"
     "svn: E731001: Unknown hostname 'svn.example.org'\n", "cannot resolve svn.example.org"),
    # Python's for a download cut short, a socket that timed out
    (setup_traceback("http.client.IncompleteRead: IncompleteRead(1234 bytes read, 5678 more expected)\n"),
     "connection dropped"),
    (setup_traceback("urllib.error.ContentTooShortError: <urlopen error retrieval incomplete: got only 1 out of 2 "
                     "bytes>\n"), "connection dropped"),
    (setup_traceback("socket.timeout: timed out\n"), "timed out"),
    # a build's own words for a failed download, its tool's reason unprinted
    ("-- Downloading https://github.com/x/y/archive/v1.tar.gz\nCMake Error at CMakeLists.txt:10 (file):\n  file "
     "DOWNLOAD error: Failed to download https://github.com/x/y/archive/v1.tar.gz\n", "github.com"),
    ("Error downloading https://example.org/libfoo-1.0.tar.gz, giving up\n", "example.org"),
])
def test_a_build_that_fetches_says_the_network_failed_in_its_tools_words(out: str, says: str) -> None:
    cause = classify(pip_frame("somepkg", "1.0", out, "wheel"), "install", "pip")
    assert cause.kind == "network" and says in cause.summary, cause


def test_a_wrapped_line_going_on_with_an_acronym_is_joined() -> None:
    """uv (miette) wraps at its width; the continuation may start with a library's acronym ("GEOS library"):
    an all-caps word starts a line of its own only as a key ("CFLAGS=...", "NOTE:") or a heading alone."""
    out = setup_traceback("RuntimeError: this build stopped because it could not find the\nGEOS library\n")
    cause = classify(uv_frame("somepkg", "1.0", out, "wheel"), "install", "uv")
    assert cause.kind == "missing-system-library" and "GEOS" in cause.summary, cause
    assert unwrap("  a line\n  CFLAGS=-O2\n  NOTE: x\n  FAILED\n") == "  a line\n  CFLAGS=-O2\n  NOTE: x\n  FAILED\n"


# -- session 9: a third source round (each wording read in the package's own source, at the commit named) ------


@pytest.mark.parametrize(("out", "says"), [
    # psycopg2's psycopg/psycopg.h: a C #error that names the library version it needs
    ('psycopg/psycopg.h:32:2: error: #error "Psycopg requires PostgreSQL client library (libpq) >= 9.1"\n',
     "libpq is too old (9.1 or newer is needed"),
    # jep's commands/java.py: JAVA_HOME without a JDK
    ("Error: \nPlease set the environment variable JAVA_HOME to a path containing the JDK.\n", "JDK"),
    ("Error: \njni.h should be in '/usr/lib/jvm/java-17-openjdk-amd64/include/jni.h' but doesn't exist. Please check "
     "you've installed the JDK properly.\n", "JDK"),
    ("Error: \nPath /usr/lib/jvm/java-17-openjdk indicated by JAVA_HOME does not exist.\n", "JDK"),
    # pyicu's setup.py (ovalhub/pyicu); xmlsec's setup.py (xmlsec/python-xmlsec)
    ("Could not configure CFLAGS with icu-config\n", "icu-config"),
    (setup_traceback("distutils.errors.DistutilsError: Bad or incomplete result returned from pkg-config.\n"),
     "pkg-config"),
    # python-evdev's setup.py (gvalkov/python-evdev)
    ("The 'linux/input.h' and 'linux/input-event-codes.h' include files\nare missing. You will have to install the "
     "kernel header files in\norder to continue:\n", "linux/input.h"),
])
def test_a_third_source_rounds_build_wordings(out: str, says: str) -> None:
    assert_build_lacks(out, says)


def test_a_vendor_installation_a_loader_cannot_find_is_missing() -> None:
    # nidaqmx/errors.py (ni/nidaqmx-python): DaqNotFoundError's text
    assert_import_lacks("nidaqmx.errors.DaqNotFoundError: Could not find an installation of NI-DAQmx. Please ensure "
                        "that NI-DAQmx is installed on this machine.\n", "NI-DAQmx")




@pytest.mark.parametrize(("out", "says"), [
    # a C file's own #error on the library it needs: pygit2 src/types.h, cryptography's _openssl.c, pycurl
    ("src/types.h:37:2: error: #error You need a compatible libgit2 version (1.9.x)\n", "libgit2"),
    ('build/_openssl.c:575:6: error: #error "pyca/cryptography MUST be linked with OpenSSL 3.0.0 or later"\n',
     "libssl-dev"),
    ('src/pycurl.h:100:4: error: #error "Need libcurl version 7.19.0 or greater to compile pycurl."\n', "libcurl"),
    # the openssl-sys crate's build script
    ("  --- stderr\n  openssl-sys crate build failed: no supported version of OpenSSL found.\n", "OpenSSL"),
    ("  OpenSSL libdir at `[\"/usr/lib\"]` does not contain the required files to either statically or dynamically "
     "link OpenSSL\n", "OpenSSL"),
    # CMake's find_program(REQUIRED) (jpype1 CMakeLists.txt), pycurl's setup.py
    ("CMake Error at CMakeLists.txt:84 (find_program):\n  Could not find ANT_EXECUTABLE using the following names: "
     "ant\n", "ant"),
    (setup_traceback("__main__.ConfigurationError: Problem running `curl-config' --cflags\n"), "curl-config"),
    ("CMake Error at CMakeLists.txt:76 (message):\n  JAR building disabled, but NO cached JAR and NO JDK found!\n",
     "JDK"),
])
def test_a_third_source_rounds_other_build_wordings(out: str, says: str) -> None:
    assert_build_lacks(out, says)


@pytest.mark.parametrize("out", [
    # a C file's #error on its own configuration, or on Python, names no system library
    "src/x.c:3:2: error: #error \"this module needs a C99 compiler mode\"\n",
    "src/x.c:3:2: error: #error Python 3.8 or later is required\n",
])
def test_an_error_directive_on_something_else_is_a_failed_build(out: str) -> None:
    assert_build_fails(out)


@pytest.mark.parametrize("traceback", [
    # jpype's _jvmfinder.py, from a package that starts the JVM when it is imported
    "jpype._jvmfinder.JVMNotFoundException: Sorry no JVM could be found. Please ensure your JAVA_HOME environment "
    "variable is pointing to correct installation.\n",
    "OSError: [Errno 2] JVM DLL not found: /usr/lib/jvm/default-java/lib/server/libjvm.so\n",
])
def test_no_jvm_at_import_is_a_missing_system_library(traceback: str) -> None:
    assert_import_lacks(traceback, "JVM")


def test_a_language_standard_is_no_library() -> None:
    """sysnames read "C99" as "c" and then "libc": a name without its version must still be three letters."""
    assert sysnames.lookup("C99") is None and sysnames.lookup("C11") is None
    assert sysnames.lookup("X11") is not None and sysnames.lookup("gtk3") is not None


@pytest.mark.parametrize(("out", "says"), [
    # build systems' own words (scikit-build-core errors.py, CMake's cmGlobalGenerator and
    # CMakeDetermineCUDACompiler.cmake, meson's dependencies/python.py, dash running a script)
    ("scikit_build_core.errors.CMakeNotFoundError: Could not find CMake with version >=3.15\n", "cmake"),
    ("CMake Error: CMake was unable to find a build program corresponding to \"Unix Makefiles\".  "
     "CMAKE_MAKE_PROGRAM is not set.  You probably need to select a different build tool.\n", "the build tool make"),
    ("CMake Error at /usr/share/cmake-3.25/Modules/CMakeDetermineCUDACompiler.cmake:180 (message):\n  Failed to find "
     "nvcc.\n\n  Compiler requires the CUDA toolkit.  Please set the CUDAToolkit_ROOT\n  variable.\n", "nvcc"),
    ("CMake Error at CMakeLists.txt:10 (enable_language):\n  No CMAKE_ASM_NASM_COMPILER could be found.\n", "nasm"),
    ("../meson.build:10:0: ERROR: Python dependency not found\n", "python3-dev"),
    ("./autogen.sh: 5: libtoolize: not found\n", "libtoolize"),
    # "Could not find ninja. Please install ninja": the tool, not "ninja. Please"
    ("*** Could not find ninja. Please install ninja or set CMAKE_MAKE_PROGRAM\n", "the build tool ninja"),
])
def test_build_systems_say_a_tool_is_missing(out: str, says: str) -> None:
    assert_build_lacks(out, says)


@pytest.mark.parametrize(("out", "says"), [
    # Rust's build ecosystem: the cc crate, the cmake crate, cargo older than a crate's edition
    ("  error occurred: Failed to find tool. Is `gcc` installed?\n", "the build tool gcc"),
    ("  failed to execute command: No such file or directory (os error 2)\n  is `cmake` not installed?\n",
     "the build tool cmake"),
    ("  The package requires the Cargo feature called `edition2021`, but that feature is not stabilized in this "
     "version of Cargo (1.53.0).\n", "cargo is too old (1.53.0)"),
])
def test_rusts_build_crates_say_a_tool_is_missing(out: str, says: str) -> None:
    assert_build_lacks(out, says)


@pytest.mark.parametrize(("out", "says"), [
    # networkit's and couchbase's setup.py
    ("ERROR: NetworKit compilation requires cmake.\n", "the build tool cmake"),
    ("ERROR: NetworKit compilation requires Make or Ninja.\n", "the build tool Make"),
    ("cmake executable not found. Set CMAKE_EXE environment or update your path\n", "the build tool cmake"),
    # MSVC absent (Windows), Apple's clang without OpenMP, meson and meson-python without ninja, cargo's MSRV check,
    # bash's own words, a Perl module a Configure needs
    ("error: Unable to find vcvarsall.bat\n", "Microsoft Visual C++"),
    ("error: Microsoft Visual C++ 14.0 is required. Get it with \"Microsoft Visual C++ Build Tools\": "
     "https://visualstudio.microsoft.com/downloads/\n", "the build tool Microsoft Visual C++ is missing"),
    ("clang: error: unsupported option '-fopenmp'\nerror: command '/usr/bin/clang' failed with exit code 1\n",
     "OpenMP for clang (libomp)"),
    ("../meson.build:1:0: ERROR: Could not detect Ninja v1.8.2 or newer\n", "the build tool ninja"),
    ("meson-python: error: Could not find ninja version 1.8.2 or newer.\n", "the build tool ninja"),
    ("error: rustc 1.63.0 is not supported by the following packages:\n  foo@1.0.0 requires rustc 1.70\n",
     "rustc is too old (1.63.0; 1.70 or newer is needed)"),
    ("libtoolize: command not found\n", "the build tool libtoolize"),
    ("Can't locate ExtUtils/MakeMaker.pm in @INC (you may need to install the ExtUtils::MakeMaker module)\n",
     "the Perl module ExtUtils::MakeMaker (Debian: perl) is missing"),
    # scikit-build without a compiler; CMake without pkg-config; py-build-cmake without CMake
    ("scikit-build could not get a working generator for your system. Aborting build.\nBuilding Linux wheels for "
     "Python 3.11 requires a compiler (e.g gcc).\n", "the build tool gcc"),
    ("CMake Error at /usr/share/cmake-3.25/Modules/FindPackageHandleStandardArgs.cmake:230 (message):\n  Could NOT "
     "find PkgConfig (missing: PKG_CONFIG_EXECUTABLE)\n", "the build tool pkg-config"),
    ("error: Could not find CMake executable\n", "the build tool cmake"),
    # waf's configure checks, the last one failed before "The configuration failed"
    ("Checking for 'gtk+-3.0'                 : not found \nThe configuration failed\n(complete log in "
     "/tmp/x/build/config.log)\n", "the system library gtk+-3.0"),
    ("Checking for program 'msgfmt'           : not found\nThe configuration failed\n", "the system program msgfmt"),
    # GNU ld on a library another one needs; rustc on a crate's native library
    ("/usr/bin/ld: warning: libfoo.so.1, needed by /usr/lib/libbar.so, not found (try using -rpath or -rpath-link)\n"
     "/usr/bin/ld: /usr/lib/libbar.so: undefined reference to `foo_init'\ncollect2: error: ld returned 1 exit status\n",
     "the linker cannot find libfoo.so.1, which another library needs"),
    ("error: could not find native static library `foo`, perhaps an -L flag is missing?\n", "-lfoo (libfoo)"),
    # a sentence that a library is required, not the word "library" itself, nor an article
    ("Error: foo library is required\n", "the system library foo is missing"),
    (setup_traceback("RuntimeError: The 'freetype' library is needed to build this package\n"), "freetype"),
    (setup_traceback("RuntimeError: libfoo-dev is missing\n"), "libfoo-dev"),
    (setup_traceback("RuntimeError: SDL2 development libraries not found\n"), "libSDL2 (Debian: libsdl2-dev)"),
    # umbrella names no Debian file is named after
    (setup_traceback("RuntimeError: Cannot find MPI\n"), "MPI (Debian: mpi-default-dev)"),
    (setup_traceback("RuntimeError: No MPI compiler found\n"), "an MPI compiler wrapper"),
    (setup_traceback("RuntimeError: Could not find OpenBLAS\n"), "OpenBLAS (Debian: libopenblas-dev)"),
])
def test_a_build_says_the_tool_or_library_it_lacks_in_its_own_words(out: str, says: str) -> None:
    assert_build_lacks(out, says)


def test_the_word_tool_is_no_library() -> None:
    """"Failed to find tool" read "tool" as libtool."""
    assert sysnames.lookup("tool") is None


@pytest.mark.parametrize("word", ["size", "strings", "time", "attribute", "amd64", "input", "user", "debug"])
def test_an_english_word_of_logs_is_no_library_by_itself(word: str) -> None:
    assert sysnames.lookup(word) is None


def test_a_library_named_for_an_english_word_is_still_one() -> None:
    assert sysnames.lookup("libinput") == ("libinput", "libinput-dev")


@pytest.mark.parametrize(("out", "says"), [
    # a FindX module's own message (mxnet cmake/Modules/FindOpenBLAS.cmake, upper-case MESSAGE), its CUDA check
    ("CMake Error at cmake/Modules/FindOpenBLAS.cmake:82 (MESSAGE):\n  Could not find OpenBLAS\n", "OpenBLAS"),
    ("CMake Error at CMakeLists.txt:660 (message):\n  ENABLE_CUDA_RTC=ON, but failed to find NVRTC. CMake will exit.\n",
     "NVRTC"),
    # ibm-db's setup.py asks for the variable that names the DB2 client's installation
    ("Environment variable IBM_DB_HOME is not set. Set it to your DB2/IBM_Data_Server_Driver installation directory "
     "and retry ibm_db module install.\n", "IBM_DB_HOME"),
    ("You must set the environment variable IBM_DB_HOME to the HLQ of a DB2 installation.\n", "IBM_DB_HOME"),
])
def test_a_fourth_source_rounds_build_wordings(out: str, says: str) -> None:
    assert_build_lacks(out, says)


@pytest.mark.parametrize(("traceback", "says"), [
    # pyogg's library_loader.py, scapy's tcpdump helper
    ("pyogg.library_loader.ExternalLibraryError: library 'ogg' couldn't be loaded\n", "ogg"),
    ("FileNotFoundError: Could not execute tcpdump, is it installed?\n", "the system program tcpdump"),
])
def test_a_fourth_source_rounds_import_wordings(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)


@pytest.mark.parametrize(("out", "says"), [
    # aubio's wscript, uwsgi's jvm plugin, mysql-connector-python's cpydist
    ('Running "pkg-config --libs --cflags sndfile" failed: CalledProcessError(1, [\'pkg-config\', \'--libs\', '
     "'--cflags', 'sndfile'])\n" + setup_traceback("SystemExit: 1\n"), "sndfile"),
    ("unable to autodetect the JVM path, please specify UWSGICONFIG_JVM_INCPATH and UWSGICONFIG_JVM_LIBPATH "
     "environment vars\n", "JDK"),
    (setup_traceback("ValueError: Error executing command: /usr/local/mysql/bin/mysql_config (b'')\n"),
     "mysql_config"),
])
def test_a_fourth_source_rounds_other_build_wordings(out: str, says: str) -> None:
    assert_build_lacks(out, says)


def test_pyscfs_library_candidates_not_found_is_a_missing_library() -> None:
    assert_import_lacks("OSError: Library candidates ('libxc', 'xc') not found\n", "libxc")


def test_a_loaders_words_after_a_blank_line_of_the_same_message_are_read() -> None:
    """An exception's message may keep blank lines between its sentences (a banner, then why)."""
    assert_import_lacks("ImportError: \n\n  somepkg could not start.\n\n  The zbar shared library was not found; "
                        "install it with your package manager.\n", "zbar")


def test_a_library_a_loader_names_comes_with_the_debian_package_that_brings_it() -> None:
    """cfgrib's bindings.py: "ecCodes library not found": the summary says what to install."""
    assert_import_lacks("RuntimeError: ecCodes library not found using ['eccodes', 'libeccodes.so', 'libeccodes']\n",
                        "(Debian: libeccodes-dev)")


def test_pythonnet_without_a_dotnet_runtime_is_a_missing_runtime() -> None:
    """pythonnet 3's own words when clr_loader found no Mono (its message is indented in its source); a log cut
    at the verdict's first line keeps only this, not clr_loader's "Could not find libmono" above it."""
    assert_import_lacks('RuntimeError: Failed to create a default .NET runtime, which would\n'
                        '                    have been "mono" on this system. Either install a\n'
                        '                    compatible runtime or configure it explicitly via\n',
                        'the .NET runtime "mono" (Debian: mono-runtime) is missing')


@pytest.mark.parametrize(("out", "says"), [
    ("gcc: fatal error: Killed signal terminated program cc1plus\n", "the compiler cc1plus was killed"),
    ("collect2: fatal error: ld terminated with signal 9 [Killed]\n", "the linker ld was killed"),
    (setup_traceback("subprocess.CalledProcessError: Command '['cmake', '--build', '.']' died with "
                     "<Signals.SIGKILL: 9>.\n"), "a process was killed (SIGKILL: out of memory?)"),
])
def test_a_build_whose_process_the_kernel_killed_is_killed(out: str, says: str) -> None:
    """The out-of-memory killer's SIGKILL, in the words of gcc, collect2 and Python's subprocess."""
    for frame in BUILD_FRAMES.values():
        cause = classify(frame("somepkg", "1.0", out, "wheel"), "install", "pip")
        assert cause.kind == "killed" and says in cause.summary, cause


def test_a_build_backend_killed_by_a_signal_is_killed() -> None:
    """uv prints the backend's ExitStatus ("signal: 9 (SIGKILL)"), pip the returncode ("exit code: -9")."""
    log = uv_frame("somepkg", "1.0", "").replace("failed (exit status: 1)", "failed (signal: 9 (SIGKILL))")
    assert classify(log, "install", "uv").kind == "killed"
    log = pip_frame("somepkg", "1.0", "", "wheel").replace("exit code: 1", "exit code: -9")
    assert classify(log, "install", "pip").kind == "killed"
    assert classify(log.replace("exit code: -9", "exit code: -90"), "install", "pip").kind == "build-failed"


@pytest.mark.parametrize(("traceback", "says"), [
    # glcontext (moderngl's default context): its loader's own words for libGL and libX11
    ("Exception: libGL.so not found in /lib, /usr/lib or LD_LIBRARY_PATH\n", "libGL"),
    ("Exception: (detect) libX11.so not loaded\n", "libX11"),
    # python-vlc 3: "import vlc" succeeds without libvlc; its first call's ctypes wrapper has no function
    ("NameError: no function 'libvlc_new'\n", "libvlc"),
    # pyvisa without an IVI VISA library or pyvisa-py, and with a VISA library it cannot open
    ("ValueError: Could not locate a VISA implementation. Install either the IVI binary or pyvisa-py.\n", "VISA"),
    ("OSError: Could not open VISA library:\n", "VISA"),
    # python-nmap's PortScanner without nmap
    ("nmap.nmap.PortScannerError: 'nmap program was not found in path. PATH is : /usr/local/bin:/usr/bin:/bin'\n",
     "the system program nmap"),
    # filemagic; pyscreeze (pyautogui); tabula-py; mouseinfo's advice in its SystemExit
    ("ImportError: Loading libmagic.so.1 failed\n", "libmagic"),
    ('NotImplementedError: "scrot" must be installed to use screenshot functions in Linux. Run: sudo apt-get install '
     "scrot\n", "scrot"),
    ("tabula.errors.JavaNotFoundError: `java` command is not found from this Python process.Please ensure Java is "
     "installed and PATH is set for `java`\n", "the system program java"),
    ("SystemExit: NOTE: You must install tkinter on Linux to use MouseInfo. Run the following: sudo apt-get install "
     "python3-tk python3-dev\n", "the system package python3-tk (Debian)"),
    # a system library that loaded without a function the package calls (pysodium, libarchive-c), libnacl's words
    ("AttributeError: /lib/x86_64-linux-gnu/libsodium.so.23: undefined symbol: crypto_pwhash_scryptsalsa208sha256_"
     "strprefix\n", "the system library libsodium is too old (it lacks crypto_pwhash_scryptsalsa208sha256_strprefix)"),
    ("AttributeError: /usr/lib/x86_64-linux-gnu/libarchive.so.13: undefined symbol: archive_read_support_filter_lz4\n",
     "libarchive is too old"),
    ("ValueError: Underlying Sodium library does not support sealed boxes\n",
     "the system library libsodium is too old (it lacks sealed boxes)"),
    # macOS's dyld through ctypes, old and new wording; Debian's Python without python3-tk
    ("OSError: dlopen(libfoo.dylib, 6): image not found\n", "libfoo.dylib"),
    ("OSError: dlopen(libfoo.dylib, 0x0006): tried: 'libfoo.dylib' (no such file), '/usr/local/lib/libfoo.dylib' (no "
     "such file)\n", "libfoo.dylib"),
    ("ImportError: No module named _tkinter, please install the python3-tk package\n",
     "the system package python3-tk (Debian)"),
    # pyacoustid without chromaprint's fpcalc
    ("acoustid.NoBackendError: fpcalc not found\n", "the system program fpcalc"),
    # JPype with an old JVM; pyspark's gateway without Java
    ("RuntimeError: Java version too old. Java 9 or later is required\n", "a Java runtime new enough"),
    ("pyspark.errors.exceptions.base.PySparkRuntimeError: [JAVA_GATEWAY_EXITED] Java gateway process exited before "
     "sending its port number.\n", "a Java runtime"),
])
def test_packages_loaders_say_what_they_lack_in_their_own_words(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)


@pytest.mark.parametrize("out", ["Error: A C library is required\n", "Error: This library is required\n",
                                 "Error: the library is required\n"])
def test_a_library_required_without_a_name_names_none(out: str) -> None:
    cause = classify(pip_frame("somepkg", "1.0", out, "wheel"), "install", "pip")
    assert "system library" not in cause.summary, cause


def test_uvs_download_and_build_of_a_url_is_no_failed_download() -> None:
    """uv's "Failed to download and build `foo @ https://…`" heads a build's failure, not a download's."""
    log = ("$ uv pip install 'foo @ https://github.com/x/foo/archive/v1.tar.gz'\n  × Failed to download and build "
           "`foo @ https://github.com/x/foo/archive/v1.tar.gz`\n  ╰─▶ The build backend returned an error\n")
    assert classify(log, "install", "uv").kind == "build-failed"


def test_uvs_last_hint_is_a_failed_build_when_the_log_kept_only_its_tail() -> None:
    """A cell log trimmed to its tail may keep a build's stderr and uv's last line, never its "Failed to build"."""
    log = ("# rodeo: phase install\n$ /usr/bin/uv pip install foo==1.0\n[... 1200 lines trimmed ...]\n"
           "      src/foo.c:10:5: warning: unused variable 'x'\n"
           "      hint: This usually indicates a problem with the package or the build environment.\n")
    assert classify(log, "install", "uv").kind == "build-failed"


@pytest.mark.parametrize(("traceback", "says"), [
    # a loader's shorter sentences on a lib- name
    ("OSError: Could not load shared object file: libfoo.so\n", "libfoo.so"),
    ("RuntimeError: libfoo could not be loaded\n", "libfoo"),
    ("ImportError: No libfoo found\n", "libfoo"),
    ("ImportError: Please install libfoo first\n", "libfoo"),
    ("ImportError: Error importing shared library: libfoo\n", "libfoo"),
    ("RuntimeError: foo is not installed on this system\n", "the system library foo"),
    # what ctypes.util.find_library returned when it found nothing, handed to a loader
    ("TypeError: LoadLibrary() argument 1 must be str, not None\n", "ctypes.util.find_library"),
    ("OSError: None: cannot open shared object file: No such file or directory\n", "ctypes.util.find_library"),
    # a library older than the import needs, in a loader's words
    ("ImportError: Requires geos >= 3.10 (found 3.8)\n", "geos is too old (3.10 or newer is needed; 3.8 is there)"),
    ("RuntimeError: geos version 3.8 is too old, need 3.10\n", "geos is too old (3.10 or newer is needed"),
    ("ImportError: This package requires the geos library version 3.10 or newer\n", "geos is too old"),
])
def test_an_imports_loader_says_a_library_is_missing_or_old(traceback: str, says: str) -> None:
    assert_import_lacks(traceback, says)
