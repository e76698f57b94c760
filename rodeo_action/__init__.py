"""rodeo-action: which package managers can install this set of Python packages, and if not, why."""

__version__ = "0.1.0"
