//! Linear: how it signs, how it delivers, and its events.
//!
//! Linear's data-change webhooks are `{ "action", "type", "data",
//! "createdAt", "organizationId", "webhookId", "webhookTimestamp", "url",
//! "actor", "updatedFrom" }` (`EntityWebhookPayload` in `@linear/sdk`):
//! `type` is the entity (`Issue`, `Comment`, …) and `action` what happened
//! to it (`create`, `update`, `remove`). Other payloads (OAuth app
//! revocations, app user notifications) share `type`, `action` and the
//! webhook fields; everything but `type` is optional here, so none fails
//! to decode.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::scheme::{DeliveryId, Scheme, TimeFormat};

/// How far Linear's `webhookTimestamp` may be from the clock, either way:
/// `@linear/sdk`'s `LinearWebhookClient.verify` refuses more than 60 000 ms.
const WINDOW: Duration = Duration::from_secs(60);

/// Linear: `Linear-Signature: <hex>`, the HMAC-SHA256 of the raw body keyed
/// with the webhook's signing secret as shown; events [`LinearEvent`].
///
/// A replay is bounded by the body's `webhookTimestamp` (Unix
/// milliseconds, signed with the body, "when the webhook was sent"): a
/// delivery more than 60 s from the clock, in the past or the future, is
/// refused, as `@linear/sdk` does. The crate reads the time to the second
/// (milliseconds truncated), so a time up to 60.999 s ahead passes where
/// the SDK stops at 60.000 s. The legacy `Linear-Timestamp` header is not
/// signed and not read.
///
/// Duplicates are recognised by the signed body with its
/// `webhookTimestamp` left out ([`DeliveryId::BodyWithoutTime`]): Linear's
/// payloads carry no event id, and `Linear-Delivery` is not signed, so a
/// replayer could change it: it is never the key. Each attempt carries a
/// new `webhookTimestamp` (or the SDK's 60 s window would refuse every
/// retry) and is otherwise the same event, with its `createdAt` to the
/// millisecond: a retry is recognised as a duplicate, and so is a replay.
/// (Should Linear ever change another byte of a retry, that retry would be
/// processed again: at-least-once, as everywhere.)
#[derive(Debug, Clone, Copy, Default)]
pub struct Linear;

impl Provider for Linear {
    const NAME: &'static str = "linear";
    type Event = LinearEvent;
    fn scheme() -> Scheme {
        Scheme::body("linear-signature")
            .with_body_timestamp("webhookTimestamp", WINDOW)
            .with_time_format(TimeFormat::UnixMillis)
            .with_tolerance(WINDOW)
            .with_delivery_id(DeliveryId::BodyWithoutTime)
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Linear's docs, \"Webhooks\": a delivery fails when the endpoint is unavailable, \
                 takes over 5 s or answers other than 200, and is retried at most 3 times, after \
                 1 minute, 1 hour and a third wait the stored copy of the page cuts off (an older \
                 copy said about 10 minutes, then 30 minutes)",
    };
}

/// A Linear webhook payload.
///
/// ```
/// use signed_webhooks::{LinearEvent, decode_event};
///
/// let body = br#"{"action":"update","type":"Issue","createdAt":"2026-09-21T14:13:18.000Z",
///     "data":{"id":"2c6e8a0b","title":"Checkout fails for EUR carts","priority":1},
///     "updatedFrom":{"priority":2},"organizationId":"8f3a2b1c","webhookTimestamp":1789999998512,
///     "webhookId":"9d1f3b5a"}"#;
/// let event: LinearEvent = decode_event(body)?;
/// assert_eq!((event.event_type(), event.action()), ("Issue", "update"));
/// assert_eq!(event.entity_id(), Some("2c6e8a0b"));
/// assert_eq!(event.updated_from.as_ref().unwrap()["priority"], 2);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LinearEvent {
    /// The entity type, such as `Issue`, `Comment` or `Project`.
    #[serde(rename = "type")]
    pub entity_type: String,
    /// What happened: `create`, `update`, `remove`, or another action of a
    /// newer payload.
    #[serde(default)]
    pub action: String,
    /// The entity, as it is after the change.
    #[serde(default)]
    pub data: Value,
    /// When the action happened (ISO 8601).
    #[serde(default)]
    pub created_at: Option<String>,
    /// The workspace.
    #[serde(default)]
    pub organization_id: Option<String>,
    /// The webhook (subscription) that sent the payload, not the delivery.
    #[serde(default)]
    pub webhook_id: Option<String>,
    /// When Linear sent the payload, in Unix milliseconds: the signed time
    /// the verifier checked.
    #[serde(default)]
    pub webhook_timestamp: Option<i64>,
    /// The entity's URL in Linear.
    #[serde(default)]
    pub url: Option<String>,
    /// Who made the change (a user, an integration, …).
    #[serde(default)]
    pub actor: Option<Value>,
    /// For `update`, the changed fields with their values before it.
    #[serde(default)]
    pub updated_from: Option<Value>,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl LinearEvent {
    /// The entity type, such as `Issue`.
    pub fn event_type(&self) -> &str {
        &self.entity_type
    }

    /// The action, such as `create`.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The entity's id (`data.id`). Linear sends no event id.
    pub fn entity_id(&self) -> Option<&str> {
        self.data.get("id")?.as_str()
    }
}
