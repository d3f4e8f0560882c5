//! GitLab: how it signs, how it delivers, and its events.
//!
//! GitLab names the event in the `X-Gitlab-Event` header (`Push Hook`,
//! `Merge Request Hook`, …) and in the payload's `object_kind` (`push`,
//! `merge_request`, …). This crate does not model GitLab's payloads: the
//! payload is JSON, or a type of your own.
//!
//! GitLab authenticates its webhooks in one of two ways:
//!
//! - the secret token ([`GitLab`]): `X-Gitlab-Token` carries the token
//!   itself, a password rather than a signature;
//! - the newer signing token (behind GitLab's `webhook_signing_token`
//!   feature flag): a Standard Webhooks signature, `webhook-id` (the
//!   delivery's `Idempotency-Key`), `webhook-timestamp` and
//!   `webhook-signature: v1,<base64>` keyed with the `whsec_…` token.
//!   `Verifier<StandardWebhooks>` verifies it as it is (see [`GitLab`]).

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::bitbucket::header_text;
use super::{Provider, Retries, WebhookEvent};
use crate::error::Error;
use crate::event::decode_event;
use crate::headers::Headers;
use crate::scheme::Scheme;

/// GitLab's secret token: `X-Gitlab-Token: <the token as configured>`,
/// compared whole with the configured token in constant time; events
/// [`GitLabEvent`] (named by the `X-Gitlab-Event` header).
///
/// **Nothing is signed**: the token proves only that the sender knows it,
/// nothing about the body, the headers or the time. Whoever sees one
/// delivery (a log, a proxy) can send any body, at any time, with it; a
/// replay is refused only by duplicate detection, which recognises a
/// delivery by its body's SHA-256, for as long as the store remembers it.
/// `Idempotency-Key` and `X-Gitlab-Event-UUID`, which GitLab keeps on a
/// resend, are unsigned like everything else, and never the key.
///
/// Where your GitLab offers a **signing token** (behind its
/// `webhook_signing_token` feature flag), prefer it: GitLab then signs
/// Standard Webhooks' way (`webhook-id`, the delivery's `Idempotency-Key`;
/// `webhook-timestamp`; `webhook-signature: v1,<base64>` over
/// `"{id}.{timestamp}.{body}"`, keyed with the `whsec_…` token), which
/// `Verifier<StandardWebhooks>` (feature `standard-webhooks`) verifies as
/// it is: the body signed, the time within 300 s, duplicates named by the
/// signed `webhook-id`. Once [`Verifier::verify`](crate::Verifier::verify)
/// has passed, decode the body with [`GitLabEvent::from_parts`] (or
/// [`WebhookEvent::decode`], which reads `X-Gitlab-Event`).
#[derive(Debug, Clone, Copy, Default)]
pub struct GitLab;

impl Provider for GitLab {
    const NAME: &'static str = "gitlab";
    type Event = GitLabEvent;
    fn scheme() -> Scheme {
        Scheme::token("x-gitlab-token")
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "GitLab's webhook docs (as quoted) publish no automatic retry schedule: a \
                 webhook that keeps failing is disabled (after four consecutive failures; on \
                 5xx for 1 min, growing to 24 h; on 4xx until re-enabled); a delivery resent by \
                 hand keeps its Idempotency-Key",
    };
}

/// A GitLab webhook delivery: the event name from the `X-Gitlab-Event`
/// header, the payload's `object_kind`, and the payload `T` (JSON unless
/// you decode into a type of your own).
///
/// ```
/// use signed_webhooks::GitLabEvent;
///
/// let body = br#"{"object_kind":"push","ref":"refs/heads/main",
///                 "project":{"path_with_namespace":"mike/diaspora"},"total_commits_count":1}"#;
/// let event: GitLabEvent = GitLabEvent::from_parts("Push Hook", body)?;
/// assert!(event.is("Push Hook"));
/// assert_eq!(event.object_kind(), Some("push"));
/// assert_eq!(event.payload["ref"], "refs/heads/main");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GitLabEvent<T = Value> {
    /// The event name, from the `X-Gitlab-Event` header, such as
    /// `Push Hook`. Under the secret token nothing is signed; under a
    /// signing token the header is not, but the payload (and its
    /// `object_kind`) is: check what you act on there.
    #[serde(rename = "event")]
    pub name: String,
    /// The payload's top-level `object_kind`, such as `push` or
    /// `merge_request`, when it has one.
    pub object_kind: Option<String>,
    /// The payload: the request body.
    pub payload: T,
}

impl<T: DeserializeOwned> GitLabEvent<T> {
    /// Builds the event from the `X-Gitlab-Event` header value and the
    /// (verified) body.
    ///
    /// # Errors
    ///
    /// [`Error::Decode`] when the body does not decode into `T`.
    pub fn from_parts(event: &str, body: &[u8]) -> Result<Self, Error> {
        let payload = decode_event(body)?;
        Ok(GitLabEvent {
            name: event.to_owned(),
            object_kind: object_kind(body),
            payload,
        })
    }
}

impl<T> GitLabEvent<T> {
    /// The event name (`X-Gitlab-Event`: see [`name`](Self::name)).
    pub fn event_type(&self) -> &str {
        &self.name
    }

    /// The payload's `object_kind`, if any.
    pub fn object_kind(&self) -> Option<&str> {
        self.object_kind.as_deref()
    }

    /// Whether the event is `name`: the `X-Gitlab-Event` name
    /// (`Merge Request Hook`) or the payload's `object_kind`
    /// (`merge_request`).
    pub fn is(&self, name: &str) -> bool {
        self.name == name || self.object_kind() == Some(name)
    }
}

/// The event named by `X-Gitlab-Event` and the verified body.
impl<T: DeserializeOwned> WebhookEvent for GitLabEvent<T> {
    fn decode(body: &[u8], headers: &dyn Headers) -> Result<Self, Error> {
        let name = header_text(headers, "x-gitlab-event")?.ok_or(Error::MissingHeader {
            header: Cow::Borrowed("x-gitlab-event"),
        })?;
        GitLabEvent::from_parts(name, body)
    }
}

/// The body's top-level `object_kind` when it is a string: a second,
/// shallow pass, since the payload's type is the caller's.
fn object_kind(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Kind<'a> {
        #[serde(borrow)]
        object_kind: Option<Cow<'a, str>>,
    }
    let Kind { object_kind } = serde_json::from_slice(body).ok()?;
    object_kind.map(Cow::into_owned)
}
