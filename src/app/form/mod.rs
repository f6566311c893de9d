//! The one form component every edit uses: labelled one-line fields, each
//! checked as it is typed (dates, phone numbers, choices, required fields),
//! `Tab`/`Enter` to the next field, `Ctrl-S` to save, `Esc` to cancel
//! without change. What a form is for (its fields, checks, save and
//! conflicts) is one file of `forms/`; the engine only holds the text and
//! says what each field means or why it cannot be used.
//!
//! A form's fields are named by an enum of its own ([`FieldId`], made by
//! `field_ids!`): the fields are built in the enum's order, so an id is
//! the index of its field, a typo is a compile error and `focus` cannot
//! miss.
//!
//! A language field completes names from the whole registry: once its text
//! is edited, the line under the form lists what it may become, the first
//! one to take named with its key. `Tab` takes it while the text does not
//! yet read as a language (and otherwise goes to the next field, as
//! everywhere), `Right` at the end of the text takes it always (the text
//! may read as another language: "man" is Mandingo's code), and
//! `Ctrl-N`/`Ctrl-P` bring the next or previous one first.

use chrono::NaiveDate;
use crossterm::event::KeyEvent;

use std::any::{type_name, TypeId};

use super::keymap::Action;
use super::line_input::{InputEvent, LineInput};
use crate::domain::choice::ChoiceList;
use crate::domain::dates;
use crate::domain::language::{self, Suggestion};
use crate::domain::patient::{check_icd10, check_postal_code, check_state, normalize_phone};

/// What a field holds, and so how its text is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// A date as a date expression (`fri`, `+2w`, `12/05`) or ISO: dates
    /// that are planned.
    Date,
    /// A date of record (a birth date): ISO or MM/DD/YYYY only, since
    /// "tom" is never what was meant.
    RecordDate,
    Phone,
    /// One of a few choices, typed as the start of its label or its code.
    Choice(Vec<Choice>),
    /// yes/no (y, n, true, false).
    YesNo,
    /// A language, by name ("Spanish") or BCP 47 tag ("es").
    Language,
    Icd10,
    State,
    PostalCode,
}

/// One choice: the code stored, the words shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

impl Choice {
    pub fn new(code: impl Into<String>, label: impl Into<String>) -> Choice {
        Choice {
            code: code.into(),
            label: label.into(),
        }
    }
}

impl FieldKind {
    /// A choice of one of a domain list's values, by its code; the words
    /// shown are its label, in lower case.
    pub fn choice_of<T: ChoiceList>() -> FieldKind {
        FieldKind::Choice(
            T::ALL
                .iter()
                .map(|c| Choice::new(c.code(), choice_text(*c)))
                .collect(),
        )
    }
}

/// The words a choice list's value is shown (and a form opens) with.
pub fn choice_text<T: ChoiceList>(value: T) -> String {
    value.label().to_lowercase()
}

/// A field's text, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Left empty (allowed: the field is optional).
    Empty,
    Text(String),
    Date(NaiveDate),
    /// The chosen code.
    Choice(String),
    Bool(bool),
}

pub struct Field {
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub input: LineInput,
    /// The text the form opened with (or last took from the database), to
    /// know what the user changed.
    pub initial: String,
    /// What another session saved in this field while the user was
    /// editing it, when that differs from what the user has: shown beside
    /// the field so neither is lost.
    pub theirs: Option<String>,
    /// Which of a language field's suggestions comes first (`Ctrl-N`).
    pub pick: usize,
}

/// How many completions a language field offers at once.
const SUGGESTIONS: usize = 5;

