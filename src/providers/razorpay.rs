//! Razorpay: how it signs, how it delivers, and its events.
//!
//! Razorpay's envelope is `{ "entity": "event", "account_id", "event",
//! "contains": […], "payload": { "<entity>": { "entity": {…} } },
//! "created_at" }`: the type is in `event` (`payment.captured`), and the
//! body carries no event id (Razorpay sends one in the unsigned
//! `x-razorpay-event-id` header).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, hours};
use crate::scheme::Scheme;

/// Razorpay: `X-Razorpay-Signature: <hex>`, the HMAC-SHA256 of the raw body
/// keyed with the webhook's secret as set on the webhook (not the API key
/// secret); events [`RazorpayEvent`]. After a secret change, retries of
/// older events still come signed with the old secret: hold both.
///
/// **Razorpay signs no time** (the body's `created_at` is when the event
/// happened, and Razorpay's own test vector is years old): a captured
/// delivery verifies forever. Only duplicate detection refuses its replay,
/// by the signed content (the body, which Razorpay's retries resend
/// unchanged), for as long as the store remembers it.
/// `x-razorpay-event-id`, the id Razorpay says to deduplicate on, is not
/// signed, so a replayer can change it: it is never the key.
#[derive(Debug, Clone, Copy, Default)]
pub struct Razorpay;

impl Provider for Razorpay {
    const NAME: &'static str = "razorpay";
    type Event = RazorpayEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-razorpay-signature")
    }
    const RETRIES: Retries = Retries::Within {
        span: hours(24),
        source: "Razorpay's docs, \"Webhooks best practices\": a delivery not answered 2xx (within \
                 5 s) is retried with exponential backoff for 24 hours after the event's creation, \
                 then the webhook is disabled",
    };
}

/// A Razorpay event.
///
/// ```
/// use signed_webhooks::{RazorpayEvent, decode_event};
///
/// let body = br#"{"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7","event":"payment.captured",
///     "contains":["payment"],"payload":{"payment":{"entity":{"id":"pay_Ls8Pw3cJ1Xk2Yz","amount":50000}}},
///     "created_at":1789999994}"#;
/// let event: RazorpayEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "payment.captured");
/// assert_eq!(event.entity("payment").unwrap()["amount"], 50000);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RazorpayEvent {
    /// The event type, such as `payment.captured`.
    pub event: String,
    /// The merchant account.
    #[serde(default)]
    pub account_id: Option<String>,
    /// The entities `payload` holds, such as `["payment"]`.
    #[serde(default)]
    pub contains: Vec<String>,
    /// The entities, `{ "<entity>": { "entity": {…} } }`.
    #[serde(default)]
    pub payload: Value,
    /// When the event happened, in Unix seconds.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Fields this crate does not model (`entity`, …), kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RazorpayEvent {
    /// The event type, such as `payment.captured`.
    pub fn event_type(&self) -> &str {
        &self.event
    }

    /// The entity of kind `name` the event carries
    /// (`payload.<name>.entity`), such as a payment or an order.
    pub fn entity(&self, name: &str) -> Option<&Value> {
        self.payload.get(name)?.get("entity")
    }
}
