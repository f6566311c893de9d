//! Note templates: the ones tend ships (`assets/templates/`, embedded) and
//! the user's own (`templates/*.txt` in the config folder), inserted into a
//! note with Ctrl-T.

use std::path::Path;

/// A template: a name to pick it by and the text it inserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub text: String,
}

const SHIPPED: &[(&str, &str)] = &[
    (
        "outreach attempt",
        include_str!("../assets/templates/outreach-attempt.txt"),
    ),
    (
        "post-discharge follow-up",
        include_str!("../assets/templates/post-discharge-follow-up.txt"),
    ),
    (
        "care-plan review",
        include_str!("../assets/templates/care-plan-review.txt"),
    ),
    (
        "care-team conference",
        include_str!("../assets/templates/care-team-conference.txt"),
    ),
];

/// The shipped templates, then the user's from `dir` (if it exists), sorted
/// by name. A user file that cannot be read is an error naming it.
pub fn load(dir: Option<&Path>) -> Result<Vec<Template>, String> {
    let mut templates: Vec<Template> = SHIPPED
        .iter()
        .map(|(name, text)| Template {
            name: name.to_string(),
            text: text.to_string(),
        })
        .collect();
    let Some(dir) = dir.filter(|d| d.is_dir()) else {
        return Ok(templates);
    };
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut own = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
            .path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read the template {}: {e} (templates are UTF-8 text)",
                path.display()
            )
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
            .unwrap_or_default();
        own.push(Template { name, text });
    }
    own.sort_by(|a, b| a.name.cmp(&b.name));
    templates.extend(own);
    Ok(templates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_shipped_templates_and_the_users_own() {
        let shipped = load(None).unwrap();
        let names: Vec<&str> = shipped.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "outreach attempt",
                "post-discharge follow-up",
                "care-plan review",
                "care-team conference"
            ]
        );
        assert!(shipped.iter().all(|t| !t.text.trim().is_empty()));

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("home-safety_check.txt"), "Smoke alarm:\n").unwrap();
        std::fs::write(dir.path().join("notes.md"), "not a template").unwrap();
        let all = load(Some(dir.path())).unwrap();
        assert_eq!(all.len(), 5);
        assert_eq!(all[4].name, "home safety check");
        assert_eq!(all[4].text, "Smoke alarm:\n");

        std::fs::write(dir.path().join("bad.txt"), [0xff, 0xfe, 0x00]).unwrap();
        let error = load(Some(dir.path())).unwrap_err();
        assert!(error.contains("bad.txt"), "{error}");
    }
}
