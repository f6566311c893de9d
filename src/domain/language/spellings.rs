//! The spellings of languages tend reads that no registry gives: what
//! rosters and EHRs write ("Mandarin", "Farsi", "ASL"), how they say a
//! language is not known or was not given, and the ISO 639-2/B codes.

use super::OTHER_CODE;

/// Spellings rosters and EHRs use that no registry name gives, and the
/// tag each means. Only such spellings belong here: a name the registry
/// has ("Urdu", "Yiddish", "Tagalog", "Filipino", "Somali", "Burmese",
/// "Hmong", "American Sign Language") is found there.
pub const ALIASES: &[(&str, &str)] = &[
    ("Mandarin", "cmn"),            // ISO: Mandarin Chinese
    ("Cantonese", "yue"),           // ISO: Yue Chinese
    ("Toishanese", "yue"),          // a Yue variety; ISO 639-3 has no code of its own
    ("Taishanese", "yue"),          // the same
    ("Fuzhounese", "cdo"),          // ISO: Min Dong Chinese
    ("Foochow", "cdo"),             // the same
    ("Taiwanese", "nan"),           // ISO: Min Nan Chinese
    ("Hokkien", "nan"),             // the same
    ("Shanghainese", "wuu"),        // ISO: Wu Chinese
    ("Haitian Creole", "ht"),       // ISO: Haitian
    ("Creole", "ht"),               // as US rosters use it
    ("Kreyol", "ht"),               // Haitian Creole's own name, accent aside
    ("Cape Verdean Creole", "kea"), // ISO: Kabuverdianu
    ("Cape Verdean", "kea"),
    ("Farsi", "fa"),                // ISO: Persian
    ("Punjabi", "pa"),              // ISO: Panjabi
    ("Pashto", "ps"),               // ISO: Pushto
    ("Greek", "el"),                // ISO: Modern Greek
    ("Cambodian", "km"),            // ISO: Khmer
    ("Laotian", "lo"),              // ISO: Lao
    ("Ilocano", "ilo"),             // ISO: Iloko
    ("Fulani", "ff"),               // ISO: Fulah
    ("Kirundi", "rn"),              // ISO: Rundi
    ("ASL", "ase"), // before the code `asl` (Asilulu): ASL on a US roster is American Sign Language
    ("Other", OTHER_CODE), // a language the roster's list lacks
    ("Other language", OTHER_CODE), // how tend shows it
];

/// Spellings of "not known", besides the tag `und`.
pub const UNKNOWN_SPELLINGS: &[&str] = &["Unknown", "Unk", "Undetermined", "Not known"];

/// Spellings of "asked, and declined to say", besides `und-x-declined`.
pub const DECLINED_SPELLINGS: &[&str] = &[
    "Declined to answer",
    "Declined",
    "Declined to specify",
    "Patient declined",
    "Refused",
    "Patient refused",
    "asked-declined",
];

/// ISO 639-2/B codes and the /T (and ISO 639-3) code of the same language.
/// ISO 639-2 has had these twenty since 1998 and adds no more; `isolang`
/// does not carry them.
pub(super) const BIBLIOGRAPHIC: [(&str, &str); 20] = [
    ("alb", "sqi"),
    ("arm", "hye"),
    ("baq", "eus"),
    ("bur", "mya"),
    ("chi", "zho"),
    ("cze", "ces"),
    ("dut", "nld"),
    ("fre", "fra"),
    ("geo", "kat"),
    ("ger", "deu"),
    ("gre", "ell"),
    ("ice", "isl"),
    ("mac", "mkd"),
    ("mao", "mri"),
    ("may", "msa"),
    ("per", "fas"),
    ("rum", "ron"),
    ("slo", "slk"),
    ("tib", "bod"),
    ("wel", "cym"),
];
