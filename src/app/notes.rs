//! Notes on the screen: the editor opened with `n`, drafts saved as they are
//! typed and offered back, signing and the follow-up it proposes, the
//! patient's timeline, one note in full, and search.

use std::time::Instant;

use crossterm::event::KeyEvent;

use super::editor::{CallSheet, EditorEvent, Kept, NoteEditor};
use super::keymap::Action;
use super::layers::Modal;
use super::pane::PaneId;
use super::prompts::{Addendum, CommandLine};
use super::{capitalise, App, Message, Overlay};
use crate::clock::Clock;
use crate::domain::language;
use crate::domain::note::FollowUp;
use crate::domain::task::TaskKind;
use crate::domain::task_line::TaskLine;
use crate::store::{AuditAction, Draft, DraftKept, NoteSummary, SearchHit, StoreError, TaskRef};
use crate::text::fit;

/// How many notes the timeline reads.
pub const TIMELINE_LENGTH: usize = 200;

/// A proposal made after signing, taken with Enter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proposal {
    AddRetry { patient_id: i64, line: TaskLine },
    Complete { task: TaskRef, title: String },
}

/// One line for a timeline: "2026-11-20 phone ✓ ccuser  First line".
pub fn summary_line(note: &NoteSummary, clock: &Clock) -> String {
    let first = note
        .body
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let lead = if note.part_of.is_some() {
        "↳ addendum".to_string()
    } else {
        format!(
            "{} {}",
            note.header.method.label(),
            note.header.outcome.mark()
        )
    };
    format!(
        "{} {lead} {}  {first}",
        clock.local_date(note.sent_at),
        note.author.as_deref().unwrap_or("?")
    )
}

/// The most search results a search overlay shows.
const SEARCH_SHOWN: usize = 200;

impl App {
    /// `n`: the note editor for the patient on screen (the one the patient
    /// pane shows), with their draft if there is one.
    pub(super) fn open_editor(&mut self, patient_id: Option<i64>) -> Result<(), StoreError> {
        let Some(patient_id) = patient_id.or(self.shown_patient) else {
            self.message = Some(Message::Error("Select a patient first".into()));
            return Ok(());
        };
        let Some(record) = self.store.patient(patient_id)? else {
            self.message = Some(Message::Error(
                "That patient is no longer in the database".into(),
            ));
            return Ok(());
        };
        let phones = [&record.phone_primary, &record.phone_secondary]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let mut lang = language::name(&record.language).to_string();
        if record.interpreter_needed {
            lang.push_str(", interpreter");
        }
        let goals = self
            .store
            .goals(patient_id)?
            .into_iter()
            .filter(|g| g.status.is_open())
            .map(|g| g.description)
            .collect();
        let sheet = CallSheet {
            name: format!("{} {}", record.given_name, record.family_name),
            phones,
            language: lang,
            goals,
        };
        // A draft kept aside (the disk was full) is newer than any in the
        // database: it is what was typed last.
        let aside = self
            .store
            .drafts_kept_aside()
            .into_iter()
            .find(|d| d.patient_id == patient_id);
        let draft = match &aside {
            Some(kept) => Some(Draft {
                id: 0,
                patient_id,
                header: kept.header,
                body: kept.body.clone(),
                started_at: kept.started_at,
                version: kept.seen.unwrap_or(0),
            }),
            None => self.store.draft(patient_id)?,
        };
        let reopened = draft.is_some();
        let mut editor = NoteEditor::new(patient_id, sheet, draft, self.clock.now_utc());
        if let Some(kept) = aside {
            editor.version = kept.seen;
            editor.kept = Kept::Aside(kept.path);
            editor.mark_unsaved();
        }
        self.layers.open(Modal::Editor(editor));
        self.pending_drafts.retain(|p| *p != patient_id);
        self.message = Some(Message::Info(if reopened {
            format!(
                "Your draft is back · {} signs · {} keeps it",
                self.key("editor_sign"),
                self.key("editor_close")
            )
        } else {
            format!(
                "Type the note · {}: method, with whom, outcome · {} signs · {} keeps a draft",
                self.key("editor_header"),
                self.key("editor_sign"),
                self.key("editor_close")
            )
        }));
        Ok(())
    }

    /// `d`: reopens the draft offered at start-up.
    pub(super) fn resume_draft(&mut self) -> Result<(), StoreError> {
        let Some(&patient_id) = self.pending_drafts.first() else {
            self.message = Some(Message::Info("No draft is waiting".into()));
            return Ok(());
        };
        self.bring_up(patient_id)?;
        self.open_editor(Some(patient_id))
    }

