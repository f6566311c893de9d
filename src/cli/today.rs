//! `tend today`: the day's tasks, most urgent first, then the upcoming
//! ones, as text or JSON.

use std::process::ExitCode;

use super::context::Context;
use super::error::CliResult;
use super::output::stream;
use crate::domain::role::Right;
use crate::domain::task_line::Assignee;
use crate::reports::today::{self, TodayRequest};

#[derive(Debug, clap::Args)]
pub(crate) struct TodayArgs {
    /// Another coordinator's day (a user name)
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    user: Option<String>,
    /// The whole team's day
    #[arg(long)]
    all: bool,
    /// JSON instead of text
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(cx: &Context, args: TodayArgs) -> CliResult<ExitCode> {
    let mut store = cx.open_store(&cx.db_path()?, false, Right::ReadCharts)?;
    let who = match (args.user, args.all) {
        (_, true) => Assignee::Team,
        (Some(name), false) => Assignee::Named(name),
        (None, false) => Assignee::Mine,
    };
    let show_owner = who != Assignee::Mine;
    today::with_day(&mut store, &request(cx, who), |day, store| {
        stream(None, |out| {
            if args.json {
                day.write_json(store, out)
            } else {
                day.write_text(store, show_owner, out)
            }
        })
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Whose day, from the settings: also the day of `tend export csv tasks`.
pub(crate) fn request(cx: &Context, who: Assignee) -> TodayRequest<'_> {
    TodayRequest {
        user: &cx.config.user,
        who,
        today: cx.clock.today(),
        upcoming_days: cx.config.upcoming_days,
        weights: &cx.config.urgency,
    }
}
