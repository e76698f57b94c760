"""GitHub API requests per `rodeo report`, against the project's fake GitHub (real HTTP, real PyGithub).

    .venv/bin/python benchmarks/api_requests.py [--show-bodies]

1. The issue-5 scenario through the real CLI: run 1 all pass (README written), run 2 two culprits
   regress (two issues), run 3 the same (nothing new), run 4 all pass (both closed), a PR run twice
   (one comment, edited) - with the request count of each run (budget: 5 + 2 x issues touched).
2. Requests vs cells (all passing, 4 ... 2,048 cells): flat. Requests vs culprits (1 ... 8): linear.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rodeo_action.results import Cause
from tests.fakegithub import FakeGitHub
from tests.ghscenario import README, Rodeo, pr_event, push_event

BROKEN_GEO = Cause(kind="missing-system-library", package="cartopy", summary="missing header geos_c.h")
BROKEN_NP = Cause(kind="no-matching-distribution", package="numpy", summary="no wheel of numpy for cp312")
TWO = {"uv-geo-ubuntu-latest-py3.12": BROKEN_GEO, "pip-geo-ubuntu-latest-py3.12": BROKEN_GEO,
       "uv-np-ubuntu-latest-py3.12": BROKEN_NP, "pip-np-ubuntu-latest-py3.12": BROKEN_NP}


def scenario(show: bool) -> None:
    with FakeGitHub() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_file("README.md", README)
        rodeo = Rodeo(Path(tmp), fake, issues=True)
        push = {"event": "push", "payload": push_event(fake)}
        print(f"{'run':44} {'exit':>4} {'requests':>8} {'writes':>6}  what GitHub now holds")
        for label, failing in (("push 1: all pass", None), ("push 2: two culprits regress", TWO),
                               ("push 3: the same again", TWO), ("push 4: all pass", None)):
            run = rodeo.report("--readme", "--issues", failing=failing, **push)
            issues = fake.issues
            state = ", ".join(f"#{i.number} {i.state}" for i in issues) or "no issues"
            print(f"{label:44} {run.code:>4} {run.requests:>8} {run.writes:>6}  {len(fake.commits)} README commit(s); "
                  f"{state}")
        n = fake.open_pr()
        pr = {"event": "pull_request", "payload": pr_event(fake, n), "ref": f"refs/pull/{n}/merge"}
        for label, failing in (("PR run 1: one cell fails", {"uv-geo-ubuntu-latest-py3.12": BROKEN_GEO}),
                               ("PR run 2: fixed", None)):
            run = rodeo.report("--comment", failing=failing, **pr)
            print(f"{label:44} {run.code:>4} {run.requests:>8} {run.writes:>6}  "
                  f"{len(fake.comments(n))} comment(s) on PR #{n}")
        if show:
            readme = fake.file("README.md") or ""
            print("\n--- README.md as GitHub holds it ---\n" + _short(readme))
            for issue in fake.issues:
                print(f"\n--- issue #{issue.number}: {issue.title} ({issue.state}) ---\n" + _short(issue.body or ""))
                for c in fake.comments(issue.number):
                    print(f"--- comment on #{issue.number} ---\n" + _short(c.body))
            for c in fake.comments(n):
                print(f"\n--- PR #{n} comment ---\n" + _short(c.body))


def _short(text: str) -> str:
    return re.sub(r"(base64,)[A-Za-z0-9+/=]{40,}", r"\1…", text)


def scaling() -> None:
    print(f"\n{'cells':>6} {'culprits':>8} {'requests':>8}   (push run: README + issues; fresh fake each)")
    for sets, culprits in ((2, 0), (64, 0), (496, 0), (8, 1), (8, 2), (8, 4), (8, 8)):
        with FakeGitHub() as fake, tempfile.TemporaryDirectory() as tmp:
            fake.add_file("README.md", README)
            rodeo = Rodeo(Path(tmp), fake, issues=True)
            names = [f"p{i}" for i in range(32)]           # sets: pairs of 32 packages (a config holds <= 200)
            pairs = list(itertools.combinations(names, 2))[:sets]
            text = rodeo.config.read_text()
            text = re.sub(r"packages:\n(  - .*\n)+", "packages:\n" + "".join(f"  - {p}\n" for p in names), text)
            text = re.sub(r"sets: .*\n", "sets: {" + ", ".join(f"s{i}: [{a}, {b}]" for i, (a, b) in enumerate(pairs))
                          + "}\n", text)
            rodeo.config.write_text(text)
            failing = {f"{m}-s{i}-ubuntu-latest-py3.12": Cause("no-matching-distribution", f"q{i}",
                                                                f"no wheel of q{i}")
                       for i in range(culprits) for m in ("uv", "pip")}
            run = rodeo.report("--readme", "--issues", failing=failing, event="push", payload=push_event(fake))
            assert run.code == 0, run.err
            print(f"{2 * sets:>6} {culprits:>8} {run.requests:>8}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show-bodies", action="store_true")
    args = ap.parse_args()
    scenario(args.show_bodies)
    scaling()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
