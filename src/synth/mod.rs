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
//! - recent hospital and emergency visits (`encounters`), for enrolled and
//!   outreach patients: 6% discharged home in the last three weeks (three in
//!   ten from a psychiatric unit, 15% of them readmissions, 40% with their
//!   follow-up visit already on file), 5% to the ED in the last two weeks
//!   (four in ten for a mental illness, three for a substance use), 1% in
//!   hospital now; each with the clocks and tasks the rules give it;
//! - closed loops (`loops`): 2 referrals, 4 appointments and 1 prior
//!   authorization on average, most of them over, with the tasks of their
//!   steps of the last 90 days (about 7 a patient, 2 of them open; in a
//!   coordinator's day about 7 loop tasks due by today among 56 others);
//! - signed screenings (`screenings`) over the past year for a share of
//!   enrolled members (a third of the user's caseload, one in sixteen of
//!   the others'): PHQ-9, GAD-7, the AHC social-needs screening and AUDIT-C,
//!   about 4 a member who has any, scored by the shipped instruments;
//! - notes, 20 on average: 1 to 4 over the last 90 days (so "last contact" is
//!   recent) and 8 to 28 over the rest of the last two years; a note that reached
//!   someone adds 0 to 3 sentences of what was said to its opening line, so
//!   the notes' words vary as real ones do.

mod care;
mod encounters;
mod loop_words;
mod loops;
mod patient;
mod records;
pub mod resources;
mod roster;
mod screenings;
mod vocab;

pub use roster::roster_csv;

use records::PatientRecords;
use vocab::Vocab;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::care_plan::NeedDomain;
use crate::domain::directory::{ResourceHit, ResourceQuery};
use crate::domain::patient::Practitioner;
use crate::store::{AuditAction, Store, StoreError, Tx};

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
    pub encounters: usize,
    pub referrals: usize,
    pub appointments: usize,
    pub authorizations: usize,
    pub screenings: usize,
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
    let rules = store.rules();
    let loop_rules = store.loop_settings().clone();
    let directory = directory_services(store)?;
    let instruments = crate::instruments::load(None).instruments;
    let report = store.bulk_write(|tx| {
        let mut report = GenReport::default();
        let mut raised = Vec::new();
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
                    seed: params.seed,
                    directory,
                    clock,
                    instruments,
                };
                for index in 0..params.patients {
                    let coordinator = &coordinators[index % coordinators.len()];
                    let own = index % coordinators.len() == 0;
                    // A send fails only when the writer has stopped on an
                    // error, which it reports.
                    if send.send(gen.patient(index, coordinator, own)).is_err() {
                        break;
                    }
                }
            });
            for records in receive {
                records.write(tx, &mut report, &rules, &loop_rules, &mut raised)?;
            }
            Ok::<(), StoreError>(())
        })?;
        // Last, so every other flag and task keeps the id it had before
        // screenings were generated.
        for raised in &raised {
            tx.load_safety_raised(raised)?;
            report.tasks += 1;
        }
        let detail = format!(
            "synthetic caseload: {} patients, seed {}",
            params.patients, params.seed
        );
        tx.audit(AuditAction::Create, "Bundle", None, None, Some(&detail))?;
        Ok(report)
    })?;
    Ok(report)
}

/// Up to `DIRECTORY_PICKS_PER_DOMAIN` active services of each need domain
/// from the resource directory in the store (none when nothing has been
/// imported), by name, so a seed and a directory give the same caseload.
fn directory_services(store: &Store) -> Result<Vec<ResourceHit>, StoreError> {
    const DIRECTORY_PICKS_PER_DOMAIN: usize = 100;
    let mut services: Vec<ResourceHit> = Vec::new();
    for domain in NeedDomain::ALL {
        let query = ResourceQuery {
            domain: Some(domain),
            limit: DIRECTORY_PICKS_PER_DOMAIN,
            ..ResourceQuery::default()
        };
        for hit in store.search_resources(&query)? {
            let open = hit.status.as_deref().is_none_or(|s| s == "active");
            if open && !services.iter().any(|s| s.id == hit.id) {
                services.push(hit);
            }
        }
    }
    Ok(services)
}

/// An index of `weights` drawn in proportion to its weight (one draw of
/// `rng`, so the streams of every generator stay as they were).
fn weighted_index(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.gen_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
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
    /// The caseload's seed, for the streams drawn apart from `rng`.
    seed: u64,
    /// Services of the resource directory already in the store, which
    /// community referrals may name.
    directory: Vec<ResourceHit>,
    /// The coordinator's clock, for the hours of the day.
    clock: crate::clock::Clock,
    /// The shipped screening instruments, which score the history.
    instruments: Vec<crate::domain::instrument::Instrument>,
}

impl Generator {
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        items
            .choose(&mut self.rng)
            .expect("word lists are not empty")
    }

    /// Picks an index by weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        weighted_index(&mut self.rng, weights)
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
}
