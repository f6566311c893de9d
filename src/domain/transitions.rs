//! Transitions of care: the clocks a discharge or an emergency visit
//! starts, when each is due, what meets it, and readmissions.
//!
//! Sources, each cited again on the rule it sets:
//!
//! - CMS, Transitional Care Management Services (MLN908628), the Medicare
//!   Claims Processing Manual (Pub. 100-04, ch. 12, §30.6.15.3) and CMS's
//!   FAQs on billing TCM, for CPT 99495 and 99496: an interactive contact
//!   within 2 business days of discharge, a face-to-face visit within 14
//!   (moderate complexity) or 7 (high complexity) calendar days.
//! - NCQA HEDIS MY2025: Transitions of Care (TRC), Follow-Up After
//!   Hospitalization for Mental Illness (FUH), Follow-Up After Emergency
//!   Department Visit for Mental Illness (FUM) and for Substance Use (FUA),
//!   Plan All-Cause Readmissions (PCR).
//!
//! HEDIS defines its diagnoses by value sets that NCQA licenses; tend does
//! not ship them and uses ICD-10-CM code families instead (the categories
//! those value sets are drawn from, listed on each function below). They
//! flag the encounters a coordinator should act on; they do not compute a
//! reportable rate.

use chrono::{Duration, NaiveDate};

use super::business_days::Calendar;
use super::choice::choices;
use super::encounter::{
    Complexity, Diagnosis, Disposition, Encounter, EncounterClass, EncounterStatus, ProviderKind,
};
use super::note::{Method, NoteHeader, Outcome, Party};

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

// ---------------------------------------------------------------------------
// Code families
// ---------------------------------------------------------------------------

/// The letter and two-digit category of an ICD-10-CM code ("F32.9" is
/// ('F', 32)), or `None` when the code does not start that way.
fn category(diagnosis: &Diagnosis) -> Option<(char, u32)> {
    let code = diagnosis.bare_code();
    let mut chars = code.chars();
    let letter = chars.next().filter(|c| c.is_ascii_alphabetic())?;
    let tens = chars.next()?.to_digit(10)?;
    let units = chars.next()?.to_digit(10)?;
    Some((letter, tens * 10 + units))
}

/// Mental illness, the code family tend uses for HEDIS's Mental Illness
/// value set (FUH, FUM): ICD-10-CM F20–F48 (schizophrenia, mood, anxiety
/// and related disorders), F50–F53 (eating, sleep, sexual dysfunction,
/// puerperal), F59–F99 (unspecified behavioural syndromes, personality,
/// intellectual, developmental, childhood-onset and unspecified mental
/// disorders). Not F01–F09 (dementia and other disorders due to a
/// physiological condition), F10–F19 (substance use: see
/// [`is_substance_use`]), F54 or F55. Intentional self-harm is its own
/// family ([`is_intentional_self_harm`]).
pub fn is_mental_illness(diagnosis: &Diagnosis) -> bool {
    matches!(
        category(diagnosis),
        Some(('F', 20..=48 | 50..=53 | 59..=99))
    )
}

/// Intentional self-harm, as FUH and FUM add it to their denominators:
/// ICD-10-CM X71–X83 (intentional self-harm by its means) and T14.91
/// (suicide attempt). Poisonings coded as intentional self-harm (T36–T65
/// with intent 2) are not in this family.
pub fn is_intentional_self_harm(diagnosis: &Diagnosis) -> bool {
    matches!(category(diagnosis), Some(('X', 71..=83)))
        || diagnosis.bare_code().starts_with("T1491")
}

/// The FUH (and FUM) denominator's principal diagnosis: mental illness or
/// intentional self-harm ([`is_mental_illness`] or
/// [`is_intentional_self_harm`]).
pub fn is_mental_health_for_fuh(diagnosis: &Diagnosis) -> bool {
    is_mental_illness(diagnosis) || is_intentional_self_harm(diagnosis)
}

/// Substance use disorder, the code family tend uses for HEDIS's alcohol
/// and other drug abuse and dependence value sets (FUA): ICD-10-CM F10–F19
/// except F17 (nicotine dependence, which those value sets leave out).
/// Remission codes stay in. Drug overdoses are their own family
/// ([`is_drug_overdose`]).
pub fn is_substance_use(diagnosis: &Diagnosis) -> bool {
    matches!(category(diagnosis), Some(('F', 10..=16 | 18 | 19)))
}

