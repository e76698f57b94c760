"""rodeo.yml: every error path gives `rodeo.yml:LINE: field: problem; expected ...`, the happy paths
give typed values with the documented defaults."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from rodeo_action import config as config_mod
from rodeo_action.config import (
    MAX_TIMEOUT,
    Config,
    IssueSettings,
    Selector,
    for_local,
    load_config,
    manager_names,
    parse_config,
    parse_duration,
)
from rodeo_action.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
MANAGERS = ("pip, uv, poetry, pdm, pipenv, hatch, conda, mamba, micromamba, pixi, nix, mach-nix, poetry2nix, "
            "uv2nix, spack, apt")


def problems(text: str | bytes) -> list[str]:
    with pytest.raises(InputError) as info:
        parse_config(text, "rodeo.yml")
    lines = [str(p) for p in info.value.problems]
    assert lines and str(info.value) == "\n".join(lines)
    for line in lines:
        assert "\n" not in line and "Traceback" not in line
    return lines


def only(text: str | bytes) -> str:
    lines = problems(text)
    assert len(lines) == 1, lines
    return lines[0]


# (rodeo.yml text, exact "FILE:LINE: field:" prefix, words the message must contain)
ERRORS: list[tuple[str, str, str, list[str]]] = [
    # --- yamlsrc: the file itself
    ("empty", "", "rodeo.yml:1: the file is empty", ["expected a mapping", "packages"]),
    ("null document", "~\n", "rodeo.yml:1: the file is empty", ["expected"]),
    ("list root", "- a\n- b\n", "rodeo.yml:1: the top level is a list", ["expected a mapping"]),
    ("string root", "hello\n", "rodeo.yml:1: the top level is 'hello'", ["expected a mapping"]),
    ("bad yaml", "packages: [a\n", "rodeo.yml:", ["not valid YAML"]),
    ("tab indent", "packages:\n\t- a\n", "rodeo.yml:2: not valid YAML", ["indent with spaces, not tabs"]),
    ("two documents", "packages: [a]\n---\npackages: [b]\n", "rodeo.yml:2: not valid YAML",
     ["single document"]),
    ("control char", "packages: [a\x07]\n", "rodeo.yml:1: not valid YAML", ["unacceptable character"]),
    ("undefined alias", "packages: [*nope]\n", "rodeo.yml:1: not valid YAML", ["alias"]),
    ("duplicate key", "packages: [a]\nname: x\npackages: [b]\n", "rodeo.yml:3: packages: duplicate key",
     ["first at line 1", "expected each key once"]),
    ("duplicate nested key", "packages: [a]\nreport:\n  summary: true\n  summary: false\n",
     "rodeo.yml:4: report.summary: duplicate key", ["first at line 3"]),
    ("non-scalar key", "packages: [a]\n? [x, y]\n: 1\n", "rodeo.yml:2: <root>: a key must be a plain string",
     ["expected"]),
    ("binary tag", "packages: [a]\nname: !!binary aGVsbG8=\n", "rodeo.yml:2: name: YAML tag !!binary",
     ["not supported", "expected a string"]),
    ("bad explicit int", "packages: [a]\nretries: !!int x\n", "rodeo.yml:2: retries: cannot read 'x' as !!int",
     ["expected a plain value"]),
    ("bad merge", "packages: [a]\n<<: 5\n", "rodeo.yml:2: <root>: a `<<` merge key needs a mapping",
     ["expected an alias"]),
    # --- schema: root
    ("missing packages", "name: x\n", "rodeo.yml:1: <root>: missing required field 'packages'",
     ["expected a non-empty list"]),
    ("unknown key with guess", "packages: [a]\npakages: [b]\n", "rodeo.yml:2: pakages: unknown key",
     ["did you mean 'packages'?", "expected one of bisect, exclude,"]),
    ("unknown key no guess", "packages: [a]\nzzz: 1\n", "rodeo.yml:2: zzz: unknown key", ["expected one of"]),
    ("bool-looking key", "packages: [a]\non: 1\n", "rodeo.yml:2: on: unknown key", ["expected one of"]),
    # name
    ("name type", "packages: [a]\nname: [x]\n", "rodeo.yml:2: name: got a list", ["expected the rodeo's id"]),
    ("name pattern", "packages: [a]\nname: 'bad name!'\n", "rodeo.yml:2: name: got 'bad name!'",
     ["expected the rodeo's id"]),
    ("name too long", f"packages: [a]\nname: {'x' * 65}\n", "rodeo.yml:2: name: got 'xxx", ["at most 64"]),
    ("name float", "packages: [a]\nname: 1.10\n", "rodeo.yml:2: name: YAML reads 1.10 as the number 1.1",
     ['quoted string such as "1.10"']),
    # packages
    ("packages type", "packages: cartopy\n", "rodeo.yml:1: packages: got 'cartopy'", ["expected a non-empty list"]),
    ("packages empty", "packages: []\n", "rodeo.yml:1: packages: has 0 items", ["expected at least 1"]),
    ("packages too many", "packages: [" + ", ".join(f"p{i}" for i in range(201)) + "]\n",
     "rodeo.yml:1: packages: has 201 items", ["expected at most 200"]),
    ("package item type", "packages:\n  - 5\n", "rodeo.yml:2: packages[0]: got 5",
     ["expected a PEP 508 requirement string or a package mapping"]),
    ("package empty string", "packages: ['']\n", "rodeo.yml:1: packages[0]: is empty", ["expected"]),
    ("package too long", "packages: ['" + "a" * 301 + "']\n", "rodeo.yml:1: packages[0]: is 301 characters",
     ["expected at most 300"]),
    ("package option", "packages:\n  - cartopy\n  - '-e git+https://x'\n",
     "rodeo.yml:3: packages[1]: '-e git+https://x' looks like a command-line option",
     ["expected a PEP 508 requirement"]),
    ("package option spaced", "packages: ['  --index-url=x']\n", "rodeo.yml:1: packages[0]:",
     ["command-line option"]),
    ("package not pep508", "packages: ['foo bar']\n", "rodeo.yml:1: packages[0]: 'foo bar' is not a valid PEP 508",
     ["expected e.g. 'tensorflow>=2'"]),
    ("package bad specifier", "packages: ['numpy>=>2']\n", "rodeo.yml:1: packages[0]:",
     ["not a valid PEP 508"]),
    ("package line break", "packages: [\"a\\nb\"]\n", "rodeo.yml:1: packages[0]: contains a line break",
     ["expected one PEP 508 requirement on one line"]),
    ("package twice", "packages:\n  - numpy\n  - NumPy>=2\n",
     "rodeo.yml:3: packages[1]: package 'numpy' is listed twice", ["expected each package once"]),
    ("mapping missing name", "packages:\n  - import: [x]\n", "rodeo.yml:2: packages[0]: missing required field 'name'",
     ["expected"]),
    ("mapping unknown key", "packages:\n  - name: a\n    imports: [x]\n",
     "rodeo.yml:3: packages[0].imports: unknown key",
     ["did you mean 'import'?", "expected one of import, name, names, tracker"]),
    ("mapping name type", "packages:\n  - name: 5\n", "rodeo.yml:2: packages[0].name: got 5",
     ["expected a PEP 508 requirement string"]),
    ("mapping name option", "packages:\n  - name: -x\n", "rodeo.yml:2: packages[0].name: '-x' looks like",
     ["expected"]),
    ("mapping name invalid", "packages:\n  - name: 'a b'\n", "rodeo.yml:2: packages[0].name: 'a b' is not a valid",
     ["PEP 508"]),
    ("import type", "packages:\n  - name: a\n    import: x\n", "rodeo.yml:3: packages[0].import: got 'x'",
     ["expected a list of module names"]),
    ("import pattern", "packages:\n  - name: a\n    import: [x-y]\n", "rodeo.yml:3: packages[0].import[0]: got 'x-y'",
     ["expected a Python module name"]),
    ("names type", "packages:\n  - name: a\n    names: [apt]\n", "rodeo.yml:3: packages[0].names: got a list",
     ["expected a mapping of ecosystem or manager"]),
    ("names unknown ecosystem", "packages:\n  - name: a\n    names: {aptt: x}\n",
     "rodeo.yml:3: packages[0].names.aptt: unknown name 'aptt'", ["did you mean 'apt'?", "expected one of pypi"]),
    ("names value pattern", "packages:\n  - name: a\n    names: {apt: 'x y'}\n",
     "rodeo.yml:3: packages[0].names.apt: got 'x y'", ["expected a package name, or null"]),
    ("names value type", "packages:\n  - name: a\n    names: {apt: 5}\n", "rodeo.yml:3: packages[0].names.apt: got 5",
     ["expected a package name, or null"]),
    ("tracker pattern", "packages:\n  - name: a\n    tracker: not a repo\n",
     "rodeo.yml:3: packages[0].tracker: got 'not a repo'", ["expected OWNER/REPO"]),
    # sets
    ("sets type", "packages: [a]\nsets: [a]\n", "rodeo.yml:2: sets: got a list", ["expected a mapping of set name"]),
    ("set name pattern", "packages: [a]\nsets:\n  -x: [a]\n", "rodeo.yml:3: sets.-x: '-x' cannot be used as a key",
     ["expected a set name"]),
    ("set members type", "packages: [a]\nsets:\n  x: a\n", "rodeo.yml:3: sets.x: got 'a'",
     ["expected a list of package names"]),
    ("set empty", "packages: [a]\nsets:\n  x: []\n", "rodeo.yml:3: sets.x: has 0 items", ["expected at least 1"]),
    ("set member pattern", "packages: [a]\nsets:\n  x: ['a>=1']\n", "rodeo.yml:3: sets.x[0]: got 'a>=1'",
     ["expected a PyPI distribution name"]),
    ("set member twice", "packages: [a]\nsets:\n  x: [a, a]\n", "rodeo.yml:3: sets.x[1]: 'a' is listed twice",
     ["expected each once"]),
    ("set member same package", "packages: [a_b]\nsets:\n  x: [a_b, A-B]\n",
     "rodeo.yml:3: sets.x[1]: 'A-B' is the same package as 'a_b'", ["expected each package once"]),
    ("set member undeclared", "packages: [cartopy, xgcm]\nsets:\n  x: [cartopi]\n",
     "rodeo.yml:3: sets.x[0]: 'cartopi' is not in packages", ["did you mean 'cartopy'?",
                                                             "expected one of cartopy, xgcm"]),
    ("duplicate set name", "packages: [a]\nsets:\n  x: [a]\n  x: [a]\n", "rodeo.yml:4: sets.x: duplicate key",
     ["first at line 3"]),
    ("per-package type", "packages: [a]\nper-package: yes please\n", "rodeo.yml:2: per-package: got 'yes please'",
     ["expected true or false"]),
    ("per-package clash", "packages: [a, b]\nsets:\n  a: [a, b]\nper-package: true\n",
     "rodeo.yml:4: per-package: would add a set 'a'", ["is declared", "expected set names that differ"]),
    ("per-package clash default", "packages: [all, b]\nper-package: true\n",
     "rodeo.yml:2: per-package: would add a set 'all'", ["default set", "expected"]),
    # index urls, versions
    ("index-url pattern", "packages: [a]\nindex-url: ftp://x\n", "rodeo.yml:2: index-url: got 'ftp://x'",
     ["expected an http(s):// or file:// index URL"]),
    ("index-url type", "packages: [a]\nindex-url: [https://x]\n", "rodeo.yml:2: index-url: got a list",
     ["expected an http(s)://"]),
    ("extra-index-url type", "packages: [a]\nextra-index-url: https://x\n",
     "rodeo.yml:2: extra-index-url: got 'https://x'", ["expected a list of index URLs"]),
    ("extra-index-url item", "packages: [a]\nextra-index-url: ['https://a b']\n",
     "rodeo.yml:2: extra-index-url[0]: got 'https://a b'", ["expected an http(s)://"]),
    ("versions type", "packages: [a]\nversions: [uv]\n", "rodeo.yml:2: versions: got a list",
     ["expected a mapping of manager name"]),
    ("versions unknown manager", "packages: [a]\nversions:\n  uvv: '0.9'\n",
     "rodeo.yml:3: versions.uvv: unknown name 'uvv'", ["did you mean 'uv'?", f"expected one of {MANAGERS}"]),
    ("versions float", "packages: [a]\nversions:\n  uv: 0.10\n", "rodeo.yml:3: versions.uv: YAML reads 0.10 as the "
     "number 0.1", ['quoted string such as "0.10"']),
    ("versions int", "packages: [a]\nversions:\n  uv: 1\n", "rodeo.yml:3: versions.uv: got 1",
     ["expected a quoted version"]),
    ("versions pattern", "packages: [a]\nversions:\n  uv: '>=1'\n", "rodeo.yml:3: versions.uv: got '>=1'",
     ["expected a quoted version"]),
    # managers
    ("managers type", "packages: [a]\nmanagers: pip\n", "rodeo.yml:2: managers: got 'pip'",
     ["expected a list of manager names"]),
    ("managers empty", "packages: [a]\nmanagers: []\n", "rodeo.yml:2: managers: has 0 items", ["at least 1"]),
    ("manager unknown", "packages: [a]\nmanagers:\n  - pip\n  - pdmm\n", "rodeo.yml:4: managers[1]: got 'pdmm'",
     ["did you mean 'pdm'?", f"expected one of {MANAGERS}"]),
    ("manager unknown no guess", "packages: [a]\nmanagers: [zzzzzz]\n", "rodeo.yml:2: managers[0]: got 'zzzzzz'",
     [f"expected one of {MANAGERS}"]),
    ("manager twice", "packages: [a]\nmanagers: [pip, pip]\n", "rodeo.yml:2: managers[1]: 'pip' is listed twice",
     ["expected each once"]),
    ("manager type", "packages: [a]\nmanagers: [5]\n", "rodeo.yml:2: managers[0]: got 5", ["expected one of"]),
    # python
    ("python float", "packages: [a]\npython:\n  - '3.12'\n  - 3.10\n",
     "rodeo.yml:4: python[1]: YAML reads 3.10 as the number 3.1", ['expected a quoted string such as "3.10"']),
    ("python float inf", "packages: [a]\npython: [.inf]\n", "rodeo.yml:2: python[0]: YAML reads .inf as the number",
     ["quoted"]),
    ("python sexagesimal", "packages: [a]\npython: [3:10.5]\n", "rodeo.yml:2: python[0]: YAML reads 3:10.5",
     ["quoted"]),
    ("python scalar", "packages: [a]\npython: '3.12'\n", "rodeo.yml:2: python: got '3.12'",
     ['expected a list of quoted Python versions such as ["3.12"]']),
    ("python scalar float", "packages: [a]\npython: 3.12\n", "rodeo.yml:2: python: got 3.12",
     ["expected a list of quoted Python versions"]),
    ("python pattern", "packages: [a]\npython: ['3.12.1']\n", "rodeo.yml:2: python[0]: got '3.12.1'",
     ['expected a quoted Python version such as "3.12"']),
    ("python int", "packages: [a]\npython: [3]\n", "rodeo.yml:2: python[0]: got 3", ["expected a quoted Python"]),
    ("python twice", "packages: [a]\npython: ['3.12', '3.12']\n", "rodeo.yml:2: python[1]: '3.12' is listed twice",
     ["expected each once"]),
    ("python empty", "packages: [a]\npython: []\n", "rodeo.yml:2: python: has 0 items", ["at least 1"]),
    # os
    ("os pattern", "packages: [a]\nos: [ubuntu-latest, macOS-14]\n", "rodeo.yml:2: os[1]: got 'macOS-14'",
     ["expected a runner label such as ubuntu-latest"]),
    ("os type", "packages: [a]\nos: ubuntu-latest\n", "rodeo.yml:2: os: got 'ubuntu-latest'",
     ["expected a list of runner labels"]),
    ("os twice", "packages: [a]\nos: [ubuntu-latest, ubuntu-latest]\n", "rodeo.yml:2: os[1]:", ["listed twice"]),
    # test, timeout, retries
    ("test empty", "packages: [a]\ntest: ''\n", "rodeo.yml:2: test: is empty or too short",
     ["expected a shell command"]),
    ("test type", "packages: [a]\ntest: [a]\n", "rodeo.yml:2: test: got a list", ["expected a shell command"]),
    ("test too long", "packages: [a]\ntest: " + "x" * 4001 + "\n", "rodeo.yml:2: test: is 4001 characters long",
     ["expected at most 4000"]),
    ("timeout pattern", "packages: [a]\ntimeout: 30 minutes\n", "rodeo.yml:2: timeout: got '30 minutes'",
     ["expected a duration such as 30m"]),
    ("timeout zero", "packages: [a]\ntimeout: 0\n", "rodeo.yml:2: timeout: got 0", ["expected at least 1"]),
    ("timeout zero string", "packages: [a]\ntimeout: 0m\n", "rodeo.yml:2: timeout: got '0m'",
     ["expected a duration", "more than 0"]),
    ("timeout too long", "packages: [a]\ntimeout: 200h\n", "rodeo.yml:2: timeout: got '200h'",
     ["at most 168h"]),
    ("timeout huge int", "packages: [a]\ntimeout: " + "9" * 400 + "\n", "rodeo.yml:2: timeout: got 999",
     ["expected at most 604800"]),
    ("timeout float", "packages: [a]\ntimeout: 1.5\n", "rodeo.yml:2: timeout: got 1.5", ["expected a duration"]),
    ("timeout bool", "packages: [a]\ntimeout: true\n", "rodeo.yml:2: timeout: got true", ["expected a duration"]),
    ("retries range", "packages: [a]\nretries: 9\n", "rodeo.yml:2: retries: got 9", ["expected at most 5"]),
    ("retries negative", "packages: [a]\nretries: -1\n", "rodeo.yml:2: retries: got -1", ["expected at least 0"]),
    ("retries bool", "packages: [a]\nretries: true\n", "rodeo.yml:2: retries: got true",
     ["expected a whole number from 0 to 5"]),
    ("retries fraction", "packages: [a]\nretries: 1.5\n", "rodeo.yml:2: retries: got 1.5", ["expected a whole number"]),
    # exclude / include
    ("exclude type", "packages: [a]\nexclude: {manager: apt}\n", "rodeo.yml:2: exclude: got a mapping",
     ["expected a list of mappings"]),
    ("exclude item type", "packages: [a]\nexclude: [apt]\n", "rodeo.yml:2: exclude[0]: got 'apt'",
     ["expected a mapping of manager, set, os, python"]),
    ("exclude empty item", "packages: [a]\nexclude: [{}]\n", "rodeo.yml:2: exclude[0]: is empty",
     ["expected a mapping of manager, set, os, python"]),
    ("exclude unknown key", "packages: [a]\nexclude:\n  - manger: apt\n", "rodeo.yml:3: exclude[0].manger: unknown key",
     ["did you mean 'manager'?", "expected one of manager, os, python, set"]),
    ("exclude manager", "packages: [a]\nexclude:\n  - manager: aptt\n", "rodeo.yml:3: exclude[0].manager: got 'aptt'",
     ["did you mean 'apt'?"]),
    ("exclude python float", "packages: [a]\nexclude:\n  - python: 3.10\n",
     "rodeo.yml:3: exclude[0].python: YAML reads 3.10 as the number 3.1", ["quoted"]),
    ("exclude os", "packages: [a]\nexclude:\n  - os: linux\n", "rodeo.yml:3: exclude[0].os: got 'linux'",
     ["expected a runner label"]),
    ("exclude set unknown", "packages: [a]\nexclude:\n  - set: nope\n",
     "rodeo.yml:3: exclude[0].set: 'nope' is not a set",
     ["expected one of all"]),
    ("include set unknown", "packages: [a]\nsets: {x: [a]}\ninclude:\n  - {manager: pip, set: y}\n",
     "rodeo.yml:4: include[0].set: 'y' is not a set", ["expected one of x"]),
    ("include manager", "packages: [a]\ninclude:\n  - manager: spak\n", "rodeo.yml:3: include[0].manager: got 'spak'",
     ["did you mean 'spack'?"]),
    # report
    ("report type", "packages: [a]\nreport: yes\n", "rodeo.yml:2: report: got true", ["expected a mapping of report"]),
    ("report unknown key", "packages: [a]\nreport:\n  readmee: README.md\n", "rodeo.yml:3: report.readmee: unknown key",
     ["did you mean 'readme'?"]),
    ("readme type", "packages: [a]\nreport:\n  readme: 5\n", "rodeo.yml:3: report.readme: got 5",
     ["expected a path to the README"]),
    ("readme-mode enum", "packages: [a]\nreport:\n  readme-mode: commits\n",
     "rodeo.yml:3: report.readme-mode: got 'commits'",
     ["did you mean 'commit'?", "expected one of commit, pull-request"]),
    ("comment enum", "packages: [a]\nreport:\n  comment: alway\n", "rodeo.yml:3: report.comment: got 'alway'",
     ["did you mean 'always'?", "expected one of always, changes, off"]),
    ("comment enum no guess", "packages: [a]\nreport:\n  comment: zzz\n", "rodeo.yml:3: report.comment: got 'zzz'",
     ["expected one of always, changes, off"]),
    ("comment type", "packages: [a]\nreport:\n  comment: 1\n", "rodeo.yml:3: report.comment: got 1",
     ["expected one of always, changes, off"]),
    ("summary type", "packages: [a]\nreport:\n  summary: 'no'\n", "rodeo.yml:3: report.summary: got 'no'",
     ["expected true or false"]),
    ("templates type", "packages: [a]\nreport:\n  templates: [x]\n", "rodeo.yml:3: report.templates: got a list",
     ["expected a folder"]),
    ("issues type", "packages: [a]\nreport:\n  issues: true\n", "rodeo.yml:3: report.issues: got true",
     ["expected a mapping of issue settings"]),
    ("issues unknown", "packages: [a]\nreport:\n  issues:\n    label: [x]\n",
     "rodeo.yml:4: report.issues.label: unknown key", ["did you mean 'labels'?"]),
    ("issues enabled", "packages: [a]\nreport:\n  issues:\n    enabled: 1\n",
     "rodeo.yml:4: report.issues.enabled: got 1", ["expected true or false"]),
    ("issues labels", "packages: [a]\nreport:\n  issues:\n    labels: rodeo\n",
     "rodeo.yml:4: report.issues.labels: got 'rodeo'", ["expected a list of label names"]),
    ("issues label empty", "packages: [a]\nreport:\n  issues:\n    labels: ['']\n",
     "rodeo.yml:4: report.issues.labels[0]: is empty", ["expected a label name"]),
    ("issues label long", "packages: [a]\nreport:\n  issues:\n    labels: ['" + "x" * 51 + "']\n",
     "rodeo.yml:4: report.issues.labels[0]: is 51 characters long", ["expected at most 50"]),
    ("issues after", "packages: [a]\nreport:\n  issues:\n    after: 0\n", "rodeo.yml:4: report.issues.after: got 0",
     ["expected at least 1"]),
    ("issues after high", "packages: [a]\nreport:\n  issues:\n    after: 101\n",
     "rodeo.yml:4: report.issues.after: got 101", ["expected at most 100"]),
    ("issues max-per-run", "packages: [a]\nreport:\n  issues:\n    max-per-run: -1\n",
     "rodeo.yml:4: report.issues.max-per-run: got -1", ["expected at least 0"]),
    ("issues upstream", "packages: [a]\nreport:\n  issues:\n    upstream: maybe\n",
     "rodeo.yml:4: report.issues.upstream: got 'maybe'", ["expected true or false"]),
    ("issues close-on-fix", "packages: [a]\nreport:\n  issues:\n    close-on-fix: []\n",
     "rodeo.yml:4: report.issues.close-on-fix: got a list", ["expected true or false"]),
    ("issues slower", "packages: [a]\nreport:\n  issues:\n    slower: 'yes'\n",
     "rodeo.yml:4: report.issues.slower: got 'yes'", ["expected true or false"]),
]


@pytest.mark.parametrize("text, prefix, words", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_error(text: str, prefix: str, words: list[str]) -> None:
    line = only(text)
    assert line.startswith(prefix), line
    for word in words:
        assert word in line, (word, line)
    if re.match(r"rodeo\.yml:\d+: [^ ]+: ", line):   # a located field problem says what is expected
        assert "expected" in line


def test_error_ids_are_unique() -> None:
    names = [e[0] for e in ERRORS]
    assert len(names) == len(set(names))


def test_every_problem_is_listed_in_line_order() -> None:
    lines = problems("zzz: 1\npackages: [a, '-x']\nmanagers: [pipp]\npython: [3.10]\n")
    assert [line.split(":")[1] for line in lines] == ["1", "2", "3", "4"]
    assert any("zzz: unknown key" in x for x in lines)
    assert any("packages[1]: '-x' looks like a command-line option" in x for x in lines)
    assert any("managers[0]: got 'pipp'; did you mean 'pip'?" in x for x in lines)
    assert any("python[0]: YAML reads 3.10" in x for x in lines)


def test_yaml_problems_and_schema_problems_together() -> None:
    lines = problems("packages: [a]\nmanagers: [pipp]\nmanagers: [uv]\n")
    assert lines == [
        "rodeo.yml:2: managers[0]: got 'pipp'; did you mean 'pip'? expected one of " + MANAGERS,
        "rodeo.yml:3: managers: duplicate key (first at line 2); expected each key once",
    ]


def test_non_utf8() -> None:
    line = only(b"packages: [a]\nname: caf\xe9\n")
    assert line == "rodeo.yml:2: byte 0xe9 is not UTF-8; expected a UTF-8 text file"


def test_too_big() -> None:
    line = only(b"#" * 2_000_000)
    assert line.startswith("rodeo.yml:1: file is 2,000,000 bytes; expected at most")
    assert only("#" * 2_000_000).startswith("rodeo.yml:1: file is 2,000,000 bytes")


def test_anchor_bomb() -> None:
    text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for i in range(1, 9):
        text += f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    line = only(text)
    assert line.startswith("rodeo.yml:1: expands to more than 100,000 values")


def test_merge_keys_override_without_duplicate_errors() -> None:
    text = ("packages: [a]\n<<: &base {name: x, python: [3.10], retries: 2}\n"
            "python: ['3.10']\nname: y\n")
    cfg = parse_config(text, "rodeo.yml")
    assert (cfg.name, cfg.python, cfg.retries) == ("y", ("3.10",), 2)


def test_merge_list_earlier_wins() -> None:
    cfg = parse_config("packages: [p]\n<<: [{name: first}, {name: second, retries: 3}]\n", "rodeo.yml")
    assert (cfg.name, cfg.retries) == ("first", 3)


def test_timestamps_are_text() -> None:
    assert parse_config("packages: [a]\nname: 2024-01-01\n", "rodeo.yml").name == "2024-01-01"


def test_load_config_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_config(tmp_path / "nope.yml")
    assert str(info.value) == (f"{tmp_path / 'nope.yml'}: no such file; expected a rodeo.yml "
                               "(see `rodeo validate --help`)")


def test_load_config_unreadable(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_config(tmp_path)          # a directory
    assert str(info.value).startswith(f"{tmp_path}: cannot be read")


def test_load_config_file_name_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "my-rodeo.yml"
    path.write_text("packages: [a]\nmanagers: [pipp]\n")
    with pytest.raises(InputError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:2: managers[0]: got 'pipp'")


def test_load_config_reads_at_most_max_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.yml"
    path.write_bytes(b"packages: [a]\n" + b"#" * 3_000_000)
    with pytest.raises(InputError) as info:
        load_config(path)
    assert "expected at most 1,000,000 bytes" in str(info.value)


# --- the happy paths ------------------------------------------------------------------------------------

def test_defaults() -> None:
    cfg = parse_config("packages: [cartopy, 'tensorflow>=2']\n", "rodeo.yml")
    assert [p.name for p in cfg.packages] == ["cartopy", "tensorflow"]
    assert cfg.packages[1].requirement == "tensorflow>=2" and cfg.packages[1].specifier == ">=2"
    assert cfg.packages[0].line == 1 and cfg.packages[0].imports is None and cfg.packages[0].names == {}
    assert cfg.sets == {"all": ("cartopy", "tensorflow")}
    assert cfg.managers == manager_names() and len(cfg.managers) == 16
    assert cfg.python == ("3.12",) and cfg.os == ("ubuntu-latest",)
    assert not cfg.python_given and not cfg.os_given
    assert cfg.name is None and cfg.index_url is None and cfg.extra_index_url == () and cfg.versions == {}
    assert cfg.test is None and cfg.timeout == 1800.0 and cfg.retries == 1
    assert cfg.exclude == () and cfg.include == ()
    assert cfg.report.readme == "README.md" and cfg.report.readme_mode == "commit"
    assert cfg.report.comment == "always" and cfg.report.summary is True and cfg.report.templates is None
    assert cfg.report.issues == IssueSettings(enabled=True, labels=("rodeo",), after=1, max_per_run=5,
                                              upstream=False, close_on_fix=True)
    assert cfg.source == "rodeo.yml"


FULL = """\
name: scientific-python-rodeo
packages:
  - cartopy
  - "tensorflow>=2"
  - name: docrep
    import: [docrep]
    names: { apt: null, nix: docrep }
    tracker: Chilipp/docrep
  - "Foo_Bar[extra]>=1; python_version >= '3.9'"
