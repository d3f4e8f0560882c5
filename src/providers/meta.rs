//! Meta (Graph API webhooks, WhatsApp Cloud API): how it signs, how it
//! delivers, and its events.
//!
//! Meta sends one envelope for every product: `{ "object", "entry": [{
//! "id", "time", "changes": [{ "field", "value" }] }] }` (Messenger and
//! Instagram messaging put `messaging` in an entry instead of `changes`).
//! `object` says which product (`whatsapp_business_account`, `page`,
//! `instagram`, …), each change's `field` what changed (`messages`,
//! `feed`, …); the `value`s stay JSON.
//!
//! Subscribing an endpoint is a `GET ?hub.mode=subscribe&hub.challenge=…
//! &hub.verify_token=…`, unsigned ([`ENDPOINT_CHECK`](crate::Provider::ENDPOINT_CHECK)): it is
//! answered with `hub.challenge` when `hub.verify_token` is the Verify
//! Token typed in the App Dashboard (not the app secret), 403 otherwise.
//! Give that token to the verifier
//! ([`Verifier::with_verify_token`](crate::Verifier::with_verify_token))
//! and route the `GET` to the webhook handler: the axum and actix-web
//! extractors answer it, and the handler never sees it (it is not a
//! delivery). Without a token configured the check is refused 403, and
//! the log says what to set.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries};
use crate::handshake::EndpointCheck;
use crate::scheme::Scheme;

/// Meta: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the raw
/// body keyed with the app secret, as shown in the App Dashboard; events
/// [`MetaEvent`]. The body is verified exactly as sent: Meta escapes
/// non-ASCII as `\uXXXX` before signing, so a re-encoded body never
/// matches. The legacy SHA-1 `X-Hub-Signature` is never accepted.
///
/// **Meta signs no time**: a captured delivery verifies forever. Only
/// duplicate detection refuses its replay, by the signed content (the
/// body), for as long as the store remembers it. A delivery carries no id
/// of its own (WhatsApp's message ids, `wamid.…`, are inside the body, one
/// per message: [`MetaEvent::whatsapp_message_ids`]).
///
/// Meta checks a new endpoint with an unsigned `GET ?hub.mode=subscribe
/// &hub.challenge=…&hub.verify_token=…` ([`Provider::ENDPOINT_CHECK`]).
/// Give the verifier the Verify Token typed in the App Dashboard and route
/// the `GET` to the same handler: the extractors echo `hub.challenge` for
/// that token only (compared in constant time), refuse any other 403, and
/// the handler never sees the `GET`.
///
/// ```
/// # #[cfg(feature = "axum")] mod app {
/// use axum::{Router, http::StatusCode, routing::post};
/// use signed_webhooks::axum::Webhook;
/// use signed_webhooks::{Meta, Verifier};
///
/// async fn meta(event: Webhook<Meta>) -> StatusCode {
///     println!("{}", event.event_type());
///     StatusCode::OK
/// }
///
/// fn app() -> Result<Router, Box<dyn std::error::Error>> {
///     let verifier = Verifier::<Meta>::new(std::env::var("META_APP_SECRET")?)?
///         .with_verify_token(std::env::var("META_VERIFY_TOKEN")?)?;
///     Ok(Router::new()
///         .route("/webhooks/meta", post(meta).get(meta)) // the GET: Meta's check
///         .with_state(verifier))
/// }
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Meta;

impl Provider for Meta {
    const NAME: &'static str = "meta";
    type Event = MetaEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-hub-signature-256").with_prefix("sha256=")
    }
    const ENDPOINT_CHECK: Option<EndpointCheck> = Some(EndpointCheck::VerifyToken {
        mode: "hub.mode",
        challenge: "hub.challenge",
        token: "hub.verify_token",
    });
    const RETRIES: Retries = Retries::Unknown {
        source: "not in the stored Meta docs (tests/vectors/facts/meta.md: retries unconfirmed); \
                 Meta is widely quoted as retrying failed notifications with decreasing \
                 frequency, for up to 36 hours (Graph API) or 7 days (WhatsApp)",
    };
}

