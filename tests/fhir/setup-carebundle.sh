#!/usr/bin/env bash
# Makes (or reuses) a virtual environment holding carebundle, the
# independent generator of US Core FHIR R4 data tests/fhir_external.rs
# imports (transaction bundles and Bulk Data NDJSON), and prints the path of
# its `carebundle` command on the last line of standard output; everything
# else goes to standard error. Usage: tests/fhir/setup-carebundle.sh VENV_DIR
set -euo pipefail
venv=${1:?usage: setup-carebundle.sh VENV_DIR}
version=0.5.0
# One at a time: test binaries run side by side.
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
# shellcheck source=tests/fhir/make-venv.sh
source "$(dirname "$0")/make-venv.sh"
# Reused only when its command runs: a virtual environment moved or
# reached through another path has scripts whose first line names a python
# that is not there.
if ! "$venv/bin/python" -c "import sys, importlib.metadata as m; sys.exit(m.version('carebundle') != '$version')" 2>/dev/null \
   || ! "$venv/bin/carebundle" --help >/dev/null 2>&1; then
  make_venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "carebundle==$version" >&2
fi
echo "$(cd "$venv" && pwd)/bin/carebundle"
