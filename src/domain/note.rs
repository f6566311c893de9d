//! Notes of contacts and attempts (FHIR `Communication`): how, which way,
//! with whom, and what came of it, each chosen with one key.

use chrono::NaiveDate;

use super::business_days::Calendar;

use super::choice::choices;

choices!(
    /// How the contact was made.
    Method {
        Phone = ("phone", "phone", 'p'),
        InPerson = ("in-person", "in person", 'i'),
        HomeVisit = ("home-visit", "home visit", 'h'),
        Telehealth = ("telehealth", "telehealth", 'v'),
        Text = ("text", "text message", 't'),
        Letter = ("letter", "letter", 'l'),
        Collateral = ("collateral", "collateral contact", 'c'),
    }
);

choices!(
    /// Which way the contact went.
    Direction {
        Outbound = ("outbound", "outbound", 'o'),
        Inbound = ("inbound", "inbound", 'i'),
    }
);

choices!(
    /// With whom.
    Party {
        Patient = ("patient", "patient", 'p'),
        Caregiver = ("caregiver", "caregiver", 'c'),
        Provider = ("provider", "provider", 'r'),
        Agency = ("agency", "agency", 'a'),
    }
);

choices!(
    /// What came of it.
    Outcome {
        Reached = ("reached", "reached", 'r'),
        NoAnswer = ("no-answer", "no answer", 'n'),
        LeftVoicemail = ("left-voicemail", "left voicemail", 'v'),
        WrongNumber = ("wrong-number", "wrong or disconnected number", 'w'),
        Declined = ("declined", "declined", 'd'),
    }
);

impl Outcome {
    /// A one-character mark for timelines.
    pub fn mark(self) -> char {
        match self {
            Outcome::Reached => '✓',
            Outcome::NoAnswer => '·',
            Outcome::LeftVoicemail => '✉',
            Outcome::WrongNumber => '✗',
            Outcome::Declined => '−',
        }
    }
}

/// The header of a signed note: every field chosen by its author.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteHeader {
    pub method: Method,
    pub direction: Direction,
    pub party: Party,
    pub outcome: Outcome,
    /// Minutes, counted from when the editor opened unless typed.
    pub minutes: u32,
}

impl NoteHeader {
    /// Whether the note records a contact with the patient (which moves
    /// their "last contact"), rather than an attempt or a collateral contact.
    pub fn reached_patient(&self) -> bool {
        self.outcome == Outcome::Reached && self.party == Party::Patient
    }
}

/// One of the header's chosen fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderField {
    Method,
    Direction,
    Party,
    Outcome,
}

impl HeaderField {
    /// In the order the editor shows them and asks for them.
    pub const ALL: [HeaderField; 4] = [
        HeaderField::Method,
        HeaderField::Direction,
        HeaderField::Party,
        HeaderField::Outcome,
    ];

    pub fn label(self) -> &'static str {
        match self {
            HeaderField::Method => "Method",
            HeaderField::Direction => "Direction",
            HeaderField::Party => "With",
            HeaderField::Outcome => "Outcome",
        }
    }

    /// "p phone · i in person · …": the keys that choose a value.
    pub fn choices(self) -> Vec<(char, &'static str)> {
        fn list<T: Copy>(
            all: &[T],
            key: fn(T) -> char,
            label: fn(T) -> &'static str,
        ) -> Vec<(char, &'static str)> {
            all.iter().map(|&c| (key(c), label(c))).collect()
        }
        match self {
            HeaderField::Method => list(Method::ALL, Method::key, Method::label),
            HeaderField::Direction => list(Direction::ALL, Direction::key, Direction::label),
            HeaderField::Party => list(Party::ALL, Party::key, Party::label),
            HeaderField::Outcome => list(Outcome::ALL, Outcome::key, Outcome::label),
        }
    }
}

/// The header of a note being written: a field is `None` until its author
/// chooses it. Nothing is filled in for them: a guessed outcome signed by
/// mistake would be a false record of a call, so a note is signed only
/// once [`DraftHeader::complete`] has every field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DraftHeader {
    pub method: Option<Method>,
    pub direction: Option<Direction>,
    pub party: Option<Party>,
    pub outcome: Option<Outcome>,
    /// Counted from when the editor opened unless typed: a measure, not a
    /// choice, so always known.
    pub minutes: u32,
}

impl DraftHeader {
    /// The fields still to choose, in the order they are asked for.
    pub fn missing(&self) -> Vec<HeaderField> {
        HeaderField::ALL
            .into_iter()
            .filter(|f| !self.has(*f))
            .collect()
    }

    pub fn has(&self, field: HeaderField) -> bool {
        match field {
            HeaderField::Method => self.method.is_some(),
            HeaderField::Direction => self.direction.is_some(),
            HeaderField::Party => self.party.is_some(),
            HeaderField::Outcome => self.outcome.is_some(),
        }
    }

