//! Typed webhook events: each provider's envelope, and the decoding of a
//! verified body.
//!
//! Every provider wraps its payload in an envelope of its own (`type` or
//! `event`, an id or none, a time as text or as Unix seconds); each is
//! described once, with `define_envelope!` (see `envelope.rs`), and the
//! providers with a published list of event types get an enum with a
//! variant per type (`event_family!`). GitHub sends no envelope: its event
//! name comes from a header ([`GitHubEvent::from_parts`]).

use serde::de::DeserializeOwned;

use crate::error::{DecodeError, Error};

pub(crate) mod envelope;

// Each provider's events live in its module of `providers`; they are also
// here, where they were before 0.3.
#[doc(no_inline)]
pub use crate::providers::{
    ApprovedCommentary, CommetEnvelope, CommetEvent, CommetMode, ExchangeEvent, FailedCommentary,
    GitHubEvent, LeadLexBulk, LeadLexEnvelope, LeadLexEvent, Offer, Order, OrderCancellation,
    OrderStatusChange, StandardEvent, StripeData, StripeEvent, UnleeshedEvent,
};

envelope::define_envelope! {
    /// One webhook event from Unleeshed or the exchange: the envelope
    /// `{ "id", "type", "created_at", "data" }` around a payload `T`.
    ///
    /// Decode into `Event<YourPayload>` to keep the envelope and type the
    /// payload yourself, or into `Event<serde_json::Value>` to type nothing.
    /// Envelope fields this crate does not model are kept in
    /// [`extra`](Event::extra), never dropped; `createdAt` is accepted for
    /// `created_at`. An empty `id` is refused.
    ///
    /// ```
    /// use serde::Deserialize;
    /// use signed_webhooks::{decode_event, Event};
    ///
    /// #[derive(Deserialize)]
    /// struct Shipment { tracking: String }
    ///
    /// let body = br#"{"id":"evt_9","type":"shipment.sent","created_at":"2026-11-22T10:00:00Z",
    ///                 "data":{"tracking":"1Z999"},"attempt":2}"#;
    /// let event: Event<Shipment> = decode_event(body)?;
    /// assert_eq!(event.data.tracking, "1Z999");
    /// assert_eq!(event.extra["attempt"], 2);
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub struct Event<T> {
        /// The event type, such as `creator.approved`.
        event_type = "type",
        /// The event's unique id. Deliveries of the same event (retries)
        /// carry the same id: deduplicate on it. Never empty.
        id: String = "id" via read_id,
        /// When the provider created the event, as the provider wrote it
        /// (RFC 3339).
        created_at: String = "created_at" | "createdAt",
    }
    expecting "a webhook event object with `id`, `type`, `created_at` and `data`"
}

impl<T> Event<T> {
    /// An event with no extra envelope fields.
    pub fn new(
        id: impl Into<String>,
        event_type: impl Into<String>,
        created_at: impl Into<String>,
        data: T,
    ) -> Self {
        Event {
            event_type: event_type.into(),
            id: id.into(),
            created_at: created_at.into(),
            data,
            extra: serde_json::Map::new(),
        }
    }
}

/// Decodes a JSON body into an event type.
///
/// [`Verifier::verify_event`](crate::Verifier::verify_event) calls this
/// after verifying; call it yourself when you verified separately, for
/// example to keep the [`Verified`](crate::Verified) details as well.
///
/// # Errors
///
/// [`Error::Decode`], with the JSON path where decoding failed (for example
/// `data.external_reference`) when the `json-path` feature is on (the
/// default).
pub fn decode_event<E: DeserializeOwned>(body: &[u8]) -> Result<E, Error> {
    serde_json::from_slice(body).map_err(|error| {
        #[cfg(feature = "json-path")]
        let (path, error) = locate_failure::<E>(body).unwrap_or_else(|| (".".to_owned(), error));
        #[cfg(not(feature = "json-path"))]
        let path = ".".to_owned();
        Box::new(DecodeError::new(path, error)).into()
    })
}

/// Decodes `body` again through a path-tracking wrapper to find where it
/// fails: paid only on failure, so the successful path stays plain
/// `serde_json`.
#[cfg(feature = "json-path")]
#[cold]
fn locate_failure<E: DeserializeOwned>(body: &[u8]) -> Option<(String, serde_json::Error)> {
    let (path, error) = track::<E>(body)?;
    if path == "." {
        // When `data` comes before the event type, the payload is buffered
        // and decoded after the walk, where the tracker sees only the
        // envelope. With `data` moved last it is decoded in place, and the
        // tracker names the path inside it.
        let inner = data_last(body)
            .and_then(|reordered| track::<E>(&reordered))
            .map(|(inner, _)| inner)
            .filter(|inner| {
                inner == "data" || inner.starts_with("data.") || inner.starts_with("data[")
            });
        if let Some(inner) = inner {
            return Some((inner, error));
        }
    }
    Some((path, error))
}

#[cfg(feature = "json-path")]
fn track<E: DeserializeOwned>(body: &[u8]) -> Option<(String, serde_json::Error)> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let tracked = serde_path_to_error::deserialize::<_, E>(&mut json).err()?;
    Some((tracked.path().to_string(), tracked.into_inner()))
}

/// `body` with the top-level `data` field moved last, when `body` is an
/// object with one.
#[cfg(feature = "json-path")]
fn data_last(body: &[u8]) -> Option<Vec<u8>> {
    use serde::ser::{SerializeMap, Serializer};

    let serde_json::Value::Object(mut object) = serde_json::from_slice(body).ok()? else {
        return None;
    };
    let data = object.remove("data")?;
    let mut reordered = Vec::with_capacity(body.len());
    let mut serializer = serde_json::Serializer::new(&mut reordered);
    let mut map = serializer.serialize_map(Some(object.len() + 1)).ok()?;
    for (key, value) in &object {
        map.serialize_entry(key, value).ok()?;
    }
    map.serialize_entry("data", &data).ok()?;
    map.end().ok()?;
    Some(reordered)
}
