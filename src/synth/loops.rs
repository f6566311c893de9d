//! Referrals, appointments and prior authorizations for the generated
//! caseload (issue 17), each with the history that brought it where it is,
//! written through the store's loop loads (`store::loop_load`), which check
//! every move by the loops' rules and write the tasks of its steps.
//!
//! Drawn from a random stream of their own (seeded by the caseload's seed
//! and the patient's index), so adding them left every other generated
//! record as it was for a given seed.
//!
//! Per patient, on average: 2 referrals, 4 appointments and 1 prior
//! authorization. Most loops are over (referrals closed with how receipt
//! was confirmed, declined or cancelled; appointments kept, missed,
//! rescheduled or cancelled; authorizations approved or expired), because
//! every open loop holds a task due within about a week of its last move
//! (see `domain::referral::next_step`): the open share is what puts loop
//! tasks in a coordinator's day, tuned so that their Today holds a few
//! (chase a referral, did they go?, renew or appeal) among their other
//! tasks rather than a flood. A disenrolled member's loops are all over.
//!
//! Every receiver, clinic and payer is invented (named "Synthetic …", or
//! the generated plan), with phones in the fictional 555-01xx range. When
//! the store already holds a resource directory (the demo imports its
//! synthetic one first), a community referral often goes to one of its
//! services for the referral's need, keeping that service's HSDS id, name
//! and phone, as a referral made from the directory would.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::loop_words::{Receiver, AUTH_ITEMS, CLINICS, RECEIVERS};
use super::records::UNSAVED;
use crate::domain::appointment::AppointmentStatus;
use crate::domain::authorization::AuthStatus;
use crate::domain::care_plan::NeedDomain;
use crate::domain::directory::ResourceHit;
use crate::domain::patient::{EnrollmentStatus, Patient};
use crate::domain::referral::{ReceiptConfirmation, ReferralKind, ReferralStatus, Urgency};
use crate::store::{
    AppointmentHistory, AppointmentMove, AuthMove, AuthorizationHistory, NewAppointment,
    NewAuthorization, NewReferral, ReferralHistory, ReferralMove,
};

/// A patient's loops, made but not yet written.
#[derive(Default)]
pub(super) struct Loops {
    /// Each referral with the index of the plan's need it serves, if the
    /// plan has one of its domain.
    pub(super) referrals: Vec<(Option<usize>, ReferralHistory)>,
    pub(super) appointments: Vec<AppointmentHistory>,
    pub(super) authorizations: Vec<AuthorizationHistory>,
}

/// The loops of the patient with this index (their patient id unset).
pub(super) fn loops_for(
    seed: u64,
    index: usize,
    patient: &Patient,
    needs: &[(NeedDomain, String)],
    directory: &[ResourceHit],
    today: NaiveDate,
) -> Loops {
    let rng = ChaCha8Rng::seed_from_u64(seed ^ 0x1009_u64.rotate_left(48) ^ index as u64);
    let mut draw = Draw {
        rng,
        today,
        // A disenrolled member's loops were all closed when they left.
        open: patient.enrollment_status != EnrollmentStatus::Disenrolled,
    };
    let mut loops = Loops::default();
    for _ in 0..draw.weighted(&[14, 22, 30, 20, 14]) {
        let (receiver, history) = draw.referral(directory);
        let need = needs.iter().position(|(d, _)| *d == receiver.domain);
        loops.referrals.push((need, history));
    }
    for _ in 0..draw.weighted(&[4, 8, 14, 20, 22, 16, 10, 6]) {
        loops.appointments.push(draw.appointment(patient));
    }
    let payer = patient
        .plan_name
        .clone()
        .unwrap_or_else(|| "Synthetic Health Plan".into());
    for _ in 0..draw.weighted(&[20, 62, 15, 3]) {
        loops.authorizations.push(draw.authorization(&payer));
    }
    loops
}

struct Draw {
    rng: ChaCha8Rng,
    today: NaiveDate,
    /// Whether open loops may be drawn.
    open: bool,
}

/// What became of a referral.
#[derive(Clone, Copy)]
enum ReferralStory {
    Closed,
    Declined,
    Cancelled,
    Draft,
    Sent,
    Accepted,
    Scheduled,
    Received,
    NoResponse,
}

