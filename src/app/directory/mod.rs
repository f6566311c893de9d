//! The community resource directory on the screen (issue 17, item 2): a
//! query line over the services it finds, searched again as each key is
//! typed (a search is a few milliseconds at 50,000 services, and only the
//! rows that change are redrawn).
//!
//! Opened from a patient's referrals (`s`), the line starts with the
//! patient's ZIP code (`zip:10027`) and offers their language as a filter
//! without imposing it (`Ctrl-G` adds `lang:es`); `Enter` opens the new
//! referral's form filled in with the service, its HSDS id kept for the
//! referral to name it. Opened with `:directory [WORDS]`, for browsing
//! without a patient, `Enter` shows the service in full. `Tab` goes round
//! the need domains (`domain:food`).

pub mod query;

use super::forms::referral::{self, FromService};
use super::keymap::{Action, Context};
use super::layers::Modal;
use super::line_input::{InputEvent, LineInput};
use super::loops::LoopKind;
use super::overlays::Overlay;
use super::{App, Message};
use crate::domain::care_plan::NeedDomain;
use crate::domain::directory::{zip5, ResourceHit};
use crate::store::StoreError;

/// The patient a referral is being made for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForPatient {
    pub id: i64,
    /// "Synth Alpha", for the title.
    pub name: String,
    /// Their preferred language, when it is not English: its code (`es`)
    /// and name ("Spanish"), offered as a filter.
    pub language: Option<(String, String)>,
}

/// The directory's state: the line, what it found, and for whom.
pub struct DirectoryView {
    pub input: LineInput,
    /// `None` while browsing (`:directory`).
    pub patient: Option<ForPatient>,
    pub hits: Vec<ResourceHit>,
    pub selected: usize,
    /// What the line holds that the search left out, and why.
    pub unread: Vec<String>,
    /// The filters the search used, in words ("food · Spanish · near
    /// 10027"), for the line under the query.
    pub filters: String,
    /// Whether the search asked for a ZIP code (hits then say in it or
    /// nearby).
    pub by_zip: bool,
    /// How many services a page key moves by: about as many as the
    /// screen shows when the directory opens (two rows each).
    pub page: usize,
}

impl DirectoryView {
    pub fn selected_hit(&self) -> Option<&ResourceHit> {
        self.hits.get(self.selected)
    }

    fn step(&mut self, action: Action) {
        let last = self.hits.len().saturating_sub(1);
        let page = self.page.max(1);
        self.selected = match action {
            Action::MoveDown => (self.selected + 1).min(last),
            Action::MoveUp => self.selected.saturating_sub(1),
            Action::PageDown => (self.selected + page).min(last),
            Action::PageUp => self.selected.saturating_sub(page),
            _ => self.selected,
        };
    }
}

/// "Weekly groceries — Sample Food Pantry": the service and who gives
/// it, or the name alone when it already says who.
pub fn receiver(hit: &ResourceHit) -> String {
    let org = hit.organization.trim();
    if org.is_empty() || hit.name.to_lowercase().contains(&org.to_lowercase()) {
        hit.name.clone()
    } else {
        format!("{} — {org}", hit.name)
    }
}

/// Whether a language tag is one an interpreter or a filter is worth
/// offering for: known, and not English.
fn other_language(tag: &str) -> Option<String> {
    let primary = tag.split('-').next().unwrap_or("").trim();
    match primary {
        "" | "en" | "und" | "unknown" | "declined" | "mis" | "zxx" => None,
        code => Some(code.to_string()),
    }
}

impl App {
    /// `s` in the referrals (for that patient), `:directory [WORDS]`
    /// (browsing, `patient_id` none).
    pub(super) fn open_directory(
        &mut self,
        patient_id: Option<i64>,
        words: &str,
    ) -> Result<(), StoreError> {
        let mut line = String::new();
        let mut patient = None;
        if let Some(id) = patient_id {
            let record = self.store.patient(id)?;
            if let Some(zip) = record
                .as_ref()
                .and_then(|p| p.postal_code.as_deref())
                .and_then(zip5)
            {
                line.push_str(&format!("zip:{zip} "));
            }
            let language = record
                .as_ref()
                .and_then(|p| other_language(&p.language))
                .map(|code| {
                    let name = query::language_name(&code).unwrap_or_else(|| code.clone());
                    (code, name)
                });
            patient = Some(ForPatient {
                id,
                name: record
                    .map(|r| format!("{} {}", r.given_name, r.family_name))
                    .unwrap_or_default(),
                language,
            });
        }
        let words = words.trim();
        if !words.is_empty() {
            line.push_str(words);
            line.push(' ');
        }
        let mut view = DirectoryView {
            input: LineInput::new(&line),
            patient,
            hits: Vec::new(),
            selected: 0,
            unread: Vec::new(),
            filters: String::new(),
            by_zip: false,
            page: usize::from(self.size.1.saturating_sub(10) / 2).max(1),
        };
        self.search_directory(&mut view)?;
        self.message = None;
        if !self.layers.open(Modal::Directory(view)) {
            self.message = Some(Message::Error(
                "Sign or close the note first: the directory opens over the panes".into(),
            ));
        }
        Ok(())
    }

