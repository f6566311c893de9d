"""Synthetic HL7 v2 ADT messages written by independent libraries, for
tests/hl7_python.rs.

    make_adt.py OUTDIR          write the messages, one file each
    make_adt.py --read-ack FILE print an ACK's MSA-1, MSA-2, ERR-2 and
                                ERR-3.1 as read by python's `hl7`, one a line
    make_adt.py --stay FILE PREFIX VISIT ADMITTED DISCHARGED [DX]
                                an admission and its discharge (hl7apy) for
                                member M0001, MLLP-framed one after the
                                other in FILE, as `mllp_send` reads them;
                                times as HL7 DTM (YYYYMMDDHHMM)

Most messages are built with hl7apy (a structure-aware library); one with
the `hl7` package, and the malformed ones by editing a good message through
`hl7`'s own API. All data is made up.
"""

import os
import sys

import hl7
from hl7apy.core import Message


def st(version, text):
    """A string value hl7apy escapes itself (\\T\\ for &, \\F\\ for |)."""
    module = __import__("hl7apy.v" + version.replace(".", "_"), fromlist=["ST"])
    return module.ST(text)


def msh(m, event, structure, control_id, sent):
    m.msh.msh_3 = "ADT1"
    m.msh.msh_4 = "GOOD HEALTH"
    m.msh.msh_5 = "TEND"
    m.msh.msh_6 = "CARE"
    m.msh.msh_7 = sent
    m.msh.msh_9 = "ADT^%s^%s" % (event, structure)
    m.msh.msh_10 = control_id
    m.msh.msh_11 = "P"


def patient(seg, version):
    seg.pid_3 = "M0001^^^STATEMCD^MB"
    second = seg.add_field("PID_3")
    second.value = "555123^^^GH^MR"
    seg.pid_5 = "Testpatient^Alpha"
    seg.pid_7 = "19800101"
    seg.pid_8 = "F"


def diagnosis(m, number, code, text, system, priority):
    dg = m.add_segment("DG1")
    dg.dg1_1 = str(number)
    dg.dg1_3.ce_1 = code
    dg.dg1_3.ce_2 = st(m.version, text)
    if system:
        dg.dg1_3.ce_3 = system
    if priority:
        dg.dg1_15 = priority


def visit(m, klass, facility=None, service=None, visit_number="V1001",
          admitted=None, discharged=None, disposition=None, patient_type=None,
          servicing=None):
    pv1 = m.pv1
    pv1.pv1_1 = "1"
    pv1.pv1_2 = klass
    pv1.pv1_3.pl_1 = "4W"
    pv1.pv1_3.pl_2 = "401"
    if facility:
        pv1.pv1_3.pl_4.hd_1 = st(m.version, facility)
    if service:
        pv1.pv1_10 = service
    if patient_type:
        pv1.pv1_18 = patient_type
    pv1.pv1_19 = visit_number
    if disposition:
        pv1.pv1_36 = disposition
    if servicing:
        pv1.pv1_39 = servicing
    if admitted:
        pv1.pv1_44 = admitted
    if discharged:
        pv1.pv1_45 = discharged


def adt(event, structure, version, control_id, sent, recorded):
    m = Message(structure, version=version)
    msh(m, event, structure, control_id, sent)
    m.evn.evn_1 = event
    m.evn.evn_2 = recorded
    patient(m.pid, version)
    return m


