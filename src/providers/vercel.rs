//! Vercel: how it signs, how it delivers, and its events.
//!
//! Vercel's webhooks (account webhooks and integrations) are
//! `{ "id", "type", "createdAt", "payload", "region" }`, such as
//! `deployment.created` or `project.removed`; `payload` is kept as JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::scheme::{Algorithm, DeliveryId, Scheme};

/// Vercel: `x-vercel-signature: <hex>`, the HMAC-SHA1 of the raw body keyed
/// with the webhook's secret (an integration's: its client secret) as shown
/// (feature `sha1`: Vercel signs with nothing else); events
/// [`VercelEvent`].
///
/// **Vercel signs no time in a header**: a captured delivery verifies
/// forever, and only duplicate detection refuses its replay, for as long as
/// the store remembers it. Duplicates are recognised by the body's signed
/// `id`; a body without one by its SHA-256.
#[derive(Debug, Clone, Copy, Default)]
pub struct Vercel;

impl Provider for Vercel {
    const NAME: &'static str = "vercel";
    type Event = VercelEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-vercel-signature")
            .with_algorithm(Algorithm::HmacSha1)
            .with_delivery_id(DeliveryId::BodyFieldOrBody("id"))
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Vercel's webhook docs (as seen) publish no retry schedule",
    };
}

/// A Vercel webhook event.
///
/// ```
/// use signed_webhooks::{decode_event, VercelEvent};
///
/// let body = br#"{"id":"uev_1a2b3c4d5e6f7g8h9i0j","type":"deployment.created",
///     "createdAt":1789999998500,"region":"cdg1",
///     "payload":{"deployment":{"id":"dpl_2euZBFqxYdDMDG1jTrHFnNZ2eUVa"},"target":"production"}}"#;
/// let event: VercelEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "deployment.created");
/// assert_eq!(event.id(), "uev_1a2b3c4d5e6f7g8h9i0j");
/// assert_eq!(event.payload["target"], "production");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VercelEvent {
    /// The event's id.
    pub id: String,
    /// The event type, such as `deployment.created`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the event was created, in Unix milliseconds.
    #[serde(default, rename = "createdAt")]
    pub created_at: Option<i64>,
    /// What the event is about.
    #[serde(default)]
    pub payload: Value,
    /// Fields this crate does not model (`region`, …), kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl VercelEvent {
    /// The event type, such as `deployment.created`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The event's id.
    pub fn id(&self) -> &str {
        &self.id
    }
}
