//! A condition on the record's list (`a` on Conditions): a name, an
//! optional ICD-10 code, a clinical status.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved};
use crate::app::form::{choice_text, field_ids, Field, FieldKind, Form};
use crate::domain::clinical::ConditionStatus;
use crate::store::{Store, StoreError};

field_ids! {
    pub enum ConditionField {
        Name,
        Code,
        Status,
    }
}

pub struct ConditionForm {
    patient_id: i64,
}

pub fn open(patient_id: i64, today: NaiveDate) -> OpenForm {
    OpenForm::new(ConditionForm { patient_id }, "New condition".into(), today)
}

impl FormSpec for ConditionForm {
    type Id = ConditionField;

    fn field(&self, id: ConditionField) -> Field {
        use ConditionField as F;
        match id {
            F::Name => Field::new("Condition", FieldKind::Text, "").required(),
            F::Code => Field::new("ICD-10 code", FieldKind::Icd10, ""),
            F::Status => Field::new(
                "Status",
                FieldKind::choice_of::<ConditionStatus>(),
                &choice_text(ConditionStatus::Active),
            )
            .required(),
        }
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        use ConditionField as F;
        let status = form.choice(F::Status).unwrap_or_default();
        let name = form.text(F::Name).unwrap_or_default();
        store.add_condition(
            self.patient_id,
            form.text(F::Code).as_deref(),
            &name,
            status,
        )?;
        Ok(Saved::said("Condition added"))
    }
}
