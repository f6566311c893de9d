//! Small builders for the FHIR datatypes the resources are made of, and the
//! pruning that makes `json!` with optional fields valid FHIR.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{json, Value};

/// Removes what FHIR forbids an absent value to be written as: `null`, empty
/// strings, arrays and objects, and extensions left with no value (so an
/// address with no part, or an optional field that is `None`, simply is not
/// there). Object keys keep their order.
pub fn prune(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, prune(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(prune)
                .filter(|v| !is_empty(v))
                .collect(),
        ),
        other => other,
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        // An extension whose value was pruned away is no extension at all.
        Value::Object(o) => o.is_empty() || (o.len() == 1 && o.contains_key("url")),
        _ => false,
    }
}

pub fn reference(to: String) -> Value {
    json!({ "reference": to })
}

pub fn coding(system: &str, code: &str, display: Option<&str>) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

/// A CodeableConcept of one coding.
pub fn concept(system: &str, code: &str, display: Option<&str>) -> Value {
    json!({ "coding": [coding(system, code, display)] })
}

pub fn text_concept(text: &str) -> Value {
    json!({ "text": text })
}

/// An extension with one value, or nothing when there is no value.
pub fn extension(url: &str, value_key: &str, value: Option<Value>) -> Value {
    match value {
        Some(value) => json!({ "url": url, value_key: value }),
        None => Value::Null,
    }
}

pub fn date(d: NaiveDate) -> Value {
    Value::String(d.format("%Y-%m-%d").to_string())
}

pub fn instant(at: DateTime<Utc>) -> Value {
    Value::String(at.to_rfc3339_opts(SecondsFormat::Secs, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_drops_what_is_absent_and_keeps_order() {
        let value = json!({
            "b": null, "z": 1, "a": [], "m": {"x": null}, "s": "", "k": [null, {"y": 2}], "f": false,
            "extension": [{"url": "u", "valueString": ""}]
        });
        assert_eq!(
            serde_json::to_string(&prune(value)).unwrap(),
            r#"{"z":1,"k":[{"y":2}],"f":false}"#
        );
    }
}
