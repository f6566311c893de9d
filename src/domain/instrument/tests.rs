//! Instrument files that break a rule, each refused with its line and
//! exact words; and the scoring mechanics (prorating, partial answers).

use super::*;

/// A small valid file; each case below spoils one part of it.
const GOOD: &str = r#"id = "mini"
name = "Mini"
title = "A two-item test instrument"
source = "tend's tests"
terms = "none"

[scales.yesno]
answers = [
  { label = "No", score = 0 },
  { label = "Yes", score = 1 },
]

[[items]]
id = "1"
text = "First"
scale = "yesno"

[[items]]
id = "2"
text = "Second"
scale = "yesno"

[[bands]]
from = 0
to = 0
label = "none"

[[bands]]
from = 1
to = 2
label = "some"

[[rules]]
id = "second"
items = ["2"]
at_least = 1
action = "safety"
message = "The second item"
"#;

/// A sectioned file with free-text items; the cases below spoil it too.
const SECTIONED: &str = r#"id = "sect"
name = "Sect"
title = "A sectioned test instrument"
source = "tend's tests"
terms = "none"
total = false

[[sections]]
id = "body"
title = "Body"

[[sections]]
id = "life"
title = "Life"

[[items]]
id = "1"
section = "body"
text = "Any falls?"
answers = [
  { label = "No", score = 0 },
  { label = "Yes", score = 1 },
]

[[items]]
id = "2"
section = "body"
kind = "text"
text = "Which medicines?"
optional = true

[[items]]
id = "3"
section = "life"
kind = "text"
text = "Goals, in their words"

[[rules]]
id = "falls"
items = ["1"]
at_least = 1
action = "need:medical"
message = "Falls"
"#;

/// Single answers, by option index.
fn one(answers: &[Option<usize>]) -> Vec<Option<Answer>> {
    answers.iter().map(|a| a.map(Answer::One)).collect()
}

fn problems(text: &str) -> Vec<String> {
    parse(text)
        .err()
        .unwrap_or_default()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn the_good_file_reads_whole() {
    let mini = parse(GOOD).unwrap();
    assert_eq!(mini.items.len(), 2);
    assert_eq!(mini.max_total(), 2);
    assert_eq!(mini.rules[0].action, RuleAction::Safety);
}

#[test]
fn each_broken_rule_is_refused_at_its_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "{ label = \"Yes\", score = 1 },",
            "{ label = \"Yes\" },",
            "line 10: missing field `score`",
        ),
        (
            "id = \"1\"\ntext = \"First\"",
            "id = \"2\"\ntext = \"First\"",
            "line 19: item \"2\" is listed twice",
        ),
        (
            "from = 1\nto = 2",
            "from = 2\nto = 2",
            "line 29: band \"some\" begins at 2, leaving 1 to 1 in no band",
        ),
        (
            "from = 1\nto = 2",
            "from = 1\nto = 1",
            "line 30: the bands end at 1, but the total can reach 2",
        ),
        (
            "items = [\"2\"]",
            "items = [\"3\"]",
            "line 35: rule \"second\" names item \"3\", which the instrument has not",
        ),
        (
            "action = \"safety\"",
            "action = \"need:money\"",
            "line 37: rule \"second\": \"money\" is not a need domain (medical, behavioral-health, \
             substance-use, housing, food, transportation, income-benefits, safety, social-support, other)",
        ),
        (
            "scale = \"yesno\"\n\n[[items]]\nid = \"2\"",
            "scale = \"yes-no\"\n\n[[items]]\nid = \"2\"",
            "line 16: item \"1\": no scale named \"yes-no\" (scales: yesno)",
        ),
        (
            "at_least = 1",
            "at_least = 2",
            "line 34: rule \"second\": at_least 2 can never fire or always fires (its items reach 1)",
        ),
        (
            "terms = \"none\"",
            "terms = \"none\"\ntotal = false",
            "line 24: an instrument without a total (total = false) has no bands",
        ),
        ("title =", "titel =", "line 3: unknown field `titel`, expected one of `id`, `name`, `title`, `stem`, `source`, `terms`, `loinc_panel`, `loinc_total`, `total`, `prorate_max_missing`, `scales`, `sections`, `items`, `bands`, `rules`"),
    ];
    for (good, bad, expected) in cases {
        assert!(GOOD.contains(good), "{good}");
        let text = GOOD.replacen(good, bad, 1);
        assert_eq!(problems(&text), [expected.to_string()], "{bad}");
    }
}

