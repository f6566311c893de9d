//! `R` on the record: the medication list reviewed with the patient today
//! (one stamp, on the record as the user saw it).

use super::Purpose;
use crate::app::App;
use crate::store::StoreError;

pub struct Reconcile {
    pub patient_id: i64,
    pub version: i64,
}

impl Purpose for Reconcile {
    fn preview(&self, app: &App, _text: &str) -> Result<String, String> {
        Ok(format!(
            "{} stamps the list as reconciled on {}",
            app.key("line_submit"),
            app.today()
        ))
    }

    fn submit(self: Box<Self>, app: &mut App, _text: &str) -> Result<(), StoreError> {
        let today = app.today();
        let result = app
            .store
            .reconcile_medications(self.patient_id, self.version, today);
        app.after_plan_change(result.map(|()| "Medications reconciled today"))
    }
}
