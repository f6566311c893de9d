//! What the closed-loop tests share: a store with two members, the same
//! database opened on another day, and reading the patient's open tasks.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use tend::clock::Clock;
use tend::store::{OpenOptions, Store, StoreError, TaskRef};

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(h, 0, 0).unwrap()
}

/// A store with members SYN0 (enrolled, ccuser's) and SYN1.
pub fn store(dir: &Path) -> (Store, i64) {
    let (store, [first, _]) = super::members::enrolled_and_disenrolled(
        &dir.join("loops.db"),
        ["SYN0", "SYN1"],
        "Loopa",
        "Una",
    );
    (store, first)
}

/// The same database opened again on another day.
pub fn reopen_on(dir: &Path, now: &str) -> Store {
    let options = OpenOptions {
        create: false,
        ..OpenOptions::default()
    };
    Store::open(
        &dir.join("loops.db"),
        "ccuser",
        Clock::parse(now).unwrap(),
        &options,
    )
    .unwrap()
}

/// The patient's open tasks as (title, due, hard deadline).
pub fn open_tasks(store: &Store, patient: i64) -> Vec<(String, Option<NaiveDate>, bool)> {
    store
        .patient_tasks(patient)
        .unwrap()
        .into_iter()
        .map(|t| (t.title, t.due_on, t.hard_deadline))
        .collect()
}

pub fn task_ref(store: &Store, id: i64) -> TaskRef {
    let task = store.task(id).unwrap().unwrap();
    TaskRef {
        id,
        version: task.version,
    }
}

pub fn refusal(result: Result<impl std::fmt::Debug, StoreError>) -> String {
    match result {
        Err(StoreError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}