    /// Chooses the value `key` stands for in `field`; false (and nothing
    /// changed) when the key chooses nothing there.
    pub fn choose(&mut self, field: HeaderField, key: char) -> bool {
        match field {
            HeaderField::Method => Method::from_key(key).map(|v| self.method = Some(v)),
            HeaderField::Direction => Direction::from_key(key).map(|v| self.direction = Some(v)),
            HeaderField::Party => Party::from_key(key).map(|v| self.party = Some(v)),
            HeaderField::Outcome => Outcome::from_key(key).map(|v| self.outcome = Some(v)),
        }
        .is_some()
    }

    /// Un-chooses a field.
    pub fn clear(&mut self, field: HeaderField) {
        match field {
            HeaderField::Method => self.method = None,
            HeaderField::Direction => self.direction = None,
            HeaderField::Party => self.party = None,
            HeaderField::Outcome => self.outcome = None,
        }
    }

    /// The label of the field's value, or `None` while it is not chosen.
    pub fn value_label(&self, field: HeaderField) -> Option<&'static str> {
        match field {
            HeaderField::Method => self.method.map(Method::label),
            HeaderField::Direction => self.direction.map(Direction::label),
            HeaderField::Party => self.party.map(Party::label),
            HeaderField::Outcome => self.outcome.map(Outcome::label),
        }
    }

    /// The header to sign, once every field has been chosen.
    pub fn complete(&self) -> Option<NoteHeader> {
        Some(NoteHeader {
            method: self.method?,
            direction: self.direction?,
            party: self.party?,
            outcome: self.outcome?,
            minutes: self.minutes,
        })
    }
}

impl From<NoteHeader> for DraftHeader {
    fn from(h: NoteHeader) -> DraftHeader {
        DraftHeader {
            method: Some(h.method),
            direction: Some(h.direction),
            party: Some(h.party),
            outcome: Some(h.outcome),
            minutes: h.minutes,
        }
    }
}

/// What to propose after a note is signed (`[follow_up]` in config.toml).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FollowUpRules {
    /// Outcomes after which a retry call is proposed.
    #[serde(deserialize_with = "outcomes")]
    pub retry_after: Vec<Outcome>,
    /// How many business days later the retry is due.
    pub retry_in_business_days: u32,
    /// The retry task's title.
    pub retry_title: String,
    /// After reaching the patient, offer to complete their open outreach task.
    pub complete_outreach_when_reached: bool,
}

impl Default for FollowUpRules {
    fn default() -> Self {
        FollowUpRules {
            retry_after: vec![Outcome::NoAnswer, Outcome::LeftVoicemail],
            retry_in_business_days: 1,
            retry_title: "Retry outreach call".into(),
            complete_outreach_when_reached: true,
        }
    }
}

fn outcomes<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<Outcome>, D::Error> {
    let codes: Vec<String> = serde::Deserialize::deserialize(deserializer)?;
    codes
        .iter()
        .map(|code| {
            Outcome::from_code(code).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "{code:?} is not an outcome: use reached, no-answer, left-voicemail, wrong-number or declined"
                ))
            })
        })
        .collect()
}

/// The follow-up a signed note calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    /// Try again: a call task due on this day.
    Retry { due: NaiveDate, title: String },
    /// The patient was reached: close the open outreach task.
    CompleteOutreach,
}

