//! Sentry (integration platform webhooks): how it signs, how it delivers,
//! and its events.
//!
//! Sentry names what a delivery is about in a header,
//! `Sentry-Hook-Resource` (`installation`, `event_alert`, `issue`,
//! `metric_alert`, `error`, `comment`), and the body says what happened:
//! `{ "action", "installation": { "uuid" }, "data": { … }, "actor" }`.
//! `data` stays JSON: its shape is the resource's.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, WebhookEvent};
use crate::error::{Error, HeaderError};
use crate::headers::Headers;
use crate::scheme::Scheme;

/// Sentry: `Sentry-Hook-Signature: <hex>`, the HMAC-SHA256 of the raw body
/// keyed with the integration's client secret as shown; events
/// [`SentryEvent`] (named by the unsigned `Sentry-Hook-Resource` header).
///
/// **Sentry signs no time**: `Sentry-Hook-Timestamp` is not part of what
/// is signed, so a replay could set it to anything, and it bounds nothing.
/// A captured delivery verifies forever; only duplicate detection refuses
/// its replay, by the signed content (the body), for as long as the store
/// remembers it. `Request-ID` is unsigned too: never the key.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sentry;

impl Provider for Sentry {
    const NAME: &'static str = "sentry";
    type Event = SentryEvent;
    fn scheme() -> Scheme {
        Scheme::body("sentry-hook-signature")
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Sentry's stored docs name no retry schedule (tests/vectors/facts/sentry.md: \
                 retries unconfirmed)",
    };
}

/// A Sentry delivery: the resource from the `Sentry-Hook-Resource` header
/// and the body's `action`, `installation`, `data` and `actor`.
///
/// Built from a verified delivery's headers and body by the verifier and
/// the extractors ([`WebhookEvent`]), or by [`from_parts`](Self::from_parts).
///
/// ```
/// use signed_webhooks::SentryEvent;
///
/// let body = br#"{"action":"created","installation":{"uuid":"a8e5d37a"},
///     "data":{"issue":{"id":"1117540176","title":"Error: Something went wrong"}},
///     "actor":{"type":"application","id":"sentry","name":"Sentry"}}"#;
/// let event = SentryEvent::from_parts("issue", body)?;
/// assert!(event.is("issue.created"));
/// assert_eq!(event.installation_uuid(), Some("a8e5d37a"));
/// assert_eq!(event.data["issue"]["id"], "1117540176");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SentryEvent {
    /// The resource, from the `Sentry-Hook-Resource` header: `issue`,
    /// `error`, `comment`, `installation`, `event_alert`, `metric_alert`.
    /// **Not signed**: whoever replays a captured delivery can change it
    /// (the body stays the one Sentry signed). Check what you act on in
    /// the body.
    pub resource: String,
    /// What happened: `created`, `resolved`, `assigned`, `triggered`, …
    pub action: Option<String>,
    /// The installation the delivery is for: `{ "uuid" }`.
    pub installation: Option<Value>,
    /// The resource's data, as JSON.
    pub data: Value,
    /// Who caused it: `{ "type", "id", "name" }`.
    pub actor: Option<Value>,
    /// Fields of the body this crate does not model, kept as they came.
    pub extra: Map<String, Value>,
}

/// The body, as Sentry sends it.
#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    installation: Option<Value>,
    #[serde(default)]
    data: Value,
    #[serde(default)]
    actor: Option<Value>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl SentryEvent {
    /// Builds the event from the `Sentry-Hook-Resource` header value and
    /// the (verified) body.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body is not a JSON object of Sentry's
    /// shape, with the JSON path that failed.
    pub fn from_parts(resource: &str, body: &[u8]) -> Result<Self, Error> {
        let Body {
            action,
            installation,
            data,
            actor,
            extra,
        } = crate::event::decode_event(body)?;
        Ok(SentryEvent {
            resource: resource.to_owned(),
            action,
            installation,
            data,
            actor,
            extra,
        })
    }

    /// The resource (`Sentry-Hook-Resource`: unsigned, see
    /// [`resource`](Self::resource)).
    pub fn event_type(&self) -> &str {
        &self.resource
    }

    /// The body's `action`, if any.
    pub fn action(&self) -> Option<&str> {
        self.action.as_deref()
    }

    /// The installation's `uuid`.
    pub fn installation_uuid(&self) -> Option<&str> {
        self.installation.as_ref()?.get("uuid")?.as_str()
    }

    /// Whether the event is `name`: a resource alone (`issue`, whatever
    /// the action) or a resource and action (`issue.created`).
    pub fn is(&self, name: &str) -> bool {
        match name.split_once('.') {
            Some((resource, action)) => self.resource == resource && self.action() == Some(action),
            None => self.resource == name,
        }
    }
}

/// The resource named by `Sentry-Hook-Resource` and the verified body.
impl WebhookEvent for SentryEvent {
    fn decode(body: &[u8], headers: &dyn Headers) -> Result<Self, Error> {
        let name = Cow::Borrowed("sentry-hook-resource");
        let value = crate::verify::single(&name, headers.first_two(&name))?;
        let resource = std::str::from_utf8(value).map_err(|_| Error::MalformedHeader {
            header: name.clone(),
            reason: HeaderError::InvalidCharacter,
        })?;
        SentryEvent::from_parts(resource.trim_matches([' ', '\t']), body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_comes_from_its_header() {
        let body =
            br#"{"action":"resolved","installation":{"uuid":"a8e5"},"data":{"issue":{"id":"1"}}}"#;
        let headers = [("Sentry-Hook-Resource", "issue")];
        let event = SentryEvent::decode(body, &headers).unwrap();
        assert!(event.is("issue.resolved") && event.is("issue") && !event.is("error"));
        assert_eq!(event.installation_uuid(), Some("a8e5"));
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            SentryEvent::decode(body, &none).unwrap_err().code(),
            "missing_signature_header"
        );
    }
}