/// A drug overdose, which FUA counts in any position on the emergency
/// visit: poisoning (not adverse effect, not underdosing) by narcotics and
/// psychodysleptics (T40), barbiturates (T42.3), benzodiazepines (T42.4)
/// or psychostimulants (T43.6), the 6th character being the intent:
/// 1 accidental, 2 intentional self-harm, 3 assault, 4 undetermined.
pub fn is_drug_overdose(diagnosis: &Diagnosis) -> bool {
    let code = diagnosis.bare_code();
    let drug = code.starts_with("T40")
        || code.starts_with("T423")
        || code.starts_with("T424")
        || code.starts_with("T436");
    drug && matches!(code.chars().nth(5), Some('1'..='4'))
}

// ---------------------------------------------------------------------------
// Which clocks an encounter starts
// ---------------------------------------------------------------------------

/// One clock's window: the event that meets it must fall on a day from
/// `opens_on` to `due_on`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockDue {
    pub kind: ClockKind,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
}

impl ClockDue {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.opens_on <= date && date <= self.due_on
    }
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// The discharge day of a stay that ended in the community, the only
/// discharges that start post-discharge clocks.
///
/// TCM is for a discharge "to a community setting" — home, domiciliary,
/// rest home or assisted living (MLN908628) — and TRC and FUH count only
/// the last discharge when one is followed by a direct transfer to another
/// acute or non-acute inpatient setting. So `Expired`, `AcuteTransfer`,
/// `SkilledNursing` and `OtherFacility` start nothing (the later stay's
/// discharge does), nor does `Hospice` (HEDIS leaves members in hospice
/// out of TRC and FUH, and hospice takes over their care);
/// `Home`, `HomeHealth` and `LeftAgainstAdvice` (a discharge home, however
/// it came about) start them, and so do `Other` and an unknown
/// disposition: a clock that should not run can be voided by hand with a
/// reason, while one never started is never seen.
fn community_discharge(encounter: &Encounter) -> Option<NaiveDate> {
    let discharged = encounter.discharged_on()?;
    match encounter.disposition {
        Some(
            Disposition::Expired
            | Disposition::AcuteTransfer
            | Disposition::SkilledNursing
            | Disposition::OtherFacility
            | Disposition::Hospice,
        ) => None,
        _ => Some(discharged),
    }
}

