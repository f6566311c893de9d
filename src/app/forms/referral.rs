//! A new referral (`n` in the referrals, `:referral`): to whom, why, how
//! soon, for which need of the care plan, sent now or kept as a draft.
//! Saving writes it with its first next step (a task) in one transaction.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved, Select};
use crate::app::form::{choice_text, field_ids, Choice, Field, FieldKind, Form};
use crate::app::loops::LoopKind;
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
}

pub fn open(patient_id: i64, needs: Vec<Need>, today: NaiveDate) -> OpenForm {
    let needs = needs.into_iter().filter(|n| !n.resolved).collect();
    OpenForm::new(
        ReferralForm { patient_id, needs },
        "New referral".into(),
        today,
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
        match id {
            F::Kind => Field::new("Kind", FieldKind::choice_of::<ReferralKind>(), "").required(),
            F::Receiver => Field::new("Receiver", FieldKind::Text, "").required(),
            F::Phone => Field::new("Phone", FieldKind::Phone, ""),
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
                        .map(|n| {
                            Choice::new(
                                n.id.to_string(),
                                format!(
                                    "{}: {}",
                                    n.domain.label().to_lowercase(),
                                    fit(&n.description, 40)
                                ),
                            )
                        })
                        .collect(),
                ),
                "",
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
            service_ref: None,
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
