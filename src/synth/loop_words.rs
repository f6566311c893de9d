//! The words of the generated loops: receivers of referrals, clinics of
//! appointments, items of prior authorizations. All invented ("Synthetic
//! …"), phones in the fictional 555-01xx range; the codes are real code
//! systems' codes for what they name, so an export carries sensible ones.

use crate::domain::care_plan::NeedDomain;
use crate::domain::referral::ReferralKind;

/// Where a referral goes, why, and the plan's need it serves.
pub(super) struct Receiver {
    pub(super) name: &'static str,
    pub(super) phone: &'static str,
    pub(super) kind: ReferralKind,
    pub(super) domain: NeedDomain,
    pub(super) reason: &'static str,
}

const fn receiver(
    name: &'static str,
    phone: &'static str,
    kind: ReferralKind,
    domain: NeedDomain,
    reason: &'static str,
) -> Receiver {
    Receiver {
        name,
        phone,
        kind,
        domain,
        reason,
    }
}

use NeedDomain as D;
use ReferralKind::{Clinical as C, Community as O};

pub(super) static RECEIVERS: [Receiver; 16] = [
    receiver(
        "Synthetic Behavioral Health Clinic",
        "(555) 555-0110",
        C,
        D::BehavioralHealth,
        "Psychiatric evaluation and medication management",
    ),
    receiver(
        "Riverside Synthetic Cardiology",
        "(555) 555-0111",
        C,
        D::Medical,
        "Heart failure follow-up",
    ),
    receiver(
        "Northgate Synthetic Endocrinology",
        "(555) 555-0112",
        C,
        D::Medical,
        "Diabetes management, A1c above goal",
    ),
    receiver(
        "Synthetic Recovery Center",
        "(555) 555-0113",
        C,
        D::SubstanceUse,
        "Outpatient substance use treatment",
    ),
    receiver(
        "Lakeside Synthetic Podiatry",
        "(555) 555-0114",
        C,
        D::Medical,
        "Diabetic foot exam",
    ),
    receiver(
        "Synthetic Community Dental Clinic",
        "(555) 555-0115",
        C,
        D::Medical,
        "Dental exam and cleaning",
    ),
    receiver(
        "Hilltop Synthetic Pulmonology",
        "(555) 555-0116",
        C,
        D::Medical,
        "COPD follow-up and spirometry",
    ),
    receiver(
        "Synthetic Counseling Associates",
        "(555) 555-0117",
        C,
        D::BehavioralHealth,
        "Weekly therapy for depression",
    ),
    receiver(
        "Eastside Synthetic Food Pantry",
        "(555) 555-0120",
        O,
        D::Food,
        "Weekly groceries",
    ),
    receiver(
        "Synthetic Home-Delivered Meals",
        "(555) 555-0121",
        O,
        D::Food,
        "Home-delivered meals after discharge",
    ),
    receiver(
        "Westside Synthetic Housing Help Desk",
        "(555) 555-0122",
        O,
        D::Housing,
        "Rental assistance application",
    ),
    receiver(
        "Synthetic Tenant Legal Aid",
        "(555) 555-0123",
        O,
        D::Housing,
        "Eviction prevention",
    ),
    receiver(
        "Synthetic Medical Rides Program",
        "(555) 555-0124",
        O,
        D::Transportation,
        "Rides to medical appointments",
    ),
    receiver(
        "Synthetic Benefits Enrollment Office",
        "(555) 555-0125",
        O,
        D::IncomeBenefits,
        "SNAP and utility assistance application",
    ),
    receiver(
        "Synthetic Peer Support Circle",
        "(555) 555-0126",
        O,
        D::SocialSupport,
        "Peer support group",
    ),
    receiver(
        "Synthetic Family Safety Center",
        "(555) 555-0127",
        O,
        D::Safety,
        "Safety planning",
    ),
];

/// Who an appointment is with, where, and what for.
pub(super) struct Clinic {
    pub(super) name: &'static str,
    pub(super) place: &'static str,
    pub(super) reasons: &'static [&'static str],
}

pub(super) static CLINICS: [Clinic; 8] = [
    Clinic {
        name: "Synthetic Community Clinic, primary care",
        place: "Synthetic Community Clinic, 40 Example Avenue",
        reasons: &[
            "Annual physical",
            "Follow-up visit",
            "Blood pressure check",
            "Medication review",
        ],
    },
    Clinic {
        name: "Synthetic Behavioral Health Clinic",
        place: "Synthetic Behavioral Health Clinic, Suite 200",
        reasons: &["Therapy session", "Psychiatric medication visit"],
    },
    Clinic {
        name: "Riverside Synthetic Cardiology",
        place: "Riverside Synthetic Medical Center, 3rd floor",
        reasons: &["Heart failure follow-up", "Echocardiogram"],
    },
    Clinic {
        name: "Northgate Synthetic Endocrinology",
        place: "Northgate Synthetic Hospital, outpatient wing",
        reasons: &["Diabetes follow-up", "A1c and foot check"],
    },
    Clinic {
        name: "Synthetic Recovery Center",
        place: "Synthetic Recovery Center, 12 Example Street",
        reasons: &[
            "Counseling session",
            "Medication for addiction treatment visit",
        ],
    },
    Clinic {
        name: "Synthetic Community Dental Clinic",
        place: "Synthetic Community Dental Clinic, 8 Example Road",
        reasons: &["Dental cleaning", "Tooth extraction"],
    },
    Clinic {
        name: "Synthetic Eye Care Center",
        place: "Synthetic Eye Care Center, 77 Example Lane",
        reasons: &["Diabetic eye exam"],
    },
    Clinic {
        name: "Synthetic Imaging and Laboratory",
        place: "Synthetic General Hospital, ground floor",
        reasons: &["Blood work", "MRI", "Chest X-ray"],
    },
];

/// A service or medication needing prior authorization, its code and the
/// ICD-10-CM diagnosis it is asked for.
pub(super) struct AuthItem {
    pub(super) name: &'static str,
    pub(super) system: &'static str,
    pub(super) code: &'static str,
    pub(super) diagnosis: &'static str,
}

const fn item(
    name: &'static str,
    system: &'static str,
    code: &'static str,
    diagnosis: &'static str,
) -> AuthItem {
    AuthItem {
        name,
        system,
        code,
        diagnosis,
    }
}

pub(super) static AUTH_ITEMS: [AuthItem; 9] = [
    item("Continuous glucose monitor", "hcpcs", "E2103", "E11.65"),
    item("MRI of the lumbar spine", "cpt", "72148", "M54.50"),
    item("Home health aide visits", "hcpcs", "G0156", "I50.9"),
    item("Outpatient physical therapy", "cpt", "97110", "M17.11"),
    item(
        "Extended-release naltrexone injection",
        "hcpcs",
        "J2315",
        "F10.20",
    ),
    item(
        "Long-acting aripiprazole injection",
        "hcpcs",
        "J0401",
        "F20.9",
    ),
    item("CPAP device", "hcpcs", "E0601", "G47.33"),
    item("Psychotherapy, 60 minutes", "cpt", "90837", "F33.1"),
    item("Hospital bed for home use", "hcpcs", "E0250", "I50.9"),
];
