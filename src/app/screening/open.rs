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
                self.start_screening_with(rest.patient_id, &instrument, &rest.carried)?;
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

    /// `c` in a history: a new screening of the same instrument correcting
    /// the signed one, with its answers filled in, from the first item;
    /// the coordinator changes what was wrong and signs.
    pub(in crate::app) fn correct_screening(
        &mut self,
        patient_id: i64,
        id: i64,
    ) -> Result<(), StoreError> {
        let Some(wrong) = self.store.screening(id)? else {
            return Ok(());
        };
        let Some(instrument) = self
            .settings
            .instruments
            .instruments
            .iter()
            .find(|i| i.id == wrong.instrument)
            .cloned()
        else {
            self.message = Some(Message::Error(format!(
                "The {} is no longer loaded: it cannot be corrected here",
                wrong.instrument_name
            )));
            return Ok(());
        };
        if self
            .store
            .unfinished_screening(patient_id, &instrument.id)?
            .is_some()
        {
            self.message = Some(Message::Info(format!(
                "A {} of this patient is unfinished: finish it or throw it away first",
                instrument.name
            )));
            return Ok(());
        }
        let Some(patient) = self.store.patient(patient_id)? else {
            return Ok(());
        };
        let new_id =
            self.store
                .start_screening(patient_id, &instrument.id, &instrument.name, Some(id))?;
        let Some(fresh) = self.store.screening(new_id)? else {
            return Ok(());
        };
        let name = crate::domain::patient::list_name(&patient.family_name, &patient.given_name);
        let sex = crate::domain::instrument::RuleSex::from(patient.sex);
        let mut view = super::ScreeningView::new(&fresh, instrument.clone(), name.clone(), sex);
        view.answers = super::ScreeningView::new(&wrong, instrument, name, sex).answers;
        // The flag and task the wrong one raised stand: not raised twice.
        view.safety_raised = wrong.safety_raised;
        let day = wrong
            .signed_at
            .map(|t| crate::domain::dates::show(t.with_timezone(&self.store.offset()).date_naive()))
            .unwrap_or_default();
        self.store.save_screening(view.id, &view.saved(), 0, None)?;
        self.message = Some(Message::Info(format!(
            "Correcting the {} of {day}: its answers are filled in; change what was wrong, then sign",
            view.instrument.name
        )));
        self.layers
            .open(super::super::layers::Modal::Screening(Box::new(view)));
        Ok(())
    }

    /// The unfinished screening thrown away (`y` to the question).
    pub(in crate::app) fn abandon_screening(&mut self, id: i64) -> Result<(), StoreError> {
        self.store.abandon_screening(id)?;
        let name = self
            .layers
            .take_screening()
            .map(|v| v.instrument.name.clone())
            .unwrap_or_else(|| "screening".into());
        self.message = Some(Message::Info(format!(
            "The unfinished {name} was thrown away"
        )));
        Ok(())
    }
}
