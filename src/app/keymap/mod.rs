//! The keymap is data: which key does what, in which layer, and the words
//! the help screen and status line show for it. Help is generated from this
//! table, so it cannot drift from what the keys do; and every key tend
//! answers is here, so the config file's `[keys]` can rebind any of them.

mod action;
mod defaults;
mod key;

use std::collections::HashMap;

use crossterm::event::KeyEvent;

pub use action::{Action, Context, OverlayKind};
pub use key::Key;

use super::pane::PaneId;

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
    /// The word the status line shows, for the layer's main keys; `None`
    /// keeps it out of the status line.
    pub hint: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Binding>,
}

impl Keymap {
    /// The binding a key asks for in `context`: the context's own bindings
    /// first, then those of the contexts it falls back to.
    pub fn binding(&self, context: Context, event: &KeyEvent) -> Option<&Binding> {
        let key = Key::from_event(event);
        let mut here = Some(context);
        while let Some(context) = here {
            let found = self
                .bindings
                .iter()
                .find(|b| b.context == context && b.keys.contains(&key));
            if found.is_some() {
                return found;
            }
            here = context.parent();
        }
        None
    }

    /// The action a key asks for in `context`.
    pub fn command(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        self.binding(context, event).map(|b| b.action)
    }

    /// The action a key asks for in `pane`.
    pub fn action(&self, pane: PaneId, event: &KeyEvent) -> Option<Action> {
        self.command(Context::Pane(pane), event)
    }

    /// For a binding of numbered keys (`1`–`9` in the templates): the
    /// place, from 0, of the key pressed in the binding's list.
    pub fn numbered(&self, context: Context, event: &KeyEvent) -> Option<usize> {
        let binding = self.binding(context, event)?;
        let key = Key::from_event(event);
        binding.keys.iter().position(|k| *k == key)
    }

    /// The bindings that work in `context`: its own, then those it falls
    /// back to, then those that work in any layer (but the lock screen).
    pub fn bindings_in(&self, context: Context) -> impl Iterator<Item = &Binding> {
        let mut chain: Vec<Context> =
            std::iter::successors(Some(context), |c| c.parent()).collect();
        if !matches!(context, Context::Anywhere | Context::Lock) {
            chain.push(Context::Anywhere);
        }
        chain
            .into_iter()
            .flat_map(move |c| self.bindings.iter().filter(move |b| b.context == c))
    }

    /// The bindings that work in `pane`: its own, then the global ones.
    pub fn bindings_for(&self, pane: PaneId) -> impl Iterator<Item = &Binding> {
        self.bindings_in(Context::Pane(pane))
    }

    /// Every binding, in the table's order.
    pub fn all(&self) -> &[Binding] {
        &self.bindings
    }

    /// The keys of a binding by name (for tests and messages).
    pub fn keys_of(&self, name: &str) -> Option<&[Key]> {
        self.bindings
            .iter()
            .find(|b| b.name == name)
            .map(|b| b.keys.as_slice())
    }

    /// The first key of a binding, as the screen names it ("Ctrl-S").
    pub fn key_name(&self, name: &str) -> String {
        self.keys_of(name)
            .and_then(|keys| keys.first())
            .map(ToString::to_string)
            .unwrap_or_default()
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
        if binding.context.takes_text() {
            if let Some(key) = keys.iter().find(|k| k.types_text()) {
                return Err(format!(
                    "{key} types text there: {name} needs a key with Ctrl or Alt, or one that types nothing (Esc, F1, an arrow)"
                ));
            }
        }
        binding.keys = keys;
        Ok(())
    }

    /// A key given to two bindings that can both apply in the same layer.
    pub fn conflict(&self) -> Option<String> {
        let mut seen: HashMap<(Context, Key), &'static str> = HashMap::new();
        for b in &self.bindings {
            for key in &b.keys {
                if let Some(other) = seen.insert((b.context, *key), b.name) {
                    return Some(format!("{key} is bound to both {other} and {}", b.name));
                }
            }
        }
        // A key that works in any layer is taken before the layer on top
        // sees it, so it must be no layer's own.
        for b in self
            .bindings
            .iter()
            .filter(|b| b.context != Context::Anywhere)
        {
            for key in &b.keys {
                if let Some(anywhere) = seen.get(&(Context::Anywhere, *key)) {
                    return Some(format!("{key} is bound to both {anywhere} and {}", b.name));
                }
            }
        }
        // A pane's binding would hide a global one with the same key. (An
        // overlay's own keys, and the header's over the editor's, are
        // meant to come first: Enter in the timeline opens a note.)
        for b in self
            .bindings
            .iter()
            .filter(|b| matches!(b.context, Context::Pane(_)))
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
mod tests;
