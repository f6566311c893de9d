//! How urgent a task is: a score from weights a program can tune (the
//! `[urgency]` table of `config.toml`), and the order of a coordinator's day.
//!
//! score = `hard_deadline` if the task has one
//!       + `per_day_overdue` × days overdue (at most `max_days_overdue` days)
//!       + `per_risk_tier` × tiers above low (medium 1, high 2, very high 3)
//!       + the weight of its priority + the weight of its kind
//!
//! With the defaults a hard deadline outweighs everything else together, a
//! day overdue counts 2, a risk tier 4 (as much as two days overdue), and
//! priority and kind break the remaining ties.
//!
//! An escalation — a stat task with a hard deadline, such as the one a
//! positive safety screen raises (issue 18) — due by today comes before
//! every other, whatever the scores: no number of days overdue elsewhere
//! may push it down the list.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::Deserialize;

use super::patient::RiskTier;
use super::task::{Priority, TaskKind, TaskRow};

/// What the day's order reads of a task, and nothing else: a whole team's
/// day (over a million tasks at 1,000,000 patients) is ranked in 24 bytes
/// a task, and only the rows shown or written are read in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankKey {
    pub id: i64,
    pub due_on: Option<NaiveDate>,
    /// Requested or in progress: only an open task is due.
    pub open: bool,
    pub hard_deadline: bool,
    pub priority: Priority,
    pub kind: TaskKind,
    pub risk: RiskTier,
}

impl From<&TaskRow> for RankKey {
    fn from(task: &TaskRow) -> Self {
        RankKey {
            id: task.id,
            due_on: task.due_on,
            open: task.status.is_open(),
            hard_deadline: task.hard_deadline,
            priority: task.priority,
            kind: task.kind,
            risk: task.patient_risk,
        }
    }
}

impl RankKey {
    /// Open and due on or before `today` (as `task::is_due_by`).
    fn due_by(&self, today: NaiveDate) -> bool {
        self.open && self.due_on.is_some_and(|due| due <= today)
    }

