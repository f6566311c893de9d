//! A patient's care plan as readable Markdown, for printing or sharing with
//! the patient and the care team (`tend export careplan MEMBER_ID`).
//!
//! Everything taken from the database goes through [`md_text`]: the text
//! cleaner, so a field holding escape sequences cannot drive the terminal
//! of whoever later prints the file with `cat`, then Markdown's own
//! escapes, so a value is text to a Markdown viewer too: a name such as
//! `![x](https://example.org/pixel.png)` is not an image the viewer fetches,
//! nor a link, a heading, emphasis, a table or raw HTML.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::domain::goal::Goal;
use crate::domain::language;
use crate::domain::patient::{age_on, ConsentStanding};
use crate::store::{AuditAction, Store, StoreError};
use crate::text::clean;

/// Finds a patient by member ID and writes their plan, with an audit row
/// for the export (it carries health information out of tend).
pub fn careplan_for_member(
    store: &mut Store,
    member_id: &str,
    today: NaiveDate,
) -> Result<String, StoreError> {
    let patient_id = store.patient_id_by_member(member_id)?.ok_or_else(|| {
        StoreError::Refused(format!(
            "no patient has the member ID {:?}",
            clean(member_id)
        ))
    })?;
    careplan_audited(store, patient_id, today)
}

/// The plan as Markdown, with the audit row of its export.
fn careplan_audited(
    store: &mut Store,
    patient_id: i64,
    today: NaiveDate,
) -> Result<String, StoreError> {
    let text = careplan_markdown(store, patient_id, today)?;
    store.write(|tx| {
        tx.audit(
            AuditAction::Execute,
            "CarePlan",
            None,
            Some(patient_id),
            Some("exported as Markdown"),
        )
    })?;
    Ok(text)
}

