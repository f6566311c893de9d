#!/usr/bin/env bash
# Makes (or reuses) a virtual environment holding the independent FHIR
# validator tests/fhir.rs runs, and prints its python's path on the last
# line of standard output; everything else goes to standard error.
#
# fhir.resources 6.4.0 is the last release whose default models are FHIR R4
# 4.0.1 (6.5.0 and later default to R4B or R5), with the pydantic 1 it is
# built on. Usage: tests/fhir/setup-validator.sh VENV_DIR
set -euo pipefail
venv=${1:?usage: setup-validator.sh VENV_DIR}
# One at a time: test binaries run side by side, and one removing the
# environment to make it again would pull it from under another.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if ! "$venv/bin/python" -c 'import sys, fhir.resources as f; sys.exit(f.__version__ != "6.4.0")' 2>/dev/null; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >&2 2>/dev/null; then
    # Debian and Ubuntu ship venv's ensurepip apart: add it, as root or
    # through sudo -n (a fresh machine may have no package lists yet).
    rm -rf "$venv"
    if [ "$(id -u)" -eq 0 ]; then apt=(apt-get); else apt=(sudo -n apt-get); fi
    export DEBIAN_FRONTEND=noninteractive
    { "${apt[@]}" install -y python3-venv || { "${apt[@]}" update && "${apt[@]}" install -y python3-venv; }; } >&2
    python3 -m venv "$venv" >&2
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'fhir.resources==6.4.0' 'pydantic<2' >&2
fi
echo "$(cd "$venv" && pwd)/bin/python"