impl Draw {
    fn weighted(&mut self, weights: &[u32]) -> usize {
        super::weighted_index(&mut self.rng, weights)
    }

    fn days(&mut self, from: i64, to: i64) -> i64 {
        self.rng.gen_range(from..=to)
    }

    fn ago(&mut self, from: i64, to: i64) -> NaiveDate {
        self.today - Duration::days(self.days(from, to))
    }

    /// A story: open ones only for a member still served.
    fn story<T: Copy>(&mut self, closed: &[(T, u32)], open: &[(T, u32)]) -> T {
        let choices: Vec<(T, u32)> = if self.open {
            closed.iter().chain(open).copied().collect()
        } else {
            closed.to_vec()
        };
        let weights: Vec<u32> = choices.iter().map(|(_, w)| *w).collect();
        choices[self.weighted(&weights)].0
    }

    /// A referral and its story; a community one goes, three times in
    /// five, to a service of the directory for its need, if it lists one.
    fn referral(&mut self, directory: &[ResourceHit]) -> (&'static Receiver, ReferralHistory) {
        use ReferralStory as S;
        let receiver = RECEIVERS.choose(&mut self.rng).unwrap_or(&RECEIVERS[0]);
        let story = self.story(
            &[(S::Closed, 104), (S::Declined, 18), (S::Cancelled, 18)],
            &[
                (S::Draft, 1),
                (S::Sent, 5),
                (S::Accepted, 2),
                (S::Scheduled, 10),
                (S::Received, 2),
                (S::NoResponse, 2),
            ],
        );
        let service = if receiver.kind == ReferralKind::Community && self.rng.gen_bool(0.6) {
            let serving: Vec<&ResourceHit> = directory
                .iter()
                .filter(|s| s.domains.contains(&receiver.domain))
                .collect();
            serving.choose(&mut self.rng).copied()
        } else {
            None
        };
        let new = NewReferral {
            patient_id: UNSAVED,
            kind: receiver.kind,
            urgency: if self.rng.gen_bool(0.15) {
                Urgency::Urgent
            } else {
                Urgency::Routine
            },
            reason: receiver.reason.to_string(),
            need_id: None,
            goal_id: None,
            to_name: service.map_or(receiver.name, |s| &s.name).to_string(),
            to_phone: match service {
                Some(s) => s.phone.clone(),
                None => Some(receiver.phone.to_string()),
            },
            service_ref: service.map(|s| s.source_id.clone()),
            sent: !matches!(story, S::Draft),
        };
        // Each story as its moves, days after the referral was written,
        // and how long ago its last move was: for an open story short,
        // since each open status's task falls due within days of it.
        let mut steps = Steps::default();
        let last_ago = match story {
            S::Closed => {
                if self.rng.gen_bool(0.7) {
                    steps.push(self.days(1, 6), ReferralStatus::Accepted);
                }
                steps.push(self.days(1, 6), ReferralStatus::Scheduled);
                let visit = steps.day + self.days(4, 30);
                steps.visit(visit);
                steps.push(visit - steps.day, ReferralStatus::Received);
                steps.push(self.days(1, 8), ReferralStatus::Closed);
                steps.confirmation =
                    Some(ReceiptConfirmation::ALL[self.weighted(&[35, 35, 25, 5])]);
                self.days(5, 640)
            }
            S::Declined => {
                steps.push(self.days(2, 12), ReferralStatus::Declined);
                steps.note = DECLINED.choose(&mut self.rng).copied();
                self.days(5, 640)
            }
            S::Cancelled => {
                if self.rng.gen_bool(0.4) {
                    steps.push(self.days(6, 12), ReferralStatus::NoResponse);
                } else if self.rng.gen_bool(0.5) {
                    steps.push(self.days(1, 6), ReferralStatus::Accepted);
                }
                steps.push(self.days(1, 10), ReferralStatus::Cancelled);
                steps.note = CANCELLED.choose(&mut self.rng).copied();
                self.days(5, 640)
            }
            S::Draft => 0,
            // Chased when no answer came in five business days: the few
            // sent more than a week ago are overdue.
            S::Sent => self.days(0, 8),
            S::Accepted => {
                steps.push(self.days(2, 9), ReferralStatus::Accepted);
                self.days(0, 5)
            }
            S::Scheduled => {
                if self.rng.gen_bool(0.6) {
                    steps.push(self.days(1, 6), ReferralStatus::Accepted);
                }
                steps.push(self.days(1, 6), ReferralStatus::Scheduled);
                let ago = self.days(0, 10);
                // The visit from yesterday (did the member go? ask today)
                // to six weeks ahead.
                steps.visit(steps.day + ago + self.days(-1, 42).max(1 - ago));
                ago
            }
            S::Received => {
                steps.push(self.days(1, 6), ReferralStatus::Scheduled);
                let visit = steps.day + self.days(4, 20);
                steps.visit(visit);
                steps.push(visit - steps.day, ReferralStatus::Received);
                self.days(0, 5)
            }
            S::NoResponse => {
                steps.push(self.days(7, 14), ReferralStatus::NoResponse);
                self.days(0, 1)
            }
        };
        let written = self.today - Duration::days(last_ago + steps.day);
        let at = |d: i64| written + Duration::days(d);
        let moves = steps
            .moves
            .iter()
            .map(|&(d, to)| {
                let change = ReferralMove {
                    to,
                    appointment_on: (to == ReferralStatus::Scheduled)
                        .then(|| steps.visit.map(at))
                        .flatten(),
                    confirmation: steps.confirmation.filter(|_| to == ReferralStatus::Closed),
                    note: steps.note.filter(|_| to.is_terminal()).map(str::to_string),
                };
                (at(d), change)
            })
            .collect();
        let history = ReferralHistory {
            new,
            on: written,
            moves,
        };
        (receiver, history)
    }
}

