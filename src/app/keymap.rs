//! The keymap is data: which key does what, in which pane, and the words the
//! help screen and status line show for it. Help is generated from this
//! table, so it cannot drift from what the keys do.

use std::collections::HashMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::pane::PaneId;

/// Everything a key can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    MoveDown,
    MoveUp,
    Top,
    Bottom,
    PageDown,
    PageUp,
    NextPane,
    PrevPane,
    Focus(PaneId),
    Open,
    Back,
    Help,
    Quit,
    Filter,
    ToggleTeam,
    CycleSort,
    ToggleTaskScope,
    CompleteTask,
    SnoozeTask,
    ReassignTask,
    EditTask,
    AddTask,
    MarkTask,
    FilterTasks,
    Undo,
    NewNote,
    ResumeDraft,
    Command,
    AddProgress,
    ReconcileMedications,
    SetGoalStatus,
    EditRecord,
    AddToRecord,
    AddGoal,
    AddNeed,
    SetPlanReview,
    ExportCarePlan,
    EndRecordItem,
    AddIntervention,
    EditGoal,
    Zoom,
}

impl Action {
    /// Whether the action moves a selection (and does nothing else).
    pub fn is_movement(self) -> bool {
        matches!(
            self,
            Action::MoveDown
                | Action::MoveUp
                | Action::Top
                | Action::Bottom
                | Action::PageDown
                | Action::PageUp
        )
    }
}

/// Where a binding works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    Pane(PaneId),
}

