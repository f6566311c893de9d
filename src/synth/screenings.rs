//! The generated caseload's screening history (issue 18): signed PHQ-9s,
//! GAD-7s, AHC social-needs screenings and AUDIT-Cs over the past year,
//! answered item by item and scored by the shipped instruments themselves
//! (`Instrument::score`), so every total, band and fired rule is what tend
//! would have made of those answers.
//!
//! Drawn from a random stream of their own (seeded by the caseload's seed,
//! a constant and the patient's index), so adding them left every other
//! generated record as it was for a given seed.
//!
//! Who has a history: enrolled members only (screening starts at
//! enrollment), a third of the user's own caseload (what the demo shows)
//! and one in sixteen of everyone else's, which keeps `tend gen` at 100,000
//! patients within a few percent of its time without them. Of those:
//! - PHQ-9 for nine in ten (every one with depression on the problem
//!   list), 1 to 4 of them about three months apart, the latest 1 to 150
//!   days ago (so some are due again under a 90-day rule);
//! - GAD-7 for four in ten (most with anxiety), 1 to 3;
//! - the AHC social-needs screening for half, once;
//! - AUDIT-C for three in ten (most with an alcohol or opioid disorder),
//!   1 or 2.
//!
//! Each member has a leaning per instrument (most low, some high, higher
//! with the matching condition) that eases a little from one screening to
//! the next, as it does when care works; each item is answered around it.
//! PHQ-9 item 9 (thoughts of self-harm) is answered above "Not at all" in
//! about one screening in twenty-five, mostly the severe ones: each such
//! screening's safety flag and escalation task were raised and closed on
//! its day (see `store::screening_synth`).

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::clock::Clock;
use crate::domain::clinical::{Condition, ConditionStatus};
use crate::domain::instrument::{Answer, Instrument, RuleSex};
use crate::domain::patient::{EnrollmentStatus, Patient, Sex};
use crate::domain::screening::{answer_words, is_safety, safety_texts};
use crate::store::{SavedAnswer, SynthScreening};

/// The oldest screening, in days before today.
const HISTORY_DAYS: i64 = 365;

/// The share of patients with a history, in percent: in the user's own
/// caseload, and in everyone else's.
const OWN_SHARE: u32 = 34;
const OTHERS_SHARE: u32 = 6;

/// The signed screenings of the patient with this index (author: their
/// coordinator), oldest first.
pub(super) fn screenings_for(
    seed: u64,
    index: usize,
    own: bool,
    patient: &Patient,
    conditions: &[Condition],
    instruments: &[Instrument],
    clock: Clock,
) -> Vec<SynthScreening> {
    let (Some(author), EnrollmentStatus::Enrolled) =
        (patient.coordinator_id(), patient.enrollment_status)
    else {
        return Vec::new();
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5c12_u64.rotate_left(44) ^ index as u64);
    let share = if own { OWN_SHARE } else { OTHERS_SHARE };
    if rng.gen_range(0..100) >= share {
        return Vec::new();
    }
    let today = clock.today();
    let earliest = patient
        .enrolled_on
        .unwrap_or(today)
        .max(today - Duration::days(HISTORY_DAYS));
    let has = |prefixes: &[&str]| {
        conditions.iter().any(|c| {
            c.clinical_status == ConditionStatus::Active
                && c.code
                    .as_deref()
                    .is_some_and(|code| prefixes.iter().any(|p| code.starts_with(p)))
        })
    };
    let sex = match patient.sex {
        Sex::Female => RuleSex::Female,
        Sex::Male => RuleSex::Male,
        _ => RuleSex::Other,
    };
    let mut draw = Draw {
        rng,
        clock,
        earliest,
        author,
        sex,
    };
    let depression = has(&["F32", "F33"]);
    let anxiety = has(&["F41"]);
    let substance = has(&["F10", "F11"]);
    // (instrument, chance in percent, most screenings, leaning boost)
    let plan: [(&str, u32, u32, bool); 4] = [
        ("phq-9", if depression { 100 } else { 88 }, 4, depression),
        ("gad-7", if anxiety { 85 } else { 35 }, 3, anxiety),
        ("ahc-hrsn", 50, 1, false),
        ("audit-c", if substance { 80 } else { 25 }, 2, substance),
    ];
    let mut out = Vec::new();
    for (id, chance, most, boost) in plan {
        let Some(instrument) = instruments.iter().find(|i| i.id == id) else {
            continue;
        };
        if draw.rng.gen_range(0..100) < chance {
            draw.history(instrument, most, boost, &mut out);
        }
    }
    out.sort_by_key(|s| s.signed_at);
    out
}

struct Draw {
    rng: ChaCha8Rng,
    clock: Clock,
    /// No screening before this day (enrollment, or a year ago).
    earliest: NaiveDate,
    author: i64,
    sex: RuleSex,
}

