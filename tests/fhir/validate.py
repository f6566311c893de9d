"""Validates a FHIR bundle with an independent validator: the models of
the `fhir.resources` package (6.4.0, whose default models are FHIR R4
4.0.1; 6.5.0 and later default to R4B or R5), built from the published
StructureDefinitions, not by tend.

    python validate.py BUNDLE.json

Parses the whole Bundle, then each entry's resource again against the
model of its own resourceType (required elements, cardinality, types,
primitive formats, unknown elements), and checks that every
`reference` in the bundle points at an entry of the bundle (or a
contained resource). Prints one line per resource type, `TYPE COUNT`,
then a summary; exits 1 with the first problem otherwise. It does not
check codes against value sets: tend's own tests do that.
"""

import collections
import json
import sys

import fhir.resources
from fhir.resources import get_fhir_model_class
from fhir.resources.bundle import Bundle

EXPECTED_FHIR_VERSION = "4.0.1"


def fail(message):
    print(f"invalid: {message}")
    sys.exit(1)


def references(value, path):
    """Every (path, reference) in a resource, contained ones included."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield path, item
            else:
                yield from references(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references(item, f"{path}[{index}]")


def main(path):
    if fhir.resources.__fhir_version__ != EXPECTED_FHIR_VERSION:
        fail(
            f"fhir.resources {fhir.resources.__version__} has FHIR "
            f"{fhir.resources.__fhir_version__} models, not {EXPECTED_FHIR_VERSION}: "
            "install fhir.resources==6.4.0 'pydantic<2'"
        )
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    try:
        Bundle.parse_obj(raw)
    except Exception as error:  # pydantic's ValidationError names the element
        fail(f"Bundle: {error}")

    known = set()
    for entry in raw.get("entry", []):
        resource = entry["resource"]
        known.add(entry.get("fullUrl"))
        known.add(f"{resource['resourceType']}/{resource.get('id')}")

    counts = collections.Counter()
    for index, entry in enumerate(raw.get("entry", [])):
        resource = entry["resource"]
        kind = resource["resourceType"]
        name = f"entry {index} ({kind}/{resource.get('id')})"
        try:
            get_fhir_model_class(kind).parse_obj(resource)
        except Exception as error:
            fail(f"{name}: {error}")
        contained = {f"#{c.get('id')}" for c in resource.get("contained", [])}
        for where, target in references(resource, kind):
            if target not in known and target not in contained:
                fail(f"{name}: {where} = {target} is not in the bundle")
        counts[kind] += 1

    for kind in sorted(counts):
        print(f"{kind} {counts[kind]}")
    print(
        f"valid: {sum(counts.values())} resources, FHIR {fhir.resources.__fhir_version__}, "
        f"fhir.resources {fhir.resources.__version__}"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
