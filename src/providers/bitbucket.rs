//! Bitbucket Cloud: how it signs, how it delivers, and its events.
//!
//! Bitbucket sends no envelope: the event name is the `X-Event-Key` header
//! (`repo:push`, `pullrequest:created`, …) and the payload is
//! `{ "actor", "repository", … }` with an object of the event's own
//! (`push`, `pullrequest`, …). This crate does not model the payloads:
//! they stay JSON, or a type of your own.

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Provider, Retries, WebhookEvent};
use crate::error::{Error, HeaderError};
use crate::event::decode_event;
use crate::headers::Headers;
use crate::scheme::Scheme;

/// Bitbucket Cloud: `X-Hub-Signature: sha256=<hex>`, the HMAC-SHA256 of the
/// raw body keyed with the webhook's secret as typed (a webhook without a
/// secret sends no signature, and is refused); events [`BitbucketEvent`]
/// (named by the unsigned `X-Event-Key` header). Unlike GitHub's header of
/// the same name, Bitbucket's carries SHA-256: a `sha1=` signature is
/// refused.
///
/// **Bitbucket signs no time**: a captured delivery verifies forever. Only
/// duplicate detection refuses its replay, by the signed content, for as
/// long as the store remembers it (its retention). `X-Request-UUID` and
/// `X-Hook-UUID` are unsigned, so a replayer can change them: never the
/// key.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bitbucket;

impl Provider for Bitbucket {
    const NAME: &'static str = "bitbucket";
    type Event = BitbucketEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-hub-signature").with_prefix("sha256=")
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Bitbucket Cloud publishes no retry schedule (its deliveries carry an \
                 X-Attempt-Number header, which implies retries: unconfirmed)",
    };
}

/// A Bitbucket Cloud webhook delivery: the event key from the
/// `X-Event-Key` header, and the payload `T` (JSON unless you decode into a
/// type of your own).
///
/// ```
/// use signed_webhooks::BitbucketEvent;
///
/// let body = br#"{"actor":{"display_name":"Emily"},"repository":{"full_name":"acme/widgets"},
///                 "push":{"changes":[]}}"#;
/// let event: BitbucketEvent = BitbucketEvent::from_parts("repo:push", body)?;
/// assert!(event.is("repo:push"));
/// assert_eq!(event.payload["repository"]["full_name"], "acme/widgets");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BitbucketEvent<T = Value> {
    /// The event key, from the `X-Event-Key` header, such as `repo:push`.
    /// **Not signed**: whoever replays a captured delivery can change it
    /// (the body stays the one Bitbucket signed). Check what you act on in
    /// the payload, which is signed.
    #[serde(rename = "event")]
    pub name: String,
    /// The payload: the request body.
    pub payload: T,
}

impl<T: DeserializeOwned> BitbucketEvent<T> {
    /// Builds the event from the `X-Event-Key` header value and the
    /// (verified) body.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body does not decode into `T`.
    pub fn from_parts(event_key: &str, body: &[u8]) -> Result<Self, Error> {
        Ok(BitbucketEvent {
            name: event_key.to_owned(),
            payload: decode_event(body)?,
        })
    }
}

impl<T> BitbucketEvent<T> {
    /// The event key (`X-Event-Key`: unsigned, see [`name`](Self::name)).
    pub fn event_type(&self) -> &str {
        &self.name
    }

    /// Whether the event key is `name`, such as `pullrequest:created`.
    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }
}

/// The event named by `X-Event-Key` and the verified body.
impl<T: DeserializeOwned> WebhookEvent for BitbucketEvent<T> {
    fn decode(body: &[u8], headers: &dyn Headers) -> Result<Self, Error> {
        let name = header_text(headers, "x-event-key")?.ok_or(Error::MissingHeader {
            header: Cow::Borrowed("x-event-key"),
        })?;
        BitbucketEvent::from_parts(name, body)
    }
}

/// The value of header `name` as text, `None` when it is absent; a header
/// sent twice, or not UTF-8, is an error.
pub(super) fn header_text<'h>(
    headers: &'h dyn Headers,
    name: &'static str,
) -> Result<Option<&'h str>, Error> {
    let name = Cow::Borrowed(name);
    match crate::verify::single(&name, headers.first_two(&name)) {
        Err(Error::MissingHeader { .. }) => Ok(None),
        Err(error) => Err(error),
        Ok(value) => std::str::from_utf8(value)
            .map(Some)
            .map_err(|_| Error::MalformedHeader {
                header: name,
                reason: HeaderError::InvalidCharacter,
            }),
    }
}