/// The clocks `encounter` starts as it stands now: a pure function of the
/// encounter, called again after each of its updates (the caller keeps
/// the clocks it already has and adds or voids the difference).
///
/// - A cancelled encounter starts none.
/// - An inpatient or skilled nursing stay, from its admission, whatever
///   its status: [`ClockKind::AdmissionNotice`], the day of admission
///   through 2 days after (TRC, Notification of Inpatient Admission). TRC
///   counts acute and non-acute inpatient stays; an observation stay is
///   outpatient and starts no TRC clock.
/// - A stay discharged to the community (see `community_discharge`):
///   - [`ClockKind::TcmContact`]: from the day of discharge through the
///     2nd business day after it. TCM services may be furnished "beginning
///     the day of discharge" (MLN908628), so a contact after the discharge
///     that same day counts.
///   - [`ClockKind::TcmVisit`]: from the day of discharge through 7
///     (high complexity, 99496) or 14 (moderate, 99495) calendar days
///     after. CMS's FAQ allows the visit on the day of discharge (only not
///     billed by the practitioner who reports discharge day management the
///     same day), so the window opens on it.
///   - TCM covers inpatient, skilled nursing and observation stays
///     ("hospital outpatient observation status or partial
///     hospitalization", MLN908628), so all three start these two.
///   - For inpatient and skilled nursing stays only (TRC):
///     [`ClockKind::MedRec`], the date of discharge through 30 days after
///     (Medication Reconciliation Post-Discharge, 31 days), and
///     [`ClockKind::DischargeInfo`], the day of discharge through 2 days
///     after (Receipt of Discharge Information).
///   - An inpatient stay whose principal diagnosis is mental illness or
///     intentional self-harm ([`is_mental_health_for_fuh`]):
///     [`ClockKind::Fuh7`] and [`ClockKind::Fuh30`], from the day after
///     discharge through 7 and 30 days after ("Do not include visits that
///     occur on the date of discharge", FUH).
/// - An emergency visit not ending in death, from its date:
///   - principal diagnosis of mental illness or intentional self-harm:
///     [`ClockKind::Fum7`] and [`ClockKind::Fum30`], the date of the visit
///     through 7 and 30 days after (FUM: "within 7 days of the ED visit
///     (8 total days)");
///   - principal diagnosis of substance use, or a drug overdose in any
///     position: [`ClockKind::Fua7`] and [`ClockKind::Fua30`], the same
///     windows (FUA).
///
///   Both measures drop an emergency visit followed by an inpatient
///   admission within 30 days; that needs the other encounters, so it is
///   the caller's, through [`ed_visit_excluded_by_admission`].
pub fn clocks_for(encounter: &Encounter, calendar: &Calendar) -> Vec<ClockDue> {
    use ClockKind::*;
    if encounter.status == EncounterStatus::Cancelled {
        return Vec::new();
    }
    let mut clocks = Vec::new();
    let mut push = |kind, opens_on, due_on| {
        clocks.push(ClockDue {
            kind,
            opens_on,
            due_on,
        })
    };
    let class = encounter.class;
    let inpatient_setting = matches!(
        class,
        EncounterClass::Inpatient | EncounterClass::SkilledNursing
    );
    let principal = encounter.diagnoses.first();

    if inpatient_setting {
        let admitted = encounter.started_on();
        push(AdmissionNotice, admitted, admitted + days(2));
    }

    if let Some(discharged) = community_discharge(encounter) {
        push(
            TcmContact,
            discharged,
            calendar.add_business_days(discharged, 2),
        );
        let visit_days = match encounter.complexity {
            Complexity::High => 7,
            Complexity::Moderate => 14,
        };
        push(TcmVisit, discharged, discharged + days(visit_days));
        if inpatient_setting {
            push(MedRec, discharged, discharged + days(30));
            push(DischargeInfo, discharged, discharged + days(2));
        }
        if class == EncounterClass::Inpatient && principal.is_some_and(is_mental_health_for_fuh) {
            push(Fuh7, discharged + days(1), discharged + days(7));
            push(Fuh30, discharged + days(1), discharged + days(30));
        }
    }

    if class == EncounterClass::Emergency && encounter.disposition != Some(Disposition::Expired) {
        let visited = encounter.started_on();
        if principal.is_some_and(is_mental_health_for_fuh) {
            push(Fum7, visited, visited + days(7));
            push(Fum30, visited, visited + days(30));
        }
        if principal.is_some_and(is_substance_use)
            || encounter.diagnoses.iter().any(is_drug_overdose)
        {
            push(Fua7, visited, visited + days(7));
            push(Fua30, visited, visited + days(30));
        }
    }
    clocks
}

/// Whether an inpatient admission on `admission` takes an emergency visit
/// on `ed` out of FUM and FUA: an admission on the date of the visit or
/// within the 30 days after it (both measures' exclusion).
pub fn ed_visit_excluded_by_admission(ed: NaiveDate, admission: NaiveDate) -> bool {
    ed <= admission && admission <= ed + days(30)
}

// ---------------------------------------------------------------------------
// What meets a clock
// ---------------------------------------------------------------------------

/// Whether `visit` is of the kind that meets the clock, whatever its date.
fn visit_kind_meets(kind: ClockKind, visit: &Encounter) -> bool {
    if visit.class != EncounterClass::Outpatient || visit.status == EncounterStatus::Cancelled {
        return false;
    }
    let principal = visit.diagnoses.first();
    match kind {
        // TCM: the face-to-face visit, with any practitioner; one whose
        // provider is known. A feed's outpatient registration without one
        // may be a lab draw or an imaging slot, not a visit: it does not
        // meet the clock (the coordinator records the visit).
        ClockKind::TcmVisit => visit.provider.is_some(),
        // FUH: "a follow-up visit with a mental health provider".
        ClockKind::Fuh7 | ClockKind::Fuh30 => visit.provider == Some(ProviderKind::MentalHealth),
        // FUM: a follow-up with any practitioner with a principal diagnosis
        // of a mental health disorder, or of intentional self-harm with any
        // diagnosis of a mental health disorder; or with a mental health
        // provider.
        ClockKind::Fum7 | ClockKind::Fum30 => {
            visit.provider == Some(ProviderKind::MentalHealth)
                || principal.is_some_and(is_mental_illness)
                || (principal.is_some_and(is_intentional_self_harm)
                    && visit.diagnoses.iter().any(is_mental_illness))
        }
        // FUA: a follow-up "with a diagnosis of SUD" (any position), or
        // with a substance use treatment provider. A mental health
        // provider alone does not meet it.
        ClockKind::Fua7 | ClockKind::Fua30 => {
            visit.provider == Some(ProviderKind::SubstanceUse)
                || visit.diagnoses.iter().any(is_substance_use)
        }
        ClockKind::TcmContact
        | ClockKind::MedRec
        | ClockKind::AdmissionNotice
        | ClockKind::DischargeInfo => false,
    }
}

