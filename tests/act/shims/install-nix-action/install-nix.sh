#!/usr/bin/env bash
# The nix.conf part of cachix/install-nix-action's install-nix.sh at fc6e360b (v31.5.2), line for line
# where it decides what to write; what it writes goes to $NIX_CONF_DIR/nix.conf (the test's folder),
# not /etc/nix/nix.conf, and nothing is installed. Without NIX_CONF_DIR it is a no-op.
set -euo pipefail

if [[ -z "${NIX_CONF_DIR:-}" ]]; then
  echo "act shim install-nix-action: no NIX_CONF_DIR, nothing written"
  exit 0
fi
workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT
add_config() {
  echo "$1" >> "$workdir/nix.conf"
}
add_config "show-trace = true"
add_config "max-jobs = auto"
if [[ $INPUT_SET_AS_TRUSTED_USER == 'true' ]]; then
  add_config "trusted-users = root ${USER:-}"
fi
if [[ -n "${INPUT_GITHUB_ACCESS_TOKEN:-}" ]]; then
  add_config "access-tokens = github.com=$INPUT_GITHUB_ACCESS_TOKEN"
elif [[ -n "${GITHUB_TOKEN:-}" && ${GITHUB_SERVER_URL:-https://github.com} == "https://github.com" ]]; then
  add_config "access-tokens = github.com=$GITHUB_TOKEN"
fi
if [[ -n "${INPUT_EXTRA_NIX_CONFIG:-}" ]]; then
  add_config "$INPUT_EXTRA_NIX_CONFIG"
fi
if [[ ! $INPUT_EXTRA_NIX_CONFIG =~ "experimental-features" ]]; then
  add_config "experimental-features = nix-command flakes"
fi
if [[ ! $INPUT_EXTRA_NIX_CONFIG =~ "always-allow-substitutes" ]]; then
  add_config "always-allow-substitutes = true"
fi
add_config "build-users-group ="
mkdir -p "$NIX_CONF_DIR"
cp "$workdir/nix.conf" "$NIX_CONF_DIR/nix.conf"
chmod 0644 "$NIX_CONF_DIR/nix.conf"
echo "act shim install-nix-action: wrote $NIX_CONF_DIR/nix.conf ($(grep -c '^access-tokens' "$NIX_CONF_DIR/nix.conf") access-tokens line)"
