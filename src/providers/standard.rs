//! Standard Webhooks and Svix: how they sign, how they deliver, and their
//! events.
//!
//! Events of the providers that follow Standard Webhooks (Svix and those
//! built on it).
//!
//! The specification recommends, without requiring, the payload
//! `{ "type", "timestamp", "data" }`. The event's id is not in the body: it
//! is the signed `webhook-id` header, the key duplicates are recognised by
//! (an extractor's `Webhook::delivery_key`).

use serde_json::Value;

#[cfg(feature = "standard-webhooks")]
use super::{Provider, Retries, hours, minutes};
use crate::event::envelope::define_envelope;
#[cfg(feature = "standard-webhooks")]
use crate::scheme::Scheme;
#[cfg(feature = "standard-webhooks")]
use std::time::Duration;

/// Standard Webhooks: `webhook-id`, `webhook-timestamp` and
/// `webhook-signature: v1,<base64> …`, the HMAC-SHA256 of
/// `"{id}.{timestamp}.{body}"` keyed with the base64 after `whsec_`;
/// events [`StandardEvent`], deduplicated by the signed `webhook-id`. Svix's
/// `svix-*` headers are read too.
#[cfg(feature = "standard-webhooks")]
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardWebhooks;

#[cfg(feature = "standard-webhooks")]
impl Provider for StandardWebhooks {
    const NAME: &'static str = "standard-webhooks";
    type Event = StandardEvent;
    fn scheme() -> Scheme {
        Scheme::standard_webhooks()
    }
    const RETRIES: Retries = Retries::Schedule {
        waits: &[
            Duration::from_secs(5),
            minutes(5),
            minutes(30),
            hours(2),
            hours(5),
            hours(10),
            hours(14),
            hours(20),
            hours(24),
        ],
        source: "the Standard Webhooks spec's example schedule: immediately, then after 5 s, \
                 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (each provider may choose its \
                 own)",
    };
}

/// Svix, and the providers built on it: [`StandardWebhooks`]' scheme, with
/// its `svix-id`, `svix-timestamp` and `svix-signature` headers (or the
/// `webhook-*` ones). A type of its own, so one app can verify a Svix
/// provider and another Standard Webhooks provider with their own secrets.
#[cfg(feature = "standard-webhooks")]
#[derive(Debug, Clone, Copy, Default)]
pub struct Svix;

#[cfg(feature = "standard-webhooks")]
impl Provider for Svix {
    const NAME: &'static str = "svix";
    type Event = StandardEvent;
    fn scheme() -> Scheme {
        // Svix's own names first: a `Signer<Svix>` writes them.
        let mut scheme = Scheme::standard_webhooks();
        scheme.headers.reverse();
        scheme
    }
    const RETRIES: Retries = Retries::Schedule {
        waits: &[
            Duration::from_secs(5),
            minutes(5),
            minutes(30),
            hours(2),
            hours(5),
            hours(10),
            hours(10),
        ],
        source: "Svix's docs, \"Retry Schedule\": immediately, then after 5 s, 5 min, 30 min, \
                 2 h, 5 h, 10 h and 10 h",
    };
}

define_envelope! {
    /// An event in the payload shape Standard Webhooks recommends: `type`,
    /// `timestamp` and `data`, around a payload `T`.
    ///
    /// Only `type` is required. `timestamp` is kept as sent: the
    /// specification recommends RFC 3339 text, and some providers send Unix
    /// seconds or milliseconds instead. A provider that squashes its data
    /// into the top-level object instead of `data` leaves `data` null (for
    /// `T = Value`) and its fields in [`extra`](StandardEvent::extra).
    ///
    /// The event's id is the signed `webhook-id` header, not part of the
    /// body: duplicates are recognised by it, and an extractor's
    /// `Webhook::delivery_key` carries it.
    ///
    /// ```
    /// use signed_webhooks::{decode_event, StandardEvent};
    ///
    /// let body = br#"{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z",
    ///                 "data":{"id":"1f81eb52-5198-4599-803e-771906343485"}}"#;
    /// let event: StandardEvent = decode_event(body)?;
    /// assert_eq!(event.event_type(), "contact.created");
    /// assert_eq!(event.timestamp_text(), Some("2022-11-03T20:26:10.344522Z"));
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub struct StandardEvent<T = Value> {
        /// The event type, such as `invoice.paid`.
        event_type = "type",
        /// When the event occurred, as sent (not when it was delivered: the
        /// `webhook-timestamp` header says that).
        #[serde(skip_serializing_if = "Option::is_none")]
        timestamp: Option<Value> = "timestamp",
    }
    expecting "a webhook event object with `type` and `data`"
}

impl<T> StandardEvent<T> {
    /// The event type, such as `invoice.paid`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// `timestamp` when it is text (RFC 3339, as the specification
    /// recommends).
    pub fn timestamp_text(&self) -> Option<&str> {
        self.timestamp.as_ref()?.as_str()
    }
}
