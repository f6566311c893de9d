//! The synthetic caseload behind `tend demo` and `tend gen`.
//!
//! Deterministic for a given seed and date: the same seed and `TEND_NOW`
//! always write the same records. Records are written through the store's own
//! inserts, in one transaction with one audit row.
//!
//! Distributions (per patient unless said otherwise), chosen to look like a
//! Health Home program two years in:
//! - coordinators: one per 65 patients (at least one), so 100,000 patients
//!   have about 1,540; the current user is the first and gets every n-th
//!   patient, about 65 (60 in the demo's 360);
//! - age 19 to 85; risk tier low 25%, medium 35%, high 28%, very high 12%;
//! - enrollment enrolled 75%, outreach 18%, disenrolled 7%;
//! - language English 60%, Spanish 20%, others 20% (most of whom need an
//!   interpreter), one of [`OTHER_LANGUAGES`];
//! - 1 to 4 conditions; a primary care provider and 0 to 3 other care-team members;
//! - 0 to 4 medications (one in ten stopped), an allergy for a quarter, a flag
//!   for one in ten (4% safety, 6% a calling rule); consent on file for 85%
//!   (expiring from six weeks ago to a year ahead), missing for 12%, revoked
//!   for 3%; an advance directive for a quarter; pronouns for 30%; plan
//!   reviews due from a month ago to five months ahead;
//! - 1 to 5 goals, targets from a month ago to six months ahead, each with its
//!   measure and under the need it serves (one need a description); goals
//!   being worked on have 0 to 4 progress entries over the last four months,
//!   measured ones a trend of values;
//! - tasks, 10.5 on average: the care-plan review (below); 1 to 3 other open
//!   ones, one in five overdue by up to two weeks and the rest due within
//!   five weeks (about one in seven is a
//!   hard-deadline follow-up, due within three days either side of today),
//!   and 3 to 12 completed ones due over the last two years, each done on its
//!   due date or up to three days later;
//! - notes, 20 on average: 1 to 4 over the last 90 days (so "last contact" is
//!   recent) and 8 to 28 over the rest of the last two years; a note that reached
//!   someone adds 0 to 3 sentences of what was said to its opening line, so
//!   the notes' words vary as real ones do.

mod records;
mod roster;
mod vocab;

pub use roster::roster_csv;

use records::{GoalRecords, PatientRecords, UNSAVED};
use vocab::Vocab;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::care_plan::GoalPriority;
use crate::domain::clinical::{AllergyCriticality, Condition, ConditionStatus};
use crate::domain::goal::{Goal, GoalStatus};
use crate::domain::patient::{
    ConsentStatus, EnrollmentStatus, FlagKind, Patient, Practitioner, RiskTier, Sex,
};
use crate::domain::task::{Priority, TaskStatus};
use crate::store::{
    AuditAction, Medication, NewCareTeamMember, NewCommunication, NewTask, Store, StoreError, Tx,
};

/// Patients per coordinator: a typical Health Home caseload (50 to 75).
pub const CASELOAD_SIZE: usize = 65;

/// How far back the history of completed tasks and notes goes, in days.
const HISTORY_DAYS: i64 = 730;

/// Notes within this many days count as recent; every patient has some.
const RECENT_DAYS: i64 = 90;

/// Languages other than English and Spanish that US Medicaid programs
/// often meet (BCP 47 tags): the generator's own choice, in this order so
/// a seed gives the caseload it always gave.
pub const OTHER_LANGUAGES: [&str; 12] = [
    "zh", "yue", "ht", "ru", "bn", "ar", "ko", "vi", "fr", "pl", "so", "ase",
];

/// The demo's default size: the user's ~60 patients and five colleagues'.
pub const DEMO_PATIENTS: usize = 360;

