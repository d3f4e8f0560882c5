//! The partner exchange: how it signs, how it delivers, and its events.
//!
//! The exchange documents its event names but not their payloads, so every
//! payload field is optional, both `snake_case` and `camelCase` spellings
//! are accepted, ids may be strings or numbers, and everything else is kept
//! in `extra`. A payload never fails to decode for a missing field.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::event::Event;
use crate::event::envelope::event_family;
use crate::scheme::Scheme;

/// The partner exchange: `order.*` and `offer.updated` events
/// ([`ExchangeEvent`]), signed with its 64-hex `secretKey` as issued. Its
/// documentation names no signature header yet, so deliveries are read as
/// Unleeshed's are, `X-Unleeshed-Signature: t=…,v1=…`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Exchange;

impl Provider for Exchange {
    const NAME: &'static str = "exchange";
    type Event = ExchangeEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("x-unleeshed-signature")
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "the exchange's partner API documentation publishes no retry policy",
    };
}

event_family! {
    /// An event from the partner exchange, by type.
    ///
    /// ```
    /// use signed_webhooks::{decode_event, ExchangeEvent};
    ///
    /// let body = br#"{"id":"evt_7","type":"order.status_changed","created_at":"2026-11-22T10:00:00Z",
    ///                 "data":{"orderId":1042,"status":"shipped","previousStatus":"paid"}}"#;
    /// let ExchangeEvent::OrderStatusChanged(event) = decode_event(body)? else { panic!() };
    /// assert_eq!(event.data.order_id.as_deref(), Some("1042"));
    /// assert_eq!(event.data.previous_status.as_deref(), Some("paid"));
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub enum ExchangeEvent(Event) {
        /// `order.created`: a new order.
        OrderCreated(Order) = "order.created",
        /// `order.status_changed`: an order moved to another status.
        OrderStatusChanged(OrderStatusChange) = "order.status_changed",
        /// `order.cancelled`: an order was cancelled.
        OrderCancelled(OrderCancellation) = "order.cancelled",
        /// `offer.updated`: an offer changed.
        OfferUpdated(Offer) = "offer.updated",
    }
    /// The event's id, the key to deduplicate deliveries on.
    pub fn id(&self) -> &str = |event| &event.id;
    /// When the provider created the event, as it wrote it.
    pub fn created_at(&self) -> &str = |event| &event.created_at;
}

/// The payload of `order.created`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Order {
    /// The order's id (`order_id` or `orderId`).
    #[serde(
        default,
        alias = "orderId",
        deserialize_with = "id",
        skip_serializing_if = "Option::is_none"
    )]
    pub order_id: Option<String>,
    /// The order's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Payload fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The payload of `order.status_changed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderStatusChange {
    /// The order's id (`order_id` or `orderId`).
    #[serde(
        default,
        alias = "orderId",
        deserialize_with = "id",
        skip_serializing_if = "Option::is_none"
    )]
    pub order_id: Option<String>,
    /// The new status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The status before the change (`previous_status` or `previousStatus`).
    #[serde(
        default,
        alias = "previousStatus",
        skip_serializing_if = "Option::is_none"
    )]
    pub previous_status: Option<String>,
    /// Payload fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The payload of `order.cancelled`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderCancellation {
    /// The order's id (`order_id` or `orderId`).
    #[serde(
        default,
        alias = "orderId",
        deserialize_with = "id",
        skip_serializing_if = "Option::is_none"
    )]
    pub order_id: Option<String>,
    /// Why the order was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Payload fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The payload of `offer.updated`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Offer {
    /// The offer's id (`offer_id` or `offerId`).
    #[serde(
        default,
        alias = "offerId",
        deserialize_with = "id",
        skip_serializing_if = "Option::is_none"
    )]
    pub offer_id: Option<String>,
    /// The offer's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Payload fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An id sent as a string or as a number, kept as a string.
fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(match Option::<Id>::deserialize(deserializer)? {
        Some(Id::Text(text)) => Some(text),
        Some(Id::Number(number)) => Some(number.to_string()),
        None => None,
    })
}
