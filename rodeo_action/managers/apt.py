"""apt: Debian/Ubuntu's ``python3-*`` packages, installed into the system's own ``/usr/bin/python3``.

The environment is the machine itself, so the cell's Python is whatever the distribution ships:
a create step checks that it is the requested version, so "Python 3.12 on Debian 12" fails
saying which Python apt provides rather than passing on the wrong one.

apt-get needs root. A recipe is pure data and cannot see the host, and the runner hands every
manager an absolute path, so whether to use ``sudo`` is decided where the steps run: each apt-get
goes through a fixed ``sh -c`` that ``exec``s it directly as root (containers, this kind of CI)
and through ``sudo -n`` otherwise (GitHub's runners, where sudo needs no password). ``-n`` makes
a sudo that wants a password fail at once instead of prompting. sudo resets the environment, so
``DEBIAN_FRONTEND`` is passed on the command line through ``env``. The repro says the same in bash a
person reads: ``$SUDO env DEBIAN_FRONTEND=noninteractive apt-get ...``, ``SUDO`` being ``sudo`` only when
not root and sudo exists (a container's root has no sudo).
"""

from __future__ import annotations

from dataclasses import replace

from rodeo_action.managers.base import CellSpec, Phase, Recipe, Step, run

SYSTEM_PYTHON = "/usr/bin/python3"
AS_ROOT = 'if [ "$(id -u)" -eq 0 ]; then exec "$@"; fi; exec sudo -n -- "$@"'

# Wait for dpkg's lock rather than fail at once: another apt-get (a GitHub runner's unattended-upgrades at
# boot, a neighbouring job on a self-hosted machine) often holds it for a few seconds (apt >= 1.9.11).
WAIT_FOR_LOCK = ("-o", "DPkg::Lock::Timeout=300")

CHECK_PYTHON = ("import sys; want = sys.argv[1]; have = '%d.%d' % sys.version_info[:2]; "
                "sys.exit(0 if have == want else f'apt provides Python {have} here, not {want}')")


def privileged(phase: Phase, tool: str, *args: str) -> Step:
    """``tool args`` as root: directly when already root, else through ``sudo -n``."""
    step = run(phase, "sh", "-c", AS_ROOT, "rodeo-as-root", "env", "DEBIAN_FRONTEND=noninteractive", tool, *args)
    return replace(step, shown=("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", *args), as_root=True)


def recipe(spec: CellSpec) -> Recipe:
    return Recipe(
        steps=(
            privileged("setup", spec.tool, *WAIT_FOR_LOCK, "update", "-q"),
            replace(run("create", SYSTEM_PYTHON, "-c", CHECK_PYTHON, spec.python.rstrip("t")), in_repro=False),
            privileged("install", spec.tool, *WAIT_FOR_LOCK, "install", "-y", "-q", "--no-install-recommends",
                       *spec.requirements),
        ),
        python=SYSTEM_PYTHON,
        bin_dirs=("/usr/bin",),
        env=(("DEBIAN_FRONTEND", "noninteractive"),),
        notes=("apt installs into the system Python (/usr/bin/python3), as root: the cell changes this machine",),
    )
