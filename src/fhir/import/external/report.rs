//! What an import of FHIR from other systems did, counted, and said a
//! line each.

use std::collections::BTreeMap;
use std::path::Path;

use crate::store::Taken;
use crate::text::clean;

/// How many resources were taken which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Left as tend holds them (see [`Taken::KeptTends`]).
    pub kept: usize,
}

impl Counts {
    pub(super) fn add(&mut self, taken: Taken) {
        match taken {
            Taken::Created => self.created += 1,
            Taken::Updated => self.updated += 1,
            Taken::Unchanged => self.unchanged += 1,
            Taken::KeptTends => self.kept += 1,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExternalReport {
    pub members: Counts,
    /// Coverages in force, read into their members' plan and Medicaid ID.
    pub coverages: usize,
    /// The rows of the lists, by resource type.
    pub rows: BTreeMap<String, Counts>,
    /// Resources of types tend does not hold, by type.
    pub skipped: BTreeMap<String, usize>,
    /// Resources of types tend holds passed over, by type and why
    /// ("Condition (an encounter diagnosis)").
    pub passed_over: BTreeMap<String, usize>,
    /// Where tend's row was kept over what the system sent.
    pub kept_at: Vec<String>,
    /// The problems `partial` left out, each with its place (the first
    /// of them), and how many there were.
    pub left_out: Vec<String>,
    pub left_out_count: usize,
}

impl ExternalReport {
    /// What was done, a line each, for standard output: `shown` names the
    /// input, `db` the database.
    pub fn lines(&self, shown: &str, db: &Path) -> Vec<String> {
        let m = &self.members;
        let mut lines = vec![format!(
            "Imported {shown} into {}: members {} created, {} updated, {} unchanged, {} kept as tend holds them.",
            clean(&db.display().to_string()),
            m.created, m.updated, m.unchanged, m.kept
        )];
        if self.coverages > 0 {
            lines.push(format!(
                "Coverage: {} in force, read into their members' plan and Medicaid ID.",
                self.coverages
            ));
        }
        for (kind, c) in &self.rows {
            lines.push(format!(
                "{kind}: {} created, {} updated, {} unchanged, {} kept as tend holds them.",
                c.created, c.updated, c.unchanged, c.kept
            ));
        }
        let listed = |counts: &BTreeMap<String, usize>| {
            let mut by_count: Vec<(&String, &usize)> = counts.iter().collect();
            by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            by_count
                .iter()
                .map(|(kind, n)| format!("{n} {kind}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !self.skipped.is_empty() {
            lines.push(format!(
                "skipped (not held by tend): {}.",
                listed(&self.skipped)
            ));
        }
        if !self.passed_over.is_empty() {
            lines.push(format!("passed over: {}.", listed(&self.passed_over)));
        }
        if !self.kept_at.is_empty() {
            lines.push(format!(
                "kept as tend holds them (changed in tend since, or there before): {}.",
                self.kept_at.join("; ")
            ));
        }
        if self.left_out_count > 0 {
            lines.push(format!(
                "left out: {} (listed on standard error).",
                if self.left_out_count == 1 {
                    "1 problem".to_string()
                } else {
                    format!("{} problems", self.left_out_count)
                }
            ));
        }
        lines
    }
}