/// A Meta webhook notification: `{ "object", "entry": [ … ] }`.
///
/// ```
/// use signed_webhooks::{decode_event, MetaEvent};
///
/// let body = br#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398",
///     "changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
///     "messages":[{"from":"33612345678","id":"wamid.HBgL","type":"text"}]}}]}]}"#;
/// let event: MetaEvent = decode_event(body)?;
/// assert_eq!(event.event_type(), "whatsapp_business_account");
/// assert_eq!(event.entry[0].changes[0].field, "messages");
/// assert_eq!(event.whatsapp_message_ids().collect::<Vec<_>>(), ["wamid.HBgL"]);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetaEvent {
    /// The product the notification is about: `whatsapp_business_account`,
    /// `page`, `instagram`, `user`, `permissions`, …
    pub object: String,
    /// The entries, one per object that changed (a page, a WhatsApp
    /// Business Account, …).
    #[serde(default)]
    pub entry: Vec<MetaEntry>,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of a [`MetaEvent`]: the object that changed, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetaEntry {
    /// The id of the object that changed (a WhatsApp Business Account's, a
    /// page's), as text even where Meta sends a number.
    #[serde(default, deserialize_with = "text_or_number")]
    pub id: Option<String>,
    /// The changes, `{ "field", "value" }` each; empty for entries that
    /// carry `messaging` instead (Messenger, Instagram messaging), kept in
    /// [`extra`](Self::extra).
    #[serde(default)]
    pub changes: Vec<MetaChange>,
    /// Fields this crate does not model (`time`, `messaging`, `uid`, …),
    /// kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One change of a [`MetaEntry`]: which field changed, and its new value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetaChange {
    /// The field subscribed to: `messages`, `feed`, `comments`, …
    pub field: String,
    /// The change, as JSON (its shape depends on the object and field).
    #[serde(default)]
    pub value: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MetaEvent {
    /// The product the notification is about (`object`).
    pub fn event_type(&self) -> &str {
        &self.object
    }

    /// Every change of every entry.
    pub fn changes(&self) -> impl Iterator<Item = &MetaChange> {
        self.entry.iter().flat_map(|entry| entry.changes.iter())
    }

    /// The ids (`wamid.…`) of the WhatsApp messages the notification
    /// carries (`entry[].changes[].value.messages[].id`): signed, and kept
    /// by Meta's redeliveries, so a receiver can recognise each message it
    /// already handled, whichever delivery brings it.
    pub fn whatsapp_message_ids(&self) -> impl Iterator<Item = &str> {
        self.changes()
            .filter_map(|change| change.value.get("messages")?.as_array())
            .flatten()
            .filter_map(|message| message.get("id")?.as_str())
    }
}

impl MetaEntry {
    /// When the change happened (`time`), where the entry says, in the
    /// unit Meta sends (Unix seconds for most products).
    pub fn time(&self) -> Option<i64> {
        self.extra.get("time")?.as_i64()
    }
}

/// An id Meta writes as a string, or now and then as a number.
fn text_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(text)) => Some(text),
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messenger_entries_and_numeric_ids_decode() {
        let body = br#"{"object":"page","entry":[{"id":104776551234567,"time":1789999998,
            "messaging":[{"sender":{"id":"678"},"message":{"mid":"m_1","text":"hi"}}]}]}"#;
        let event: MetaEvent = crate::decode_event(body).unwrap();
        assert_eq!(event.event_type(), "page");
        assert_eq!(event.entry[0].id.as_deref(), Some("104776551234567"));
        assert_eq!(event.entry[0].time(), Some(1_789_999_998));
        assert!(event.entry[0].changes.is_empty());
        assert_eq!(event.whatsapp_message_ids().count(), 0);
    }
}
