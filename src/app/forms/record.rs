//! The record form (`e` on the record): who the patient is, how to reach
//! them, coverage, enrollment, risk, coordinator, consent. It reads and
//! writes the one domain `Patient`; the rules across fields are
//! `Patient::check`, and the store checks them again.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Reloaded, Saved};
use crate::app::form::{choice_text, field_ids, Choice, Field, FieldKind, Form};
use crate::app::patient::RecordLine;
use crate::domain::language;
use crate::domain::patient::{
    ConsentStatus, EnrollmentStatus, Patient, Practitioner, RiskTier, Sex,
};
use crate::store::{Store, StoreError};
use crate::text::fit;

field_ids! {
    /// The record form's fields, in the order shown.
    pub enum RecordField {
        GivenName,
        FamilyName,
        BirthDate,
        Sex,
        GenderIdentity,
        Pronouns,
        Language,
        InterpreterNeeded,
        PhonePrimary,
        PhoneSecondary,
        PreferredPhone,
        BestTimeToCall,
        AddressLine,
        City,
        State,
        PostalCode,
        MedicaidId,
        PlanName,
        EnrollmentStatus,
        EnrolledOn,
        EnrollmentEndedOn,
        RiskTier,
        Coordinator,
        ConsentStatus,
        ConsentExpiresOn,
        AdvanceDirective,
    }
}

/// The record as it was when the form opened (or last took the store's),
/// and who it may be assigned to.
pub struct RecordForm {
    record: Patient,
    coordinators: Vec<Practitioner>,
}

/// The record form on `record`, at the field of the record's line the
/// cursor is on, so `e` on "Phone" starts in the phone.
pub fn open(
    record: Patient,
    coordinators: Vec<Practitioner>,
    line: Option<&RecordLine>,
    today: NaiveDate,
) -> OpenForm {
    let title = format!(
        "Record of {} {}",
        fit(&record.given_name, 20),
        fit(&record.family_name, 20)
    );
    let form = OpenForm::new(
        RecordForm {
            record,
            coordinators,
        },
        title,
        today,
    );
    match line.and_then(field_for) {
        Some(field) => form.focused_on(field),
        None => form,
    }
}

