//! Unleeshed: how it signs, how it delivers, and its events.
//!
//! Its events: commentary approved by a creator or a partner, or
//! failed.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, hours, minutes};
use crate::event::Event;
use crate::event::envelope::event_family;
use crate::scheme::Scheme;

/// Unleeshed: `X-Unleeshed-Signature: t=<unix>,v1=<hex>`, the HMAC-SHA256
/// of `"{t}.{body}"` keyed with the `whsec_…` secret as issued; events
/// [`UnleeshedEvent`], retried with the same `id`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unleeshed;

impl Provider for Unleeshed {
    const NAME: &'static str = "unleeshed";
    type Event = UnleeshedEvent;
    fn scheme() -> Scheme {
        Scheme::timestamped("x-unleeshed-signature")
    }
    const RETRIES: Retries = Retries::Schedule {
        waits: &[minutes(1), minutes(5), minutes(30), hours(2), hours(24)],
        source: "Unleeshed's webhook guide, \"Retry Behavior\": immediately, then after 1 min, \
                 5 min, 30 min, 2 h and 24 h; ten failures in a row disable the endpoint",
    };
}

event_family! {
    /// An event from Unleeshed, by type.
    ///
    /// ```
    /// use signed_webhooks::{decode_event, UnleeshedEvent};
    ///
    /// let body = br#"{"id":"evt_1","type":"partner.approved","created_at":"2026-11-22T10:00:00Z",
    ///                 "data":{"external_reference":"article-42","commentary":"Ready to publish."}}"#;
    /// match decode_event::<UnleeshedEvent>(body)? {
    ///     UnleeshedEvent::PartnerApproved(event) => {
    ///         assert_eq!(event.data.external_reference, "article-42");
    ///     }
    ///     other => panic!("unexpected {}", other.event_type()),
    /// }
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    pub enum UnleeshedEvent(Event) {
        /// `creator.approved`: a creator approved the commentary; it is ready
        /// for partner review.
        CreatorApproved(ApprovedCommentary) = "creator.approved",
        /// `partner.approved`: the partner approved the commentary; it is
        /// ready for distribution.
        PartnerApproved(ApprovedCommentary) = "partner.approved",
        /// `commentary.failed`: generating the commentary failed, or it was
        /// rejected.
        CommentaryFailed(FailedCommentary) = "commentary.failed",
    }
    /// The event's id, the key to deduplicate deliveries on.
    pub fn id(&self) -> &str = |event| &event.id;
    /// When the provider created the event, as it wrote it.
    pub fn created_at(&self) -> &str = |event| &event.created_at;
}

impl UnleeshedEvent {
    /// The `external_reference` of a known event: the id you gave the
    /// content when you submitted it.
    pub fn external_reference(&self) -> Option<&str> {
        match self {
            UnleeshedEvent::CreatorApproved(event) | UnleeshedEvent::PartnerApproved(event) => {
                Some(&event.data.external_reference)
            }
            UnleeshedEvent::CommentaryFailed(event) => Some(&event.data.external_reference),
            UnleeshedEvent::Unknown(event) => event.data.get("external_reference")?.as_str(),
        }
    }
}

/// The payload of `creator.approved` and `partner.approved`.
///
/// The provider does not publish the shape of `commentary` and `metadata`,
/// so they are kept as JSON values; fields not listed here are kept in
/// [`extra`](Self::extra).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApprovedCommentary {
    /// Your reference for the content the commentary is about.
    pub external_reference: String,
    /// The commentary content, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commentary: Option<Value>,
    /// Metadata you attached to the content, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Payload fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ApprovedCommentary {
    /// The commentary when the provider sent it as plain text.
    pub fn commentary_text(&self) -> Option<&str> {
        self.commentary.as_ref()?.as_str()
    }
}

/// The payload of `commentary.failed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FailedCommentary {
    /// Your reference for the content the commentary was about.
    pub external_reference: String,
    /// What went wrong, as sent: a message, or an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
    /// Metadata you attached to the content, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// Payload fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FailedCommentary {
    /// A human-readable reason: `error` itself when it is a string, or its
    /// `message` field when it is an object.
    pub fn error_message(&self) -> Option<&str> {
        match self.error.as_ref()? {
            Value::String(message) => Some(message),
            Value::Object(error) => error.get("message")?.as_str(),
            _ => None,
        }
    }
}
