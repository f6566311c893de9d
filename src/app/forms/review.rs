//! The date the care plan is next reviewed (`r` on the plan, `e` on the
//! record's review line, and asked for when a review task is completed).
//! Saved on the record's version seen; the review task follows the date.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Reloaded, Saved};
use crate::app::form::{field_ids, Field, FieldKind, Form};
use crate::app::pane::PaneId;
use crate::domain::patient::Patient;
use crate::store::{Store, StoreError};
use crate::text::fit;

field_ids! {
    pub enum ReviewField {
        ReviewOn,
    }
}

pub struct ReviewForm {
    patient_id: i64,
    /// The record's version seen.
    version: i64,
    label: &'static str,
    /// What the field opens with: the date set, or a date expression.
    text: String,
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// The review date of the record as it is.
pub fn open(record: &Patient, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        ReviewForm {
            patient_id: record.id,
            version: record.version,
            label: "Review by",
            text: date_text(record.plan_review_on),
        },
        "Next review of the care plan (its task follows the date)".into(),
        today,
    )
}

/// After a review: when is the next, six months on unless said otherwise.
pub fn open_next(record: &Patient, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        ReviewForm {
            patient_id: record.id,
            version: record.version,
            label: "Next review by",
            text: "+6m".into(),
        },
        format!(
            "Plan of {} {} reviewed: when is the next review? (Esc: later)",
            fit(&record.given_name, 20),
            fit(&record.family_name, 20)
        ),
        today,
    )
}

impl FormSpec for ReviewForm {
    type Id = ReviewField;

    fn field(&self, id: ReviewField) -> Field {
        match id {
            ReviewField::ReviewOn => Field::new(self.label, FieldKind::Date, &self.text).required(),
        }
    }

    fn check(&self, form: &Form) -> Result<(), String> {
        match form.date(ReviewField::ReviewOn) {
            Some(on) if on < form.today => Err(format!("the review date {on} has passed")),
            _ => Ok(()),
        }
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        let on = form
            .date(ReviewField::ReviewOn)
            .ok_or_else(|| StoreError::Refused("type the review date".into()))?;
        store.set_plan_review(self.patient_id, self.version, on)?;
        Ok(Saved::said(
            "Plan review date set; its task is due that day",
        ))
    }

    fn reload(&self, store: &Store) -> Result<Option<Reloaded<Self>>, StoreError> {
        Ok(Some(match store.patient(self.patient_id)? {
            Some(record) => Reloaded::Now(ReviewForm {
                patient_id: record.id,
                version: record.version,
                label: self.label,
                text: date_text(record.plan_review_on),
            }),
            None => Reloaded::Gone("That patient is no longer in the database; nothing was saved"),
        }))
    }

    fn pane(&self) -> PaneId {
        PaneId::Goals
    }
}
