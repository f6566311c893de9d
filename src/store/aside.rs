//! What could not go into the database, kept aside in files until it can:
//! the draft of a note being typed when the disk is full (or the database
//! cannot be written for another reason), and the audit rows of records
//! viewed meanwhile. Nothing typed and no view is lost to a full disk: the
//! reserve ([`super::reserve`]) makes the room to write these, and the
//! next session that can write takes them into the database.
//!
//! The files are in a hidden folder beside the database
//! (`.tend.db.kept/`, mode 0700; files 0600) or, when that cannot be
//! written either, in the user's own data folder (`~/.local/share/tend/
//! kept/`), which may well be on another disk. Each file names its author,
//! and only its author's sessions read it.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::note::{Direction, DraftHeader, Method, Outcome, Party};

/// A draft kept aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptDraft {
    pub patient_id: i64,
    pub header: DraftHeader,
    pub body: String,
    pub started_at: DateTime<Utc>,
    /// The version of the database's draft the editor had seen, if any.
    pub seen: Option<i64>,
    /// Where it is.
    pub path: PathBuf,
}

/// An audit row not yet in the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAudit {
    pub recorded_at: DateTime<Utc>,
    pub agent: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<i64>,
    pub patient_id: Option<i64>,
    pub detail: Option<String>,
}

/// A draft as its file holds it: codes as the database stores them.
#[derive(Serialize, Deserialize)]
struct DraftFile {
    agent: String,
    patient_id: i64,
    method: Option<String>,
    direction: Option<String>,
    party: Option<String>,
    outcome: Option<String>,
    minutes: u32,
    body: String,
    started_at: DateTime<Utc>,
    seen: Option<i64>,
}

/// The folders things are kept aside in, first choice first.
#[derive(Debug, Clone)]
pub struct Aside {
    folders: Vec<PathBuf>,
}

