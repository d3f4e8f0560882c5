//! A JSON document kept in the order it was written, and written again the
//! ways receivers commonly re-serialize a parsed body: to find which of
//! them the sender signed.
//!
//! `serde_json::Value` cannot serve: without serde_json's `preserve_order`
//! feature (a choice of the user's build, not this crate's) it sorts the
//! keys of every object, which is one of the styles tried, not all of them.

use std::fmt;
use std::io;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Number;
use serde_json::ser::Formatter;

use super::JsonStyle;

/// A parsed JSON value whose objects keep their keys in document order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// Sorts the keys of every object, recursively, as Python's
    /// `sort_keys=True` and `serde_json::Value` do (by code point, which is
    /// the order of the UTF-8 bytes). The sort is stable: a repeated key
    /// keeps its occurrences in order.
    fn sort_keys(&mut self) {
        match self {
            Json::Array(items) => items.iter_mut().for_each(Json::sort_keys),
            Json::Object(entries) => {
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                entries.iter_mut().for_each(|(_, value)| value.sort_keys());
            }
            Json::Null | Json::Bool(_) | Json::Number(_) | Json::String(_) => {}
        }
    }

    fn write(&self, style: JsonStyle) -> Option<Vec<u8>> {
        match style {
            JsonStyle::Compact => serde_json::to_vec(self).ok(),
            JsonStyle::Pretty => serde_json::to_vec_pretty(self).ok(),
            JsonStyle::Spaced => {
                let mut out = Vec::new();
                let mut serializer = serde_json::Serializer::with_formatter(&mut out, Spaced);
                self.serialize(&mut serializer).ok()?;
                Some(out)
            }
        }
    }
}

/// The body re-serialized in every [`JsonStyle`], keys in document order
/// and then sorted: `(style, sorted_keys, bytes)`, six at most. Nothing
/// when the body is not JSON.
pub(crate) fn reserializations(body: &[u8]) -> Vec<(JsonStyle, bool, Vec<u8>)> {
    let Ok(document) = serde_json::from_slice::<Json>(body) else {
        return Vec::new();
    };
    let mut sorted = document.clone();
    sorted.sort_keys();
    let mut out = Vec::with_capacity(6);
    for (value, sorted_keys) in [(&document, false), (&sorted, true)] {
        for style in [JsonStyle::Compact, JsonStyle::Pretty, JsonStyle::Spaced] {
            if let Some(bytes) = value.write(style) {
                out.push((style, sorted_keys, bytes));
            }
        }
    }
    out
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Null => serializer.serialize_unit(),
            Json::Bool(value) => serializer.serialize_bool(*value),
            Json::Number(number) => number.serialize(serializer),
            Json::String(text) => serializer.serialize_str(text),
            Json::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Json, E> {
        Ok(Json::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Json, E> {
        Ok(Json::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Json, E> {
        Ok(Json::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Json, E> {
        Number::from_f64(value)
            .map(Json::Number)
            .ok_or_else(|| E::custom("a number that is not finite"))
    }

    fn visit_str<E>(self, value: &str) -> Result<Json, E> {
        Ok(Json::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Json, E> {
        Ok(Json::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, Json>()? {
            entries.push(entry);
        }
        Ok(Json::Object(entries))
    }
}

/// Python's `json.dumps` defaults: `", "` and `": "` separators, and every
/// character outside printable ASCII escaped as `\uXXXX` (`ensure_ascii`).
struct Spaced;

impl Formatter for Spaced {
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        for c in fragment.chars() {
            if (' '..='~').contains(&c) {
                w.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(w, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styles(body: &str) -> Vec<(JsonStyle, bool, String)> {
        reserializations(body.as_bytes())
            .into_iter()
            .map(|(style, sorted, bytes)| (style, sorted, String::from_utf8(bytes).unwrap()))
            .collect()
    }

    #[test]
    fn writes_the_styles_receivers_use() {
        // Expected texts: JSON.stringify(v), JSON.stringify(v, null, 2),
        // json.dumps(v) and json.dumps(v, sort_keys=True) in Python 3.
        let body = r#"{"b":[1,2.5,{"é":null}],"a":"x\u007f\n","c":true}"#;
        let got = styles(body);
        let expected = [
            (
                JsonStyle::Compact,
                false,
                "{\"b\":[1,2.5,{\"é\":null}],\"a\":\"x\u{7f}\\n\",\"c\":true}",
            ),
            (
                JsonStyle::Pretty,
                false,
                "{\n  \"b\": [\n    1,\n    2.5,\n    {\n      \"é\": null\n    }\n  ],\n  \"a\": \"x\u{7f}\\n\",\n  \"c\": true\n}",
            ),
            (
                JsonStyle::Spaced,
                false,
                r#"{"b": [1, 2.5, {"\u00e9": null}], "a": "x\u007f\n", "c": true}"#,
            ),
            (
                JsonStyle::Compact,
                true,
                "{\"a\":\"x\u{7f}\\n\",\"b\":[1,2.5,{\"é\":null}],\"c\":true}",
            ),
        ];
        for (style, sorted, text) in expected {
            assert!(
                got.contains(&(style, sorted, text.to_owned())),
                "{style:?} sorted={sorted}: {got:#?}"
            );
        }
        assert_eq!(got.len(), 6);
    }

    #[test]
    fn escapes_astral_characters_as_surrogate_pairs() {
        let got = styles(r#"["😀"]"#);
        assert!(got.contains(&(JsonStyle::Spaced, false, r#"["\ud83d\ude00"]"#.to_owned())));
    }

    #[test]
    fn nothing_for_a_body_that_is_not_json() {
        assert!(reserializations(b"not json").is_empty());
        assert!(reserializations(b"{\"a\":1} trailing").is_empty());
        assert!(reserializations(b"").is_empty());
    }
}
