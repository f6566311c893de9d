//! A synthetic patient's care: goals under the needs they serve, with their
//! progress; open and completed tasks; and notes of contacts over the last
//! two years (the distributions the module above lists).

use chrono::Duration;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::domain::care_plan::GoalPriority;
use crate::domain::goal::{Goal, GoalStatus};
use crate::domain::task::{Priority, TaskStatus};
use crate::store::{NewCommunication, NewTask};

use super::records::{GoalRecords, PatientRecords, UNSAVED};
use super::{Generator, HISTORY_DAYS, RECENT_DAYS};

impl Generator {
    /// 1 to 5 goals, each under the need it serves (one need a domain and
    /// description); goals being worked on have 0 to 4 progress entries over
    /// the last four months, measured ones moving from their first value
    /// towards their last.
    pub(super) fn goals(&mut self, out: &mut PatientRecords) {
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

    pub(super) fn tasks(&mut self, out: &mut PatientRecords, owner: i64) {
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

    pub(super) fn notes(&mut self, out: &mut PatientRecords, author: i64) {
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
