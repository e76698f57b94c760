"""Faults the fake GitHub can inject, each shaped like what GitHub (or the load balancer in front of it) sends.

A fault is a *kind* (below) placed by a plan: at a request index (``at``: the position in ``fake.requests``),
on an operation id (``op``, e.g. ``issues/create``), on a method and/or a path pattern, for ``times`` matches.
``FakeGitHub.inject(kind, at=…, op=…)`` places one; ``kinds_for(method, op)`` says which kinds make sense
for a request, which is how a test walks every fault at every position.

Where the answer comes from:

* JSON kinds answer a body of GitHub's documented error shapes (``basic-error``, ``validation-error``); the
  fake validates them against the operation's OpenAPI description like any other response (a status the
  description leaves out is checked against ``basic-error``, as GitHub still sends that shape).
* ``502-proxy`` is the raw HTML page of the load balancer (not JSON, not in the OpenAPI description);
  ``reset`` and ``done-reset`` close the connection with an RST and no answer at all; ``slow`` answers
  only after the client's timeout.  These are transport faults: there is no schema to check.
* The ``done-…`` kinds and ``slow`` *apply the request first*: the write happened, the client still sees
  an error (GitHub's own "couldn't respond in time" 502 after a backend timeout, a connection lost after
  the request was processed).  This is the duplicate trap for a client that repeats a POST.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DOCS = "https://docs.github.com/rest"
SECONDARY = ("You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
             "If you reach out to GitHub Support for help, please include the request ID FAKE.")
TIMED_OUT = ("We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request "
             "and contact us if the problem persists.")
PROXY_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway"
             b"</h1></center>\r\n</body>\r\n</html>\r\n")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ALL = frozenset({"GET", "HEAD", *WRITES})


def _err(message: str, status: int, doc: str = "") -> dict[str, Any]:
    return {"message": message, "documentation_url": f"{DOCS}{doc}", "status": str(status)}


@dataclass(frozen=True)
class Kind:
    """One way a request can go wrong."""

    name: str
    status: int | None                   # None: no HTTP answer (the connection is reset)
    what: str                            # one line for a report of the walk
    methods: frozenset[str] = ALL        # where the kind makes sense (a "done" GET is a plain error)
    ops: frozenset[str] | None = None    # only these operations (409 is the contents API's compare-and-swap)
    applied: bool = False                # the request is carried out before the error
    transport: str = ""                  # "" | "reset" | "slow"
    body: Any = None                     # JSON, or bytes sent as text/html (the load balancer's page)
    headers: dict[str, str] = field(default_factory=dict)
    documented: bool = True              # the body is one of GitHub's error shapes and is schema-checked

    def answer_body(self, path: str) -> Any:
        if self.name == "409":
            return _err(f"{path.rsplit('/contents/', 1)[-1]} does not match the sha given", 409,
                        "/repos/contents#create-or-update-file-contents")
        return self.body


def _secondary(status: int) -> Kind:
    """A secondary rate limit as GitHub answers it: 403 or 429, Retry-After, the rate-limit headers."""
    return Kind(f"{status}-secondary", status, f"{status} secondary rate limit with Retry-After: 60",
                body=_err(SECONDARY, status, "/using-the-rest-api/rate-limits-for-the-rest-api"
                          "#about-secondary-rate-limits"),
                headers={"Retry-After": "60"})


KINDS: dict[str, Kind] = {k.name: k for k in [
    Kind("500", 500, "500 Server Error, nothing done", body=_err("Server Error", 500)),
    Kind("502", 502, "502 Server Error, nothing done", body=_err("Server Error", 502)),
    Kind("502-proxy", 502, "502 from the load balancer (an HTML page, not JSON), nothing done",
         body=PROXY_502, documented=False),
    Kind("503", 503, "503 with Retry-After: 1, nothing done", body=_err("Service Unavailable", 503),
         headers={"Retry-After": "1"}),
    _secondary(403),
    _secondary(429),
    Kind("404", 404, "404 Not Found for something that exists, nothing done", body=_err("Not Found", 404)),
    Kind("reset", None, "connection reset before any answer, nothing done", transport="reset", documented=False),
    Kind("slow", 200, "done, but the answer comes after the client's timeout", applied=True, transport="slow",
         documented=False),
    Kind("done-502", 502, "done, then 502 \"couldn't respond in time\"", methods=WRITES, applied=True,
         body=_err(TIMED_OUT, 502)),
    Kind("done-reset", None, "done, then the connection reset before the answer", methods=WRITES, applied=True,
         transport="reset", documented=False),
    Kind("422", 422, "422 Validation Failed, nothing done", methods=WRITES,
         body={**_err("Validation Failed", 422), "errors": [{"resource": "Issue", "code": "custom",
                                                              "message": "injected by the fake"}]}),
    Kind("409", 409, "409 Conflict: the file's sha does not match, nothing done", methods=frozenset({"PUT"}),
         ops=frozenset({"repos/create-or-update-file-contents"})),
]}


def kinds_for(method: str, op: str | None, only: tuple[str, ...] | None = None) -> list[str]:
    """The kinds that apply to a request (``only``: a subset to choose from)."""
    names = only if only is not None else tuple(KINDS)
    return [n for n in names if _applies(KINDS[n], method, op)]


def _applies(kind: Kind, method: str, op: str | None) -> bool:
    return method in kind.methods and (kind.ops is None or op in kind.ops)
