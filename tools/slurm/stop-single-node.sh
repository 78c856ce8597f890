#!/usr/bin/env bash
# Stops the daemons started by start-single-node.sh (each found by its exact process name).
set -uo pipefail
for daemon in slurmd slurmctld munged; do
  pid=$(pgrep -x "$daemon" || true)
  [ -n "$pid" ] && kill "$pid"
done
