//! The codes of the closed loops (issue 17): referrals as ServiceRequest,
//! appointments as Appointment, prior authorizations as Claim. FHIR's
//! statuses are coarser than tend's loops, so each resource also carries
//! tend's own status ([`super::ext::LOOP_STATUS`]), which the import reads
//! first; these tables are what a reader without it sees.

use super::system;
use crate::domain::appointment::AppointmentStatus;
use crate::domain::authorization::AuthStatus;
use crate::domain::referral::ReferralStatus;

/// ServiceRequest.category of a clinical referral: SNOMED CT 3457005.
pub const PATIENT_REFERRAL: (&str, &str) = ("3457005", "Patient referral");
/// ServiceRequest.category of a referral to a community service.
pub const SDOH_CATEGORY: (&str, &str) = ("sdoh", "SDOH");
/// Appointment.participant.type of the one seen, and of the place.
pub const PRIMARY_PERFORMER: (&str, &str) = ("PPRF", "primary performer");
pub const LOCATION: (&str, &str) = ("LOC", "location");

/// ServiceRequest.status of a referral in tend's loop: draft is a draft;
/// sent, accepted, scheduled, received and no response are still active
/// (the request stands, whatever the receiver did with it); closed is
/// completed; declined and cancelled are revoked (the request no longer
/// stands).
pub fn service_request_status(status: ReferralStatus) -> &'static str {
    use ReferralStatus::*;
    match status {
        Draft => "draft",
        Sent | Accepted | Scheduled | Received | NoResponse => "active",
        Closed => "completed",
        Declined | Cancelled => "revoked",
    }
}

/// A referral's status from its ServiceRequest's alone (a bundle from
/// elsewhere, without tend's): the first status of each group. None for a
/// status tend's loop has no place for (on-hold, entered-in-error, unknown).
pub fn referral_status_from_fhir(code: &str) -> Option<ReferralStatus> {
    Some(match code {
        "draft" => ReferralStatus::Draft,
        "active" => ReferralStatus::Sent,
        "completed" => ReferralStatus::Closed,
        "revoked" => ReferralStatus::Cancelled,
        _ => return None,
    })
}

/// Appointment.status: FHIR's own codes, which tend's are, but for
/// rescheduled, which FHIR writes as a cancelled appointment (with a new
/// one booked in its place).
pub fn appointment_status(status: AppointmentStatus) -> &'static str {
    match status {
        AppointmentStatus::Rescheduled => "cancelled",
        other => other.code(),
    }
}

/// Claim.status of a prior authorization: the record's own (a draft, or
/// active once it is real); where the payer stands is tend's extension
/// and the ClaimResponse.
pub fn claim_status(status: AuthStatus) -> &'static str {
    match status {
        AuthStatus::Draft => "draft",
        _ => "active",
    }
}

/// An authorized item's code system, tend's name (`cpt`) for its URI.
pub const ITEM_SYSTEMS: [(&str, &str); 4] = [
    ("cpt", system::CPT),
    ("hcpcs", system::HCPCS),
    ("rxnorm", system::RXNORM),
    ("ndc", system::NDC),
];

pub fn item_system_uri(code: &str) -> Option<&'static str> {
    ITEM_SYSTEMS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, uri)| *uri)
}

/// Claim.type: a medication (RxNorm, NDC) is a pharmacy claim, anything
/// else professional.
pub fn claim_type(item_system: Option<&str>) -> (&'static str, &'static str) {
    match item_system {
        Some("rxnorm" | "ndc") => ("pharmacy", "Pharmacy"),
        _ => ("professional", "Professional"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_statuses_map_to_fhir_and_back_to_the_first_of_each_group() {
        for &status in ReferralStatus::ALL {
            let fhir = service_request_status(status);
            let back = referral_status_from_fhir(fhir).unwrap();
            assert_eq!(service_request_status(back), fhir, "{status:?}");
        }
        assert_eq!(referral_status_from_fhir("on-hold"), None);
        for &status in AppointmentStatus::ALL {
            // Every FHIR code tend writes is one R4's AppointmentStatus has.
            assert!(["booked", "fulfilled", "noshow", "cancelled"]
                .contains(&appointment_status(status)));
        }
        for (code, uri) in ITEM_SYSTEMS {
            assert_eq!(item_system_uri(code), Some(uri));
        }
        assert_eq!(claim_type(Some("ndc")).0, "pharmacy");
        assert_eq!(claim_type(None).0, "professional");
    }
}
