//! Stripe: how it signs, how it delivers, and its events.
//!
//! Stripe has hundreds of event types and adds more with every API version,
//! so this crate does not enumerate them: [`StripeEvent`] carries the type
//! as a string (match on [`event_type`](StripeEvent::event_type)), and
//! `data.object`, the API resource the event is about, as JSON (decode it
//! into a type of your own, or use `StripeEvent<YourData>`). These are
//! Stripe's "snapshot" events (`"object": "event"`); its v2 "thin" events
//! have another shape and are not modelled.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, hours};
use crate::event::envelope::{Key, define_envelope, read_field};
use crate::scheme::Scheme;

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v0=…]`, the HMAC-SHA256 of
/// `"{t}.{body}"` keyed with the endpoint's `whsec_…` secret as issued;
/// events [`StripeEvent`], redelivered with the same `id` and signed anew.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stripe;

impl Provider for Stripe {
    const NAME: &'static str = "stripe";
    type Event = StripeEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("stripe-signature")
    }
    const RETRIES: Retries = Retries::Within {
        span: hours(72),
        source: "Stripe's docs, \"Process undelivered webhook events\": live mode retries for up \
                 to three days with exponential backoff (sandboxes three times over a few hours)",
    };
}

define_envelope! {
    /// A Stripe event: `{ "id", "object": "event", "type", "created",
    /// "livemode", "api_version", "data": { "object", "previous_attributes" },
    /// … }`.
    ///
    /// `id`, `type`, `created`, `livemode` and `data` are required (Stripe
    /// always sends them); an empty `id` is refused. `api_version` is `None`
    /// on events older than 2014. Everything else (`object`,
    /// `pending_webhooks`, `request`, `account`, …) is kept in
    /// [`extra`](StripeEvent::extra).
    ///
    /// ```
    /// use signed_webhooks::{decode_event, StripeEvent};
    ///
    /// let body = br#"{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event",
    ///     "api_version":"2024-06-20","created":1686089970,"livemode":false,"pending_webhooks":1,
    ///     "request":{"id":"req_8a1","idempotency_key":null},"type":"customer.updated",
    ///     "data":{"object":{"id":"cus_Q1","object":"customer","email":"new@example.com"},
    ///             "previous_attributes":{"email":"old@example.com"}}}"#;
    /// let event: StripeEvent = decode_event(body)?;
    /// assert_eq!(event.event_type(), "customer.updated");
    /// assert_eq!(event.object_id(), Some("cus_Q1"));
    /// assert_eq!(event.data.previous_attributes.as_ref().unwrap()["email"], "old@example.com");
    /// assert_eq!(event.request_id(), Some("req_8a1"));
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub struct StripeEvent<T = StripeData> {
        /// The event type, such as `invoice.paid`.
        event_type = "type",
        /// The event's id (`evt_…`). Redeliveries of the event carry the same
        /// id: deduplicate on it. Never empty.
        id: String = "id" via read_id,
        /// When the event was created, in seconds since the Unix epoch.
        created: i64 = "created",
        /// Whether the event comes from live mode (`false`: test mode).
        livemode: bool = "livemode",
        /// The API version `data` was rendered with, such as `2024-06-20`.
        api_version: Option<String> = "api_version",
    }
    expecting "a Stripe event object with `id`, `type`, `created` and `data`"
}

impl<T> StripeEvent<T> {
    /// The event's id, the key to deduplicate deliveries on.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The event type, such as `invoice.paid`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// When the event was created, in seconds since the Unix epoch.
    pub fn created(&self) -> i64 {
        self.created
    }

    /// The connected account the event comes from (`account`), for
    /// Connect webhooks.
    pub fn account(&self) -> Option<&str> {
        self.extra.get("account")?.as_str()
    }

    /// The id of the API request that caused the event (`request.id`);
    /// `None` for automatic events.
    pub fn request_id(&self) -> Option<&str> {
        match self.extra.get("request")? {
            Value::Object(request) => request.get("id")?.as_str(),
            // API versions before 2017-05-25 sent the id alone.
            Value::String(id) => Some(id),
            _ => None,
        }
    }

    /// The idempotency key of the API request that caused the event
    /// (`request.idempotency_key`).
    pub fn idempotency_key(&self) -> Option<&str> {
        self.extra.get("request")?.get("idempotency_key")?.as_str()
    }
}

impl StripeEvent<StripeData> {
    /// The id of the resource the event is about (`data.object.id`), such
    /// as `cus_…`.
    pub fn object_id(&self) -> Option<&str> {
        self.data.object.get("id")?.as_str()
    }

    /// The kind of resource the event is about (`data.object.object`), such
    /// as `customer` or `invoice`.
    pub fn object_kind(&self) -> Option<&str> {
        self.data.object.get("object")?.as_str()
    }
}

/// The `data` of a Stripe event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StripeData {
    /// The API resource the event is about, as it was when the event
    /// happened (an invoice for `invoice.paid`).
    pub object: Value,
    /// For `*.updated` events, the fields that changed, with their values
    /// before the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_attributes: Option<Value>,
    /// Fields of `data` this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl StripeData {
    /// The data of an event about `object`.
    pub fn new(object: Value) -> Self {
        StripeData {
            object,
            previous_attributes: None,
            extra: Map::new(),
        }
    }
}

// By hand rather than derived: a derived `flatten` would buffer the whole
// object, the bulk of every Stripe event, before decoding it.
impl<'de> Deserialize<'de> for StripeData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DataVisitor;

        impl<'de> Visitor<'de> for DataVisitor {
            type Value = StripeData;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Stripe event data: an object with `object`")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StripeData, A::Error> {
                let mut object = None;
                let mut previous_attributes: Option<Value> = None;
                let mut extra = Map::new();
                while let Some(Key(key)) = map.next_key()? {
                    match &*key {
                        "object" => read_field(&mut object, "object", &mut map)?,
                        "previous_attributes" => {
                            read_field(&mut previous_attributes, "previous_attributes", &mut map)?;
                        }
                        _ => {
                            let value = map.next_value()?;
                            extra.insert(key.into_owned(), value);
                        }
                    }
                }
                Ok(StripeData {
                    object: object.ok_or_else(|| de::Error::missing_field("object"))?,
                    previous_attributes: previous_attributes.filter(|value| !value.is_null()),
                    extra,
                })
            }
        }

        deserializer.deserialize_map(DataVisitor)
    }
}