/// Whether `visit` meets the clock: an outpatient visit, not cancelled, of
/// the kind the clock asks for, on a day of its window. A visit after the
/// window is [`late_visit_meets`], never this.
pub fn visit_meets(due: &ClockDue, visit: &Encounter) -> bool {
    visit_kind_meets(due.kind, visit) && due.contains(visit.started_on())
}

/// Whether `visit` would have met the clock but came after its due day:
/// the clock is then met late, which the measures count as missed.
pub fn late_visit_meets(due: &ClockDue, visit: &Encounter) -> bool {
    visit_kind_meets(due.kind, visit) && visit.started_on() > due.due_on
}

/// Whether a signed note on `on` meets a [`ClockKind::TcmContact`]: the
/// patient or their caregiver reached, in the window, by an interactive
/// method. CPT/CMS: "The contact may be direct (face-to-face), telephonic,
/// or by electronic means", and must allow "prompt interactive
/// communication" beyond scheduling (MLN908628). So phone, in person, home
/// visit and telehealth count, and a text message does when the patient
/// answered it (outcome reached); a letter is never interactive, and a
/// collateral contact is not with the patient or caregiver. Attempts
/// (no answer, voicemail) do not meet it.
pub fn contact_meets(due: &ClockDue, on: NaiveDate, header: &NoteHeader) -> bool {
    due.kind == ClockKind::TcmContact
        && matches!(
            header.method,
            Method::Phone
                | Method::InPerson
                | Method::HomeVisit
                | Method::Telehealth
                | Method::Text
        )
        && header.outcome == Outcome::Reached
        && matches!(header.party, Party::Patient | Party::Caregiver)
        && due.contains(on)
}

// ---------------------------------------------------------------------------
// Where a clock stands
// ---------------------------------------------------------------------------

/// Where a clock stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    /// Not met yet and not past due: calendar days to the due day (0 on
    /// it), and business days too for the contact clock.
    Open {
        days_left: i64,
        business_days_left: Option<i64>,
    },
    /// Met on or before the due day.
    Met { on: NaiveDate },
    /// Past due and not met, or met only after the due day (which counts as
    /// missed).
    Missed { met_late_on: Option<NaiveDate> },
    /// Set aside by hand (the clock did not apply).
    Void,
}

impl ClockState {
    /// A few words for a list: "today", "2 bd left" (business days, the
    /// contact clock), "5 d left", "met", "met late", "missed", "void".
    pub fn label(&self) -> String {
        match *self {
            ClockState::Open { days_left: 0, .. } => "today".into(),
            ClockState::Open {
                business_days_left: Some(n),
                ..
            } => format!("{n} bd left"),
            ClockState::Open { days_left, .. } => format!("{days_left} d left"),
            ClockState::Met { .. } => "met".into(),
            ClockState::Missed {
                met_late_on: Some(_),
            } => "met late".into(),
            ClockState::Missed { met_late_on: None } => "missed".into(),
            ClockState::Void => "void".into(),
        }
    }
}

/// Where a clock due on `due_on` stands `today`, given the day it was met
/// (if it was) and whether it was voided.
pub fn state(
    kind: ClockKind,
    due_on: NaiveDate,
    met_on: Option<NaiveDate>,
    voided: bool,
    today: NaiveDate,
    calendar: &Calendar,
) -> ClockState {
    if voided {
        return ClockState::Void;
    }
    match met_on {
        Some(on) if on <= due_on => ClockState::Met { on },
        Some(on) => ClockState::Missed {
            met_late_on: Some(on),
        },
        None if today > due_on => ClockState::Missed { met_late_on: None },
        None => ClockState::Open {
            days_left: (due_on - today).num_days(),
            business_days_left: (kind == ClockKind::TcmContact)
                .then(|| calendar.business_days_between(today, due_on)),
        },
    }
}

