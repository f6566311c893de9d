//! The care-plan pane: the selected patient's plan by need, each need
//! followed by its goals.

use crate::app::keymap::Action;
use crate::app::list::ListCursor;
use crate::app::overlays::{GoalDetail, Overlay};
use crate::app::prompts::{AddTask, GoalStatus, Progress};
use crate::app::App;
use crate::domain::goal::Goal;
use crate::store::{Need, Store, StoreError};
use crate::text::fit;

/// One row of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanRow {
    /// A need (index into `needs`), heading its goals.
    Need(usize),
    /// Heads the goals that serve no recorded need, when the plan has needs.
    Unlinked,
    /// A goal (index into `goals`).
    Goal(usize),
}

#[derive(Default)]
pub struct GoalsPane {
    pub needs: Vec<Need>,
    pub goals: Vec<Goal>,
    /// Each goal's measured values, oldest first (same order as `goals`).
    pub values: Vec<Vec<f64>>,
    /// The plan as shown: needs in the plan's order of domains, each with
    /// its goals (open first, soonest target first).
    pub rows: Vec<PlanRow>,
    pub cursor: ListCursor,
    /// Whose plan is shown.
    patient_id: Option<i64>,
}

/// The plan's rows: each need, then its goals; then goals without a need.
/// Needs still being worked on come first (in the plan's order of
/// domains); a resolved need, or one whose goals are all achieved or
/// cancelled, goes after them, so a small pane shows what is open.
fn plan_rows(needs: &[Need], goals: &[Goal]) -> Vec<PlanRow> {
    let mut rows = Vec::with_capacity(needs.len() + goals.len() + 1);
    let settled = |need: &Need| {
        let mut its_goals = goals
            .iter()
            .filter(|g| g.need_id == Some(need.id))
            .peekable();
        need.resolved || (its_goals.peek().is_some() && its_goals.all(|g| !g.status.is_open()))
    };
    let mut order: Vec<usize> = (0..needs.len()).collect();
    // Stable: the plan's order within each group.
    order.sort_by_key(|&n| settled(&needs[n]));
    for n in order {
        let need = &needs[n];
        rows.push(PlanRow::Need(n));
        rows.extend(
            goals
                .iter()
                .enumerate()
                .filter(|(_, g)| g.need_id == Some(need.id))
                .map(|(i, _)| PlanRow::Goal(i)),
        );
    }
    let unlinked: Vec<PlanRow> = goals
        .iter()
        .enumerate()
        .filter(|(_, g)| !g.need_id.is_some_and(|id| needs.iter().any(|n| n.id == id)))
        .map(|(i, _)| PlanRow::Goal(i))
        .collect();
    if !unlinked.is_empty() && !needs.is_empty() {
        rows.push(PlanRow::Unlinked);
    }
    rows.extend(unlinked);
    rows
}

impl GoalsPane {
    pub fn load(&mut self, store: &Store, patient_id: Option<i64>) -> Result<(), StoreError> {
        let (needs, goals, measured) = match patient_id {
            Some(id) => (
                store.needs(id)?,
                store.goals(id)?,
                store.progress_values(id)?,
            ),
            None => Default::default(),
        };
        self.values = goals
            .iter()
            .map(|g| {
                measured
                    .iter()
                    .filter(|(goal, _)| *goal == g.id)
                    .map(|(_, value)| *value)
                    .collect()
            })
            .collect();
        self.rows = plan_rows(&needs, &goals);
        self.needs = needs;
        self.goals = goals;
        self.cursor.set_len(self.rows.len());
        if self.patient_id != patient_id {
            // A new patient's plan opens on its first open goal, ready for `+`.
            self.patient_id = patient_id;
            let goal_row = |open: bool| {
                self.rows.iter().position(
                    |r| matches!(r, PlanRow::Goal(i) if !open || self.goals[*i].status.is_open()),
                )
            };
            self.cursor
                .select(goal_row(true).or_else(|| goal_row(false)).unwrap_or(0));
        }
        Ok(())
    }

    pub fn selected_row(&self) -> Option<PlanRow> {
        self.rows.get(self.cursor.selected()?).copied()
    }

    /// The goal under the cursor (none on a need's heading).
    pub fn selected(&self) -> Option<&Goal> {
        match self.selected_row()? {
            PlanRow::Goal(i) => self.goals.get(i),
            _ => None,
        }
    }

    /// The need under the cursor, or the need of the goal under it.
    pub fn selected_need(&self) -> Option<i64> {
        match self.selected_row()? {
            PlanRow::Need(i) => self.needs.get(i).map(|n| n.id),
            PlanRow::Goal(i) => self.goals.get(i)?.need_id,
            PlanRow::Unlinked => None,
        }
    }

    /// "Housing: Unstable housing", for the goal's need.
    pub fn need_of(&self, goal: &Goal) -> Option<String> {
        let need = self.needs.iter().find(|n| Some(n.id) == goal.need_id)?;
        Some(format!("{}: {}", need.domain.label(), need.description))
    }

    /// Puts the cursor on the need with this id, if shown.
    pub fn select_need(&mut self, need_id: i64) {
        if let Some(row) = self.rows.iter().position(
            |r| matches!(r, PlanRow::Need(i) if self.needs.get(*i).is_some_and(|n| n.id == need_id)),
        ) {
            self.cursor.select(row);
        }
    }

