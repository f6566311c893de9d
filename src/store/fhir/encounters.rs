//! Encounters for a FHIR export and import: read whole with the feed's key
//! and disposition code, written back with their ids, and their clocks
//! worked out again by the rules once everything else is in place.

use rusqlite::{params, OptionalExtension};

use super::read::Skipping;
use super::rows::{ClockTask, EncounterData};
use crate::domain::task::TaskStatus;
use crate::domain::transitions::{ClockKind, MetBy};
use crate::store::caseload::parse_instant;
use crate::store::encounters::{read_encounter, Rules, ENCOUNTER_COLUMNS};
use crate::store::{NewEncounter, Store, StoreError, Tx};

/// What the clocks of imported encounters are counted by: the store's
/// business-day calendar and its clock.
#[derive(Debug, Clone)]
pub struct ClockRules(Rules);

impl Store {
    pub fn clock_rules(&self) -> ClockRules {
        ClockRules(self.rules())
    }

    /// The patient's encounters in id order, with their diagnoses.
    pub(super) fn fhir_encounters(
        &self,
        patient_id: i64,
        skip: &mut Skipping<'_>,
    ) -> Result<Vec<EncounterData>, StoreError> {
        let conn = self.conn();
        self.rows(
            &format!(
                "SELECT {ENCOUNTER_COLUMNS}, e.disposition_code, e.source_visit,
                        (SELECT c.met_on FROM transition_clock c
                          WHERE c.encounter_id = e.id AND c.kind = 'admission-notice'
                            AND c.voided_at IS NULL)
                   FROM encounter e WHERE e.patient_id = ?1 ORDER BY e.id"
            ),
            [patient_id],
            "encounter",
            skip,
            |r| {
                let row = read_encounter(conn, r)?;
                Ok(EncounterData {
                    encounter: row.encounter,
                    disposition_code: r.get(12)?,
                    source_system: r.get(11)?,
                    source_visit: r.get(13)?,
                    readmission_of: row.readmission_of,
                    notified_on: r
                        .get::<_, Option<String>>(14)?
                        .as_deref()
                        .and_then(crate::store::caseload::parse_date),
                })
            },
        )
    }

    /// The tasks of the patient's live clocks (a voided clock's task is a
    /// task like any other), in task order.
    pub(super) fn fhir_clock_tasks(&self, patient_id: i64) -> Result<Vec<ClockTask>, StoreError> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT task_id, encounter_id, kind FROM transition_clock
              WHERE patient_id = ?1 AND task_id IS NOT NULL AND voided_at IS NULL
              ORDER BY task_id",
        )?;
        let rows = stmt.query_map([patient_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?))
        })?;
        let mut tasks = Vec::new();
        for row in rows {
            let (task_id, encounter_id, kind) = row?;
            // A clock of a kind this tend does not know is not marked.
            if let Some(kind) = ClockKind::from_code(&kind) {
                tasks.push(ClockTask {
                    task_id,
                    encounter_id,
                    kind,
                });
            }
        }
        Ok(tasks)
    }
}

impl Tx<'_> {
    /// Whether an encounter with this feed key is already in the database.
    pub fn encounter_source_taken(&self, system: &str, visit: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT 1 FROM encounter WHERE source_system = ?1 AND source_visit = ?2",
            )?
            .query_row([system, visit], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Writes encounters with their ids (after every patient's other rows,
    /// so the clocks find the notes, visits and stamps that meet them),
    /// then brings each one's clocks in line with the rules as a new
    /// encounter's are, and gives each clock back its task from
    /// `clock_tasks` in place of the one just made for it. A stamp clock
    /// whose task came completed is met on the day it was completed.
    pub fn load_encounters(
        &mut self,
        encounters: &[EncounterData],
        clock_tasks: &[ClockTask],
        rules: &ClockRules,
    ) -> Result<(), StoreError> {
        for data in encounters {
            let e = &data.encounter;
            let new = NewEncounter {
                patient_id: e.patient_id,
                class: e.class,
                status: e.status,
                facility: e.facility.clone(),
                started_at: e.started_at,
                ended_at: e.ended_at,
                disposition: e.disposition,
                disposition_code: data.disposition_code.clone(),
                complexity: e.complexity,
                provider: e.provider,
                diagnoses: e.diagnoses.clone(),
            };
            self.insert_encounter(
                Some(e.id),
                &new,
                data.source_system.as_deref(),
                data.source_visit.as_deref(),
            )?;
        }
        let mut order: Vec<_> = encounters
            .iter()
            .map(|d| (d.encounter.started_at, d.encounter.id, d.notified_on))
            .collect();
        order.sort();
        for (started, id, notified_on) in order {
            // The day tend learned of it, as the bundle says; a bundle from
            // elsewhere does not: then taken to be the day it happened, so
            // an old admission's notice is not made "met late" by the import.
            let arrived = Rules {
                arrived_on: Some(notified_on.unwrap_or(started.date())),
                ..rules.0.clone()
            };
            self.encounter_changed(id, &arrived, "imported from a FHIR bundle")?;
        }
        for link in clock_tasks {
            self.give_back_task(link, &rules.0)?;
        }
        Ok(())
    }

    /// An encounter another system's FHIR brought (new or changed): its
    /// readmission mark and clocks brought in line with the rules, as an
    /// ADT message's are. The day tend learned of it is taken to be the
    /// day it began, so an old admission's notice is not made "met late"
    /// by the import.
    pub fn encounter_from_elsewhere(
        &mut self,
        id: i64,
        rules: &ClockRules,
    ) -> Result<(), StoreError> {
        let started: String = self.conn().query_row(
            "SELECT started_at FROM encounter WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        let arrived = Rules {
            arrived_on: crate::store::encounters::parse_wall(&started).map(|at| at.date()),
            ..rules.0.clone()
        };
        self.encounter_changed(id, &arrived, "from another system's FHIR")?;
        Ok(())
    }

    fn give_back_task(&mut self, link: &ClockTask, rules: &Rules) -> Result<(), StoreError> {
        let clock: Option<(i64, Option<i64>)> = self
            .conn()
            .prepare_cached(
                "SELECT id, task_id FROM transition_clock
                  WHERE encounter_id = ?1 AND kind = ?2 AND voided_at IS NULL",
            )?
            .query_row(params![link.encounter_id, link.kind.code()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        // The rules no longer call for it, or it needs no task: the
        // imported task stays as it came, a task like any other.
        let Some((clock_id, Some(made))) = clock else {
            return Ok(());
        };
        if made == link.task_id {
            return Ok(());
        }
        self.conn().execute(
            "UPDATE transition_clock SET task_id = ?2 WHERE id = ?1",
            params![clock_id, link.task_id],
        )?;
        // Made a moment ago in this transaction, named by no audit row.
        self.conn()
            .execute("DELETE FROM task WHERE id = ?1", [made])?;
        if link.kind.met_by() == MetBy::Stamp && link.kind != ClockKind::MedRec {
            let (status, completed): (String, Option<String>) = self.conn().query_row(
                "SELECT status, completed_at FROM task WHERE id = ?1",
                [link.task_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if status == TaskStatus::Completed.code() {
                let on = completed
                    .as_deref()
                    .and_then(parse_instant)
                    .map_or_else(|| rules.today(), |at| rules.clock.local_date(at));
                self.conn().execute(
                    "UPDATE transition_clock SET met_on = ?2, met_by = 'its task, completed before the import'
                      WHERE id = ?1 AND met_on IS NULL",
                    params![clock_id, crate::store::codec::date_text(on)],
                )?;
            }
        }
        Ok(())
    }
}
