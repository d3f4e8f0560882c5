//! Square: how it signs, how it delivers, and its events.
//!
//! Square's notifications are `{ "merchant_id", "type", "event_id",
//! "created_at", "data": { "type", "id", "object" } }`, such as
//! `payment.updated`; `data.object` is the entity, kept as JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, hours};
use crate::scheme::{BodyShape, DeliveryId, Encoding, Part, Scheme};

/// Square: `x-square-hmacsha256-signature: <base64>`, the HMAC-SHA256 of
/// the notification URL followed by the raw body, keyed with the
/// subscription's signature key as shown (its text, not decoded); events
/// [`SquareEvent`].
///
/// The URL is signed exactly as configured in the subscription: scheme,
/// host, port, path, trailing slash and query all count, and nothing is
/// normalised (Square's SDK compares text). So its verifier needs the
/// public origin Square calls,
/// [`Verifier::at_public_origin`](crate::Verifier::at_public_origin)
/// (`https://hooks.example.com`), and each request's path and query (the
/// extractors and `verify_request` pass them; by hand,
/// [`Verifier::verify_target`](crate::Verifier::verify_target)).
///
/// Nothing signed carries a time: only duplicate detection refuses a
/// replay. Duplicates are recognised by the body's signed `event_id`, the
/// same on every retry (a retry is byte-identical); a body without one by
/// its SHA-256. The body must be a JSON object, as Square sends: the URL
/// and the body are signed run together, and only a body starting with `{`
/// keeps their boundary where Square put it. The legacy
/// `x-square-signature` (HMAC-SHA1) is not read.
#[cfg_attr(docsrs, doc(cfg(feature = "base64")))]
#[derive(Debug, Clone, Copy, Default)]
pub struct Square;

impl Provider for Square {
    const NAME: &'static str = "square";
    type Event = SquareEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-square-hmacsha256-signature")
            .with_encoding(Encoding::Base64)
            .with_signed_content([Part::Url, Part::Body])
            .with_body_shape(BodyShape::JsonContainer)
            .with_delivery_id(DeliveryId::BodyFieldOrBody("event_id"))
    }
    const RETRIES: Retries = Retries::Within {
        span: hours(72),
        source: "Square's docs, \"Troubleshoot webhooks\": a delivery not answered 2xx (within \
                 10 s) is \"retried for up to 24 hours\", or \"up to 72 hours\" in the same \
                 page's other copy; the longer is kept. Exact schedule unpublished; an endpoint \
                 without a 2xx for 3 weeks is disabled",
    };
}

/// A Square notification.
///
/// ```
/// use signed_webhooks::{decode_event, SquareEvent};
///
/// let body = br#"{"merchant_id":"6SSW7HV8K2ST5","type":"payment.updated",
///     "event_id":"b2a6f8c4-5e1d-4a3b-9c7d-0e2f4a6b8c1d","created_at":"2026-09-21T14:13:19.123Z",
///     "data":{"type":"payment","id":"KkAkhdMsgzn59SM8A89WgKwekxLZY","object":{"payment":{}}},
///     "a_field_of_tomorrow":1}"#;
/// let event: SquareEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "payment.updated");
/// assert_eq!(event.id(), "b2a6f8c4-5e1d-4a3b-9c7d-0e2f4a6b8c1d");
/// assert_eq!(event.object_id(), Some("KkAkhdMsgzn59SM8A89WgKwekxLZY"));
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SquareEvent {
    /// The event's id, the same on every retry of it.
    pub event_id: String,
    /// The event type, such as `payment.updated`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The seller's account.
    #[serde(default)]
    pub merchant_id: Option<String>,
    /// When the event happened (RFC 3339), as sent.
    #[serde(default)]
    pub created_at: Option<String>,
    /// `{ "type", "id", "object" }`: the entity the event is about.
    #[serde(default)]
    pub data: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SquareEvent {
    /// The event type, such as `payment.updated`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The event's id (`event_id`).
    pub fn id(&self) -> &str {
        &self.event_id
    }

    /// The id of the entity the event is about (`data.id`).
    pub fn object_id(&self) -> Option<&str> {
        self.data.get("id")?.as_str()
    }
}
