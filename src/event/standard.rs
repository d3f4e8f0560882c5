//! Events of the providers that follow Standard Webhooks (Svix and those
//! built on it).
//!
//! The specification recommends, without requiring, the payload
//! `{ "type", "timestamp", "data" }`. The event's id is not in the body: it
//! is the signed `webhook-id` header, which the verifier reads and puts in
//! [`StandardEvent::webhook_id`].

use serde_json::Value;

use super::envelope::define_envelope;

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
    /// The event's id is the `webhook-id` header, not part of the body:
    /// decoding leaves [`webhook_id`](StandardEvent::webhook_id) empty, and
    /// the verifier fills it with [`with_webhook_id`](StandardEvent::with_webhook_id)
    /// from the header it checked. It is neither serialized nor decoded.
    ///
    /// ```
    /// use signed_webhooks::{decode_event, StandardEvent};
    ///
    /// let body = br#"{"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z",
    ///                 "data":{"id":"1f81eb52-5198-4599-803e-771906343485"}}"#;
    /// let event: StandardEvent = decode_event(body)?;
    /// let event = event.with_webhook_id("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
    /// assert_eq!(event.event_type(), "contact.created");
    /// assert_eq!(event.timestamp_text(), Some("2022-11-03T20:26:10.344522Z"));
    /// assert_eq!(event.webhook_id(), Some("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"));
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub struct StandardEvent<T = Value> {
        local {
            /// The `webhook-id` header, the event's id and the key to
            /// deduplicate on (it is signed with the body). `None` until the
            /// verifier, or you, set it with
            /// [`with_webhook_id`](StandardEvent::with_webhook_id).
            webhook_id: Option<String>,
        }
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
    /// The same event with its id, the `webhook-id` header of the delivery.
    /// Set it only from a header whose signature was verified.
    pub fn with_webhook_id(mut self, webhook_id: impl Into<String>) -> Self {
        self.webhook_id = Some(webhook_id.into());
        self
    }

    /// The event's id (the `webhook-id` header), once set.
    pub fn webhook_id(&self) -> Option<&str> {
        self.webhook_id.as_deref()
    }

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