/// Writes the patient's plan into `folder` (made, private, if need be) as
/// `careplan-MEMBER-DATE.md`, never over an earlier file, and returns
/// where: the screen's export, which cannot print to the terminal it draws.
pub fn careplan_to_folder(
    store: &mut Store,
    patient_id: i64,
    today: NaiveDate,
    folder: &Path,
) -> Result<PathBuf, String> {
    let member = store
        .patient(patient_id)
        .map_err(|e| e.to_string())?
        .ok_or("that patient no longer exists")?
        .member_id;
    // The member ID goes into a file name: only its letters and digits.
    let member: String = member
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect();
    // The folder and the file are the user's own (see `team_install`).
    crate::team_install::as_user(|| crate::private::folder(folder))
        .map_err(|e| format!("cannot make the export folder {}: {e}", folder.display()))?;
    let text = careplan_audited(store, patient_id, today).map_err(|e| e.to_string())?;
    for n in 1..1000 {
        let path = match n {
            1 => folder.join(format!("careplan-{member}-{today}.md")),
            n => folder.join(format!("careplan-{member}-{today}-{n}.md")),
        };
        // New: an earlier export (or anyone's file) is never replaced.
        match crate::team_install::as_user(|| {
            crate::private::file(&path, crate::private::Open::New)
        }) {
            Ok(mut file) => {
                file.write_all(text.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("cannot write {}: {e}", path.display())),
        }
    }
    Err(format!(
        "{} holds too many exports for today",
        folder.display()
    ))
}

/// The plan as Markdown: who, what must be seen first, needs with their
/// goals and progress, then the clinical lists and the team.
pub fn careplan_markdown(
    store: &Store,
    patient_id: i64,
    today: NaiveDate,
) -> Result<String, StoreError> {
    let record = store
        .patient(patient_id)?
        .ok_or_else(|| StoreError::Refused("that patient no longer exists".into()))?;
    let mut md = String::new();
    let mut line = |text: String| {
        md.push_str(&text);
        md.push('\n');
    };
    line(format!(
        "# Care plan: {} {}",
        md_text(&record.given_name),
        md_text(&record.family_name)
    ));
    line(String::new());
    let mut language = language::name(&record.language).to_string();
    if record.interpreter_needed {
        language.push_str(", interpreter needed");
    }
    line(format!(
        "Member {} · born {} ({} years) · {}",
        md_text(&record.member_id),
        record.birth_date,
        age_on(record.birth_date, today),
        language
    ));
    if let Some(coordinator) = &record.coordinator {
        line(format!(
            "Care coordinator: {}",
            md_text(&coordinator.display_name)
        ));
    }
    if let Some(review) = record.plan_review_on {
        line(if review < today {
            format!("Plan review: overdue since {review}")
        } else {
            format!("Plan review: by {review}")
        });
    }
    line(format!("Written {today} by tend."));

    let flags = store.flags(patient_id)?;
    let consent = ConsentStanding::of(record.consent_status, record.consent_expires_on, today);
    line(String::new());
    line("## To know first".into());
    line(String::new());
    for flag in &flags {
        line(format!(
            "- **{}**: {}",
            flag.kind.label(),
            md_text(&flag.text)
        ));
    }
    line(format!("- Consent to share: {}", consent.describe()));
    line(format!(
        "- Advance directive: {}",
        if record.advance_directive {
            "on file"
        } else {
            "none on file"
        }
    ));

    let needs = store.needs(patient_id)?;
    let goals = store.goals(patient_id)?;
    line(String::new());
    line("## Needs and goals".into());
    for need in &needs {
        line(String::new());
        line(format!(
            "### {}: {}{}",
            need.domain.label(),
            md_text(&need.description),
            if need.resolved { " (resolved)" } else { "" }
        ));
        let mine: Vec<&Goal> = goals
            .iter()
            .filter(|g| g.need_id == Some(need.id))
            .collect();
        if mine.is_empty() {
            line(String::new());
            line("No goal yet.".into());
        }
        for goal in mine {
            goal_lines(store, goal, today, &mut line)?;
        }
    }
    let loose: Vec<&Goal> = goals.iter().filter(|g| g.need_id.is_none()).collect();
    if !loose.is_empty() {
        line(String::new());
        line(format!(
            "### {}",
            if needs.is_empty() {
                "Goals"
            } else {
                "Other goals"
            }
        ));
        for goal in loose {
            goal_lines(store, goal, today, &mut line)?;
        }
    }
    if goals.is_empty() && needs.is_empty() {
        line(String::new());
        line("No needs or goals recorded yet.".into());
    }

    line(String::new());
    line("## Conditions".into());
    line(String::new());
    let conditions = store.conditions(patient_id)?;
    if conditions.is_empty() {
        line("None recorded.".into());
    }
    for c in conditions {
        line(format!(
            "- {} ({})",
            md_text(&c.label()),
            c.clinical_status.code()
        ));
    }
    line(String::new());
    line(match record.medications_reconciled_on {
        Some(on) => format!("## Medications (reconciled {on})"),
        None => "## Medications (not reconciled yet)".into(),
    });
    line(String::new());
    let meds = store.medications(patient_id)?;
    if meds.is_empty() {
        line("None recorded.".into());
    }
    for m in meds {
        let how: Vec<String> = [m.dose, m.frequency]
            .into_iter()
            .flatten()
            .map(|t| md_text(&t))
            .collect();
        let mut text = format!("- {}", md_text(&m.name));
        if !how.is_empty() {
            text.push_str(&format!(": {}", how.join(", ")));
        }
        if let Some(by) = m.prescriber {
            text.push_str(&format!(" (prescribed by {})", md_text(&by)));
        }
        if !m.active {
            text.push_str(" (stopped)");
        }
        line(text);
    }
    line(String::new());
    line("## Allergies".into());
    line(String::new());
    let allergies = store.allergies(patient_id)?;
    if allergies.is_empty() {
        line("None known.".into());
    }
    for a in allergies {
        let reaction = a
            .reaction
            .map(|r| format!(": {}", md_text(&r)))
            .unwrap_or_default();
        line(format!(
            "- {}{reaction} (criticality {})",
            md_text(&a.substance),
            a.criticality.code()
        ));
    }
    line(String::new());
    line("## Care team".into());
    line(String::new());
    let team = store.care_team(patient_id)?;
    if team.is_empty() {
        line("None recorded.".into());
    }
    for m in team {
        let mut text = format!("- {}: {}", md_text(&m.role), md_text(&m.name));
        for part in [m.organization, m.phone].into_iter().flatten() {
            text.push_str(&format!(", {}", md_text(&part)));
        }
        line(text);
    }
    Ok(md)
}

fn goal_lines(
    store: &Store,
    goal: &Goal,
    today: NaiveDate,
    line: &mut impl FnMut(String),
) -> Result<(), StoreError> {
    line(String::new());
    line(format!(
        "- **{}** ({} priority, {})",
        md_text(&goal.description),
        goal.priority.label(),
        goal.status.label()
    ));
    if let Some(measure) = &goal.measure {
        line(format!("  - Measure: {}", md_text(measure)));
    }
    let mut dates = Vec::new();
    if let Some(start) = goal.start_date {
        dates.push(format!("started {start}"));
    }
    match goal.target_date {
        Some(target) if goal.is_overdue(today) => dates.push(format!("target {target} (passed)")),
        Some(target) => dates.push(format!("target {target}")),
        None => dates.push("no target date".into()),
    }
    line(format!("  - {}", capitalised(&dates.join(", "))));
    for entry in store.progress(goal.id)? {
        let value = entry.value.map(|v| format!(" ({v})")).unwrap_or_default();
        line(format!(
            "  - {}: {}{value}",
            entry.recorded_on,
            md_text(&entry.note)
        ));
    }
    for intervention in store.interventions(goal.id)? {
        line(format!(
            "  - Intervention: {}",
            md_text(&intervention.describe())
        ));
    }
    Ok(())
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A value from the database as Markdown text. Cleaned first, as on screen
/// (control characters in caret form, bidi and zero-width characters by
/// name; a line break becomes `^J`, so a value never starts a line of its
/// own); then every ASCII punctuation character that could begin or close
/// Markdown syntax is escaped with a backslash, which CommonMark (§2.4)
/// allows before any ASCII punctuation and reads as the character itself.
/// That covers CommonMark (links, images, emphasis, code, raw HTML,
/// entities, headings' closing `#`) and the extensions viewers add (GFM
/// tables, strikethrough and autolinks of `www.` and `https:`, footnotes,
/// math, superscript, emoji `:codes:`). Left as they are, since nothing
/// reads them as syntax in the middle of a line and names use them: `'`,
/// `"`, `,`, `;`, `?`, `/`, `%`, and `-` after a value's first character
/// ("Ana-Lucía", "O'Brien").
fn md_text(text: &str) -> String {
    let cleaned = clean(text);
    let mut out = String::with_capacity(cleaned.len() + 8);
    for (i, c) in cleaned.chars().enumerate() {
        let syntax = match c {
            '\'' | '"' | ',' | ';' | '?' | '/' | '%' => false,
            '-' => i == 0,
            c => c.is_ascii_punctuation(),
        };
        if syntax {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::md_text;

    #[test]
    fn values_are_markdown_text() {
        assert_eq!(
            md_text("![x](https://example.org/pixel.png)"),
            r"\!\[x\]\(https\://example\.org/pixel\.png\)"
        );
        assert_eq!(
            md_text("Ana-Lucía O'Brien, 20%?"),
            "Ana-Lucía O'Brien, 20%?"
        );
        assert_eq!(md_text("- item"), r"\- item");
        assert_eq!(md_text("<b>&amp;</b>"), r"\<b\>\&amp;\</b\>");
        assert_eq!(md_text("a\u{1b}[31m\nb"), r"a\^\[\[31m\^Jb");
        assert_eq!(
            md_text(r"*_`~|#=+$^{}:@.!\"),
            r"\*\_\`\~\|\#\=\+\$\^\{\}\:\@\.\!\\"
        );
    }
}
