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
# shellcheck source=tests/fhir/make-venv.sh
source "$(dirname "$0")/make-venv.sh"
if ! "$venv/bin/python" -c 'import sys, fhir.resources as f; sys.exit(f.__version__ != "6.4.0")' 2>/dev/null; then
  make_venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check 'fhir.resources==6.4.0' 'pydantic<2' >&2
fi
echo "$(cd "$venv" && pwd)/bin/python"