impl Aside {
    /// Beside `database`, then in `fallback` or else the user's data
    /// folder.
    pub fn for_database(database: &Path, fallback: Option<PathBuf>) -> Aside {
        let name = database
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "tend.db".into());
        let mut folders = vec![database.with_file_name(format!(".{name}.kept"))];
        if crate::team_install::current().is_some() {
            // On a team install, only beside the database, where nobody
            // but tend reaches: rows kept in the user's home would be
            // theirs to change or remove before they go into the trail.
            return Aside { folders };
        }
        let fallback = fallback.or_else(|| {
            directories::BaseDirs::new().map(|b| b.data_local_dir().join("tend").join("kept"))
        });
        folders.extend(fallback);
        Aside { folders }
    }

    /// Keeps a draft aside (replacing the one kept for this author and
    /// patient); returns where, or why it could not be kept anywhere.
    pub fn keep_draft(
        &self,
        agent: &str,
        patient_id: i64,
        header: &DraftHeader,
        body: &str,
        started_at: DateTime<Utc>,
        seen: Option<i64>,
    ) -> Result<PathBuf, String> {
        let file = DraftFile {
            agent: agent.to_string(),
            patient_id,
            method: header.method.map(|v| v.code().to_string()),
            direction: header.direction.map(|v| v.code().to_string()),
            party: header.party.map(|v| v.code().to_string()),
            outcome: header.outcome.map(|v| v.code().to_string()),
            minutes: header.minutes,
            body: body.to_string(),
            started_at,
            seen,
        };
        let bytes = serde_json::to_vec(&file).map_err(|e| e.to_string())?;
        let name = format!("draft-{}-{patient_id}.json", file_safe(agent));
        let mut last_error = String::from("there is nowhere to keep it");
        for (i, folder) in self.folders.iter().enumerate() {
            let path = folder.join(&name);
            match in_folder(i, || {
                make_folder(i, folder).and_then(|()| crate::private::replace(&path, &bytes))
            }) {
                Ok(()) => {
                    // One copy only: the one just written is the newest.
                    self.forget_draft_except(agent, patient_id, &path);
                    return Ok(path);
                }
                Err(e) => last_error = format!("{}: {e}", folder.display()),
            }
        }
        Err(last_error)
    }

    /// This author's drafts kept aside, newest file first.
    pub fn drafts(&self, agent: &str) -> Vec<KeptDraft> {
        let prefix = format!("draft-{}-", file_safe(agent));
        let mut found: Vec<(std::time::SystemTime, KeptDraft)> = Vec::new();
        for folder in &self.folders {
            let Ok(entries) = std::fs::read_dir(folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !name.starts_with(&prefix) || !name.ends_with(".json") {
                    continue;
                }
                let path = entry.path();
                let Some(draft) = read_draft(&path, agent) else {
                    continue;
                };
                let modified = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH);
                found.push((modified, draft));
            }
        }
        found.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
        found.into_iter().map(|(_, d)| d).collect()
    }

    /// Removes this author's draft for the patient wherever it was kept.
    pub fn forget_draft(&self, agent: &str, patient_id: i64) {
        self.forget_draft_except(agent, patient_id, Path::new(""));
    }

    fn forget_draft_except(&self, agent: &str, patient_id: i64, keep: &Path) {
        let name = format!("draft-{}-{patient_id}.json", file_safe(agent));
        for folder in &self.folders {
            let path = folder.join(&name);
            if path != keep && std::fs::remove_file(path).is_ok() {
                forget_folder_if_empty(folder);
            }
        }
    }

    /// Adds an audit row to this author's rows kept aside: appended and
    /// flushed to disk, one line each.
    pub fn keep_audit(&self, row: &PendingAudit) -> Result<PathBuf, String> {
        // Each row on a line of its own, after a newline too, so a line a
        // crash cut short never runs into the next one.
        let mut line = vec![b'\n'];
        line.extend(serde_json::to_vec(row).map_err(|e| e.to_string())?);
        line.push(b'\n');
        let name = format!("audit-{}.jsonl", file_safe(&row.agent));
        let mut last_error = String::from("there is nowhere to keep it");
        for (i, folder) in self.folders.iter().enumerate() {
            let path = folder.join(&name);
            let appended = in_folder(i, || {
                make_folder(i, folder).and_then(|()| {
                    let mut file = crate::private::file(&path, crate::private::Open::Append)?;
                    file.write_all(&line)?;
                    file.sync_all()
                })
            });
            match appended {
                Ok(()) => return Ok(path),
                Err(e) => last_error = format!("{}: {e}", folder.display()),
            }
        }
        Err(last_error)
    }

    /// This author's audit rows kept aside, oldest first. A line cut short
    /// by a crash is skipped: it was never acknowledged.
    pub fn audits(&self, agent: &str) -> Vec<PendingAudit> {
        let name = format!("audit-{}.jsonl", file_safe(agent));
        let mut rows: Vec<PendingAudit> = self
            .folders
            .iter()
            .filter_map(|folder| std::fs::read_to_string(folder.join(&name)).ok())
            .flat_map(|text| {
                text.lines()
                    .filter_map(|line| serde_json::from_str::<PendingAudit>(line).ok())
                    .collect::<Vec<_>>()
            })
            .filter(|row| row.agent == agent)
            .collect();
        rows.sort_by_key(|row| row.recorded_at);
        rows
    }

    /// Removes this author's audit rows kept aside (once they are in the
    /// database).
    pub fn forget_audits(&self, agent: &str) {
        let name = format!("audit-{}.jsonl", file_safe(agent));
        for folder in &self.folders {
            if std::fs::remove_file(folder.join(&name)).is_ok() {
                forget_folder_if_empty(folder);
            }
        }
    }
}

/// Runs a write into the `i`th folder: the first is beside the database
/// (the team's, on a team install), the others the user's own, written with
/// the user's own rights (see `team_install`).
fn in_folder<T>(i: usize, write: impl FnOnce() -> T) -> T {
    if i == 0 {
        write()
    } else {
        crate::team_install::as_user(write)
    }
}

/// Makes the `i`th folder: the user's own (0700); beside the team's
/// database on a team install, the team's (0770, in a folder nobody else
/// enters), so that every coordinator's tend can keep their own files
/// (0600 each) in it.
fn make_folder(i: usize, folder: &Path) -> std::io::Result<()> {
    if i == 0 && crate::team_install::current().is_some() {
        use std::os::unix::fs::DirBuilderExt;
        use std::os::unix::fs::PermissionsExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o770)
            .create(folder)?;
        // Past the umask; a folder another coordinator's tend made is
        // theirs to set, and already is.
        let _ = std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o770));
        return Ok(());
    }
    crate::private::folder(folder)
}

