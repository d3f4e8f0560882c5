//! Shopify: how it signs, how it delivers, and its events.
//!
//! Shopify sends no envelope: the body is the REST resource of the topic
//! (an order for `orders/create`, the shop for `app/uninstalled`), and the
//! topic is the `X-Shopify-Topic` header, which is not signed. This crate
//! does not model the resources: the payload is JSON, or a type of your
//! own.

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Provider, Retries, WebhookEvent, hours};
use crate::error::{Error, HeaderError};
use crate::event::decode_event;
use crate::headers::Headers;
use crate::scheme::{Encoding, Scheme};

/// Shopify: `X-Shopify-Hmac-Sha256: <base64>`, the HMAC-SHA256 of the raw
/// body keyed with the app's client secret as shown (standard base64,
/// padded); events [`ShopifyEvent`] (named by the unsigned
/// `X-Shopify-Topic` header). While a secret is rotated, Shopify may sign
/// with the old one for up to an hour: hold both.
///
/// **Shopify signs no time**: a captured delivery verifies forever
/// (`X-Shopify-Triggered-At` is not signed). Only duplicate detection
/// refuses its replay, by the signed content (the body, which Shopify's
/// retries resend unchanged), for as long as the store remembers it.
/// `X-Shopify-Webhook-Id`, the delivery id Shopify says to deduplicate on,
/// and `X-Shopify-Event-Id` are not signed, so a replayer can change them:
/// they are never the key. Two deliveries with byte-identical bodies count
/// as one, even under two topics (an order's `orders/create` and an
/// `orders/updated` sent with the same body): give such topics routes of
/// their own, since keys name the route.
///
/// The unprefixed `shopify-hmac-sha256` of Events deliveries (a developer
/// preview) is not read by this preset.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shopify;

impl Provider for Shopify {
    const NAME: &'static str = "shopify";
    type Event = ShopifyEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-shopify-hmac-sha256").with_encoding(Encoding::Base64)
    }
    const RETRIES: Retries = Retries::Within {
        span: hours(4),
        source: "Shopify's changelog, \"Updates to webhook retry mechanism\" (effective \
                 2024-09-10): a failed delivery is retried 8 times over 4 hours with exponential \
                 backoff, with the original payload",
    };
}

/// A Shopify webhook delivery: the topic and the other `X-Shopify-*`
/// headers (none of them signed), and the payload `T`, the signed body
/// (JSON unless you decode into a type of your own).
///
/// It serializes as `{ "topic", "shop_domain", "api_version",
/// "webhook_id", "event_id", "triggered_at", "payload" }`, a record of this
/// crate, not a Shopify format.
///
/// ```
/// use signed_webhooks::{ShopifyEvent, WebhookEvent};
///
/// let headers = [
///     ("X-Shopify-Topic", "orders/create"),
///     ("X-Shopify-Shop-Domain", "acme-apparel.myshopify.com"),
///     ("X-Shopify-Webhook-Id", "67b63365-23e5-4829-a7cb-3029231a6a41"),
/// ];
/// let event: ShopifyEvent = ShopifyEvent::decode(br#"{"id":820982911946154508,"total_price":"199.00"}"#, &headers)?;
/// assert_eq!(event.event_type(), "orders/create");
/// assert_eq!(event.shop_domain.as_deref(), Some("acme-apparel.myshopify.com"));
/// assert_eq!(event.payload["total_price"], "199.00");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ShopifyEvent<T = Value> {
    /// The topic, such as `orders/create`, from `X-Shopify-Topic` (or
    /// `shopify-topic`). **Not signed**: whoever replays a captured
    /// delivery can change it, and present an order as a refund, say.
    /// Check what you act on in the payload, which is signed.
    pub topic: String,
    /// The shop, from `X-Shopify-Shop-Domain` (not signed).
    pub shop_domain: Option<String>,
    /// The API version the payload is rendered in, from
    /// `X-Shopify-API-Version` (not signed).
    pub api_version: Option<String>,
    /// `X-Shopify-Webhook-Id` (not signed: never deduplicate on it alone).
    pub webhook_id: Option<String>,
    /// `X-Shopify-Event-Id`, shared by the webhooks one event triggers (not
    /// signed).
    pub event_id: Option<String>,
    /// `X-Shopify-Triggered-At` (not signed).
    pub triggered_at: Option<String>,
    /// The payload: the request body.
    pub payload: T,
}

impl<T> ShopifyEvent<T> {
    /// The topic (unsigned: see [`topic`](Self::topic)).
    pub fn event_type(&self) -> &str {
        &self.topic
    }
}

/// The topic from `X-Shopify-Topic` (or Events' `shopify-topic`), the
/// other headers when present, and the verified body.
impl<T: DeserializeOwned> WebhookEvent for ShopifyEvent<T> {
    fn decode(body: &[u8], headers: &dyn Headers) -> Result<Self, Error> {
        let header = |suffix: &'static str| -> Result<Option<String>, Error> {
            for name in [
                Cow::Owned(format!("x-shopify-{suffix}")),
                Cow::Owned(format!("shopify-{suffix}")),
            ] {
                match crate::verify::single(&name, headers.first_two(&name)) {
                    Err(Error::MissingHeader { .. }) => continue,
                    Err(error) => return Err(error),
                    Ok(value) => {
                        return std::str::from_utf8(value)
                            .map(|text| Some(text.to_owned()))
                            .map_err(|_| Error::MalformedHeader {
                                header: name,
                                reason: HeaderError::InvalidCharacter,
                            });
                    }
                }
            }
            Ok(None)
        };
        let topic = header("topic")?.ok_or(Error::MissingHeader {
            header: Cow::Borrowed("x-shopify-topic"),
        })?;
        Ok(ShopifyEvent {
            topic,
            shop_domain: header("shop-domain")?,
            api_version: header("api-version")?,
            webhook_id: header("webhook-id")?,
            event_id: header("event-id")?,
            triggered_at: header("triggered-at")?,
            payload: decode_event(body)?,
        })
    }
}
