//! `tend admin`: a team's users (role, teams, active or not), who covers
//! whom, and records opened by breaking the glass. Every change is audited
//! by the store; every refusal is one sentence.

use std::process::ExitCode;

use chrono::NaiveDate;

use super::context::Context;
use super::error::{CliError, CliResult};
use crate::domain::role::{Right, Role};
use crate::store::Store;
use crate::text::clean;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Admin {
    /// Make a new team's database, with its first admin (on a team install,
    /// `scripts/install-team.sh` runs this as root)
    Init {
        /// The first admin's login on this server
        #[arg(long, value_name = "LOGIN")]
        admin: String,
        /// The name shown for them [default: the login]
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Encrypt it (SQLCipher; a tend built with --features encryption),
        /// its key in a new file beside it, readable by the team's group
        #[arg(long)]
        encrypt: bool,
    },
    /// Add users, set their role and teams, deactivate them
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Who covers whom, from when to when (it ends by itself)
    Cover {
        #[command(subcommand)]
        what: CoverCommand,
    },
    /// Records opened by breaking the glass, for review
    Glass {
        #[command(subcommand)]
        what: GlassCommand,
    },
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum UserCommand {
    /// Add a user: an account on this server (the first must be an admin,
    /// added by the database's owner; that makes the database a team's)
    Add {
        /// Their login on this server
        login: String,
        /// coordinator, supervisor, auditor or admin
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A team they work in (more than one --team for a supervisor of several)
        #[arg(long = "team", value_name = "TEAM")]
        teams: Vec<String>,
        /// The name shown for them [default: the login]
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Change a user's role, teams (all of them, as given) or name
    Set {
        login: String,
        #[arg(long, value_parser = parse_role)]
        role: Option<Role>,
        /// Their teams, replacing the ones they had
        #[arg(long = "team", value_name = "TEAM")]
        teams: Vec<String>,
        /// Take them out of every team
        #[arg(long, conflicts_with = "teams")]
        no_team: bool,
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Stop a user from signing in (what they wrote stays theirs)
    Deactivate { login: String },
    /// Let a deactivated user sign in again
    Activate { login: String },
    /// List the users with their role, teams and whether they are active
    List,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum CoverCommand {
    /// COVERING works COVERED's patients and tasks from --from to --to
    Add {
        covering: String,
        covered: String,
        /// First day (YYYY-MM-DD) [default: today]
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        /// Last day, included (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: NaiveDate,
    },
    /// Cover in force today or yet to come
    List,
    /// End a period of cover early (its number from `list`)
    End { id: i64 },
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum GlassCommand {
    /// Records opened by breaking the glass and not yet reviewed
    List {
        /// The reviewed ones too
        #[arg(long)]
        all: bool,
    },
    /// Mark one reviewed, with what you concluded
    Review {
        id: i64,
        #[arg(long, value_name = "TEXT")]
        note: String,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::from_code(text).ok_or_else(|| "use coordinator, supervisor, auditor or admin".to_string())
}

pub(crate) fn run(cx: &Context, what: Admin) -> CliResult<ExitCode> {
    match what {
        Admin::Init {
            admin,
            name,
            encrypt,
        } => init(cx, &admin, name.as_deref(), encrypt),
        Admin::User { what } => user(cx, what),
        Admin::Cover { what } => cover(cx, what),
        Admin::Glass { what } => glass(cx, what),
    }
}

/// A new database, a team's from the start: its first user an admin. On a
/// team install the file is the team group's to read and write (0660, in
/// the group's 2770 folder), no one else's.
fn init(cx: &Context, admin: &str, name: Option<&str>, encrypt: bool) -> CliResult<ExitCode> {
    let path = cx.db_path()?;
    if path.exists() {
        return Err(CliError::AlreadyADatabase(path));
    }
    // SAFETY: getuid(2) cannot fail and reads no memory.
    if crate::team_install::current().is_some() && unsafe { libc::getuid() } != 0 {
        // Anyone may run the setgid tend: only root makes the team's
        // database (and so chooses its first admin).
        return Err(CliError::InitNeedsRoot);
    }
    if !crate::config::account_exists(admin) {
        return Err(CliError::NoAccount(clean(admin).into_owned()));
    }
    let team_install = crate::team_install::current().is_some();
    if encrypt {
        new_key(&path, team_install)?;
    }
    let mut store = cx.open_new(&path)?;
    store.add_user(admin, name.unwrap_or(""), Role::Admin, &[])?;
    // Closed before the file is shared: its write-ahead log and index,
    // made for this process alone, go with the last connection.
    drop(store);
    if crate::team_install::current().is_some() {
        share_with_group(&path).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?;
    }
    outln!(
        "made {}, a team's database; its admin is {}",
        clean(&path.display().to_string()),
        clean(admin)
    )?;
    Ok(ExitCode::SUCCESS)
}

/// A new key for a database about to be made (see `store::key`), said on
/// standard error with where it is and why it matters.
pub(crate) fn new_key(database: &std::path::Path, shared_with_group: bool) -> CliResult<()> {
    if !crate::store::key::ENCRYPTION {
        return Err(CliError::NoEncryption);
    }
    if database.exists() {
        return Err(CliError::EncryptExisting(database.to_path_buf()));
    }
    let key = crate::store::key::make_key(database, shared_with_group).map_err(|source| {
        CliError::Write {
            path: crate::store::key::key_path(database),
            source,
        }
    })?;
    errln!(
        "tend: the database is encrypted with the key in {}: keep a copy of it somewhere safe (without it, the database and its backups cannot be read)",
        clean(&key.display().to_string())
    );
    Ok(())
}

/// Makes the database (and any file SQLite keeps beside it) readable and
/// writable by its group, still by nobody else.
fn share_with_group(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut files = vec![path.to_path_buf()];
    for side in ["-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(side);
        files.push(name.into());
    }
    for file in files {
        match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o660)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            other => other?,
        }
    }
    Ok(())
}

fn user(cx: &Context, what: UserCommand) -> CliResult<ExitCode> {
    let right = match what {
        UserCommand::List => Right::SetCover,
        _ => Right::ManageUsers,
    };
    let mut store = open(cx, right)?;
    match what {
        UserCommand::Add {
            login,
            role,
            teams,
            name,
        } => {
            if !crate::config::account_exists(&login) {
                return Err(CliError::NoAccount(clean(&login).into_owned()));
            }
            store.add_user(&login, name.as_deref().unwrap_or(""), role, &teams)?;
            outln!("added {} as {role}", clean(&login))?;
        }
        UserCommand::Set {
            login,
            role,
            teams,
            no_team,
            name,
        } => {
            let teams = (no_team || !teams.is_empty()).then_some(teams);
            store.set_user(&login, role, teams.as_deref(), name.as_deref())?;
            outln!("changed {}", clean(&login))?;
        }
        UserCommand::Deactivate { login } => {
            store.set_user_active(&login, false)?;
            outln!("deactivated {}", clean(&login))?;
        }
        UserCommand::Activate { login } => {
            store.set_user_active(&login, true)?;
            outln!("reactivated {}", clean(&login))?;
        }
        UserCommand::List => {
            for u in store.users()? {
                let role = u.role.map_or("(not a user)", Role::code);
                let active = if u.active { "" } else { "  deactivated" };
                let teams = if u.teams.is_empty() {
                    "-".to_string()
                } else {
                    u.teams.join(",")
                };
                outln!(
                    "{:<16} {:<12} {:<20} {}{active}",
                    clean(&u.login),
                    role,
                    clean(&teams),
                    clean(&u.display_name)
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn cover(cx: &Context, what: CoverCommand) -> CliResult<ExitCode> {
    let mut store = open(cx, Right::SetCover)?;
    match what {
        CoverCommand::Add {
            covering,
            covered,
            from,
            to,
        } => {
            let from = from.unwrap_or(cx.clock.today());
            let id = store.add_cover(&covering, &covered, from, to)?;
            outln!(
                "cover {id}: {} covers {} from {from} to {to}",
                clean(&covering),
                clean(&covered)
            )?;
        }
        CoverCommand::List => {
            for c in store.covers(cx.clock.today())? {
                outln!(
                    "{:>4}  {} covers {}  {} to {}",
                    c.id,
                    clean(&c.covering),
                    clean(&c.covered),
                    c.starts_on,
                    c.ends_on
                )?;
            }
        }
        CoverCommand::End { id } => {
            store.end_cover(id)?;
            outln!("cover {id} ended")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn glass(cx: &Context, what: GlassCommand) -> CliResult<ExitCode> {
    let mut store = open(cx, Right::ReviewGlass)?;
    match what {
        GlassCommand::List { all } => {
            for g in store.glass_opened(all)? {
                let at = cx.clock.local(g.opened_at).format("%Y-%m-%d %H:%M");
                let review = match (&g.reviewed_by, &g.review_note) {
                    (Some(by), note) => format!(
                        "  reviewed by {}: {}",
                        clean(by),
                        clean(note.as_deref().unwrap_or(""))
                    ),
                    (None, _) => String::new(),
                };
                outln!(
                    "{:>4}  {at}  {} opened {}: {}{review}",
                    g.id,
                    clean(&g.user),
                    clean(&g.member_id),
                    clean(&g.reason)
                )?;
            }
        }
        GlassCommand::Review { id, note } => {
            store.review_glass(id, &note)?;
            outln!("broken glass {id} reviewed")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn open(cx: &Context, right: Right) -> CliResult<Store> {
    cx.open_store(&cx.db_path()?, false, right)
}
