//! Who may do what on a team's database: the four roles and their rights.
//!
//! A role is kept with each user in the database and changed only by an
//! admin through tend (`tend admin user`). What each role may see is its
//! reach (see `store::access_scope`); what it may do is a [`Right`].

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Works their own caseload; sees the patients of their teams.
    Coordinator,
    /// Leads teams: sees their patients and those not yet assigned, sets
    /// cover, reviews broken glass, reads the audit trail.
    Supervisor,
    /// Reads the audit trail, never a chart.
    Auditor,
    /// Runs the program: every patient, the users, imports.
    Admin,
}

/// Something a role may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// Open charts, caseloads, Today and search.
    ReadCharts,
    /// Change a chart: notes, tasks, goals, the record.
    WriteCharts,
    /// Read, verify and export the audit trail.
    ReadAudit,
    /// See patients no coordinator holds yet.
    SeeUnassigned,
    /// Set who covers whom.
    SetCover,
    /// Review what others opened by breaking the glass.
    ReviewGlass,
    /// Load patients in bulk: rosters, FHIR bundles, generated caseloads.
    Import,
    /// Give a patient to another coordinator.
    AssignPatients,
    /// Copy the whole database (`tend backup`).
    Backup,
    /// Add users, set their role and teams, deactivate them.
    ManageUsers,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Coordinator,
        Role::Supervisor,
        Role::Auditor,
        Role::Admin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Supervisor => "supervisor",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(code.trim()))
    }

    /// Whether this role has the right.
    pub fn may(self, right: Right) -> bool {
        use Right::*;
        match self {
            Role::Admin => true,
            Role::Supervisor => !matches!(right, ManageUsers | Backup),
            Role::Coordinator => matches!(right, ReadCharts | WriteCharts),
            Role::Auditor => right == ReadAudit,
        }
    }

    /// Whether the whole program is in reach, not only some teams'.
    pub fn sees_everyone(self) -> bool {
        self == Role::Admin
    }
}

impl Right {
    /// What the right lets one do, to finish "your role … may not …".
    pub fn describe(self) -> &'static str {
        match self {
            Right::ReadCharts => "open patients' records",
            Right::WriteCharts => "change patients' records",
            Right::ReadAudit => "read the audit trail",
            Right::SeeUnassigned => "see patients nobody holds yet",
            Right::SetCover => "set who covers whom",
            Right::ReviewGlass => "review records opened by breaking the glass",
            Right::Import => "load patients in bulk (imports and generated caseloads)",
            Right::AssignPatients => "give a patient to another coordinator",
            Right::Backup => "copy the whole database",
            Right::ManageUsers => "add or change users",
        }
    }
}

impl Right {
    /// Whether the right is to change something (so a refusal says that
    /// nothing was changed), not only to read.
    pub fn changes(self) -> bool {
        !matches!(
            self,
            Right::ReadCharts | Right::ReadAudit | Right::SeeUnassigned | Right::Backup
        )
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_auditor_reads_the_trail_and_no_chart() {
        assert!(Role::Auditor.may(Right::ReadAudit));
        assert!(!Role::Auditor.may(Right::ReadCharts));
        assert!(!Role::Auditor.may(Right::WriteCharts));
    }

    #[test]
    fn a_coordinator_works_charts_only() {
        assert!(Role::Coordinator.may(Right::ReadCharts));
        assert!(Role::Coordinator.may(Right::WriteCharts));
        for right in [
            Right::ReadAudit,
            Right::SeeUnassigned,
            Right::SetCover,
            Right::ReviewGlass,
            Right::Import,
            Right::AssignPatients,
            Right::Backup,
            Right::ManageUsers,
        ] {
            assert!(!Role::Coordinator.may(right), "{right:?}");
        }
    }

    #[test]
    fn only_an_admin_manages_users() {
        for role in Role::ALL {
            assert_eq!(role.may(Right::ManageUsers), role == Role::Admin, "{role}");
        }
        assert!(Role::Supervisor.may(Right::SetCover));
        assert!(Role::Supervisor.may(Right::ReviewGlass));
    }

    #[test]
    fn roles_read_back_from_their_codes() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code(" Supervisor "), Some(Role::Supervisor));
        assert_eq!(Role::from_code("root"), None);
    }
}
