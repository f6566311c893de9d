//! A need in the care plan (`N` on the plan), in one of the plan's domains.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved, Select};
use crate::app::form::{field_ids, Field, FieldKind, Form};
use crate::domain::care_plan::NeedDomain;
use crate::store::{Store, StoreError};

field_ids! {
    pub enum NeedField {
        Domain,
        Description,
    }
}

pub struct NeedForm {
    patient_id: i64,
}

pub fn open(patient_id: i64, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        NeedForm { patient_id },
        "New need in the care plan".into(),
        today,
    )
}

impl FormSpec for NeedForm {
    type Id = NeedField;

    fn field(&self, id: NeedField) -> Field {
        match id {
            NeedField::Domain => {
                Field::new("Domain", FieldKind::choice_of::<NeedDomain>(), "").required()
            }
            NeedField::Description => Field::new("The need", FieldKind::Text, "").required(),
        }
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        let domain = form.choice(NeedField::Domain).unwrap_or(NeedDomain::Other);
        let description = form.text(NeedField::Description).unwrap_or_default();
        let id = store.add_need(self.patient_id, domain, &description)?;
        Ok(Saved {
            message: "Need added to the plan: a adds a goal to it".into(),
            select: Some(Select::Need(id)),
        })
    }
}
