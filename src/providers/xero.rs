//! Xero: how it signs, how it delivers, and its events.
//!
//! A Xero delivery carries a batch of events, each naming a resource that
//! changed (`{ "resourceUrl", "resourceId", "eventDateUtc", "eventType",
//! "eventCategory", "tenantId", "tenantType" }`), never the resource
//! itself: fetch it from `resourceUrl`.
//!
//! Before a webhook becomes active, Xero sends "Intent to Receive"
//! deliveries, with no events: some signed right, which must be answered
//! 200 with an empty body, and some signed wrong, which must be answered
//! 401. The verifier does exactly that; [`XeroEvent::is_intent_to_receive`]
//! tells them apart from events.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::scheme::{Encoding, Scheme};

/// Xero: `x-xero-signature: <base64>`, the HMAC-SHA256 of the raw body
/// keyed with the app's webhook key as shown (its text, not decoded from
/// base64); events [`XeroEvent`].
///
/// **Xero signs no time**: a captured delivery verifies forever. Only
/// duplicate detection refuses its replay, by the signed content (the
/// body, which carries a random `entropy`), for as long as the store
/// remembers it. A delivery carries no id of its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct Xero;

impl Provider for Xero {
    const NAME: &'static str = "xero";
    type Event = XeroEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-xero-signature").with_encoding(Encoding::Base64)
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "none of Xero's own pages is in the store (tests/vectors/facts/xero.md: retries \
                 unconfirmed)",
    };
}

/// A Xero delivery: `{ "events": [ … ], "firstEventSequence",
/// "lastEventSequence", "entropy" }`.
///
/// ```
/// use signed_webhooks::{decode_event, XeroEvent};
///
/// let body = br#"{"events":[{"resourceUrl":"https://api.xero.com/api.xro/2.0/Contacts/717f2bfc",
///     "resourceId":"717f2bfc","eventDateUtc":"2026-09-21T14:13:17.283","eventType":"CREATE",
///     "eventCategory":"CONTACT","tenantId":"c2cc9b6e","tenantType":"ORGANISATION"}],
///     "firstEventSequence":1,"lastEventSequence":1,"entropy":"S0m3r4Nd0mt3xt"}"#;
/// let delivery: XeroEvent = decode_event(body)?;
/// assert!(!delivery.is_intent_to_receive());
/// assert_eq!(delivery.events[0].event_type, "CREATE");
/// assert_eq!(delivery.events[0].event_category, "CONTACT");
///
/// let intent: XeroEvent = decode_event(br#"{"events":[],"firstEventSequence":0,
///     "lastEventSequence":0,"entropy":"YSXPMLQEHDMFPQXDZBBF"}"#)?;
/// assert!(intent.is_intent_to_receive());
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct XeroEvent {
    /// The events; none in an Intent to Receive delivery.
    #[serde(default)]
    pub events: Vec<XeroResourceEvent>,
    /// The sequence number of the first event.
    #[serde(default)]
    pub first_event_sequence: Option<i64>,
    /// The sequence number of the last event.
    #[serde(default)]
    pub last_event_sequence: Option<i64>,
    /// Random text, so that no two deliveries are the same bytes.
    #[serde(default)]
    pub entropy: Option<String>,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One event of a [`XeroEvent`]: a resource that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct XeroResourceEvent {
    /// What happened: `CREATE`, `UPDATE`, …
    pub event_type: String,
    /// The kind of resource: `CONTACT`, `INVOICE`, `SUBSCRIPTION`, …
    pub event_category: String,
    /// The resource's id.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Where to fetch the resource.
    #[serde(default)]
    pub resource_url: Option<String>,
    /// When it happened (UTC, without an offset), as sent.
    #[serde(default)]
    pub event_date_utc: Option<String>,
    /// The organisation (tenant) it happened in.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// The kind of tenant: `ORGANISATION`, `PRACTICE`.
    #[serde(default)]
    pub tenant_type: Option<String>,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl XeroEvent {
    /// Whether this is an Intent to Receive delivery (no events): answer
    /// it 200 with an empty body, once verified.
    pub fn is_intent_to_receive(&self) -> bool {
        self.events.is_empty()
    }
}
