//! A member of the patient's care team (`a` on Care team).

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved};
use crate::app::form::{field_ids, Field, FieldKind, Form};
use crate::store::{CareTeamMember, Store, StoreError};

field_ids! {
    pub enum CareTeamField {
        Role,
        Name,
        Organization,
        Phone,
    }
}

pub struct CareTeamForm {
    patient_id: i64,
}

pub fn open(patient_id: i64, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        CareTeamForm { patient_id },
        "New member of the care team".into(),
        today,
    )
}

impl FormSpec for CareTeamForm {
    type Id = CareTeamField;

    fn field(&self, id: CareTeamField) -> Field {
        use CareTeamField as F;
        match id {
            F::Role => Field::new("Role", FieldKind::Text, "").required(),
            F::Name => Field::new("Name", FieldKind::Text, "").required(),
            F::Organization => Field::new("Organisation", FieldKind::Text, ""),
            F::Phone => Field::new("Phone", FieldKind::Phone, ""),
        }
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        use CareTeamField as F;
        let member = CareTeamMember {
            id: 0,
            role: form.text(F::Role).unwrap_or_default(),
            name: form.text(F::Name).unwrap_or_default(),
            organization: form.text(F::Organization),
            phone: form.text(F::Phone),
        };
        store.add_care_team_member(self.patient_id, &member)?;
        Ok(Saved::said("Care team member added"))
    }
}
