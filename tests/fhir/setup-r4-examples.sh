#!/usr/bin/env bash
# Fetches (or reuses) the example resources of the FHIR R4 specification,
# the npm package hl7.fhir.r4.examples 4.0.1 (CC0; one resource a file),
# and prints the folder holding them on the last line of standard output;
# everything else goes to standard error. tests/fhir_external.rs imports
# some of them as FHIR from another system would send them.
# Usage: tests/fhir/setup-r4-examples.sh DIR
set -euo pipefail
dir=${1:?usage: setup-r4-examples.sh DIR}
mkdir -p "$dir"
exec 9>"$dir.lock"
flock 9
if [ ! -f "$dir/package/Patient-example.json" ]; then
  rm -rf "$dir/package"
  # npm checks the tarball against the registry's integrity hash.
  (cd "$dir" && npm pack --silent hl7.fhir.r4.examples@4.0.1 >&2 && tar xzf hl7.fhir.r4.examples-4.0.1.tgz && rm hl7.fhir.r4.examples-4.0.1.tgz)
fi
echo "$(cd "$dir/package" && pwd)"