/// A referral's moves as they are drawn: each status and the day it was
/// set, counted from the day the referral was written.
#[derive(Default)]
struct Steps {
    moves: Vec<(i64, ReferralStatus)>,
    /// The day of the last move.
    day: i64,
    /// The day of the visit it was scheduled for.
    visit: Option<i64>,
    confirmation: Option<ReceiptConfirmation>,
    /// Why it was declined or cancelled.
    note: Option<&'static str>,
}

impl Steps {
    fn push(&mut self, gap: i64, to: ReferralStatus) {
        self.day += gap;
        self.moves.push((self.day, to));
    }

    fn visit(&mut self, day: i64) {
        self.visit = Some(day);
    }
}

const DECLINED: [&str; 4] = [
    "Not accepting new clients",
    "Outside the service area",
    "Waiting list closed",
    "Member does not meet eligibility",
];

const CANCELLED: [&str; 4] = [
    "Member declined the service",
    "Member moved out of the area",
    "Need met elsewhere",
    "Receiver could not reach the member",
];

/// `day` moved off a weekend: forward to Monday, or back to Friday.
pub(super) fn weekday(day: NaiveDate, forward: bool) -> NaiveDate {
    let shift = match (day.weekday(), forward) {
        (Weekday::Sat, true) => 2,
        (Weekday::Sun, true) => 1,
        (Weekday::Sat, false) => -1,
        (Weekday::Sun, false) => -2,
        _ => 0,
    };
    day + Duration::days(shift)
}

/// What became of an appointment.
#[derive(Clone, Copy)]
enum AppointmentStory {
    Kept,
    Missed,
    Cancelled,
    Rescheduled,
    /// Its day has passed and nobody has said whether the member went.
    Unanswered,
    Upcoming,
}

impl Draw {
    /// A clinic's working hours on a weekday.
    fn start(&mut self, day: NaiveDate, forward: bool) -> NaiveDateTime {
        let minutes = 8 * 60 + 15 * self.rng.gen_range(0..34);
        weekday(day, forward)
            .and_hms_opt(minutes / 60, minutes % 60, 0)
            .unwrap_or_default()
    }