/// Removes the folder once nothing is kept in it (only an empty folder
/// can be removed, so another session's files are safe).
fn forget_folder_if_empty(folder: &Path) {
    let _ = std::fs::remove_dir(folder);
}

fn read_draft(path: &Path, agent: &str) -> Option<KeptDraft> {
    let bytes = std::fs::read(path).ok()?;
    let file: DraftFile = serde_json::from_slice(&bytes).ok()?;
    if file.agent != agent {
        return None;
    }
    Some(KeptDraft {
        patient_id: file.patient_id,
        header: DraftHeader {
            method: file.method.as_deref().and_then(Method::from_code),
            direction: file.direction.as_deref().and_then(Direction::from_code),
            party: file.party.as_deref().and_then(Party::from_code),
            outcome: file.outcome.as_deref().and_then(Outcome::from_code),
            minutes: file.minutes,
        },
        body: file.body,
        started_at: file.started_at,
        seen: file.seen,
        path: path.to_path_buf(),
    })
}

/// A user name as part of a file name: letters, digits, `.`, `-` and `_`
/// kept, anything else written as `%XX`.
fn file_safe(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aside(dir: &Path) -> Aside {
        Aside {
            folders: vec![dir.join("beside"), dir.join("home")],
        }
    }

    #[test]
    fn a_draft_kept_aside_comes_back_whole_for_its_author_only() {
        let dir = tempfile::tempdir().unwrap();
        let aside = aside(dir.path());
        let header = DraftHeader {
            outcome: Some(Outcome::NoAnswer),
            minutes: 4,
            ..DraftHeader::default()
        };
        let at = DateTime::parse_from_rfc3339("2026-11-24T14:00:00Z")
            .unwrap()
            .to_utc();
        let path = aside
            .keep_draft(
                "cc user/x",
                7,
                &header,
                "Rang twice\nno answer",
                at,
                Some(3),
            )
            .unwrap();
        assert!(path.starts_with(dir.path().join("beside")));
        assert!(path.ends_with("draft-cc%20user%2Fx-7.json"));
        let kept = aside.drafts("cc user/x");
        assert_eq!(kept.len(), 1);
        assert_eq!(
            (
                kept[0].patient_id,
                kept[0].header,
                kept[0].body.as_str(),
                kept[0].seen
            ),
            (7, header, "Rang twice\nno answer", Some(3))
        );
        assert!(aside.drafts("someone-else").is_empty());
        aside.forget_draft("cc user/x", 7);
        assert!(aside.drafts("cc user/x").is_empty());
    }

    #[test]
    fn when_beside_the_database_cannot_be_written_the_second_folder_is_used() {
        let dir = tempfile::tempdir().unwrap();
        // A file where the first folder should be: it cannot be made.
        std::fs::write(dir.path().join("beside"), "in the way").unwrap();
        let aside = aside(dir.path());
        let at = Utc::now();
        let path = aside
            .keep_draft("ccuser", 1, &DraftHeader::default(), "text", at, None)
            .unwrap();
        assert!(path.starts_with(dir.path().join("home")));
        assert_eq!(aside.drafts("ccuser")[0].body, "text");
    }

    #[test]
    fn audit_rows_kept_aside_come_back_in_order_and_a_cut_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let aside = aside(dir.path());
        let row = |minute: u32| PendingAudit {
            recorded_at: DateTime::parse_from_rfc3339(&format!("2026-11-24T14:{minute:02}:00Z"))
                .unwrap()
                .to_utc(),
            agent: "ccuser".into(),
            action: "R".into(),
            entity_type: "Patient".into(),
            entity_id: Some(5),
            patient_id: Some(5),
            detail: None,
        };
        let path = aside.keep_audit(&row(2)).unwrap();
        aside.keep_audit(&row(1)).unwrap();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"{\"recorded_at\":\"2026-11-24T").unwrap();
        aside.keep_audit(&row(3)).unwrap();
        assert_eq!(aside.audits("ccuser"), vec![row(1), row(2), row(3)]);
        assert!(aside.audits("other").is_empty());
        aside.forget_audits("ccuser");
        assert!(aside.audits("ccuser").is_empty());
    }
}
