use super::*;
use crossterm::event::{KeyCode, KeyModifiers};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn typed(kind: FieldKind, text: &str) -> Result<Value, String> {
    Field::new("The field", kind, text).value(today())
}

field_ids! {
    enum Two { A, B }
}

/// A key as the app gives a form: read by the default keymap first.
fn press(form: &mut Form, key: KeyEvent) -> FormEvent {
    let command =
        crate::app::keymap::Keymap::default().command(crate::app::keymap::Context::Form, &key);
    form.key(command, key)
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn dates_read_as_expressions_or_as_dates_of_record() {
    assert_eq!(
        typed(FieldKind::Date, "fri"),
        Ok(Value::Date(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()))
    );
    assert_eq!(
        typed(FieldKind::Date, "2026-12-05"),
        Ok(Value::Date(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()))
    );
    assert!(typed(FieldKind::Date, "someday")
        .unwrap_err()
        .contains("is not a date"));
    assert_eq!(
        typed(FieldKind::RecordDate, "02/03/1970"),
        Ok(Value::Date(NaiveDate::from_ymd_opt(1970, 2, 3).unwrap()))
    );
    assert_eq!(
        typed(FieldKind::RecordDate, "tom").unwrap_err(),
        "\"tom\" is not a date: type 1970-02-03 or 02/03/1970"
    );
    assert!(typed(FieldKind::RecordDate, "1970-02-30").is_err());
}

#[test]
fn phones_choices_and_yes_no_say_what_is_wrong() {
    assert_eq!(
        typed(FieldKind::Phone, "212 555 0134"),
        Ok(Value::Text("(212) 555-0134".into()))
    );
    assert_eq!(
        typed(FieldKind::Phone, "555 0134").unwrap_err(),
        "a phone number has 10 digits; this has 7"
    );
    let choices = FieldKind::Choice(vec![
        Choice::new("high-priority", "high"),
        Choice::new("medium-priority", "medium"),
        Choice::new("low-priority", "low"),
        Choice::new("x", "hidden"),
    ]);
    assert_eq!(
        typed(choices.clone(), "Med"),
        Ok(Value::Choice("medium-priority".into()))
    );
    assert_eq!(
        typed(choices.clone(), "low-priority"),
        Ok(Value::Choice("low-priority".into()))
    );
    assert_eq!(
        typed(choices.clone(), "h").unwrap_err(),
        "\"h\" could be high or hidden"
    );
    assert_eq!(
        typed(choices, "urgent").unwrap_err(),
        "\"urgent\" is none of: high, medium, low, hidden"
    );
    assert_eq!(typed(FieldKind::YesNo, "Y"), Ok(Value::Bool(true)));
    assert_eq!(
        typed(FieldKind::YesNo, "maybe").unwrap_err(),
        "type yes or no"
    );
}

#[test]
fn languages_codes_and_addresses_are_read_or_refused() {
    assert_eq!(
        typed(FieldKind::Language, "spanish"),
        Ok(Value::Text("es".into()))
    );
    assert_eq!(
        typed(FieldKind::Language, "es"),
        Ok(Value::Text("es".into()))
    );
    assert_eq!(
        typed(FieldKind::Language, "pt-BR"),
        Ok(Value::Text("pt-BR".into()))
    );
    assert!(typed(FieldKind::Language, "Klingon language").is_err());
    assert_eq!(
        typed(FieldKind::Icd10, "e11.9"),
        Ok(Value::Text("E11.9".into()))
    );
    assert!(typed(FieldKind::Icd10, "diabetes").is_err());
    assert_eq!(typed(FieldKind::State, "ny"), Ok(Value::Text("NY".into())));
    assert!(typed(FieldKind::PostalCode, "1234").is_err());
}

#[test]
fn a_language_field_completes_names_from_the_whole_registry() {
    let mut form = Form::new(
        "Test".into(),
        |id| match id {
            Two::A => Field::new("Language", FieldKind::Language, "English"),
            Two::B => Field::new("Next", FieldKind::Text, ""),
        },
        today(),
    );
    let retype = |form: &mut Form, text: &str| {
        while !form.fields[form.focused].text().is_empty() {
            press(form, key(KeyCode::Backspace));
        }
        for c in text.chars() {
            press(form, key(KeyCode::Char(c)));
        }
    };
    assert!(
        form.fields[0].suggestions().is_empty(),
        "passing through the field offers nothing"
    );
    retype(&mut form, "mand");
    let line = form.fields[0]
        .completion_line(
            today(),
            &CompletionKeys::from_keymap(&crate::app::keymap::Keymap::default()),
        )
        .unwrap();
    assert!(
        line.starts_with("Tab: Mandarin Chinese (cmn) · Ctrl-N: "),
        "{line}"
    );
    assert_eq!(press(&mut form, key(KeyCode::Tab)), FormEvent::Edited);
    assert_eq!(form.focused, 0, "Tab took the completion");
    assert_eq!(form.fields[0].text(), "Mandarin Chinese");
    assert_eq!(form.text(Two::A).as_deref(), Some("cmn"));
    assert_eq!(press(&mut form, key(KeyCode::Tab)), FormEvent::Unchanged);
    assert_eq!(form.focused, 1, "and then went to the next field");

    // "man" reads already (Mandingo's code): Tab goes on, Right at the
    // end takes the completion, Ctrl-N and Ctrl-P choose which.
    press(&mut form, key(KeyCode::BackTab));
    retype(&mut form, "man");
    let field = &form.fields[0];
    let offered = field.suggestions();
    assert!(offered.len() > 2);
    assert_eq!(
        field
            .completion_line(
                today(),
                &CompletionKeys::from_keymap(&crate::app::keymap::Keymap::default())
            )
            .unwrap(),
        format!(
            "→ Mandingo · →: Mandarin Chinese (cmn) · Ctrl-N: {}",
            offered[1..]
                .iter()
                .map(Suggestion::shown)
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    assert_eq!(press(&mut form, ctrl('n')), FormEvent::Unchanged);
    assert_eq!(press(&mut form, ctrl('n')), FormEvent::Unchanged);
    assert_eq!(press(&mut form, ctrl('p')), FormEvent::Unchanged);
    assert_eq!(form.fields[0].suggestions()[0], offered[1]);
    press(&mut form, key(KeyCode::Left));
    assert_eq!(
        press(&mut form, key(KeyCode::Right)),
        FormEvent::Unchanged,
        "Right inside the text moves the cursor"
    );
    assert_eq!(press(&mut form, key(KeyCode::Right)), FormEvent::Edited);
    assert_eq!(form.fields[0].text(), offered[1].name);
    assert_eq!(form.text(Two::A).as_deref(), Some(offered[1].answer.code()));

    // Text that reads and offers nothing more: Tab goes on.
    press(&mut form, key(KeyCode::BackTab));
    retype(&mut form, "Declined to answer");
    assert_eq!(
        form.fields[0].completion_line(
            today(),
            &CompletionKeys::from_keymap(&crate::app::keymap::Keymap::default())
        ),
        None
    );
    assert_eq!(
        form.fields[0].meaning(today()),
        Ok("→ Declined to answer".into())
    );
    assert_eq!(form.text(Two::A).as_deref(), Some("und-x-declined"));
    press(&mut form, key(KeyCode::Tab));
    assert_eq!(form.focused, 1);
    // Nothing to offer and no language: the reason is shown.
    press(&mut form, key(KeyCode::BackTab));
    retype(&mut form, "Klingon l");
    assert_eq!(
        form.fields[0].completion_line(
            today(),
            &CompletionKeys::from_keymap(&crate::app::keymap::Keymap::default())
        ),
        None
    );
    assert!(form.fields[0].value(today()).is_err());
}

#[test]
fn required_fields_refuse_empty_and_optional_ones_read_as_empty() {
    let required = Field::new("The patient's words", FieldKind::Text, " ").required();
    assert_eq!(
        required.value(today()),
        Err("The patient's words is required".into())
    );
    assert_eq!(typed(FieldKind::Date, ""), Ok(Value::Empty));
}

#[test]
fn keys_move_between_fields_edit_save_and_cancel() {
    let mut form = Form::new(
        "Test".into(),
        |id| match id {
            Two::A => Field::new("A", FieldKind::Text, "x"),
            Two::B => Field::new("B", FieldKind::Date, ""),
        },
        today(),
    );
    assert_eq!(press(&mut form, key(KeyCode::Char('y'))), FormEvent::Edited);
    assert!(form.is_changed());
    assert_eq!(form.text(Two::A).as_deref(), Some("xy"));
    assert_eq!(press(&mut form, key(KeyCode::Enter)), FormEvent::Unchanged);
    assert_eq!(form.focused, 1, "Enter goes to the next field");
    assert_eq!(press(&mut form, key(KeyCode::Tab)), FormEvent::Unchanged);
    assert_eq!(form.focused, 1, "and stops at the last");
    for c in "tom".chars() {
        press(&mut form, key(KeyCode::Char(c)));
    }
    assert_eq!(form.date(Two::B), NaiveDate::from_ymd_opt(2026, 11, 25));
    assert_eq!(
        form.get(Two::B).meaning(today()),
        Ok("→ Wed 2026-11-25".into())
    );
    assert_eq!(
        press(&mut form, key(KeyCode::Enter)),
        FormEvent::Save,
        "Enter on the last saves"
    );
    assert_eq!(
        press(&mut form, key(KeyCode::BackTab)),
        FormEvent::Unchanged
    );
    assert_eq!(form.focused, 0);
    assert_eq!(
        press(
            &mut form,
            KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
        ),
        FormEvent::Save
    );
    assert_eq!(press(&mut form, key(KeyCode::Esc)), FormEvent::Cancel);
    assert_eq!(form.first_problem(), None);
    form.fields[1].reset("never");
    assert_eq!(form.first_problem().map(|(i, _)| i), Some(1));
}

field_ids! {
    enum Closed { Answer, Priority, Words }
}

fn closed_form() -> Form {
    Form::new(
        "Closed values".into(),
        |id: Closed| match id {
            Closed::Answer => Field::new("Needed", FieldKind::YesNo, "no").required(),
            Closed::Priority => Field::new(
                "Priority",
                FieldKind::Choice(vec![Choice::new("high", "high"), Choice::new("low", "low")]),
                "low",
            ),
            Closed::Words => Field::new("Words", FieldKind::Text, "kept"),
        },
        today(),
    )
}

fn type_text(form: &mut Form, text: &str) {
    for c in text.chars() {
        press(form, key(KeyCode::Char(c)));
    }
}

#[test]
fn yes_no_is_set_by_y_and_n_and_turned_over_by_space_never_spoiled() {
    let mut form = closed_form();
    type_text(&mut form, "yes");
    assert_eq!(form.get(Closed::Answer).text(), "yes", "not \"noyes\"");
    assert!(form.yes(Closed::Answer));
    type_text(&mut form, "N");
    assert_eq!(form.get(Closed::Answer).text(), "no");
    press(&mut form, key(KeyCode::Char(' ')));
    assert_eq!(form.get(Closed::Answer).text(), "yes");
    // Letters a yes/no cannot hold are left out.
    assert_eq!(
        press(&mut form, key(KeyCode::Char('q'))),
        FormEvent::Unchanged
    );
    assert_eq!(form.get(Closed::Answer).text(), "yes");
}

#[test]
fn typing_into_a_choice_as_it_opened_starts_it_afresh_and_text_is_kept() {
    let mut form = closed_form();
    form.focus(Closed::Priority);
    type_text(&mut form, "hi");
    assert_eq!(form.get(Closed::Priority).text(), "hi", "not \"lowhi\"");
    assert_eq!(form.value(Closed::Priority), Value::Choice("high".into()));
    // Once changed, typing goes on from there.
    type_text(&mut form, "g");
    assert_eq!(form.get(Closed::Priority).text(), "hig");
    // Free text is typed after what it holds, as before.
    form.focus(Closed::Words);
    type_text(&mut form, " too");
    assert_eq!(form.get(Closed::Words).text(), "kept too");
}
