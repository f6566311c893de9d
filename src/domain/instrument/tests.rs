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
        ("title =", "titel =", "line 3: unknown field `titel`, expected one of `id`, `name`, `title`, `stem`, `source`, `terms`, `loinc_panel`, `loinc_total`, `total`, `prorate_max_missing`, `scales`, `items`, `bands`, `rules`"),
    ];
    for (good, bad, expected) in cases {
        assert!(GOOD.contains(good), "{good}");
        let text = GOOD.replacen(good, bad, 1);
        assert_eq!(problems(&text), [expected.to_string()], "{bad}");
    }
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