// ---------------------------------------------------------------------------
// Readmissions
// ---------------------------------------------------------------------------

/// The discharge day of an inpatient stay that did not end in death.
fn live_inpatient_discharge(stay: &Encounter) -> Option<NaiveDate> {
    (stay.class == EncounterClass::Inpatient && stay.disposition != Some(Disposition::Expired))
        .then(|| stay.discharged_on())
        .flatten()
}

/// A direct transfer (HEDIS): the next inpatient or skilled nursing stay
/// began on the day of the discharge or the day after ("the discharge date
/// from the first inpatient setting precedes the admission date to a
/// second inpatient setting by one calendar day or less"). The two stays
/// are then one, and its discharge is the later one's.
pub fn is_direct_transfer(prior: &Encounter, next: &Encounter) -> bool {
    let Some(discharged) = live_inpatient_discharge(prior) else {
        return false;
    };
    prior.id != next.id
        && matches!(
            next.class,
            EncounterClass::Inpatient | EncounterClass::SkilledNursing
        )
        && next.status != EncounterStatus::Cancelled
        && discharged <= next.started_on()
        && next.started_on() <= discharged + days(1)
}

/// A readmission (HEDIS PCR): `admission` is an inpatient stay admitted
/// within 30 days after `prior`'s discharge, `prior` an inpatient stay
/// discharged alive. An admission on the day of discharge or the day after
/// is a direct transfer ([`is_direct_transfer`]), not a readmission, so
/// the window is the 2nd through the 30th day after discharge. PCR's other
/// exclusions (planned admissions, pregnancy, the index stay's own
/// conditions) are not applied here.
pub fn is_readmission(prior: &Encounter, admission: &Encounter) -> bool {
    let Some(discharged) = live_inpatient_discharge(prior) else {
        return false;
    };
    let admitted = admission.started_on();
    prior.id != admission.id
        && admission.class == EncounterClass::Inpatient
        && admission.status != EncounterStatus::Cancelled
        && discharged + days(2) <= admitted
        && admitted <= discharged + days(30)
}

// ---------------------------------------------------------------------------
// Task titles
// ---------------------------------------------------------------------------

/// Titles stay within this many characters.
const TITLE_WIDTH: usize = 60;

/// The title of the task a clock makes: what to do and by when, then the
/// facility, no other patient data; the facility is shortened with "…" to
/// keep the title within 60 characters.
pub fn due_title(kind: ClockKind, encounter: &Encounter) -> String {
    let what = match kind {
        ClockKind::TcmContact => "Post-discharge contact (2 business days)",
        ClockKind::TcmVisit => match encounter.complexity {
            Complexity::High => "Post-discharge visit (7 days)",
            Complexity::Moderate => "Post-discharge visit (14 days)",
        },
        ClockKind::MedRec => "Medication reconciliation (30 days)",
        ClockKind::AdmissionNotice => "Admission notice (2 days)",
        ClockKind::DischargeInfo => "Discharge information (2 days)",
        ClockKind::Fuh7 => "Mental health follow-up (7 days)",
        ClockKind::Fuh30 => "Mental health follow-up (30 days)",
        ClockKind::Fum7 => "ED follow-up, mental health (7 days)",
        ClockKind::Fum30 => "ED follow-up, mental health (30 days)",
        ClockKind::Fua7 => "ED follow-up, substance use (7 days)",
        ClockKind::Fua30 => "ED follow-up, substance use (30 days)",
    };
    let facility = encounter.facility.trim();
    if facility.is_empty() {
        return what.to_string();
    }
    let room = TITLE_WIDTH.saturating_sub(what.chars().count() + 3);
    let facility: String = if facility.chars().count() > room {
        let mut short: String = facility.chars().take(room.saturating_sub(1)).collect();
        short.truncate(short.trim_end().len());
        short.push('…');
        short
    } else {
        facility.to_string()
    };
    format!("{what} — {facility}")
}

#[cfg(test)]
#[path = "transitions_fixtures.rs"]
mod fixtures;
#[cfg(test)]
#[path = "transitions_measures_tests.rs"]
mod measures_tests;
#[cfg(test)]
#[path = "transitions_tests.rs"]
mod tests;
