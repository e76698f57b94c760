#!/usr/bin/env bash
# What actions/checkout v6.0.2 (de0fac2e, src/git-auth-helper.ts configureToken) leaves behind with
# persist-credentials: the token, as `AUTHORIZATION: basic base64(x-access-token:<token>)`, in
# $RUNNER_TEMP/git-credentials-<uuid>.config, and includeIf entries in <path>/.git/config pointing at
# it (host and container paths, and their worktrees). The repository itself is empty.
set -euo pipefail
repo="$GITHUB_WORKSPACE/$CHECKOUT_PATH"
git init -q "$repo"
server="${GITHUB_SERVER_URL:-https://github.com}"
creds="$RUNNER_TEMP/git-credentials-$(python3 -c 'import uuid; print(uuid.uuid4())').config"
basic="$(printf 'x-access-token:%s' "$CHECKOUT_TOKEN" | base64 | tr -d '\n')"
git config --file "$creds" "http.$server/.extraheader" "AUTHORIZATION: basic $basic"
gitdir="$repo/.git"
git -C "$repo" config --local "includeIf.gitdir:$gitdir.path" "$creds"
git -C "$repo" config --local "includeIf.gitdir:$gitdir/worktrees/*.path" "$creds"
container="/github/workspace/$CHECKOUT_PATH/.git"
git -C "$repo" config --local "includeIf.gitdir:$container.path" "/github/runner_temp/$(basename "$creds")"
git -C "$repo" config --local "includeIf.gitdir:$container/worktrees/*.path" "/github/runner_temp/$(basename "$creds")"
echo "act shim setup-spack: $CHECKOUT_PATH at $CHECKOUT_REF (empty), credentials persisted in $(basename "$creds")"
