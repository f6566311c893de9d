//! `I` and what follows a screening: the patient's screenings listed, one
//! instrument's history, a follow-up taken.

use super::follow_up::{FollowUp, FollowUps};
use super::trends::{ScreeningChart, ScreeningsList};
use crate::app::overlays::Overlay;
use crate::app::{App, Message};
use crate::store::StoreError;

impl App {
    /// `I`: goes on with the screening of the patient on screen left
    /// unfinished, if there is one; otherwise lists their screenings.
    pub(in crate::app) fn screenings(&mut self) -> Result<(), StoreError> {
        let Some(patient_id) = self.shown_patient else {
            self.message = Some(Message::Info("Open a patient first".into()));
            return Ok(());
        };
        let unfinished: Vec<_> = self
            .store
            .unfinished_screenings()?
            .into_iter()
            .filter(|u| u.patient_id == patient_id)
            .collect();
        if let Some(newest) = unfinished.first() {
            let loaded = self
                .settings
                .instruments
                .instruments
                .iter()
                .any(|i| i.id == newest.instrument);
            if loaded {
                return self.start_screening(patient_id, &newest.instrument.clone());
            }
        }
        let Some(patient) = self.store.patient(patient_id)? else {
            return Ok(());
        };
        let name = crate::domain::patient::list_name(&patient.family_name, &patient.given_name);
        let results = self.store.screening_results(patient_id)?;
        let unfinished: Vec<(String, usize)> = unfinished
            .into_iter()
            .map(|u| (u.instrument, u.answered))
            .collect();
        let list = ScreeningsList::new(
            patient_id,
            name,
            &self.settings.instruments.instruments,
            &results,
            &unfinished,
        );
        self.layers.show(Overlay::Screenings(Box::new(list)));
        Ok(())
    }

    /// Enter in `I`: the instrument's history for the patient.
    pub(in crate::app) fn show_screening_chart(
        &mut self,
        patient_id: i64,
        instrument: &str,
    ) -> Result<(), StoreError> {
        let Some(found) = self
            .settings
            .instruments
            .instruments
            .iter()
            .find(|i| i.id == instrument)
            .cloned()
        else {
            return Ok(());
        };
        let Some(patient) = self.store.patient(patient_id)? else {
            return Ok(());
        };
        let results: Vec<_> = self
            .store
            .screening_results(patient_id)?
            .into_iter()
            .filter(|r| r.instrument == instrument)
            .collect();
        if results.is_empty() {
            self.message = Some(Message::Info(format!(
                "No {} signed yet for this patient: n in the list starts one",
                found.name
            )));
            return self.screenings();
        }
        self.layers
            .show(Overlay::ScreeningChart(Box::new(ScreeningChart {
                patient_id,
                patient_name: crate::domain::patient::list_name(
                    &patient.family_name,
                    &patient.given_name,
                ),
                name: found.name.clone(),
                max_total: found.max_total(),
                bands: found
                    .bands
                    .iter()
                    .map(|b| (b.from, b.to, b.label.clone()))
                    .collect(),
                results,
            })));
        Ok(())
    }

    /// One of what a signed screening called for: the instrument started,
    /// or the need added to the plan (and the rest offered again).
    pub(in crate::app) fn take_follow_up(
        &mut self,
        taken: FollowUp,
        rest: FollowUps,
    ) -> Result<(), StoreError> {
        match taken {
            FollowUp::Offer { instrument, .. } => {
                self.start_screening(rest.patient_id, &instrument)?;
            }
            FollowUp::Need { domain, why } => {
                let text = format!("{} screening: {why}", rest.instrument);
                self.store.add_need(rest.patient_id, domain, &text)?;
                self.message = Some(Message::Info(format!(
                    "{} need added to the care plan",
                    domain.label()
                )));
                self.reload_view()?;
            }
        }
        if !rest.items.is_empty() {
            // Shown again over whatever was opened (a screening started).
            self.layers.show(Overlay::FollowUps(Box::new(rest)));
        }
        Ok(())
    }
}
