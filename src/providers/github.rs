//! GitHub: how it signs, how it delivers, and its events.
//!
//! GitHub sends no envelope: the event name is the `X-GitHub-Event` header
//! (`issues`, `push`, …), the payload's `action` refines it (`opened`), and
//! the `X-GitHub-Delivery` header is a GUID. This crate does not model
//! GitHub's payloads (there are hundreds, and GitHub's own schemas are the
//! reference): the payload is JSON, or a type of your own.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::WebhookEvent;
use super::{Provider, Retries, hours};
use crate::error::{Error, HeaderError};
use crate::event::decode_event;
use crate::headers::Headers;
use crate::scheme::Scheme;

/// GitHub: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw
/// body keyed with the secret you chose, as typed; events [`GitHubEvent`]
/// (named by the unsigned `X-GitHub-Event` header). The legacy SHA-1
/// `X-Hub-Signature` is never accepted.
///
/// **GitHub signs no time**: a captured delivery verifies forever. Only
/// duplicate detection refuses its replay, by the signed content, for as
/// long as the store remembers it (its retention); `X-GitHub-Delivery` is
/// unsigned, so a replayer can change it and it is never the key.
#[derive(Debug, Clone, Copy, Default)]
pub struct GitHub;

impl Provider for GitHub {
    const NAME: &'static str = "github";
    type Event = GitHubEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-hub-signature-256").with_prefix("sha256=")
    }
    const RETRIES: Retries = Retries::Never {
        by_hand: Some(hours(72)),
        source: "GitHub does not retry failed deliveries (GitHub's docs, \"Handling failed \
                 webhook deliveries\"); they can be redelivered by hand, or through the API, \
                 within 3 days",
    };
}

/// A GitHub webhook delivery: the event name and delivery GUID from the
/// headers, and the payload `T` (JSON unless you decode into a type of your
/// own).
///
/// Built from a verified delivery's headers and body: by the verifier and
/// the extractors ([`WebhookEvent`]), or by
/// [`from_parts`](Self::from_parts). It serializes as `{ "event", "action",
/// "delivery", "payload" }`, a record of this crate, not a GitHub format;
/// it is not `Deserialize`, since a body GitHub sends is not that record.
///
/// ```
/// use signed_webhooks::GitHubEvent;
///
/// let body = br#"{"action":"opened","issue":{"number":1347,"title":"Found a bug"},
///                 "repository":{"full_name":"octocat/Hello-World"}}"#;
/// let event: GitHubEvent = GitHubEvent::from_parts(
///     "issues",
///     "72d3162e-cc78-11e3-81ab-4c9367dc0958",
///     body,
/// )?;
/// assert!(event.is("issues.opened"));
/// assert_eq!(event.payload["issue"]["number"], 1347);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GitHubEvent<T = Value> {
    /// The event name, from the `X-GitHub-Event` header, such as `issues`,
    /// `push` or `ping`. **Not signed**: whoever replays a captured
    /// delivery can change it (the body stays the one GitHub signed, so a
    /// replay can present an `issues` payload as a `push`, say). Check what
    /// you act on in the payload, which is signed, rather than trust the
    /// name alone.
    #[serde(rename = "event")]
    pub name: String,
    /// The payload's top-level `action`, such as `opened`, when it has one
    /// (`push` has none).
    pub action: Option<String>,
    /// The `X-GitHub-Delivery` GUID. It is not signed, so whoever replays a
    /// captured delivery can change it: never deduplicate on it alone. A
    /// redelivery requested from GitHub's settings does keep the GUID.
    pub delivery: String,
    /// The payload: the request body.
    pub payload: T,
}

impl<T: DeserializeOwned> GitHubEvent<T> {
    /// Builds the event from the `X-GitHub-Event` and `X-GitHub-Delivery`
    /// header values and the (verified) body. The headers are taken as
    /// given: checking they are present is the caller's part.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body does not decode into `T`, with the
    /// JSON path that failed (as [`decode_event`]).
    pub fn from_parts(event: &str, delivery: &str, body: &[u8]) -> Result<Self, Error> {
        let payload = decode_event(body)?;
        Ok(GitHubEvent {
            name: event.to_owned(),
            action: action(body),
            delivery: delivery.to_owned(),
            payload,
        })
    }
}

impl<T> GitHubEvent<T> {
    /// The event name (`X-GitHub-Event`: unsigned, see
    /// [`name`](Self::name)).
    pub fn event_type(&self) -> &str {
        &self.name
    }

    /// The payload's `action`, if any.
    pub fn action(&self) -> Option<&str> {
        self.action.as_deref()
    }

    /// The `X-GitHub-Delivery` GUID (unsigned: see
    /// [`delivery`](Self::delivery)).
    pub fn delivery(&self) -> &str {
        &self.delivery
    }

    /// Whether the event is `name`: an event name alone (`issues`, whatever
    /// the action) or an event name and action (`issues.opened`).
    pub fn is(&self, name: &str) -> bool {
        match name.split_once('.') {
            Some((event, action)) => self.name == event && self.action() == Some(action),
            None => self.name == name,
        }
    }

    /// The same event around another payload.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> GitHubEvent<U> {
        GitHubEvent {
            name: self.name,
            action: self.action,
            delivery: self.delivery,
            payload: f(self.payload),
        }
    }
}

/// The event named by `X-GitHub-Event`, the `X-GitHub-Delivery` GUID (empty
/// when absent) and the verified body.
impl<T: DeserializeOwned> WebhookEvent for GitHubEvent<T> {
    fn decode(body: &[u8], headers: &dyn Headers) -> Result<Self, Error> {
        let header = |name: &'static str| -> Result<Option<&str>, Error> {
            let name = Cow::Borrowed(name);
            match crate::verify::single(&name, headers.first_two(&name)) {
                Err(Error::MissingHeader { .. }) => Ok(None),
                Err(error) => Err(error),
                Ok(value) => {
                    std::str::from_utf8(value)
                        .map(Some)
                        .map_err(|_| Error::MalformedHeader {
                            header: name,
                            reason: HeaderError::InvalidCharacter,
                        })
                }
            }
        };
        let event = header("x-github-event")?.ok_or(Error::MissingHeader {
            header: Cow::Borrowed("x-github-event"),
        })?;
        let delivery = header("x-github-delivery")?.unwrap_or_default();
        GitHubEvent::from_parts(event, delivery, body)
    }
}

/// The body's top-level `action` when it is a string. A second, shallow
/// pass over the body (nothing but `action` is kept), since the payload's
/// type is the caller's and may not keep it.
fn action(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Action<'a> {
        #[serde(borrow)]
        action: Option<Cow<'a, str>>,
    }
    let Action { action } = serde_json::from_slice(body).ok()?;
    action.map(Cow::into_owned)
}
