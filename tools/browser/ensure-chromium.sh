#!/usr/bin/env bash
# Prints the path of a headless-capable Chromium, installing Debian's package when it is missing
# (the leaderboard's HTML report is checked by a screenshot). Quiet on stdout except for the path.
set -euo pipefail
find_chromium() { command -v chromium || command -v chromium-browser || true; }
if [ -z "$(find_chromium)" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "ensure-chromium: chromium is not installed and this is not root; install Debian's 'chromium' package" >&2
    exit 1
  fi
  apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]' || apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
path="$(find_chromium)"
[ -n "$path" ] || { echo "ensure-chromium: installing chromium did not put it on PATH" >&2; exit 1; }
echo "$path"
