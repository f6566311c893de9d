//! `/` in Today: the filter (words, `kind:`, `who:mine|team|NAME`). It
//! filters as it is typed, like the caseload's; Esc clears it.

use super::Purpose;
use crate::app::App;
use crate::domain::task_line::TaskFilter;
use crate::store::StoreError;

pub struct TaskFilterLine;

impl Purpose for TaskFilterLine {
    fn typed(&self, app: &mut App, text: &str) -> Result<(), StoreError> {
        match TaskFilter::parse(text) {
            Ok(filter) => app.set_task_filter(filter, text.to_string()),
            // The list keeps the last filter that read; the preview says why.
            Err(_) => Ok(()),
        }
    }

    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        TaskFilter::parse(text)
            .map(|_| format!("{} tasks", app.tasks.counts.total()))
            .map_err(|e| e.to_string())
    }

    fn submit(self: Box<Self>, _app: &mut App, _text: &str) -> Result<(), StoreError> {
        // Typing has applied it: Enter keeps it.
        Ok(())
    }

    fn cancel(self: Box<Self>, app: &mut App) -> Result<(), StoreError> {
        app.set_task_filter(TaskFilter::default(), String::new())
    }
}
