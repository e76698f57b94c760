"""A failure's log excerpt: the last attempt, generated files folded, the cause's line in view, <= 30 lines."""

from __future__ import annotations

import json
from pathlib import Path

from rodeo_action.causes import classify
from rodeo_action.report import excerpt as X
from rodeo_action.report import render
from rodeo_action.results import Cause, Result
from tests.test_browser import default_report

RESULTS = Path(__file__).resolve().parents[2] / "examples" / "default-rodeo" / "results"
HEREDOC = ["$ cat > /tmp/rodeo-x/default.nix <<'EOF'", *(f"  line {i} of nix" for i in range(18)), "EOF"]


def result(name: str) -> Result:
    return Result.from_dict(json.loads((RESULTS / f"{name}-all-debian-12-py3.11.json").read_text()))


def test_the_last_attempt_only() -> None:
    log = "\n".join(["# rodeo cell x", "first try", "error: boom (1)", "# network failure: retrying (1/1)",
                     "second try", "error: boom (2)"])
    lines, dropped = X.last_attempt(log.split("\n"))
    assert (lines, dropped) == (["second try", "error: boom (2)"], 1)
    ex = X.excerpt(log, Cause("unknown", "error: boom (2)"), "install", "pip")
    assert "first try" not in ex.text and "boom (1)" not in ex.text and ex.attempts_dropped == 1
    assert "the last attempt only" in X.describe(ex)


def test_generated_files_are_folded_once() -> None:
    folded, files = X.fold_files([*HEREDOC, "$ nix-build default.nix", "error: it broke"])
    assert folded == [HEREDOC[0], "⋯ [18 lines of default.nix, as in the repro]", "EOF", "$ nix-build default.nix",
                      "error: it broke"]
    assert files == ("default.nix",)
    # a tail that starts inside a heredoc: the part before its end is folded too
    folded, files = X.fold_files(["  tail of a file", "}", "EOF", "$ nix-build x", "boom"])
    assert folded[0].startswith("⋯ [the end of a file rodeo wrote: 2 lines") and folded[1:] == ["$ nix-build x", "boom"]


def test_the_causes_line_is_found_by_the_classifiers_own_rule() -> None:
    noise = [f"Collecting dep{i}" for i in range(60)]
    log = "\n".join(["$ pip install numpy", *noise[:40], "ERROR: No matching distribution found for numpy==99",
                     *noise[40:]])
    cause = classify(log, "install", "pip")
    assert cause.kind == "no-matching-distribution"
    ex = X.excerpt(log, cause, "install", "pip")
    shown = ex.text.split("\n")
    assert "ERROR: No matching distribution found for numpy==99" in shown and len(shown) <= X.CONTEXT_LINES
    assert ex.found and ex.omitted_before > 0 and ex.omitted_after > 0
    assert shown.index("ERROR: No matching distribution found for numpy==99") >= len(shown) // 2   # context above


def test_no_rule_then_the_informative_line_then_the_end() -> None:
    log = "\n".join([*(f"step {i}" for i in range(50)), "fatal: could not frobnicate",
                     *(f"after {i}" for i in range(3))])
    ex = X.excerpt(log, Cause("unknown", "fatal: could not frobnicate"), "install", "pip")
    assert "fatal: could not frobnicate" in ex.text and ex.found
    blank = X.excerpt("\n".join(f"ok {i}" for i in range(50)), None, "install", "pip", lines=10)
    assert blank.text.split("\n") == [f"ok {i}" for i in range(40, 50)] and not blank.found
    assert X.describe(blank) == "log, its end (40 lines above left out)"
    timed_out = X.excerpt("\n".join(f"error {i}" for i in range(50)), Cause("timeout", "30 min"), "install", "pip", 5)
    assert timed_out.text.split("\n") == [f"error {i}" for i in range(45, 50)] and not timed_out.found


def test_at_most_the_lines_asked() -> None:
    log = "\n".join(f"error {i}" for i in range(200))
    for n in (1, 10, 30):
        assert len(X.excerpt(log, Cause("unknown", "error 100"), "install", "pip", lines=n).text.split("\n")) == n


def test_the_default_rodeos_nix_cell_shows_one_attempt_and_no_file() -> None:
    r = result("nix")
    assert r.log_tail.count("<<'EOF'") == 2                        # two attempts, each printing default.nix
    ex = X.excerpt(r.log_tail, r.cause, r.phase, r.cell.manager)
    assert ex.attempts_dropped == 1 and ex.files_folded == ("default.nix",)
    assert "builtins.fetchTarball" not in ex.text
    assert "Couldn't resolve host name" in ex.text


def test_the_default_rodeos_apt_cell_shows_both_missing_packages() -> None:
    r = result("apt")
    ex = X.excerpt(r.log_tail, r.cause, r.phase, r.cell.manager)
    assert ex.found and "E: Unable to locate package python3-xgcm" in ex.text


def test_no_generated_file_is_repeated_in_the_default_comment() -> None:
    """The default.nix heredoc was in the comment 10 times (repro and both attempts' logs): now once
    per cell that writes one, in its repro."""
    comment = render.comment(default_report())
    nix_cells = ("nix", "mach-nix", "poetry2nix", "uv2nix")
    repros = sum(result(m).repro.count("default.nix <<") for m in nix_cells)
    assert comment.count("default.nix <<") <= repros + len(nix_cells)      # the repro's, and the log's $ line
    assert comment.count("# Written by rodeo-action") == sum(result(m).repro.count("# Written by rodeo-action")
                                                             for m in nix_cells + ("pdm", "apt"))
    assert "# network failure: retrying" not in comment
