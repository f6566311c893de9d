//! `Enter` in a loop's list: the whole of one referral, appointment or
//! authorization, as labelled lines; any key goes back to the list.

use super::{LoopKind, Message};
use crate::app::overlays::Overlay;
use crate::app::App;
use crate::domain::dates;
use crate::store::{Appointment, Authorization, Referral, StoreError};

/// One in full, and the list to go back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopDetail {
    pub kind: LoopKind,
    pub id: i64,
    pub patient_id: i64,
    pub title: String,
    /// Label and value, a line each.
    pub lines: Vec<(&'static str, String)>,
}

fn day(date: Option<chrono::NaiveDate>) -> String {
    date.map(dates::show).unwrap_or_else(|| "—".into())
}

impl App {
    pub(in crate::app) fn show_loop_detail(
        &mut self,
        kind: LoopKind,
        patient_id: i64,
        id: Option<i64>,
    ) -> Result<(), StoreError> {
        let detail = match (kind, id) {
            (LoopKind::Referral, Some(id)) => match self.store.referral(id)? {
                Some(referral) => Some(self.referral_detail(&referral)?),
                None => None,
            },
            (LoopKind::Appointment, Some(id)) => {
                self.store.appointment(id)?.map(|a| appointment_detail(&a))
            }
            (LoopKind::Authorization, Some(id)) => match self.store.authorization(id)? {
                Some(z) => Some(self.authorization_detail(&z)?),
                None => None,
            },
            (_, None) => None,
        };
        match detail {
            Some(detail) => self.layers.show(Overlay::LoopDetail(Box::new(detail))),
            None => {
                self.show_loop_list(kind, patient_id, None)?;
                self.message = Some(Message::Info(format!(
                    "No {} is selected; n makes one",
                    kind.label()
                )));
            }
        }
        Ok(())
    }

    fn authorization_detail(&self, z: &Authorization) -> Result<LoopDetail, StoreError> {
        let code = match (&z.item_system, &z.item_code) {
            (Some(system), Some(code)) => format!("{} {code}", system.to_uppercase()),
            (None, Some(code)) => code.clone(),
            _ => "—".into(),
        };
        let mut lines = vec![
            ("Payer", z.payer.clone()),
            ("Item", z.item.clone()),
            ("Code", code),
            (
                "Diagnosis",
                z.diagnosis_code.clone().unwrap_or_else(|| "—".into()),
            ),
            (
                "Status",
                format!("{} since {}", z.status.label(), dates::show(z.status_on)),
            ),
            ("Submitted", day(z.submitted_on)),
            ("Decided", day(z.decided_on)),
            (
                "Units",
                z.units.map(|u| u.to_string()).unwrap_or_else(|| "—".into()),
            ),
            (
                "Authorized",
                format!("{} to {}", day(z.authorized_from), day(z.authorized_until)),
            ),
            (
                "Payer's no.",
                z.payer_ref.clone().unwrap_or_else(|| "—".into()),
            ),
        ];
        if let Some(note) = &z.status_note {
            lines.push(("Note", note.clone()));
        }
        let step = self.task_title(z.task_id)?;
        if z.status == crate::domain::authorization::AuthStatus::Denied {
            lines.push(("Appeal by", day(z.next_due)));
        }
        lines.push((
            "Next step",
            match step {
                Some(title) => format!("{title}, by {}", day(z.next_due)),
                None => "none".into(),
            },
        ));
        Ok(LoopDetail {
            kind: LoopKind::Authorization,
            id: z.id,
            patient_id: z.patient_id,
            title: format!("Prior authorization: {}", z.item),
            lines,
        })
    }