/// One key: a code and its modifiers (Shift is folded into characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    pub const fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// The key a terminal event stands for, normalised so that `G` matches
    /// "G" whether or not the terminal also reports Shift.
    pub fn from_event(event: &KeyEvent) -> Key {
        let mut modifiers = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        let code = match event.code {
            KeyCode::BackTab => KeyCode::BackTab,
            KeyCode::Char(c) => KeyCode::Char(c),
            other => {
                modifiers |= event.modifiers & KeyModifiers::SHIFT;
                other
            }
        };
        Key { code, modifiers }
    }

    /// Parses a key as written in config: `j`, `G`, `ctrl-l`, `shift-tab`,
    /// `enter`, `esc`, `space`, `up`, `pagedown`, `f1`.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut modifiers = KeyModifiers::NONE;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(stripped) = lower.strip_prefix("ctrl-").or(lower.strip_prefix("c-")) {
                modifiers |= KeyModifiers::CONTROL;
                rest = &rest[rest.len() - stripped.len()..];
            } else if let Some(stripped) = lower.strip_prefix("alt-").or(lower.strip_prefix("m-")) {
                modifiers |= KeyModifiers::ALT;
                rest = &rest[rest.len() - stripped.len()..];
            } else if let Some(stripped) = lower.strip_prefix("shift-") {
                modifiers |= KeyModifiers::SHIFT;
                rest = &rest[rest.len() - stripped.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" if modifiers.contains(KeyModifiers::SHIFT) => {
                    modifiers -= KeyModifiers::SHIFT;
                    KeyCode::BackTab
                }
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                f if f.starts_with('f') && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) => {
                    KeyCode::F(f[1..].parse().unwrap_or(1))
                }
                _ => return Err(format!("{text:?} is not a key tend knows (try j, G, ctrl-l, shift-tab, enter, esc, space, up, pagedown, f1)")),
            },
        };
        if let KeyCode::Char(c) = code {
            if c.is_control() {
                return Err(format!("{text:?} is a control character, not a key name"));
            }
            // Shift is part of the character itself: "shift-g" means "G".
            if modifiers.contains(KeyModifiers::SHIFT) {
                modifiers -= KeyModifiers::SHIFT;
                return Ok(Key {
                    code: KeyCode::Char(c.to_uppercase().next().unwrap_or(c)),
                    modifiers,
                });
            }
        }
        Ok(Key { code, modifiers })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("Ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("Alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// One line of the keymap.
#[derive(Debug, Clone)]
pub struct Binding {
    /// The name used in config's `[keys]` table.
    pub name: &'static str,
    pub action: Action,
    pub context: Context,
    pub keys: Vec<Key>,
    /// What the help screen says it does.
    pub description: &'static str,
    /// The word the status line shows, for the pane's main keys; `None`
    /// keeps it out of the status line.
    pub hint: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

fn binding(
    name: &'static str,
    action: Action,
    context: Context,
    keys: &[Key],
    description: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        name,
        action,
        context,
        keys: keys.to_vec(),
        description,
        hint,
    }
}

impl Default for Keymap {
    fn default() -> Keymap {
        use Action::*;
        use Context::Global;
        use KeyCode as K;
        let caseload = Context::Pane(PaneId::Caseload);
        let goals = Context::Pane(PaneId::Goals);
        let tasks = Context::Pane(PaneId::Tasks);
        let ctrl = |c| Key {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        };
        Keymap {
            bindings: vec![
                binding(
                    "help",
                    Help,
                    Global,
                    &[Key::char('?'), Key::plain(K::F(1))],
                    "show the keys of this pane",
                    Some("help"),
                ),
                binding(
                    "quit",
                    Quit,
                    Global,
                    &[Key::char('q')],
                    "quit tend",
                    Some("quit"),
                ),
                binding(
                    "back",
                    Back,
                    Global,
                    &[Key::plain(K::Esc)],
                    "back, or clear the filter",
                    None,
                ),
                binding(
                    "undo",
                    Undo,
                    Global,
                    &[Key::char('u')],
                    "undo the last change, again for the one before",
                    None,
                ),
                binding(
                    "new_note",
                    NewNote,
                    Global,
                    &[Key::char('n')],
                    "write a note for the selected patient (their draft, if any)",
                    Some("note"),
                ),
                binding(
                    "resume_draft",
                    ResumeDraft,
                    Global,
                    &[Key::char('d')],
                    "reopen the draft note left unsigned",
                    None,
                ),
                binding(
                    "command",
                    Command,
                    Global,
                    &[Key::char(':')],
                    "command line: search WORDS",
                    None,
                ),
                binding(
                    "move_down",
                    MoveDown,
                    Global,
                    &[Key::char('j'), Key::plain(K::Down)],
                    "move down",
                    None,
                ),
                binding(
                    "move_up",
                    MoveUp,
                    Global,
                    &[Key::char('k'), Key::plain(K::Up)],
                    "move up",
                    None,
                ),
                binding(
                    "top",
                    Top,
                    Global,
                    &[Key::char('g'), Key::plain(K::Home)],
                    "go to the top",
                    None,
                ),
                binding(
                    "bottom",
                    Bottom,
                    Global,
                    &[Key::char('G'), Key::plain(K::End)],
                    "go to the bottom",
                    None,
                ),
                binding(
                    "page_down",
                    PageDown,
                    Global,
                    &[Key::plain(K::PageDown), ctrl('d')],
                    "page down",
                    None,
                ),
                binding(
                    "page_up",
                    PageUp,
                    Global,
                    &[Key::plain(K::PageUp), ctrl('u')],
                    "page up",
                    None,
                ),
                binding(
                    "next_pane",
                    NextPane,
                    Global,
                    &[Key::plain(K::Tab)],
                    "next pane",
                    None,
                ),
                binding(
                    "prev_pane",
                    PrevPane,
                    Global,
                    &[Key::plain(K::BackTab)],
                    "previous pane",
                    None,
                ),
                binding(
                    "zoom",
                    Zoom,
                    Global,
                    &[Key::char('z')],
                    "zoom this pane to the whole screen, and back",
                    None,
                ),
                binding(
                    "focus_caseload",
                    Focus(PaneId::Caseload),
                    Global,
                    &[Key::char('1')],
                    "go to the caseload",
                    None,
                ),
                binding(
                    "focus_patient",
                    Focus(PaneId::Patient),
                    Global,
                    &[Key::char('2')],
                    "go to the patient's record",
                    None,
                ),
                binding(
                    "focus_goals",
                    Focus(PaneId::Goals),
                    Global,
                    &[Key::char('3')],
                    "go to the care-plan goals",
                    None,
                ),
                binding(
                    "focus_tasks",
                    Focus(PaneId::Tasks),
                    Global,
                    &[Key::char('4')],
                    "go to today's tasks",
                    None,
                ),
                binding(
                    "open",
                    Open,
                    caseload,
                    &[Key::plain(K::Enter)],
                    "open the patient's record",
                    Some("open"),
                ),
                binding(
                    "open_timeline",
                    Open,
                    Context::Pane(PaneId::Patient),
                    &[Key::plain(K::Enter)],
                    "show the patient's notes (/ there searches all notes)",
                    Some("notes"),
                ),
                binding(
                    "reconcile_medications",
                    ReconcileMedications,
                    Context::Pane(PaneId::Patient),
                    &[Key::char('R')],
                    "medications reconciled today (one stamp, audited)",
                    None,
                ),
                binding(
                    "edit_record",
                    EditRecord,
                    Context::Pane(PaneId::Patient),
                    &[Key::char('e')],
                    "edit the record, starting at the line under the cursor",
                    Some("edit"),
                ),
                binding(
                    "add_to_record",
                    AddToRecord,
                    Context::Pane(PaneId::Patient),
                    &[Key::char('a')],
                    "add to the list under the cursor (condition, medication, allergy, care team; a flag on the name)",
                    Some("add"),
                ),
                binding(
                    "end_record_item",
                    EndRecordItem,
                    Context::Pane(PaneId::Patient),
                    &[Key::char('x')],
                    "end the entry under the cursor: stop a medication, resolve a condition, take down a flag, remove an allergy or a team member",
                    None,
                ),
                binding(
                    "add_goal",
                    AddGoal,
                    goals,
                    &[Key::char('a')],
                    "add a goal, under the need the cursor is on",
                    Some("goal"),
                ),
                binding(
                    "add_intervention",
                    AddIntervention,
                    goals,
                    &[Key::char('i')],
                    "add an intervention: a task that serves the selected goal",
                    None,
                ),
                binding(
                    "edit_goal",
                    EditGoal,
                    goals,
                    &[Key::char('e')],
                    "edit the goal: the patient's words, measure, need, dates, priority",
                    None,
                ),
                binding(
                    "add_need",
                    AddNeed,
                    goals,
                    &[Key::char('N')],
                    "add a need to the plan",
                    Some("need"),
                ),
                binding(
                    "set_plan_review",
                    SetPlanReview,
                    goals,
                    &[Key::char('r')],
                    "set the date the plan is next reviewed",
                    None,
                ),
                binding(
                    "export_care_plan",
                    ExportCarePlan,
                    Global,
                    &[Key::char('E')],
                    "export the patient's care plan as Markdown to the export folder",
                    None,
                ),
                binding(
                    "set_goal_status",
                    SetGoalStatus,
                    goals,
                    &[Key::char('S')],
                    "change the goal's status: active, on hold, achieved, cancelled, proposed",
                    Some("status"),
                ),
                binding(
                    "filter",
                    Filter,
                    caseload,
                    &[Key::char('/')],
                    "filter by name or member ID as you type",
                    Some("filter"),
                ),
                binding(
                    "toggle_team",
                    ToggleTeam,
                    caseload,
                    &[Key::char('t')],
                    "switch between my patients and the whole team",
                    Some("team"),
                ),
                binding(
                    "cycle_sort",
                    CycleSort,
                    caseload,
                    &[Key::char('o')],
                    "sort by name, risk, last contact, next due",
                    Some("sort"),
                ),
                binding(
                    "open_goal",
                    Open,
                    goals,
                    &[Key::plain(K::Enter)],
                    "show the whole goal",
                    Some("open"),
                ),
                binding(
                    "add_progress",
                    AddProgress,
                    goals,
                    &[Key::char('+')],
                    "record progress on the goal: a line, and = a value when measured",
                    Some("progress"),
                ),
                binding(
                    "complete_task",
                    CompleteTask,
                    tasks,
                    &[Key::char('x')],
                    "complete (with an optional outcome); marked tasks too",
                    Some("done"),
                ),
                binding(
                    "snooze_task",
                    SnoozeTask,
                    tasks,
                    &[Key::char('s')],
                    "move to another day (Enter alone: tomorrow)",
                    Some("snooze"),
                ),
                binding(
                    "reassign_task",
                    ReassignTask,
                    tasks,
                    &[Key::char('r')],
                    "give to another coordinator (cross-coverage)",
                    Some("reassign"),
                ),
                binding(
                    "edit_task",
                    EditTask,
                    tasks,
                    &[Key::char('e')],
                    "edit the title, due date, priority, kind, repeat",
                    None,
                ),
                binding(
                    "add_task",
                    AddTask,
                    tasks,
                    &[Key::char('a')],
                    "add a task for the patient shown: title due: pri: kind: every:",
                    Some("add"),
                ),
                binding(
                    "mark_task",
                    MarkTask,
                    tasks,
                    &[Key::char(' ')],
                    "mark or unmark, to act on several at once",
                    Some("mark"),
                ),
                binding(
                    "filter_tasks",
                    FilterTasks,
                    tasks,
                    &[Key::char('/')],
                    "filter: words, kind:, who:mine|team|NAME",
                    None,
                ),
                binding(
                    "open_task_patient",
                    Open,
                    tasks,
                    &[Key::plain(K::Enter)],
                    "open the task's patient",
                    Some("open"),
                ),
                binding(
                    "toggle_task_scope",
                    ToggleTaskScope,
                    tasks,
                    &[Key::char('p')],
                    "switch between my day and the selected patient's tasks",
                    Some("patient/day"),
                ),
            ],
        }
    }
}

impl Keymap {
    /// The action a key asks for in `pane`: the pane's own bindings first,
    /// then the global ones.
    pub fn action(&self, pane: PaneId, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event);
        let find = |context: Context| {
            self.bindings
                .iter()
                .find(|b| b.context == context && b.keys.contains(&key))
                .map(|b| b.action)
        };
        find(Context::Pane(pane)).or_else(|| find(Context::Global))
    }

    /// The bindings that work in `pane`: its own, then the global ones.
    pub fn bindings_for(&self, pane: PaneId) -> impl Iterator<Item = &Binding> {
        let own = self
            .bindings
            .iter()
            .filter(move |b| b.context == Context::Pane(pane));
        let global = self
            .bindings
            .iter()
            .filter(|b| b.context == Context::Global);
        own.chain(global)
    }

    /// The keys of a binding by name (for tests and messages).
    pub fn keys_of(&self, name: &str) -> Option<&[Key]> {
        self.bindings
            .iter()
            .find(|b| b.name == name)
            .map(|b| b.keys.as_slice())
    }

    /// Replaces the keys of the binding called `name`.
    pub fn set_keys(&mut self, name: &str, keys: Vec<Key>) -> Result<(), String> {
        let Some(binding) = self.bindings.iter_mut().find(|b| b.name == name) else {
            let names: Vec<&str> = self.bindings.iter().map(|b| b.name).collect();
            return Err(format!(
                "{name:?} is not an action tend knows; the actions are: {}",
                names.join(", ")
            ));
        };
        if keys.is_empty() {
            return Err(format!("{name} needs at least one key"));
        }
        binding.keys = keys;
        Ok(())
    }

    /// A key given to two bindings that can both apply in the same pane.
    pub fn conflict(&self) -> Option<String> {
        let mut seen: HashMap<(Context, Key), &'static str> = HashMap::new();
        for b in &self.bindings {
            for key in &b.keys {
                if let Some(other) = seen.insert((b.context, *key), b.name) {
                    return Some(format!("{key} is bound to both {other} and {}", b.name));
                }
            }
        }
        // A pane's binding hides a global one with the same key: allowed only
        // where the default keymap does it on purpose (none do today).
        for b in self
            .bindings
            .iter()
            .filter(|b| b.context != Context::Global)
        {
            for key in &b.keys {
                if let Some(global) = seen.get(&(Context::Global, *key)) {
                    return Some(format!("{key} is bound to both {global} and {}", b.name));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn parses_the_key_names_config_uses() {
        assert_eq!(Key::parse("j").unwrap(), Key::char('j'));
        assert_eq!(Key::parse("G").unwrap(), Key::char('G'));
        assert_eq!(Key::parse("shift-g").unwrap(), Key::char('G'));
        assert_eq!(
            Key::parse("ctrl-l").unwrap(),
            Key {
                code: KeyCode::Char('l'),
                modifiers: KeyModifiers::CONTROL
            }
        );
        assert_eq!(
            Key::parse("shift-tab").unwrap(),
            Key::plain(KeyCode::BackTab)
        );
        assert_eq!(Key::parse("Enter").unwrap(), Key::plain(KeyCode::Enter));
        assert_eq!(
            Key::parse("pagedown").unwrap(),
            Key::plain(KeyCode::PageDown)
        );
        assert_eq!(Key::parse("f12").unwrap(), Key::plain(KeyCode::F(12)));
        assert_eq!(Key::parse("space").unwrap(), Key::char(' '));
        assert!(Key::parse("hyper-x").is_err());
        assert!(Key::parse("f13").is_err());
        assert!(Key::parse("").is_err());
    }

    #[test]
    fn events_match_with_or_without_a_reported_shift() {
        let keymap = Keymap::default();
        let shifted = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(
            keymap.action(PaneId::Caseload, &shifted),
            Some(Action::Bottom)
        );
        let backtab = press(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            keymap.action(PaneId::Goals, &backtab),
            Some(Action::PrevPane)
        );
    }

    #[test]
    fn pane_bindings_apply_only_in_their_pane() {
        let keymap = Keymap::default();
        let t = press(KeyCode::Char('t'), KeyModifiers::NONE);
        assert_eq!(
            keymap.action(PaneId::Caseload, &t),
            Some(Action::ToggleTeam)
        );
        assert_eq!(keymap.action(PaneId::Tasks, &t), None);
        let p = press(KeyCode::Char('p'), KeyModifiers::NONE);
        assert_eq!(
            keymap.action(PaneId::Tasks, &p),
            Some(Action::ToggleTaskScope)
        );
    }

    #[test]
    fn overrides_replace_keys_and_conflicts_are_found() {
        let mut keymap = Keymap::default();
        keymap.set_keys("quit", vec![Key::char('Q')]).unwrap();
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(keymap.action(PaneId::Caseload, &q), None);
        assert!(keymap.set_keys("fly", vec![Key::char('f')]).is_err());
        assert_eq!(keymap.conflict(), None);
        keymap.set_keys("quit", vec![Key::char('j')]).unwrap();
        assert_eq!(
            keymap.conflict().as_deref(),
            Some("j is bound to both quit and move_down")
        );
    }

    #[test]
    fn the_default_keymap_has_no_conflicts_and_every_binding_is_described() {
        let keymap = Keymap::default();
        assert_eq!(keymap.conflict(), None);
        for pane in PaneId::ALL {
            for b in keymap.bindings_for(pane) {
                assert!(
                    !b.description.is_empty() && !b.keys.is_empty(),
                    "{}",
                    b.name
                );
            }
        }
    }
}
