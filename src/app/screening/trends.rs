//! The patient's screenings as `I` lists them, an instrument a row with
//! its trend, and one instrument's history as a chart (Enter).

use super::super::overlays::{step, Outcome};
use super::super::{effects::Effect, keymap::Action};
use super::follow_up::{FollowUp, FollowUps};
use crate::domain::instrument::Instrument;
use crate::store::ScreeningResult;

/// One instrument, with the patient's signed results of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentRow {
    pub id: String,
    pub name: String,
    pub title: String,
    /// The highest total it allows: the trend's scale.
    pub max_total: u32,
    /// Oldest first.
    pub results: Vec<ScreeningResult>,
    /// Answers given in a screening left unfinished, if any.
    pub unfinished: Option<usize>,
}

/// `I`: the loaded instruments, those the patient has results of first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningsList {
    pub patient_id: i64,
    pub patient_name: String,
    pub rows: Vec<InstrumentRow>,
    pub selected: usize,
}

/// One instrument's history: each result on the instrument's scale, with
/// its bands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScreeningChart {
    pub patient_id: i64,
    pub patient_name: String,
    pub name: String,
    pub max_total: u32,
    /// Its bands: from, to, label.
    pub bands: Vec<(u32, u32, String)>,
    pub results: Vec<ScreeningResult>,
}

impl ScreeningsList {
    pub fn new(
        patient_id: i64,
        patient_name: String,
        instruments: &[Instrument],
        results: &[ScreeningResult],
        unfinished: &[(String, usize)],
    ) -> ScreeningsList {
        let mut rows: Vec<InstrumentRow> = instruments
            .iter()
            .map(|i| InstrumentRow {
                id: i.id.clone(),
                name: i.name.clone(),
                title: i.title.clone(),
                max_total: i.max_total(),
                results: results
                    .iter()
                    .filter(|r| r.instrument == i.id)
                    .cloned()
                    .collect(),
                unfinished: unfinished
                    .iter()
                    .find(|(id, _)| id == &i.id)
                    .map(|(_, n)| *n),
            })
            .collect();
        // Those with something to show first, keeping the shipped order.
        rows.sort_by_key(|r| r.results.is_empty() && r.unfinished.is_none());
        ScreeningsList {
            patient_id,
            patient_name,
            rows,
            selected: 0,
        }
    }
}

/// A key in `I`'s list.
pub fn list_key(list: &mut ScreeningsList, action: Option<Action>) -> Outcome {
    match (action, list.rows.get(list.selected)) {
        (Some(Action::StartScreening), Some(row)) => Outcome::CloseThen(Effect::StartScreening {
            patient_id: list.patient_id,
            instrument: row.id.clone(),
        }),
        (Some(Action::Choose), Some(row)) => Outcome::CloseThen(Effect::ShowScreeningChart {
            patient_id: list.patient_id,
            instrument: row.id.clone(),
        }),
        (Some(Action::StartScreening | Action::Choose), None) => Outcome::Stay,
        _ if step(&mut list.selected, list.rows.len(), action) => Outcome::Stay,
        _ => Outcome::Close,
    }
}

/// A key in the follow-ups: Enter (or the number) does one; the rest stay.
pub fn follow_up_key(
    list: &mut FollowUps,
    action: Option<Action>,
    number: Option<usize>,
) -> Outcome {
    let chosen = match action {
        Some(Action::Choose) => Some(list.selected),
        Some(Action::ChooseNumbered) => number.map(|n| n.saturating_sub(1)),
        _ if step(&mut list.selected, list.items.len(), action) => return Outcome::Stay,
        _ => return Outcome::Close,
    };
    match chosen.filter(|&i| i < list.items.len()) {
        Some(index) => {
            let mut rest = list.clone();
            let taken: FollowUp = rest.items.remove(index);
            rest.selected = 0;
            Outcome::CloseThen(Effect::TakeFollowUp {
                taken,
                rest: Box::new(rest),
            })
        }
        None => Outcome::Stay,
    }
}
