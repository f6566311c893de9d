//! An allergy on the record's list (`a` on Allergies): the substance, the
//! reaction, its criticality.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved};
use crate::app::form::{choice_text, field_ids, Field, FieldKind, Form};
use crate::domain::clinical::AllergyCriticality;
use crate::store::{Store, StoreError};

field_ids! {
    pub enum AllergyField {
        Substance,
        Reaction,
        Criticality,
    }
}

pub struct AllergyForm {
    patient_id: i64,
}

pub fn open(patient_id: i64, today: NaiveDate) -> OpenForm {
    OpenForm::new(AllergyForm { patient_id }, "New allergy".into(), today)
}

impl FormSpec for AllergyForm {
    type Id = AllergyField;

    fn field(&self, id: AllergyField) -> Field {
        use AllergyField as F;
        match id {
            F::Substance => Field::new("Substance", FieldKind::Text, "").required(),
            F::Reaction => Field::new("Reaction", FieldKind::Text, ""),
            F::Criticality => Field::new(
                "Criticality",
                FieldKind::choice_of::<AllergyCriticality>(),
                &choice_text(AllergyCriticality::Low),
            )
            .required(),
        }
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        use AllergyField as F;
        let criticality = form.choice(F::Criticality).unwrap_or_default();
        let substance = form.text(F::Substance).unwrap_or_default();
        store.add_allergy(
            self.patient_id,
            &substance,
            form.text(F::Reaction).as_deref(),
            criticality,
        )?;
        Ok(Saved::said("Allergy added"))
    }
}