    fn appointment(&mut self, patient: &Patient) -> AppointmentHistory {
        use AppointmentStory as S;
        let story = self.story(
            &[
                (S::Kept, 110),
                (S::Missed, 18),
                (S::Cancelled, 10),
                (S::Rescheduled, 16),
            ],
            &[(S::Unanswered, 1), (S::Upcoming, 30)],
        );
        let clinic = CLINICS.choose(&mut self.rng).unwrap_or(&CLINICS[0]);
        let transport_needed = self.rng.gen_bool(0.25);
        let interpreter_needed = patient.interpreter_needed;
        let (starts_at, booked_on) = match story {
            S::Upcoming => {
                let day = self.today + Duration::days(self.days(0, 90));
                let start = self.start(day, true);
                (start, start.date().min(self.ago(0, 40)))
            }
            S::Unanswered => {
                let day = self.ago(1, 4);
                let start = self.start(day, false);
                (start, start.date() - Duration::days(self.days(3, 30)))
            }
            _ => {
                let day = self.ago(1, 180);
                let start = self.start(day, false);
                (start, start.date() - Duration::days(self.days(3, 30)))
            }
        };
        // What is needed is arranged for all but some upcoming ones.
        let arranged = match story {
            S::Upcoming if starts_at.date() <= self.today + Duration::days(7) => {
                self.rng.gen_bool(0.85)
            }
            S::Upcoming => self.rng.gen_bool(0.5),
            _ => true,
        };
        let new = NewAppointment {
            patient_id: UNSAVED,
            starts_at,
            minutes: Some(*[30, 45, 60].choose(&mut self.rng).unwrap_or(&30)),
            with_whom: clinic.name.to_string(),
            place: Some(clinic.place.to_string()),
            reason: clinic
                .reasons
                .choose(&mut self.rng)
                .unwrap_or(&"Follow-up visit")
                .to_string(),
            referral_id: None,
            transport_needed,
            transport_arranged: transport_needed && arranged,
            interpreter_needed,
            interpreter_arranged: interpreter_needed && arranged,
        };
        let mv = |to, note: Option<&str>| AppointmentMove {
            to,
            new_start: None,
            note: note.map(str::to_string),
        };
        let start = starts_at.date();
        // Whether they went is said the day of the visit or soon after.
        let answered = |draw: &mut Draw, start: NaiveDate| {
            (start + Duration::days(draw.days(0, 2))).min(draw.today)
        };
        let mut moves = Vec::new();
        let mut outreach_done_on = None;
        match story {
            S::Kept => moves.push((answered(self, start), mv(AppointmentStatus::Kept, None))),
            S::Missed => {
                let day = answered(self, start);
                moves.push((day, mv(AppointmentStatus::Missed, None)));
                // The call the next business day or two; not yet for one
                // missed in the last days.
                let call = day + Duration::days(self.days(1, 3));
                outreach_done_on = (call < self.today).then_some(call);
            }
            S::Cancelled => {
                let day = booked_on + Duration::days(self.days(0, (start - booked_on).num_days()));
                let why = [
                    "Member asked to cancel",
                    "Clinic cancelled",
                    "Member in hospital",
                ];
                let note = why.choose(&mut self.rng).copied();
                moves.push((day.min(self.today), mv(AppointmentStatus::Cancelled, note)));
            }
            S::Rescheduled => {
                let day = booked_on + Duration::days(self.days(0, (start - booked_on).num_days()));
                let later = day + Duration::days(self.days(3, 40));
                let again = self.start(later, true);
                moves.push((
                    day,
                    AppointmentMove {
                        new_start: Some(again),
                        ..mv(AppointmentStatus::Rescheduled, Some("The clinic moved it"))
                    },
                ));
                if again.date() < self.today {
                    let to = if self.rng.gen_bool(0.85) {
                        AppointmentStatus::Kept
                    } else {
                        AppointmentStatus::Missed
                    };
                    let day = answered(self, again.date());
                    moves.push((day, mv(to, None)));
                    outreach_done_on = Some(day + Duration::days(1)).filter(|d| *d < self.today);
                }
            }
            S::Unanswered | S::Upcoming => {}
        }
        AppointmentHistory {
            new,
            booked_on,
            moves,
            reminded: self.rng.gen_bool(0.95),
            outreach_done_on,
        }
    }
}

/// What became of a prior authorization.
#[derive(Clone, Copy)]
enum AuthStory {
    Approved,
    /// Approved, ending within the renewal window: renew it now.
    Ending,
    Expired,
    AppealWon,
    Draft,
    Submitted,
    MoreInfo,
    Denied,
    Appealed,
}

