//! The caseload pane: my patients or the team's, sorted and filtered, read
//! from the store a window at a time.

use crossterm::event::KeyEvent;

use crate::app::keymap::Action;
use crate::app::line_input::{InputEvent, LineInput};
use crate::app::list::ListCursor;
// The scope is the caseload's: the screen reads it from here.
use crate::app::layers::Modal;
use crate::app::pane::PaneId;
use crate::app::{App, Message};
pub use crate::store::Scope;
use crate::store::{Anchor, CaseloadQuery, CaseloadRow, CaseloadSort, Store, StoreError};

/// Rows read beyond each edge of the screen, so most moves need no query.
const WINDOW_MARGIN: usize = 100;

pub struct CaseloadPane {
    pub query: CaseloadQuery,
    pub cursor: ListCursor,
    /// Index (in the whole list) of `rows[0]`.
    window_offset: usize,
    rows: Vec<CaseloadRow>,
    /// Whose patients the user covers today (their own list shows them).
    pub covering: Vec<String>,
}

/// What a key typed into the filter did.
pub enum FilterOutcome {
    /// The filter text changed (the list was re-queried).
    Changed,
    /// The filter was accepted (Enter) or cleared (Esc); typing is over.
    Closed,
    Unchanged,
}

impl CaseloadPane {
    pub fn new(user: &str) -> CaseloadPane {
        CaseloadPane {
            query: CaseloadQuery {
                scope: Scope::Mine,
                sort: CaseloadSort::Name,
                filter: String::new(),
                user: user.to_string(),
            },
            cursor: ListCursor::default(),
            window_offset: 0,
            rows: Vec::new(),
            covering: Vec::new(),
        }
    }

    pub fn selected(&self) -> Option<&CaseloadRow> {
        let index = self.cursor.selected()?;
        self.rows.get(index.checked_sub(self.window_offset)?)
    }

    pub fn selected_id(&self) -> Option<i64> {
        self.selected().map(|row| row.id)
    }

    /// The rows on screen.
    pub fn visible(&self) -> &[CaseloadRow] {
        let range = self.cursor.visible();
        let start = range
            .start
            .saturating_sub(self.window_offset)
            .min(self.rows.len());
        let end = range
            .end
            .saturating_sub(self.window_offset)
            .min(self.rows.len());
        &self.rows[start..end]
    }

    /// Re-counts and re-reads the list, keeping `keep` selected if it is still
    /// in it, else the same position.
    pub fn reload(&mut self, store: &Store, keep: Option<i64>) -> Result<(), StoreError> {
        self.covering = store.covered_today(&self.query.user)?;
        let len = store.caseload_count(&self.query)?;
        self.forget_window();
        self.cursor.set_len(len);
        if let Some(id) = keep {
            if let Some(position) = store.caseload_position_in(&self.query, id, Some(len))? {
                self.cursor.select(position);
            }
        }
        self.read_window(store)
    }

    /// Makes sure the rows on screen are in memory, reading a new window
    /// around them when they are not.
    pub fn ensure_window(&mut self, store: &Store) -> Result<(), StoreError> {
        let visible = self.cursor.visible();
        let loaded = self.window_offset..self.window_offset + self.rows.len();
        let complete =
            visible.is_empty() || (loaded.start <= visible.start && visible.end <= loaded.end);
        if complete {
            return Ok(());
        }
        self.read_window(store)
    }

    /// Reads the window around the rows on screen, from the nearest place
    /// the list is known: its ends, or the first and last rows read last
    /// time (see `store::caseload_seek`). A reload (`forget_window`) drops
    /// those, as the list may have changed under them.
    fn read_window(&mut self, store: &Store) -> Result<(), StoreError> {
        let visible = self.cursor.visible();
        let anchors: Vec<Anchor> = [self.rows.first(), self.rows.last()]
            .into_iter()
            .flatten()
            .zip([0, self.rows.len().saturating_sub(1)])
            .map(|(row, index)| Anchor {
                position: self.window_offset + index,
                patient_id: row.id,
            })
            .collect();
        let offset = visible.start.saturating_sub(WINDOW_MARGIN);
        let limit = (visible.end - offset) + WINDOW_MARGIN;
        self.rows =
            store.caseload_window_near(&self.query, offset, limit, self.cursor.len(), &anchors)?;
        self.window_offset = offset;
        Ok(())
    }

    /// Drops the rows read, so the next window is read afresh.
    fn forget_window(&mut self) {
        self.rows.clear();
        self.window_offset = 0;
    }

