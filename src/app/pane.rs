//! The four panes.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaneId {
    Caseload,
    Patient,
    Goals,
    Tasks,
}

impl PaneId {
    /// In focus order; `1`–`4` jump to them.
    pub const ALL: [PaneId; 4] = [
        PaneId::Caseload,
        PaneId::Patient,
        PaneId::Goals,
        PaneId::Tasks,
    ];

    pub fn number(self) -> usize {
        PaneId::ALL.iter().position(|p| *p == self).unwrap_or(0) + 1
    }

    pub fn next(self) -> PaneId {
        PaneId::ALL[self.number() % PaneId::ALL.len()]
    }

    pub fn prev(self) -> PaneId {
        PaneId::ALL[(self.number() + PaneId::ALL.len() - 2) % PaneId::ALL.len()]
    }

    /// Whether the pane is a list whose selection chooses the patient the
    /// detail panes show.
    pub fn is_patient_list(self) -> bool {
        matches!(self, PaneId::Caseload | PaneId::Tasks)
    }

    pub fn title(self) -> &'static str {
        match self {
            PaneId::Caseload => "Caseload",
            PaneId::Patient => "Patient",
            PaneId::Goals => "Care plan",
            PaneId::Tasks => "Today",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PaneId;

    #[test]
    fn focus_cycles_through_all_four_panes_both_ways() {
        let mut pane = PaneId::Caseload;
        for expected in [
            PaneId::Patient,
            PaneId::Goals,
            PaneId::Tasks,
            PaneId::Caseload,
        ] {
            pane = pane.next();
            assert_eq!(pane, expected);
        }
        assert_eq!(PaneId::Caseload.prev(), PaneId::Tasks);
        assert_eq!(PaneId::Patient.prev(), PaneId::Caseload);
    }
}