impl Field {
    pub fn new(label: &'static str, kind: FieldKind, text: &str) -> Field {
        let input = LineInput::new(text);
        Field {
            label,
            kind,
            required: false,
            initial: input.text(),
            input,
            theirs: None,
            pick: 0,
        }
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn text(&self) -> String {
        self.input.text()
    }

    /// Replaces the text (and what counts as unchanged).
    pub fn reset(&mut self, text: &str) {
        self.input = LineInput::new(text);
        self.initial = self.input.text();
    }

    pub fn is_changed(&self) -> bool {
        self.text() != self.initial
    }

    /// The field's text read as its kind, or why it cannot be.
    pub fn value(&self, today: NaiveDate) -> Result<Value, String> {
        let text = self.text();
        let typed = text.trim();
        if typed.is_empty() {
            return if self.required {
                Err(format!("{} is required", self.label))
            } else {
                Ok(Value::Empty)
            };
        }
        match &self.kind {
            FieldKind::Text => Ok(Value::Text(typed.to_string())),
            FieldKind::Date => dates::parse(typed, today)
                .map(Value::Date)
                .map_err(|e| e.to_string()),
            FieldKind::RecordDate => parse_record_date(typed).map(Value::Date),
            FieldKind::Phone => normalize_phone(typed).map(Value::Text),
            FieldKind::Choice(choices) => {
                choose(choices, typed).map(|c| Value::Choice(c.code.clone()))
            }
            FieldKind::YesNo => match typed.to_lowercase().as_str() {
                "y" | "yes" | "true" | "1" => Ok(Value::Bool(true)),
                "n" | "no" | "false" | "0" => Ok(Value::Bool(false)),
                _ => Err("type yes or no".to_string()),
            },
            FieldKind::Language => {
                language::parse(typed).map(|answer| Value::Text(answer.code().to_string()))
            }
            FieldKind::Icd10 => check_icd10(typed).map(|()| Value::Text(typed.to_uppercase())),
            FieldKind::State => check_state(typed).map(|()| Value::Text(typed.to_uppercase())),
            FieldKind::PostalCode => {
                check_postal_code(typed).map(|()| Value::Text(typed.to_string()))
            }
        }
    }

    /// What the text means, shown beside it while the field has focus:
    /// "→ Fri 2026-11-27", "→ Spanish"; or why it cannot be used.
    pub fn meaning(&self, today: NaiveDate) -> Result<String, String> {
        let value = self.value(today)?;
        Ok(match (&self.kind, value) {
            (_, Value::Empty) => String::new(),
            (FieldKind::Date | FieldKind::RecordDate, Value::Date(d)) => {
                format!("→ {}", dates::show(d))
            }
            (FieldKind::Choice(choices), Value::Choice(code)) => choices
                .iter()
                .find(|c| c.code == code)
                .map(|c| format!("→ {}", c.label))
                .unwrap_or_default(),
            (FieldKind::Language, Value::Text(code)) => format!("→ {}", language::name(&code)),
            (FieldKind::Phone, Value::Text(phone)) if phone != self.text().trim() => {
                format!("→ {phone}")
            }
            (FieldKind::YesNo, Value::Bool(b)) => if b { "→ yes" } else { "→ no" }.to_string(),
            _ => String::new(),
        })
    }

    /// What a language field's edited text may be completed to, the one
    /// `Tab` or `Right` takes first; none for other fields, for text not
    /// edited (passing through the field offers nothing), and never the
    /// language the text already reads as.
    pub fn suggestions(&self) -> Vec<Suggestion> {
        if self.kind != FieldKind::Language || !self.is_changed() {
            return Vec::new();
        }
        let text = self.text();
        let reads = language::parse(&text).ok();
        let mut suggestions = language::complete(&text, SUGGESTIONS + 1);
        suggestions.retain(|s| Some(&s.answer) != reads.as_ref());
        suggestions.truncate(SUGGESTIONS);
        if !suggestions.is_empty() {
            let first = self.pick % suggestions.len();
            suggestions.rotate_left(first);
        }
        suggestions
    }

    /// The line under the form while completions are offered: what the
    /// text means (if it reads), the completion a key takes, the others.
    pub fn completion_line(&self, today: NaiveDate, keys: &CompletionKeys) -> Option<String> {
        let suggestions = self.suggestions();
        let (first, others) = suggestions.split_first()?;
        let mut line = match self.meaning(today) {
            Ok(meaning) => format!("{meaning} · {}: {}", keys.take, first.shown()),
            Err(_) => format!("{}: {}", keys.complete, first.shown()),
        };
        if !others.is_empty() {
            line.push_str(&format!(" · {}: ", keys.next));
            line.push_str(
                &others
                    .iter()
                    .map(Suggestion::shown)
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
        Some(line)
    }

    /// Takes the first suggestion, if there is one: whether it did.
    fn complete(&mut self) -> bool {
        let Some(first) = self.suggestions().into_iter().next() else {
            return false;
        };
        self.input = LineInput::new(&first.name);
        self.pick = 0;
        true
    }

    /// What may be typed, for the line under the form.
    pub fn hint(&self) -> String {
        match &self.kind {
            FieldKind::Text => String::new(),
            FieldKind::Date => "a date: today, fri, +2w, 12/05, 2026-12-05".into(),
            FieldKind::RecordDate => "a date: 1970-02-03 or 02/03/1970".into(),
            FieldKind::Phone => "10 digits: 212 555 0134".into(),
            FieldKind::Choice(choices) => choices
                .iter()
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            FieldKind::YesNo => "yes or no".into(),
            FieldKind::Language => {
                "a language's name or code: Spanish, es, spa, pt-BR; or unknown, declined".into()
            }
            FieldKind::Icd10 => "an ICD-10 code: E11.9 (optional)".into(),
            FieldKind::State => "two letters: NY".into(),
            FieldKind::PostalCode => "ZIP: 10001 or 10001-1234".into(),
        }
    }
}

/// A date of record: ISO 8601 or the US form's MM/DD/YYYY.
pub fn parse_record_date(typed: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(typed, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(typed, "%m/%d/%Y"))
        .map_err(|_| format!("{typed:?} is not a date: type 1970-02-03 or 02/03/1970"))
}

/// The choice `typed` names: its code, or a label it starts (case aside),
/// when only one does.
fn choose<'a>(choices: &'a [Choice], typed: &str) -> Result<&'a Choice, String> {
    let lower = typed.to_lowercase();
    if let Some(exact) = choices
        .iter()
        .find(|c| c.code.to_lowercase() == lower || c.label.to_lowercase() == lower)
    {
        return Ok(exact);
    }
    let starting: Vec<&Choice> = choices
        .iter()
        .filter(|c| c.label.to_lowercase().starts_with(&lower))
        .collect();
    match starting.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "{:?} is none of: {}",
            crate::text::fit(typed, 20),
            choices
                .iter()
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        many => Err(format!(
            "{:?} could be {}",
            crate::text::fit(typed, 20),
            many.iter()
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormEvent {
    /// Save (Ctrl-S, or Enter on the last field).
    Save,
    /// Esc: leave without change.
    Cancel,
    /// A field's text changed.
    Edited,
    /// Nothing to act on (a move between fields, a key that did nothing).
    Unchanged,
}

/// The fields of one form, named: an enum whose every variant is a field,
/// in the order shown. Made by `field_ids!`, which keeps `ALL` and `index`
/// in step.
pub trait FieldId: Copy + Eq + std::fmt::Debug + 'static {
    const ALL: &'static [Self];
    /// Its field's position in the form.
    fn index(self) -> usize;
}

/// Declares a form's field ids: a field-less enum and its [`FieldId`].
macro_rules! field_ids {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $crate::app::form::FieldId for $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            fn index(self) -> usize {
                self as usize
            }
        }
    };
}

pub(crate) use field_ids;

pub struct Form {
    pub title: String,
    pub fields: Vec<Field>,
    pub focused: usize,
    /// Why the form as a whole cannot be saved (a rule across fields, or
    /// the store's refusal), or what happened to it (a conflict).
    pub problem: Option<String>,
    pub today: NaiveDate,
    /// The enum that names the fields, so that reading one by another
    /// form's id is caught.
    ids: TypeId,
}

impl Form {
    /// A form with a field for each of `I`'s ids, in order, made by `field`.
    pub fn new<I: FieldId>(title: String, field: impl Fn(I) -> Field, today: NaiveDate) -> Form {
        Form {
            title,
            fields: I::ALL.iter().map(|&id| field(id)).collect(),
            focused: 0,
            problem: None,
            today,
            ids: TypeId::of::<I>(),
        }
    }

