//! A synthetic member roster as a payer's spreadsheet exports it (a BOM,
//! CRLF line ends, headers in words, US dates, an address with a comma in
//! quotes), for trying and measuring `tend import patients`. Everything in
//! it is invented and plainly so (SYN member IDs, 555-01xx numbers,
//! "Example Street").

use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::vocab::Vocab;
use super::{Generator, CASELOAD_SIZE};
use crate::domain::language;

/// The languages members speak, as often as the roster gives them.
const LANGUAGES: [&str; 10] = ["en", "en", "en", "es", "es", "zh", "ht", "ru", "bn", "ko"];

/// The header line, as a spreadsheet would have it.
const HEADERS: [&str; 22] = [
    "Member ID",
    "First Name",
    "Last Name",
    "DOB",
    "Sex",
    "Phone",
    "Phone 2",
    "Address",
    "City",
    "State",
    "ZIP",
    "Language",
    "Interpreter",
    "Medicaid ID",
    "Plan",
    "Risk Tier",
    "Coordinator",
    "Enrollment Status",
    "Enrolled On",
    "PCP Name",
    "PCP Phone",
    "Conditions",
];

/// A roster of `members` synthetic members (member IDs `SYN0000001` on, the
/// same ones `tend gen` makes), as CSV text. The first of every 65 is the
/// user's, as in `tend gen`; the others' coordinator cells are empty (not
/// yet assigned), since a roster names only coordinators tend knows and
/// the roster is made to try the import into a new database.
pub fn roster_csv(members: usize, seed: u64, today: NaiveDate, user: &str) -> String {
    let mut gen = Generator {
        vocab: Vocab::embedded(),
        rng: ChaCha8Rng::seed_from_u64(seed),
        today,
        // Unused by the roster; a fixed instant keeps the wall clock out.
        now: today.and_hms_opt(12, 0, 0).expect("noon exists").and_utc(),
        seed,
        directory: Vec::new(),
        clock: crate::clock::Clock::Fixed(
            today
                .and_hms_opt(12, 0, 0)
                .expect("noon exists")
                .and_utc()
                .fixed_offset(),
        ),
        instruments: Vec::new(),
    };
    let coordinators = members.div_ceil(CASELOAD_SIZE).max(1);
    // Each language's name once: looking one up scans the registry's table
    // (as the screen does, for one patient at a time), which for every row
    // of a 10,000-member roster took minutes in a debug build.
    let names: std::collections::HashMap<&str, String> = LANGUAGES
        .iter()
        .map(|code| (*code, language::name(code).to_string()))
        .collect();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut row: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    // Writing to memory cannot fail.
    writer.write_record(&row).expect("a write to memory");
    for index in 0..members {
        row.clear();
        let vocab = gen.vocab;
        let birth = today - Duration::days(gen.rng.gen_range(19 * 365..85 * 365));
        let language = *LANGUAGES.choose(&mut gen.rng).expect("not empty");
        let coordinator = match index % coordinators {
            0 => user.to_string(),
            _ => String::new(),
        };
        let enrolled = gen.rng.gen_bool(0.8);
        let how_many = gen.rng.gen_range(1..=3);
        let conditions: Vec<String> = vocab
            .conditions
            .choose_multiple(&mut gen.rng, how_many)
            .map(|c| format!("{} {}", c.code, c.display))
            .collect();
        let phone2 = gen.rng.gen_bool(0.4).then(|| gen.phone());
        row.extend([
            format!("SYN{:07}", index + 1),
            gen.pick(&vocab.given_names).clone(),
            gen.family_name(),
            birth.format("%m/%d/%Y").to_string(),
            ["F", "M", "X", "U"][gen.weighted(&[50, 46, 3, 1])].to_string(),
            gen.phone(),
            phone2.unwrap_or_default(),
            format!(
                "{} {}, Apt {}",
                gen.rng.gen_range(1..400),
                gen.pick(&vocab.streets),
                gen.rng.gen_range(1..30)
            ),
            gen.pick(&vocab.towns).clone(),
            "NY".to_string(),
            format!("000{:02}", gen.rng.gen_range(0..100)),
            names[language].clone(),
            if language != "en" && gen.rng.gen_bool(0.7) {
                "Y"
            } else {
                "N"
            }
            .to_string(),
            format!("ZZ{:05}A", gen.rng.gen_range(0..100_000)),
            gen.pick(&vocab.plans).clone(),
            gen.rng.gen_range(1..=4).to_string(),
            coordinator,
            if enrolled { "enrolled" } else { "outreach" }.to_string(),
            if enrolled {
                (today - Duration::days(gen.rng.gen_range(20..3 * 365)))
                    .format("%m/%d/%Y")
                    .to_string()
            } else {
                String::new()
            },
            format!("Dr. {}", gen.family_name()),
            gen.phone(),
            conditions.join("; "),
        ]);
        writer.write_record(&row).expect("a write to memory");
    }
    let bytes = writer.into_inner().expect("a write to memory");
    // Spreadsheets save "CSV UTF-8" with a byte-order mark.
    let mut text = String::from("\u{feff}");
    text.push_str(&String::from_utf8(bytes).expect("written from strings"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roster_reads_back_whole_with_its_spreadsheet_habits() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let text = roster_csv(200, 1, today, "ccuser");
        assert!(text.starts_with("\u{feff}Member ID,First Name"));
        assert!(text.contains("\r\n") && text.contains(", Apt "));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("roster.csv");
        std::fs::write(&path, &text).unwrap();
        let roster = crate::roster::read_roster(
            &path,
            today,
            &crate::domain::roster::Coordinators::new(["ccuser"]),
        )
        .unwrap();
        assert_eq!(roster.rejected, [], "every synthetic row is valid");
        assert_eq!(roster.rows.len(), 200);
        assert_eq!(roster.rows[0].member_id, "SYN0000001");
        assert_eq!(roster.rows[0].coordinator.as_deref(), Some("ccuser"));
        assert!(roster.unknown_columns.is_empty());
        assert_eq!(
            text,
            roster_csv(200, 1, today, "ccuser"),
            "the same seed, the same file"
        );
    }
}
