//! A JSON document read as it streams: a Bundle's entries handed over one
//! at a time as the parser reaches them, so a bundle of a million entries
//! takes the memory of one; anything else (a lone resource, a Bundle's
//! own fields) kept whole, being small.

use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// What the document held besides the entries it handed over: its other
/// top-level fields (a lone resource whole), and how many entries there
/// were.
pub struct Rest {
    pub fields: Map<String, Value>,
    pub entries: usize,
}

/// Why reading stopped: the JSON was bad, or the entry's handler said so.
pub enum Stop {
    Json(serde_json::Error),
    Handler(String),
}

/// Reads the JSON document from `reader`, calling `entry` with each item
/// of its top-level `entry` list (its place in it, and its JSON text) as
/// it is parsed.
pub fn read(
    reader: impl Read,
    entry: &mut dyn FnMut(usize, &RawValue) -> Result<(), String>,
) -> Result<Rest, Stop> {
    let mut stopped = None;
    let mut deserializer = serde_json::Deserializer::from_reader(reader);
    let document = Document {
        entry,
        stopped: &mut stopped,
    };
    let rest = document.deserialize(&mut deserializer);
    if let Some(why) = stopped {
        return Err(Stop::Handler(why));
    }
    let rest = rest.map_err(Stop::Json)?;
    deserializer.end().map_err(Stop::Json)?;
    Ok(rest)
}

struct Document<'h> {
    entry: &'h mut dyn FnMut(usize, &RawValue) -> Result<(), String>,
    stopped: &'h mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = Rest;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Rest, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = Rest;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Rest, A::Error> {
        let mut fields = Map::new();
        let mut entries = 0;
        while let Some(key) = map.next_key::<String>()? {
            if key == "entry" {
                entries = map.next_value_seed(Entries {
                    entry: &mut *self.entry,
                    stopped: &mut *self.stopped,
                })?;
            } else {
                let value: Value = map.next_value()?;
                fields.insert(key, value);
            }
        }
        Ok(Rest { fields, entries })
    }
}

struct Entries<'h> {
    entry: &'h mut dyn FnMut(usize, &RawValue) -> Result<(), String>,
    stopped: &'h mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for Entries<'_> {
    type Value = usize;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Entries<'_> {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of entries")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut index = 0;
        // Each entry as its text: the handler reads what it needs of it
        // (most of a pass's entries are not of the types it wants).
        while let Some(value) = seq.next_element::<Box<RawValue>>()? {
            if let Err(why) = (self.entry)(index, &value) {
                *self.stopped = Some(why);
                // The handler's reason is kept; the parser is stopped with
                // an error of its own, never shown.
                return Err(de::Error::custom("stopped"));
            }
            index += 1;
        }
        Ok(index)
    }

    // `entry` that is not a list: nothing to hand over (the Bundle's
    // reader says what is wrong with it).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(0)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<usize, E> {
        Ok(0)
    }

    fn visit_unit<E: de::Error>(self) -> Result<usize, E> {
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries_of(text: &str) -> (Vec<(usize, Value)>, Result<Rest, Stop>) {
        let mut seen = Vec::new();
        let rest = read(text.as_bytes(), &mut |i, v| {
            seen.push((i, serde_json::from_str(v.get()).unwrap()));
            Ok(())
        });
        (seen, rest)
    }

    #[test]
    fn a_bundles_entries_come_one_at_a_time_and_its_other_fields_whole() {
        let (seen, rest) = entries_of(
            r#"{"resourceType": "Bundle", "entry": [{"a": 1}, {"b": [2]}], "type": "collection"}"#,
        );
        let rest = rest.ok().unwrap();
        assert_eq!(
            seen,
            [
                (0, serde_json::json!({"a": 1})),
                (1, serde_json::json!({"b": [2]}))
            ]
        );
        assert_eq!(rest.entries, 2);
        assert_eq!(rest.fields["type"], "collection");
        assert!(!rest.fields.contains_key("entry"));
    }

    #[test]
    fn a_lone_resource_is_kept_whole_and_bad_json_or_a_handlers_no_stops_it() {
        let (seen, rest) = entries_of(r#"{"resourceType": "Patient", "id": "p"}"#);
        assert!(seen.is_empty());
        assert_eq!(rest.ok().unwrap().fields["id"], "p");
        assert!(matches!(
            entries_of(r#"{"entry": [1, }"#).1,
            Err(Stop::Json(_))
        ));
        assert!(matches!(
            entries_of(r#"{"a": 1} {"b": 2}"#).1,
            Err(Stop::Json(_))
        ));
        let stopped = read(r#"{"entry": [1, 2, 3]}"#.as_bytes(), &mut |i, _| {
            if i == 1 {
                Err("no".into())
            } else {
                Ok(())
            }
        });
        assert!(matches!(stopped, Err(Stop::Handler(why)) if why == "no"));
    }
}
