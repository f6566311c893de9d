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
/// acute or non-acute inpatient setting. So `Expired`, `AcuteTransfer` and
/// `SkilledNursing` start nothing (the later stay's discharge does);
/// `Home`, `HomeHealth` and `LeftAgainstAdvice` (a discharge home, however
/// it came about) start them, and so do `Other` and an unknown
/// disposition: a clock that should not run can be voided, while one never
/// started is never seen.
fn community_discharge(encounter: &Encounter) -> Option<NaiveDate> {
    let discharged = encounter.discharged_on()?;
    match encounter.disposition {
        Some(Disposition::Expired | Disposition::AcuteTransfer | Disposition::SkilledNursing) => {
            None
        }
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
        // TCM: the face-to-face visit, with any practitioner.
        ClockKind::TcmVisit => true,
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
mod tests {
    use chrono::{Datelike, NaiveDateTime, Weekday};

    use super::*;
    use crate::domain::note::Direction;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(date: NaiveDate, hour: u32) -> NaiveDateTime {
        date.and_hms_opt(hour, 0, 0).unwrap()
    }

    fn dx(code: &str) -> Diagnosis {
        Diagnosis {
            code: code.into(),
            display: String::new(),
        }
    }

    /// An inpatient stay admitted three days before its discharge, home.
    fn stay(discharged: NaiveDate) -> Encounter {
        Encounter {
            id: 1,
            patient_id: 7,
            class: EncounterClass::Inpatient,
            status: EncounterStatus::Finished,
            facility: "Mercy General".into(),
            started_at: at(discharged - days(3), 14),
            ended_at: Some(at(discharged, 11)),
            disposition: Some(Disposition::Home),
            complexity: Complexity::Moderate,
            provider: None,
            diagnoses: vec![dx("I50.9")],
        }
    }

    fn ed_visit(on: NaiveDate, codes: &[&str]) -> Encounter {
        Encounter {
            id: 2,
            class: EncounterClass::Emergency,
            started_at: at(on, 22),
            ended_at: Some(at(on, 23)),
            diagnoses: codes.iter().map(|c| dx(c)).collect(),
            ..stay(on)
        }
    }

    fn visit(on: NaiveDate, provider: ProviderKind, codes: &[&str]) -> Encounter {
        Encounter {
            id: 3,
            class: EncounterClass::Outpatient,
            started_at: at(on, 9),
            ended_at: Some(at(on, 10)),
            disposition: None,
            provider: Some(provider),
            diagnoses: codes.iter().map(|c| dx(c)).collect(),
            ..stay(on)
        }
    }

    fn clock(encounter: &Encounter, kind: ClockKind) -> Option<ClockDue> {
        clocks_for(encounter, &Calendar::default())
            .into_iter()
            .find(|c| c.kind == kind)
    }

    fn kinds(encounter: &Encounter) -> Vec<ClockKind> {
        clocks_for(encounter, &Calendar::default())
            .into_iter()
            .map(|c| c.kind)
            .collect()
    }

    fn contact_due(encounter: &Encounter) -> NaiveDate {
        clock(encounter, ClockKind::TcmContact).unwrap().due_on
    }

    // --- code families ----------------------------------------------------

    #[test]
    fn mental_illness_code_family_boundaries() {
        for code in [
            "F20.9", "F32.9", "F329", "f41.1", "F48.9", "F50.00", "F53.0", "F59", "F60.3", "F84.0",
            "F99",
        ] {
            assert!(is_mental_illness(&dx(code)), "{code}");
            assert!(is_mental_health_for_fuh(&dx(code)), "{code}");
        }
        for code in [
            "F09", "F03.90", "F10.20", "F19.99", "F54", "F55.0", "G30.9", "Z13.31", "X71.0XXA", "",
            "F",
        ] {
            assert!(!is_mental_illness(&dx(code)), "{code}");
        }
    }

    #[test]
    fn intentional_self_harm_code_family_boundaries() {
        for code in ["X71.0XXA", "X78.9XXA", "X83.8XXA", "T14.91XA", "T1491"] {
            assert!(is_intentional_self_harm(&dx(code)), "{code}");
            assert!(is_mental_health_for_fuh(&dx(code)), "{code}");
            assert!(!is_mental_illness(&dx(code)), "{code}");
        }
        for code in ["X70.XXXA", "X84", "T14.90XA", "T14.8", "Y28.9XXA"] {
            assert!(!is_intentional_self_harm(&dx(code)), "{code}");
        }
    }

    #[test]
    fn substance_use_and_overdose_code_families() {
        for code in ["F10.20", "F11.20", "F15.10", "F16.10", "F18.20", "F19.21"] {
            assert!(is_substance_use(&dx(code)), "{code}");
        }
        for code in ["F09", "F17.210", "F20.9", "T40.1X1A", "Z72.0"] {
            assert!(!is_substance_use(&dx(code)), "{code}");
        }
        for code in [
            "T40.1X1A", "T40.411A", "T40.2X4A", "T42.4X1A", "T42.3X2A", "T43.621A",
        ] {
            assert!(is_drug_overdose(&dx(code)), "{code}");
        }
        // Adverse effects (5), underdosing (6), other drugs: not overdoses.
        for code in [
            "T40.2X5A", "T42.4X6A", "T42.5X1A", "T43.1X1A", "T39.1X1A", "T40",
        ] {
            assert!(!is_drug_overdose(&dx(code)), "{code}");
        }
    }

    // --- the contact clock and business days -------------------------------

    #[test]
    fn a_friday_discharge_is_contacted_by_tuesday() {
        let friday = d(2026, 3, 6);
        assert_eq!(friday.weekday(), Weekday::Fri);
        let due = clock(&stay(friday), ClockKind::TcmContact).unwrap();
        assert_eq!(due.opens_on, friday);
        assert_eq!(due.due_on, d(2026, 3, 10));
        assert_eq!(due.due_on.weekday(), Weekday::Tue);
    }

    #[test]
    fn a_thursday_discharge_is_contacted_by_monday() {
        let thursday = d(2026, 3, 5);
        assert_eq!(thursday.weekday(), Weekday::Thu);
        let due = contact_due(&stay(thursday));
        assert_eq!(due, d(2026, 3, 9));
        assert_eq!(due.weekday(), Weekday::Mon);
    }

    #[test]
    fn a_discharge_before_thanksgiving_skips_it() {
        let wednesday = d(2026, 11, 25);
        assert_eq!(wednesday.weekday(), Weekday::Wed);
        // Thursday 26 is Thanksgiving: Friday 27 then Monday 30.
        assert_eq!(contact_due(&stay(wednesday)), d(2026, 11, 30));
        let tuesday = d(2026, 11, 24);
        assert_eq!(contact_due(&stay(tuesday)), d(2026, 11, 27));
    }

    #[test]
    fn independence_day_observed_on_friday_or_monday() {
        // 4 July 2026 is a Saturday, observed Friday 3 July.
        assert_eq!(d(2026, 7, 4).weekday(), Weekday::Sat);
        let thursday = d(2026, 7, 2);
        assert_eq!(thursday.weekday(), Weekday::Thu);
        assert_eq!(contact_due(&stay(thursday)), d(2026, 7, 7));
        // 4 July 2027 is a Sunday, observed Monday 5 July.
        assert_eq!(d(2027, 7, 4).weekday(), Weekday::Sun);
        let friday = d(2027, 7, 2);
        assert_eq!(friday.weekday(), Weekday::Fri);
        assert_eq!(contact_due(&stay(friday)), d(2027, 7, 7));
    }

    #[test]
    fn new_years_day_on_a_saturday_is_observed_on_31_december() {
        assert_eq!(d(2022, 1, 1).weekday(), Weekday::Sat);
        let thursday = d(2021, 12, 30);
        assert_eq!(thursday.weekday(), Weekday::Thu);
        // Friday 31 December 2021 is New Year's Day observed.
        assert_eq!(contact_due(&stay(thursday)), d(2022, 1, 4));
    }

    #[test]
    fn a_discharge_on_31_december() {
        let thursday = d(2026, 12, 31);
        assert_eq!(thursday.weekday(), Weekday::Thu);
        // Friday 1 January 2027 is New Year's Day: Monday 4, Tuesday 5.
        assert_eq!(contact_due(&stay(thursday)), d(2027, 1, 5));
        // Friday 31 December 2021 (itself a holiday): Mon 3, Tue 4 January.
        assert_eq!(contact_due(&stay(d(2021, 12, 31))), d(2022, 1, 4));
        let e = stay(thursday);
        assert_eq!(clock(&e, ClockKind::MedRec).unwrap().due_on, d(2027, 1, 30));
    }

    #[test]
    fn a_program_holiday_from_config_moves_the_contact() {
        let wednesday = d(2026, 11, 25);
        let calendar = Calendar::new([d(2026, 11, 27)]);
        let due = clocks_for(&stay(wednesday), &calendar)
            .into_iter()
            .find(|c| c.kind == ClockKind::TcmContact)
            .unwrap();
        assert_eq!(due.due_on, d(2026, 12, 1));
    }

    #[test]
    fn a_contact_counts_when_interactive_with_the_patient_or_caregiver() {
        let friday = d(2026, 3, 6);
        let due = clock(&stay(friday), ClockKind::TcmContact).unwrap();
        let reached = NoteHeader {
            method: Method::Phone,
            direction: Direction::Outbound,
            party: Party::Patient,
            outcome: Outcome::Reached,
            minutes: 10,
        };
        assert!(
            contact_meets(&due, friday, &reached),
            "the discharge day counts"
        );
        assert!(
            contact_meets(&due, d(2026, 3, 10), &reached),
            "the due day counts"
        );
        assert!(!contact_meets(&due, d(2026, 3, 11), &reached), "a day late");
        assert!(
            !contact_meets(&due, d(2026, 3, 5), &reached),
            "before discharge"
        );
        for method in [
            Method::InPerson,
            Method::HomeVisit,
            Method::Telehealth,
            Method::Text,
        ] {
            let header = NoteHeader { method, ..reached };
            assert!(contact_meets(&due, friday, &header), "{method:?}");
        }
        for method in [Method::Letter, Method::Collateral] {
            let header = NoteHeader { method, ..reached };
            assert!(!contact_meets(&due, friday, &header), "{method:?}");
        }
        let caregiver = NoteHeader {
            party: Party::Caregiver,
            direction: Direction::Inbound,
            ..reached
        };
        assert!(contact_meets(&due, friday, &caregiver));
        for party in [Party::Provider, Party::Agency] {
            assert!(!contact_meets(
                &due,
                friday,
                &NoteHeader { party, ..reached }
            ));
        }
        for outcome in [
            Outcome::NoAnswer,
            Outcome::LeftVoicemail,
            Outcome::WrongNumber,
            Outcome::Declined,
        ] {
            assert!(!contact_meets(
                &due,
                friday,
                &NoteHeader { outcome, ..reached }
            ));
        }
        let visit_clock = clock(&stay(friday), ClockKind::TcmVisit).unwrap();
        assert!(!contact_meets(&visit_clock, friday, &reached));
    }

    // --- which clocks -------------------------------------------------------

    #[test]
    fn an_inpatient_discharge_home_starts_tcm_and_trc_clocks() {
        let discharged = d(2026, 3, 6);
        let e = stay(discharged);
        use ClockKind::*;
        assert_eq!(
            kinds(&e),
            vec![AdmissionNotice, TcmContact, TcmVisit, MedRec, DischargeInfo]
        );
        let notice = clock(&e, AdmissionNotice).unwrap();
        assert_eq!(
            (notice.opens_on, notice.due_on),
            (d(2026, 3, 3), d(2026, 3, 5))
        );
        let med_rec = clock(&e, MedRec).unwrap();
        assert_eq!(
            (med_rec.opens_on, med_rec.due_on),
            (discharged, d(2026, 4, 5))
        );
        assert_eq!((med_rec.due_on - med_rec.opens_on).num_days() + 1, 31);
        let info = clock(&e, DischargeInfo).unwrap();
        assert_eq!((info.opens_on, info.due_on), (discharged, d(2026, 3, 8)));
    }

    #[test]
    fn a_stay_in_progress_starts_only_the_admission_notice() {
        let mut e = stay(d(2026, 3, 6));
        e.status = EncounterStatus::InProgress;
        e.ended_at = None;
        assert_eq!(kinds(&e), vec![ClockKind::AdmissionNotice]);
    }

    #[test]
    fn a_cancelled_encounter_starts_nothing() {
        let mut e = stay(d(2026, 3, 6));
        e.status = EncounterStatus::Cancelled;
        assert!(kinds(&e).is_empty());
        let mut ed = ed_visit(d(2026, 3, 6), &["F32.9"]);
        ed.status = EncounterStatus::Cancelled;
        assert!(kinds(&ed).is_empty());
    }

    #[test]
    fn death_or_transfer_starts_no_discharge_clock() {
        for disposition in [
            Disposition::Expired,
            Disposition::AcuteTransfer,
            Disposition::SkilledNursing,
        ] {
            let mut e = stay(d(2026, 3, 6));
            e.diagnoses = vec![dx("F32.9")];
            e.disposition = Some(disposition);
            assert_eq!(
                kinds(&e),
                vec![ClockKind::AdmissionNotice],
                "{disposition:?}"
            );
        }
        let mut ed = ed_visit(d(2026, 3, 6), &["F32.9"]);
        ed.disposition = Some(Disposition::Expired);
        assert!(kinds(&ed).is_empty());
    }

    #[test]
    fn community_dispositions_start_the_clocks() {
        for disposition in [
            None,
            Some(Disposition::Home),
            Some(Disposition::HomeHealth),
            Some(Disposition::LeftAgainstAdvice),
            Some(Disposition::Other),
        ] {
            let mut e = stay(d(2026, 3, 6));
            e.disposition = disposition;
            assert!(
                kinds(&e).contains(&ClockKind::TcmContact),
                "{disposition:?}"
            );
        }
    }

    #[test]
    fn observation_starts_tcm_but_not_trc() {
        let mut e = stay(d(2026, 3, 6));
        e.class = EncounterClass::Observation;
        e.diagnoses = vec![dx("F32.9")];
        assert_eq!(kinds(&e), vec![ClockKind::TcmContact, ClockKind::TcmVisit]);
        e.class = EncounterClass::SkilledNursing;
        use ClockKind::*;
        assert_eq!(
            kinds(&e),
            vec![AdmissionNotice, TcmContact, TcmVisit, MedRec, DischargeInfo],
            "FUH is for acute inpatient stays only"
        );
    }

    #[test]
    fn high_complexity_visit_within_7_days_moderate_within_14() {
        let discharged = d(2026, 3, 6);
        let mut e = stay(discharged);
        let moderate = clock(&e, ClockKind::TcmVisit).unwrap();
        assert_eq!(
            (moderate.opens_on, moderate.due_on),
            (discharged, d(2026, 3, 20))
        );
        e.complexity = Complexity::High;
        let high = clock(&e, ClockKind::TcmVisit).unwrap();
        assert_eq!((high.opens_on, high.due_on), (discharged, d(2026, 3, 13)));
        let primary = |on| visit(on, ProviderKind::PrimaryCare, &["Z09"]);
        assert!(
            visit_meets(&high, &primary(discharged)),
            "the discharge day"
        );
        assert!(visit_meets(&high, &primary(d(2026, 3, 13))), "day 7");
        assert!(!visit_meets(&high, &primary(d(2026, 3, 14))), "day 8");
        assert!(late_visit_meets(&high, &primary(d(2026, 3, 14))));
        assert!(visit_meets(&moderate, &primary(d(2026, 3, 20))), "day 14");
        assert!(!visit_meets(&moderate, &primary(d(2026, 3, 21))), "day 15");
        assert!(!late_visit_meets(&moderate, &primary(d(2026, 3, 20))));
    }

    // --- FUH, FUM, FUA ------------------------------------------------------

    #[test]
    fn fuh_counts_from_the_day_after_discharge_to_day_7() {
        let discharged = d(2026, 3, 6);
        let mut e = stay(discharged);
        e.diagnoses = vec![dx("F33.2"), dx("I10")];
        let fuh7 = clock(&e, ClockKind::Fuh7).unwrap();
        let fuh30 = clock(&e, ClockKind::Fuh30).unwrap();
        assert_eq!(
            (fuh7.opens_on, fuh7.due_on),
            (d(2026, 3, 7), d(2026, 3, 13))
        );
        assert_eq!(
            (fuh30.opens_on, fuh30.due_on),
            (d(2026, 3, 7), d(2026, 4, 5))
        );
        let mh = |on| visit(on, ProviderKind::MentalHealth, &["F33.2"]);
        assert!(
            !visit_meets(&fuh7, &mh(discharged)),
            "not on the discharge date"
        );
        assert!(!late_visit_meets(&fuh7, &mh(discharged)));
        assert!(visit_meets(&fuh7, &mh(d(2026, 3, 7))), "the day after");
        assert!(visit_meets(&fuh7, &mh(d(2026, 3, 13))), "day 7");
        assert!(!visit_meets(&fuh7, &mh(d(2026, 3, 14))), "day 8");
        assert!(late_visit_meets(&fuh7, &mh(d(2026, 3, 14))));
        assert!(visit_meets(&fuh30, &mh(d(2026, 3, 14))));
        assert!(visit_meets(&fuh30, &mh(d(2026, 4, 5))), "day 30");
        assert!(!visit_meets(&fuh30, &mh(d(2026, 4, 6))), "day 31");
        let primary = visit(d(2026, 3, 9), ProviderKind::PrimaryCare, &["F33.2"]);
        assert!(
            !visit_meets(&fuh7, &primary),
            "FUH asks for a mental health provider"
        );
        let mut cancelled = mh(d(2026, 3, 9));
        cancelled.status = EncounterStatus::Cancelled;
        assert!(!visit_meets(&fuh7, &cancelled));
    }

    #[test]
    fn fuh_needs_a_principal_mental_health_diagnosis() {
        let mut e = stay(d(2026, 3, 6));
        e.diagnoses = vec![dx("I50.9"), dx("F32.9")];
        assert!(clock(&e, ClockKind::Fuh7).is_none(), "secondary only");
        e.diagnoses = vec![dx("T14.91XA")];
        assert!(clock(&e, ClockKind::Fuh7).is_some(), "suicide attempt");
        e.diagnoses = vec![dx("F10.239")];
        assert!(
            clock(&e, ClockKind::Fuh7).is_none(),
            "substance use is not FUH"
        );
        e.diagnoses = vec![dx("F32.9")];
        e.disposition = Some(Disposition::AcuteTransfer);
        assert!(clock(&e, ClockKind::Fuh7).is_none());
    }

    #[test]
    fn fum_counts_from_the_ed_date_to_day_7() {
        let on = d(2026, 3, 6);
        let ed = ed_visit(on, &["F32.9"]);
        assert_eq!(kinds(&ed), vec![ClockKind::Fum7, ClockKind::Fum30]);
        let fum7 = clock(&ed, ClockKind::Fum7).unwrap();
        let fum30 = clock(&ed, ClockKind::Fum30).unwrap();
        assert_eq!((fum7.opens_on, fum7.due_on), (on, d(2026, 3, 13)));
        assert_eq!((fum30.opens_on, fum30.due_on), (on, d(2026, 4, 5)));
        let primary = |on| visit(on, ProviderKind::PrimaryCare, &["F32.9"]);
        assert!(visit_meets(&fum7, &primary(on)), "the ED date counts");
        assert!(visit_meets(&fum7, &primary(d(2026, 3, 13))), "day 7");
        assert!(!visit_meets(&fum7, &primary(d(2026, 3, 14))), "day 8");
        assert!(visit_meets(&fum30, &primary(d(2026, 4, 5))), "day 30");
        assert!(!visit_meets(&fum30, &primary(d(2026, 4, 6))), "day 31");
        // What kind of visit.
        let mh_other = visit(on, ProviderKind::MentalHealth, &["Z00.00"]);
        assert!(visit_meets(&fum7, &mh_other), "a mental health provider");
        let unrelated = visit(on, ProviderKind::PrimaryCare, &["I10", "F32.9"]);
        assert!(
            !visit_meets(&fum7, &unrelated),
            "mental illness not principal"
        );
        let self_harm = visit(on, ProviderKind::PrimaryCare, &["X78.9XXD", "F32.9"]);
        assert!(
            visit_meets(&fum7, &self_harm),
            "self-harm with a mental illness"
        );
        let self_harm_only = visit(on, ProviderKind::PrimaryCare, &["X78.9XXD"]);
        assert!(!visit_meets(&fum7, &self_harm_only));
        let mut ed_again = ed_visit(d(2026, 3, 7), &["F32.9"]);
        ed_again.id = 9;
        assert!(
            !visit_meets(&fum7, &ed_again),
            "an ED visit is not a follow-up"
        );
        // Self-harm as principal starts FUM too.
        assert!(clock(&ed_visit(on, &["X71.0XXA"]), ClockKind::Fum7).is_some());
    }

    #[test]
    fn fua_counts_from_the_ed_date_to_day_7() {
        let on = d(2026, 3, 6);
        let ed = ed_visit(on, &["F11.20"]);
        assert_eq!(kinds(&ed), vec![ClockKind::Fua7, ClockKind::Fua30]);
        let fua7 = clock(&ed, ClockKind::Fua7).unwrap();
        let fua30 = clock(&ed, ClockKind::Fua30).unwrap();
        let primary = |on| visit(on, ProviderKind::PrimaryCare, &["I10", "F11.20"]);
        assert!(visit_meets(&fua7, &primary(on)), "the ED date counts");
        assert!(visit_meets(&fua7, &primary(d(2026, 3, 13))), "day 7");
        assert!(!visit_meets(&fua7, &primary(d(2026, 3, 14))), "day 8");
        assert!(late_visit_meets(&fua7, &primary(d(2026, 3, 14))));
        assert!(visit_meets(&fua30, &primary(d(2026, 4, 5))), "day 30");
        assert!(!visit_meets(&fua30, &primary(d(2026, 4, 6))), "day 31");
        let sud_provider = visit(on, ProviderKind::SubstanceUse, &["Z71.41"]);
        assert!(visit_meets(&fua7, &sud_provider));
        let mh_only = visit(on, ProviderKind::MentalHealth, &["F32.9"]);
        assert!(!visit_meets(&fua7, &mh_only));
        // An overdose in any position starts FUA; SUD only as principal.
        assert!(clock(&ed_visit(on, &["S06.0X0A", "T40.411A"]), ClockKind::Fua7).is_some());
        assert!(clock(&ed_visit(on, &["S06.0X0A", "F10.20"]), ClockKind::Fua7).is_none());
        assert!(clock(&ed_visit(on, &["F17.210"]), ClockKind::Fua7).is_none());
    }

    #[test]
    fn an_ed_visit_with_both_starts_both() {
        let ed = ed_visit(d(2026, 3, 6), &["F32.9", "T40.1X1A"]);
        use ClockKind::*;
        assert_eq!(kinds(&ed), vec![Fum7, Fum30, Fua7, Fua30]);
    }

    #[test]
    fn an_admission_within_30_days_excludes_the_ed_visit() {
        let ed = d(2026, 3, 6);
        assert!(ed_visit_excluded_by_admission(ed, ed));
        assert!(ed_visit_excluded_by_admission(ed, d(2026, 4, 5)));
        assert!(!ed_visit_excluded_by_admission(ed, d(2026, 4, 6)));
        assert!(!ed_visit_excluded_by_admission(ed, d(2026, 3, 5)));
    }

    #[test]
    fn stamped_and_arrival_clocks_are_never_met_by_a_visit() {
        let e = stay(d(2026, 3, 6));
        let any = visit(d(2026, 3, 7), ProviderKind::MentalHealth, &["F32.9"]);
        for kind in [
            ClockKind::MedRec,
            ClockKind::DischargeInfo,
            ClockKind::AdmissionNotice,
            ClockKind::TcmContact,
        ] {
            let due = clock(&e, kind).unwrap();
            assert!(!visit_meets(&due, &any), "{kind:?}");
        }
    }

    // --- state --------------------------------------------------------------

    #[test]
    fn a_clock_is_open_met_missed_or_void() {
        let cal = Calendar::default();
        let friday = d(2026, 3, 6);
        let tuesday = d(2026, 3, 10);
        let contact = ClockKind::TcmContact;
        assert_eq!(
            state(contact, tuesday, None, false, friday, &cal),
            ClockState::Open {
                days_left: 4,
                business_days_left: Some(2)
            }
        );
        assert_eq!(
            state(contact, tuesday, None, false, friday, &cal).label(),
            "2 bd left"
        );
        let on_due = state(contact, tuesday, None, false, tuesday, &cal);
        assert_eq!(
            on_due,
            ClockState::Open {
                days_left: 0,
                business_days_left: Some(0)
            }
        );
        assert_eq!(on_due.label(), "today");
        let late = state(contact, tuesday, None, false, d(2026, 3, 11), &cal);
        assert_eq!(late, ClockState::Missed { met_late_on: None });
        assert_eq!(late.label(), "missed");
        let met = state(contact, tuesday, Some(tuesday), false, d(2026, 3, 20), &cal);
        assert_eq!(met, ClockState::Met { on: tuesday });
        assert_eq!(met.label(), "met");
        let met_late = state(
            contact,
            tuesday,
            Some(d(2026, 3, 11)),
            false,
            d(2026, 3, 11),
            &cal,
        );
        assert_eq!(
            met_late,
            ClockState::Missed {
                met_late_on: Some(d(2026, 3, 11))
            }
        );
        assert_eq!(met_late.label(), "met late");
        let void = state(contact, tuesday, None, true, friday, &cal);
        assert_eq!(void, ClockState::Void);
        assert_eq!(void.label(), "void");
        let visit_clock = state(ClockKind::Fuh7, d(2026, 3, 13), None, false, friday, &cal);
        assert_eq!(
            visit_clock,
            ClockState::Open {
                days_left: 7,
                business_days_left: None
            }
        );
        assert_eq!(visit_clock.label(), "7 d left");
    }

    // --- readmissions -------------------------------------------------------

    #[test]
    fn a_readmission_is_within_30_days_after_discharge() {
        let discharged = d(2026, 3, 6);
        let prior = stay(discharged);
        let admitted_on = |on: NaiveDate| Encounter {
            id: 5,
            status: EncounterStatus::InProgress,
            started_at: at(on, 8),
            ended_at: None,
            disposition: None,
            ..stay(on)
        };
        assert!(
            !is_readmission(&prior, &admitted_on(discharged)),
            "same day: a transfer"
        );
        assert!(
            !is_readmission(&prior, &admitted_on(d(2026, 3, 7))),
            "next day: a transfer"
        );
        assert!(is_direct_transfer(&prior, &admitted_on(discharged)));
        assert!(is_direct_transfer(&prior, &admitted_on(d(2026, 3, 7))));
        assert!(!is_direct_transfer(&prior, &admitted_on(d(2026, 3, 8))));
        assert!(is_readmission(&prior, &admitted_on(d(2026, 3, 8))));
        assert!(
            is_readmission(&prior, &admitted_on(d(2026, 4, 5))),
            "day 30"
        );
        assert!(
            !is_readmission(&prior, &admitted_on(d(2026, 4, 6))),
            "day 31"
        );
        assert!(!is_readmission(&prior, &prior), "not itself");
        let mut observation = admitted_on(d(2026, 3, 10));
        observation.class = EncounterClass::Observation;
        assert!(!is_readmission(&prior, &observation));
        let mut expired = stay(discharged);
        expired.disposition = Some(Disposition::Expired);
        assert!(!is_readmission(&expired, &admitted_on(d(2026, 3, 10))));
        let mut cancelled = admitted_on(d(2026, 3, 10));
        cancelled.status = EncounterStatus::Cancelled;
        assert!(!is_readmission(&prior, &cancelled));
        let mut still_in = stay(discharged);
        still_in.status = EncounterStatus::InProgress;
        assert!(!is_readmission(&still_in, &admitted_on(d(2026, 3, 10))));
    }

    // --- titles -------------------------------------------------------------

    #[test]
    fn titles_name_the_task_and_the_facility_only() {
        let mut e = stay(d(2026, 3, 6));
        assert_eq!(
            due_title(ClockKind::TcmContact, &e),
            "Post-discharge contact (2 business days) — Mercy General"
        );
        assert_eq!(
            due_title(ClockKind::TcmVisit, &e),
            "Post-discharge visit (14 days) — Mercy General"
        );
        e.complexity = Complexity::High;
        assert_eq!(
            due_title(ClockKind::TcmVisit, &e),
            "Post-discharge visit (7 days) — Mercy General"
        );
        e.facility = "Saint Bartholomew's Regional Medical Center of the Valley".into();
        for &kind in ClockKind::ALL {
            let title = due_title(kind, &e);
            assert!(title.chars().count() <= 60, "{title}");
            assert!(!title.contains("I50"), "{title}");
        }
        let long = due_title(ClockKind::TcmContact, &e);
        assert!(long.ends_with('…'), "{long}");
        e.facility = "  ".into();
        assert_eq!(
            due_title(ClockKind::MedRec, &e),
            "Medication reconciliation (30 days)"
        );
    }
}
