//! `S` on a goal: its new status, on the goal as the user saw it; only the
//! changes the care plan allows.

use super::Purpose;
use crate::app::App;
use crate::domain::care_plan::{goal_may_become, parse_goal_status};
use crate::store::StoreError;
use crate::text::fit;

pub struct GoalStatus {
    pub goal_id: i64,
    pub version: i64,
}

impl Purpose for GoalStatus {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        let from = app
            .goals
            .goals
            .iter()
            .find(|g| g.id == self.goal_id)
            .map(|g| g.status);
        match (parse_goal_status(text), from) {
            (_, None) => Err("that goal is no longer shown".to_string()),
            (None, _) if text.trim().is_empty() => Err(
                "type the new status: active, on hold, achieved, cancelled, proposed".to_string(),
            ),
            (None, _) => Err(format!("{:?} is not a goal status", fit(text.trim(), 20))),
            (Some(to), Some(from)) if !goal_may_become(from, to) => Err(format!(
                "a goal that is {} cannot become {}",
                from.label(),
                to.label()
            )),
            (Some(to), Some(_)) => Ok(format!("→ {}", to.label())),
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        let result = match parse_goal_status(text) {
            Some(to) => app.store.set_goal_status(self.goal_id, self.version, to),
            None => Err(StoreError::Refused("not a goal status".into())),
        };
        app.after_plan_change(result.map(|()| "Goal status changed"))
    }
}