impl FollowUpRules {
    /// What to propose after `header`'s note is signed on `today`; a retry
    /// is due `retry_in_business_days` business days later by `calendar`
    /// (weekends, federal holidays and the program's own skipped).
    pub fn proposal(
        &self,
        header: &NoteHeader,
        today: NaiveDate,
        calendar: &Calendar,
    ) -> Option<FollowUp> {
        if self.retry_after.contains(&header.outcome) && header.party == Party::Patient {
            let due = calendar.add_business_days(today, self.retry_in_business_days.max(1));
            return Some(FollowUp::Retry {
                due,
                title: self.retry_title.clone(),
            });
        }
        (self.complete_outreach_when_reached && header.reached_patient())
            .then_some(FollowUp::CompleteOutreach)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REACHED_PATIENT: NoteHeader = NoteHeader {
        method: Method::Phone,
        direction: Direction::Outbound,
        party: Party::Patient,
        outcome: Outcome::Reached,
        minutes: 5,
    };

    #[test]
    fn a_draft_header_starts_unchosen_and_signs_only_when_complete() {
        let mut draft = DraftHeader::default();
        assert_eq!(draft.missing(), HeaderField::ALL.to_vec());
        assert_eq!(draft.complete(), None);
        assert!(
            !draft.choose(HeaderField::Method, 'x'),
            "x chooses no method"
        );
        assert!(draft.choose(HeaderField::Method, 'p'));
        assert!(draft.choose(HeaderField::Direction, 'o'));
        assert!(draft.choose(HeaderField::Party, 'p'));
        assert_eq!(draft.missing(), vec![HeaderField::Outcome]);
        assert_eq!(draft.value_label(HeaderField::Outcome), None);
        assert_eq!(draft.complete(), None, "no outcome, no note");
        assert!(draft.choose(HeaderField::Outcome, 'r'));
        draft.minutes = 5;
        assert_eq!(draft.complete(), Some(REACHED_PATIENT));
        draft.clear(HeaderField::Party);
        assert_eq!(draft.missing(), vec![HeaderField::Party]);
        assert_eq!(
            DraftHeader::from(REACHED_PATIENT).complete(),
            Some(REACHED_PATIENT)
        );
    }

    #[test]
    fn every_choice_round_trips_and_keys_are_unique_within_a_set() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            key: fn(T) -> char,
            from_code: fn(&str) -> Option<T>,
            from_key: fn(char) -> Option<T>,
        ) {
            for &c in all {
                assert_eq!(from_code(code(c)), Some(c));
                assert_eq!(from_key(key(c)), Some(c));
            }
            let mut keys: Vec<char> = all.iter().map(|&c| key(c)).collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), all.len(), "keys are unique");
        }
        check(
            Method::ALL,
            Method::code,
            Method::key,
            Method::from_code,
            Method::from_key,
        );
        check(
            Direction::ALL,
            Direction::code,
            Direction::key,
            Direction::from_code,
            Direction::from_key,
        );
        check(
            Party::ALL,
            Party::code,
            Party::key,
            Party::from_code,
            Party::from_key,
        );
        check(
            Outcome::ALL,
            Outcome::code,
            Outcome::key,
            Outcome::from_code,
            Outcome::from_key,
        );
    }

    #[test]
    fn only_reaching_the_patient_counts_as_a_contact() {
        let mut header = REACHED_PATIENT;
        assert!(header.reached_patient());
        header.outcome = Outcome::LeftVoicemail;
        assert!(!header.reached_patient());
        header.outcome = Outcome::Reached;
        header.party = Party::Provider;
        assert!(!header.reached_patient());
    }

    #[test]
    fn the_follow_up_fits_the_outcome() {
        let rules = FollowUpRules::default();
        let friday = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let mut header = NoteHeader {
            outcome: Outcome::NoAnswer,
            ..REACHED_PATIENT
        };
        assert_eq!(
            rules.proposal(&header, friday, &Calendar::default()),
            Some(FollowUp::Retry {
                due: monday,
                title: "Retry outreach call".into()
            })
        );
        header.outcome = Outcome::LeftVoicemail;
        assert!(matches!(
            rules.proposal(&header, friday, &Calendar::default()),
            Some(FollowUp::Retry { .. })
        ));
        header.outcome = Outcome::Reached;
        assert_eq!(
            rules.proposal(&header, friday, &Calendar::default()),
            Some(FollowUp::CompleteOutreach)
        );
        header.outcome = Outcome::Declined;
        assert_eq!(rules.proposal(&header, friday, &Calendar::default()), None);
        header.outcome = Outcome::NoAnswer;
        header.party = Party::Provider;
        assert_eq!(
            rules.proposal(&header, friday, &Calendar::default()),
            None,
            "retries are for the patient"
        );
    }

    #[test]
    fn follow_up_rules_come_from_config() {
        let rules: FollowUpRules = toml::from_str(
            "retry_after = [\"wrong-number\"]\nretry_in_business_days = 2\ncomplete_outreach_when_reached = false\n",
        )
        .unwrap();
        assert_eq!(rules.retry_after, vec![Outcome::WrongNumber]);
        assert_eq!(rules.retry_title, "Retry outreach call");
        let error = toml::from_str::<FollowUpRules>("retry_after = [\"busy\"]").unwrap_err();
        assert!(
            error.to_string().contains("\"busy\" is not an outcome"),
            "{error}"
        );
    }

    #[test]
    fn a_retry_skips_weekends_and_holidays() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        let rules = FollowUpRules::default();
        let header = NoteHeader {
            outcome: Outcome::NoAnswer,
            ..REACHED_PATIENT
        };
        let due = |today, calendar: &Calendar| match rules.proposal(&header, today, calendar) {
            Some(FollowUp::Retry { due, .. }) => due,
            other => panic!("{other:?}"),
        };
        let federal = Calendar::default();
        assert_eq!(due(d(24), &federal), d(25)); // Tue → Wed
        assert_eq!(due(d(25), &federal), d(27)); // Wed → Fri, over Thanksgiving
        assert_eq!(due(d(28), &federal), d(30)); // Sat → Mon
        let program = Calendar::new([d(30)]);
        assert_eq!(
            due(d(27), &program),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
    }
}
