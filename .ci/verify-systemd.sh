#!/usr/bin/env bash
# Checks samples/systemd/miniauth.service with systemd-analyze (package `systemd`, on Debian 12
# images with it installed; it needs no running systemd, so it works in a container too).
# Where the command is missing, says so and passes: the unit is then unchecked, not broken.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v systemd-analyze > /dev/null; then
  echo "systemd-analyze not found: samples/systemd/miniauth.service not verified (apt-get install systemd to check it)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# verify wants ExecStart's file to exist: a stand-in at a path of its own.
printf '#!/bin/sh\n' > "$work/MiniAuth" && chmod +x "$work/MiniAuth"
sed "s|^ExecStart=/opt/miniauth/MiniAuth|ExecStart=$work/MiniAuth|" samples/systemd/miniauth.service > "$work/miniauth.service"
# It exits 0 on an unknown or misspelt key, with a line saying so: any line is a failure.
out=$(systemd-analyze verify --man=no "$work/miniauth.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "$out"; exit 1; fi
systemd-analyze security --offline=yes "$work/miniauth.service" 2>&1 | tail -1 || true
