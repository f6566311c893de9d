//! `x` on the record: confirms ending the entry under the cursor (a
//! medication stopped, a condition resolved, a flag taken down…).

use super::Purpose;
use crate::app::App;
use crate::store::{RecordItem, StoreError};

pub struct EndItem {
    pub patient_id: i64,
    pub item: RecordItem,
}

impl Purpose for EndItem {
    fn preview(&self, app: &App, _text: &str) -> Result<String, String> {
        Ok(format!(
            "{} confirms, {} keeps it",
            app.key("line_submit"),
            app.key("line_cancel")
        ))
    }

    fn submit(self: Box<Self>, app: &mut App, _text: &str) -> Result<(), StoreError> {
        let result = app.store.end_record_item(self.patient_id, self.item);
        app.after_plan_change(result.map(|()| match self.item {
            RecordItem::Condition(_) => "Condition marked resolved",
            RecordItem::Medication(_) => "Medication stopped; R stamps the list reconciled",
            RecordItem::Allergy(_) => "Allergy removed",
            RecordItem::CareTeamMember(_) => "Removed from the care team",
            RecordItem::Flag(_) => "Flag taken down",
        }))
    }
}
