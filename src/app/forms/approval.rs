//! The payer's approval of a prior authorization (`m` then `a` in the
//! authorizations): the date of the notice, the units and dates
//! authorized, the payer's number. Saving moves the authorization to
//! approved, with its renewal as the next step when it has an end.

use chrono::NaiveDate;

use super::{FormSpec, OpenForm, Saved, Select};
use crate::app::form::{field_ids, Field, FieldKind, Form};
use crate::app::loops::{LoopKind, MoveTarget};
use crate::domain::authorization::AuthStatus;
use crate::store::{AuthMove, Store, StoreError};

field_ids! {
    pub enum ApprovalField {
        Notice,
        Units,
        From,
        Until,
        PayerRef,
    }
}

pub struct ApprovalForm {
    target: MoveTarget,
}

pub fn open(target: MoveTarget, item: &str, today: NaiveDate) -> OpenForm {
    OpenForm::new(
        ApprovalForm { target },
        format!("Approved: {}", crate::text::fit(item, 40)),
        today,
    )
}

impl FormSpec for ApprovalForm {
    type Id = ApprovalField;

    const WHAT: &'static str = "authorization";

    fn field(&self, id: ApprovalField) -> Field {
        use ApprovalField as F;
        match id {
            F::Notice => Field::new("Notice dated", FieldKind::Date, "today").required(),
            F::Units => Field::new("Units", FieldKind::Text, ""),
            F::From => Field::new("Authorized from", FieldKind::Date, ""),
            F::Until => Field::new("Authorized until", FieldKind::Date, ""),
            F::PayerRef => Field::new("Payer's number", FieldKind::Text, ""),
        }
    }

    fn check(&self, form: &Form) -> Result<(), String> {
        use ApprovalField as F;
        if let Some(units) = form.text(F::Units) {
            if !matches!(units.parse::<u32>(), Ok(1..)) {
                return Err("Units: a whole number, 1 or more".into());
            }
        }
        if let (Some(from), Some(until)) = (form.date(F::From), form.date(F::Until)) {
            if until < from {
                return Err("Authorized until is before authorized from".into());
            }
        }
        Ok(())
    }

    fn save(&self, form: &Form, store: &mut Store) -> Result<Saved, StoreError> {
        use ApprovalField as F;
        let change = AuthMove {
            to: AuthStatus::Approved,
            on: form.date(F::Notice),
            units: form.text(F::Units).and_then(|u| u.parse().ok()),
            authorized_from: form.date(F::From),
            authorized_until: form.date(F::Until),
            payer_ref: form.text(F::PayerRef),
            note: None,
        };
        let t = self.target;
        store
            .move_authorization(t.id, t.version, &change)
            // Shown in the form, which has nothing to reload: the list
            // shows the authorization as it now is once the form closes.
            .map_err(|e| match e {
                StoreError::Conflict(why) => StoreError::Refused(why),
                other => other,
            })?;
        let renewal = store
            .authorization(t.id)?
            .and_then(|a| a.next_due)
            .map(|due| format!("; its renewal is due {}", crate::domain::dates::show(due)))
            .unwrap_or_default();
        Ok(Saved {
            message: format!("Prior authorization approved{renewal}").into(),
            select: Some(Select::Loop {
                kind: LoopKind::Authorization,
                patient_id: t.patient_id,
                id: t.id,
            }),
        })
    }
}
