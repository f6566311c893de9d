//! Transitions of care: the clocks a discharge or an emergency visit
//! starts, when each is due, what meets it, and readmissions.

use super::choice::choices;

choices!(
    /// One clock a transition starts. Each is a task with a hard deadline.
    ClockKind {
        TcmContact = ("tcm-contact", "interactive contact within 2 business days", 'c'),
        TcmVisit = ("tcm-visit", "face-to-face visit", 'f'),
        MedRec = ("med-rec", "medication reconciliation", 'm'),
        AdmissionNotice = ("admission-notice", "notification of the admission", 'a'),
        DischargeInfo = ("discharge-info", "discharge information received", 'd'),
        Fuh7 = ("fuh-7", "mental health follow-up within 7 days", '7'),
        Fuh30 = ("fuh-30", "mental health follow-up within 30 days", '3'),
        Fum7 = ("fum-7", "follow-up within 7 days of the emergency visit (mental illness)", 'u'),
        Fum30 = ("fum-30", "follow-up within 30 days of the emergency visit (mental illness)", 'U'),
        Fua7 = ("fua-7", "follow-up within 7 days of the emergency visit (substance use)", 's'),
        Fua30 = ("fua-30", "follow-up within 30 days of the emergency visit (substance use)", 'S'),
    }
);

/// What meets a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetBy {
    /// A signed note of an interactive contact that reached the member (or
    /// their caregiver).
    Contact,
    /// A recorded follow-up visit (an outpatient encounter) of the right
    /// kind, in the window.
    Visit,
    /// Someone marks it done (completing its task is the stamp).
    Stamp,
    /// The event's own arrival in tend (a feed's message, or its entry by
    /// hand).
    Arrival,
}

impl ClockKind {
    pub fn met_by(self) -> MetBy {
        match self {
            ClockKind::TcmContact => MetBy::Contact,
            ClockKind::TcmVisit
            | ClockKind::Fuh7
            | ClockKind::Fuh30
            | ClockKind::Fum7
            | ClockKind::Fum30
            | ClockKind::Fua7
            | ClockKind::Fua30 => MetBy::Visit,
            ClockKind::MedRec | ClockKind::DischargeInfo => MetBy::Stamp,
            ClockKind::AdmissionNotice => MetBy::Arrival,
        }
    }
}
