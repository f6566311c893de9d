//! Triage: the actions on today's tasks (complete, snooze, reassign, edit,
//! add, filter) through the one-line prompt, and undo.

use chrono::Duration;
use crossterm::event::KeyEvent;

use super::keymap::{Action, Context};
use super::layers::Modal;
use super::line_input::InputEvent;
use super::pane::PaneId;
use super::prompt::{Prompt, PromptKind};
use super::{capitalise, App, Message, Overlay};
use crate::domain::care_plan::{goal_may_become, parse_goal_status, parse_progress};
use crate::domain::dates;
use crate::domain::task::{TaskKind, TaskRow};
use crate::domain::task_line::{parse_task, TaskFilter, TaskLine};
use crate::store::{RecordItem, StoreError, TaskChange};
use crate::text::fit;

/// How many changes `u` can undo.
const UNDO_DEPTH: usize = 100;

/// "Call pharmacy" for one task, "3 marked tasks" for several.
fn describe(targets: &[&TaskRow]) -> String {
    match targets {
        [one] => format!("\"{}\"", fit(&one.title, 40)),
        many => format!("{} marked tasks", many.len()),
    }
}

/// What a typed task line will make: "→ call · due Fri 2026-11-27 · urgent".
fn line_preview(line: &TaskLine) -> String {
    let mut parts = Vec::new();
    if let Some(kind) = line.kind {
        parts.push(kind.code().to_string());
    }
    if let Some(due) = line.due {
        parts.push(format!("due {}", dates::show(due)));
    }
    if let Some(priority) = line.priority {
        parts.push(priority.code().to_string());
    }
    if let Some(rule) = line.recurrence {
        parts.push(format!("every {rule}"));
    }
    if parts.is_empty() {
        format!("→ \"{}\"", fit(&line.title, 50))
    } else {
        format!("→ {}", parts.join(" · "))
    }
}

/// The line that edits a task: its title and every token, to change in place.
fn edit_line(task: &TaskRow) -> String {
    let mut line = task.title.clone();
    if let Some(due) = task.due_on {
        line.push_str(&format!(" due:{due}"));
    }
    line.push_str(&format!(
        " pri:{} kind:{}",
        task.priority.code(),
        task.kind.code()
    ));
    if let Some(rule) = task.recurrence {
        line.push_str(&format!(" every:{rule}"));
    }
    line
}

/// The longest text every choice starts with.
fn common_prefix<'a>(choices: &[&'a str]) -> &'a str {
    let Some(first) = choices.first() else {
        return "";
    };
    let mut end = first.len();
    for choice in &choices[1..] {
        end = end.min(
            first
                .char_indices()
                .zip(choice.chars())
                .find(|((_, a), b)| a != b)
                .map_or(end.min(choice.len()), |((i, _), _)| i),
        );
    }
    &first[..end]
}

impl App {
    /// Opens the prompt for a triage action, or says why it cannot open.
    pub(super) fn open_prompt(&mut self, action: Action) -> Result<(), StoreError> {
        let targets = self.tasks.targets();
        let what = describe(&targets);
        let refs = self.tasks.target_refs();
        let nothing = || Message::Error("No task is selected".into());
        let prompt = match action {
            Action::CompleteTask if !refs.is_empty() => Prompt::new(
                PromptKind::Complete(refs),
                format!("Complete {what}: outcome (optional)"),
                "",
            ),
            Action::SnoozeTask if !refs.is_empty() => Prompt::new(
                PromptKind::Snooze(refs),
                format!("Move {what} to (tom, fri, +3d, 12/05…)"),
                "",
            ),
            Action::ReassignTask if !refs.is_empty() => Prompt::new(
                PromptKind::Reassign(refs),
                format!("Give {what} to (a coordinator; Tab completes)"),
                "",
            ),
            Action::EditTask => {
                let Some(task) = self.tasks.selected() else {
                    self.message = Some(nothing());
                    return Ok(());
                };
                Prompt::new(
                    PromptKind::Edit(task.into()),
                    "Edit the task (title due: pri: kind: every:)".into(),
                    &edit_line(task),
                )
            }
            Action::AddTask => {
                let Some(patient) = self.shown_record() else {
                    return Ok(());
                };
                Prompt::new(
                    PromptKind::Add {
                        patient_id: patient.id,
                        goal_id: None,
                    },
                    format!(
                        "New task for {} {} (title due: pri: kind: every:)",
                        fit(&patient.given_name, 20),
                        fit(&patient.family_name, 20)
                    ),
                    "",
                )
            }
            Action::FilterTasks => Prompt::new(
                PromptKind::TaskFilter,
                "Filter tasks (words, kind:, who:mine|team|NAME)".into(),
                &self.tasks.filter_text,
            ),
            _ => {
                self.message = Some(nothing());
                return Ok(());
            }
        };
        self.layers.open(Modal::Prompt(prompt));
        self.update_preview()
    }

