"""rodeo's index-probe note (rodeo_action/causes/indexnote.py): written once, read back the same, and
what the classifier makes of it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rodeo_action.causes import classify
from rodeo_action.causes.indexnote import IndexAnswer, missing_projects, note, parse, shown_url, verdict

PIP_NO_VERSIONS = ("$ .venv/bin/python -m pip install --index-url http://127.0.0.1:8080/simple/ click\n"
                   "Looking in indexes: http://127.0.0.1:8080/simple/\n"
                   "ERROR: Could not find a version that satisfies the requirement click (from versions: none)\n"
                   "ERROR: No matching distribution found for click\n")

names = st.from_regex(r"[a-z0-9]([a-z0-9._-]{0,30}[a-z0-9])?", fullmatch=True)
urls = st.builds(lambda host, port, path: f"https://{host}:{port}/{path}/", st.from_regex(r"[a-z]{1,10}\.[a-z]{2,5}",
                 fullmatch=True), st.integers(1, 65535), st.from_regex(r"[a-z/]{0,20}[a-z]", fullmatch=True))
details = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60)


@given(names, urls, st.sampled_from(["down", "missing", "listed"]), details)
def test_a_note_reads_back_as_written(project: str, url: str, outcome: str, detail: str) -> None:
    answer = IndexAnswer(project, url, outcome, detail)  # type: ignore[arg-type]
    [back] = parse("noise\n" + note(answer) + "\nmore noise")
    assert (back.project, back.url, back.outcome) == (project, url, outcome)
    assert back.detail == " ".join(detail.replace("(", "[").replace(")", "]").split())


@given(st.text(max_size=300))
def test_any_text_parses_without_error(text: str) -> None:
    for answer in parse(text):
        assert answer.outcome in ("down", "missing", "listed")
    verdict(text)
    missing_projects(text)


def test_credentials_and_queries_are_not_shown() -> None:
    assert shown_url("https://__token__:pypi-AgE@upload.example.org:8443/simple/?x=1#frag") == (
        "https://upload.example.org:8443/simple/")
    assert shown_url("http://[::1]:3141/root/pypi/+simple/") == "http://[::1]:3141/root/pypi/+simple/"


def test_an_index_that_was_down_makes_no_versions_a_network_failure() -> None:
    down = note(IndexAnswer("click", "http://127.0.0.1:8080/simple/", "down", "503 Service Unavailable"))
    assert classify(PIP_NO_VERSIONS, "install", "pip").kind == "no-matching-distribution"
    cause = classify(PIP_NO_VERSIONS + down + "\n", "install", "pip")
    assert (cause.kind, cause.package) == ("network", None)
    assert cause.summary == ("the index 127.0.0.1:8080 was down for click (503 Service Unavailable); "
                             "the resolver reported no version")
    # blind (`rodeo explain`): the same
    assert classify(PIP_NO_VERSIONS + down + "\n", None, None).kind == "network"


def test_a_project_no_index_has_is_said_first() -> None:
    missing = note(IndexAnswer("click", "http://127.0.0.1:8080/simple/", "missing", "404 Not Found"))
    cause = classify(PIP_NO_VERSIONS + missing + "\n", "install", "pip")
    assert cause.kind == "no-matching-distribution" and cause.package == "click"
    assert cause.summary.startswith("click is not on the index at all; ")
    # listed on an extra index: not "missing"
    listed = note(IndexAnswer("click", "http://127.0.0.1:9090/simple/", "listed", "3 files"))
    assert missing_projects(missing + "\n" + listed) == []
    assert not classify(PIP_NO_VERSIONS + missing + "\n" + listed + "\n", "install", "pip").summary.startswith(
        "click is not")


def test_a_note_in_the_tools_output_is_not_rodeos() -> None:
    """Only rodeo's own ``# `` lines count: a tool printing the same words mid-line proves nothing."""
    fake = "  # rodeo: index probe: click on http://127.0.0.1:8080/simple/: down (503)\n"
    assert classify(PIP_NO_VERSIONS + fake, "install", "pip").kind == "no-matching-distribution"
