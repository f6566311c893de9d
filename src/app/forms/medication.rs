//! A medication on the record's list (`a` on Medications).

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved};
use crate::app::form::{field_ids, Field, FieldKind, Form};
use crate::store::{Medication, Store, StoreError};

field_ids! {
    pub enum MedicationField {
        Name,
        Dose,
        Frequency,
        Prescriber,
    }
}

pub struct MedicationForm {
    patient_id: i64,
}

pub fn open(patient_id: i64, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        MedicationForm { patient_id },
        "New medication".into(),
        today,
    )
}

impl FormSpec for MedicationForm {
    type Id = MedicationField;

    fn field(&self, id: MedicationField) -> Field {
        use MedicationField as F;
        match id {
            F::Name => Field::new("Medication", FieldKind::Text, "").required(),
            F::Dose => Field::new("Dose", FieldKind::Text, ""),
            F::Frequency => Field::new("Frequency", FieldKind::Text, ""),
            F::Prescriber => Field::new("Prescriber", FieldKind::Text, ""),
        }
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        use MedicationField as F;
        let medication = Medication {
            id: 0,
            name: form.text(F::Name).unwrap_or_default(),
            dose: form.text(F::Dose),
            frequency: form.text(F::Frequency),
            prescriber: form.text(F::Prescriber),
            active: true,
        };
        store.add_medication(self.patient_id, &medication)?;
        Ok(Saved::said(
            "Medication added; R stamps the list reconciled",
        ))
    }
}