impl Draw {
    fn authorization(&mut self, payer: &str) -> AuthorizationHistory {
        use AuthStory as S;
        let story = self.story(
            &[(S::Approved, 38), (S::Expired, 14), (S::AppealWon, 3)],
            &[
                (S::Ending, 1),
                (S::Draft, 2),
                (S::Submitted, 3),
                (S::MoreInfo, 1),
                (S::Denied, 4),
                (S::Appealed, 2),
            ],
        );
        let item = AUTH_ITEMS.choose(&mut self.rng).unwrap_or(&AUTH_ITEMS[0]);
        let new = NewAuthorization {
            patient_id: UNSAVED,
            payer: payer.to_string(),
            item: item.name.to_string(),
            item_system: Some(item.system.to_string()),
            item_code: Some(item.code.to_string()),
            diagnosis_code: Some(item.diagnosis.to_string()),
            submitted: !matches!(story, S::Draft),
        };
        let mv = |to, on: NaiveDate| AuthMove {
            to,
            on: Some(on),
            units: None,
            authorized_from: None,
            authorized_until: None,
            payer_ref: None,
            note: None,
        };
        let payer_ref = format!("PA-{:08}", self.rng.gen_range(0..100_000_000));
        let approve = |on: NaiveDate, until: NaiveDate, units: u32| AuthMove {
            units: Some(units),
            authorized_from: Some(on),
            authorized_until: Some(until),
            payer_ref: Some(payer_ref.clone()),
            ..mv(AuthStatus::Approved, on)
        };
        let units = *[1, 6, 12, 24, 30].choose(&mut self.rng).unwrap_or(&1);
        let (submitted, moves) = match story {
            S::Approved | S::Ending | S::AppealWon | S::Expired => {
                // Ends 31 days to most of a year ahead (its renewal ahead
                // too), within the renewal window, or in the past.
                let ends_in = match story {
                    S::Ending => self.days(0, 30),
                    S::Expired => -self.days(1, 300),
                    _ => self.days(31, 330),
                };
                // Six months, or a year when it ends later than that.
                let length = if ends_in > 170 || self.rng.gen_bool(0.5) {
                    365
                } else {
                    180
                };
                let until = self.today + Duration::days(ends_in);
                let decided = (until - Duration::days(length)).min(self.ago(1, 5));
                let submitted = decided - Duration::days(self.days(12, 40));
                let mut moves = Vec::new();
                if matches!(story, S::AppealWon) {
                    // Denied, appealed, and approved on appeal.
                    let denied = submitted + Duration::days(self.days(2, 5));
                    let appealed = denied + Duration::days(self.days(2, 6));
                    moves.push((denied, mv(AuthStatus::Denied, denied)));
                    moves.push((appealed, mv(AuthStatus::Appealed, appealed)));
                }
                moves.push((decided, approve(decided, until, units)));
                if matches!(story, S::Expired) {
                    let day = until + Duration::days(1);
                    moves.push((day, mv(AuthStatus::Expired, day)));
                }
                (submitted, moves)
            }
            S::Draft => (self.ago(0, 3), Vec::new()),
            S::Submitted => (self.ago(0, 7), Vec::new()),
            S::MoreInfo => {
                let asked = self.ago(0, 1);
                let submitted = asked - Duration::days(self.days(3, 10));
                (
                    submitted,
                    vec![(asked, mv(AuthStatus::MoreInfoRequested, asked))],
                )
            }
            S::Denied => {
                let notice = self.ago(1, 55);
                let submitted = notice - Duration::days(self.days(3, 12));
                (submitted, vec![(notice, mv(AuthStatus::Denied, notice))])
            }
            S::Appealed => {
                let appealed = self.ago(0, 8);
                let notice = appealed - Duration::days(self.days(5, 40));
                let submitted = notice - Duration::days(self.days(3, 12));
                (
                    submitted,
                    vec![
                        (notice, mv(AuthStatus::Denied, notice)),
                        (appealed, mv(AuthStatus::Appealed, appealed)),
                    ],
                )
            }
        };
        AuthorizationHistory {
            new,
            on: submitted,
            moves,
        }
    }
}
