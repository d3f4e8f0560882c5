//! Dropbox: how it signs, how it delivers, and its events.
//!
//! A Dropbox notification only says which accounts changed:
//! `{ "list_folder": { "accounts": [ … ] }, "delta": { "users": [ … ] } }`;
//! call `/files/list_folder/continue` for each to learn what changed. It
//! carries no event id and no time.
//!
//! Registering an endpoint is a `GET ?challenge=<text>`, unsigned
//! ([`ENDPOINT_CHECK`](crate::Provider::ENDPOINT_CHECK)), answered within 10 s by echoing the
//! challenge as the body, with `Content-Type: text/plain` and
//! `X-Content-Type-Options: nosniff`. Route the `GET` to the webhook
//! handler: the axum and actix-web extractors answer it (a challenge
//! within [`EndpointCheck`](crate::EndpointCheck)'s bounds only), and the
//! handler never sees it (it is not a delivery).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, minutes};
use crate::handshake::EndpointCheck;
use crate::scheme::{DeliveryId, Scheme};

/// Dropbox: `X-Dropbox-Signature: <hex>`, the HMAC-SHA256 of the raw body
/// keyed with the app secret as shown; notifications
/// [`DropboxNotification`].
///
/// **Dropbox signs no time and no id, and its deliveries have no
/// duplicate key** ([`DeliveryId::Unkeyed`]): two notifications about
/// the same accounts are the same bytes, so any key would take the second
/// change for a replay of the first, and a change would go unnoticed.
/// Duplicate detection passes every Dropbox notification through, and
/// nothing refuses the replay of a captured one: a notification is only a
/// hint to fetch changes with a cursor, which is safe to run again, so
/// keep the handler that way.
///
/// Dropbox checks a new endpoint with an unsigned `GET ?challenge=…`
/// ([`Provider::ENDPOINT_CHECK`]): route the `GET` to the same handler
/// (`post(dropbox).get(dropbox)` in axum, `web::route().to(dropbox)` or a
/// `web::get()` route to it in actix-web) and the extractors echo the
/// challenge (`text/plain`, `X-Content-Type-Options: nosniff`); the
/// handler never sees the `GET`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dropbox;

impl Provider for Dropbox {
    const NAME: &'static str = "dropbox";
    type Event = DropboxNotification;
    fn scheme() -> Scheme {
        Scheme::body("x-dropbox-signature").with_delivery_id(DeliveryId::Unkeyed)
    }
    const ENDPOINT_CHECK: Option<EndpointCheck> = Some(EndpointCheck::Echo {
        challenge: "challenge",
    });
    const RETRIES: Retries = Retries::Within {
        span: minutes(10),
        source: "Dropbox's webhook docs (developers/webhooks/docs.html, an older copy; the \
                 current reference page is silent): a request answered non-200 or timed out is \
                 re-attempted with exponential backoff over about ten minutes, then reported \
                 failed in the App Console",
    };
}

/// A Dropbox notification: which accounts changed.
///
/// ```
/// use signed_webhooks::{decode_event, DropboxNotification};
///
/// let body = br#"{"list_folder":{"accounts":["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]},
///     "delta":{"users":[12345]}}"#;
/// let notification: DropboxNotification = decode_event(body)?;
/// assert_eq!(notification.accounts().collect::<Vec<_>>(), ["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]);
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DropboxNotification {
    /// `{ "accounts": [ "dbid:…", … ] }`: the accounts whose files changed.
    #[serde(default)]
    pub list_folder: Option<Value>,
    /// `{ "users": [ … ] }`: the same, as the numeric user ids of Dropbox's
    /// retired API v1.
    #[serde(default)]
    pub delta: Option<Value>,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl DropboxNotification {
    /// The account ids (`dbid:…`) of `list_folder.accounts`.
    pub fn accounts(&self) -> impl Iterator<Item = &str> {
        self.list_folder
            .as_ref()
            .and_then(|list| list.get("accounts")?.as_array())
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
    }
}
