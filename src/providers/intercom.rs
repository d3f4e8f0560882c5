//! Intercom: how it signs, how it delivers, and its events.
//!
//! Intercom's webhooks are notifications `{ "type": "notification_event",
//! "id", "topic", "app_id", "data": { "item" }, "delivery_attempts",
//! "first_sent_at", "created_at", … }`; the event type is `topic`
//! (`conversation.user.created`, …, and `ping` when the webhook is saved),
//! and `data.item` the object it is about, kept as JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::scheme::{Algorithm, DeliveryId, Scheme};

/// Intercom: `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw body
/// keyed with the app's client secret as shown (feature `sha1`: Intercom
/// signs with nothing else); events [`IntercomEvent`].
///
/// **Intercom signs no time in a header**: a captured delivery verifies
/// forever, and only duplicate detection refuses its replay, for as long as
/// the store remembers it. Duplicates are recognised by the body's signed
/// `id` (`notif_…`), kept across retries (whose `delivery_attempts`
/// changes, so the body does not name them); a notification whose `id` is
/// `null` (`ping`) by its body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Intercom;

impl Provider for Intercom {
    const NAME: &'static str = "intercom";
    type Event = IntercomEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-hub-signature")
            .with_prefix("sha1=")
            .with_algorithm(Algorithm::HmacSha1)
            .with_delivery_id(DeliveryId::BodyFieldOrBody("id"))
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Intercom's docs (as seen) publish no retry schedule; a third party says up to 5 \
                 attempts; the body's delivery_attempts counts them",
    };
}

/// An Intercom webhook notification.
///
/// ```
/// use signed_webhooks::{decode_event, IntercomEvent};
///
/// let body = br#"{"type":"notification_event","app_id":"ecahpwf5",
///     "data":{"type":"notification_event_data","item":{"type":"conversation","id":"147"}},
///     "id":"notif_ccd8a4d2","topic":"conversation.user.created","delivery_attempts":1,
///     "first_sent_at":1789999999,"created_at":1789999998}"#;
/// let event: IntercomEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "conversation.user.created");
/// assert_eq!(event.id(), Some("notif_ccd8a4d2"));
/// assert_eq!(event.item()["id"], "147");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IntercomEvent {
    /// The notification's id (`notif_…`), the same on every retry; `None`
    /// for a `ping`.
    #[serde(default)]
    pub id: Option<String>,
    /// The event type, such as `conversation.user.created`.
    pub topic: String,
    /// The Intercom workspace.
    #[serde(default)]
    pub app_id: Option<String>,
    /// `{ "type": "notification_event_data", "item": {…} }`.
    #[serde(default)]
    pub data: Value,
    /// When the notification was created, in Unix seconds.
    #[serde(default)]
    pub created_at: Option<i64>,
    /// Fields this crate does not model (`delivery_attempts`,
    /// `first_sent_at`, …), kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl IntercomEvent {
    /// The event type (`topic`).
    pub fn event_type(&self) -> &str {
        &self.topic
    }

    /// The notification's id, when it has one (a `ping` has none).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The object the notification is about (`data.item`), or `null`.
    pub fn item(&self) -> &Value {
        &self.data["item"]
    }
}
