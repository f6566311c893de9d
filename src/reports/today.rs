//! `tend today`: the day's tasks, in the order the screen shows them, as
//! plain text or JSON, for scripts and for a quick look without the screen.

use std::cell::RefCell;
use std::io::Write;

use chrono::{Duration, NaiveDate};
use serde::{Serialize, Serializer};

use super::StreamError;
use crate::domain::task::{due_label, is_due_by, TaskCounts, TaskRow};
use crate::domain::task_line::{Assignee, TaskFilter};
use crate::domain::urgency::{days_overdue, RankKey, UrgencyWeights};
use crate::store::{AuditAction, Store, StoreError};
use crate::text::{clean, pad};

/// Whose day, and how far ahead.
pub struct TodayRequest<'a> {
    pub user: &'a str,
    pub who: Assignee,
    pub today: NaiveDate,
    pub upcoming_days: u32,
    pub weights: &'a UrgencyWeights,
}

/// The day, counted and ranked, its tasks read from the store only as
/// they are written: `tend today --all` at 1,000,000 patients writes over a
/// million tasks in the memory of their ranking keys (24 bytes a task),
/// not of the whole document.
#[derive(Debug)]
pub struct Day {
    /// Whose tasks: a user name, or "team".
    pub who: String,
    pub date: NaiveDate,
    pub counts: TaskCounts,
    /// Every task of the day, most urgent first.
    order: Vec<RankKey>,
    weights: UrgencyWeights,
}

#[derive(Debug, Serialize)]
pub struct TodayTask {
    pub id: i64,
    /// "overdue", "today" or "upcoming".
    pub section: &'static str,
    pub due_on: Option<NaiveDate>,
    pub due: String,
    pub days_overdue: i64,
    pub urgency: f64,
    pub kind: &'static str,
    pub priority: &'static str,
    pub hard_deadline: bool,
    pub title: String,
    pub repeats: Option<String>,
    pub owner: Option<String>,
    pub patient: TodayPatient,
}

#[derive(Debug, Serialize)]
pub struct TodayPatient {
    /// What every other command takes: `tend export careplan MEMBER_ID`.
    pub member_id: String,
    /// tend's own row id, stable within one database only.
    pub id: i64,
    pub name: String,
}

/// How many tasks are read in full at a time while a day is written.
const CHUNK: usize = 512;

/// Records the look at the day in the audit trail (before anything is
/// read), then ranks the day and hands it to `write`, all its reads in one
/// snapshot: the rows written are the ones counted, whatever other
/// sessions do meanwhile.
pub fn with_day<T, E: From<StoreError>>(
    store: &mut Store,
    request: &TodayRequest<'_>,
    write: impl FnOnce(&Day, &Store) -> Result<T, E>,
) -> Result<T, E> {
    let who = audit_look(store, request)?;
    store.read_snapshot(|store| {
        let day = rank(store, request, who)?;
        write(&day, store)
    })
}

/// Records the look in the audit trail; gives whose day it is.
fn audit_look(store: &mut Store, request: &TodayRequest<'_>) -> Result<String, StoreError> {
    if let Assignee::Named(name) = &request.who {
        if !store.coordinators()?.iter().any(|c| c == name) {
            return Err(StoreError::Refused(format!(
                "there is no coordinator named {name:?}"
            )));
        }
    }
    let who = match &request.who {
        Assignee::Mine => request.user.to_string(),
        Assignee::Named(name) => name.clone(),
        Assignee::Team => "team".to_string(),
    };
    let detail = format!("tend today: {who}");
    store.write(|tx| tx.audit(AuditAction::Read, "Task", None, None, Some(&detail)))?;
    Ok(who)
}

/// The day `request` asks for (`who`'s), ranked.
fn rank(store: &Store, request: &TodayRequest<'_>, who: String) -> Result<Day, StoreError> {
    let filter = TaskFilter {
        who: request.who.clone(),
        ..TaskFilter::default()
    };
    let until = request.today + Duration::days(request.upcoming_days.into());
    let mut order = store.day_keys(request.user, &filter, until)?;
    order.shrink_to_fit();
    request.weights.sort_keys(&mut order, request.today);
    Ok(Day {
        who,
        date: request.today,
        counts: TaskCounts::of(order.iter().map(|k| k.due_on), request.today),
        order,
        weights: request.weights.clone(),
    })
}

impl Day {
    /// Each task in order, read from `store` a chunk at a time.
    pub fn for_each_task<E: From<StoreError>>(
        &self,
        store: &Store,
        mut each: impl FnMut(&TodayTask) -> Result<(), E>,
    ) -> Result<(), E> {
        for chunk in self.order.chunks(CHUNK) {
            let ids: Vec<i64> = chunk.iter().map(|k| k.id).collect();
            for row in store.tasks_in_order(&ids)? {
                each(&today_task(&row, self.date, &self.weights))?;
            }
        }
        Ok(())
    }

