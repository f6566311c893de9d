//! What the patient pane shows of the loops, in a line or two so 80x24
//! still fits: the next appointments (a need not yet arranged flagged in
//! words), and how many referrals and authorizations are open.

use crate::store::{Store, StoreError};
use crate::text::fit;

/// How many of the next appointments the pane shows.
pub const APPOINTMENTS_SHOWN: usize = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoopLines {
    /// "12-01 10:00 Dr Lee · NO RIDE 12-03 14:30 Clinic"; true when a
    /// need is not arranged.
    pub appointments: Option<(String, bool)>,
    /// "2 referrals · 1 auth open".
    pub open: Option<String>,
}

impl LoopLines {
    pub fn read(store: &Store, patient_id: i64) -> Result<LoopLines, StoreError> {
        let next = store.upcoming_appointments(patient_id, APPOINTMENTS_SHOWN)?;
        let mut unarranged = false;
        let shown: Vec<String> = next
            .iter()
            .map(|a| {
                let left = a.needs_arranging();
                unarranged |= !left.is_empty();
                let flag = match (
                    left.contains(&"transport"),
                    left.contains(&"an interpreter"),
                ) {
                    (true, true) => "NO RIDE, INTERP. ",
                    (true, false) => "NO RIDE ",
                    (false, true) => "NO INTERP. ",
                    (false, false) => "",
                };
                // The flag first: a narrow pane cuts the end of the line.
                format!(
                    "{flag}{} {}",
                    a.starts_at.format("%m-%d %H:%M"),
                    fit(&a.with_whom, 14)
                )
            })
            .collect();
        let (referrals, auths) = store.open_loop_counts(patient_id)?;
        let mut open = Vec::new();
        if referrals > 0 {
            open.push(format!(
                "{referrals} referral{}",
                if referrals == 1 { "" } else { "s" }
            ));
        }
        if auths > 0 {
            open.push(format!("{auths} auth{}", if auths == 1 { "" } else { "s" }));
        }
        Ok(LoopLines {
            appointments: (!shown.is_empty()).then(|| (shown.join(" · "), unarranged)),
            open: (!open.is_empty()).then(|| format!("{} open", open.join(" · "))),
        })
    }
}
