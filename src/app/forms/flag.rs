//! A flag on the record (`a` on the name or the flags): shown first
//! whenever the patient is on screen.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved};
use crate::app::form::{field_ids, Field, FieldKind, Form};
use crate::domain::patient::FlagKind;
use crate::store::{Store, StoreError};

field_ids! {
    pub enum FlagField {
        Kind,
        Text,
    }
}

pub struct FlagForm {
    patient_id: i64,
}

pub fn open(patient_id: i64, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        FlagForm { patient_id },
        "New flag, shown first whenever the patient is on screen".into(),
        today,
    )
}

impl FormSpec for FlagForm {
    type Id = FlagField;

    fn field(&self, id: FlagField) -> Field {
        match id {
            FlagField::Kind => {
                Field::new("Kind", FieldKind::choice_of::<FlagKind>(), "").required()
            }
            FlagField::Text => Field::new("What to know", FieldKind::Text, "").required(),
        }
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        let kind = form.choice(FlagField::Kind).unwrap_or(FlagKind::Other);
        let what = form.text(FlagField::Text).unwrap_or_default();
        store.add_flag(self.patient_id, kind, &what)?;
        Ok(Saved::said("Flag added"))
    }
}
