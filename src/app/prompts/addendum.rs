//! `a` on a signed note: a one-line correction, signed with the user's
//! name on Enter.

use super::Purpose;
use crate::app::App;
use crate::store::StoreError;

pub struct Addendum {
    pub note_id: i64,
}

impl Purpose for Addendum {
    fn preview(&self, app: &App, text: &str) -> Result<String, String> {
        if text.trim().is_empty() {
            Err("type the correction".to_string())
        } else {
            Ok(format!("{} signs the addendum", app.key("line_submit")))
        }
    }

    fn submit(self: Box<Self>, app: &mut App, text: &str) -> Result<(), StoreError> {
        app.add_addendum(self.note_id, text)
    }
}
