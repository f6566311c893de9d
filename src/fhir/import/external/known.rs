//! What the input says before its patients are read: each patient's
//! coverage (their member ID may be its subscriber ID), and the names of
//! the people, organizations and medications its other resources refer to.

use serde_json::Value;

use super::{input, map, plan, reference_key, Node, Run};

impl Run<'_> {
    /// One Coverage, Practitioner, Organization, RelatedPerson or
    /// Medication of the first pass.
    pub(super) fn known(&mut self, item: input::Item) -> Result<(), String> {
        match item.resource["resourceType"].as_str() {
            Some("Coverage") => self.coverage(item),
            Some("Medication") => {
                self.medication_name(item);
                Ok(())
            }
            Some("Condition") => {
                self.encounter_diagnosis(item);
                Ok(())
            }
            _ => {
                self.person(item);
                Ok(())
            }
        }
    }

    /// An encounter diagnosis, for the encounter that lists it or that it
    /// names. One tend cannot read is a problem of the second pass, which
    /// reads every Condition.
    fn encounter_diagnosis(&mut self, item: input::Item) {
        let Ok(Some((encounter, diagnosis))) =
            map::encounter_diagnosis(&Node::root(&item.resource))
        else {
            return;
        };
        let mut keys = Vec::new();
        if let Some(url) = &item.full_url {
            keys.push(reference_key(url));
        }
        if let Some(id) = item.resource.get("id").and_then(Value::as_str) {
            keys.push(format!("Condition/{id}"));
        }
        for key in &keys {
            self.diagnoses.insert(key.clone(), diagnosis.clone());
        }
        if let (Some(encounter), Some(key)) = (encounter, keys.into_iter().next()) {
            self.diagnoses_of
                .entry(reference_key(&encounter))
                .or_default()
                .push(key);
        }
    }

    /// A Medication's name, for the requests and statements that refer to
    /// it.
    fn medication_name(&mut self, item: input::Item) {
        let node = Node::root(&item.resource);
        let Ok(Some(name)) = node.field("code").concept_text() else {
            return;
        };
        if let Some(url) = &item.full_url {
            self.medications
                .insert(reference_key(url), name.to_string());
        }
        if let Some(id) = item.resource.get("id").and_then(Value::as_str) {
            self.medications
                .insert(format!("Medication/{id}"), name.to_string());
        }
    }

    /// A name a care team may refer to; one without a name, or of a shape
    /// tend cannot read, is not needed until a care team names it.
    fn person(&mut self, item: input::Item) {
        let kind = item.resource["resourceType"].as_str().unwrap_or_default();
        if let Ok(Some(found)) = plan::person(&Node::root(&item.resource)) {
            if let Some(url) = &item.full_url {
                self.people.insert(reference_key(url), found.clone());
            }
            if let Some(id) = item.resource.get("id").and_then(Value::as_str) {
                self.people.insert(format!("{kind}/{id}"), found);
            }
        }
    }

    fn coverage(&mut self, item: input::Item) -> Result<(), String> {
        Self::r4_only(&item, "Coverage")?;
        match map::coverage(&Node::root(&item.resource), self.today) {
            Ok(Ok((beneficiary, covered))) => {
                self.report.coverages += 1;
                let held = self
                    .coverages
                    .entry(reference_key(&beneficiary))
                    .or_default();
                // The first coverage names the plan and the subscriber; a
                // Medicaid one, wherever it comes, the Medicaid ID.
                held.subscriber_id = held.subscriber_id.take().or(covered.subscriber_id);
                held.plan_name = held.plan_name.take().or(covered.plan_name);
                held.medicaid_id = held.medicaid_id.take().or(covered.medicaid_id);
            }
            Ok(Err(why)) => {
                *self
                    .report
                    .passed_over
                    .entry(format!("Coverage ({why})"))
                    .or_default() += 1;
            }
            Err(problem) => self.problem(&item.place, &problem.0),
        }
        Ok(())
    }
    /// The diagnoses of the Encounter `item`, principal first: those its
    /// `diagnosis` list names (by rank), then those that name it.
    pub(super) fn stay_diagnoses(
        &self,
        item: &input::Item,
    ) -> Vec<crate::domain::encounter::Diagnosis> {
        let mut listed: Vec<(i64, String)> = Vec::new();
        if let Some(list) = item.resource.get("diagnosis").and_then(Value::as_array) {
            for (i, entry) in list.iter().enumerate() {
                let rank = entry
                    .get("rank")
                    .and_then(Value::as_i64)
                    .unwrap_or(1000 + i as i64);
                if let Some(r) = entry
                    .pointer("/condition/reference")
                    .and_then(Value::as_str)
                {
                    listed.push((rank, reference_key(r)));
                }
            }
        }
        listed.sort_by_key(|(rank, _)| *rank);
        let mut keys: Vec<String> = listed.into_iter().map(|(_, key)| key).collect();
        let mut own = Vec::new();
        if let Some(url) = &item.full_url {
            own.push(reference_key(url));
        }
        if let Some(id) = item.resource.get("id").and_then(Value::as_str) {
            own.push(format!("Encounter/{id}"));
        }
        for key in own {
            keys.extend(self.diagnoses_of.get(&key).into_iter().flatten().cloned());
        }
        let mut diagnoses: Vec<crate::domain::encounter::Diagnosis> = Vec::new();
        for key in keys {
            if let Some(d) = self.diagnoses.get(&key) {
                if !diagnoses.iter().any(|known| known.code == d.code) {
                    diagnoses.push(d.clone());
                }
            }
        }
        diagnoses
    }
}
