//! Reading a resource's JSON with the path of every element at hand, so a
//! problem names the element (`name[0].family is missing`) and never the
//! value found there, which may be patient data.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

/// What is wrong with an element, worded for the user: "birthDate is missing".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

pub type Read<T> = Result<T, Problem>;

/// An element of a resource (or its absence) and where it is.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    value: Option<&'a Value>,
    path: String,
}

impl<'a> Node<'a> {
    pub fn root(value: &'a Value) -> Node<'a> {
        Node {
            value: Some(value),
            path: String::new(),
        }
    }

    pub fn path(&self) -> &str {
        if self.path.is_empty() {
            "the resource"
        } else {
            &self.path
        }
    }

    pub fn problem(&self, what: &str) -> Problem {
        Problem(format!("{} {what}", self.path()))
    }

    pub fn is_present(&self) -> bool {
        self.value.is_some_and(|v| !v.is_null())
    }

    pub fn value(&self) -> Option<&'a Value> {
        self.value.filter(|v| !v.is_null())
    }

    pub fn field(&self, key: &str) -> Node<'a> {
        Node {
            value: self.value.and_then(|v| v.get(key)),
            path: self.child_path(key),
        }
    }

    fn child_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The items of a list (none when absent).
    pub fn items(&self) -> Read<Vec<Node<'a>>> {
        match self.value() {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, value)| Node {
                    value: Some(value),
                    path: format!("{}[{i}]", self.path),
                })
                .collect()),
            Some(_) => Err(self.problem("is not a list")),
        }
    }

    /// The first item of a list, or an absent node.
    pub fn first(&self) -> Read<Node<'a>> {
        Ok(self.items()?.into_iter().next().unwrap_or(Node {
            value: None,
            path: format!("{}[0]", self.path),
        }))
    }

    pub fn opt_str(&self) -> Read<Option<&'a str>> {
        match self.value() {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.problem("is not text")),
        }
    }

    pub fn str(&self) -> Read<&'a str> {
        self.opt_str()?.ok_or_else(|| self.problem("is missing"))
    }

    pub fn opt_string(&self) -> Read<Option<String>> {
        Ok(self.opt_str()?.map(str::to_string))
    }

    pub fn opt_bool(&self) -> Read<Option<bool>> {
        match self.value() {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.problem("is not true or false")),
        }
    }

    pub fn opt_i64(&self) -> Read<Option<i64>> {
        match self.value() {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.problem("is not a whole number")),
        }
    }

    pub fn opt_f64(&self) -> Read<Option<f64>> {
        match self.value() {
            None => Ok(None),
            Some(v) => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| self.problem("is not a number")),
        }
    }

    /// A full date: tend keeps days, not FHIR's partial dates.
    pub fn opt_date(&self) -> Read<Option<NaiveDate>> {
        match self.opt_str()? {
            None => Ok(None),
            Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .filter(|_| text.len() == 10)
                .map(Some)
                .ok_or_else(|| self.problem("is not a full date (YYYY-MM-DD)")),
        }
    }

    pub fn date(&self) -> Read<NaiveDate> {
        self.opt_date()?.ok_or_else(|| self.problem("is missing"))
    }

    /// An instant with its offset (FHIR dateTime with a time), as UTC.
    pub fn opt_instant(&self) -> Read<Option<DateTime<Utc>>> {
        match self.opt_str()? {
            None => Ok(None),
            Some(text) => DateTime::parse_from_rfc3339(text)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|_| self.problem("is not a date and time with its offset")),
        }
    }

    /// One of tend's codes, read with `from_code`; the problem lists `allowed`.
    pub fn opt_code<T>(
        &self,
        from_code: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Read<Option<T>> {
        match self.opt_str()? {
            None => Ok(None),
            Some(code) => from_code(code)
                .map(Some)
                .ok_or_else(|| self.problem(&format!("is not one of {}", allowed.join(", ")))),
        }
    }

    /// The extension with this URL among this element's extensions (an
    /// absent node when there is none).
    pub fn extension(&self, url: &str) -> Read<Node<'a>> {
        let mut found = None;
        for ext in self.field("extension").items()? {
            if ext.field("url").opt_str()? == Some(url) {
                if found.is_some() {
                    return Err(ext.problem(&format!("repeats the extension {url}")));
                }
                found = Some(ext);
            }
        }
        Ok(found.unwrap_or(Node {
            value: None,
            path: self.child_path(&format!("extension({url})")),
        }))
    }

    /// In a CodeableConcept, the code of its coding from `system`.
    pub fn code_from(&self, system: &str) -> Read<Option<Node<'a>>> {
        for coding in self.field("coding").items()? {
            if coding.field("system").opt_str()? == Some(system) {
                return Ok(Some(coding.field("code")));
            }
        }
        Ok(None)
    }

    /// A CodeableConcept's words: its text, else its first coding's display.
    pub fn concept_text(&self) -> Read<Option<&'a str>> {
        if let Some(text) = self.field("text").opt_str()? {
            return Ok(Some(text));
        }
        for coding in self.field("coding").items()? {
            if let Some(display) = coding.field("display").opt_str()? {
                return Ok(Some(display));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn problems_name_the_path_and_never_the_value() {
        let value = json!({"name": [{"family": 7}], "birthDate": "1970-02-30", "gender": "f"});
        let root = Node::root(&value);
        let family = root.field("name").first().unwrap().field("family");
        assert_eq!(family.str().unwrap_err().0, "name[0].family is not text");
        assert_eq!(
            root.field("birthDate").date().unwrap_err().0,
            "birthDate is not a full date (YYYY-MM-DD)"
        );
        assert_eq!(
            root.field("deceased").date().unwrap_err().0,
            "deceased is missing"
        );
        let gender = root
            .field("gender")
            .opt_code(|c| (c == "female").then_some(1), &["female", "male"]);
        assert_eq!(gender.unwrap_err().0, "gender is not one of female, male");
        assert_eq!(
            Node::root(&json!({"d": "2026-11"}))
                .field("d")
                .opt_date()
                .unwrap_err()
                .0,
            "d is not a full date (YYYY-MM-DD)"
        );
    }

    #[test]
    fn extensions_are_found_by_url_once() {
        let value = json!({"extension": [
            {"url": "a", "valueBoolean": true},
            {"url": "b", "valueString": "x"},
            {"url": "b", "valueString": "y"}
        ]});
        let root = Node::root(&value);
        let a = root.extension("a").unwrap();
        assert_eq!(a.field("valueBoolean").opt_bool().unwrap(), Some(true));
        assert!(!root.extension("c").unwrap().is_present());
        assert_eq!(
            root.extension("b").unwrap_err().0,
            "extension[2] repeats the extension b"
        );
    }
}