    pub(super) fn editor_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        let Some(context) = self.layers.editor().map(NoteEditor::context) else {
            return Ok(());
        };
        let command = self.settings.keymap.command(context, &key);
        if command == Some(Action::Help) {
            self.layers.show(Overlay::Help {
                scroll: 0,
                of: context,
            });
            return Ok(());
        }
        let Some(editor) = self.layers.editor_mut() else {
            return Ok(());
        };
        match editor.key(command, key) {
            EditorEvent::Edited => self.autosave(false),
            EditorEvent::Unchanged => Ok(()),
            EditorEvent::SigningStopped { edited } => {
                let missing: Vec<String> = editor
                    .header
                    .missing()
                    .iter()
                    .map(|f| f.label().to_lowercase())
                    .collect();
                self.message = Some(Message::Error(format!(
                    "Not signed: the {} is still to choose; {} asks again",
                    missing.join(", "),
                    self.settings.keymap.key_name("editor_sign")
                )));
                if edited {
                    self.autosave(false)?;
                }
                Ok(())
            }
            EditorEvent::Close => {
                if editor.text().trim().is_empty() && editor.kept.is_in_database() {
                    // Nothing written: nothing to keep, and nothing to offer
                    // back at every start.
                    return self.discard_draft(false);
                }
                self.autosave(true)?;
                let Some(editor) = self.layers.editor() else {
                    return Ok(());
                };
                self.message = Some(match &editor.kept {
                    Kept::Database => Message::Info("Draft saved; n on this patient reopens it".into()),
                    Kept::Aside(path) => Message::Error(format!(
                        "The disk is full: the draft is kept in {}; it goes into the database when there is room, and n reopens it",
                        path.display()
                    )),
                    Kept::Nowhere(_) => {
                        // Closing would lose it: the editor stays.
                        self.message = Some(Message::Error(
                            format!(
                                "The note is not saved anywhere (the disk is full): it stays open; free some space, then {}",
                                self.key("editor_close")
                            ),
                        ));
                        return Ok(());
                    }
                });
                self.layers.take_editor();
                Ok(())
            }
            EditorEvent::Discard => {
                self.layers.show(Overlay::ConfirmDiscard);
                Ok(())
            }
            EditorEvent::Sign => self.sign(),
            EditorEvent::PickTemplate => {
                self.layers.show(Overlay::Templates { selected: 0 });
                Ok(())
            }
            EditorEvent::InsertTime => {
                let time = self.clock.now().format("%H:%M ").to_string();
                editor.insert(&time);
                self.autosave(false)
            }
        }
    }

    /// Saves the open draft when a save is due, or at once with `now`.
    pub(super) fn autosave(&mut self, now: bool) -> Result<(), StoreError> {
        let Some(editor) = self.layers.editor() else {
            return Ok(());
        };
        // A new note with no text yet is not a draft worth keeping.
        let untouched_new = editor.version.is_none()
            && editor.kept.is_in_database()
            && (!editor.is_dirty() || editor.text().trim().is_empty());
        let due = (now && (editor.is_dirty() || !editor.kept.is_in_database()))
            || editor.save_due(Instant::now());
        if untouched_new || !due {
            return Ok(());
        }
        self.save_draft_now()
    }

    /// Writes the editor's header and text to its draft, whatever has
    /// changed; if another window saved the same draft meanwhile, both texts
    /// are kept and the editor shows them. When the database cannot take it
    /// (a full disk), the draft is kept aside in a file, and the editor
    /// says where; failing even that, the editor says the note is on the
    /// screen only.
    fn save_draft_now(&mut self) -> Result<(), StoreError> {
        let now = self.clock.now_utc();
        let Some(editor) = self.layers.editor_mut() else {
            return Ok(());
        };
        let at = Instant::now();
        let kept = self.store.keep_draft(
            editor.patient_id,
            &editor.header_at(now),
            &editor.text(),
            editor.started_at,
            editor.version,
        );
        editor.mark_saved(at);
        match kept {
            DraftKept::Database(saved) => {
                let was_aside = !editor.kept.is_in_database();
                editor.version = Some(saved.version);
                editor.kept = Kept::Database;
                if let Some(merged) = saved.merged {
                    editor.replace_text(&merged);
                    self.message = Some(Message::Error(
                        "This draft was also open in another window: both texts are kept, check before signing".into(),
                    ));
                } else if was_aside {
                    self.message = Some(Message::Info(
                        "There is room again: the note is saved in the database".into(),
                    ));
                }
            }
            DraftKept::Aside { path, .. } => {
                editor.kept = Kept::Aside(path);
                self.disk_trouble =
                    Some("The disk is full: the note is kept in a file beside the database".into());
            }
            DraftKept::Nowhere { why } => {
                // Tried again each second; the text stays dirty meanwhile.
                editor.mark_unsaved();
                editor.kept = Kept::Nowhere(why);
                self.disk_trouble =
                    Some("The disk is full: the note is not saved anywhere yet".into());
            }
        }
        Ok(())
    }

    /// Closes the editor and deletes its draft; `said` makes it say so (an
    /// empty note closes quietly).
    pub(super) fn discard_draft(&mut self, said: bool) -> Result<(), StoreError> {
        let Some(editor) = self.layers.take_editor() else {
            return Ok(());
        };
        if let Some(seen) = editor.version {
            if let Err(error) = self.store.discard_draft(editor.patient_id, seen) {
                self.layers.open(Modal::Editor(editor));
                return match error {
                    StoreError::Conflict(reason) => {
                        self.message = Some(Message::Error(capitalise(&reason)));
                        Ok(())
                    }
                    other => Err(other),
                };
            }
        }
        self.message = Some(Message::Info(if said {
            "Draft discarded".into()
        } else {
            "Closed; nothing was written".into()
        }));
        Ok(())
    }

    /// Saves whatever is open; called however tend ends (quit, signal,
    /// hang-up).
    pub fn save_open_draft(&mut self) -> Result<(), StoreError> {
        self.autosave(true)
    }

    fn sign(&mut self) -> Result<(), StoreError> {
        let Some(editor) = self.layers.editor() else {
            return Ok(());
        };
        if editor.text().trim().is_empty() {
            self.message = Some(Message::Error(
                "The note is empty: write what happened before signing".into(),
            ));
            return Ok(());
        }
        let patient_id = editor.patient_id;
        // What is signed is exactly what the screen shows, minutes included.
        let seen_before = editor.version;
        self.save_draft_now()?;
        let Some(editor) = self.layers.editor() else {
            return Ok(());
        };
        if !editor.kept.is_in_database() {
            self.message = Some(Message::Error(
                "Not signed: the disk is full, so the note cannot go into the record yet; it is kept (see above) and stays open".into(),
            ));
            return Ok(());
        }
        let merged = matches!(&self.message, Some(Message::Error(m)) if m.starts_with("This draft was also open"));
        if merged && seen_before.is_some() {
            return Ok(());
        }
        let Some(header) = editor.header_at(self.clock.now_utc()).complete() else {
            // The editor asks for every field before it signs; the store
            // would refuse too.
            self.message = Some(Message::Error(
                "Not signed: choose the method, with whom and the outcome first".into(),
            ));
            return Ok(());
        };
        let version = editor.version.unwrap_or(1);
        match self.store.sign_note(patient_id, version) {
            Ok(_) => {}
            Err(StoreError::Refused(reason) | StoreError::Conflict(reason)) => {
                self.message = Some(Message::Error(capitalise(&reason)));
                return Ok(());
            }
            Err(error) => return Err(error),
        }
        self.layers.take_editor();
        self.message = Some(Message::Info("Signed".into()));
        self.reload_view()?;
        self.propose_follow_up(patient_id, &header)
    }

    fn propose_follow_up(
        &mut self,
        patient_id: i64,
        header: &crate::domain::note::NoteHeader,
    ) -> Result<(), StoreError> {
        let proposal =
            match self
                .settings
                .follow_up
                .proposal(header, self.today(), &self.settings.calendar)
            {
                Some(FollowUp::Retry { due, title }) => Some(Proposal::AddRetry {
                    patient_id,
                    line: TaskLine {
                        title,
                        due: Some(due),
                        kind: Some(TaskKind::Call),
                        ..TaskLine::default()
                    },
                }),
                // Only the user's own outreach call, due within the upcoming
                // days: never a colleague's task, nor one far off.
                Some(FollowUp::CompleteOutreach) => self
                    .store
                    .patient_tasks(patient_id)?
                    .into_iter()
                    .find(|t| {
                        t.kind == TaskKind::Call
                            && t.owner.as_deref() == Some(self.settings.user.as_str())
                            && t.due_on.is_some_and(|d| {
                                d <= self.today()
                                    + chrono::Duration::days(self.settings.upcoming_days.into())
                            })
                    })
                    .map(|t| Proposal::Complete {
                        task: (&t).into(),
                        title: t.title,
                    }),
                None => None,
            };
        if let Some(proposal) = proposal {
            self.layers.show(Overlay::Proposal(proposal));
        }
        Ok(())
    }

    /// Enter on a proposal: do it (undoable like any change).
    pub(super) fn accept_proposal(&mut self, proposal: Proposal) -> Result<(), StoreError> {
        let today = self.today();
        let change = match proposal {
            Proposal::AddRetry { patient_id, line } => {
                self.store
                    .add_task(patient_id, &self.settings.user, &line, today, None)
            }
            Proposal::Complete { task, .. } => {
                self.store
                    .complete_tasks(&[task], Some("reached (see note)"), today)
            }
        };
        match change {
            Ok(change) => self.changed(change),
            Err(error @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
                self.reload_view()
            }
            Err(error) => Err(error),
        }
    }

    /// A template picked with Ctrl-T.
    pub(super) fn insert_template(&mut self, index: usize) -> Result<(), StoreError> {
        let Some(template) = self.settings.templates.get(index).cloned() else {
            return Ok(());
        };
        if let Some(editor) = self.layers.editor_mut() {
            editor.insert(&template.text);
        }
        self.autosave(false)
    }

    /// Text pasted into the terminal: into the note, or the open one-line
    /// field (its first line).
    pub fn paste(&mut self, text: &str) {
        self.last_key = std::time::Instant::now();
        // Locked, a paste is the passphrase (from a password manager), and
        // never reaches the note under the lock.
        if let Some(lock) = self.layers.lock_mut() {
            lock.paste(text);
            return;
        }
        let result = if let Some(editor) = self.layers.editor_mut() {
            editor.insert(text);
            self.autosave(false)
        } else {
            Ok(())
        };
        self.report(result);
    }

    /// Enter in the patient pane: the timeline of notes.
    pub(super) fn open_timeline(&mut self) -> Result<(), StoreError> {
        let Some(patient_id) = self.shown_patient else {
            return Ok(());
        };
        let notes = self.store.timeline(patient_id, TIMELINE_LENGTH)?;
        if notes.is_empty() {
            self.message = Some(Message::Info("No notes yet; n writes one".into()));
            return Ok(());
        }
        self.layers.show(Overlay::Timeline { notes, selected: 0 });
        Ok(())
    }

    /// A note in full, with the addenda that correct it.
    pub(super) fn open_note(&mut self, note_id: i64, patient_id: i64) -> Result<(), StoreError> {
        let timeline = self.store.timeline(patient_id, TIMELINE_LENGTH)?;
        let Some(note) = timeline.iter().find(|n| n.id == note_id).cloned() else {
            self.message = Some(Message::Error("That note is not in the timeline".into()));
            return Ok(());
        };
        let addenda: Vec<NoteSummary> = timeline
            .into_iter()
            .filter(|n| n.part_of == Some(note_id))
            .rev()
            .collect();
        self.store.write(|tx| {
            tx.audit(
                AuditAction::Read,
                "Communication",
                Some(note_id),
                Some(patient_id),
                None,
            )
        })?;
        self.layers.show(Overlay::Note {
            note,
            addenda,
            scroll: 0,
        });
        Ok(())
    }

    /// `:search words` or `/` in the timeline: matching notes, best first.
    pub(super) fn search(&mut self, words: &str) -> Result<(), StoreError> {
        let hits: Vec<SearchHit> = self.store.search_notes_audited(words, SEARCH_SHOWN)?;
        if hits.is_empty() {
            self.message = Some(Message::Info(format!(
                "No signed note holds {}",
                fit(words.trim(), 40)
            )));
            return Ok(());
        }
        // As many as are shown: more may hold the words (uncounted: millions).
        let capped = hits.len() == SEARCH_SHOWN;
        self.message = Some(Message::Info(if capped {
            format!(
                "The best {} matches shown; more notes hold the words",
                hits.len()
            )
        } else {
            format!("{} notes match", hits.len())
        }));
        self.layers.show(Overlay::Search {
            words: words.trim().to_string(),
            hits,
            capped,
            selected: 0,
        });
        Ok(())
    }

    /// Enter on a search result: the patient, and the note in full.
    pub(super) fn open_hit(&mut self, hit: &SearchHit) -> Result<(), StoreError> {
        if self.bring_up(hit.patient_id)? {
            self.focus = PaneId::Patient;
        }
        self.open_note(hit.note_id, hit.patient_id)
    }

    /// `:` opens the command line.
    pub(super) fn open_command(&mut self) -> Result<(), StoreError> {
        self.ask(
            CommandLine,
            "Command: search · glass · audit · transitions [team] · encounter · complexity · adt"
                .into(),
            "",
        )
    }

    /// `a` in a note's view: a one-line addendum.
    pub(super) fn open_addendum(&mut self, note_id: i64) -> Result<(), StoreError> {
        self.ask(
            Addendum { note_id },
            format!(
                "Addendum (a correction, signed with your name when you press {})",
                self.key("line_submit")
            ),
            "",
        )
    }

    pub(super) fn add_addendum(&mut self, note_id: i64, text: &str) -> Result<(), StoreError> {
        match self.store.add_addendum(note_id, text) {
            Ok(_) => {
                self.message = Some(Message::Info("Addendum signed".into()));
                self.reload_view()?;
                if let Some(patient_id) = self.shown_patient {
                    self.open_note(note_id, patient_id)?;
                }
                Ok(())
            }
            Err(StoreError::Refused(reason)) => {
                self.message = Some(Message::Error(capitalise(&reason)));
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}
