//! tend: a keyboard-driven terminal application for care coordinators.
//!
//! Layers (see DESIGN.md): `domain` (rules, no I/O) → `store` (SQLite) →
//! `app` (state and behaviour) → `ui` (drawing) ← `tui` (terminal and event
//! loop); `cli` dispatches subcommands.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crash;
pub mod domain;
pub mod fhir;
pub mod hl7;
pub mod instruments;
pub mod private;
pub mod reports;
pub mod resources;
pub mod roster;
pub mod safe_json;
pub mod secret;
pub mod store;
pub mod synth;
pub mod system_password;
pub mod team_install;
pub mod templates;
pub mod text;
pub mod tui;
pub mod ui;
