//! WorkOS: how it signs, how it delivers, and its events.
//!
//! WorkOS events (`user.created`, `dsync.user.created`,
//! `organization.updated`, …) share one envelope: `{ "id", "event",
//! "data", "created_at" }`, the type in `event`. `data` stays JSON: it is
//! the resource the event is about, in its API shape.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::scheme::{Scheme, TimeFormat};

/// WorkOS: `WorkOS-Signature: t=<unix ms>, v1=<hex>`, the HMAC-SHA256 of
/// `"{t}.{body}"` (`t` as sent) keyed with the endpoint's secret as shown;
/// events [`WorkOsEvent`].
///
/// The signed `t` bounds a replay: 180 s, the tolerance of WorkOS's SDK
/// (`@workos-inc/node`), which checks only the past; this crate refuses a
/// `t` more than 180 s in the future too. Duplicates are recognised by the
/// body's signed `id` (`event_…`).
#[derive(Debug, Clone, Copy, Default)]
pub struct WorkOs;

impl Provider for WorkOs {
    const NAME: &'static str = "workos";
    type Event = WorkOsEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("workos-signature")
            .with_time_format(TimeFormat::UnixMillis)
            .with_tolerance(Duration::from_secs(180))
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "WorkOS's SDK and docs name no retry schedule (tests/vectors/facts/workos.md: \
                 retries unconfirmed)",
    };
}

/// A WorkOS event: `{ "id", "event", "data", "created_at" }`.
///
/// ```
/// use signed_webhooks::{decode_event, WorkOsEvent};
///
/// let body = br#"{"id":"event_01K5TQH8J9","event":"user.created",
///     "data":{"object":"user","id":"user_01K5TQG2","email":"todd@example.com"},
///     "created_at":"2026-09-21T14:13:18.000Z"}"#;
/// let event: WorkOsEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "user.created");
/// assert_eq!(event.id(), "event_01K5TQH8J9");
/// assert_eq!(event.data["email"], "todd@example.com");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WorkOsEvent {
    /// The event's id (`event_…`), the key duplicates are recognised by.
    pub id: String,
    /// The event type, such as `user.created` (WorkOS's `event` field).
    #[serde(rename = "event")]
    pub event_type: String,
    /// The resource the event is about, as JSON.
    #[serde(default)]
    pub data: Value,
    /// When the event was created (ISO 8601), as sent.
    #[serde(default)]
    pub created_at: Option<String>,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl WorkOsEvent {
    /// The event's id (`event_…`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The event type, such as `user.created`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }
}