    fn days_overdue(&self, today: NaiveDate) -> i64 {
        overdue_days(self.due_on, today)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UrgencyWeights {
    pub hard_deadline: f64,
    pub per_day_overdue: f64,
    pub max_days_overdue: u32,
    pub per_risk_tier: f64,
    pub priority: PriorityWeights,
    pub kind: KindWeights,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PriorityWeights {
    pub routine: f64,
    pub urgent: f64,
    pub asap: f64,
    pub stat: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "kebab-case")]
pub struct KindWeights {
    pub follow_up: f64,
    pub call: f64,
    pub referral: f64,
    pub appointment: f64,
    pub care_plan_review: f64,
    pub admin: f64,
    pub other: f64,
}

impl Default for UrgencyWeights {
    fn default() -> Self {
        UrgencyWeights {
            hard_deadline: 100.0,
            per_day_overdue: 2.0,
            max_days_overdue: 30,
            per_risk_tier: 4.0,
            priority: PriorityWeights::default(),
            kind: KindWeights::default(),
        }
    }
}

impl Default for PriorityWeights {
    fn default() -> Self {
        PriorityWeights {
            routine: 0.0,
            urgent: 6.0,
            asap: 12.0,
            stat: 20.0,
        }
    }
}

impl Default for KindWeights {
    fn default() -> Self {
        KindWeights {
            follow_up: 3.0,
            call: 2.0,
            referral: 1.5,
            appointment: 1.0,
            care_plan_review: 0.5,
            admin: 0.0,
            other: 0.0,
        }
    }
}

impl UrgencyWeights {
    fn priority(&self, priority: Priority) -> f64 {
        match priority {
            Priority::Routine => self.priority.routine,
            Priority::Urgent => self.priority.urgent,
            Priority::Asap => self.priority.asap,
            Priority::Stat => self.priority.stat,
        }
    }

    fn kind(&self, kind: TaskKind) -> f64 {
        let k = &self.kind;
        match kind {
            TaskKind::FollowUp => k.follow_up,
            TaskKind::Call => k.call,
            TaskKind::Referral => k.referral,
            TaskKind::Appointment => k.appointment,
            TaskKind::CarePlanReview => k.care_plan_review,
            TaskKind::Admin => k.admin,
            TaskKind::Other => k.other,
        }
    }

    /// The task's urgency on `today` (see the module's formula).
    pub fn score(&self, task: &TaskRow, today: NaiveDate) -> f64 {
        self.key_score(&RankKey::from(task), today)
    }

    /// [`UrgencyWeights::score`] of what the ranking reads.
    pub fn key_score(&self, task: &RankKey, today: NaiveDate) -> f64 {
        let overdue = task
            .days_overdue(today)
            .min(i64::from(self.max_days_overdue)) as f64;
        let tiers_above_low = (task.risk.number() - 1) as f64;
        let hard = if task.hard_deadline {
            self.hard_deadline
        } else {
            0.0
        };
        hard + self.per_day_overdue * overdue
            + self.per_risk_tier * tiers_above_low
            + self.priority(task.priority)
            + self.kind(task.kind)
    }

    /// The order of a coordinator's day: tasks due by today first,
    /// escalations before the rest, highest score first (then more days overdue, then the older task); then the
    /// upcoming ones, soonest first, ties by score.
    pub fn day_order(&self, a: &TaskRow, b: &TaskRow, today: NaiveDate) -> Ordering {
        self.key_order(&RankKey::from(a), &RankKey::from(b), today)
    }

    /// [`UrgencyWeights::day_order`] of what the ranking reads.
    pub fn key_order(&self, a: &RankKey, b: &RankKey, today: NaiveDate) -> Ordering {
        let by_score = || {
            self.key_score(b, today)
                .total_cmp(&self.key_score(a, today))
                .then_with(|| b.days_overdue(today).cmp(&a.days_overdue(today)))
                .then_with(|| a.id.cmp(&b.id))
        };
        match (a.due_by(today), b.due_by(today)) {
            (true, true) => is_escalation(b).cmp(&is_escalation(a)).then_with(by_score),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => a.due_on.cmp(&b.due_on).then_with(by_score),
        }
    }

    /// Whether [`UrgencyWeights::key_order`] puts any two tasks alike in
    /// deadline, priority, kind and risk in order of due date, then id:
    /// so when a day more overdue never lowers the score, and every score
    /// is a number (no weight so large that sums overflow). Then the day's
    /// head can be merged from each group's tasks in due order (see
    /// `store::team_day`) instead of ranking all of them.
    pub fn alike_tasks_rank_by_due(&self) -> bool {
        // A sum of sizes, which a NaN makes NaN (a max would skip it).
        let sizes = |weights: &[f64]| weights.iter().map(|w| w.abs()).sum::<f64>();
        let p = &self.priority;
        let k = &self.kind;
        let bound = self.hard_deadline.abs()
            + self.per_day_overdue.abs() * f64::from(self.max_days_overdue)
            + self.per_risk_tier.abs() * 3.0
            + sizes(&[p.routine, p.urgent, p.asap, p.stat])
            + sizes(&[
                k.follow_up,
                k.call,
                k.referral,
                k.appointment,
                k.care_plan_review,
                k.admin,
                k.other,
            ]);
        self.per_day_overdue >= 0.0 && bound.is_finite()
    }

    /// The risk tier that adds most to a score.
    pub fn riskiest_tier(&self) -> RiskTier {
        if self.per_risk_tier >= 0.0 {
            RiskTier::VeryHigh
        } else {
            RiskTier::Low
        }
    }

    /// Sorts a day's tasks in [`UrgencyWeights::day_order`].
    pub fn sort_day(&self, tasks: &mut [TaskRow], today: NaiveDate) {
        tasks.sort_by(|a, b| self.day_order(a, b, today));
    }

    /// Sorts what the ranking reads in [`UrgencyWeights::day_order`].
    pub fn sort_keys(&self, keys: &mut [RankKey], today: NaiveDate) {
        keys.sort_unstable_by(|a, b| self.key_order(a, b, today));
    }
}

/// A stat task with a hard deadline: first in the day, whatever the scores.
fn is_escalation(task: &RankKey) -> bool {
    task.priority == Priority::Stat && task.hard_deadline
}

/// Whole days past due (0 when due today or later, or undated).
pub fn days_overdue(task: &TaskRow, today: NaiveDate) -> i64 {
    overdue_days(task.due_on, today)
}

fn overdue_days(due_on: Option<NaiveDate>, today: NaiveDate) -> i64 {
    due_on.map_or(0, |due| super::days_between(due, today).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::patient::RiskTier;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn today() -> NaiveDate {
        d(2026, 11, 24)
    }

    fn task(id: i64) -> TaskRow {
        crate::domain::task::sample(id)
    }

    fn order(tasks: &mut [TaskRow]) -> Vec<i64> {
        UrgencyWeights::default().sort_day(tasks, today());
        tasks.iter().map(|t| t.id).collect()
    }

    #[test]
    fn an_escalation_due_today_comes_first_whatever_the_scores() {
        let mut overdue = task(1);
        overdue.hard_deadline = true;
        overdue.due_on = Some(d(2026, 10, 1));
        overdue.patient_risk = RiskTier::VeryHigh;
        overdue.priority = Priority::Asap;
        let mut stat = task(2);
        stat.priority = Priority::Stat;
        stat.hard_deadline = true;
        stat.due_on = Some(today());
        let mut later = task(3);
        later.priority = Priority::Stat;
        later.hard_deadline = true;
        later.due_on = Some(d(2026, 11, 25));
        let mut tasks = [overdue, later, stat];
        assert_eq!(order(&mut tasks), vec![2, 1, 3], "stat first only once due");
    }

    #[test]
    fn the_score_adds_up_as_documented() {
        let w = UrgencyWeights::default();
        let mut t = task(1);
        assert_eq!(w.score(&t, today()), 0.0);
        t.hard_deadline = true;
        t.due_on = Some(d(2026, 11, 21));
        t.patient_risk = RiskTier::High;
        t.priority = Priority::Urgent;
        t.kind = TaskKind::FollowUp;
        // 100 + 3 days × 2 + 2 tiers × 4 + 6 + 3
        assert_eq!(w.score(&t, today()), 123.0);
        t.due_on = Some(d(2026, 1, 1));
        assert_eq!(
            w.score(&t, today()),
            100.0 + 60.0 + 8.0 + 6.0 + 3.0,
            "capped at 30 days"
        );
        t.due_on = Some(d(2026, 12, 1));
        assert_eq!(w.score(&t, today()), 117.0, "not yet due: no days overdue");
    }

    #[test]
    fn a_hard_deadline_outranks_everything_else_together() {
        let mut soft = task(1);
        soft.due_on = Some(d(2025, 1, 1));
        soft.patient_risk = RiskTier::VeryHigh;
        soft.priority = Priority::Stat;
        soft.kind = TaskKind::FollowUp;
        let mut hard = task(2);
        hard.hard_deadline = true;
        assert_eq!(order(&mut [soft, hard]), [2, 1]);
    }

    #[test]
    fn days_overdue_risk_priority_and_kind_weigh_as_documented() {
        // A very-high-risk patient's call due today (12 + 2) outranks a
        // low-risk call five days overdue (10 + 2).
        let mut very_high_today = task(1);
        very_high_today.patient_risk = RiskTier::VeryHigh;
        very_high_today.kind = TaskKind::Call;
        let mut low_overdue = task(2);
        low_overdue.due_on = Some(d(2026, 11, 19));
        low_overdue.kind = TaskKind::Call;
        // Equal scores: more days overdue first, then the older task.
        let mut a = task(3);
        a.due_on = Some(d(2026, 11, 23)); // 2
        let mut b = task(4);
        b.priority = Priority::Routine;
        b.kind = TaskKind::Other;
        b.patient_risk = RiskTier::Low;
        b.due_on = Some(today());
        b.priority = Priority::Routine;
        let mut urgent = task(5);
        urgent.priority = Priority::Urgent; // 6
        let mut follow_up = task(6);
        follow_up.kind = TaskKind::FollowUp; // 3
        assert_eq!(
            order(&mut [b, a, follow_up, urgent, low_overdue, very_high_today]),
            [1, 2, 5, 6, 3, 4]
        );
    }

    #[test]
    fn the_day_puts_due_tasks_before_upcoming_ones_by_date() {
        let mut in_three_days_hard = task(1);
        in_three_days_hard.due_on = Some(d(2026, 11, 27));
        in_three_days_hard.hard_deadline = true;
        let mut tomorrow = task(2);
        tomorrow.due_on = Some(d(2026, 11, 25));
        let due_today = task(3);
        let mut overdue = task(4);
        overdue.due_on = Some(d(2026, 11, 22));
        assert_eq!(
            order(&mut [in_three_days_hard, tomorrow, due_today, overdue]),
            [4, 3, 2, 1]
        );
    }

    #[test]
    fn weights_come_from_config() {
        let weights: UrgencyWeights = toml::from_str(
            "per_risk_tier = 0.0\n[priority]\nurgent = 50.0\n[kind]\ncare-plan-review = 9.0\n",
        )
        .unwrap();
        assert_eq!(weights.per_risk_tier, 0.0);
        assert_eq!(weights.priority.urgent, 50.0);
        assert_eq!(
            weights.priority.asap, 12.0,
            "unset weights keep their defaults"
        );
        assert_eq!(weights.kind.care_plan_review, 9.0);
        assert!(toml::from_str::<UrgencyWeights>("colour = 1.0").is_err());
    }
}
