//! The few top-level fields of a signed body the verifier reads itself:
//! the event id a provider keeps across retries, and the time it emitted
//! the event.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::Error;
use crate::scheme::TimeFormat;
use crate::time::parse_rfc3339;
use crate::verify::missing_field;

/// The top-level `field` of the signed JSON body, a non-blank string or a
/// number, as text.
pub(crate) fn id(body: &[u8], field: &str) -> Result<String, Error> {
    match top_level(body, field) {
        Some(Value::Text(text)) if !text.trim().is_empty() => Ok(text.into_owned()),
        Some(Value::Text(_)) => Err(missing_field(
            field,
            "the event id is empty; duplicate deliveries could not be recognised",
        )),
        Some(Value::Integer(number)) => Ok(number.to_string()),
        _ => Err(missing_field(
            field,
            "the signed body has no event id (a string or an integer) where the provider puts it",
        )),
    }
}

/// The top-level `field` of the signed JSON body as Unix seconds: RFC 3339
/// text, or a number of seconds (of milliseconds, when `format` says so).
pub(crate) fn timestamp(body: &[u8], field: &str, format: TimeFormat) -> Result<i64, Error> {
    match top_level(body, field) {
        Some(Value::Text(text)) => parse_rfc3339(&text),
        Some(Value::Integer(millis)) if format == TimeFormat::UnixMillis => {
            Some(millis.div_euclid(1000))
        }
        Some(Value::Integer(seconds)) => Some(seconds),
        None => None,
    }
    .ok_or_else(|| {
        missing_field(
            field,
            "the signed body has no time (RFC 3339 text or Unix seconds) where the provider puts \
             the event's emission time",
        )
    })
}

/// Where the value of the top-level `field` lies in the JSON body, as a
/// byte range; `None` when the body is not a JSON object, or has the field
/// twice or not at all.
pub(crate) fn value_span(body: &[u8], field: &str) -> Option<Range<usize>> {
    let raw: &RawValue = field_of(body, field)?;
    // The raw value is borrowed from `body`: its offset is where it lies.
    let start = (raw.get().as_ptr() as usize).checked_sub(body.as_ptr() as usize)?;
    let end = start.checked_add(raw.get().len())?;
    (end <= body.len()).then_some(start..end)
}

enum Value<'a> {
    Text(Cow<'a, str>),
    Integer(i64),
}

/// The value of a top-level field of a JSON object, when it is text or an
/// integer; `None` for anything else, or when the body is not a JSON object.
fn top_level<'a>(body: &'a [u8], field: &str) -> Option<Value<'a>> {
    field_of::<Scalar<'a>>(body, field)?.0
}

/// The top-level `field` of a JSON object, deserialized as `T`; `None`
/// when the body is not one object, or has the field twice or not at all.
fn field_of<'a, T: Deserialize<'a>>(body: &'a [u8], field: &str) -> Option<T> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let value = FieldSeed(field, PhantomData).deserialize(&mut json).ok()?;
    json.end().ok()?;
    value
}

struct FieldSeed<'f, T>(&'f str, PhantomData<T>);

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for FieldSeed<'_, T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for FieldSeed<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        while let Some(is_field) = map.next_key_seed(IsField(self.0))? {
            if is_field {
                if found.is_some() {
                    return Err(de::Error::duplicate_field("the field read"));
                }
                found = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// Whether a key is the field read, compared where it lies (or, escaped,
/// in the parser's scratch space): a key deserialized as `Cow<str>` is
/// always an owned copy, one allocation per key of the body.
struct IsField<'f>(&'f str);

impl<'de> DeserializeSeed<'de> for IsField<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsField<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(key == self.0)
    }
}

/// Text or an integer; anything else is `None`.
struct Scalar<'a>(Option<Value<'a>>);

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text or an integer")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar(Some(Value::Text(Cow::Borrowed(text)))))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(Scalar(Some(Value::Text(Cow::Owned(text.to_owned())))))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                Ok(Scalar(Some(Value::Integer(n))))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                Ok(Scalar(i64::try_from(n).ok().map(Value::Integer)))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Scalar(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Scalar(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar(None))
            }
        }
        deserializer.deserialize_any(ScalarVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_the_top_level_only() {
        assert_eq!(id(br#"{"type":"x","id":"evt_1"}"#, "id").unwrap(), "evt_1");
        assert_eq!(id(br#"{"id":"evt_\u0031"}"#, "id").unwrap(), "evt_1");
        assert_eq!(id(br#"{"id":42}"#, "id").unwrap(), "42");
        for body in [
            &br#"{"data":{"id":"inner"}}"#[..],
            br#"{"id":""}"#,
            br#"{"id":"  "}"#,
            br#"{"id":null}"#,
            br#"{"id":1.5}"#,
            br#"{"id":"a","id":"b"}"#,
            b"[1]",
            b"{}x",
            b"not json",
        ] {
            let error = id(body, "id").unwrap_err();
            assert_eq!(error.code(), "invalid_event", "{body:?}");
        }
    }

    #[test]
    fn a_value_span_is_where_the_top_level_value_lies() {
        fn span(body: &[u8]) -> Option<&[u8]> {
            value_span(body, "t").map(|span| &body[span])
        }
        assert_eq!(
            span(br#"{"a":{"t":1},"t":1700000000123}"#),
            Some(&b"1700000000123"[..])
        );
        assert_eq!(
            span(br#"{ "\u0074" :  "2026-12-05T10:00:00Z" }"#),
            Some(&br#""2026-12-05T10:00:00Z""#[..])
        );
        assert_eq!(span(br#"{"t":{"x":[1,2]}}"#), Some(&br#"{"x":[1,2]}"#[..]));
        for body in [
            &br#"{"a":{"t":1}}"#[..],
            br#"{"t":1,"t":2}"#,
            br#"[{"t":1}]"#,
            br#"{"t":1}x"#,
            b"",
        ] {
            assert_eq!(span(body), None, "{body:?}");
        }
    }

    #[test]
    fn times_are_rfc3339_or_seconds() {
        let seconds = |body: &[u8]| timestamp(body, "timestamp", TimeFormat::UnixSeconds);
        assert_eq!(
            seconds(br#"{"timestamp":"2026-04-17T14:23:05Z"}"#).unwrap(),
            1_776_435_785
        );
        assert_eq!(
            seconds(br#"{"timestamp":1776435785}"#).unwrap(),
            1_776_435_785
        );
        for body in [
            &br#"{"timestamp":"yesterday"}"#[..],
            br#"{"timestamp":null}"#,
            br#"{"time":"2026-04-17T14:23:05Z"}"#,
        ] {
            assert!(seconds(body).is_err(), "{body:?}");
        }
    }

    /// Linear's `webhookTimestamp` is in milliseconds: read as such only
    /// when the scheme says so (as seconds it would be 55,000 years ahead).
    #[test]
    fn times_in_milliseconds_when_the_scheme_says_so() {
        let body = br#"{"webhookTimestamp":1776435785123}"#;
        assert_eq!(
            timestamp(body, "webhookTimestamp", TimeFormat::UnixMillis).unwrap(),
            1_776_435_785
        );
        assert_eq!(
            timestamp(body, "webhookTimestamp", TimeFormat::UnixSeconds).unwrap(),
            1_776_435_785_123
        );
    }
}