    /// Moves the selection; returns whether it moved.
    pub fn move_cursor(&mut self, store: &Store, action: Action) -> Result<bool, StoreError> {
        let moved = self.cursor.apply(action);
        self.ensure_window(store)?;
        Ok(moved)
    }

    pub fn set_height(&mut self, store: &Store, rows: usize) -> Result<(), StoreError> {
        self.cursor.set_height(rows);
        self.ensure_window(store)
    }

    pub fn toggle_scope(&mut self, store: &Store) -> Result<(), StoreError> {
        let keep = self.selected_id();
        self.query.scope = match self.query.scope {
            Scope::Mine => Scope::Team,
            Scope::Team => Scope::Mine,
        };
        self.reload(store, keep)
    }

    /// The next order; if the list cannot be read in it, the old order
    /// stays (and the list with it).
    pub fn cycle_sort(&mut self, store: &Store) -> Result<(), StoreError> {
        let keep = self.selected_id();
        let before = self.query.sort;
        self.query.sort = before.next();
        let reloaded = self.reload(store, keep);
        if reloaded.is_err() {
            self.query.sort = before;
        }
        reloaded
    }

    /// The filter line, to type in: it starts with the filter in force.
    pub fn start_filter(&self) -> LineInput {
        LineInput::new(&self.query.filter)
    }

    /// Clears the filter, keeping the selected patient.
    pub fn clear_filter(&mut self, store: &Store) -> Result<(), StoreError> {
        if self.query.filter.is_empty() {
            return Ok(());
        }
        let keep = self.selected_id();
        self.query.filter.clear();
        self.reload(store, keep)
    }

    /// A key typed into the filter line (`command`: what the keymap reads
    /// it as there).
    pub fn filter_key(
        &mut self,
        store: &Store,
        input: &mut LineInput,
        command: Option<Action>,
        key: KeyEvent,
    ) -> Result<FilterOutcome, StoreError> {
        match input.key(command, key) {
            InputEvent::Submit(_) => Ok(FilterOutcome::Closed),
            InputEvent::Cancel => {
                self.clear_filter(store)?;
                Ok(FilterOutcome::Closed)
            }
            InputEvent::Edited => {
                self.query.filter = input.text();
                self.cursor.select(0);
                self.reload(store, None)?;
                Ok(FilterOutcome::Changed)
            }
            InputEvent::Complete | InputEvent::Unchanged => Ok(FilterOutcome::Unchanged),
        }
    }

    /// Selects a patient, widening the view (clearing the filter, then
    /// showing the whole team) until the patient is in it.
    pub fn reveal(&mut self, store: &Store, patient_id: i64) -> Result<bool, StoreError> {
        let mut position = store.caseload_position(&self.query, patient_id)?;
        if position.is_none() && !self.query.filter.is_empty() {
            self.query.filter.clear();
            position = store.caseload_position(&self.query, patient_id)?;
        }
        if position.is_none() && self.query.scope == Scope::Mine {
            self.query.scope = Scope::Team;
            position = store.caseload_position(&self.query, patient_id)?;
        }
        self.reload(store, None)?;
        if let Some(position) = position {
            self.cursor.select(position);
            self.ensure_window(store)?;
        }
        Ok(position.is_some())
    }
}

impl App {
    /// The caseload's own keys: moves, open, the filter, team and sort.
    pub(super) fn caseload_action(&mut self, action: Action) -> Result<(), StoreError> {
        if action.is_movement() {
            let moved = self.caseload.move_cursor(&self.store, action)?;
            if moved {
                self.follow_selection()?;
            }
            return Ok(());
        }
        match action {
            Action::Open if self.caseload.selected().is_some() => self.focus = PaneId::Patient,
            Action::Filter => {
                self.layers
                    .open(Modal::Filter(self.caseload.start_filter()));
                self.apply_heights()?;
            }
            Action::ToggleTeam => {
                self.caseload.toggle_scope(&self.store)?;
                let scope = match self.caseload.query.scope {
                    Scope::Mine => "my patients",
                    Scope::Team => "the whole team",
                };
                self.message = Some(Message::Info(format!(
                    "Showing {scope} ({} patients)",
                    self.caseload.cursor.len()
                )));
                self.patient_changed()?;
            }
            Action::CycleSort => {
                self.caseload.cycle_sort(&self.store)?;
                self.message = Some(Message::Info(format!(
                    "Sorted by {}",
                    self.caseload.query.sort.label()
                )));
            }
            // The keymap gives the caseload no other action.
            _ => {}
        }
        Ok(())
    }
}
