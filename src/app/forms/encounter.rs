//! An encounter entered by hand (`:encounter`, or `a` on the record's
//! Encounters): an emergency visit, a stay, or the follow-up visit that
//! meets a stay's clocks. Saving it starts (or meets) the clocks of the
//! transition, as a feed's message would.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::{FormSpec, OpenForm, Saved};
use crate::app::form::{choice_text, field_ids, Field, FieldKind, Form};
use crate::domain::encounter::{
    Complexity, Diagnosis, Disposition, EncounterClass, EncounterStatus, ProviderKind,
};
use crate::store::{NewEncounter, Store, StoreError};

field_ids! {
    pub enum EncounterField {
        Class,
        Facility,
        StartDate,
        StartTime,
        EndDate,
        EndTime,
        Disposition,
        Complexity,
        Provider,
        Code,
        Words,
    }
}

pub struct EncounterForm {
    patient_id: i64,
}

pub fn open(patient_id: i64, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        EncounterForm { patient_id },
        "New encounter (entered by hand)".into(),
        today,
    )
}

/// A time of day typed as `14:30`, `1430` or `9:05`; empty is none.
pub(super) fn parse_time(label: &str, typed: Option<String>) -> Result<Option<NaiveTime>, String> {
    let Some(typed) = typed else {
        return Ok(None);
    };
    let digits = typed.trim().replace(':', "");
    let parsed = match digits.len() {
        3 | 4 if digits.chars().all(|c| c.is_ascii_digit()) => {
            let (h, m) = digits.split_at(digits.len() - 2);
            NaiveTime::from_hms_opt(h.parse().unwrap_or(99), m.parse().unwrap_or(99), 0)
        }
        1 | 2 if digits.chars().all(|c| c.is_ascii_digit()) => {
            NaiveTime::from_hms_opt(digits.parse().unwrap_or(99), 0, 0)
        }
        _ => None,
    };
    parsed
        .map(Some)
        .ok_or_else(|| format!("{label} is not a time: type it as HH:MM (14:30)"))
}

/// What the form says, read and checked across fields.
struct Entry {
    class: EncounterClass,
    started_at: NaiveDateTime,
    ended_at: Option<NaiveDateTime>,
}

impl EncounterForm {
    fn entry(&self, form: &Form) -> Result<Entry, String> {
        use EncounterField as F;
        let class: EncounterClass = form
            .choice(F::Class)
            .ok_or_else(|| "Class is required".to_string())?;
        let start_time = parse_time("Start time", form.text(F::StartTime))?;
        let end_time = parse_time("End time", form.text(F::EndTime))?;
        let start = form
            .date(F::StartDate)
            .ok_or_else(|| "Start date is required".to_string())?;
        let started_at = start.and_time(start_time.unwrap_or(NaiveTime::MIN));
        let ended_at = match (form.date(F::EndDate), end_time) {
            (Some(day), time) => Some(day.and_time(time.unwrap_or(NaiveTime::MIN))),
            (None, Some(_)) => return Err("End time needs an end date".into()),
            (None, None) => None,
        };
        if ended_at.is_some_and(|end| end < started_at) {
            return Err("End is before the start: nothing was saved".into());
        }
        if !class.is_stay() {
            if form.choice::<Disposition, _>(F::Disposition).is_some() {
                return Err(
                    "Disposition is for stays (inpatient, observation, skilled nursing)".into(),
                );
            }
        } else if form.choice::<Disposition, _>(F::Disposition).is_some() && ended_at.is_none() {
            return Err("Disposition needs the end date (the discharge)".into());
        }
        if class != EncounterClass::Outpatient
            && form.choice::<ProviderKind, _>(F::Provider).is_some()
        {
            return Err("Provider is for follow-up visits".into());
        }
        Ok(Entry {
            class,
            started_at,
            ended_at,
        })
    }
}

impl FormSpec for EncounterForm {
    type Id = EncounterField;

    const WHAT: &'static str = "encounter";

    fn field(&self, id: EncounterField) -> Field {
        use EncounterField as F;
        match id {
            F::Class => {
                Field::new("Class", FieldKind::choice_of::<EncounterClass>(), "").required()
            }
            F::Facility => Field::new("Facility", FieldKind::Text, "").required(),
            F::StartDate => Field::new("Start date", FieldKind::RecordDate, "").required(),
            F::StartTime => Field::new("Start time", FieldKind::Text, ""),
            F::EndDate => Field::new("End date", FieldKind::RecordDate, ""),
            F::EndTime => Field::new("End time", FieldKind::Text, ""),
            F::Disposition => Field::new("Disposition", FieldKind::choice_of::<Disposition>(), ""),
            F::Complexity => Field::new(
                "Complexity",
                FieldKind::choice_of::<Complexity>(),
                &choice_text(Complexity::Moderate),
            )
            .required(),
            F::Provider => Field::new("Provider", FieldKind::choice_of::<ProviderKind>(), ""),
            F::Code => Field::new("ICD-10 code", FieldKind::Icd10, ""),
            F::Words => Field::new("Diagnosis", FieldKind::Text, ""),
        }
    }

    fn check(&self, form: &Form) -> Result<(), String> {
        self.entry(form).map(|_| ())
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        use EncounterField as F;
        let entry = self.entry(form).map_err(StoreError::Refused)?;
        let code = form.text(F::Code);
        let words = form.text(F::Words);
        let diagnoses = match (code, words) {
            (None, None) => Vec::new(),
            (code, words) => vec![Diagnosis {
                code: code.unwrap_or_default(),
                display: words.unwrap_or_default(),
            }],
        };
        let status = if entry.class.is_stay() && entry.ended_at.is_none() {
            EncounterStatus::InProgress
        } else {
            EncounterStatus::Finished
        };
        let id = store.add_encounter(&NewEncounter {
            patient_id: self.patient_id,
            class: entry.class,
            status,
            facility: form.text(F::Facility).unwrap_or_default(),
            started_at: entry.started_at,
            ended_at: entry.ended_at,
            disposition: form.choice(F::Disposition),
            disposition_code: None,
            complexity: form.choice(F::Complexity).unwrap_or(Complexity::Moderate),
            provider: form.choice(F::Provider),
            diagnoses,
        })?;
        let started: Vec<String> = store
            .patient_clocks(self.patient_id)?
            .iter()
            .filter(|c| c.encounter_id == id)
            .map(|c| {
                format!(
                    "{} by {}",
                    crate::app::transitions::short(c.kind),
                    c.due_on.format("%m-%d")
                )
            })
            .collect();
        let mark = entry.class.mark();
        Ok(Saved::said_now(if started.is_empty() {
            format!("{mark} recorded; it starts no clock")
        } else {
            format!("{mark} recorded; clocks started: {}", started.join(", "))
        }))
    }
}