#[derive(Debug, Clone)]
pub struct GenParams {
    pub patients: usize,
    pub seed: u64,
    /// The user who gets the first caseload.
    pub user: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenReport {
    pub patients: usize,
    pub coordinators: usize,
    pub conditions: usize,
    pub care_team_members: usize,
    pub goals: usize,
    pub tasks: usize,
    pub notes: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("{path} already holds {count} patients; tend gen only writes into an empty database (choose a new file)")]
    NotEmpty { path: String, count: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Writes a synthetic caseload into an empty store.
pub fn generate(store: &mut Store, params: &GenParams) -> Result<GenReport, GenError> {
    let count = store.patient_count()?;
    if count > 0 {
        return Err(GenError::NotEmpty {
            path: store.path().display().to_string(),
            count,
        });
    }
    let clock = store.clock();
    let today = clock.today();
    let now = clock.now_utc();
    let report = store.bulk_write(|tx| {
        let mut report = GenReport::default();
        let coordinators = write_coordinators(tx, params)?;
        report.coordinators = coordinators.len();
        // Two threads: this one writes while the other makes the records,
        // so the random draws and the text cost no time the writes wait for.
        // One generator draws every record in order, so the data is the same
        // as it would be made on one thread.
        let (send, receive) = std::sync::mpsc::sync_channel::<PatientRecords>(256);
        std::thread::scope(|scope| {
            let coordinators = &coordinators;
            scope.spawn(move || {
                let mut gen = Generator {
                    vocab: Vocab::embedded(),
                    rng: ChaCha8Rng::seed_from_u64(params.seed),
                    today,
                    now,
                };
                for index in 0..params.patients {
                    let coordinator = &coordinators[index % coordinators.len()];
                    // A send fails only when the writer has stopped on an
                    // error, which it reports.
                    if send.send(gen.patient(index, coordinator)).is_err() {
                        break;
                    }
                }
            });
            for records in receive {
                records.write(tx, &mut report)?;
            }
            Ok::<(), StoreError>(())
        })?;
        let detail = format!(
            "synthetic caseload: {} patients, seed {}",
            params.patients, params.seed
        );
        tx.audit(AuditAction::Create, "Bundle", None, None, Some(&detail))?;
        Ok(report)
    })?;
    Ok(report)
}

/// The coordinators, the user first.
fn write_coordinators(
    tx: &mut Tx<'_>,
    params: &GenParams,
) -> Result<Vec<Practitioner>, StoreError> {
    let coordinators = params.patients.div_ceil(CASELOAD_SIZE).max(1);
    let mut written = Vec::with_capacity(coordinators);
    for n in 0..coordinators {
        let (username, display_name) = match n {
            0 => (params.user.clone(), params.user.clone()),
            n => (format!("cc{n:04}"), format!("Demo Coordinator {n}")),
        };
        written.push(Practitioner {
            id: tx.practitioner(&username, &display_name)?,
            username,
            display_name,
        });
    }
    Ok(written)
}

/// Makes the records: the random draws, in a fixed order.
struct Generator {
    vocab: &'static Vocab,
    rng: ChaCha8Rng,
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl Generator {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items
            .choose(&mut self.rng)
            .expect("word lists are not empty")
    }

    /// Picks an index by weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut roll = self.rng.gen_range(0..total);
        for (i, w) in weights.iter().enumerate() {
            if roll < *w {
                return i;
            }
            roll -= w;
        }
        weights.len() - 1
    }

    fn days_from_today(&mut self, from: i64, to: i64) -> NaiveDate {
        self.today + Duration::days(self.rng.gen_range(from..=to))
    }

    /// An invented family name, such as "Quinorrow".
    fn family_name(&mut self) -> String {
        let (heads, tails) = self.vocab.family_combinations();
        let head = self.rng.gen_range(0..heads);
        let tail = self.rng.gen_range(0..tails);
        self.vocab.family_name(head, tail)
    }

    fn phone(&mut self) -> String {
        let area = self.pick(&self.vocab.area_codes).clone();
        format!("({area}) 555-01{:02}", self.rng.gen_range(0..100))
    }

    /// One patient and everything recorded about them, ready to write.
    fn patient(&mut self, index: usize, coordinator: &Practitioner) -> PatientRecords {
        let family_name = self.family_name();
        let given_name = self.pick(&self.vocab.given_names).clone();
        let age_days = self.rng.gen_range(19 * 365..85 * 365);
        let language = match self.weighted(&[60, 20, 20]) {
            0 => "en".to_string(),
            1 => "es".to_string(),
            _ => self.pick(&OTHER_LANGUAGES).to_string(),
        };
        let interpreter_needed = language != "en" && self.rng.gen_bool(0.7);
        let enrollment_status = [
            EnrollmentStatus::Enrolled,
            EnrollmentStatus::Outreach,
            EnrollmentStatus::Disenrolled,
        ][self.weighted(&[75, 18, 7])];
        let enrolled_on = (enrollment_status != EnrollmentStatus::Outreach)
            .then(|| self.days_from_today(-3 * 365, -20));
        let phone_primary = Some(self.phone());
        let phone_secondary = self.rng.gen_bool(0.5).then(|| self.phone());
        let mut patient = Patient {
            member_id: format!("SYN{:07}", index + 1),
            family_name,
            given_name,
            birth_date: self.today - Duration::days(age_days),
            sex: [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown][self.weighted(&[50, 46, 3, 1])],
            language,
            interpreter_needed,
            phone_primary,
            phone_secondary,
            medicaid_id: Some(format!(
                "ZZ{:05}{}",
                self.rng.gen_range(0..100_000),
                char::from(b'A' + self.rng.gen_range(0..26u8))
            )),
            plan_name: Some(self.pick(&self.vocab.plans).clone()),
            enrollment_status,
            enrolled_on,
            risk_tier: RiskTier::ALL[self.weighted(&[25, 35, 28, 12])],
            coordinator: Some(coordinator.clone()),
            ..Patient::default()
        };
        self.details(&mut patient);
        if patient.phone_secondary.is_none() {
            // Only a second phone on file can be the preferred one (the
            // record's own rule); the draw stays, so the data after it does.
            patient.preferred_phone = 1;
        }
        let mut records = PatientRecords {
            patient,
            flags: self.flags(),
            medications: self.medications(),
            allergies: self.allergies(),
            conditions: Vec::new(),
            care_team: Vec::new(),
            needs: Vec::new(),
            goals: Vec::new(),
            tasks: Vec::new(),
            notes: Vec::new(),
        };
        self.conditions(&mut records);
        self.care_team(&mut records);
        self.goals(&mut records);
        self.tasks(&mut records, coordinator.id);
        self.notes(&mut records, coordinator.id);
        records
    }

    /// Identity, contact, address, consent and dates: most patients have
    /// consent on file (some expired), a quarter an advance directive, and
    /// plan reviews fall from a month ago to five months ahead.
    fn details(&mut self, patient: &mut Patient) {
        let vocab = self.vocab;
        let pronouns = self
            .rng
            .gen_bool(0.3)
            .then(|| self.pick(&vocab.pronouns).clone());
        let best_time_to_call = self
            .rng
            .gen_bool(0.5)
            .then(|| self.pick(&vocab.best_times).clone());
        let consent_status = [
            ConsentStatus::Active,
            ConsentStatus::None,
            ConsentStatus::Revoked,
        ][self.weighted(&[85, 12, 3])];
        let consent_expires_on =
            (consent_status == ConsentStatus::Active).then(|| self.days_from_today(-45, 365));
        // Each draw in the order it was always made, so a seed keeps
        // making the same data.
        *patient = Patient {
            gender_identity: None,
            pronouns,
            preferred_phone: if self.rng.gen_bool(0.2) { 2 } else { 1 },
            best_time_to_call,
            address_line: Some(format!(
                "{} {}",
                self.rng.gen_range(1..400),
                self.pick(&vocab.streets)
            )),
            city: Some(self.pick(&vocab.towns).clone()),
            state: Some("NY".into()),
            postal_code: Some(format!("000{:02}", self.rng.gen_range(0..100))),
            consent_status,
            consent_expires_on,
            advance_directive: self.rng.gen_bool(0.25),
            medications_reconciled_on: self
                .rng
                .gen_bool(0.7)
                .then(|| self.days_from_today(-200, -1)),
            plan_review_on: Some(self.days_from_today(-30, 150)),
            ..patient.clone()
        };
    }

    /// One patient in ten has a flag: a safety concern or a calling rule.
    fn flags(&mut self) -> Vec<(FlagKind, String)> {
        let vocab = self.vocab;
        match self.weighted(&[90, 4, 6]) {
            1 => vec![(FlagKind::Safety, self.pick(&vocab.safety_flags).clone())],
            2 => vec![(
                FlagKind::DoNotCall,
                self.pick(&vocab.do_not_call_flags).clone(),
            )],
            _ => Vec::new(),
        }
    }

    /// 0 to 4 medications, one in ten stopped.
    fn medications(&mut self) -> Vec<Medication> {
        let vocab = self.vocab;
        let n = self.rng.gen_range(0..=4);
        let chosen: Vec<_> = vocab
            .medications
            .choose_multiple(&mut self.rng, n)
            .collect();
        chosen
            .into_iter()
            .map(|m| Medication {
                id: 0,
                name: m.name.clone(),
                dose: Some(m.dose.clone()),
                frequency: Some(m.frequency.clone()),
                prescriber: Some(format!("Dr. {}", self.family_name())),
                active: !self.rng.gen_bool(0.1),
            })
            .collect()
    }

    /// A quarter of patients have a known allergy.
    fn allergies(&mut self) -> Vec<(String, String, AllergyCriticality)> {
        if !self.rng.gen_bool(0.25) {
            return Vec::new();
        }
        let vocab = self.vocab;
        let entry = self.pick(&vocab.allergies);
        let (substance, reaction) = entry.split_once(": ").unwrap_or((entry, "unknown"));
        let criticality = if reaction == "anaphylaxis" {
            AllergyCriticality::High
        } else {
            AllergyCriticality::Low
        };
        vec![(substance.to_string(), reaction.to_string(), criticality)]
    }

    fn conditions(&mut self, out: &mut PatientRecords) {
        let n = self.rng.gen_range(1..=4);
        let vocab = self.vocab;
        for condition in vocab.conditions.choose_multiple(&mut self.rng, n) {
            let clinical_status = if self.rng.gen_bool(0.9) {
                ConditionStatus::Active
            } else {
                ConditionStatus::Remission
            };
            let onset_date = Some(self.days_from_today(-15 * 365, -60));
            out.conditions.push(Condition {
                id: 0,
                patient_id: UNSAVED,
                code: Some(condition.code.clone()),
                display: condition.display.clone(),
                clinical_status,
                onset_date,
            });
        }
    }

    fn care_team(&mut self, out: &mut PatientRecords) {
        let pcp_name = format!("Dr. {}", self.family_name());
        let pcp_phone = Some(self.phone());
        out.care_team.push(NewCareTeamMember {
            patient_id: UNSAVED,
            role: "PCP".into(),
            name: pcp_name,
            organization: Some("Demo Community Health Center".into()),
            phone: pcp_phone,
        });
        let n = self.rng.gen_range(0..=3);
        let vocab = self.vocab;
        for member in vocab.care_team.choose_multiple(&mut self.rng, n) {
            let given = self.pick(&vocab.given_names).clone();
            let name = format!("{given} {}", self.family_name());
            let phone = Some(self.phone());
            out.care_team.push(NewCareTeamMember {
                patient_id: UNSAVED,
                role: member.role.clone(),
                name,
                organization: Some(member.organization.clone()),
                phone,
            });
        }
    }

    /// 1 to 5 goals, each under the need it serves (one need a domain and
    /// description); goals being worked on have 0 to 4 progress entries over
    /// the last four months, measured ones moving from their first value
    /// towards their last.
    fn goals(&mut self, out: &mut PatientRecords) {
        let n = self.rng.gen_range(1..=5);
        let vocab = self.vocab;
        for words in vocab.goals.choose_multiple(&mut self.rng, n) {
            let need = match out.needs.iter().position(|(_, d)| *d == words.need) {
                Some(index) => index,
                None => {
                    out.needs.push((words.domain, words.need.clone()));
                    out.needs.len() - 1
                }
            };
            let status = [
                GoalStatus::Active,
                GoalStatus::Proposed,
                GoalStatus::OnHold,
                GoalStatus::Completed,
                GoalStatus::Cancelled,
            ][self.weighted(&[60, 15, 10, 10, 5])];
            let start_date = Some(self.days_from_today(-200, -10));
            let target_date = Some(self.days_from_today(-30, 180));
            let priority = GoalPriority::ALL[self.weighted(&[30, 50, 20])];
            let entries = if matches!(
                status,
                GoalStatus::Active | GoalStatus::OnHold | GoalStatus::Completed
            ) {
                self.rng.gen_range(0..=4)
            } else {
                0
            };
            let mut days: Vec<i64> = (0..entries).map(|_| self.rng.gen_range(1..120)).collect();
            days.sort_unstable_by(|a, b| b.cmp(a));
            let progress = days
                .iter()
                .enumerate()
                .map(|(i, ago)| {
                    let on = self.today - Duration::days(*ago);
                    match words.values {
                        Some((first, last)) => {
                            let share = (i + 1) as f64 / entries as f64;
                            let wobble = self.rng.gen_range(-0.05..0.05) * (last - first);
                            let value = first + (last - first) * share + wobble;
                            // One decimal, as values are read out on a call.
                            let value = (value * 10.0).round() / 10.0;
                            (on, format!("{}: {value}", words.measure), Some(value))
                        }
                        None => (
                            on,
                            format!(
                                "Reviewed with the patient: {}",
                                words.measure.to_lowercase()
                            ),
                            None,
                        ),
                    }
                })
                .collect();
            out.goals.push(GoalRecords {
                need,
                goal: Goal {
                    id: 0,
                    patient_id: UNSAVED,
                    description: words.words.clone(),
                    status,
                    start_date,
                    target_date,
                    need_id: None,
                    measure: Some(words.measure.clone()),
                    priority,
                    version: 1,
                },
                progress,
            });
        }
    }

    fn tasks(&mut self, out: &mut PatientRecords, owner: i64) {
        let open = self.rng.gen_range(1..=3);
        let done = self.rng.gen_range(3..=12);
        for n in 0..open + done {
            let words = self.pick(&self.vocab.tasks);
            let (kind, hard_deadline) = (words.kind, words.hard_deadline);
            let completed = n >= open;
            let due_on = if completed {
                self.days_from_today(-HISTORY_DAYS, -1)
            } else if hard_deadline {
                // Hard deadlines are short clocks: a few days either side of today.
                self.days_from_today(-3, 2)
            } else if self.rng.gen_bool(0.2) {
                self.days_from_today(-14, -1)
            } else {
                self.days_from_today(0, 35)
            };
            let priority =
                [Priority::Routine, Priority::Urgent, Priority::Asap][self.weighted(&[75, 20, 5])];
            let authored_at = if completed {
                // Written a few weeks before it was due.
                let due_at = self.now - Duration::days((self.today - due_on).num_days());
                due_at - Duration::days(self.rng.gen_range(3..40))
            } else {
                self.now - Duration::days(self.rng.gen_range(20..120))
            };
            let completed_at = completed.then(|| {
                let days_late = self
                    .rng
                    .gen_range(0..=3)
                    .min((self.today - due_on).num_days());
                self.now - Duration::days((self.today - due_on).num_days() - days_late)
            });
            out.tasks.push(NewTask {
                patient_id: UNSAVED,
                owner_id: Some(owner),
                kind,
                description: words.title.clone(),
                status: if completed {
                    TaskStatus::Completed
                } else {
                    TaskStatus::Requested
                },
                priority,
                due_on: Some(due_on),
                hard_deadline,
                authored_at,
                completed_at,
            });
        }
    }

    fn notes(&mut self, out: &mut PatientRecords, author: i64) {
        let recent = self.rng.gen_range(1..=4);
        let older = self.rng.gen_range(8..=28);
        for n in 0..recent + older {
            let note = self.pick(&self.vocab.notes);
            let reached = note.reached;
            let minutes_ago = if n < recent {
                self.rng.gen_range(60..RECENT_DAYS * 24 * 60)
            } else {
                self.rng
                    .gen_range(RECENT_DAYS * 24 * 60..HISTORY_DAYS * 24 * 60)
            };
            let sent_at = self.now - Duration::minutes(minutes_ago);
            let duration_minutes = reached.then(|| self.rng.gen_range(3..45));
            let mut body = note.body.clone();
            if note.recipient == "patient" && reached {
                let vocab = self.vocab;
                let more = self.rng.gen_range(0..=3);
                for sentence in vocab.note_sentences.choose_multiple(&mut self.rng, more) {
                    body.push(' ');
                    body.push_str(sentence);
                }
            }
            out.notes.push(NewCommunication {
                patient_id: UNSAVED,
                author_id: Some(author),
                sent_at,
                medium: note.medium.clone(),
                direction: "outbound".into(),
                recipient: note.recipient.clone(),
                outcome: note.outcome.clone(),
                reached,
                duration_minutes,
                body,
            });
        }
    }
}