sets:
  litmus: [cartopy, tensorflow, docrep]
  foo: [foo-bar]
per-package: true
index-url: https://mirror.example/simple
extra-index-url: [https://extra.example/simple, file:///srv/wheels]
versions: { uv: "0.9.5", pdm: "2.29.3" }
managers: [pip, uv, apt]
python: ["3.12", "3.13t"]
os: [ubuntu-latest, macos-14, windows-latest]
test: python -c "import cartopy"
timeout: 90s
retries: 0
exclude: [ { manager: apt, os: macos-14 } ]
include: [ { manager: spack, python: "3.11" } ]
report:
  readme: docs/README.md
  readme-mode: pull-request
  comment: true
  summary: false
  templates: .rodeo/templates
  issues:
    enabled: false
    labels: [rodeo, ci]
    after: 2
    max-per-run: 0
    upstream: true
    close-on-fix: false
"""


def test_every_field() -> None:
    cfg = parse_config(FULL, "rodeo.yml")
    assert cfg.name == "scientific-python-rodeo"
    docrep = cfg.package("docrep")
    assert docrep.imports == ("docrep",) and docrep.names == {"apt": None, "nix": "docrep"}
    assert docrep.tracker == "Chilipp/docrep" and docrep.line == 5
    foo = cfg.package("foo-bar")
    assert foo.requirement == "Foo_Bar[extra]>=1; python_version >= '3.9'" and foo.specifier == ">=1"
    assert cfg.sets == {"litmus": ("cartopy", "tensorflow", "docrep"), "foo": ("foo-bar",),
                        "cartopy": ("cartopy",), "tensorflow": ("tensorflow",), "docrep": ("docrep",),
                        "foo-bar": ("foo-bar",)}
    assert cfg.index_url == "https://mirror.example/simple"
    assert cfg.extra_index_url == ("https://extra.example/simple", "file:///srv/wheels")
    assert cfg.versions == {"uv": "0.9.5", "pdm": "2.29.3"}
    assert cfg.managers == ("pip", "uv", "apt")
    assert cfg.python == ("3.12", "3.13t") and cfg.os == ("ubuntu-latest", "macos-14", "windows-latest")
    assert cfg.python_given and cfg.os_given
    assert cfg.test == 'python -c "import cartopy"' and cfg.timeout == 90.0 and cfg.retries == 0
    assert cfg.exclude == (Selector(manager="apt", os="macos-14"),)
    assert cfg.include == (Selector(manager="spack", python="3.11"),)
    r = cfg.report
    assert (r.readme, r.readme_mode, r.comment, r.summary, r.templates) == (
        "docs/README.md", "pull-request", "always", False, ".rodeo/templates")
    assert r.issues == IssueSettings(enabled=False, labels=("rodeo", "ci"), after=2, max_per_run=0,
                                     upstream=True, close_on_fix=False)
    with pytest.raises(KeyError):
        cfg.package("nope")


def test_full_example_is_valid_for_jsonschema_too() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml
    jsonschema.Draft202012Validator(config_mod.config_schema()).validate(yaml.safe_load(FULL))


@pytest.mark.parametrize("value, expected", [("true", "always"), ("false", "off"), ("always", "always"),
                                             ("changes", "changes"), ("'off'", "off")])
def test_comment(value: str, expected: str) -> None:
    assert parse_config(f"packages: [a]\nreport: {{comment: {value}}}\n", "r").report.comment == expected


def test_sets_keep_package_order_and_canonical_names() -> None:
    cfg = parse_config("packages: [B_b, a]\nsets:\n  s: [a, b-B]\n", "r")
    assert cfg.sets == {"s": ("b-b", "a")}


def test_per_package_without_sets() -> None:
    cfg = parse_config("packages: [a, b]\nper-package: true\n", "r")
    assert cfg.sets == {"all": ("a", "b"), "a": ("a",), "b": ("b",)}


def test_per_package_same_set_is_fine() -> None:
    assert parse_config("packages: [a]\nper-package: true\n", "r").sets == {"all": ("a",), "a": ("a",)}
    assert parse_config("packages: [a, b]\nsets: {a: [a]}\nper-package: true\n", "r").sets == {
        "a": ("a",), "b": ("b",)}


def test_whole_numbers_written_as_floats_become_ints() -> None:
    cfg = parse_config("packages: [a]\nretries: 2.0\ntimeout: 60.0\nreport: {issues: {after: 3.0}}\n", "r")
    assert cfg.retries == 2 and type(cfg.retries) is int
    assert cfg.timeout == 60.0 and cfg.report.issues.after == 3 and type(cfg.report.issues.after) is int


def test_keys_keep_their_text() -> None:
    cfg = parse_config("packages: [a]\nsets:\n  3.10: [a]\n  on: [a]\n  2024: [a]\n", "r")
    assert list(cfg.sets) == ["3.10", "on", "2024"]


def test_utf8_bom_and_crlf() -> None:
    cfg = parse_config("\ufeffpackages: [a]\r\nname: x\r\n".encode(), "r")
    assert cfg.name == "x"


@pytest.mark.parametrize("value, seconds", [("30m", 1800.0), ("90s", 90.0), ("2h", 7200.0), ("45", 45.0),
                                            (45, 45.0), ("1.5h", 5400.0), (60.0, 60.0), ("x", None), (True, None),
                                            ([], None), ("1e3", None), (float("nan"), None), (10**400, 6048000.0)])
def test_parse_duration(value: object, seconds: float | None) -> None:
    assert parse_duration(value) == seconds


def test_timeout_at_the_limit() -> None:
    assert parse_config(f"packages: [a]\ntimeout: {MAX_TIMEOUT}\n", "r").timeout == MAX_TIMEOUT
    assert parse_config("packages: [a]\ntimeout: 168h\n", "r").timeout == MAX_TIMEOUT


def test_embedded_default_config() -> None:
    cfg = load_config(None)
    assert [p.name for p in cfg.packages] == ["cartopy", "tensorflow", "xgcm"]
    assert cfg.name == "seed-rodeo" and cfg.managers == manager_names()
    assert cfg.sets == {"all": ("cartopy", "tensorflow", "xgcm")}
    assert cfg.test and "cartopy" in cfg.test
    assert cfg.source.startswith("default rodeo")
    assert not cfg.python_given and not cfg.os_given


def test_for_local_uses_this_machine_when_not_given() -> None:
    cfg = for_local(load_config(None))
    assert cfg.python == (f"{sys.version_info.major}.{sys.version_info.minor}",)
    assert len(cfg.os) == 1 and re.fullmatch(r"(ubuntu|debian|macos|windows)-[A-Za-z0-9.]+", cfg.os[0])
    given = for_local(parse_config("packages: [a]\npython: ['3.9']\nos: [macos-14]\n", "r"))
    assert given.python == ("3.9",) and given.os == ("macos-14",)


def test_config_is_a_value() -> None:
    a = parse_config(FULL, "rodeo.yml")
    b = parse_config(FULL, "rodeo.yml")
    assert a == b and isinstance(a, Config)


# --- through the CLI, as a user sees it --------------------------------------------------------------------

def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rodeo_action", "validate", "--config", str(path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


@pytest.mark.parametrize("text, expected", [
    ("packages: [a]\nmanagers: [pip, uvv]\n", [":2: managers[1]: got 'uvv'; did you mean 'uv'?"]),
    ("packages: [a]\npython: [3.10]\n", [':2: python[0]: YAML reads 3.10 as the number 3.1; expected a quoted '
                                         'string such as "3.10"']),
    ("packages: [a]\npackages: [b]\n", [":2: packages: duplicate key (first at line 1)"]),
    ("packages: ['-r requirements.txt', cartopy]\nsets: {s: [xgcm]}\nfoo: 1\n",
     [":1: packages[0]: '-r requirements.txt' looks like a command-line option",
      ":2: sets.s[0]: 'xgcm' is not in packages", ":3: foo: unknown key"]),
    ("packages:\n\t- a\n", [":2: not valid YAML"]),
    ("packages: [a]\nos: [ubuntu-lastest, macos-14]\n", [":2: os[0]: got 'ubuntu-lastest'; did you mean "
                                                      "'ubuntu-latest'? expected a runner label"]),
    ("packages: [a]\nos: [windows-11-arm, ubuntu-24.04.1]\n", [":2: os[1]: got 'ubuntu-24.04.1'; did you mean "
                                                             "'ubuntu-24.04'?"]),
    ("packages: [a]\nos: [fedora-40]\n", [":2: os[0]: got 'fedora-40'; expected a runner label"]),
    ("- a\n", [":1: the top level is a list"]),
])
def test_cli_validate_errors(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = tmp_path / "rodeo.yml"
    path.write_text(text)
    proc = _validate(path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 2, out
    assert "Traceback" not in out
    lines = [x for x in proc.stderr.splitlines() if x.startswith(str(path))]
    assert len(lines) == len(expected), out
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith(str(path) + want), (line, want)


def test_cli_validate_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "rodeo.yml"
    path.write_bytes(bytes(range(256)) * 10)
    proc = _validate(path)
    assert proc.returncode == 2 and "Traceback" not in proc.stdout + proc.stderr
    assert proc.stderr.startswith(f"{path}:2: byte 0x80 is not UTF-8")  # 0x0a came first


def test_cli_validate_ok(tmp_path: Path) -> None:
    path = tmp_path / "rodeo.yml"
    path.write_text(FULL)
    proc = _validate(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_validate_counts_in_words(tmp_path: Path) -> None:
    path = tmp_path / "rodeo.yml"
    path.write_text("packages: [six]\nmanagers: [pip]\nos: [ubuntu-latest]\npython: ['3.12']\n")
    proc = _validate(path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"{path}: ok — 1 package, 1 set, 1 cell (1 to run, 0 n/a)"
    path.write_text("packages: [six, docrep]\nmanagers: [pip, uv]\nper-package: true\nos: [ubuntu-latest]\n"
                    "python: ['3.12']\n")
    assert _validate(path).stdout.strip() == f"{path}: ok — 2 packages, 3 sets, 6 cells (6 to run, 0 n/a)"
