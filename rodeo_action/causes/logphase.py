"""The phase a log that rodeo did not write failed in, read from what the tools printed.

The classifier's rules depend on the phase (an ``ImportError`` line is an import error only in the
import phase; a missing ``pkg-config`` entry only stops a build), so a raw log pasted into
``rodeo explain`` without ``--phase`` needs one. The managers say when an install finished (pip's
"Successfully installed …", uv's "Installed N packages", poetry's "- Installing x (1.0)", pdm's
"🎉 All complete!", …): what follows such a line is the environment being used, so an
``ImportError`` there is the import phase, another traceback a test, and nothing failing a pass.
Without one, a build's or a resolver's failure is the install, a venv that was not made is
``create``, and an import traceback outside any manager's code is the import.

Pure and bounded: each pattern is one linear scan (no pattern starts with an unbounded ``.*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")

# A line a manager prints once an install has finished (the last one found anchors what follows)
_FINISHED = re.compile(
    r"^[ \t]*(?:Successfully installed \S"                    # pip (pipenv, hatch, tox through pip)
    r"|(?:Installed|Audited) \d+ packages? in \S"              # uv
    r"|Installing the current project: \S"                     # poetry
    r"|No dependencies to install or update"                   # poetry
    r"|[-•] (?:Installing|Updating|Downgrading) \S+ \([^)\n]*\)[ \t]*$"   # poetry (": Failed" is not)
    r"|Installation Succeeded"                                 # pipenv
    r"|All dependencies are now up-to-date"                    # pipenv
    r"|Executing transaction: done"                            # conda, mamba 1
    r"|Transaction finished"                                   # micromamba, mamba 2
    r"|Setting up \S+ \("                                      # apt (dpkg)
    r"|\[\+\] /"                                               # spack
    r"|Creating environment: \S|Checking dependencies$|Syncing dependencies$"   # hatch (then silent, if it worked)
    r")|🎉 All complete!|✔ Install \S+ \S+ successful|✔ The \S+ environment has been installed",   # pdm, pixi
    re.M)

# An install under way or failing: after the anchor, a second install began (or this one failed)
_BUILD = re.compile(
    r"subprocess-exited-with-error|Failed building wheel|Failed to build|ChefBuildError|Build backend failed|"
    r"PEP517 build of a dependency failed|Backend subprocess exited|metadata-generation-failed|"
    r"legacy-install-failure|error: command '[^'\n]*' failed|Building wheel for \S+ \([^)\n]*\) \.\.\. error|"
    r"Getting requirements to build \w+ \.\.\. error|Preparing metadata \([^)\n]*\) \.\.\. error|"
    r"Running setup\.py install for \S+ \.\.\. error|✖ Install \S+ \S+ failed|Installing \S+ \([^)\n]*\): Failed|"
    r"fatal error: \S+\.h|builder for '[^'\n]*' failed|Build failures usually indicate a problem with the package")
_RESOLVE = re.compile(
    r"No matching distribution found|Could not find a version that satisfies|ResolutionImpossible|"
    r"version solving failed|No solution found when resolving|Unable to find installation candidates|"
    r"Unable to find a satisfactory version|Could not solve for environment specs|"
    r"The conflict is caused by|LibMambaUnsatisfiableError|PackagesNotFoundError|Unable to locate package|"
    r"ResolutionFailure|Because [^\n]{0,400}? depends on")
_INSTALLING = re.compile(
    r"^[ \t]*(?:Collecting \S|Downloading \S|Resolving dependencies|Resolved \d+ packages?|Building wheels? for|"
    r"Installing collected packages|Package operations:|Locking |Updating dependencies|Synchronizing working set|"
    r"Preparing metadata)", re.M)
_CREATE = re.compile(
    r"Error: Command '\[[^\]\n]*'ensurepip'|The virtual environment was not created successfully|"
    r"(?i:failed to create (?:the )?virtual ?env)|(?i:could not create (?:the )?virtual ?env)|"
    r"(?i:unable to create (?:the )?virtual ?env)|^virtualenv: error|No interpreter found for Python|"
    r"error: No Python at", re.M)

# The environment used: an import that failed, a crash, or a test (a traceback, pytest's summary)
_IMPORT = re.compile(
    r"^[ \t]*(?:[A-Za-z_][\w.]*: )?(?:ModuleNotFoundError|ImportError)\b|cannot open shared object file|"
    r"undefined symbol: |Library not loaded: |DLL load failed|compiled using NumPy 1\.x cannot be run in|"
    r"numpy\.core\.multiarray failed to import|_ARRAY_API not found|may indicate binary incompatibility|"
    r"crashed the interpreter|module compiled against (?:API|ABI) version|numpy\.dtype size changed|"
    r"version `GLIBC_[\d.]+' not found|wrong ELF class", re.M)
_CRASH = re.compile(r"Segmentation fault|Illegal instruction|Fatal Python error|Aborted \(core dumped\)|"
                    r"Bus error")
_TEST = re.compile(r"^[ \t]*(?:Traceback \(most recent call last\):|(?:[\w.]+\.)?\w*(?:Error|Exception)(?:: |$)|"
                   r"FAILED |=+ [^\n=]*\b(?:failed|errors?)\b[^\n=]*=+$)", re.M)
# A command that does nothing but import (``python -c "import x.y"``, ``uv run python -c "from x import y"``):
# whatever it raises (an AttributeError of a gone API, a SyntaxError of Python 2 code) is the import failing
_IMPORT_COMMAND = re.compile(r"^\$ [^\n]*\bpython[\d.]* -c ['\"](?:from [\w.]+ )?import [\w., ]+['\"][ \t]*$", re.M)
# A traceback through a manager's own code: the manager broke, not an import of the environment
_MANAGER_FRAME = re.compile(r'^[ \t]*File "[^"\n]*[/\\](?:pip|_internal|pdm|poetry|pipenv|hatch|hatchling|'
                            r'virtualenv|conda|mamba|uv|setuptools|pyproject_hooks)[/\\]', re.M)
_FAILISH = re.compile(
    r"(?i:\b(?:error|errors|traceback|failed|failure|fatal|exception|aborted|killed|segmentation fault|denied|"
    r"cannot|can't|could not|couldn't|unable to|not found|no such|panic|panicked|conflict)\b)|[×✖]")
_QUOTE = 60


@dataclass(frozen=True)
class Inferred:
    """The phase the log shows (``None`` with ``passed``: its install finished and nothing failed
    after it), and why, for a person: ``an ImportError after the install finished ("Successfully …")``."""

    phase: str | None
    why: str
    passed: bool = False


def infer(log: str) -> Inferred | None:
    """The phase ``log`` failed in, or that it did not fail; None when it shows neither."""
    text = _ANSI.sub("", log).replace("\r\n", "\n")
    anchor = None
    for anchor in _FINISHED.finditer(text):     # noqa: B007 - the last one is wanted
        pass
    if anchor is not None:
        return _after(text, anchor)
    return _without_anchor(text)


def _after(text: str, anchor: re.Match[str]) -> Inferred | None:
    """The phase of what follows the install's last "finished" line."""
    start = text.rfind("\n", 0, anchor.start()) + 1
    end = text.find("\n", anchor.end())
    end = len(text) if end < 0 else end
    said = text[start:end].strip()
    said = f'"{said[:_QUOTE]}…"' if len(said) > _QUOTE else f'"{said}"'
    after = text[end:]
    if _BUILD.search(after) or _RESOLVE.search(after) or _INSTALLING.search(after):
        return Inferred("install", f"an install after the one that finished ({said})")
    found = _IMPORT.search(after)
    if found:
        return Inferred("import", f"{_what(found)} after the install finished ({said})")
    if _CRASH.search(after):
        return Inferred("import", f"a crash after the install finished ({said})")
    command = _IMPORT_COMMAND.search(after)
    if command and _TEST.search(after, command.end()):
        return Inferred("import", f"an exception while importing after the install finished ({said})")
    if _TEST.search(after):
        return Inferred("test", f"a traceback or failed test after the install finished ({said})")
    if _FAILISH.search(after):
        return None
    return Inferred(None, f"the install finished ({said}) and nothing after it failed", passed=True)


def _without_anchor(text: str) -> Inferred | None:
    if _BUILD.search(text):
        return Inferred("install", "a build that failed")
    if _RESOLVE.search(text):
        return Inferred("install", "the resolver's failure")
    if _CREATE.search(text):
        return Inferred("create", "an environment that was not created")
    found = _IMPORT.search(text)
    if found and not _MANAGER_FRAME.search(text):
        return Inferred("import", f"{_what(found)}, and no install or build in the log")
    return None


def _what(found: re.Match[str]) -> str:
    word = found.group(0).strip()
    if "ImportError" in word or "ModuleNotFoundError" in word:
        return "an ImportError" if word.endswith("ImportError") else "a ModuleNotFoundError"
    return f'an import failure ("{word}")'
