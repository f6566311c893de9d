//! The views across patients: the open loops of my patients or the team's,
//! oldest first (`L`, `:loops [team]`), a search of all loops by words
//! (`:loops WORDS`), and my appointments of seven days (`W`, `:week`, `]`
//! and `[` for the next and previous seven). Reading them writes no audit
//! row (they show names, as the caseload does); `Enter` opens the patient,
//! the usual audited view.

use chrono::{Duration, NaiveDate};

use super::Message;
use crate::app::overlays::Overlay;
use crate::app::App;
use crate::store::{OpenLoop, StoreError, WeekAppointment};

/// How many loops a search lists.
pub const SEARCH_ROWS: usize = 200;

/// The open-loops view's rows, and what they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopsView {
    /// The team's rather than mine.
    pub team: bool,
    /// The words searched for, when a search (open or not).
    pub words: Option<String>,
    pub rows: Vec<OpenLoop>,
    pub selected: usize,
}

/// My week of appointments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeekView {
    pub from: NaiveDate,
    pub rows: Vec<WeekAppointment>,
    /// My patients' appointments kept and missed, for the no-show rate.
    pub kept: u32,
    pub missed: u32,
    pub selected: usize,
}

impl App {
    /// `L`, `:loops`, `:loops team`, `:loops WORDS`.
    pub(in crate::app) fn open_loops_view(&mut self, words: &str) -> Result<(), StoreError> {
        let words = words.trim();
        let (team, search) = match words {
            "" => (false, None),
            "team" => (true, None),
            words => (false, Some(words.to_string())),
        };
        let rows = match &search {
            Some(words) => self.store.search_loops(words, SEARCH_ROWS)?,
            None => self.store.open_loops(&self.settings.user, team)?,
        };
        let today = self.today();
        let late = rows
            .iter()
            .filter(|r| r.next_due.is_some_and(|d| d < today))
            .count();
        self.message = Some(Message::Info(match (&search, rows.len()) {
            (Some(words), 0) => format!(
                "No referral, appointment or authorization matches \"{}\"",
                crate::text::fit(words, 30)
            ),
            (Some(_), 1) => "1 loop matches".into(),
            (Some(_), n) => format!("{n} loops match"),
            (None, 0) => "No loop is open: nothing waits on anyone".into(),
            (None, n) => format!(
                "{n} open loop{}, {late} with the next step late",
                if n == 1 { "" } else { "s" }
            ),
        }));
        self.layers.show(Overlay::OpenLoops(Box::new(LoopsView {
            team,
            words: search,
            rows,
            selected: 0,
        })));
        Ok(())
    }

    /// `W`, `:week`: my appointments of the seven days from `from` (today
    /// when `None`).
    pub(in crate::app) fn open_week(&mut self, from: Option<NaiveDate>) -> Result<(), StoreError> {
        let from = from.unwrap_or_else(|| self.today());
        let rows = self
            .store
            .appointments_week(&self.settings.user, false, from)?;
        let (kept, missed) = self.store.no_show_counts(None, &self.settings.user)?;
        self.layers.show(Overlay::Week(Box::new(WeekView {
            from,
            rows,
            kept,
            missed,
            selected: 0,
        })));
        Ok(())
    }

    /// `]`, `[` in the week: seven days on, or back.
    pub(in crate::app) fn shift_week(
        &mut self,
        from: NaiveDate,
        days: i64,
    ) -> Result<(), StoreError> {
        self.open_week(Some(from + Duration::days(days)))
    }
}