    /// As JSON (serde_json's pretty form, escaped to be safe to print, see
    /// `safe_json`), then a new line.
    pub fn write_json(&self, store: &Store, out: &mut dyn Write) -> Result<(), StreamError> {
        let tasks = TaskStream {
            day: self,
            store,
            failure: RefCell::new(None),
        };
        let document = DayJson {
            who: &self.who,
            date: self.date,
            overdue: self.counts.overdue,
            today: self.counts.today,
            upcoming: self.counts.upcoming,
            tasks: &tasks,
        };
        crate::safe_json::to_writer_pretty(&mut *out, &document).map_err(|e| {
            match tasks.failure.take() {
                Some(store_error) => StreamError::Store(store_error),
                None => StreamError::Write(e.into()),
            }
        })?;
        out.write_all(b"\n")?;
        Ok(())
    }

    /// As plain text, one task a line, cleaned of control characters (it
    /// may well be printed on a terminal).
    pub fn write_text(
        &self,
        store: &Store,
        show_owner: bool,
        out: &mut dyn Write,
    ) -> Result<(), StreamError> {
        let whose = if self.who == "team" {
            "The team's day".to_string()
        } else {
            format!("Today for {}", clean(&self.who))
        };
        writeln!(
            out,
            "{whose}, {}: {} overdue, {} today, {} upcoming",
            self.date.format("%a %Y-%m-%d"),
            self.counts.overdue,
            self.counts.today,
            self.counts.upcoming
        )?;
        let mut section = "";
        self.for_each_task(store, |task| -> Result<(), StreamError> {
            let heading = if task.section == "upcoming" {
                "Upcoming"
            } else {
                "Overdue and due today"
            };
            if heading != section {
                writeln!(out, "\n{heading}")?;
                section = heading;
            }
            writeln!(out, "{}", text_line(task, show_owner))?;
            Ok(())
        })?;
        if self.order.is_empty() {
            writeln!(out, "\nNothing due.")?;
        }
        Ok(())
    }
}

/// The JSON document's fields, in the order they have always been written.
#[derive(Serialize)]
struct DayJson<'a> {
    who: &'a str,
    date: NaiveDate,
    overdue: usize,
    today: usize,
    upcoming: usize,
    tasks: &'a TaskStream<'a>,
}

/// The day's tasks as a JSON array, read from the store as it is written.
struct TaskStream<'a> {
    day: &'a Day,
    store: &'a Store,
    /// A store error met while writing, which serde can only carry as text.
    failure: RefCell<Option<StoreError>>,
}

/// Why the walk over the day's tasks stopped early.
enum Stop<E> {
    Read(StoreError),
    Write(E),
}

impl<E> From<StoreError> for Stop<E> {
    fn from(error: StoreError) -> Self {
        Stop::Read(error)
    }
}

impl Serialize for TaskStream<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq as _};
        let mut seq = serializer.serialize_seq(None)?;
        let walked = self.day.for_each_task(self.store, |task| {
            seq.serialize_element(task).map_err(Stop::Write)
        });
        match walked {
            Ok(()) => seq.end(),
            Err(Stop::Write(error)) => Err(error),
            Err(Stop::Read(error)) => {
                *self.failure.borrow_mut() = Some(error);
                Err(S::Error::custom("the database could not be read"))
            }
        }
    }
}

/// What `tend today` says of a task (see [`TodayTask`]).
pub fn today_task(task: &TaskRow, today: NaiveDate, weights: &UrgencyWeights) -> TodayTask {
    let section = match task.due_on {
        Some(due) if due < today => "overdue",
        _ if is_due_by(task, today) => "today",
        _ => "upcoming",
    };
    TodayTask {
        id: task.id,
        section,
        due_on: task.due_on,
        due: due_label(task.due_on, today),
        days_overdue: days_overdue(task, today),
        urgency: weights.score(task, today),
        kind: task.kind.code(),
        priority: task.priority.code(),
        hard_deadline: task.hard_deadline,
        title: task.title.clone(),
        repeats: task.recurrence.map(|r| r.to_string()),
        owner: task.owner.clone(),
        patient: TodayPatient {
            member_id: task.patient_member_id.clone(),
            id: task.patient_id,
            name: task.patient_name.clone(),
        },
    }
}

/// A task's line in the plain text: due, kind, owner (for another's or the
/// team's day), member ID, name, title and flags.
fn text_line(task: &TodayTask, show_owner: bool) -> String {
    let kind = crate::domain::task::TaskKind::from_code(task.kind).map_or('O', |k| k.mark());
    let mut flags = Vec::new();
    if task.hard_deadline {
        flags.push("hard deadline".to_string());
    }
    if task.priority != "routine" {
        flags.push(task.priority.to_string());
    }
    if let Some(rule) = &task.repeats {
        flags.push(format!("every {rule}"));
    }
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!("  [{}]", flags.join(", "))
    };
    let owner = if show_owner {
        format!("{} ", pad(task.owner.as_deref().unwrap_or("-"), 10))
    } else {
        String::new()
    };
    // The member ID whole, never cut: a script reads it.
    format!(
        "  {:<11} {kind}  {owner}{:<12} {} {}{flags}",
        task.due,
        clean(&task.patient.member_id),
        pad(&task.patient.name, 24),
        clean(&task.title),
    )
}
