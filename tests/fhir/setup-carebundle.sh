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
# Reused only when its command runs: a virtual environment moved or
# reached through another path has scripts whose first line names a python
# that is not there.
if ! "$venv/bin/python" -c "import sys, importlib.metadata as m; sys.exit(m.version('carebundle') != '$version')" 2>/dev/null \
   || ! "$venv/bin/carebundle" --help >/dev/null 2>&1; then
  rm -rf "$venv"
  if ! python3 -m venv "$venv" >&2 2>/dev/null; then
    rm -rf "$venv"
    if [ "$(id -u)" -eq 0 ]; then apt=(apt-get); else apt=(sudo -n apt-get); fi
    export DEBIAN_FRONTEND=noninteractive
    { "${apt[@]}" install -y python3-venv || { "${apt[@]}" update && "${apt[@]}" install -y python3-venv; }; } >&2
    python3 -m venv "$venv" >&2
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check "carebundle==$version" >&2
fi
echo "$(cd "$venv" && pwd)/bin/carebundle"