    /// A key typed into the open prompt.
    pub(super) fn prompt_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        let command = self.keymap.command(Context::LineInput, &key);
        if command == Some(Action::Help) {
            self.layers.show(Overlay::Help {
                scroll: 0,
                of: Context::LineInput,
            });
            return Ok(());
        }
        let Some(prompt) = self.layers.prompt_mut() else {
            return Ok(());
        };
        match prompt.input.key(command, key) {
            InputEvent::Submit(text) => self.submit(&text),
            InputEvent::Cancel => {
                let kind = self.layers.take_prompt().map(|p| p.kind);
                if kind == Some(PromptKind::TaskFilter) {
                    self.set_task_filter(TaskFilter::default(), String::new())?;
                } else {
                    self.message = Some(Message::Info("Cancelled; nothing was changed".into()));
                }
                Ok(())
            }
            InputEvent::Complete => {
                self.complete_coordinator()?;
                self.update_preview()
            }
            InputEvent::Edited => self.update_preview(),
            InputEvent::Unchanged => Ok(()),
        }
    }

    /// Tab in the reassign prompt: the coordinator's name, as far as it is
    /// unambiguous.
    fn complete_coordinator(&mut self) -> Result<(), StoreError> {
        let Some(prompt) = self.layers.prompt_mut() else {
            return Ok(());
        };
        if !matches!(prompt.kind, PromptKind::Reassign(_)) {
            return Ok(());
        }
        let typed = prompt.input.text();
        let names = self.store.coordinators()?;
        let matches: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| n.starts_with(typed.trim()))
            .collect();
        let completed = common_prefix(&matches);
        if completed.len() > typed.trim().len() {
            prompt.input = super::line_input::LineInput::new(completed);
        }
        Ok(())
    }

    /// Recomputes what the prompt's line means.
    pub(super) fn update_preview(&mut self) -> Result<(), StoreError> {
        let today = self.today();
        let Some(prompt) = self.layers.prompt() else {
            return Ok(());
        };
        let text = prompt.input.text();
        let preview = match &prompt.kind {
            PromptKind::Complete(refs) => Ok(match (refs.len(), text.trim().is_empty()) {
                (1, true) => "Enter completes it".to_string(),
                (1, false) => "Enter completes it with this outcome".to_string(),
                (n, true) => format!("Enter completes all {n}"),
                (n, false) => format!("Enter completes all {n} with this outcome"),
            }),
            PromptKind::Snooze(_) if text.trim().is_empty() => Ok(format!(
                "→ {} (Enter: tomorrow)",
                dates::show(today + Duration::days(1))
            )),
            PromptKind::Snooze(_) => dates::parse(&text, today)
                .map(|date| format!("→ {}", dates::show(date)))
                .map_err(|e| e.to_string()),
            PromptKind::Reassign(_) => {
                let names = self.store.coordinators()?;
                let typed = text.trim();
                let matches: Vec<&String> = names.iter().filter(|n| n.starts_with(typed)).collect();
                match matches.as_slice() {
                    _ if typed.is_empty() => Err("type a coordinator's user name".to_string()),
                    [] => Err(format!("there is no coordinator named {typed:?}")),
                    _ if names.iter().any(|n| n == typed) => Ok(format!("→ {typed}")),
                    [one] => Ok(format!("→ {one}")),
                    many => Err(format!(
                        "{} coordinators start so; Tab completes: {}",
                        many.len(),
                        many.iter()
                            .take(6)
                            .map(|n| n.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    )),
                }
            }
            PromptKind::Add { .. } | PromptKind::Edit(_) => parse_task(&text, today)
                .map(|line| line_preview(&line))
                .map_err(|e| e.to_string()),
            PromptKind::Command => match text.trim().split_once(' ') {
                Some(("search", words)) if !words.trim().is_empty() => {
                    Ok("Enter searches all signed notes".to_string())
                }
                _ if text.trim().is_empty() => Err("type a command: search WORDS".to_string()),
                _ => Err(format!(
                    "{:?} is not a command: try search WORDS",
                    fit(text.trim(), 30)
                )),
            },
            PromptKind::Search if text.trim().is_empty() => {
                Err("type the words to look for".to_string())
            }
            PromptKind::Search => Ok("Enter searches all signed notes".to_string()),
            PromptKind::Addendum { .. } if text.trim().is_empty() => {
                Err("type the correction".to_string())
            }
            PromptKind::Addendum { .. } => Ok("Enter signs the addendum".to_string()),
            PromptKind::GoalStatus { goal_id, .. } => {
                let from = self
                    .goals
                    .goals
                    .iter()
                    .find(|g| g.id == *goal_id)
                    .map(|g| g.status);
                match (parse_goal_status(&text), from) {
                    (_, None) => Err("that goal is no longer shown".to_string()),
                    (None, _) if text.trim().is_empty() => Err(
                        "type the new status: active, on hold, achieved, cancelled, proposed"
                            .to_string(),
                    ),
                    (None, _) => Err(format!("{:?} is not a goal status", fit(text.trim(), 20))),
                    (Some(to), Some(from)) if !goal_may_become(from, to) => Err(format!(
                        "a goal that is {} cannot become {}",
                        from.label(),
                        to.label()
                    )),
                    (Some(to), Some(_)) => Ok(format!("→ {}", to.label())),
                }
            }
            PromptKind::Reconcile { .. } => {
                Ok(format!("Enter stamps the list as reconciled on {today}"))
            }
            PromptKind::EndItem { .. } => Ok("Enter confirms, Esc keeps it".to_string()),
            PromptKind::Progress { .. } => parse_progress(&text).map(|(_, value)| match value {
                Some(v) => format!("Enter records it, with the value {v}"),
                None => "Enter records it".to_string(),
            }),
            PromptKind::TaskFilter => match TaskFilter::parse(&text) {
                Ok(filter) => {
                    self.set_task_filter(filter, text.clone())?;
                    Ok(format!("{} tasks", self.tasks.counts.total()))
                }
                Err(e) => Err(e.to_string()),
            },
        };
        if let Some(prompt) = self.layers.prompt_mut() {
            prompt.preview = preview;
        }
        Ok(())
    }

    /// After a change to the record or the plan: say what happened (or why
    /// not) and show the patient as the database now holds them, so a
    /// change another session made is seen, not overwritten.
    pub(super) fn after_plan_change(
        &mut self,
        result: Result<&str, StoreError>,
    ) -> Result<(), StoreError> {
        match result {
            Ok(done) => self.message = Some(Message::Info(done.to_string())),
            Err(error @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
            }
            Err(other) => return Err(other),
        }
        let keep = self.goals.cursor.selected();
        let today = self.today();
        self.patient.load(&self.store, self.shown_patient, today)?;
        self.goals.load(&self.store, self.shown_patient)?;
        if let Some(index) = keep {
            self.goals.cursor.select(index);
        }
        Ok(())
    }

    /// Records a progress line on a goal and shows it in the goals pane.
    fn add_progress(
        &mut self,
        goal_id: i64,
        text: &str,
        today: chrono::NaiveDate,
    ) -> Result<(), StoreError> {
        let (note, value) = match parse_progress(text) {
            Ok(parsed) => parsed,
            Err(problem) => {
                self.message = Some(Message::Error(capitalise(&problem)));
                return Ok(());
            }
        };
        let recorded = self.store.add_progress(goal_id, today, &note, value);
        self.after_plan_change(recorded.map(|_| "Progress recorded"))
    }

    fn set_task_filter(&mut self, filter: TaskFilter, text: String) -> Result<(), StoreError> {
        self.tasks.filter = filter;
        self.tasks.filter_text = text;
        self.tasks.cursor.select(0);
        self.load_tasks()
    }

    /// Enter in the prompt: do what it says, or keep it open and say why not.
    fn submit(&mut self, text: &str) -> Result<(), StoreError> {
        let today = self.today();
        let Some(prompt) = self.layers.prompt() else {
            return Ok(());
        };
        // A line that cannot be used keeps the prompt open to be fixed.
        if let Err(problem) = &prompt.preview {
            self.message = Some(Message::Error(capitalise(problem)));
            return Ok(());
        }
        let kind = prompt.kind.clone();
        // Prompts that are not task changes.
        match &kind {
            PromptKind::Command => {
                self.layers.take_prompt();
                let words = text.trim().strip_prefix("search").unwrap_or("");
                return self.search(words);
            }
            PromptKind::Search => {
                self.layers.take_prompt();
                return self.search(text);
            }
            PromptKind::Addendum { note_id } => {
                let note_id = *note_id;
                self.layers.take_prompt();
                return self.add_addendum(note_id, text);
            }
            PromptKind::Progress { goal_id } => {
                let goal_id = *goal_id;
                self.layers.take_prompt();
                return self.add_progress(goal_id, text, today);
            }
            PromptKind::GoalStatus { goal_id, version } => {
                let (goal_id, version) = (*goal_id, *version);
                self.layers.take_prompt();
                let result = match parse_goal_status(text) {
                    Some(to) => self.store.set_goal_status(goal_id, version, to),
                    None => Err(StoreError::Refused("not a goal status".into())),
                };
                return self.after_plan_change(result.map(|()| "Goal status changed"));
            }
            PromptKind::EndItem { patient_id, item } => {
                let (patient_id, item) = (*patient_id, *item);
                self.layers.take_prompt();
                let result = self.store.end_record_item(patient_id, item);
                return self.after_plan_change(result.map(|()| match item {
                    RecordItem::Condition(_) => "Condition marked resolved",
                    RecordItem::Medication(_) => "Medication stopped; R stamps the list reconciled",
                    RecordItem::Allergy(_) => "Allergy removed",
                    RecordItem::CareTeamMember(_) => "Removed from the care team",
                    RecordItem::Flag(_) => "Flag taken down",
                }));
            }
            PromptKind::Reconcile {
                patient_id,
                version,
            } => {
                let (patient_id, version) = (*patient_id, *version);
                self.layers.take_prompt();
                let result = self.store.reconcile_medications(patient_id, version, today);
                return self.after_plan_change(result.map(|()| "Medications reconciled today"));
            }
            _ => {}
        }
        // A care-plan review done: the plan's next review is asked for next.
        let reviewed = match &kind {
            PromptKind::Complete(refs) => refs.iter().find_map(|r| {
                self.tasks
                    .rows
                    .iter()
                    .find(|t| t.id == r.id && t.kind == TaskKind::CarePlanReview)
                    .map(|t| t.patient_id)
            }),
            _ => None,
        };
        let result = match kind {
            PromptKind::Complete(refs) => self.store.complete_tasks(&refs, Some(text), today),
            PromptKind::Snooze(refs) => {
                let due = match text.trim() {
                    "" => Ok(today + Duration::days(1)),
                    typed => dates::parse(typed, today),
                };
                match due {
                    Ok(due) => self.store.snooze_tasks(&refs, due),
                    Err(e) => Err(StoreError::Refused(e.to_string())),
                }
            }
            PromptKind::Reassign(refs) => {
                // The preview has made sure the text names one coordinator,
                // in full or by the start of the name.
                let typed = text.trim();
                let names = self.store.coordinators()?;
                let name = names
                    .iter()
                    .find(|n| n.as_str() == typed)
                    .or_else(|| names.iter().find(|n| n.starts_with(typed)))
                    .cloned()
                    .unwrap_or_else(|| typed.to_string());
                self.store.reassign_tasks(&refs, &name)
            }
            PromptKind::Add {
                patient_id,
                goal_id,
            } => match parse_task(text, today) {
                Ok(line) => self
                    .store
                    .add_task(patient_id, &self.user, &line, today, goal_id),
                Err(e) => Err(StoreError::Refused(e.to_string())),
            },
            PromptKind::Edit(task) => match parse_task(text, today) {
                Ok(line) => self.store.edit_task(task, &line),
                Err(e) => Err(StoreError::Refused(e.to_string())),
            },
            PromptKind::TaskFilter
            | PromptKind::Command
            | PromptKind::Search
            | PromptKind::Addendum { .. }
            | PromptKind::Progress { .. }
            | PromptKind::GoalStatus { .. }
            | PromptKind::Reconcile { .. }
            | PromptKind::EndItem { .. } => {
                self.layers.take_prompt();
                return Ok(());
            }
        };
        self.layers.take_prompt();
        match result {
            Ok(change) => {
                self.changed(change)?;
                if let Some(patient_id) = reviewed {
                    self.open_next_review_form(patient_id)?;
                }
                Ok(())
            }
            Err(error @ (StoreError::Conflict(_) | StoreError::Refused(_))) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
                self.reload_view()
            }
            Err(error) => Err(error),
        }
    }

    /// After a change: remember it for undo, say what happened, show it.
    pub(super) fn changed(&mut self, change: TaskChange) -> Result<(), StoreError> {
        self.message = Some(Message::Info(format!(
            "{} · u undoes",
            capitalise(&change.summary)
        )));
        let new_task = change.task_ids().max();
        let touched: Vec<i64> = change.task_ids().collect();
        self.undo.push(change);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.tasks.marked.clear();
        // A task completed, snoozed or given away leaves its place and the
        // next one slides under the cursor; a selected task the change did
        // not touch (marked ones were acted on) stays selected.
        let place = self.tasks.cursor.selected();
        let selected = self.tasks.selected().map(|t| t.id);
        self.reload_view()?;
        let kept = selected
            .filter(|id| !touched.contains(id))
            .and_then(|id| self.tasks.rows.iter().position(|t| t.id == id));
        if let Some(index) = kept.or(place) {
            self.tasks.cursor.select(index);
        }
        // A task just added is selected, if the list shows it.
        if self.focus == PaneId::Tasks {
            if let Some(index) = new_task.and_then(|id| {
                self.tasks
                    .rows
                    .iter()
                    .position(|t| t.id == id && t.version == 1)
            }) {
                self.tasks.cursor.select(index);
            }
        }
        Ok(())
    }

    /// `u`: reverses the last change made in this session.
    pub(super) fn undo_last(&mut self) -> Result<(), StoreError> {
        let Some(change) = self.undo.pop() else {
            self.message = Some(Message::Info("Nothing to undo".into()));
            return Ok(());
        };
        match self.store.undo(&change) {
            Ok(()) => {
                self.message = Some(Message::Info(format!("Undone: {}", change.summary)));
            }
            Err(error @ StoreError::Conflict(_)) => {
                self.message = Some(Message::Error(capitalise(&error.to_string())));
            }
            Err(error) => {
                // Not undone (the database was busy, say): keep it to try again.
                self.undo.push(change);
                return Err(error);
            }
        }
        self.reload_view()?;
        // Back on the task that came back, if the list shows it.
        let restored: Vec<i64> = change.task_ids().collect();
        if let Some(index) = self
            .tasks
            .rows
            .iter()
            .position(|t| restored.contains(&t.id))
        {
            self.tasks.cursor.select(index);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefixes_complete_as_far_as_unambiguous() {
        assert_eq!(common_prefix(&["cc0001", "cc0002", "cc0010"]), "cc00");
        assert_eq!(common_prefix(&["jdoe"]), "jdoe");
        assert_eq!(common_prefix(&[]), "");
        assert_eq!(common_prefix(&["ab", "abc"]), "ab");
    }
}
