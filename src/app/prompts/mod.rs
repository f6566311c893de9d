//! The one-line prompt: a title saying what Enter will do, the line being
//! typed, and a preview of what it means ("→ Fri 2026-11-27") or why it
//! cannot be used. Each purpose — complete, snooze, reassign, a task line,
//! the task filter, the command line, a search, an addendum, progress, a
//! goal's status, ending a record entry, a reconciliation — is one file
//! here: what it previews, what Enter does, and (for some) what Tab and Esc
//! do. Opening a new kind of prompt means adding a file.

mod addendum;
mod adt;
mod command;
mod complete;
mod end_item;
mod goal_status;
mod loop_answer;
mod progress;
mod reassign;
mod reconcile;
mod snooze;
mod task_filter;
mod task_line;

pub use addendum::Addendum;
pub use adt::{DismissAdt, MatchAdt, VoidClock};
pub use command::{CommandLine, Search};
pub use complete::Complete;
pub use end_item::EndItem;
pub use goal_status::GoalStatus;
pub use loop_answer::{Ask, LoopAnswer};
pub use progress::Progress;
pub use reassign::Reassign;
pub use reconcile::Reconcile;
pub use snooze::Snooze;
pub use task_filter::TaskFilterLine;
pub use task_line::{AddTask, EditTask};

use crossterm::event::KeyEvent;

use super::keymap::{Action, Context};
use super::layers::Modal;
use super::line_input::{InputEvent, LineInput};
use super::{capitalise, App, Message, Overlay};
use crate::store::StoreError;

/// What a prompt is for: one implementation a purpose.
pub trait Purpose {
    /// What the line means, or why it cannot be used yet. It reads what
    /// the screen holds and changes nothing, so it can run at every key.
    fn preview(&self, app: &App, text: &str) -> Result<String, String>;

    /// Enter on a line the preview accepted; the prompt is closed first.
    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError>;

    /// What the line does as it is typed, before the preview: nothing,
    /// except where a prompt acts as you type (the task filter).
    fn typed(&self, _app: &mut App, _text: &str) -> Result<(), StoreError> {
        Ok(())
    }

    /// Esc; the prompt is closed first.
    fn cancel(self: Box<Self>, app: &mut App) -> Result<(), StoreError> {
        app.message = Some(Message::Info("Cancelled; nothing was changed".into()));
        Ok(())
    }

    /// Tab: the line completed as far as it can be, if this prompt
    /// completes anything.
    fn complete(&self, _text: &str) -> Option<String> {
        None
    }
}

pub struct Prompt {
    pub purpose: Box<dyn Purpose>,
    pub title: String,
    pub input: LineInput,
    /// What the line means, or why it cannot be used.
    pub preview: Result<String, String>,
}

impl Prompt {
    pub fn new(purpose: impl Purpose + 'static, title: String, text: &str) -> Prompt {
        Prompt {
            purpose: Box::new(purpose),
            title,
            input: LineInput::new(text),
            preview: Ok(String::new()),
        }
    }
}

impl App {
    /// Opens a prompt, with its preview of the line it starts with.
    pub(super) fn ask(
        &mut self,
        purpose: impl Purpose + 'static,
        title: String,
        text: &str,
    ) -> Result<(), StoreError> {
        self.layers
            .open(Modal::Prompt(Prompt::new(purpose, title, text)));
        self.line_typed()
    }

    /// A key typed into the open prompt.
    pub(super) fn prompt_key(&mut self, key: KeyEvent) -> Result<(), StoreError> {
        let command = self.settings.keymap.command(Context::LineInput, &key);
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
            InputEvent::Cancel => match self.layers.take_prompt() {
                Some(prompt) => prompt.purpose.cancel(self),
                None => Ok(()),
            },
            InputEvent::Complete => {
                if let Some(completed) = prompt.purpose.complete(&prompt.input.text()) {
                    prompt.input = LineInput::new(&completed);
                }
                self.line_typed()
            }
            InputEvent::Edited => self.line_typed(),
            InputEvent::Unchanged => Ok(()),
        }
    }

    /// The line changed: what it does as it is typed, then what it means.
    fn line_typed(&mut self) -> Result<(), StoreError> {
        // The purpose is taken out while it acts on the app, and put back.
        let Some(prompt) = self.layers.take_prompt() else {
            return Ok(());
        };
        let text = prompt.input.text();
        let acted = prompt.purpose.typed(self, &text);
        let preview = prompt.purpose.preview(self, &text);
        self.layers
            .open(Modal::Prompt(Prompt { preview, ..prompt }));
        acted
    }

    /// Enter in the prompt: do what it says, or keep it open and say why not.
    fn submit(&mut self, text: &str) -> Result<(), StoreError> {
        if let Some(Err(problem)) = self.layers.prompt().map(|p| &p.preview) {
            // A line that cannot be used keeps the prompt open to be fixed.
            self.message = Some(Message::Error(capitalise(problem)));
            return Ok(());
        }
        match self.layers.take_prompt() {
            Some(prompt) => prompt.purpose.submit(self, text),
            None => Ok(()),
        }
    }
}
