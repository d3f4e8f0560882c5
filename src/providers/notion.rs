//! Notion: how it signs, how it delivers, and its events.
//!
//! Notion's events (`page.created`, `page.content_updated`,
//! `database.schema_updated`, `comment.created`, …) share one envelope:
//! `{ "id", "timestamp", "workspace_id", "subscription_id",
//! "integration_id", "type", "authors", "attempt_number", "entity",
//! "data", … }`. A redelivery keeps the `id` and counts up
//! `attempt_number`, so its body (and signature) differ from the first
//! delivery's.
//!
//! When a subscription is created, Notion POSTs `{"verification_token":
//! "secret_…"}` once: that token is the signing key, pasted back into
//! Notion to activate the subscription. Whether that request is signed is
//! not confirmed; a receiver without the token yet cannot verify it
//! anyway, and reads it before any verifier exists. Should it verify, it
//! decodes as [`NotionEvent::Verification`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, WebhookEvent};
use crate::error::Error;
use crate::headers::Headers;
use crate::scheme::{DeliveryId, Scheme};

/// Notion: `X-Notion-Signature: sha256=<hex>`, the HMAC-SHA256 of the raw
/// body keyed with the subscription's `verification_token` as shown;
/// events [`NotionEvent`].
///
/// **Notion signs no time** in a header, and its SDK checks none: only
/// duplicate detection refuses a replay, for as long as the store
/// remembers it. (The body's `timestamp` is signed, but Notion's retry
/// span is not published, so no age bound is set on it.) Duplicates are
/// recognised by the body's signed `id`, which redeliveries keep; a body
/// without one (the verification request) by its content.
#[derive(Debug, Clone, Copy, Default)]
pub struct Notion;

impl Provider for Notion {
    const NAME: &'static str = "notion";
    type Event = NotionEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-notion-signature")
            .with_prefix("sha256=")
            .with_delivery_id(DeliveryId::BodyFieldOrBody("id"))
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Notion's SDK and stored docs name no retry schedule (tests/vectors/facts/notion.md: \
                 unconfirmed); a redelivery counts up the body's `attempt_number`",
    };
}

/// A request from Notion: an event, or the one-time verification request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum NotionEvent {
    /// An event of a subscription.
    Event(NotionEnvelope),
    /// `{"verification_token": …}`: the token to paste back into Notion to
    /// activate the subscription (and to verify its deliveries with).
    Verification {
        /// The subscription's verification token (`secret_…`).
        verification_token: String,
    },
}

/// A Notion event: `{ "id", "timestamp", "type", "entity", "data",
/// "attempt_number", … }`.
///
/// ```
/// use signed_webhooks::{NotionEvent, Notion, Provider, Signer, Verifier};
///
/// let body = br#"{"id":"367cba44-b6f3-4c92-81e7-6a2e9659efd4","timestamp":"2026-09-21T14:13:18.000Z",
///     "workspace_id":"13950b26","type":"page.created","attempt_number":1,
///     "entity":{"id":"153104cd","type":"page"},"data":{"parent":{"id":"13950b26","type":"space"}}}"#;
/// let token = "secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl";
/// let headers = Signer::<Notion>::new(token)?.sign(body);
/// let event: NotionEvent = Verifier::<Notion>::new(token)?.verify_event(&headers, body)?;
/// let NotionEvent::Event(event) = event else { panic!() };
/// assert_eq!(event.event_type(), "page.created");
/// assert_eq!(event.entity_id(), Some("153104cd"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NotionEnvelope {
    /// The event's id (a UUID), the key duplicates are recognised by.
    pub id: String,
    /// The event type, such as `page.created`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the event happened (ISO 8601), as sent.
    #[serde(default)]
    pub timestamp: Option<String>,
    /// Which delivery attempt this is, from 1.
    #[serde(default)]
    pub attempt_number: Option<u32>,
    /// What the event is about: `{ "id", "type" }` (a page, a database, a
    /// comment).
    #[serde(default)]
    pub entity: Option<Value>,
    /// The event's details, as JSON.
    #[serde(default)]
    pub data: Value,
    /// Fields this crate does not model (`workspace_id`, `authors`, …),
    /// kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl NotionEnvelope {
    /// The event's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The event type, such as `page.created`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The id of what the event is about (`entity.id`).
    pub fn entity_id(&self) -> Option<&str> {
        self.entity.as_ref()?.get("id")?.as_str()
    }
}

impl NotionEvent {
    /// The event type, or `verification` for the verification request.
    pub fn event_type(&self) -> &str {
        match self {
            NotionEvent::Event(event) => &event.event_type,
            NotionEvent::Verification { .. } => "verification",
        }
    }

    /// The event's id; `None` for the verification request.
    pub fn id(&self) -> Option<&str> {
        match self {
            NotionEvent::Event(event) => Some(&event.id),
            NotionEvent::Verification { .. } => None,
        }
    }
}

impl WebhookEvent for NotionEvent {
    fn decode(body: &[u8], _: &dyn Headers) -> Result<Self, Error> {
        #[derive(Deserialize)]
        struct Verification {
            verification_token: String,
            #[serde(rename = "type")]
            event_type: Option<Value>,
        }
        match serde_json::from_slice::<Verification>(body) {
            Ok(Verification {
                verification_token,
                event_type: None,
            }) => Ok(NotionEvent::Verification { verification_token }),
            _ => crate::event::decode_event(body).map(NotionEvent::Event),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_verification_request_and_events_decode() {
        let none: [(&str, &str); 0] = [];
        let verification =
            br#"{"verification_token":"secret_tMrlL1qK5vuQAh1b6cZGhFChZTSYJlce98V0pYn7yBl"}"#;
        let event = NotionEvent::decode(verification, &none).unwrap();
        assert_eq!(event.event_type(), "verification");
        assert_eq!(event.id(), None);
        let body = br#"{"id":"367cba44","type":"comment.created","attempt_number":2,"data":{},"new_field":[1]}"#;
        let event = NotionEvent::decode(body, &none).unwrap();
        assert_eq!(event.event_type(), "comment.created");
        assert_eq!(event.id(), Some("367cba44"));
        let NotionEvent::Event(envelope) = event else {
            panic!("an event")
        };
        assert_eq!(envelope.attempt_number, Some(2));
        assert_eq!(envelope.extra["new_field"], serde_json::json!([1]));
        assert!(NotionEvent::decode(br#"{"type":"page.created"}"#, &none).is_err());
    }
}
