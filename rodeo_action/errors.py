"""Errors that end a command with a clear message instead of a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located for a person to fix."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class InputError(Exception):
    """Bad input or usage: exit code 2, one line per problem."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="rodeo", line=None, field="", message=problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ServiceError(Exception):
    """An outside service failed after retries: exit code 3."""

    exit_code = 3
