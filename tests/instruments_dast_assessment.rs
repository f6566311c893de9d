//! DAST-10 against its published scoring (every total in its band, 3 or
//! more positive, item 3 scoring its "No"), and the comprehensive
//! assessment: its four sections in order, its free-text items holding the
//! member's words and never scored, no total, and the next step each rule
//! points to (self-harm at once).

use tend::domain::care_plan::NeedDomain;
use tend::domain::instrument::{Answer, Instrument, ItemKind, RuleAction, RuleSex};
use tend::domain::screening::answer_words;

fn instrument(id: &str) -> Instrument {
    let loaded = tend::instruments::load(None);
    assert_eq!(loaded.problems, Vec::<String>::new());
    loaded
        .get(id)
        .cloned()
        .unwrap_or_else(|| panic!("{id} ships"))
}

/// Answers that make `total` over the scored items, filled from the first
/// item on: each item's option scoring what is left, up to its highest.
fn answers_for(instrument: &Instrument, total: u32) -> Vec<Option<Answer>> {
    let mut left = total;
    instrument
        .items
        .iter()
        .map(|item| {
            if !item.scored {
                return None;
            }
            let take = left.min(item.max_score());
            left -= take;
            let option = item.answers.iter().position(|a| a.score == take);
            Some(Answer::One(option.expect("an option for every score")))
        })
        .collect()
}

fn band_of(instrument: &Instrument, total: u32) -> String {
    let score = instrument.score(&answers_for(instrument, total), RuleSex::Other);
    assert_eq!(score.total, Some(total));
    score.band.expect("every total has a band").label.clone()
}

#[test]
fn dast_10_totals_0_to_10_fall_in_the_published_bands_and_3_is_positive() {
    let dast = instrument("dast-10");
    assert_eq!(dast.max_total(), 10);
    assert_eq!(dast.items.len(), 10);
    assert_eq!(
        (dast.loinc_panel.as_deref(), dast.loinc_total.as_deref()),
        (Some("82666-9"), Some("82667-7"))
    );
    assert!(dast.terms.contains("non-commercial") && dast.terms.contains("Skinner"));
    assert!(dast.source.contains("Addict Behav 1982"));
    for (totals, band) in [
        (0..=0, "no problems reported"),
        (1..=2, "low"),
        (3..=5, "moderate"),
        (6..=8, "substantial"),
        (9..=10, "severe"),
    ] {
        for total in totals {
            assert_eq!(band_of(&dast, total), band, "total {total}");
            let fired = dast
                .score(&answers_for(&dast, total), RuleSex::Other)
                .fired
                .iter()
                .map(|r| r.action.clone())
                .collect::<Vec<_>>();
            let positive = if total >= 3 {
                vec![RuleAction::Positive]
            } else {
                vec![]
            };
            assert_eq!(fired, positive, "total {total}");
        }
    }
}

#[test]
fn dast_10_item_3_scores_its_no_and_every_other_item_its_yes() {
    let dast = instrument("dast-10");
    let three = dast.item("3").unwrap();
    assert_eq!(
        three.text,
        "Are you always able to stop using drugs when you want to?"
    );
    // The same words in the same order on every item: Yes, then No.
    for item in &dast.items {
        let labels: Vec<&str> = item.answers.iter().map(|a| a.label.as_str()).collect();
        assert_eq!(labels, ["Yes", "No"], "item {}", item.id);
    }
    let (yes, no) = (Answer::One(0), Answer::One(1));
    assert_eq!(answer_words(three, &no).unwrap().score, 1);
    assert_eq!(answer_words(three, &yes).unwrap().score, 0);
    let one = dast.item("1").unwrap();
    assert_eq!(answer_words(one, &yes).unwrap().score, 1);
    assert_eq!(answer_words(one, &no).unwrap().score, 0);

    let total = |answers: Vec<Option<Answer>>| dast.score(&answers, RuleSex::Other).total;
    // "No" to everything: no drug use, and yet item 3's "No" counts.
    assert_eq!(total(vec![Some(no.clone()); 10]), Some(1));
    // "No" to everything but item 3, which is "Yes": none reported.
    let mut none = vec![Some(no.clone()); 10];
    none[2] = Some(yes.clone());
    assert_eq!(total(none.clone()), Some(0));
    // "Yes" to everything: 9, item 3's "Yes" scoring nothing.
    assert_eq!(total(vec![Some(yes.clone()); 10]), Some(9));
    // The highest: "Yes" to all but item 3, "No" there.
    let mut all = vec![Some(yes.clone()); 10];
    all[2] = Some(no.clone());
    let score = dast.score(&all, RuleSex::Other);
    assert_eq!(score.total, Some(10));
    assert_eq!(score.band.map(|b| b.label.as_str()), Some("severe"));
    // Two "Yes" and item 3's "No": 3, positive.
    none[0] = Some(yes.clone());
    none[1] = Some(yes);
    assert_eq!(total(none.clone()), Some(2));
    none[2] = Some(no);
    assert_eq!(total(none), Some(3));
}

/// Every item of the assessment answered: its first option (for one
/// that takes several, the first alone), and words for the text items.
fn assessment_answers(assessment: &Instrument) -> Vec<Option<Answer>> {
    assessment
        .items
        .iter()
        .map(|item| {
            Some(match item.kind {
                ItemKind::Text => Answer::Text(format!("In the member's words ({})", item.id)),
                ItemKind::Choice if item.multiple => Answer::Many(vec![0]),
                ItemKind::Choice => Answer::One(0),
            })
        })
        .collect()
}

fn place(instrument: &Instrument, id: &str) -> usize {
    instrument
        .items
        .iter()
        .position(|i| i.id == id)
        .unwrap_or_else(|| panic!("item {id}"))
}

