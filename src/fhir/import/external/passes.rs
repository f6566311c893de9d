//! The passes over what another system sent (see the module's head for
//! what each does), and which files each reads.
//!
//! The first pass reads every resource's type, and so checks the JSON of
//! each; it notes which types each file holds. A later pass opens only the
//! files that hold a type it wants: a bulk export's `Observation.ndjson`,
//! most of its bytes, is read by the first pass and the measurements' only.
//! Within a file, the passes that want few resources look at each one's
//! bytes before parsing it (`input::each_sifted`).

use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::path::PathBuf;

use super::{input, measures, Run};
use crate::store::Tx;

/// A file of the input, and the resource types the first pass found in it.
struct Scanned<'f> {
    path: &'f PathBuf,
    size: u64,
    kinds: HashSet<String>,
}

/// A later pass: the files holding a type `wanted` takes, read with
/// `sift`; the others counted as read (for the bar), never opened.
fn pass(
    files: &[Scanned<'_>],
    wanted: &dyn Fn(&str) -> bool,
    sift: input::Sift<'_>,
    each: &mut dyn FnMut(input::Item) -> Result<(), String>,
    read: &mut dyn FnMut(u64),
) -> Result<(), String> {
    for file in files {
        if file.kinds.iter().any(|kind| wanted(kind)) {
            input::each_sifted(file.path, wanted, sift, each, read)?;
        } else {
            read(file.size);
        }
    }
    Ok(())
}

impl Run<'_> {
    /// The passes: the coverages (a member's ID may be its subscriber ID)
    /// and the names and diagnoses others refer to, the patients, what
    /// refers to them, the care plans (once every goal is in) and last the
    /// measurements (once every plan's goals are in). `progress` is told
    /// the bytes read so far of all the passes together (a file a pass
    /// need not open counts as read); until the first pass has seen
    /// whether the last two are needed, they are counted in.
    pub(super) fn read(
        &mut self,
        tx: &mut Tx<'_>,
        paths: &[PathBuf],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<(), String> {
        let sizes: Vec<u64> = paths.iter().map(|path| input::size(path)).collect();
        let size: u64 = sizes.iter().sum();
        let total = Cell::new(5 * size);
        let mut done = 0;
        let mut said = 0;
        let mut read = |n: u64| {
            done += n;
            // At most every MiB: a bar need not move more often.
            if done - said >= 1 << 20 || done == total.get() {
                said = done;
                progress(done, total.get());
            }
        };
        let observations = Cell::new(0);
        let mut files = Vec::new();
        for (path, size) in paths.iter().zip(sizes) {
            let kinds = RefCell::new(HashSet::new());
            input::each_resource(
                path,
                &|t| {
                    if !kinds.borrow().contains(t) {
                        kinds.borrow_mut().insert(t.to_string());
                    }
                    observations.set(observations.get() + usize::from(t == "Observation"));
                    matches!(
                        t,
                        "Coverage"
                            | "Practitioner"
                            | "Organization"
                            | "RelatedPerson"
                            | "Medication"
                            | "Condition"
                    )
                },
                &mut |item| self.known(item),
                &mut read,
            )?;
            files.push(Scanned {
                path,
                size,
                kinds: kinds.into_inner(),
            });
        }
        let has_plans = files.iter().any(|f| f.kinds.contains("CarePlan"));
        let has_measures = observations.get() > 0;
        total.set((3 + u64::from(has_plans) + u64::from(has_measures)) * size);
        let all = |_: &[u8]| true;
        let patients = input::may_be("Patient");
        pass(
            &files,
            &|t| t == "Patient",
            (&patients, &all),
            &mut |item| self.patient(tx, item),
            &mut read,
        )?;
        self.coverages_unclaimed();
        let later = ["Patient", "Coverage", "CarePlan", "Observation"];
        pass(
            &files,
            &|t| !later.contains(&t),
            (&all, &all),
            &mut |item| self.other(tx, item),
            &mut read,
        )?;
        // Once every goal of the input is in: the care plans that name
        // them, then the measurements that are progress on them.
        if has_plans {
            let plans = input::may_be("CarePlan");
            pass(
                &files,
                &|t| t == "CarePlan",
                (&plans, &all),
                &mut |item| self.care_plan(tx, item),
                &mut read,
            )?;
        }
        if has_measures {
            // Only those whose bytes hold a code goals track (or a sign of
            // another version) are read; the rest are counted as skipped.
            let mut read_whole = 0;
            let observation = input::may_be("Observation");
            pass(
                &files,
                &|t| t == "Observation",
                (&observation, &measures::may_matter),
                &mut |item| {
                    read_whole += 1;
                    self.observation(tx, item)
                },
                &mut read,
            )?;
            let unread = observations.get().saturating_sub(read_whole);
            if unread > 0 {
                *self.report.skipped.entry("Observation".into()).or_default() += unread;
            }
        }
        Ok(())
    }

    /// The coverages of no patient the input holds, counted as passed over
    /// (those of a patient left out for a problem aside).
    fn coverages_unclaimed(&mut self) {
        let unclaimed = self
            .coverages
            .keys()
            .filter(|k| !self.patients.contains_key(*k) && !self.left_out.contains(*k))
            .count();
        if unclaimed > 0 {
            *self
                .report
                .passed_over
                .entry("Coverage (for no Patient of the input)".into())
                .or_default() += unclaimed;
        }
    }
}
