//! Mux: how it signs, how it delivers, and its events.
//!
//! Mux events (`video.asset.ready`, `video.live_stream.active`, …) share
//! one envelope: `{ "type", "object": { "type", "id" }, "id",
//! "environment", "data", "created_at", "attempts", … }`. `data` stays
//! JSON: it is the resource the event is about, in its API shape. A
//! redelivery keeps the `id` and lists the earlier attempts in `attempts`,
//! so its body (and signature) differ from the first delivery's.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::scheme::Scheme;

/// Mux: `Mux-Signature: t=<unix s>,v1=<hex>[,v1=…]`, the HMAC-SHA256 of
/// `"{t}.{body}"` keyed with the endpoint's signing secret as shown;
/// events [`MuxEvent`].
///
/// The signed `t` bounds a replay: 300 s, the tolerance of Mux's SDK
/// (`@mux/mux-node`), which checks only the past; this crate refuses a `t`
/// more than 300 s in the future too. Duplicates are recognised by the
/// body's signed `id` (a UUID), which Mux keeps across redeliveries.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mux;

impl Provider for Mux {
    const NAME: &'static str = "mux";
    type Event = MuxEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("mux-signature")
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Mux's SDK and docs name no retry schedule (tests/vectors/facts/mux.md: retries \
                 unconfirmed); a redelivery lists the earlier attempts in the body's `attempts`",
    };
}

/// A Mux event: `{ "type", "object", "id", "environment", "data",
/// "created_at", "attempts", … }`.
///
/// ```
/// use signed_webhooks::{decode_event, MuxEvent};
///
/// let body = br#"{"type":"video.asset.ready","object":{"type":"asset","id":"0201p02f"},
///     "id":"3a56ac3d-33da-4366-855b-f592d898409d","environment":{"name":"Production","id":"j0863n"},
///     "data":{"status":"ready","id":"0201p02f"},"created_at":"2026-09-21T14:13:18.000000Z","attempts":[]}"#;
/// let event: MuxEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "video.asset.ready");
/// assert_eq!(event.object_id(), Some("0201p02f"));
/// assert_eq!(event.data["status"], "ready");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MuxEvent {
    /// The event type, such as `video.asset.ready`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The event's id (a UUID), the key duplicates are recognised by.
    pub id: String,
    /// The resource the event is about: `{ "type", "id" }`.
    #[serde(default)]
    pub object: Option<Value>,
    /// The resource, as JSON.
    #[serde(default)]
    pub data: Value,
    /// When the event was created (ISO 8601), as sent.
    #[serde(default)]
    pub created_at: Option<String>,
    /// The earlier attempts to deliver this event (empty on the first).
    #[serde(default)]
    pub attempts: Vec<Value>,
    /// Fields this crate does not model (`environment`, `accessor`, …),
    /// kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MuxEvent {
    /// The event's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The event type, such as `video.asset.ready`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The id of the resource the event is about (`object.id`).
    pub fn object_id(&self) -> Option<&str> {
        self.object.as_ref()?.get("id")?.as_str()
    }
}
