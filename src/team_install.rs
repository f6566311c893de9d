//! A team install: the data reached only through tend.
//!
//! The team's database lives in a folder that a group (`tend`) owns, mode
//! 2770: no access for anyone else. The binary is installed setgid to that
//! group, so a coordinator running it can open the database, while the same
//! coordinator with `sqlite3` (or `cat`, or `cp`) cannot. Which database
//! comes from `etc/tend/team.toml` beside the binary's `bin/` folder (for
//! `/usr/local/bin/tend`, `/usr/local/etc/tend/team.toml`), a file that
//! belongs to root and that only root may change; `scripts/install-team.sh`
//! sets all of this up.
//!
//! Running setgid, tend takes nothing from the environment or the command
//! line that could point it at other data or another time: `--db`,
//! `TEND_DB`, `--config`, `TEND_CONFIG` and `TEND_NOW` are refused with a
//! sentence. And every file that is the user's own — their config and
//! templates, files they import, exports, the audit heads they keep, crash
//! reports, drafts kept in their home — is read and written with their own
//! group ([`as_user`]), never the team's: a config file that is a link to
//! the database must not be read with the team's rights (its "parse
//! error" would quote it), and an export must not belong to the team.
//!
//! Why setgid rather than a daemon owning the file (clients identified by
//! `SO_PEERCRED`): the same guarantee — the file is opened only by tend's
//! own code, as the user the kernel says runs it — without a second
//! process to run, supervise and upgrade, and without putting every read
//! of the screen behind a socket. The kernel makes a setgid process
//! undumpable (no ptrace, no core, no /proc/PID/mem for its user), and the
//! C library ignores `LD_PRELOAD` and its kin for it.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Where the team's database is, and the group that owns it.
#[derive(Debug, Clone)]
pub struct TeamInstall {
    /// The team's database (from `team.toml`).
    pub database: PathBuf,
    /// The settings file it came from.
    pub settings: PathBuf,
    /// The group the binary is setgid to.
    group: libc::gid_t,
}

/// The team install this process runs as, found once at start.
static INSTALL: OnceLock<Option<TeamInstall>> = OnceLock::new();

/// What `team.toml` holds.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    /// The team's database: an absolute path.
    database: PathBuf,
}

/// The team install this binary is, if it is one: the binary setgid to a
/// group. Found once; an install that cannot be trusted is an error that
/// stops tend (the sentence says what is wrong and who fixes it).
pub fn detect() -> Result<Option<&'static TeamInstall>, String> {
    if let Some(found) = INSTALL.get() {
        return Ok(found.as_ref());
    }
    let found = find()?;
    Ok(INSTALL.get_or_init(|| found).as_ref())
}

/// The team install found at start, if any (after [`detect`]).
pub fn current() -> Option<&'static TeamInstall> {
    INSTALL.get().and_then(Option::as_ref)
}

fn find() -> Result<Option<TeamInstall>, String> {
    let exe = Path::new("/proc/self/exe");
    let Ok(meta) = std::fs::metadata(exe) else {
        return Ok(None);
    };
    if meta.mode() & libc::S_ISGID == 0 {
        return Ok(None);
    }
    let group = meta.gid();
    // SAFETY: getegid(2) cannot fail and reads no memory.
    if unsafe { libc::getegid() } != group {
        return Err(
            "tend is installed setgid for a team, but runs without its group (the file system it \
             is on ignores setgid: mounted nosuid?); ask whoever looks after the server"
                .into(),
        );
    }
    let binary = std::fs::read_link(exe).map_err(|e| format!("cannot tell where tend is: {e}"))?;
    let settings = binary
        .parent()
        .and_then(Path::parent)
        .map(|prefix| prefix.join("etc/tend/team.toml"))
        .ok_or("cannot tell where tend is installed")?;
    let read = read_settings(&settings)?;
    Ok(Some(TeamInstall {
        database: read.database,
        settings,
        group,
    }))
}

