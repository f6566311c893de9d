//! Rejoining arrow keys that a slow link split apart.
//!
//! Over SSH the Esc that starts an arrow key's sequence can arrive in one
//! packet and `[A` in the next. The terminal library then reports Esc, `[`
//! and `A` as three keys, and Esc would close what the user is working in.
//! This joiner holds an Esc for a short grace period and turns Esc `[` X (or
//! Esc `O` X) back into the arrow, Home, End or Shift-Tab it was.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// How long an Esc waits for the rest of a sequence before it counts as Esc.
pub const ESC_GRACE: Duration = Duration::from_millis(40);

#[derive(Debug, Default)]
pub struct EscJoiner {
    held: Vec<KeyEvent>,
}

fn plain(event: &KeyEvent, code: KeyCode) -> bool {
    event.code == code && event.modifiers == KeyModifiers::NONE
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The key that Esc `[` (or Esc `O`) followed by `last` stands for.
fn sequence_key(last: KeyCode) -> Option<KeyEvent> {
    Some(match last {
        KeyCode::Char('A') => key(KeyCode::Up),
        KeyCode::Char('B') => key(KeyCode::Down),
        KeyCode::Char('C') => key(KeyCode::Right),
        KeyCode::Char('D') => key(KeyCode::Left),
        KeyCode::Char('H') => key(KeyCode::Home),
        KeyCode::Char('F') => key(KeyCode::End),
        KeyCode::Char('Z') => KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT),
        _ => return None,
    })
}

impl EscJoiner {
    /// Whether an Esc (and perhaps `[`) is waiting for the rest of a sequence.
    pub fn is_holding(&self) -> bool {
        !self.held.is_empty()
    }

    /// Takes one key; returns the keys that are now known.
    pub fn feed(&mut self, event: KeyEvent) -> Vec<KeyEvent> {
        if event.kind != KeyEventKind::Press {
            return vec![event];
        }
        let continues = match self.held.len() {
            0 => plain(&event, KeyCode::Esc),
            1 => plain(&event, KeyCode::Char('[')) || plain(&event, KeyCode::Char('O')),
            _ => false,
        };
        if continues {
            self.held.push(event);
            return Vec::new();
        }
        if self.held.len() == 2 {
            if let Some(joined) = sequence_key(event.code) {
                self.held.clear();
                return vec![joined];
            }
        }
        if self.held.is_empty() {
            return vec![event];
        }
        // Not a sequence after all: release what was held, then this key.
        let mut out = std::mem::take(&mut self.held);
        out.extend(self.feed(event));
        out
    }

    /// The grace period ran out: whatever was held is what the user typed.
    pub fn flush(&mut self) -> Vec<KeyEvent> {
        std::mem::take(&mut self.held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ch(c: char) -> KeyEvent {
        key(KeyCode::Char(c))
    }

    #[test]
    fn a_split_arrow_is_joined() {
        let mut j = EscJoiner::default();
        assert!(j.feed(key(KeyCode::Esc)).is_empty());
        assert!(j.is_holding());
        assert!(j.feed(ch('[')).is_empty());
        assert_eq!(j.feed(ch('B')), vec![key(KeyCode::Down)]);
        assert!(!j.is_holding());
        j.feed(key(KeyCode::Esc));
        j.feed(ch('O'));
        assert_eq!(j.feed(ch('A')), vec![key(KeyCode::Up)]);
    }

    #[test]
    fn a_lone_esc_is_released_when_the_grace_period_ends() {
        let mut j = EscJoiner::default();
        assert!(j.feed(key(KeyCode::Esc)).is_empty());
        assert_eq!(j.flush(), vec![key(KeyCode::Esc)]);
        assert!(j.flush().is_empty());
    }

    #[test]
    fn esc_then_an_ordinary_key_gives_both() {
        let mut j = EscJoiner::default();
        j.feed(key(KeyCode::Esc));
        assert_eq!(j.feed(ch('j')), vec![key(KeyCode::Esc), ch('j')]);
        j.feed(key(KeyCode::Esc));
        j.feed(ch('['));
        assert_eq!(j.feed(ch('x')), vec![key(KeyCode::Esc), ch('['), ch('x')]);
        j.feed(key(KeyCode::Esc));
        // A second Esc releases the first and waits itself.
        assert_eq!(j.feed(key(KeyCode::Esc)), vec![key(KeyCode::Esc)]);
        assert_eq!(j.flush(), vec![key(KeyCode::Esc)]);
    }

    #[test]
    fn ordinary_keys_pass_straight_through() {
        let mut j = EscJoiner::default();
        assert_eq!(j.feed(ch('[')), vec![ch('[')]);
        assert_eq!(j.feed(ch('A')), vec![ch('A')]);
    }
}
