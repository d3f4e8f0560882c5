//! Slack: how it signs, how it delivers, and its events.
//!
//! Slack signs every request it sends an app the same way: Events API
//! callbacks (JSON), and slash commands and interactivity (form-encoded).
//! The Events API's `url_verification` handshake is signed like any
//! request; the extractors answer it themselves.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Provider, Retries, WebhookEvent, minutes};
use crate::error::Error;
use crate::handshake::Handshake;
use crate::headers::Headers;
use crate::scheme::{DeliveryId, Part, Scheme};

/// Slack: `X-Slack-Signature: v0=<hex>`, the HMAC-SHA256 of
/// `"v0:{X-Slack-Request-Timestamp}:{body}"` keyed with the app's signing
/// secret as shown; the timestamp within 300 s, past or future. Events API
/// deliveries are recognised by their signed `event_id`, which retries
/// keep; other requests, which carry none, by their body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Slack;

impl Provider for Slack {
    const NAME: &'static str = "slack";
    type Event = SlackEvent;
    fn scheme() -> Scheme {
        Scheme::body("x-slack-signature")
            .with_prefix("v0=")
            .with_timestamp_header("x-slack-request-timestamp")
            .with_signed_content([
                Part::Literal("v0:"),
                Part::Timestamp,
                Part::Literal(":"),
                Part::Body,
            ])
            .with_delivery_id(DeliveryId::BodyFieldOrBody("event_id"))
    }
    fn handshake(body: &[u8]) -> Result<Option<Handshake>, Error> {
        // Cheap first: most bodies are not one. A form-encoded request (a
        // slash command whose text says `url_verification`) never is.
        if body.first() != Some(&b'{') || !body.windows(16).any(|w| w == b"url_verification") {
            return Ok(None);
        }
        let value: Value = crate::event::decode_event(body)?;
        if value["type"] != "url_verification" {
            return Ok(None);
        }
        Handshake::field(body, "challenge").map(|challenge| Some(Handshake::Echo(challenge)))
    }
    const RETRIES: Retries = Retries::Schedule {
        waits: &[std::time::Duration::from_secs(0), minutes(1), minutes(5)],
        source: "Slack's Events API docs (as quoted by others: the page is not in the store): up \
                 to three retries, nearly immediately, then after 1 min and 5 min, each with \
                 X-Slack-Retry-Num; slash commands and interactivity are not retried",
    };
}

/// A request from Slack: an Events API callback, its `url_verification`
/// handshake, another JSON payload, or a form-encoded one (slash commands,
/// interactivity).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SlackEvent {
    /// `{"type": "event_callback", …}`: an event of the Events API.
    Callback(SlackCallback),
    /// `{"type": "url_verification", "challenge": …}`: Slack checking the
    /// endpoint, answered with the challenge (the extractors do it).
    UrlVerification {
        /// What to answer with.
        challenge: String,
    },
    /// Another JSON payload (`app_rate_limited`, …), kept whole.
    Other(Value),
    /// A form-encoded request (a slash command; interactivity's
    /// `payload=<JSON>`), kept as sent: decode it with `form_urlencoded`
    /// or `serde_urlencoded`.
    Form(String),
}

/// An Events API callback: `{ "type": "event_callback", "event_id",
/// "event_time", "team_id", "api_app_id", "event": {…}, … }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlackCallback {
    /// The event's unique id, kept across Slack's retries.
    pub event_id: String,
    /// When the event happened, in Unix seconds.
    #[serde(default)]
    pub event_time: i64,
    /// The workspace.
    #[serde(default)]
    pub team_id: Option<String>,
    /// The app the event is for.
    #[serde(default)]
    pub api_app_id: Option<String>,
    /// The event itself: `{"type": "app_mention", …}`.
    pub event: Value,
    /// Fields this crate does not model, kept as they came.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SlackEvent {
    /// The type: the inner event's (`app_mention`) for a callback,
    /// `url_verification`, the payload's `type`, or `form` for a
    /// form-encoded request.
    pub fn event_type(&self) -> &str {
        match self {
            SlackEvent::Callback(callback) => callback.event["type"].as_str().unwrap_or_default(),
            SlackEvent::UrlVerification { .. } => "url_verification",
            SlackEvent::Other(value) => value["type"].as_str().unwrap_or_default(),
            SlackEvent::Form(_) => "form",
        }
    }

    /// The Events API's `event_id`, for a callback.
    pub fn event_id(&self) -> Option<&str> {
        match self {
            SlackEvent::Callback(callback) => Some(&callback.event_id),
            _ => None,
        }
    }
}

impl WebhookEvent for SlackEvent {
    fn decode(body: &[u8], _: &dyn Headers) -> Result<Self, Error> {
        if body.first() != Some(&b'{') {
            return match std::str::from_utf8(body) {
                Ok(text) => Ok(SlackEvent::Form(text.to_owned())),
                Err(_) => Err(crate::verify::missing_field(
                    ".",
                    "the body is neither JSON nor form-encoded text",
                )),
            };
        }
        let value: Value = crate::event::decode_event(body)?;
        match value["type"].as_str() {
            Some("event_callback") => crate::event::decode_event(body).map(SlackEvent::Callback),
            Some("url_verification") => match value["challenge"].as_str() {
                Some(challenge) => Ok(SlackEvent::UrlVerification {
                    challenge: challenge.to_owned(),
                }),
                None => Err(crate::verify::missing_field(
                    "challenge",
                    "a url_verification request has a challenge",
                )),
            },
            _ => Ok(SlackEvent::Other(value)),
        }
    }
}
