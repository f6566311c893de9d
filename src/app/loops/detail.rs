//! `Enter` in a loop's list: the whole of one referral, appointment or
//! authorization, as labelled lines; any key goes back to the list.

use super::{LoopKind, Message};
use crate::app::overlays::Overlay;
use crate::app::App;
use crate::domain::dates;
use crate::store::{Referral, StoreError};

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
            _ => None,
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
            lines.push(("Directory", service.clone()));
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
