use super::*;
use crossterm::event::{KeyCode, KeyModifiers};

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
    let mut names = std::collections::HashSet::new();
    for b in keymap.all() {
        assert!(names.insert(b.name), "{} named twice", b.name);
        assert!(
            !b.description.is_empty() && !b.keys.is_empty(),
            "{}",
            b.name
        );
        if b.context.takes_text() {
            assert!(
                b.keys.iter().all(|k| !k.types_text()),
                "{} takes a letter from the text",
                b.name
            );
        }
    }
}

#[test]
fn layers_that_take_text_look_up_only_their_own_keys() {
    let keymap = Keymap::default();
    let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(keymap.command(Context::Editor, &q), None, "q is text");
    assert_eq!(keymap.command(Context::Form, &q), None);
    assert_eq!(keymap.command(Context::LineInput, &q), None);
    let ctrl_s = press(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(keymap.command(Context::Editor, &ctrl_s), Some(Action::Save));
    // The header takes the editor's keys too, below its own.
    assert_eq!(
        keymap.command(Context::EditorHeader, &ctrl_s),
        Some(Action::Save)
    );
    let right = press(KeyCode::Right, KeyModifiers::NONE);
    assert_eq!(
        keymap.command(Context::EditorHeader, &right),
        Some(Action::NextChoice)
    );
    assert_eq!(
        keymap.command(Context::Editor, &right),
        None,
        "a cursor move"
    );
    let f1 = press(KeyCode::F(1), KeyModifiers::NONE);
    for context in [Context::Editor, Context::Form, Context::LineInput] {
        assert_eq!(keymap.command(context, &f1), Some(Action::Help));
    }
}

#[test]
fn overlays_answer_their_own_keys_first_then_the_moves() {
    let keymap = Keymap::default();
    let timeline = Context::Overlay(OverlayKind::Timeline);
    let enter = press(KeyCode::Enter, KeyModifiers::NONE);
    let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
    let slash = press(KeyCode::Char('/'), KeyModifiers::NONE);
    assert_eq!(keymap.command(timeline, &enter), Some(Action::Choose));
    assert_eq!(keymap.command(timeline, &j), Some(Action::MoveDown));
    assert_eq!(keymap.command(timeline, &slash), Some(Action::SearchNotes));
    let templates = Context::Overlay(OverlayKind::Templates);
    let three = press(KeyCode::Char('3'), KeyModifiers::NONE);
    assert_eq!(keymap.numbered(templates, &three), Some(2));
}

#[test]
fn a_letter_cannot_be_bound_where_text_is_typed() {
    let mut keymap = Keymap::default();
    let refused = keymap
        .set_keys("editor_sign", vec![Key::char('s')])
        .unwrap_err();
    assert!(refused.contains("types text"), "{refused}");
    keymap
        .set_keys("editor_sign", vec![Key::parse("alt-s").unwrap()])
        .unwrap();
    let alt_s = press(KeyCode::Char('s'), KeyModifiers::ALT);
    assert_eq!(keymap.command(Context::Editor, &alt_s), Some(Action::Save));
}
