//! Paddle Billing: how it signs, how it delivers, and its events.
//!
//! Paddle Billing's notifications are `{ "event_id", "event_type",
//! "occurred_at", "notification_id", "data" }`, such as
//! `transaction.completed` or `subscription.updated`; `data` is the entity
//! the event is about, kept as JSON. (Paddle Classic's form-encoded alerts,
//! signed with RSA, are another scheme, not this one.)

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, hours};
use crate::scheme::{DeliveryId, Part, Scheme};

/// Paddle Billing: `Paddle-Signature: ts=<unix>;h1=<hex>[;h1=<hex>…]`, each
/// `h1` the HMAC-SHA256 of `"{ts}:{body}"` keyed with the notification
/// destination's secret key as shown (`pdl_ntfset_…`, whole); events
/// [`PaddleEvent`].
///
/// The signed `ts` bounds a replay: within **5 s** of the receiver's clock,
/// past or future, as Paddle's SDKs enforce by default (Paddle's docs: "The
/// SDK helper methods enforce a five-second timestamp tolerance"; widen it
/// with `Verifier::with_tolerance` if your clock drifts). Duplicates are
/// recognised by the body's signed `event_id` (`evt_…`), kept across
/// retries, which are signed anew; a body without one (not a Paddle event)
/// by its SHA-256.
#[derive(Debug, Clone, Copy, Default)]
pub struct Paddle;

impl Provider for Paddle {
    const NAME: &'static str = "paddle";
    type Event = PaddleEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("paddle-signature")
            .with_pair_keys("ts", "h1")
            .with_item_separator(';')
            .with_signed_content([Part::Timestamp, Part::Literal(":"), Part::Body])
            .with_tolerance(Duration::from_secs(5))
            .with_delivery_id(DeliveryId::BodyFieldOrBody("event_id"))
    }
    const RETRIES: Retries = Retries::Within {
        span: hours(72),
        source: "Paddle's docs, \"Respond to webhooks\": live notifications are retried up to 60 \
                 times over 3 days with exponential backoff (sandbox: 3 times within 15 minutes); \
                 answer within 5 s",
    };
}

/// A Paddle Billing notification.
///
/// ```
/// use signed_webhooks::{decode_event, PaddleEvent};
///
/// let body = br#"{"event_id":"evt_01k5xq3n8b2c4d6e8f0g2h4j6k","event_type":"transaction.completed",
///     "occurred_at":"2026-09-21T14:13:18.734512Z","notification_id":"ntf_01k5xq3nb9c1d3e5f7g9h1j3k5",
///     "data":{"id":"txn_01k5xq2w4e6r8t0y2u4i6o8p0a","status":"completed"}}"#;
/// let event: PaddleEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "transaction.completed");
/// assert_eq!(event.id(), "evt_01k5xq3n8b2c4d6e8f0g2h4j6k");
/// assert_eq!(event.entity_id(), Some("txn_01k5xq2w4e6r8t0y2u4i6o8p0a"));
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaddleEvent {
    /// The event's id (`evt_…`), the same on every retry of it.
    pub event_id: String,
    /// The event type, such as `transaction.completed`.
    pub event_type: String,
    /// When the event happened (RFC 3339), as sent.
    #[serde(default)]
    pub occurred_at: Option<String>,
    /// The notification's id (`ntf_…`): one per event and destination.
    #[serde(default)]
    pub notification_id: Option<String>,
    /// The entity the event is about (a transaction, a subscription, …).
    #[serde(default)]
    pub data: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PaddleEvent {
    /// The event type, such as `transaction.completed`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The event's id (`event_id`).
    pub fn id(&self) -> &str {
        &self.event_id
    }

    /// The id of the entity the event is about (`data.id`).
    pub fn entity_id(&self) -> Option<&str> {
        self.data.get("id")?.as_str()
    }
}
