//! Calendly: how it signs, how it delivers, and its events.
//!
//! A delivery is `{ "created_at", "created_by", "event": "invitee.created"
//! | …, "payload": {…} }`: the type is in `event`, and there is no event id
//! (`payload.uri` names the invitee, or the routing form submission).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, hours};
use crate::scheme::{DeliveryId, Scheme};

/// Calendly: `Calendly-Webhook-Signature: t=<unix>,v1=<hex>`, the
/// HMAC-SHA256 of `"{t}.{body}"` keyed with the webhook signing key as
/// shown; events [`CalendlyEvent`].
///
/// A replay is bounded by the signed `t`, within 180 s in the past or the
/// future: Calendly's sample refuses a `t` more than three minutes old (as
/// quoted by others: unconfirmed), and bounds nothing ahead; this crate
/// bounds both ways.
///
/// Duplicates are recognised by the signed body alone
/// ([`DeliveryId::Body`]), not `t`: Calendly sends no event id, and a
/// retry, which Calendly must sign anew for it to pass a three-minute
/// window over its 24 hours of retries, is recognised as a duplicate as
/// long as its body is the first attempt's (its `created_at` to the
/// millisecond), as is a replay. A retry whose body differs would be
/// processed again: at-least-once, as everywhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct Calendly;

impl Provider for Calendly {
    const NAME: &'static str = "calendly";
    type Event = CalendlyEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("calendly-webhook-signature")
            .with_tolerance(Duration::from_secs(180))
            .with_delivery_id(DeliveryId::Body)
    }
    const RETRIES: Retries = Retries::Within {
        span: hours(24),
        source: "Calendly's docs, as quoted on community.calendly.com: a delivery answered other \
                 than 2xx, or timing out (10 s to connect, 15 s to read), is retried with \
                 exponential backoff for 24 hours, then the webhook is disabled; 410 Gone deletes \
                 the subscription at once",
    };
}

/// A Calendly webhook delivery.
///
/// ```
/// use signed_webhooks::{CalendlyEvent, decode_event};
///
/// let body = br#"{"created_at":"2026-09-21T14:13:18.000Z","created_by":"https://api.calendly.com/users/AAAA",
///     "event":"invitee.created","payload":{"uri":"https://api.calendly.com/scheduled_events/GBGB/invitees/AAAA",
///     "email":"renee@example.com","status":"active"}}"#;
/// let event: CalendlyEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "invitee.created");
/// assert_eq!(event.uri(), Some("https://api.calendly.com/scheduled_events/GBGB/invitees/AAAA"));
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CalendlyEvent {
    /// The event type, such as `invitee.created` or `invitee.canceled`.
    pub event: String,
    /// When the event happened (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
    /// The user who created the webhook subscription (a URI).
    #[serde(default)]
    pub created_by: Option<String>,
    /// The invitee, or the routing form submission.
    #[serde(default)]
    pub payload: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl CalendlyEvent {
    /// The event type, such as `invitee.created`.
    pub fn event_type(&self) -> &str {
        &self.event
    }

    /// The resource the event is about (`payload.uri`).
    pub fn uri(&self) -> Option<&str> {
        self.payload.get("uri")?.as_str()
    }
}
