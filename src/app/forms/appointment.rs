//! Booking an appointment (`n` in the appointments, `:appointment`):
//! when, with whom, where, why, how long, and whether transport and an
//! interpreter are needed and arranged. An interpreter is offered as
//! needed when the patient's language is not English. Saving books it with
//! its reminder and its "did they go?" task; a day in the past is refused.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::encounter::parse_time;
use super::{FormSpec, OpenForm, Saved, Select};
use crate::app::form::{field_ids, Field, FieldKind, Form};
use crate::app::loops::LoopKind;
use crate::domain::dates;
use crate::store::{NewAppointment, Store, StoreError};
use crate::text::fit;

field_ids! {
    pub enum AppointmentField {
        Date,
        Time,
        With,
        Place,
        Reason,
        Minutes,
        TransportNeeded,
        TransportArranged,
        InterpreterNeeded,
        InterpreterArranged,
    }
}

pub struct AppointmentForm {
    patient_id: i64,
    /// The patient's language is not English (or the record says an
    /// interpreter is needed): the form opens with one needed.
    interpreter: bool,
}

pub fn open(patient_id: i64, interpreter: bool, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        AppointmentForm {
            patient_id,
            interpreter,
        },
        "Book an appointment".into(),
        today,
    )
}

/// A date expression and a time: "fri 14:30", "12/05 9:15",
/// "2026-12-05 0930". The time is the last word.
pub fn parse_date_time(text: &str, today: NaiveDate) -> Result<NaiveDateTime, String> {
    let text = text.trim();
    let Some((day, time)) = text.rsplit_once(char::is_whitespace) else {
        return Err("type the day and the time: fri 14:30, 12/05 9:15".into());
    };
    let date = dates::parse(day, today).map_err(|e| e.to_string())?;
    let time = parse_time("The time", Some(time.to_string()))?.unwrap_or(NaiveTime::MIN);
    Ok(date.and_time(time))
}

impl AppointmentForm {
    fn starts_at(&self, form: &Form) -> Result<NaiveDateTime, String> {
        use AppointmentField as F;
        let date = form
            .date(F::Date)
            .ok_or_else(|| "Date is required".to_string())?;
        let time = parse_time("Time", form.text(F::Time))?
            .ok_or_else(|| "Time is required".to_string())?;
        Ok(date.and_time(time))
    }
}

impl FormSpec for AppointmentForm {
    type Id = AppointmentField;

    const WHAT: &'static str = "appointment";

    fn field(&self, id: AppointmentField) -> Field {
        use AppointmentField as F;
        let yes_no = |label, yes: bool| {
            Field::new(label, FieldKind::YesNo, if yes { "yes" } else { "no" }).required()
        };
        match id {
            F::Date => Field::new("Date", FieldKind::Date, "").required(),
            F::Time => Field::new("Time", FieldKind::Text, "").required(),
            F::With => Field::new("With whom", FieldKind::Text, "").required(),
            F::Place => Field::new("Where", FieldKind::Text, ""),
            F::Reason => Field::new("Reason", FieldKind::Text, "").required(),
            F::Minutes => Field::new("Minutes", FieldKind::Text, ""),
            F::TransportNeeded => yes_no("Transport needed", false),
            F::TransportArranged => yes_no("Transport arranged", false),
            F::InterpreterNeeded => yes_no("Interpreter needed", self.interpreter),
            F::InterpreterArranged => yes_no("Interpreter booked", false),
        }
    }

    fn check(&self, form: &Form) -> Result<(), String> {
        use AppointmentField as F;
        let starts = self.starts_at(form)?;
        if starts.date() < form.today {
            return Err(
                "An appointment in the past cannot be booked; record it as kept or missed".into(),
            );
        }
        if let Some(minutes) = form.text(F::Minutes) {
            match minutes.parse::<u32>() {
                Ok(1..=720) => {}
                _ => return Err("Minutes: a number from 1 to 720".into()),
            }
        }
        if form.yes(F::TransportArranged) && !form.yes(F::TransportNeeded) {
            return Err("Transport is arranged only when it is needed".into());
        }
        if form.yes(F::InterpreterArranged) && !form.yes(F::InterpreterNeeded) {
            return Err("An interpreter is booked only when one is needed".into());
        }
        Ok(())
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        use AppointmentField as F;
        let starts_at = self.starts_at(form).map_err(StoreError::Refused)?;
        let with_whom = form.text(F::With).unwrap_or_default();
        let id = store.book_appointment(&NewAppointment {
            patient_id: self.patient_id,
            starts_at,
            minutes: form.text(F::Minutes).and_then(|m| m.parse().ok()),
            with_whom: with_whom.clone(),
            place: form.text(F::Place),
            reason: form.text(F::Reason).unwrap_or_default(),
            referral_id: None,
            transport_needed: form.yes(F::TransportNeeded),
            transport_arranged: form.yes(F::TransportArranged),
            interpreter_needed: form.yes(F::InterpreterNeeded),
            interpreter_arranged: form.yes(F::InterpreterArranged),
        })?;
        Ok(Saved {
            message: format!(
                "Appointment with {} booked for {}; its reminder is in Today",
                fit(&with_whom, 30),
                starts_at.format("%a %Y-%m-%d %H:%M")
            )
            .into(),
            select: Some(Select::Loop {
                kind: LoopKind::Appointment,
                patient_id: self.patient_id,
                id,
            }),
        })
    }
}