impl Draw {
    /// 1 to `most` screenings with the instrument, about three months
    /// apart, the latest 1 to 150 days ago; none before `earliest`.
    fn history(
        &mut self,
        instrument: &Instrument,
        most: u32,
        boost: bool,
        out: &mut Vec<SynthScreening>,
    ) {
        let count = self.rng.gen_range(1..=most);
        // Most lean low; a condition on the list leans higher.
        let mut leaning: f64 = self.rng.gen::<f64>().powf(if boost { 0.8 } else { 2.2 });
        // Social needs and alcohol lean lower than mood does: most members
        // screen negative for them unless the problem list says otherwise.
        leaning *= match (instrument.id.as_str(), boost) {
            ("ahc-hrsn", _) => 0.45,
            ("audit-c", false) => 0.35,
            ("audit-c", true) => 0.8,
            _ => 1.0,
        };
        let mut ago = self.rng.gen_range(1..=150i64);
        let mut days = vec![ago];
        for _ in 1..count {
            ago += self.rng.gen_range(75..=110);
            days.push(ago);
        }
        let today = self.clock.today();
        for ago in days.into_iter().rev() {
            if today - Duration::days(ago) < self.earliest {
                continue;
            }
            let screening = self.screening(instrument, leaning, ago);
            out.push(screening);
            // Care helps, a little at a time.
            leaning = (leaning - self.rng.gen_range(0.0..0.15)).max(0.0);
        }
    }

    /// One screening `ago` days back, answered around `leaning` (0 to 1).
    fn screening(&mut self, instrument: &Instrument, leaning: f64, ago: i64) -> SynthScreening {
        let mut answers: Vec<Option<Answer>> = Vec::with_capacity(instrument.items.len());
        for item in &instrument.items {
            let answer = if item.multiple {
                // "Choose all that apply": a problem or two, or none of them.
                let none = item.answers.iter().position(|a| a.score == 0);
                let problems: Vec<usize> = (0..item.answers.len())
                    .filter(|&i| Some(i) != none)
                    .collect();
                if !problems.is_empty() && self.rng.gen_bool(leaning.min(1.0) * 0.6) {
                    let first = problems[self.rng.gen_range(0..problems.len())];
                    let second = problems[self.rng.gen_range(0..problems.len())];
                    let mut chosen = vec![first, second];
                    chosen.sort_unstable();
                    chosen.dedup();
                    Answer::Many(chosen)
                } else {
                    Answer::Many(vec![none.unwrap_or(0)])
                }
            } else if instrument.id == "phq-9" && item.id == "9" {
                // Thoughts of self-harm: rare, and mostly when severe.
                let chance = 0.01 + 0.12 * leaning * leaning;
                Answer::One(if self.rng.gen_bool(chance.min(1.0)) {
                    self.rng.gen_range(1..item.answers.len().max(2))
                } else {
                    0
                })
            } else {
                // Options in order of score; one around the leaning.
                let mut order: Vec<usize> = (0..item.answers.len()).collect();
                order.sort_by_key(|&i| item.answers[i].score);
                let spread = self.rng.gen_range(-0.3..0.3);
                let at = ((leaning + spread).clamp(0.0, 1.0) * (order.len() - 1) as f64).round();
                Answer::One(order[(at as usize).min(order.len() - 1)])
            };
            answers.push(Some(answer));
        }
        let score = instrument.score(&answers, self.sex);
        let safety = score
            .fired
            .iter()
            .find(|rule| is_safety(&rule.action))
            .map(|rule| safety_texts(instrument, &rule.message));
        let total = score.total;
        let band = score.band.map(|b| b.label.clone());
        let saved = instrument
            .items
            .iter()
            .zip(&answers)
            .enumerate()
            .filter_map(|(position, (item, answer))| {
                let words = answer_words(item, answer.as_ref()?)?;
                Some(SavedAnswer {
                    item: item.id.clone(),
                    position,
                    chosen: words.chosen,
                    label: Some(words.label),
                    score: Some(words.score),
                    codes: words.codes,
                    text: None,
                })
            })
            .collect();
        // In working hours: 9 a.m. to 4 p.m. on its day.
        let signed_on = self.clock.today() - Duration::days(ago);
        let morning = self
            .clock
            .start_of(signed_on)
            .unwrap_or_else(|| self.clock.now_utc());
        let signed_at = morning + Duration::minutes(9 * 60 + self.rng.gen_range(0..420));
        let started_at = signed_at - Duration::minutes(self.rng.gen_range(3..=12));
        SynthScreening {
            instrument: instrument.id.clone(),
            instrument_name: instrument.name.clone(),
            author_id: self.author,
            started_at,
            signed_at,
            signed_on,
            total,
            band,
            answers: saved,
            safety,
        }
    }
}
