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

/// A language as typed (its name, "Spanish", or a BCP 47 tag, "es",
/// "pt-BR"), as the tag to store; why not, when it is neither.
pub fn parse(typed: &str) -> Result<String, String> {
    let typed = typed.trim();
    let lower = typed.to_lowercase();
    if let Some(tag) = known_tags().find(|tag| *tag == lower || name(tag).to_lowercase() == lower) {
        return Ok(tag.to_string());
    }
    // Any other well-formed tag is kept as typed: a primary subtag of two
    // or three letters, then subtags of two to eight letters or digits.
    let well_formed = typed.split('-').enumerate().all(|(i, part)| {
        let alphanumeric = part.chars().all(|c| c.is_ascii_alphanumeric());
        let primary = i == 0
            && (2..=3).contains(&part.len())
            && part.chars().all(|c| c.is_ascii_alphabetic());
        alphanumeric && (primary || (i > 0 && (2..=8).contains(&part.len())))
    });
    if well_formed {
        Ok(typed.to_string())
    } else {
        Err(format!(
            "{:?} is not a language tend knows: type its name (Spanish) or tag (es)",
            typed.chars().take(20).collect::<String>()
        ))
    }
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