def messages():
    out = {}

    m = adt("A01", "ADT_A01", "2.5", "A01-0001", "20260501103000", "20260501102900")
    visit(m, "I", facility="Good & Well Hospital", service="MED",
          admitted="20260501103000")
    diagnosis(m, 1, "I50.9", "Heart failure, unspecified", "I10", "2")
    diagnosis(m, 2, "250.00", "Diabetes (ICD-9)", "I9", "")
    diagnosis(m, 3, "F32.9", "Major depressive disorder | single episode", "I10", "1")
    out["a01.hl7"] = m.to_er7()

    m = adt("A03", "ADT_A03", "2.5.1", "A03-0001", "20260506120000", "20260506114500")
    visit(m, "I", facility="Good & Well Hospital", service="MED",
          admitted="20260501103000", discharged="20260506114500-0500",
          disposition="03")
    diagnosis(m, 1, "I50.9", "Heart failure, unspecified", "I10", "1")
    # Files written on other systems end their lines with CR LF.
    out["a03.hl7"] = m.to_er7().replace("\r", "\r\n") + "\r\n"

    m = adt("A04", "ADT_A01", "2.3", "A04-0001", "20260510221500", "20260510221500")
    visit(m, "E", visit_number="E2002", admitted="20260510221500",
          servicing="MERCY ED")
    diagnosis(m, 1, "R07.9", "Chest pain, unspecified", "", "")
    out["a04.hl7"] = m.to_er7()

    m = adt("A08", "ADT_A01", "2.6", "A08-0001", "20260511080000", "20260511080000")
    visit(m, "O", facility="Good & Well Hospital", patient_type="OBS",
          visit_number="V3003", admitted="20260511060000")
    out["a08.hl7"] = m.to_er7()

    m = adt("A11", "ADT_A09", "2.4", "A11-0001", "20260512090000", "20260512090000")
    visit(m, "I", facility="Riverside Rehab", service="SNF", visit_number="S4004",
          admitted="20260512083000")
    out["a11.hl7"] = m.to_er7()

    m = adt("A13", "ADT_A01", "2.7", "A13-0001", "20260513100000", "20260513100000")
    visit(m, "I", facility="Good & Well Hospital", visit_number="V1001",
          admitted="20260501103000")
    out["a13.hl7"] = m.to_er7()

    m = Message("ADT_A39", version="2.5")
    msh(m, "A40", "ADT_A39", "A40-0001", "20260514110000")
    m.evn.evn_1 = "A40"
    m.evn.evn_2 = "20260514110000"
    group = m.add_group("ADT_A39_PATIENT")
    group.pid.pid_3 = "M0001^^^STATEMCD^MB"
    group.mrg.mrg_1 = "M0999^^^STATEMCD^MB"
    second = group.mrg.add_field("MRG_1")
    second.value = "777000^^^GH^MR"
    out["a40.hl7"] = m.to_er7()

    # The `hl7` package: parsed from a skeleton, then filled through its API.
    base = hl7.parse(
        "MSH|^~\\&|LEGACY|ST REMI|TEND|CARE|20260515153000||ADT^A01|LEG-0001|P|2.3.1\r"
        "EVN|A01|20260515153000\r"
        "PID|||M0002^^^STATEMCD^MB||Testpatient^Beta\r"
        "PV1|1|I\r"
        "DG1|1||J18.9^Pneumonia^I10"
    )
    base.assign_field("4E^12^1^H\xf4pital Saint-R\xe9mi", "PV1", 1, 3)
    base.assign_field("L5005", "PV1", 1, 19)
    base["PV1.F44"] = "20260515150000"
    out["legacy_a01.hl7"] = str(base)

    # Malformed, from the A03 through `hl7`.
    good = out["a03.hl7"].replace("\r\n", "\r").rstrip("\r")

    def edited(field, value):
        msg = hl7.parse(good)
        msg[field] = value
        return str(msg)

    out["bad_no_msh.hl7"] = "\r".join(good.split("\r")[1:])
    out["bad_version.hl7"] = edited("MSH.F12", "2.2")
    out["bad_event.hl7"] = edited("MSH.F9", "ADT^A99^ADT_A01")
    out["bad_date.hl7"] = edited("PV1.F45", "2026-13-45")
    out["bad_type.hl7"] = edited("MSH.F9", "ORU^R01^ORU_R01")
    return out


def stay(prefix, visit_number, admitted, discharged, dx):
    """An A01 then its A03, both for member M0001."""
    a01 = adt("A01", "ADT_A01", "2.5.1", prefix + "-A01", admitted, admitted)
    visit(a01, "I", facility="Synthetic General", service="MED",
          visit_number=visit_number, admitted=admitted)
    diagnosis(a01, 1, dx, "Admitting diagnosis", "I10", "1")
    a03 = adt("A03", "ADT_A03", "2.5.1", prefix + "-A03", discharged, discharged)
    visit(a03, "I", facility="Synthetic General", service="MED",
          visit_number=visit_number, disposition="01", admitted=admitted,
          discharged=discharged)
    diagnosis(a03, 1, dx, "Principal diagnosis", "I10", "1")
    return [a01.to_er7(), a03.to_er7()]


def main():
    if sys.argv[1] == "--stay":
        path, prefix, visit_number, admitted, discharged = sys.argv[2:7]
        dx = sys.argv[7] if len(sys.argv) > 7 else "I50.9"
        framed = "".join("\x0b" + m + "\r\x1c\r"
                         for m in stay(prefix, visit_number, admitted, discharged, dx))
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(framed)
        return
    if sys.argv[1] == "--read-ack":
        with open(sys.argv[2], encoding="utf-8", newline="") as f:
            ack = hl7.parse(f.read())
        print(ack.segment("MSA")[1])
        print(ack.segment("MSA")[2])
        err = [s for s in ack if str(s[0]) == "ERR"]
        print(str(err[0][2]) if err else "")
        print(str(err[0][3][0][0]) if err else "")
        print(ack.segment("MSH")[9])
        return
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, text in messages().items():
        encoding = "latin-1" if name.startswith("legacy") else "utf-8"
        with open(os.path.join(outdir, name), "w", encoding=encoding, newline="") as f:
            f.write(text)


if __name__ == "__main__":
    main()
