//! PagerDuty: how it signs, how it delivers, and its events.
//!
//! These are PagerDuty's v3 webhook subscriptions: every delivery is one
//! event, `{ "event": { "id", "event_type", "resource_type",
//! "occurred_at", "agent", "client", "data" } }`, such as
//! `incident.triggered` or `service.updated`. `data` is the resource the
//! event is about, kept as JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, minutes};
use crate::scheme::Scheme;

/// PagerDuty: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]`, each the
/// HMAC-SHA256 of the raw body keyed with the subscription's secret as
/// issued; any `v1` matching passes (PagerDuty sends several while it
/// rotates the secret). Events [`PagerDutyEvent`].
///
/// **PagerDuty signs no time**: a captured delivery verifies forever, and
/// only duplicate detection refuses its replay, for as long as the store
/// remembers it. Duplicates are recognised by the signed content, the body:
/// PagerDuty's retries resend the same body, whose `event.id` names the
/// event. `X-Webhook-Id`, which PagerDuty keeps across attempts, is not
/// signed: a replayer can change it, so it is never the key.
#[derive(Debug, Clone, Copy, Default)]
pub struct PagerDuty;

impl Provider for PagerDuty {
    const NAME: &'static str = "pagerduty";
    type Event = PagerDutyEvent;
    fn scheme() -> Scheme {
        Scheme::signature_items("x-pagerduty-signature", "v1")
    }
    const RETRIES: Retries = Retries::Within {
        span: minutes(20),
        source: "PagerDuty's developer docs, \"Webhook Behavior\": on a timeout (5 s), a 5xx, a \
                 429 or a connection error, \"retried up to 4 times (total of 5 attempts) with \
                 exponential backoff over the course of about 20 minutes\"; other 4xx answers \
                 are not retried",
    };
}

/// A PagerDuty v3 webhook delivery: `{ "event": {…} }`.
///
/// ```
/// use signed_webhooks::{decode_event, PagerDutyEvent};
///
/// let body = br#"{"event":{"id":"01DEN10IA8RF2SMOZ09XZVPBV2","event_type":"incident.triggered",
///     "resource_type":"incident","occurred_at":"2026-09-21T14:13:18.123Z","agent":null,
///     "client":null,"data":{"id":"PGR0VU2","type":"incident","status":"triggered"}}}"#;
/// let event: PagerDutyEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "incident.triggered");
/// assert_eq!(event.id(), "01DEN10IA8RF2SMOZ09XZVPBV2");
/// assert_eq!(event.event.data["status"], "triggered");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PagerDutyEvent {
    /// The event.
    pub event: PagerDutyEventData,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `event` of a PagerDuty delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PagerDutyEventData {
    /// The event's id, the same on every attempt of its delivery.
    pub id: String,
    /// The event type, such as `incident.triggered`.
    pub event_type: String,
    /// The kind of resource the event is about, such as `incident`.
    #[serde(default)]
    pub resource_type: Option<String>,
    /// When the event happened (RFC 3339), as sent.
    #[serde(default)]
    pub occurred_at: Option<String>,
    /// Who caused the event (a user or service reference), if anyone.
    #[serde(default)]
    pub agent: Value,
    /// The client that caused the event, if any.
    #[serde(default)]
    pub client: Value,
    /// The resource the event is about.
    #[serde(default)]
    pub data: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PagerDutyEvent {
    /// The event type, such as `incident.triggered`.
    pub fn event_type(&self) -> &str {
        &self.event.event_type
    }

    /// The event's id (`event.id`).
    pub fn id(&self) -> &str {
        &self.event.id
    }

    /// The id of the resource the event is about (`event.data.id`).
    pub fn resource_id(&self) -> Option<&str> {
        self.event.data.get("id")?.as_str()
    }
}
