//! Breaking the glass on the screen: `:glass MEMBER-ID REASON` opens a
//! patient outside the user's teams for a stated reason (see
//! `store::team`), and brings them up.

use super::pane::PaneId;
use super::{App, Message};
use crate::store::StoreError;
use crate::text::fit;

impl App {
    /// `:glass MEMBER-ID REASON`: a patient outside the user's teams,
    /// opened for the stated reason (audited, and listed for review), and
    /// brought up in the caseload.
    pub(super) fn break_glass(&mut self, member_id: &str, reason: &str) -> Result<(), StoreError> {
        let Some(patient_id) = self.store.any_patient_id_by_member(member_id)? else {
            self.message = Some(Message::Error(format!(
                "No patient has the member ID {}",
                fit(member_id, 20)
            )));
            return Ok(());
        };
        let opened = self.store.break_glass(patient_id, reason)?;
        if self.bring_up(patient_id)? {
            self.focus = PaneId::Patient;
        }
        self.message = Some(Message::Info(match opened {
            Some(until) => format!(
                "Opened outside your teams until {}; your supervisor reviews why",
                self.store.clock().local(until).format("%H:%M")
            ),
            None => "That member is in your teams' caseloads already".to_string(),
        }));
        Ok(())
    }
}
