//! A new referral (`n` in the referrals, `:referral`): to whom, why, how
//! soon, for which need of the care plan, sent now or kept as a draft.
//! Saving writes it with its first next step (a task) in one transaction.
//!
//! Opened from the resource directory (`s` in the referrals), the form
//! comes filled in with the service (community, its name and
//! organization, its phone, the need of its domain) and keeps the
//! service's HSDS id, which no field shows, for the referral to name it.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved, Select};
use crate::app::form::{choice_text, field_ids, Choice, Field, FieldKind, Form};
use crate::app::loops::LoopKind;
use crate::domain::patient::normalize_phone;
use crate::domain::referral::{ReferralKind, Urgency};
use crate::store::{Need, NewReferral, Store, StoreError};
use crate::text::fit;

field_ids! {
    pub enum ReferralField {
        Kind,
        Receiver,
        Phone,
        Reason,
        Urgency,
        Need,
        Send,
    }
}

pub struct ReferralForm {
    patient_id: i64,
    /// The plan's open needs, offered for the referral to serve.
    needs: Vec<Need>,
    /// The directory's service it is made to, when made from there.
    service: Option<FromService>,
}

/// A service of the directory, as the form opens with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FromService {
    /// Its HSDS id: what the referral keeps to name it.
    pub source_id: String,
    /// "Weekly groceries — Sample Food Pantry".
    pub receiver: String,
    pub phone: Option<String>,
    /// The need of the plan it serves, when one is of its domain.
    pub need_id: Option<i64>,
}

pub fn open(patient_id: i64, needs: Vec<Need>, today: NaiveDate) -> OpenForm {
    let needs = needs.into_iter().filter(|n| !n.resolved).collect();
    OpenForm::new(
        ReferralForm {
            patient_id,
            needs,
            service: None,
        },
        "New referral".into(),
        today,
    )
}

/// The form filled in with a service of the directory, at the reason.
pub fn open_for_service(
    patient_id: i64,
    needs: Vec<Need>,
    service: FromService,
    today: NaiveDate,
) -> OpenForm {
    let needs = needs.into_iter().filter(|n| !n.resolved).collect();
    let title = format!(
        "New referral · directory service {}",
        fit(&service.source_id, 24)
    );
    OpenForm::new(
        ReferralForm {
            patient_id,
            needs,
            service: Some(service),
        },
        title,
        today,
    )
    .focused_on(ReferralField::Reason)
}

/// How the form shows a need of the plan.
fn need_label(n: &Need) -> String {
    format!(
        "{}: {}",
        n.domain.label().to_lowercase(),
        fit(&n.description, 40)
    )
}

/// Send now, or keep as a draft to send later.
fn send_choices() -> Vec<Choice> {
    vec![
        Choice::new("sent", "sent now"),
        Choice::new("draft", "draft, to send later"),
    ]
}

impl FormSpec for ReferralForm {
    type Id = ReferralField;

    const WHAT: &'static str = "referral";

    fn field(&self, id: ReferralField) -> Field {
        use ReferralField as F;
        let service = self.service.as_ref();
        match id {
            F::Kind => Field::new(
                "Kind",
                FieldKind::choice_of::<ReferralKind>(),
                &service.map_or(String::new(), |_| choice_text(ReferralKind::Community)),
            )
            .required(),
            F::Receiver => Field::new(
                "Receiver",
                FieldKind::Text,
                service.map_or("", |s| s.receiver.as_str()),
            )
            .required(),
            F::Phone => match service.and_then(|s| s.phone.as_deref()) {
                // A phone the directory lists that is no 10-digit number
                // (an extension, a short code) is kept as it is written.
                Some(phone) => match normalize_phone(phone) {
                    Ok(number) => Field::new("Phone", FieldKind::Phone, &number),
                    Err(_) => Field::new("Phone", FieldKind::Text, phone),
                },
                None => Field::new("Phone", FieldKind::Phone, ""),
            },
            F::Reason => Field::new("Reason", FieldKind::Text, "").required(),
            F::Urgency => Field::new(
                "Urgency",
                FieldKind::choice_of::<Urgency>(),
                &choice_text(Urgency::Routine),
            )
            .required(),
            F::Need => Field::new(
                "Need served",
                FieldKind::Choice(
                    self.needs
                        .iter()
                        .map(|n| Choice::new(n.id.to_string(), need_label(n)))
                        .collect(),
                ),
                &service
                    .and_then(|s| s.need_id)
                    .and_then(|id| self.needs.iter().find(|n| n.id == id))
                    .map(need_label)
                    .unwrap_or_default(),
            ),
            F::Send => Field::new("Send", FieldKind::Choice(send_choices()), "sent now").required(),
        }
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        use ReferralField as F;
        let sent = form.text(F::Send).as_deref() != Some("draft");
        let to_name = form.text(F::Receiver).unwrap_or_default();
        let id = store.add_referral(&NewReferral {
            patient_id: self.patient_id,
            kind: form.choice(F::Kind).unwrap_or(ReferralKind::Clinical),
            urgency: form.choice(F::Urgency).unwrap_or(Urgency::Routine),
            reason: form.text(F::Reason).unwrap_or_default(),
            need_id: form.text(F::Need).and_then(|id| id.parse().ok()),
            goal_id: None,
            to_name: to_name.clone(),
            to_phone: form.text(F::Phone),
            service_ref: self.service.as_ref().map(|s| s.source_id.clone()),
            sent,
        })?;
        Ok(Saved {
            message: format!(
                "Referral to {} {}; its next step is in Today",
                fit(&to_name, 30),
                if sent { "sent" } else { "kept as a draft" }
            )
            .into(),
            select: Some(Select::Loop {
                kind: LoopKind::Referral,
                patient_id: self.patient_id,
                id,
            }),
        })
    }
}
