//! The shipped instruments (assets/instruments) against their published
//! scoring: every total from none to the highest in the band the manual
//! gives it, PHQ-9's item 9 deciding at once whatever the total (1 and
//! 27), PHQ-2 and GAD-2 offering the full instrument at 3 and not at 2,
//! a total never made from a partly answered screening; and a program's
//! own instrument folder, a broken file left out with FILE:LINE, and said
//! on the status line as tend starts. (DAST-10 and the comprehensive
//! assessment: tests/instruments_dast_assessment.rs.)

mod common;

use tend::domain::instrument::{Answer, Instrument, RuleAction, RuleSex};
use tend::instruments::{self, Loaded};

fn shipped() -> Loaded {
    let loaded = instruments::load(None);
    assert_eq!(loaded.problems, Vec::<String>::new());
    loaded
}

fn instrument(id: &str) -> Instrument {
    shipped()
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

/// Single answers, by option index.
fn one(answers: &[Option<usize>]) -> Vec<Option<Answer>> {
    answers.iter().map(|a| a.map(Answer::One)).collect()
}

fn band_of(instrument: &Instrument, total: u32) -> String {
    let score = instrument.score(&answers_for(instrument, total), RuleSex::Other);
    assert_eq!(score.total, Some(total));
    score.band.expect("every total has a band").label.clone()
}

#[test]
fn phq_9_totals_0_to_27_fall_in_the_published_bands() {
    let phq9 = instrument("phq-9");
    assert_eq!(phq9.max_total(), 27);
    assert_eq!(phq9.loinc_total.as_deref(), Some("44261-6"));
    for (totals, band) in [
        (0..=4, "minimal"),
        (5..=9, "mild"),
        (10..=14, "moderate"),
        (15..=19, "moderately severe"),
        (20..=27, "severe"),
    ] {
        for total in totals {
            assert_eq!(band_of(&phq9, total), band, "total {total}");
        }
    }
}

#[test]
fn phq_9_item_9_raises_the_safety_rule_whatever_the_total() {
    let phq9 = instrument("phq-9");
    let nine = phq9.items.iter().position(|i| i.id == "9").unwrap();
    // A total of 1, all of it item 9 ("several days").
    let mut answers = vec![Some(0); 9];
    answers.push(None);
    answers[nine] = Some(1);
    let score = phq9.score(&one(&answers), RuleSex::Female);
    assert_eq!(score.total, Some(1));
    assert_eq!(score.band.map(|b| b.label.as_str()), Some("minimal"));
    assert_eq!(
        score.fired.iter().map(|r| &r.action).collect::<Vec<_>>(),
        [&RuleAction::Safety]
    );
    // 27: every item "nearly every day".
    let all = vec![Some(3); 9];
    let score = phq9.score(&one(&all), RuleSex::Male);
    assert_eq!(score.total, Some(27));
    assert_eq!(score.fired.len(), 1);
    // Item 9 answered first, nothing else yet: it fires before any total.
    let mut first = vec![None; 10];
    first[nine] = Some(2);
    let score = phq9.score(&one(&first), RuleSex::Other);
    assert_eq!(score.total, None);
    assert_eq!(score.fired[0].id, "self-harm");
    // And "not at all" raises nothing, even at a severe total.
    let mut severe = vec![Some(3); 9];
    severe[nine] = Some(0);
    let score = phq9.score(&one(&severe), RuleSex::Other);
    assert_eq!(score.total, Some(24));
    assert!(score.fired.is_empty());
}

#[test]
fn phq_9_item_10_is_asked_but_never_counted_and_a_partial_screening_has_no_total() {
    let phq9 = instrument("phq-9");
    let ten = phq9.item("10").unwrap();
    assert!(!ten.scored && ten.optional);
    let mut answers = vec![Some(1); 9];
    answers.push(Some(3));
    assert_eq!(phq9.score(&one(&answers), RuleSex::Other).total, Some(9));
    answers[4] = None;
    let partial = phq9.score(&one(&answers), RuleSex::Other);
    assert_eq!(
        (partial.total, partial.answered, partial.scored_items),
        (None, 8, 9)
    );
}

#[test]
fn gad_7_cut_points_are_5_10_and_15() {
    let gad7 = instrument("gad-7");
    assert_eq!(gad7.max_total(), 21);
    for (total, band) in [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ] {
        assert_eq!(band_of(&gad7, total), band, "total {total}");
    }
}

#[test]
fn phq_2_and_gad_2_offer_the_full_instrument_at_3_and_not_at_2() {
    for (two, full) in [("phq-2", "phq-9"), ("gad-2", "gad-7")] {
        let short = instrument(two);
        assert_eq!(short.max_total(), 6);
        let at = |total| {
            short
                .score(&answers_for(&short, total), RuleSex::Other)
                .fired
                .iter()
                .map(|r| r.action.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(at(2), vec![], "{two} at 2");
        assert_eq!(at(3), [RuleAction::Offer(full.into())], "{two} at 3");
        assert_eq!(at(6), [RuleAction::Offer(full.into())], "{two} at 6");
        assert_eq!(band_of(&short, 2), "negative");
        assert_eq!(band_of(&short, 3), "positive");
        // The short form's items are the full one's first two, word for word.
        let long = instrument(full);
        for (a, b) in short.items.iter().zip(&long.items) {
            assert_eq!((&a.text, &a.loinc), (&b.text, &b.loinc));
        }
    }
}

#[test]
fn a_programs_own_instrument_is_read_and_a_broken_one_left_out_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = instruments::SHIPPED
        .iter()
        .find(|(name, _)| *name == "phq-2.toml")
        .unwrap()
        .1
        .replace("id = \"phq-2\"", "id = \"phq-2-es\"");
    std::fs::write(dir.path().join("phq-2-es.toml"), good).unwrap();
    let broken = "id = \"broken\"\nname = \"Broken\"\n";
    std::fs::write(dir.path().join("broken.toml"), broken).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not an instrument").unwrap();
    let loaded = instruments::load(Some(dir.path()));
    assert!(loaded.get("phq-2-es").is_some());
    assert!(loaded.get("broken").is_none());
    assert_eq!(
        loaded.problems,
        [format!(
            "{}:1: missing field `title`",
            dir.path().join("broken.toml").display()
        )]
    );
    // A folder that is not there is no problem: most programs add none.
    assert!(instruments::load(Some(&dir.path().join("none")))
        .problems
        .is_empty());
}

#[test]
fn tend_starts_without_a_broken_instrument_and_says_so_on_the_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("instruments");
    std::fs::create_dir(&folder).unwrap();
    let text = instruments::SHIPPED[0]
        .1
        .replace("id = \"phq-2\"", "id = \"own\"")
        .replace("to = 6", "to = 5");
    std::fs::write(folder.join("own.toml"), text).unwrap();
    let mut settings = common::settings_at_once();
    settings.instruments = instruments::load(Some(&folder));
    let app = common::app_with(&dir.path().join("tend.db"), &settings, 80, 24);
    let file = folder.join("own.toml").display().to_string();
    let message = common::message(&app);
    assert!(
        message.starts_with(&format!("Screening instrument left out: {file}:")),
        "{message}"
    );
    assert!(
        message.ends_with("the bands end at 5, but the total can reach 6"),
        "{message}"
    );
    assert!(app.settings.instruments.get("own").is_none());
    assert!(app.settings.instruments.get("phq-9").is_some());
}

/// The needs an AHC screening offers, by the rules that fire.
fn needs(ahc: &Instrument, answers: &[Option<Answer>]) -> Vec<String> {
    ahc.score(answers, RuleSex::Other)
        .fired
        .iter()
        .map(|r| match &r.action {
            RuleAction::Need(domain) => format!("{}:{}", r.id, domain.code()),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn ahc_hrsn_offers_each_positive_domains_need_and_reads_safety_at_11_not_10() {
    let ahc = instrument("ahc-hrsn");
    assert!(!ahc.has_total);
    // Steady housing, no problems, food never short, rides fine, no
    // shut-off; safety 10 in all (never, rarely, sometimes, fairly often).
    let mut answers: Vec<Option<Answer>> = vec![
        Some(Answer::One(0)),
        Some(Answer::Many(vec![7])),
        Some(Answer::One(2)),
        Some(Answer::One(2)),
        Some(Answer::One(1)),
        Some(Answer::One(1)),
        Some(Answer::One(0)),
        Some(Answer::One(1)),
        Some(Answer::One(2)),
        Some(Answer::One(3)),
    ];
    let score = ahc.score(&answers, RuleSex::Other);
    assert_eq!(score.total, None, "the tool has no total");
    assert_eq!(needs(&ahc, &answers), Vec::<String>::new(), "safety at 10");
    // 11: "rarely" hurt instead of "never".
    answers[6] = Some(Answer::One(1));
    assert_eq!(needs(&ahc, &answers), ["interpersonal-safety:safety"]);
    answers[6] = Some(Answer::One(0));
    // Worried about losing the place; mold and water leaks; food ran out
    // sometimes; no rides; already shut off.
    answers[0] = Some(Answer::One(1));
    answers[1] = Some(Answer::Many(vec![1, 6]));
    answers[3] = Some(Answer::One(1));
    answers[4] = Some(Answer::One(0));
    answers[5] = Some(Answer::One(2));
    assert_eq!(
        needs(&ahc, &answers),
        [
            "housing:housing",
            "food:food",
            "transportation:transportation",
            "utilities:housing"
        ]
    );
    // Only the problems with the place: still a housing need.
    answers = vec![None; 10];
    answers[1] = Some(Answer::Many(vec![3]));
    assert_eq!(needs(&ahc, &answers), ["housing:housing"]);
    // "Choose all that apply" takes several; a single-choice item does not.
    answers[1] = Some(Answer::One(3));
    assert_eq!(needs(&ahc, &answers), Vec::<String>::new());
    answers[0] = Some(Answer::Many(vec![1, 2]));
    assert_eq!(needs(&ahc, &answers), Vec::<String>::new());
}

#[test]
fn audit_c_cut_points_are_4_for_men_3_for_women_and_3_when_neither_is_recorded() {
    let audit = instrument("audit-c");
    assert_eq!(audit.max_total(), 12);
    assert!(audit.bands.is_empty(), "read by its cut points");
    let positive = |total: u32, sex: RuleSex| {
        let score = audit.score(&answers_for(&audit, total), sex);
        assert_eq!(score.total, Some(total));
        assert_eq!(score.band, None);
        !score.fired.is_empty()
    };
    assert!(!positive(3, RuleSex::Male));
    assert!(positive(4, RuleSex::Male));
    assert!(!positive(2, RuleSex::Female));
    assert!(positive(3, RuleSex::Female));
    assert!(!positive(2, RuleSex::Other));
    assert!(positive(3, RuleSex::Other));
    assert!(positive(12, RuleSex::Male));
    // Which field decides: the recorded sex; other and unknown alike.
    use tend::domain::patient::Sex;
    assert_eq!(RuleSex::from(Sex::Male), RuleSex::Male);
    assert_eq!(RuleSex::from(Sex::Female), RuleSex::Female);
    assert_eq!(RuleSex::from(Sex::Other), RuleSex::Other);
    assert_eq!(RuleSex::from(Sex::Unknown), RuleSex::Other);
    assert!(positive(3, Sex::Unknown.into()));
}

#[test]
fn tend_instruments_lists_what_it_reads_and_checks_a_programs_file_before_it_is_used() {
    let home = tempfile::tempdir().unwrap();
    let folder = home.path().join(".config/tend/instruments");
    std::fs::create_dir_all(&folder).unwrap();
    let broken = folder.join("broken.toml");
    std::fs::write(
        &broken,
        "id = \"broken\"\nname = \"Broken\"\ntitle = \"x\"\n",
    )
    .unwrap();
    let tend = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_tend"))
            .args(args)
            .env("HOME", home.path())
            .env_remove("XDG_CONFIG_HOME")
            .env("TEND_NOW", "2026-11-24T09:00:00-05:00")
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, listed) = tend(&["instruments"]);
    assert_eq!(code, Some(1), "{listed}");
    for line in [
        "phq-9        PHQ-9         10 items  shipped",
        "dast-10      DAST-10       10 items  shipped",
        "assessment   Assessment    34 items  shipped",
    ] {
        assert!(listed.contains(line), "{listed}");
    }
    assert!(
        listed.contains(&format!(
            "left out: {}:1: missing field `source`",
            broken.display()
        )),
        "{listed}"
    );
    let phq9 = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/instruments/phq-9.toml");
    let (code, checked) = tend(&["instruments", phq9]);
    assert_eq!(code, Some(0));
    assert_eq!(
        checked,
        format!("{phq9}: ok: PHQ-9 (phq-9), 10 items, total 0 to 27\n")
    );
    let (code, checked) = tend(&["instruments", broken.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        checked,
        format!("{}:1: missing field `source`\n", broken.display())
    );
    let assessment = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/instruments/assessment.toml"
    );
    let (code, checked) = tend(&["instruments", assessment]);
    assert_eq!(code, Some(0));
    assert_eq!(
        checked,
        format!(
            "{assessment}: ok: Assessment (assessment), 34 items (4 sections, 5 free text), no total\n"
        )
    );
    // A program's own assessment, its goals given options by mistake and
    // a section misspelled: both said, at their lines.
    let shipped = std::fs::read_to_string(assessment).unwrap();
    let own = shipped
        .replace("id = \"assessment\"", "id = \"own-assessment\"")
        .replacen(
            "kind = \"text\"\ntext = \"In your own words",
            "kind = \"text\"\nscale = \"yes-no\"\ntext = \"In your own words",
            1,
        )
        .replacen("section = \"functional\"", "section = \"function\"", 1);
    let line = |needle: &str| own[..own.find(needle).unwrap()].matches('\n').count() + 1;
    let file = folder.join("own-assessment.toml");
    std::fs::write(&file, &own).unwrap();
    let (code, checked) = tend(&["instruments", file.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(
        checked,
        format!(
            "{f}:{}: item \"adl-help\": no section named \"function\" (sections: medical, \
             behavioral, functional, social)\n\
             {f}:{}: item \"goals\" is free text (kind = \"text\"): it takes no scale or answers\n",
            line("section = \"function\""),
            line("scale = \"yes-no\"\ntext = \"In your own"),
            f = file.display()
        )
    );
}