/// The record form's field for a line of the record.
fn field_for(line: &RecordLine) -> Option<RecordField> {
    use RecordField as F;
    match line {
        RecordLine::Name(_) => Some(F::GivenName),
        RecordLine::Field { label, .. } => match *label {
            "Born" => Some(F::BirthDate),
            "Gender" => Some(F::GenderIdentity),
            "Phone" => Some(F::PhonePrimary),
            "Call at" => Some(F::BestTimeToCall),
            "Address" => Some(F::AddressLine),
            "Language" => Some(F::Language),
            "Medicaid" => Some(F::MedicaidId),
            "Plan" => Some(F::PlanName),
            "Status" => Some(F::EnrollmentStatus),
            "Risk" => Some(F::RiskTier),
            "Coord." => Some(F::Coordinator),
            "Consent" => Some(F::ConsentStatus),
            "Adv dir" => Some(F::AdvanceDirective),
            _ => None,
        },
        _ => None,
    }
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

fn yes_no(yes: bool) -> String {
    if yes { "yes" } else { "no" }.to_string()
}

impl RecordForm {
    /// The record as the form holds it; every field has been read.
    fn patient_from(&self, form: &Form) -> Patient {
        use RecordField as F;
        let coordinator = form.text(F::Coordinator).and_then(|user| {
            self.coordinators
                .iter()
                .find(|c| c.username == user)
                .cloned()
        });
        Patient {
            family_name: form.text(F::FamilyName).unwrap_or_default(),
            given_name: form.text(F::GivenName).unwrap_or_default(),
            birth_date: form.date(F::BirthDate).unwrap_or_default(),
            sex: form.choice(F::Sex).unwrap_or(Sex::Unknown),
            gender_identity: form.text(F::GenderIdentity),
            pronouns: form.text(F::Pronouns),
            language: form.text(F::Language).unwrap_or_default(),
            interpreter_needed: form.yes(F::InterpreterNeeded),
            phone_primary: form.text(F::PhonePrimary),
            phone_secondary: form.text(F::PhoneSecondary),
            preferred_phone: if form.text(F::PreferredPhone).as_deref() == Some("2") {
                2
            } else {
                1
            },
            best_time_to_call: form.text(F::BestTimeToCall),
            address_line: form.text(F::AddressLine),
            city: form.text(F::City),
            state: form.text(F::State),
            postal_code: form.text(F::PostalCode),
            medicaid_id: form.text(F::MedicaidId),
            plan_name: form.text(F::PlanName),
            enrollment_status: form
                .choice(F::EnrollmentStatus)
                .unwrap_or(EnrollmentStatus::Outreach),
            enrolled_on: form.date(F::EnrolledOn),
            enrollment_ended_on: form.date(F::EnrollmentEndedOn),
            risk_tier: form.choice(F::RiskTier).unwrap_or(RiskTier::Low),
            coordinator,
            consent_status: form.choice(F::ConsentStatus).unwrap_or(ConsentStatus::None),
            consent_expires_on: form.date(F::ConsentExpiresOn),
            advance_directive: form.yes(F::AdvanceDirective),
            // The rest (the id and version seen, the last contact, the review
            // and reconciliation dates) are not the form's: as opened.
            ..self.record.clone()
        }
    }
}

impl FormSpec for RecordForm {
    type Id = RecordField;

    fn field(&self, id: RecordField) -> Field {
        use FieldKind as K;
        use RecordField as F;
        let r = &self.record;
        let text = |t: &Option<String>| t.clone().unwrap_or_default();
        match id {
            F::GivenName => Field::new("Given name", K::Text, &r.given_name).required(),
            F::FamilyName => Field::new("Family name", K::Text, &r.family_name).required(),
            F::BirthDate => {
                Field::new("Birth date", K::RecordDate, &r.birth_date.to_string()).required()
            }
            F::Sex => Field::new("Sex", K::choice_of::<Sex>(), &choice_text(r.sex)).required(),
            F::GenderIdentity => Field::new("Gender identity", K::Text, &text(&r.gender_identity)),
            F::Pronouns => Field::new("Pronouns", K::Text, &text(&r.pronouns)),
            F::Language => {
                Field::new("Language", K::Language, &language::name(&r.language)).required()
            }
            F::InterpreterNeeded => {
                Field::new("Interpreter", K::YesNo, &yes_no(r.interpreter_needed)).required()
            }
            F::PhonePrimary => Field::new("Phone", K::Phone, &text(&r.phone_primary)),
            F::PhoneSecondary => Field::new("Second phone", K::Phone, &text(&r.phone_secondary)),
            F::PreferredPhone => Field::new(
                "Preferred phone",
                K::Choice(vec![Choice::new("1", "first"), Choice::new("2", "second")]),
                if r.preferred_phone == 2 {
                    "second"
                } else {
                    "first"
                },
            )
            .required(),
            F::BestTimeToCall => {
                Field::new("Best time to call", K::Text, &text(&r.best_time_to_call))
            }
            F::AddressLine => Field::new("Street address", K::Text, &text(&r.address_line)),
            F::City => Field::new("City", K::Text, &text(&r.city)),
            F::State => Field::new("State", K::State, &text(&r.state)),
            F::PostalCode => Field::new("ZIP", K::PostalCode, &text(&r.postal_code)),
            F::MedicaidId => Field::new("Medicaid ID", K::Text, &text(&r.medicaid_id)),
            F::PlanName => Field::new("Plan", K::Text, &text(&r.plan_name)),
            F::EnrollmentStatus => Field::new(
                "Enrollment",
                K::choice_of::<EnrollmentStatus>(),
                &choice_text(r.enrollment_status),
            )
            .required(),
            F::EnrolledOn => Field::new("Enrolled on", K::RecordDate, &date_text(r.enrolled_on)),
            F::EnrollmentEndedOn => Field::new(
                "Enrollment ended",
                K::RecordDate,
                &date_text(r.enrollment_ended_on),
            ),
            F::RiskTier => Field::new(
                "Risk tier",
                K::choice_of::<RiskTier>(),
                &choice_text(r.risk_tier),
            )
            .required(),
            F::Coordinator => Field::new(
                "Coordinator",
                K::Choice(
                    self.coordinators
                        .iter()
                        .map(|c| Choice::new(c.username.clone(), c.username.clone()))
                        .collect(),
                ),
                r.coordinator.as_ref().map_or("", |c| c.username.as_str()),
            ),
            F::ConsentStatus => Field::new(
                "Consent to share",
                K::choice_of::<ConsentStatus>(),
                &choice_text(r.consent_status),
            )
            .required(),
            F::ConsentExpiresOn => {
                Field::new("Consent expires", K::Date, &date_text(r.consent_expires_on))
            }
            F::AdvanceDirective => {
                Field::new("Advance directive", K::YesNo, &yes_no(r.advance_directive)).required()
            }
        }
    }

    fn check(&self, form: &Form) -> Result<(), String> {
        self.patient_from(form).check(form.today)
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        let patient = self.patient_from(form);
        patient.check(form.today).map_err(StoreError::Refused)?;
        store.update_patient_record(&patient)?;
        Ok(Saved::said("Record saved"))
    }

    fn reload(&self, store: &Store) -> Result<Option<Reloaded<Self>>, StoreError> {
        Ok(Some(match store.patient(self.record.id)? {
            Some(record) => Reloaded::Now(RecordForm {
                record,
                coordinators: store.practitioners()?,
            }),
            None => Reloaded::Gone("That patient is no longer in the database; nothing was saved"),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::form::FieldId;

    #[test]
    fn every_record_line_an_edit_starts_on_has_its_field() {
        for label in [
            "Born", "Gender", "Phone", "Call at", "Address", "Language", "Medicaid", "Plan",
            "Status", "Risk", "Coord.", "Consent", "Adv dir",
        ] {
            let line = RecordLine::Field {
                label,
                value: String::new(),
                alert: false,
            };
            let field = field_for(&line).unwrap_or_else(|| panic!("{label} has no field"));
            assert!(RecordField::ALL.contains(&field));
        }
    }

    #[test]
    fn a_record_opened_and_saved_unchanged_is_the_record() {
        let record = Patient {
            id: 7,
            member_id: "M1".into(),
            family_name: "Rivera".into(),
            given_name: "Ana".into(),
            birth_date: NaiveDate::from_ymd_opt(1970, 2, 3).unwrap(),
            sex: Sex::Female,
            language: "es".into(),
            phone_primary: Some("(212) 555-0134".into()),
            risk_tier: RiskTier::High,
            consent_status: ConsentStatus::Active,
            coordinator: Some(Practitioner {
                id: 3,
                username: "cc1".into(),
                display_name: "Coord One".into(),
            }),
            version: 4,
            ..Patient::default()
        };
        let spec = RecordForm {
            coordinators: vec![record.coordinator.clone().unwrap()],
            record: record.clone(),
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let form = Form::new("t".into(), |id| spec.field(id), today);
        assert_eq!(form.first_problem(), None);
        assert_eq!(spec.patient_from(&form), record);
    }
}