/// `team.toml`, trusted only when root alone may change it — the file and
/// every folder above it (a folder anyone may write, like /tmp, only with
/// its sticky bit): anyone else who could would point every coordinator's
/// tend at a file of their own. Read from the descriptor that was checked,
/// never through a link.
fn read_settings(path: &Path) -> Result<Settings, String> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let shown = path.display();
    let must_be_roots = || {
        format!(
            "{shown} must be a file that belongs to root and that root alone may change, in folders root alone may change; ask whoever looks after the server"
        )
    };
    for folder in path.ancestors().skip(1) {
        let meta = std::fs::metadata(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        let others_write = meta.mode() & 0o022 != 0;
        let sticky = meta.mode() & libc::S_ISVTX != 0;
        if meta.uid() != 0 || (others_write && !sticky) {
            return Err(must_be_roots());
        }
    }
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| {
            format!("{shown}: cannot read the team's settings ({e}); ask whoever looks after the server")
        })?;
    let meta = file.metadata().map_err(|e| format!("{shown}: {e}"))?;
    if !meta.is_file() || meta.uid() != 0 || meta.mode() & 0o022 != 0 {
        return Err(must_be_roots());
    }
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| format!("{shown}: {e}"))?;
    let settings: Settings = toml::from_str(&text).map_err(|e| {
        format!(
            "{shown}: {} (it holds one line: database = \"/srv/tend/tend.db\")",
            e.message()
        )
    })?;
    if !settings.database.is_absolute() {
        return Err(format!("{shown}: database must be an absolute path"));
    }
    Ok(settings)
}

/// Runs `work` with the user's own group instead of the team's: for every
/// file that is the user's (read or written). Without a team install it
/// just runs it.
pub fn as_user<T>(work: impl FnOnce() -> T) -> T {
    let Some(install) = current() else {
        return work();
    };
    // SAFETY: setegid(2) to the real group and back to the saved set-group
    // id, both of which a setgid process may always take; the C library
    // applies it to every thread.
    if unsafe { libc::setegid(libc::getgid()) } != 0 {
        // Cannot happen on Linux; if it did, the group is given up for good
        // rather than the user's file touched with the team's rights.
        drop_for_good();
        return work();
    }
    let result = work();
    // SAFETY: as above; back to the team's group (the saved set-group id).
    unsafe {
        libc::setegid(install.group);
    }
    result
}

/// Gives the team's group up for the rest of the process: the crash report
/// (written from the panic hook, which must not hold the team's rights) and
/// `tend demo` (a throwaway database of its own).
pub fn drop_for_good() {
    if current().is_none() {
        return;
    }
    // SAFETY: setresgid(2) to the real group id, which a process may always
    // take; afterwards the saved set-group id is gone too.
    unsafe {
        let real = libc::getgid();
        libc::setresgid(real, real, real);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn settings_changeable_by_others_than_root_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.toml");
        std::fs::write(&path, "database = \"/srv/tend/tend.db\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
        let refused = read_settings(&path).err().unwrap();
        assert!(refused.contains("root alone may change"), "{refused}");
    }

    #[test]
    fn a_relative_database_is_refused() {
        if unsafe { libc::geteuid() } != 0 {
            return; // the file must belong to root to get this far
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("team.toml");
        std::fs::write(&path, "database = \"tend.db\"\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(read_settings(&path).err().unwrap().contains("absolute"));
        std::fs::write(&path, "database = \"/srv/t.db\"\nextra = 1\n").unwrap();
        assert!(read_settings(&path).err().unwrap().contains("extra"));
        std::fs::write(&path, "database = \"/srv/t.db\"\n").unwrap();
        assert_eq!(
            read_settings(&path).unwrap().database,
            Path::new("/srv/t.db")
        );
    }

    #[test]
    fn without_an_install_work_runs_as_it_is() {
        assert_eq!(as_user(|| 7), 7);
    }
}
