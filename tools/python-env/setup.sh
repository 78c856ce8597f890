#!/usr/bin/env bash
# Creates (once) a virtual environment with the packages in requirements.txt, from whatever pip index
# this machine has (a local index is enough), and prints its python. Tests that compare our files with
# the reference Python implementations run when CRISTAL_PYTHON points at it:
#   export CRISTAL_PYTHON=$(bash tools/python-env/setup.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${CRISTAL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cristal}"
venv="$cache/python-env"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  PIP_RETRIES=0 PIP_DEFAULT_TIMEOUT=10 "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$stamp"
fi
echo "$venv/bin/python"