    /// Runs the view's line as a search.
    fn search_directory(&self, view: &mut DirectoryView) -> Result<(), StoreError> {
        let parsed = query::parse(&view.input.text());
        let q = &parsed.query;
        let mut filters = Vec::new();
        if let Some(domain) = q.domain {
            filters.push(domain.label().to_lowercase());
        }
        if let Some(language) = &q.language {
            filters.push(query::language_name(language).unwrap_or_else(|| language.clone()));
        }
        if let Some(zip) = &q.zip {
            filters.push(format!("near {zip}"));
        }
        view.filters = filters.join(" · ");
        view.by_zip = q.zip.is_some();
        view.hits = self.store.search_resources(q)?;
        view.unread = parsed.unread;
        view.selected = 0;
        Ok(())
    }

    /// A key for the directory: its own keys, else text for its line.
    pub(super) fn directory_key(
        &mut self,
        key: crossterm::event::KeyEvent,
    ) -> Result<(), StoreError> {
        let command = self.settings.keymap.command(Context::Directory, &key);
        let Some(view) = self.layers.directory_mut() else {
            return Ok(());
        };
        match command {
            Some(Action::Help) => {
                self.layers.show(Overlay::Help {
                    scroll: 0,
                    of: Context::Directory,
                });
                Ok(())
            }
            Some(Action::Cancel) => {
                let back_to = view.patient.as_ref().map(|p| p.id);
                self.layers.take_directory();
                match back_to {
                    Some(id) => self.show_loop_list(LoopKind::Referral, id, None),
                    None => Ok(()),
                }
            }
            Some(
                action @ (Action::MoveDown | Action::MoveUp | Action::PageDown | Action::PageUp),
            ) => {
                view.step(action);
                Ok(())
            }
            Some(action @ (Action::NextChoice | Action::PrevChoice)) => {
                let line = query::cycle_domain(&view.input.text(), action == Action::PrevChoice);
                view.input = LineInput::new(&line);
                self.research()
            }
            Some(Action::PatientLanguage) => {
                let code = view
                    .patient
                    .as_ref()
                    .and_then(|p| p.language.as_ref())
                    .map(|(code, _)| code.clone());
                let text = view.input.text();
                let has_language = query::parse(&text).query.language.is_some();
                match code {
                    Some(code) => {
                        view.input = LineInput::new(&query::toggle_language(&text, &code))
                    }
                    None if has_language => {
                        view.input = LineInput::new(&query::toggle_language(&text, ""))
                    }
                    None => {
                        self.message = Some(Message::Info(
                            "No language to add: type lang: and a language (lang:spanish, lang:es)"
                                .into(),
                        ));
                        return Ok(());
                    }
                }
                self.research()
            }
            Some(Action::ShowService) => self.show_service(),
            Some(Action::Choose) => {
                if view.patient.is_some() {
                    self.refer_to_selected()
                } else {
                    self.show_service()
                }
            }
            _ => match view.input.key(None, key) {
                InputEvent::Edited => self.research(),
                _ => Ok(()),
            },
        }
    }

    /// The line changed: search again.
    fn research(&mut self) -> Result<(), StoreError> {
        let Some(mut view) = self.layers.take_directory() else {
            return Ok(());
        };
        let result = self.search_directory(&mut view);
        self.layers.open(Modal::Directory(view));
        result
    }

    /// The selected service in full, over the directory.
    fn show_service(&mut self) -> Result<(), StoreError> {
        let Some(id) = self
            .layers
            .directory()
            .and_then(DirectoryView::selected_hit)
            .map(|h| h.id)
        else {
            self.message = Some(Message::Info("No service is selected".into()));
            return Ok(());
        };
        match self.store.resource_service(id)? {
            Some(detail) => self.layers.show(Overlay::Service(Box::new(detail))),
            None => self.message = Some(Message::Info("That service is no longer stored".into())),
        }
        Ok(())
    }

    /// `Enter` with a patient: the new referral's form, filled in with the
    /// selected service.
    fn refer_to_selected(&mut self) -> Result<(), StoreError> {
        let Some(view) = self.layers.directory() else {
            return Ok(());
        };
        let (Some(hit), Some(patient)) = (view.selected_hit(), view.patient.as_ref()) else {
            self.message = Some(Message::Info(
                "No service is selected: type fewer words, or Tab to another domain".into(),
            ));
            return Ok(());
        };
        let patient_id = patient.id;
        let domain = query::parse(&view.input.text()).query.domain;
        let hit = hit.clone();
        let needs = self.store.needs(patient_id)?;
        // The need it serves: of the domain filtered on, else of the
        // service's own domains, when the plan has exactly one such open.
        let wanted: Vec<NeedDomain> = match domain {
            Some(d) => vec![d],
            None => hit.domains.clone(),
        };
        let matching: Vec<i64> = needs
            .iter()
            .filter(|n| !n.resolved && wanted.contains(&n.domain))
            .map(|n| n.id)
            .collect();
        let service = FromService {
            source_id: hit.source_id.clone(),
            receiver: receiver(&hit),
            phone: hit.phone.clone(),
            need_id: match matching.as_slice() {
                [one] => Some(*one),
                _ => None,
            },
        };
        let form = referral::open_for_service(patient_id, needs, service, self.today());
        self.layers.take_directory();
        self.layers.open(Modal::Form(form));
        self.message = Some(Message::Info(format!(
            "Referral to {}: say why, then {} saves",
            crate::text::fit(&hit.name, 30),
            self.key("form_save")
        )));
        Ok(())
    }
}