#[test]
fn each_broken_section_or_text_item_is_refused_at_its_line() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "text = \"Which medicines?\"",
            "text = \"Which medicines?\"\nanswers = [{ label = \"A\", score = 0 }, { label = \"B\", score = 0 }]",
            "line 30: item \"2\" is free text (kind = \"text\"): it takes no scale or answers",
        ),
        (
            "optional = true",
            "optional = true\nscored = true",
            "line 31: item \"2\" is free text: it is never scored",
        ),
        (
            "optional = true",
            "optional = true\nmultiple = true",
            "line 31: item \"2\" is free text: it cannot be \"choose all that apply\"",
        ),
        (
            "kind = \"text\"\ntext = \"Which",
            "kind = \"essay\"\ntext = \"Which",
            "line 28: item \"2\": kind \"essay\" is not choice or text",
        ),
        (
            "section = \"body\"\nkind",
            "section = \"bdy\"\nkind",
            "line 27: item \"2\": no section named \"bdy\" (sections: body, life)",
        ),
        (
            "section = \"body\"\nkind",
            "kind",
            "line 26: item \"2\" names no section: in a sectioned instrument each item names its own",
        ),
        (
            "id = \"1\"\nsection = \"body\"",
            "id = \"1\"\nsection = \"life\"",
            "line 27: item \"2\" is in section \"body\", after items of \"life\": keep each \
             section's items together, in the order of [[sections]]",
        ),
        (
            "title = \"Life\"",
            "title = \"Life\"\n\n[[sections]]\nid = \"spare\"\ntitle = \"Spare\"",
            "line 17: section \"spare\" has no items",
        ),
        (
            "title = \"Life\"",
            "title = \"Life\"\n\n[[sections]]\nid = \"body\"\ntitle = \"Again\"",
            "line 17: section \"body\" is empty or listed twice",
        ),
        (
            "items = [\"1\"]",
            "items = [\"3\"]",
            "line 40: rule \"falls\" names item \"3\", which is free text: it has no score",
        ),
        (
            "answers = [\n  { label = \"No\", score = 0 },\n  { label = \"Yes\", score = 1 },\n]",
            "",
            "line 17: item \"1\" has no answers: give `scale` or `answers` (or `kind = \"text\"` for free text)",
        ),
        (
            "section = \"body\"\ntext = \"Any",
            "section = \"body\"\nsection = \"life\"\ntext = \"Any",
            "line 19: duplicate key `section` in table `items`",
        ),
    ];
    assert!(parse(SECTIONED).is_ok(), "{:?}", problems(SECTIONED));
    for (good, bad, expected) in cases {
        assert!(SECTIONED.contains(good), "{good}");
        let text = SECTIONED.replacen(good, bad, 1);
        assert_eq!(problems(&text), [expected.to_string()], "{bad}");
    }
    // A section named where the instrument declares none.
    let text = GOOD.replacen("text = \"First\"", "text = \"First\"\nsection = \"x\"", 1);
    assert_eq!(
        problems(&text),
        ["line 16: item \"1\": no section named \"x\" (the instrument declares no [[sections]])"]
    );
}

#[test]
fn text_items_are_never_scored_and_take_words_only() {
    let sect = parse(SECTIONED).unwrap();
    assert_eq!(
        sect.sections
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["body", "life"]
    );
    assert_eq!(sect.section("life").map(|s| s.title.as_str()), Some("Life"));
    let two = sect.item("2").unwrap();
    assert_eq!(
        (two.kind, two.scored, two.answers.len()),
        (ItemKind::Text, false, 0)
    );
    assert_eq!(two.section.as_deref(), Some("body"));
    assert_eq!(sect.max_total(), 1);

    let words = |w: &str| Some(Answer::Text(w.into()));
    let answers = vec![
        Some(Answer::One(1)),
        words("metformin"),
        words("walk daily"),
    ];
    let score = sect.score(&answers, RuleSex::Other);
    assert_eq!((score.total, score.band), (None, None));
    assert_eq!((score.answered, score.scored_items), (1, 1));
    assert_eq!(
        score
            .fired
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>(),
        ["falls"]
    );
    assert!(sect.unanswered(&answers).is_empty());

    // Words for the choice, a choice for the text item: neither counts.
    let wrong = vec![words("yes"), Some(Answer::One(0)), Some(Answer::One(0))];
    let score = sect.score(&wrong, RuleSex::Other);
    assert_eq!((score.answered, score.fired.len()), (0, 0));
    let ids = |items: Vec<&Item>| items.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(sect.unanswered(&wrong)), ["1", "3"]);
    // Blank words are no answer; the optional item may stay blank.
    assert_eq!(
        ids(sect.unanswered(&[Some(Answer::One(0)), None, words("  ")])),
        ["3"]
    );
}

#[test]
fn a_total_is_never_made_from_a_partly_answered_instrument_unless_it_prorates() {
    let mini = parse(GOOD).unwrap();
    let partial = mini.score(&one(&[Some(1), None]), RuleSex::Other);
    assert_eq!((partial.total, partial.band), (None, None));
    assert_eq!((partial.answered, partial.scored_items), (1, 2));
    let whole = mini.score(&one(&[Some(1), Some(0)]), RuleSex::Other);
    assert_eq!(whole.total, Some(1));
    assert_eq!(whole.band.map(|b| b.label.as_str()), Some("some"));

    let prorated = parse(&GOOD.replacen(
        "terms = \"none\"",
        "terms = \"none\"\nprorate_max_missing = 1",
        1,
    ))
    .unwrap();
    // One of two answered, scored 1: prorated to 2.
    assert_eq!(
        prorated.score(&one(&[Some(1), None]), RuleSex::Other).total,
        Some(2)
    );
    assert_eq!(
        prorated.score(&one(&[None, None]), RuleSex::Other).total,
        None
    );
}

#[test]
fn an_item_rule_fires_as_soon_as_its_item_is_answered() {
    let mini = parse(GOOD).unwrap();
    let fired = mini.score(&one(&[None, Some(1)]), RuleSex::Female).fired;
    assert_eq!(
        fired.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        ["second"]
    );
    assert!(mini
        .score(&one(&[Some(1), Some(0)]), RuleSex::Female)
        .fired
        .is_empty());
    // An answer naming an option the item has not counts as none.
    assert!(mini
        .score(&one(&[None, Some(7)]), RuleSex::Female)
        .fired
        .is_empty());
}
