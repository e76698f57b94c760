"""The fake GitHub's state (repositories, git objects, issues, comments, labels, pulls) and its JSON.

Objects are rendered complete, as GitHub sends them: every property the OpenAPI schema requires,
URLs built from the server's own base URL, so PyGithub follows them back to the fake.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

DOCS = "https://docs.github.com/rest"
BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot", "node_id": "MDM6Qm90NDE4OTgyODI="}
USER = {"login": "rodeo-user", "id": 1001, "type": "User", "node_id": "MDQ6VXNlcjEwMDE="}
MAX_ANCESTRY = 10_000  # bound on walking commit parents


class ApiError(Exception):
    """An error answer, shaped like GitHub's (basic-error / validation-error)."""

    def __init__(self, status: int, message: str, doc: str = "", errors: list[dict[str, Any]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.body: dict[str, Any] = {"message": message, "documentation_url": f"{DOCS}{doc}", "status": str(status)}
        if errors is not None:
            self.body["errors"] = errors
        self.headers = headers or {}


def not_found(doc: str = "") -> ApiError:
    return ApiError(404, "Not Found", doc)


def blob_sha(data: bytes) -> str:
    """Git's blob id, so shas look and compare like GitHub's."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Commit:
    sha: str
    message: str
    parent: str | None
    tree: dict[str, bytes]
    date: str
    author: dict[str, str]
    branch: str = ""
    path: str = ""  # the file a contents-API commit changed


@dataclass
class Label:
    id: int
    name: str
    color: str
    description: str | None
    default: bool = False


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: dict[str, Any]
    labels: list[str]
    created_at: str
    updated_at: str
    state: str = "open"
    state_reason: str | None = None
    closed_at: str | None = None
    locked: bool = False
    comments: int = 0
    is_pull: bool = False


@dataclass
class Comment:
    id: int
    issue: int
    body: str
    user: dict[str, Any]
    created_at: str
    updated_at: str


@dataclass
class Pull:
    number: int
    id: int
    head: str
    base: str
    head_sha: str
    draft: bool = False
    merged: bool = False
    maintainer_can_modify: bool = False
    head_repo: str | None = None  # a fork (OWNER/REPO) the head branch lives in; None: this repository


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    default_branch: str = "main"
    private: bool = False
    refs: dict[str, str] = field(default_factory=dict)  # branch -> commit sha
    commits: dict[str, Commit] = field(default_factory=dict)
    log: list[Commit] = field(default_factory=list)  # commits in creation order
    issues: dict[int, Issue] = field(default_factory=dict)  # issues and pulls share numbers
    pulls: dict[int, Pull] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # lower-cased name -> label

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def next_number(self) -> int:
        return max(self.issues, default=0) + 1

    def resolve(self, ref: str | None) -> Commit:
        """A branch name, ``heads/x``, ``refs/heads/x`` or a commit sha, as the contents API accepts."""
        ref = ref or self.default_branch
        name = ref.removeprefix("refs/").removeprefix("heads/")
        if name in self.refs:
            return self.commits[self.refs[name]]
        if ref in self.commits:
            return self.commits[ref]
        raise ApiError(404, f"No commit found for the ref {ref}", "/repos/contents#get-repository-content")

    def is_ancestor(self, old: str, new: str) -> bool:
        sha: str | None = new
        for _ in range(MAX_ANCESTRY):
            if sha is None:
                return False
            if sha == old:
                return True
            sha = self.commits[sha].parent
        return False


class Clock:
    """A logical clock: one second per event, so ordering by time is deterministic."""

    def __init__(self) -> None:
        self._t = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(days=1)

    def now(self) -> str:
        self._t += dt.timedelta(seconds=1)
        return self._t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Render:
    """JSON for each object, with URLs under ``api`` (the REST base) and ``html`` (the web base)."""

    def __init__(self, api: str, html: str) -> None:
        self.api = api
        self.html = html

    # -- users --------------------------------------------------------------------------------
    def user(self, who: dict[str, Any]) -> dict[str, Any]:
        login = who["login"]
        u = f"{self.api}/users/{login}"
        return {
            "login": login, "id": who["id"], "node_id": who["node_id"],
            "avatar_url": f"{self.html}/avatars/u/{who['id']}?v=4", "gravatar_id": "",
            "url": u, "html_url": f"{self.html}/{login}", "followers_url": f"{u}/followers",
            "following_url": f"{u}/following{{/other_user}}", "gists_url": f"{u}/gists{{/gist_id}}",
            "starred_url": f"{u}/starred{{/owner}}{{/repo}}", "subscriptions_url": f"{u}/subscriptions",
            "organizations_url": f"{u}/orgs", "repos_url": f"{u}/repos", "events_url": f"{u}/events{{/privacy}}",
            "received_events_url": f"{u}/received_events", "type": who["type"], "user_view_type": "public",
            "site_admin": False,
        }

    def private_user(self, who: dict[str, Any], created: str) -> dict[str, Any]:
        """``GET /user``: the authenticated user's private view."""
        return {
            **self.user(who), "user_view_type": "private",
            "name": None, "company": None, "blog": "", "location": None, "email": None, "hireable": None,
            "bio": None, "twitter_username": None, "public_repos": 1, "public_gists": 0, "followers": 0,
            "following": 0, "created_at": created, "updated_at": created, "private_gists": 0,
            "total_private_repos": 0, "owned_private_repos": 0, "disk_usage": 1, "collaborators": 0,
            "two_factor_authentication": True,
        }

    # -- repositories -------------------------------------------------------------------------
    def repo(self, r: Repo, owner: dict[str, Any], created: str) -> dict[str, Any]:
        """Satisfies both ``full-repository`` and ``repository`` (a pull's head/base repo)."""
        u = f"{self.api}/repos/{r.full_name}"
        h = f"{self.html}/{r.full_name}"
        open_issues = sum(1 for i in r.issues.values() if i.state == "open")
        return {
            "id": r.id, "node_id": f"R_kgDO{r.id:08d}", "name": r.name, "full_name": r.full_name,
            "private": r.private, "owner": self.user(owner), "html_url": h, "description": None, "fork": False,
            "url": u, "archive_url": f"{u}/{{archive_format}}{{/ref}}", "assignees_url": f"{u}/assignees{{/user}}",
            "blobs_url": f"{u}/git/blobs{{/sha}}", "branches_url": f"{u}/branches{{/branch}}",
            "collaborators_url": f"{u}/collaborators{{/collaborator}}", "comments_url": f"{u}/comments{{/number}}",
            "commits_url": f"{u}/commits{{/sha}}", "compare_url": f"{u}/compare/{{base}}...{{head}}",
            "contents_url": f"{u}/contents/{{+path}}", "contributors_url": f"{u}/contributors",
            "deployments_url": f"{u}/deployments", "downloads_url": f"{u}/downloads", "events_url": f"{u}/events",
            "forks_url": f"{u}/forks", "git_commits_url": f"{u}/git/commits{{/sha}}",
            "git_refs_url": f"{u}/git/refs{{/sha}}", "git_tags_url": f"{u}/git/tags{{/sha}}",
            "git_url": f"git://{self.html.split('://', 1)[1]}/{r.full_name}.git",
            "issue_comment_url": f"{u}/issues/comments{{/number}}", "issue_events_url": f"{u}/issues/events{{/number}}",
            "issues_url": f"{u}/issues{{/number}}", "keys_url": f"{u}/keys{{/key_id}}",
            "labels_url": f"{u}/labels{{/name}}", "languages_url": f"{u}/languages", "merges_url": f"{u}/merges",
            "milestones_url": f"{u}/milestones{{/number}}",
            "notifications_url": f"{u}/notifications{{?since,all,participating}}",
            "pulls_url": f"{u}/pulls{{/number}}", "releases_url": f"{u}/releases{{/id}}",
            "ssh_url": f"git@{self.html.split('://', 1)[1].split('/')[0]}:{r.full_name}.git",
            "stargazers_url": f"{u}/stargazers", "statuses_url": f"{u}/statuses/{{sha}}",
            "subscribers_url": f"{u}/subscribers", "subscription_url": f"{u}/subscription", "tags_url": f"{u}/tags",
            "teams_url": f"{u}/teams", "trees_url": f"{u}/git/trees{{/sha}}", "clone_url": f"{h}.git",
            "mirror_url": None, "hooks_url": f"{u}/hooks", "svn_url": h, "homepage": None, "language": "Python",
            "forks_count": 0, "stargazers_count": 0, "watchers_count": 0, "size": 1,
            "default_branch": r.default_branch, "open_issues_count": open_issues, "is_template": False,
            "topics": [], "has_issues": True, "has_projects": True, "has_wiki": True, "has_pages": False,
            "has_downloads": True, "has_discussions": False, "archived": False, "disabled": False,
            "visibility": "private" if r.private else "public", "pushed_at": created, "created_at": created,
            "updated_at": created, "permissions": {"admin": False, "maintain": False, "push": True, "triage": True,
                                                   "pull": True},
            "allow_forking": True, "web_commit_signoff_required": False, "license": None, "forks": 0,
            "open_issues": open_issues, "watchers": 0, "network_count": 0, "subscribers_count": 0,
        }

    # -- git ----------------------------------------------------------------------------------
    def git_ref(self, r: Repo, branch: str) -> dict[str, Any]:
        u = f"{self.api}/repos/{r.full_name}"
        sha = r.refs[branch]
        return {"ref": f"refs/heads/{branch}", "node_id": f"REF_{r.id}_{branch}", "url": f"{u}/git/refs/heads/{branch}",
                "object": {"type": "commit", "sha": sha, "url": f"{u}/git/commits/{sha}"}}

    def _content_links(self, r: Repo, path: str, sha: str, ref: str, kind: str) -> dict[str, Any]:
        u = f"{self.api}/repos/{r.full_name}"
        self_url = f"{u}/contents/{path}?ref={ref}"
        git = f"{u}/git/{'blobs' if kind == 'file' else 'trees'}/{sha}"
        html = f"{self.html}/{r.full_name}/{'blob' if kind == 'file' else 'tree'}/{ref}/{path}"
        return {"url": self_url, "git_url": git, "html_url": html,
                "_links": {"self": self_url, "git": git, "html": html}}

    def content_entry(self, r: Repo, path: str, data: bytes | None, ref: str) -> dict[str, Any]:
        """A directory listing's entry: ``data`` None is a directory."""
        name = path.rsplit("/", 1)[-1]
        if data is None:
            sha = hashlib.sha1(f"tree {path}".encode()).hexdigest()
            return {"type": "dir", "size": 0, "name": name, "path": path, "sha": sha, "download_url": None,
                    **self._content_links(r, path, sha, ref, "dir")}
        sha = blob_sha(data)
        return {"type": "file", "size": len(data), "name": name, "path": path, "sha": sha,
                "download_url": f"{self.html}/raw/{r.full_name}/{ref}/{path}",
                **self._content_links(r, path, sha, ref, "file")}

    def content_file(self, r: Repo, path: str, data: bytes, ref: str) -> dict[str, Any]:
        """A file with its base64 content, wrapped at 60 characters like GitHub's."""
        b64 = base64.b64encode(data).decode()
        wrapped = "".join(b64[i:i + 60] + "\n" for i in range(0, len(b64), 60))
        return {**self.content_entry(r, path, data, ref), "content": wrapped, "encoding": "base64"}

    def commit(self, r: Repo, c: Commit) -> dict[str, Any]:
        """The ``commit`` half of a contents-API answer (``file-commit``)."""
        u = f"{self.api}/repos/{r.full_name}"
        tree = hashlib.sha1(repr(sorted(c.tree.items())).encode()).hexdigest()
        parents = [] if c.parent is None else [
            {"url": f"{u}/git/commits/{c.parent}", "html_url": f"{self.html}/{r.full_name}/commit/{c.parent}",
             "sha": c.parent}]
        person = {**c.author, "date": c.date}
        return {"sha": c.sha, "node_id": f"C_{c.sha[:20]}", "url": f"{u}/git/commits/{c.sha}",
                "html_url": f"{self.html}/{r.full_name}/commit/{c.sha}", "author": person, "committer": person,
                "message": c.message, "tree": {"url": f"{u}/git/trees/{tree}", "sha": tree}, "parents": parents,
                "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None,
                                 "verified_at": None}}

    # -- issues -------------------------------------------------------------------------------
    def label(self, r: Repo, lab: Label) -> dict[str, Any]:
        from urllib.parse import quote

        return {"id": lab.id, "node_id": f"LA_{lab.id}", "url": f"{self.api}/repos/{r.full_name}/labels/"
                f"{quote(lab.name, safe='')}", "name": lab.name, "color": lab.color, "default": lab.default,
                "description": lab.description}

    def issue(self, r: Repo, i: Issue, repo_owner: dict[str, Any], repo_created: str) -> dict[str, Any]:
        u = f"{self.api}/repos/{r.full_name}"
        iu = f"{u}/issues/{i.number}"
        kind = "pull" if i.is_pull else "issues"
        out: dict[str, Any] = {
            "id": i.id, "node_id": f"I_kwDO{i.id:010d}", "url": iu, "repository_url": u,
            "labels_url": f"{iu}/labels{{/name}}", "comments_url": f"{iu}/comments", "events_url": f"{iu}/events",
            "html_url": f"{self.html}/{r.full_name}/{kind}/{i.number}", "number": i.number, "state": i.state,
            "state_reason": i.state_reason, "title": i.title, "body": i.body, "user": self.user(i.user),
            "labels": [self.label(r, r.labels[n.lower()]) for n in i.labels], "assignee": None, "assignees": [],
            "milestone": None, "locked": i.locked, "active_lock_reason": None, "comments": i.comments,
            "closed_at": i.closed_at, "created_at": i.created_at, "updated_at": i.updated_at, "closed_by": None,
            "author_association": "NONE" if i.user["type"] == "Bot" else "OWNER",
            "reactions": self.reactions(f"{iu}/reactions"),
            "timeline_url": f"{iu}/timeline", "performed_via_github_app": None,
        }
        if i.is_pull:
            p = f"{self.html}/{r.full_name}/pull/{i.number}"
            out["pull_request"] = {"url": f"{u}/pulls/{i.number}", "html_url": p, "diff_url": f"{p}.diff",
                                   "patch_url": f"{p}.patch", "merged_at": None}
            out["draft"] = r.pulls[i.number].draft
        return out

    @staticmethod
    def reactions(url: str) -> dict[str, Any]:
        return {"url": url, "total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "confused": 0, "heart": 0,
                "hooray": 0, "eyes": 0, "rocket": 0}

    def comment(self, r: Repo, c: Comment) -> dict[str, Any]:
        u = f"{self.api}/repos/{r.full_name}"
        kind = "pull" if r.issues[c.issue].is_pull else "issues"
        return {"id": c.id, "node_id": f"IC_kwDO{c.id:010d}", "url": f"{u}/issues/comments/{c.id}",
                "html_url": f"{self.html}/{r.full_name}/{kind}/{c.issue}#issuecomment-{c.id}", "body": c.body,
                "user": self.user(c.user), "created_at": c.created_at, "updated_at": c.updated_at,
                "issue_url": f"{u}/issues/{c.issue}", "author_association": "NONE" if c.user["type"] == "Bot"
                else "OWNER", "reactions": self.reactions(f"{u}/issues/comments/{c.id}/reactions"),
                "performed_via_github_app": None}

    def pull(self, r: Repo, p: Pull, repo_json: dict[str, Any], full: bool,
             head_json: dict[str, Any] | None = None) -> dict[str, Any]:
        """``pull-request`` (full) or ``pull-request-simple`` (lists); ``head_json``: a fork's repository."""
        i = r.issues[p.number]
        u = f"{self.api}/repos/{r.full_name}"
        pu = f"{u}/pulls/{p.number}"
        h = f"{self.html}/{r.full_name}/pull/{p.number}"
        head_sha = r.refs.get(p.head, p.head_sha)
        base_sha = r.refs.get(p.base, "0" * 40)

        def side(branch: str, sha: str, where: dict[str, Any] = repo_json) -> dict[str, Any]:
            return {"label": f"{where['owner']['login']}:{branch}", "ref": branch, "sha": sha,
                    "user": where["owner"], "repo": where}

        out: dict[str, Any] = {
            "url": pu, "id": p.id, "node_id": f"PR_kwDO{p.id:010d}", "html_url": h, "diff_url": f"{h}.diff",
            "patch_url": f"{h}.patch", "issue_url": f"{u}/issues/{p.number}", "commits_url": f"{pu}/commits",
            "review_comments_url": f"{pu}/comments", "review_comment_url": f"{u}/pulls/comments{{/number}}",
            "comments_url": f"{u}/issues/{p.number}/comments", "statuses_url": f"{u}/statuses/{head_sha}",
            "number": p.number, "state": i.state, "locked": i.locked, "title": i.title, "user": self.user(i.user),
            "body": i.body, "labels": [self.label(r, r.labels[n.lower()]) for n in i.labels], "milestone": None,
            "active_lock_reason": None, "created_at": i.created_at, "updated_at": i.updated_at,
            "closed_at": i.closed_at, "merged_at": None, "merge_commit_sha": None, "assignee": None,
            "assignees": [], "requested_reviewers": [], "requested_teams": [],
            "head": side(p.head, head_sha, head_json or repo_json),
            "base": side(p.base, base_sha), "author_association": "NONE" if i.user["type"] == "Bot" else "OWNER",
            "auto_merge": None, "draft": p.draft,
            "_links": {k: {"href": v} for k, v in {
                "self": pu, "html": h, "issue": f"{u}/issues/{p.number}", "comments": f"{u}/issues/{p.number}/comments",
                "review_comments": f"{pu}/comments", "review_comment": f"{u}/pulls/comments{{/number}}",
                "commits": f"{pu}/commits", "statuses": f"{u}/statuses/{head_sha}"}.items()},
        }
        if full:
            out.update({"merged": p.merged, "mergeable": True, "rebaseable": True, "mergeable_state": "clean",
                        "merged_by": None, "comments": i.comments, "review_comments": 0,
                        "maintainer_can_modify": p.maintainer_can_modify, "commits": 1, "additions": 1,
                        "deletions": 1, "changed_files": 1})
        return out

    @staticmethod
    def rate_limit(limit: int, remaining: int, reset: int) -> dict[str, Any]:
        core = {"limit": limit, "remaining": remaining, "reset": reset, "used": limit - remaining}

        def other(n: int) -> dict[str, int]:
            return {"limit": n, "remaining": n, "reset": reset, "used": 0}

        return {"resources": {"core": core, "search": other(30), "graphql": other(5000),
                              "integration_manifest": other(5000), "code_search": other(10)}, "rate": core}
