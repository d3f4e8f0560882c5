//! Lemon Squeezy: how it signs, how it delivers, and its events.
//!
//! A delivery is a JSON:API resource with the event in `meta`: `{ "meta": {
//! "event_name", "test_mode", "custom_data", "webhook_id" }, "data": {
//! "type", "id", "attributes", "relationships", "links" } }`. The
//! `X-Event-Name` header repeats `meta.event_name`, unsigned; the body's is
//! signed. There is no event id.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::scheme::Scheme;
use std::time::Duration;

/// Lemon Squeezy: `X-Signature: <hex>`, the HMAC-SHA256 of the raw body
/// keyed with the webhook's signing secret as chosen (6 to 40 characters);
/// events [`LemonSqueezyEvent`].
///
/// **Lemon Squeezy signs no time**: a captured delivery verifies forever.
/// Only duplicate detection refuses its replay, by the signed content (the
/// body, which Lemon Squeezy's retries resend), for as long as the store
/// remembers it. No header names a delivery.
#[derive(Debug, Clone, Copy, Default)]
pub struct LemonSqueezy;

impl Provider for LemonSqueezy {
    const NAME: &'static str = "lemonsqueezy";
    type Event = LemonSqueezyEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-signature")
    }
    const RETRIES: Retries = Retries::Schedule {
        waits: &[
            Duration::from_secs(5),
            Duration::from_secs(25),
            Duration::from_secs(125),
        ],
        source: "Lemon Squeezy's docs, \"Webhook requests\": a delivery not answered 200 is \
                 retried up to three more times with exponential backoff, \"e.g. 5 secs, 25 secs, \
                 125 secs\", then marked failed",
    };
}

/// A Lemon Squeezy event.
///
/// ```
/// use signed_webhooks::{LemonSqueezyEvent, decode_event};
///
/// let body = br#"{"meta":{"test_mode":true,"event_name":"order_created","custom_data":{"user_id":"42"},
///     "webhook_id":"b8a1c3e5"},"data":{"type":"orders","id":"1","attributes":{"total":999}}}"#;
/// let event: LemonSqueezyEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "order_created");
/// assert_eq!(event.resource_id(), Some("1"));
/// assert_eq!(event.meta.custom_data.as_ref().unwrap()["user_id"], "42");
/// assert!(event.meta.test_mode);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LemonSqueezyEvent {
    /// The event: its name, mode and custom data.
    pub meta: LemonSqueezyMeta,
    /// The resource the event is about: `{ "type", "id", "attributes", … }`.
    #[serde(default)]
    pub data: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `meta` of a Lemon Squeezy event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LemonSqueezyMeta {
    /// The event, such as `order_created` or `subscription_updated`.
    pub event_name: String,
    /// Whether the event comes from test mode.
    #[serde(default)]
    pub test_mode: bool,
    /// The custom data passed at checkout, when there was some.
    #[serde(default)]
    pub custom_data: Option<Value>,
    /// The webhook (subscription) that sent the event, not the delivery.
    #[serde(default)]
    pub webhook_id: Option<String>,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl LemonSqueezyEvent {
    /// The event name, such as `order_created` (`meta.event_name`).
    pub fn event_type(&self) -> &str {
        &self.meta.event_name
    }

    /// The resource's id (`data.id`), such as an order's. Lemon Squeezy
    /// sends no event id.
    pub fn resource_id(&self) -> Option<&str> {
        self.data.get("id")?.as_str()
    }
}