#[test]
fn the_assessment_is_read_in_its_four_sections_with_free_text_and_no_total() {
    let assessment = instrument("assessment");
    assert!(!assessment.has_total && assessment.bands.is_empty());
    assert!(assessment.terms.starts_with("tend's own"));
    assert_eq!(
        assessment
            .sections
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>(),
        ["medical", "behavioral", "functional", "social"]
    );
    // Every item in a section, the sections in order.
    let order: Vec<usize> = assessment
        .items
        .iter()
        .map(|i| {
            let id = i.section.as_deref().expect("a section");
            assessment.sections.iter().position(|s| s.id == id).unwrap()
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    assert_eq!(order.first(), Some(&0));
    assert_eq!(order.last(), Some(&3));

    let text: Vec<&str> = assessment
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::Text)
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        text,
        [
            "conditions-other",
            "medicines-list",
            "behavioral-notes",
            "supports",
            "goals"
        ]
    );
    for id in &text {
        let item = assessment.item(id).unwrap();
        assert!(
            !item.scored && item.answers.is_empty() && !item.multiple,
            "{id}"
        );
    }
    // "Choose all that apply" where a member may have several.
    for id in ["conditions", "adl-help", "iadl-help"] {
        assert!(assessment.item(id).unwrap().multiple, "{id}");
    }

    let answers = assessment_answers(&assessment);
    let score = assessment.score(&answers, RuleSex::Other);
    assert_eq!((score.total, score.band), (None, None));
    assert!(score.fired.is_empty(), "first options show no need");
    assert_eq!(score.answered, score.scored_items);
    assert!(assessment.unanswered(&answers).is_empty());

    // A text item holds the words as said; its score is none.
    let goals = place(&assessment, "goals");
    let words = "Walk to church again, and keep my sugar down";
    let mut answers = answers;
    answers[goals] = Some(Answer::Text(words.into()));
    let stored = answer_words(&assessment.items[goals], answers[goals].as_ref().unwrap()).unwrap();
    assert_eq!((stored.label.as_str(), stored.score), (words, 0));
    assert!(stored.codes.is_empty() && stored.chosen.is_empty());

    // The goals must be given; a choice given for them is no answer, and
    // words given for a choice leave it unanswered and unscored.
    answers[goals] = Some(Answer::One(0));
    let unanswered = |answers: &[Option<Answer>]| {
        assessment
            .unanswered(answers)
            .iter()
            .map(|i| i.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(unanswered(&answers), ["goals"]);
    answers[goals] = None;
    let food = place(&assessment, "food");
    answers[food] = Some(Answer::Text("yes".into()));
    assert_eq!(unanswered(&answers), ["food", "goals"]);
    let before = assessment.score(&assessment_answers(&assessment), RuleSex::Other);
    let after = assessment.score(&answers, RuleSex::Other);
    assert_eq!(after.answered, before.answered - 1);
    // The optional text items may stay blank.
    let blank: Vec<Option<Answer>> = assessment_answers(&assessment)
        .into_iter()
        .zip(&assessment.items)
        .map(|(a, i)| {
            (i.kind == ItemKind::Choice || !i.optional)
                .then_some(a)
                .flatten()
        })
        .collect();
    assert!(assessment.unanswered(&blank).is_empty());
    // "Choose all that apply" takes several, once each.
    let adl = assessment.item("adl-help").unwrap();
    assert!(adl.accepts(&Answer::Many(vec![0, 4])));
    assert!(!adl.accepts(&Answer::Many(vec![0, 0])));
    assert!(!adl.accepts(&Answer::Many(vec![])));
    assert!(!adl.accepts(&Answer::One(0)));
}

#[test]
fn the_assessment_points_to_the_next_step_self_harm_at_once() {
    let assessment = instrument("assessment");
    let fired = |changes: &[(&str, usize)]| {
        let mut answers = assessment_answers(&assessment);
        for (id, option) in changes {
            answers[place(&assessment, id)] = Some(Answer::One(*option));
        }
        assessment
            .score(&answers, RuleSex::Other)
            .fired
            .iter()
            .map(|r| r.action.clone())
            .collect::<Vec<_>>()
    };
    let yes = 1; // the yes-no scale: No, Yes
    assert_eq!(fired(&[("self-harm", yes)]), [RuleAction::Safety]);
    assert_eq!(
        fired(&[
            ("feeling-down", yes),
            ("feeling-nervous", yes),
            ("alcohol", yes),
            ("drugs", yes)
        ]),
        ["phq-2", "gad-2", "audit-c", "dast-10"].map(|id| RuleAction::Offer(id.into()))
    );
    assert_eq!(
        fired(&[
            ("falls", 2),
            ("living-situation", 1),
            ("food", yes),
            ("transportation", yes),
            ("paying-basics", yes),
            ("unsafe", yes),
            ("someone-to-count-on", 2),
        ]),
        [
            NeedDomain::Medical,
            NeedDomain::Housing,
            NeedDomain::Food,
            NeedDomain::Transportation,
            NeedDomain::IncomeBenefits,
            NeedDomain::Safety,
            NeedDomain::SocialSupport,
        ]
        .map(RuleAction::Need)
    );
    // One fall, or someone to count on only sometimes: no need yet.
    assert_eq!(fired(&[("falls", 1), ("someone-to-count-on", 1)]), []);
    // The self-harm item fires as soon as it is answered, alone.
    let mut first = vec![None; assessment.items.len()];
    first[place(&assessment, "self-harm")] = Some(Answer::One(yes));
    let score = assessment.score(&first, RuleSex::Female);
    assert_eq!(score.fired.len(), 1);
    assert_eq!(score.fired[0].action, RuleAction::Safety);
}
