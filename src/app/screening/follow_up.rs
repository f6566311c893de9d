//! What a signed screening calls for, offered one key each: the fuller
//! instrument a positive short screen leads to (PHQ-2 → PHQ-9), and the
//! need for the care plan a positive social-needs domain names.

use super::view::{CarriedAnswer, ScreeningView};
use crate::domain::care_plan::NeedDomain;
use crate::domain::instrument::{Instrument, RuleAction};

/// One thing the answers call for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    /// Start this instrument now.
    Offer {
        instrument: String,
        name: String,
        why: String,
    },
    /// Add this need to the care plan.
    Need { domain: NeedDomain, why: String },
}

impl FollowUp {
    /// As the list shows it.
    pub fn line(&self) -> String {
        match self {
            FollowUp::Offer { name, why, .. } => format!("Start the {name} now — {why}"),
            FollowUp::Need { domain, why } => {
                format!("Add a {} need to the care plan — {why}", domain.label())
            }
        }
    }
}

/// The follow-ups of one signed screening, with the one selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUps {
    pub patient_id: i64,
    /// The screening's instrument, for the heading.
    pub instrument: String,
    pub items: Vec<FollowUp>,
    pub selected: usize,
    /// The signed screening's coded answers, carried into an instrument
    /// started from here.
    pub carried: Vec<CarriedAnswer>,
}

impl FollowUps {
    /// What the view's answers fire: an offer of an instrument that is
    /// loaded, a need; each once.
    pub fn of(view: &ScreeningView, loaded: &[Instrument]) -> FollowUps {
        let mut items: Vec<FollowUp> = Vec::new();
        for rule in view.score().fired {
            let item = match &rule.action {
                RuleAction::Offer(id) => match loaded.iter().find(|i| &i.id == id) {
                    Some(next) => FollowUp::Offer {
                        instrument: next.id.clone(),
                        name: next.name.clone(),
                        why: rule.message.clone(),
                    },
                    None => continue,
                },
                RuleAction::Need(domain) => FollowUp::Need {
                    domain: *domain,
                    why: rule.message.clone(),
                },
                RuleAction::Safety | RuleAction::Positive => continue,
            };
            let already = items.iter().any(|have| match (have, &item) {
                (FollowUp::Offer { instrument: a, .. }, FollowUp::Offer { instrument: b, .. }) => {
                    a == b
                }
                (FollowUp::Need { domain: a, .. }, FollowUp::Need { domain: b, .. }) => a == b,
                _ => false,
            });
            if !already {
                items.push(item);
            }
        }
        FollowUps {
            patient_id: view.patient_id,
            instrument: view.instrument.name.clone(),
            items,
            selected: 0,
            carried: view.carried(),
        }
    }
}
