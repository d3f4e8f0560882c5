//! Typeform: how it signs, how it delivers, and its events.
//!
//! A delivery is `{ "event_id", "event_type": "form_response",
//! "form_response": { "form_id", "token", "submitted_at", "landed_at",
//! "definition", "answers", … } }`; the answers stay JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::scheme::{DeliveryId, Encoding, Scheme};

/// Typeform: `Typeform-Signature: sha256=<base64>`, the HMAC-SHA256 of the
/// raw body keyed with the webhook's `secret` as set (standard base64,
/// padded); events [`TypeformEvent`].
///
/// **Typeform signs no time** (`form_response.submitted_at` is nested and
/// is when the form was submitted): a captured delivery verifies forever.
/// Only duplicate detection refuses its replay, by the body's signed
/// `event_id`, for as long as the store remembers it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Typeform;

impl Provider for Typeform {
    const NAME: &'static str = "typeform";
    type Event = TypeformEvent;
    fn scheme() -> Scheme {
        Scheme::body("typeform-signature")
            .with_prefix("sha256=")
            .with_encoding(Encoding::Base64)
            .with_delivery_id(DeliveryId::BodyField("event_id"))
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Typeform's docs (\"Secure your webhooks\", \"Webhooks\") say nothing of retries \
                 in the pages read",
    };
}

/// A Typeform webhook delivery.
///
/// ```
/// use signed_webhooks::{TypeformEvent, decode_event};
///
/// let body = br#"{"event_id":"01K5TQM2X8Y4Z6A8B0C2D4E6F8","event_type":"form_response",
///     "form_response":{"form_id":"lT4Z3j","token":"a3a12ec6","answers":[{"type":"text","text":"Zoe"}]}}"#;
/// let event: TypeformEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "form_response");
/// assert_eq!(event.id(), "01K5TQM2X8Y4Z6A8B0C2D4E6F8");
/// assert_eq!(event.form_id(), Some("lT4Z3j"));
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TypeformEvent {
    /// The event's id: the duplicate store's key.
    pub event_id: String,
    /// The event type, `form_response` (the only one Typeform sends so far).
    pub event_type: String,
    /// The response: `form_id`, `token`, `submitted_at`, `definition`,
    /// `answers`, …
    #[serde(default)]
    pub form_response: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TypeformEvent {
    /// The event's id.
    pub fn id(&self) -> &str {
        &self.event_id
    }

    /// The event type, such as `form_response`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The form the response is to (`form_response.form_id`).
    pub fn form_id(&self) -> Option<&str> {
        self.form_response.get("form_id")?.as_str()
    }
}