    /// Puts the cursor on the goal with this id, if shown.
    pub fn select_goal(&mut self, goal_id: i64) {
        if let Some(row) = self.rows.iter().position(
            |r| matches!(r, PlanRow::Goal(i) if self.goals.get(*i).is_some_and(|g| g.id == goal_id)),
        ) {
            self.cursor.select(row);
        }
    }
}

impl App {
    /// The care plan's own keys: moves, a goal in full, needs, goals,
    /// interventions, progress, status, the review date.
    pub(super) fn goals_action(&mut self, action: Action) -> Result<(), StoreError> {
        match action {
            _ if action.is_movement() => {
                self.goals.cursor.apply(action);
            }
            Action::Open => self.show_goal()?,
            Action::AddGoal => self.open_goal_form(),
            Action::AddNeed => self.open_need_form(),
            Action::SetPlanReview => self.open_review_form(),
            Action::EditGoal => self.open_goal_edit_form(),
            Action::AddIntervention => {
                if let (Some(goal), Some(patient_id)) =
                    (self.selected_goal(), self.shown_patient_id())
                {
                    self.ask(
                        AddTask {
                            patient_id,
                            goal_id: Some(goal.id),
                        },
                        format!(
                            "Intervention for \u{201c}{}\u{201d} (title due: pri: kind: every:)",
                            fit(&goal.description, 30)
                        ),
                        "",
                    )?;
                }
            }
            Action::AddProgress => {
                if let Some(goal) = self.selected_goal() {
                    self.ask(
                        Progress { goal_id: goal.id },
                        format!(
                            "Progress on \u{201c}{}\u{201d} (= a value when measured)",
                            fit(&goal.description, 30)
                        ),
                        "",
                    )?;
                }
            }
            Action::SetGoalStatus => {
                if let Some(goal) = self.selected_goal() {
                    self.ask(
                        GoalStatus {
                            goal_id: goal.id,
                            version: goal.version,
                        },
                        format!(
                            "The goal is {}; make it (active, on hold, achieved, cancelled, proposed)",
                            goal.status.label()
                        ),
                        "",
                    )?;
                }
            }
            // The keymap gives the care plan no other action.
            _ => {}
        }
        Ok(())
    }

    /// Enter on a goal: the goal in full, with its progress and the tasks
    /// serving it.
    fn show_goal(&mut self) -> Result<(), StoreError> {
        let Some(goal) = self.goals.selected().cloned() else {
            return Ok(());
        };
        let need = self.goals.need_of(&goal);
        let entries = self.store.progress(goal.id)?;
        let values: Vec<f64> = entries.iter().filter_map(|e| e.value).collect();
        self.layers.show(Overlay::Goal(Box::new(GoalDetail {
            need,
            progress: entries
                .iter()
                .map(|e| format!("{}  {}", e.recorded_on, e.note))
                .collect(),
            trend: crate::domain::care_plan::sparkline(&values, 24),
            interventions: self
                .store
                .interventions(goal.id)?
                .iter()
                .map(|i| i.describe())
                .collect(),
            goal,
        })));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::care_plan::{GoalPriority, NeedDomain};
    use crate::domain::goal::GoalStatus;

    fn need(id: i64, domain: NeedDomain) -> Need {
        Need {
            id,
            domain,
            description: format!("need {id}"),
            resolved: false,
        }
    }

    fn goal(id: i64, need_id: Option<i64>) -> Goal {
        Goal {
            id,
            patient_id: 1,
            description: format!("goal {id}"),
            status: GoalStatus::Active,
            start_date: None,
            target_date: None,
            need_id,
            measure: None,
            priority: GoalPriority::Medium,
            version: 1,
        }
    }

    #[test]
    fn needs_whose_goals_are_all_closed_go_after_open_ones() {
        let needs = [
            need(1, NeedDomain::Medical),
            need(2, NeedDomain::Medical),
            need(3, NeedDomain::Housing),
        ];
        let mut done = goal(10, Some(1));
        done.status = GoalStatus::Cancelled;
        let goals = [done, goal(11, Some(2))];
        assert_eq!(
            plan_rows(&needs, &goals),
            [
                PlanRow::Need(1),
                PlanRow::Goal(1),
                PlanRow::Need(2),
                PlanRow::Need(0),
                PlanRow::Goal(0),
            ],
            "a need without goals yet is open work"
        );
    }

    #[test]
    fn goals_follow_their_need_and_the_rest_come_last() {
        let needs = [need(7, NeedDomain::Medical), need(3, NeedDomain::Housing)];
        let goals = [
            goal(1, Some(3)),
            goal(2, None),
            goal(4, Some(7)),
            goal(5, Some(99)),
        ];
        assert_eq!(
            plan_rows(&needs, &goals),
            [
                PlanRow::Need(0),
                PlanRow::Goal(2),
                PlanRow::Need(1),
                PlanRow::Goal(0),
                PlanRow::Unlinked,
                PlanRow::Goal(1),
                PlanRow::Goal(3),
            ]
        );
        assert_eq!(
            plan_rows(&[], &goals[..2]),
            [PlanRow::Goal(0), PlanRow::Goal(1)],
            "no needs, no headings"
        );
    }
}