    fn index<I: FieldId>(&self, id: I) -> usize {
        assert!(
            self.ids == TypeId::of::<I>(),
            "a form's field read by another form's id ({})",
            type_name::<I>()
        );
        id.index()
    }

    /// Puts the cursor in the field.
    pub fn focus<I: FieldId>(&mut self, id: I) {
        self.focused = self.index(id);
    }

    pub fn get<I: FieldId>(&self, id: I) -> &Field {
        &self.fields[self.index(id)]
    }

    /// The field's value; the form has been checked (see
    /// [`Form::first_problem`]) before a caller reads values.
    pub fn value<I: FieldId>(&self, id: I) -> Value {
        self.get(id).value(self.today).unwrap_or(Value::Empty)
    }

    pub fn text<I: FieldId>(&self, id: I) -> Option<String> {
        match self.value(id) {
            Value::Text(text) | Value::Choice(text) => Some(text),
            _ => None,
        }
    }

    pub fn date<I: FieldId>(&self, id: I) -> Option<NaiveDate> {
        match self.value(id) {
            Value::Date(date) => Some(date),
            _ => None,
        }
    }

    pub fn yes<I: FieldId>(&self, id: I) -> bool {
        self.value(id) == Value::Bool(true)
    }

    /// The choice list's value the field holds.
    pub fn choice<T: ChoiceList, I: FieldId>(&self, id: I) -> Option<T> {
        self.text(id).as_deref().and_then(T::from_code)
    }

