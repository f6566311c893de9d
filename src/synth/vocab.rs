//! Word lists for synthetic records. Family names are invented from syllables
//! so no record resembles a real person; phone numbers use the 555-01xx range
//! reserved for fiction; member and Medicaid IDs carry a `SYN`/`ZZ` prefix.

/// Given names from many languages, with accents and other scripts, so every
/// screen is exercised with text wider or longer than ASCII.
pub const GIVEN_NAMES: &[&str] = &[
    "Ada",
    "Bea",
    "Cal",
    "Dov",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ines",
    "Jo",
    "Kai",
    "Lior",
    "Mina",
    "Noor",
    "Otto",
    "Pia",
    "Rafe",
    "Sol",
    "Tova",
    "Uma",
    "Vik",
    "Wren",
    "Xio",
    "Yuki",
    "Zev",
    "Amélie",
    "Zoë",
    "José",
    "Søren",
    "Ngozi",
    "Thảo",
    "Émile",
    "Ludmila",
    "Çelik",
    "Ana-Lucía",
    "美玲",
    "陽翔",
    "지우",
    "Oğuz",
    "Ramón",
    "Björn",
    "Aoife",
    "Kwame",
    "Priya",
    "Mateus",
];

const FAMILY_HEADS: &[&str] = &[
    "Ash", "Bram", "Cor", "Dell", "Emb", "Fen", "Gar", "Hollo", "Ivo", "Jass", "Kel", "Lom",
    "Marr", "Norr", "Ost", "Pell", "Quin", "Ross", "Sten", "Tal", "Ulm", "Vey", "Wex", "Yarr",
    "Zell", "Éstr", "Ølv", "Brü",
];

const FAMILY_TAILS: &[&str] = &[
    "abee", "ovan", "quist", "ith", "orrow", "elby", "ander", "umble", "ix", "ovey", "azzo",
    "emont", "ingle", "opp", "usk",
];

/// An invented family name, such as "Quinorrow" or "Zellix".
pub fn family_name(head: usize, tail: usize) -> String {
    format!(
        "{}{}",
        FAMILY_HEADS[head % FAMILY_HEADS.len()],
        FAMILY_TAILS[tail % FAMILY_TAILS.len()]
    )
}

pub const FAMILY_COMBINATIONS: (usize, usize) = (FAMILY_HEADS.len(), FAMILY_TAILS.len());

pub const AREA_CODES: &[&str] = &["212", "347", "718", "917", "646", "516", "914", "845"];

pub const PLANS: &[&str] = &[
    "Demo Health Plan",
    "Sample Care HMO",
    "Example Medicaid Managed Care",
    "Placeholder Health Partners",
];

/// (ICD-10-CM code, display): the chronic, behavioral and social conditions a
/// Health Home caseload carries.
pub const CONDITIONS: &[(&str, &str)] = &[
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("I10", "Essential (primary) hypertension"),
    ("F33.1", "Major depressive disorder, recurrent, moderate"),
    ("F20.9", "Schizophrenia, unspecified"),
    ("F31.9", "Bipolar disorder, unspecified"),
    ("F11.20", "Opioid dependence, uncomplicated"),
    ("F10.20", "Alcohol dependence, uncomplicated"),
    ("B20", "Human immunodeficiency virus [HIV] disease"),
    (
        "J44.9",
        "Chronic obstructive pulmonary disease, unspecified",
    ),
    ("I50.9", "Heart failure, unspecified"),
    ("N18.30", "Chronic kidney disease, stage 3 unspecified"),
    ("J45.909", "Unspecified asthma, uncomplicated"),
    ("F41.1", "Generalized anxiety disorder"),
    ("E66.9", "Obesity, unspecified"),
    ("Z59.00", "Homelessness, unspecified"),
    ("Z59.41", "Food insecurity"),
];

/// (role, organisation) of care-team members besides the primary care provider.
pub const CARE_TEAM_ROLES: &[(&str, &str)] = &[
    ("Psychiatrist", "Demo Behavioral Health Clinic"),
    ("Therapist", "Demo Behavioral Health Clinic"),
    ("Housing case manager", "Sample Housing Services"),
    ("Pharmacy", "Example Community Pharmacy"),
    ("Peer specialist", "Demo Recovery Center"),
    ("SUD counselor", "Demo Recovery Center"),
    ("Cardiologist", "Sample Heart Associates"),
];

pub const GOALS: &[&str] = &[
    "Take diabetes medication every day; A1c below 8 by target date",
    "Keep blood pressure under 140/90 at home checks",
    "Attend every psychiatry appointment this quarter",
    "Move into stable housing",
    "Get a primary care visit within 30 days",
    "Stay in recovery: attend 2 support meetings a week",
    "Enroll in SNAP benefits",
    "Take HIV medication daily; viral load undetectable",
    "Walk 20 minutes, 5 days a week",
    "Learn to use the inhaler correctly; no ED visits for asthma",
    "Set up transportation for dialysis appointments",
    "Reconnect with family for support",
];

/// (kind code, title, hard deadline)
pub const TASKS: &[(&str, &str, bool)] = &[
    ("call", "Outreach call", false),
    ("call", "Monthly check-in call", false),
    ("call", "Call about missed appointment", false),
    (
        "follow-up",
        "Post-discharge follow-up: contact within 2 business days",
        true,
    ),
    ("follow-up", "Follow up on ED visit", true),
    ("follow-up", "Follow up on lab results with PCP", false),
    (
        "referral",
        "Check that the cardiology referral was scheduled",
        false,
    ),
    ("referral", "Confirm housing referral was received", false),
    ("appointment", "Remind of PCP appointment", false),
    (
        "appointment",
        "Arrange ride to specialist appointment",
        false,
    ),
    ("care-plan-review", "Care-plan review", false),
    ("admin", "Renew consent to share information", false),
    ("admin", "Update phone numbers", false),
    ("other", "Drop off food pantry list", false),
];

/// (medium, recipient, outcome, reached, body)
pub const NOTES: &[(&str, &str, &str, bool, &str)] = &[
    ("phone", "patient", "reached", true, "Spoke with patient. Reviewed medications and upcoming appointments. Patient agreed to the plan."),
    ("phone", "patient", "no-answer", false, "Outreach attempt, no answer. Will retry next business day."),
    ("phone", "patient", "left-voicemail", false, "Left voicemail with call-back number."),
    ("in-person", "patient", "reached", true, "Met at clinic. Discussed housing application and food resources."),
    ("home-visit", "patient", "reached", true, "Home visit. Pill organizer set up; patient demonstrated use."),
    ("phone", "provider", "reached", false, "Called PCP office to confirm referral was received."),
    ("text", "patient", "reached", true, "Text exchange confirming appointment time."),
];
