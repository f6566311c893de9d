//! The goal form: a goal added to the plan (`a` on the plan) or edited
//! (`e` on a goal). It reads and writes the one domain `Goal`; the rules
//! are `Goal::check` (the patient's words, a measure, a target after the
//! start), and the store checks them again.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Reloaded, Saved, Select};
use crate::app::form::{choice_text, field_ids, Choice, Field, FieldKind, Form};
use crate::app::pane::PaneId;
use crate::domain::goal::{Goal, GoalPriority, GoalStatus};
use crate::store::{Need, Store, StoreError};
use crate::text::fit;

field_ids! {
    /// The goal form's fields, in the order shown.
    pub enum GoalField {
        Need,
        Words,
        Measure,
        TargetDate,
        Priority,
        StartDate,
    }
}

/// A goal as the form opened it: a new one (id 0) under a need, or one
/// being edited at the version seen; and the plan's needs to choose from.
pub struct GoalForm {
    goal: Goal,
    needs: Vec<Need>,
}

/// A new goal for the patient's plan, under `need` when the cursor is on
/// one: then the cursor starts in the words.
pub fn open_new(
    patient_id: i64,
    needs: Vec<Need>,
    need: Option<i64>,
    today: NaiveDate,
) -> OpenForm {
    let has_need = needs.is_empty() || needs.iter().any(|n| Some(n.id) == need);
    let goal = Goal {
        id: 0,
        patient_id,
        description: String::new(),
        status: GoalStatus::Active,
        start_date: None,
        target_date: None,
        need_id: need,
        measure: None,
        priority: GoalPriority::Medium,
        version: 0,
    };
    let form = OpenForm::new(
        GoalForm { goal, needs },
        "New goal in the care plan".into(),
        today,
    );
    if has_need {
        form.focused_on(GoalField::Words)
    } else {
        form
    }
}

/// A goal of the plan, edited on the version seen.
pub fn open_edit(goal: Goal, needs: Vec<Need>, today: NaiveDate) -> OpenForm {
    let title = format!("Goal: {}", fit(&goal.description, 50));
    OpenForm::new(GoalForm { goal, needs }, title, today).focused_on(GoalField::Words)
}

impl GoalForm {
    fn need_choices(&self) -> Vec<Choice> {
        self.needs
            .iter()
            .map(|n| {
                Choice::new(
                    n.id.to_string(),
                    format!(
                        "{}: {}",
                        n.domain.label().to_lowercase(),
                        fit(&n.description, 40)
                    ),
                )
            })
            .collect()
    }

    /// The goal as the form holds it; every field has been read.
    fn goal_from(&self, form: &Form) -> Goal {
        use GoalField as F;
        Goal {
            need_id: form.text(F::Need).and_then(|id| id.parse().ok()),
            description: form.text(F::Words).unwrap_or_default(),
            measure: Some(form.text(F::Measure).unwrap_or_default()),
            priority: form.choice(F::Priority).unwrap_or(GoalPriority::Medium),
            start_date: Some(form.date(F::StartDate).unwrap_or(form.today)),
            target_date: form.date(F::TargetDate),
            ..self.goal.clone()
        }
    }
}

impl FormSpec for GoalForm {
    type Id = GoalField;
    const WHAT: &'static str = "goal";

    fn field(&self, id: GoalField) -> Field {
        use GoalField as F;
        let goal = &self.goal;
        match id {
            F::Need => {
                let choices = self.need_choices();
                let chosen = goal
                    .need_id
                    .and_then(|id| choices.iter().find(|c| c.code == id.to_string()))
                    .map(|c| c.label.clone())
                    .unwrap_or_default();
                let required = !choices.is_empty();
                let field = Field::new("Need", FieldKind::Choice(choices), &chosen);
                if required {
                    field.required()
                } else {
                    field
                }
            }
            F::Words => {
                Field::new("Patient's words", FieldKind::Text, &goal.description).required()
            }
            F::Measure => Field::new(
                "Measurable target",
                FieldKind::Text,
                goal.measure.as_deref().unwrap_or(""),
            )
            .required(),
            F::TargetDate => Field::new(
                "Target date",
                FieldKind::Date,
                &goal.target_date.map(|d| d.to_string()).unwrap_or_default(),
            )
            .required(),
            F::Priority => Field::new(
                "Priority",
                FieldKind::choice_of::<GoalPriority>(),
                &choice_text(goal.priority),
            )
            .required(),
            F::StartDate => Field::new(
                "Start",
                FieldKind::Date,
                &goal
                    .start_date
                    .map_or_else(|| "today".to_string(), |d| d.to_string()),
            )
            .required(),
        }
    }

    fn check(&self, form: &Form) -> Result<(), String> {
        self.goal_from(form)
            .check()
            .map_err(|problem| problem.to_string())
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        let goal = self.goal_from(form);
        if goal.id == 0 {
            let id = store.add_plan_goal(&goal)?;
            Ok(Saved {
                message: "Goal added to the plan: + records progress".into(),
                select: Some(Select::Goal(id)),
            })
        } else {
            store.update_plan_goal(goal.id, goal.version, &goal)?;
            Ok(Saved {
                message: "Goal saved".into(),
                select: Some(Select::Goal(goal.id)),
            })
        }
    }

    fn reload(&self, store: &Store) -> Result<Option<Reloaded<Self>>, StoreError> {
        if self.goal.id == 0 {
            return Ok(None);
        }
        let patient_id = self.goal.patient_id;
        if store.patient(patient_id)?.is_none() {
            return Ok(Some(Reloaded::Gone(
                "That patient is no longer in the database; nothing was saved",
            )));
        }
        let now = store
            .goals(patient_id)?
            .into_iter()
            .find(|g| g.id == self.goal.id);
        Ok(Some(match now {
            Some(goal) => Reloaded::Now(GoalForm {
                goal,
                needs: store.needs(patient_id)?,
            }),
            None => Reloaded::Gone("Another session removed that goal; nothing was saved"),
        }))
    }

    fn pane(&self) -> PaneId {
        PaneId::Goals
    }
}