    /// Another session saved first: `theirs` is each field's text as
    /// saved now, in order. A field the user left alone takes theirs; one
    /// they changed keeps their text and shows theirs beside it; theirs
    /// becomes what counts as unchanged. Returns how many fields differ;
    /// the cursor goes to the first.
    pub fn take_theirs(&mut self, theirs: &[String]) -> usize {
        let mut differing = 0;
        for (field, theirs) in self.fields.iter_mut().zip(theirs) {
            if *theirs == field.initial {
                continue;
            }
            if !field.is_changed() {
                // Untouched here: theirs is simply the newer value.
                field.reset(theirs);
            } else if field.text() != *theirs {
                field.theirs = Some(theirs.clone());
                field.initial = theirs.clone();
                differing += 1;
            } else {
                field.initial = theirs.clone();
            }
        }
        if let Some(index) = self.fields.iter().position(|f| f.theirs.is_some()) {
            self.focused = index;
        }
        differing
    }

    /// The first field that cannot be used, and why.
    pub fn first_problem(&self) -> Option<(usize, String)> {
        self.fields
            .iter()
            .enumerate()
            .find_map(|(i, f)| f.value(self.today).err().map(|e| (i, e)))
    }

    pub fn is_changed(&self) -> bool {
        self.fields.iter().any(Field::is_changed)
    }

    /// A key, with what the keymap reads it as in a form (`command`). A
    /// key the keymap does not bind is typed into the focused field.
    pub fn key(&mut self, command: Option<Action>, key: KeyEvent) -> FormEvent {
        let last = self.fields.len().saturating_sub(1);
        if let Some(event) = self.completion_key(command) {
            return event;
        }
        match command {
            Some(Action::Save) => return FormEvent::Save,
            Some(Action::Cancel) => return FormEvent::Cancel,
            Some(Action::Submit) if self.focused == last => return FormEvent::Save,
            Some(Action::Submit | Action::Complete | Action::NextField) => {
                self.focused = (self.focused + 1).min(last);
                return FormEvent::Unchanged;
            }
            Some(Action::PrevField) => {
                self.focused = self.focused.saturating_sub(1);
                return FormEvent::Unchanged;
            }
            _ => {}
        }
        let Some(field) = self.fields.get_mut(self.focused) else {
            return FormEvent::Unchanged;
        };
        if let Some(event) = field.closed_value_key(key) {
            return event;
        }
        match field.input.key(None, key) {
            InputEvent::Edited => {
                field.pick = 0;
                FormEvent::Edited
            }
            _ => FormEvent::Unchanged,
        }
    }

    /// Completion in a field that offers some: `Complete` (Tab) while the
    /// text does not read, `AcceptCompletion` (→) at its end, the next and
    /// previous suggestion. `None` leaves the key to the form.
    fn completion_key(&mut self, command: Option<Action>) -> Option<FormEvent> {
        let today = self.today;
        let field = self.fields.get_mut(self.focused)?;
        let offered = field.suggestions().len();
        if offered == 0 {
            return None;
        }
        match command {
            Some(Action::NextSuggestion) => field.pick = (field.pick + 1) % offered,
            Some(Action::PrevSuggestion) => field.pick = (field.pick + offered - 1) % offered,
            Some(Action::Complete) if field.value(today).is_err() => {
                field.complete();
                return Some(FormEvent::Edited);
            }
            Some(Action::AcceptCompletion) if field.input.at_end() => {
                field.complete();
                return Some(FormEvent::Edited);
            }
            _ => return None,
        }
        Some(FormEvent::Unchanged)
    }
}

/// The keys the completion line names, as the keymap has them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionKeys {
    /// Takes the first suggestion when the text reads ("Right").
    pub take: String,
    /// Completes a text that does not read ("Tab").
    pub complete: String,
    /// The next suggestion ("Ctrl-N").
    pub next: String,
}

impl CompletionKeys {
    pub fn from_keymap(keymap: &super::keymap::Keymap) -> CompletionKeys {
        CompletionKeys {
            take: keymap.key_name("form_take_suggestion"),
            complete: keymap.key_name("form_complete"),
            next: keymap.key_name("form_next_suggestion"),
        }
    }
}

mod closed;
#[cfg(test)]
mod tests;
