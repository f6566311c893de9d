//! Screenings due again (issue 18, `[[screening.rescreen]]`): their tasks
//! are made as the screen opens, before the day is read, so Today shows
//! them at once. The rule is `domain::screening`'s; the store makes each
//! task once (see `store::screening_due`).

use chrono::Duration;

use super::{App, Message};
use crate::store::RescreenPlan;

impl App {
    /// Makes the tasks of the user's patients' screenings that fall due
    /// by the end of Today's upcoming days. A failure is said in the
    /// status line; the screen opens all the same.
    pub(super) fn make_due_screenings(&mut self) {
        let settings = &self.settings;
        let mut unknown = Vec::new();
        let plans: Vec<RescreenPlan<'_>> = settings
            .screening
            .rescreen
            .iter()
            .filter_map(|rule| match settings.instruments.get(&rule.instrument) {
                Some(instrument) => Some(RescreenPlan {
                    rule,
                    instrument_name: &instrument.name,
                }),
                None => {
                    unknown.push(rule.instrument.clone());
                    None
                }
            })
            .collect();
        let until = self.clock.today() + Duration::days(settings.upcoming_days.into());
        let made = self.store.make_due_screening_tasks(&plans, until);
        if let Err(error) = made {
            self.message = Some(Message::Error(format!(
                "The screenings due could not be made tasks: {error}"
            )));
        } else if let Some(first) = unknown.first() {
            self.message = Some(Message::Error(format!(
                "A rescreen rule names an instrument tend does not have: {}",
                crate::text::clean(first)
            )));
        }
    }
}
