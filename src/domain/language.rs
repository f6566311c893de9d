//! Preferred languages, stored as BCP 47 tags (as FHIR `Patient.communication.language`)
//! and shown by name.

/// Languages tend names; any other tag is shown as the tag itself.
const NAMES: &[(&str, &str)] = &[
    ("en", "English"),
    ("es", "Spanish"),
    ("zh", "Chinese"),
    ("yue", "Cantonese"),
    ("ht", "Haitian Creole"),
    ("ru", "Russian"),
    ("bn", "Bengali"),
    ("ar", "Arabic"),
    ("ko", "Korean"),
    ("vi", "Vietnamese"),
    ("fr", "French"),
    ("pl", "Polish"),
    ("so", "Somali"),
    ("ase", "ASL"),
];

pub fn name(tag: &str) -> &str {
    NAMES
        .iter()
        .find(|(code, _)| *code == tag)
        .map(|(_, name)| *name)
        .unwrap_or(tag)
}

/// The tags tend names, for generators and pickers.
pub fn known_tags() -> impl Iterator<Item = &'static str> {
    NAMES.iter().map(|(code, _)| *code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn known_tags_have_names_and_unknown_ones_show_as_is() {
        assert_eq!(super::name("es"), "Spanish");
        assert_eq!(super::name("tl"), "tl");
        assert!(super::known_tags().all(|t| super::name(t) != t));
    }
}
