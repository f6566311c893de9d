//! What tend writes out of the store for people to read: today's tasks
//! (`tend today`), the spreadsheet reports (`tend export csv`) and a
//! patient's care plan as Markdown (`tend export careplan`, and `E` on the
//! screen). Each builds text (or a value serialised to JSON) and writes the
//! audit row of what it read; none prints: the CLI prints, and the screen
//! shows a message.
//!
//! Below the app and the CLI, above the store: reports use `domain`,
//! `store` and the text cleaner, never what draws or prints.

pub mod audit;
pub mod careplan;
pub mod csv;
pub mod today;
