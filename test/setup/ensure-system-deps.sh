#!/usr/bin/env bash
# Makes sure the Debian packages the test suites need are present. The end-to-end suite runs
# code-server (whose install compiles native modules against Kerberos headers and seeds
# ripgrep from the system) inside headless Chromium. The vsix checks read the zips in Node.
# Cheap no-op when all are installed, so CI and developers can call it on every run.
set -euo pipefail

# package:command — a package counts as present when dpkg knows it, or when the command it
# provides is already on PATH (e.g. a python3 from pyenv serves node-gyp just as well).
wanted=(
  "chromium:chromium"
  "ripgrep:rg"
  "libkrb5-dev:"
  "build-essential:g++"
  "pkg-config:pkg-config"
  "python3:python3"
  "curl:curl"
  # Chinese text in the zh-cn end-to-end screenshots (Chromium shows boxes without a CJK font).
  "fonts-noto-cjk:"
)

is_installed() {
  local pkg=$1 cmd=$2
  if [[ -n "$cmd" ]] && command -v "$cmd" >/dev/null 2>&1; then return 0; fi
  [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for entry in "${wanted[@]}"; do
  pkg=${entry%%:*}
  cmd=${entry#*:}
  is_installed "$pkg" "$cmd" || missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
  echo "ensure-system-deps: missing Debian packages: ${missing[*]}" >&2
  echo "ensure-system-deps: install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 0
fi

echo "ensure-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "ensure-system-deps: done"
