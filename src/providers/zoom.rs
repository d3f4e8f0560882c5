//! Zoom: how it signs, how it delivers, and its events.
//!
//! Zoom's envelope is `{ "event", "event_ts", "payload": { "account_id",
//! "object" } }`: the type is in `event`, `event_ts` is in Unix
//! milliseconds, and there is no event id. The `endpoint.url_validation`
//! handshake, with which Zoom checks an endpoint (when it is saved, then
//! every 72 hours), is signed like any event: the extractors answer it
//! themselves (`{"plainToken", "encryptedToken"}`, the token's HMAC under
//! the secret that verified it), so a handler never sees it; decoded by
//! hand, it is [`ZoomEvent::UrlValidation`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, WebhookEvent, minutes};
use crate::error::Error;
use crate::handshake::Handshake;
use crate::headers::Headers;
use crate::scheme::{DeliveryId, Part, Scheme};

/// Zoom: `x-zm-signature: v0=<hex>`, the HMAC-SHA256 of
/// `"v0:{x-zm-request-timestamp}:{body}"` keyed with the app's Secret Token
/// as shown; events [`ZoomEvent`].
///
/// The raw body is verified, as Zoom sent it. (Zoom's own library,
/// `@zoom/rivet`, MACs `JSON.stringify(JSON.parse(body))` instead: it
/// refuses bodies Zoom did not serialize compactly, and accepts a
/// re-serialization of one. This crate does neither.)
///
/// A replay is bounded by the signed `x-zm-request-timestamp` (Unix
/// seconds), within 300 s in the past or the future: Zoom states no
/// tolerance and rivet checks none, so this is the crate's default.
/// Duplicates are recognised by the signed body alone
/// ([`DeliveryId::Body`]), not the timestamp: Zoom sends no event id, and
/// a retry signed anew with a fresh timestamp (as it must be to verify 5
/// minutes later; Zoom does not say) is recognised as a duplicate as long
/// as its body is the first attempt's (its `event_ts` to the millisecond),
/// as is a replay. A retry whose body differs would be processed again:
/// at-least-once, as everywhere.
#[derive(Debug, Clone, Copy, Default)]
pub struct Zoom;

impl Provider for Zoom {
    const NAME: &'static str = "zoom";
    type Event = ZoomEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-zm-signature")
            .with_prefix("v0=")
            .with_timestamp_header("x-zm-request-timestamp")
            .with_delivery_id(DeliveryId::Body)
            .with_signed_content([
                Part::Literal("v0:"),
                Part::Timestamp,
                Part::Literal(":"),
                Part::Body,
            ])
    }
    fn handshake(body: &[u8]) -> Result<Option<Handshake>, Error> {
        // Cheap first: most bodies are not one.
        if !body.windows(23).any(|w| w == b"endpoint.url_validation") {
            return Ok(None);
        }
        match ZoomEvent::decode(body, &Vec::<(&str, &str)>::new())? {
            ZoomEvent::UrlValidation { plain_token, .. } => {
                Ok(Some(Handshake::PlainToken(plain_token)))
            }
            _ => Ok(None),
        }
    }
    const RETRIES: Retries = Retries::Schedule {
        waits: &[minutes(5), minutes(20), minutes(60)],
        source: "Zoom's support article \"Webhook delays\" (devsupport.zoom.us 360059893812): a \
                 delivery not answered 200 or 204 within 3 s is retried 3 times, 5 min after the \
                 first attempt, 20 min after that and 60 min after that, then never again",
    };
}

/// A request from Zoom: an event, or the `endpoint.url_validation`
/// handshake.
///
/// ```
/// use signed_webhooks::{WebhookEvent, ZoomEvent};
///
/// let headers = [("content-type", "application/json")];
/// let body = br#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1789999999700,"event":"endpoint.url_validation"}"#;
/// let event = ZoomEvent::decode(body, &headers)?;
/// assert!(matches!(event, ZoomEvent::UrlValidation { ref plain_token, .. } if plain_token == "qgg8vlvZRS6UYooatFL8Aw"));
///
/// let body = br#"{"event":"meeting.started","payload":{"account_id":"AAAAAABBBB","object":{"id":"85746065432"}},"event_ts":1789999998800}"#;
/// let event = ZoomEvent::decode(body, &headers)?;
/// assert_eq!(event.event_type(), "meeting.started");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ZoomEvent {
    /// `{"event": "endpoint.url_validation", "payload": {"plainToken": …}}`:
    /// Zoom checking the endpoint. The answer is a 200 with the JSON
    /// `{"plainToken": …, "encryptedToken": …}`, `encryptedToken` being the
    /// hex HMAC-SHA256 of `plainToken` keyed with the Secret Token, within
    /// 3 s.
    UrlValidation {
        /// The token to answer with, and to MAC.
        plain_token: String,
        /// When Zoom sent the request (`event_ts`), in Unix milliseconds.
        event_ts: Option<i64>,
    },
    /// Any other event (`meeting.started`, `recording.completed`, …).
    Event(ZoomNotification),
}

/// A Zoom event: `{ "event", "event_ts", "payload": { "account_id",
/// "object", … }, … }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ZoomNotification {
    /// The event type, such as `meeting.started`.
    pub event: String,
    /// When the event happened, in Unix milliseconds.
    #[serde(default)]
    pub event_ts: Option<i64>,
    /// The payload: `{"account_id", "object": {…}}` for most events.
    #[serde(default)]
    pub payload: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ZoomNotification {
    /// The account the event belongs to (`payload.account_id`).
    pub fn account_id(&self) -> Option<&str> {
        self.payload.get("account_id")?.as_str()
    }

    /// The object the event is about (`payload.object`): a meeting, a
    /// recording, a user, …
    pub fn object(&self) -> Option<&Value> {
        self.payload.get("object")
    }
}

impl ZoomEvent {
    /// The event type: `endpoint.url_validation` for the handshake, else
    /// the event's `event`.
    pub fn event_type(&self) -> &str {
        match self {
            ZoomEvent::UrlValidation { .. } => "endpoint.url_validation",
            ZoomEvent::Event(event) => &event.event,
        }
    }

    /// When Zoom emitted the event (`event_ts`), in Unix milliseconds.
    pub fn event_ts(&self) -> Option<i64> {
        match self {
            ZoomEvent::UrlValidation { event_ts, .. } => *event_ts,
            ZoomEvent::Event(event) => event.event_ts,
        }
    }
}

impl WebhookEvent for ZoomEvent {
    fn decode(body: &[u8], _: &dyn Headers) -> Result<Self, Error> {
        let event: ZoomNotification = crate::event::decode_event(body)?;
        if event.event != "endpoint.url_validation" {
            return Ok(ZoomEvent::Event(event));
        }
        match event.payload.get("plainToken").and_then(Value::as_str) {
            Some(token) => Ok(ZoomEvent::UrlValidation {
                plain_token: token.to_owned(),
                event_ts: event.event_ts,
            }),
            None => Err(crate::verify::missing_field(
                "payload.plainToken",
                "an endpoint.url_validation request has a plainToken",
            )),
        }
    }
}