    fn referral_detail(&self, r: &Referral) -> Result<LoopDetail, StoreError> {
        let need = match r.need_id {
            Some(id) => self
                .store
                .needs(r.patient_id)?
                .into_iter()
                .find(|n| n.id == id)
                .map(|n| format!("{}: {}", n.domain.label(), n.description)),
            None => None,
        };
        let mut lines = vec![
            ("To", r.to_name.clone()),
            ("Phone", r.to_phone.clone().unwrap_or_else(|| "—".into())),
            ("Kind", r.kind.label().to_string()),
            ("Urgency", r.urgency.label().to_string()),
            ("Reason", r.reason.clone()),
            ("Need", need.unwrap_or_else(|| "—".into())),
            (
                "Status",
                format!("{} since {}", r.status.label(), dates::show(r.status_on)),
            ),
        ];
        if let Some(on) = r.appointment_on {
            lines.push(("Service", dates::show(on)));
        }
        if let Some(how) = r.confirmation {
            lines.push(("Confirmed", how.label().to_string()));
        }
        if let Some(note) = &r.status_note {
            lines.push(("Note", note.clone()));
        }
        lines.push((
            "Next step",
            match self.task_title(r.task_id)? {
                Some(title) => format!("{title}, by {}", day(r.next_due)),
                None => "none: the loop is over".into(),
            },
        ));
        if let Some(service) = &r.service_ref {
            lines.push(("Directory", self.directory_standing(r, service)?));
        }
        lines.push(("Made", dates::show(r.created_on)));
        Ok(LoopDetail {
            kind: LoopKind::Referral,
            id: r.id,
            patient_id: r.patient_id,
            title: format!("Referral to {}", r.to_name),
            lines,
        })
    }
}

impl App {
    /// Whether the service a referral was made to is still in the
    /// directory. The referral's own copy of the name and phone (its
    /// "To" and "Phone") stays what it was either way; a phone the
    /// directory now lists otherwise is said beside it.
    fn directory_standing(&self, r: &Referral, source_id: &str) -> Result<String, StoreError> {
        let Some(now) = self.store.resource_service_by_source(source_id)? else {
            return Ok(format!("service {source_id}, not in the directory"));
        };
        if let Some(at) = &now.removed_at {
            // The coordinator's day of the import that removed it.
            let day = chrono::DateTime::parse_from_rfc3339(at).map_or_else(
                |_| at.get(..10).unwrap_or(at).to_string(),
                |t| dates::show(self.store.clock().local_date(t.to_utc())),
            );
            return Ok(format!(
                "REMOVED from the directory since {day} (service {source_id}); the name and phone \
                 above are the referral's copy"
            ));
        }
        let mut text = format!("service {source_id}, still in the directory");
        let listed = now.hit.phone.as_deref();
        let kept = r.to_phone.as_deref();
        let digits =
            |p: Option<&str>| p.map(|p| p.chars().filter(char::is_ascii_digit).collect::<String>());
        if listed.is_some() && digits(listed) != digits(kept) {
            text.push_str(&format!(
                "; it now lists the phone {}",
                listed.unwrap_or_default()
            ));
        }
        Ok(text)
    }
}

fn yes_no(needed: bool, arranged: bool) -> String {
    match (needed, arranged) {
        (false, _) => "not needed".into(),
        (true, true) => "needed, arranged".into(),
        (true, false) => "NEEDED, NOT ARRANGED".into(),
    }
}

fn appointment_detail(a: &Appointment) -> LoopDetail {
    let mut lines = vec![
        (
            "When",
            format!(
                "{}{}",
                a.starts_at.format("%a %Y-%m-%d %H:%M"),
                a.minutes.map(|m| format!(" · {m} min")).unwrap_or_default()
            ),
        ),
        ("With", a.with_whom.clone()),
        ("Where", a.place.clone().unwrap_or_else(|| "—".into())),
        ("Reason", a.reason.clone()),
        (
            "Status",
            format!("{} since {}", a.status.label(), dates::show(a.status_on)),
        ),
        (
            "Transport",
            yes_no(a.transport_needed, a.transport_arranged),
        ),
        (
            "Interpreter",
            yes_no(a.interpreter_needed, a.interpreter_arranged),
        ),
    ];
    if let Some(referral) = a.referral_id {
        lines.push(("Referral", format!("#{referral}")));
    }
    if let Some(new) = a.rescheduled_to {
        lines.push(("Moved to", format!("appointment #{new}")));
    }
    if let Some(note) = &a.status_note {
        lines.push(("Note", note.clone()));
    }
    lines.push(("Booked", dates::show(a.created_on)));
    LoopDetail {
        kind: LoopKind::Appointment,
        id: a.id,
        patient_id: a.patient_id,
        title: format!("Appointment with {}", a.with_whom),
        lines,
    }
}
