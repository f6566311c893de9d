//! A new prior authorization (`n` in the authorizations, `:auth`): the
//! payer, the service or medication with its code, the diagnosis, and
//! whether it was submitted today or is kept as a draft.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved, Select};
use crate::app::form::{field_ids, Choice, Field, FieldKind, Form};
use crate::app::loops::LoopKind;
use crate::store::{NewAuthorization, Store, StoreError, ITEM_SYSTEMS};
use crate::text::fit;

field_ids! {
    pub enum AuthorizationField {
        Payer,
        Item,
        System,
        Code,
        Diagnosis,
        Submitted,
    }
}

pub struct AuthorizationForm {
    patient_id: i64,
}

pub fn open(patient_id: i64, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        AuthorizationForm { patient_id },
        "New prior authorization".into(),
        today,
    )
}

impl FormSpec for AuthorizationForm {
    type Id = AuthorizationField;

    const WHAT: &'static str = "authorization";

    fn field(&self, id: AuthorizationField) -> Field {
        use AuthorizationField as F;
        match id {
            F::Payer => Field::new("Payer", FieldKind::Text, "").required(),
            F::Item => Field::new("Service or drug", FieldKind::Text, "").required(),
            F::System => Field::new(
                "Code system",
                FieldKind::Choice(
                    ITEM_SYSTEMS
                        .iter()
                        .map(|s| Choice::new(*s, s.to_uppercase()))
                        .collect(),
                ),
                "",
            ),
            F::Code => Field::new("Code", FieldKind::Text, ""),
            F::Diagnosis => Field::new("Diagnosis", FieldKind::Icd10, ""),
            F::Submitted => Field::new("Submitted today", FieldKind::YesNo, "yes").required(),
        }
    }

    fn check(&self, form: &Form) -> Result<(), String> {
        use AuthorizationField as F;
        match (form.text(F::System), form.text(F::Code)) {
            (Some(_), None) => Err("Code system needs the code".into()),
            (None, Some(_)) => Err("Code needs its system (CPT, HCPCS, RXNORM, NDC)".into()),
            _ => Ok(()),
        }
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        use AuthorizationField as F;
        let item = form.text(F::Item).unwrap_or_default();
        let submitted = form.yes(F::Submitted);
        let id = store.add_authorization(&NewAuthorization {
            patient_id: self.patient_id,
            payer: form.text(F::Payer).unwrap_or_default(),
            item: item.clone(),
            item_system: form.text(F::System),
            item_code: form.text(F::Code),
            diagnosis_code: form.text(F::Diagnosis),
            submitted,
        })?;
        Ok(Saved {
            message: format!(
                "Prior authorization for {} {}",
                fit(&item, 30),
                if submitted {
                    "submitted; the follow-up with the payer is in Today"
                } else {
                    "kept as a draft"
                }
            )
            .into(),
            select: Some(Select::Loop {
                kind: LoopKind::Authorization,
                patient_id: self.patient_id,
                id,
            }),
        })
    }
}
