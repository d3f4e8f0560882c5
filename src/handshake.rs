//! [`Handshake`]: a provider checking a new endpoint with a signed request
//! of its own, and the answer it expects.

use crate::error::Error;

/// A request a provider sends to check an endpoint, signed like its
/// deliveries, and expecting a particular answer rather than a 2xx alone:
/// Slack's `url_verification`, Zoom's `endpoint.url_validation`, Twitch's
/// `webhook_callback_verification`. [`Provider::handshake`] recognises
/// them in a verified body; the axum and actix-web extractors answer them
/// themselves, so a receiver written the README's way passes each
/// provider's endpoint check without code of its own, and its handler
/// never sees one.
///
/// [`Provider::handshake`]: crate::Provider::handshake
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Handshake {
    /// Answer 200 with this text (`text/plain`): Slack's and Twitch's
    /// challenge, echoed.
    Echo(String),
    /// Answer 200 with `{"plainToken": …, "encryptedToken": …}`, the
    /// second the hex HMAC-SHA256 of the first keyed with the endpoint's
    /// secret (Zoom's `endpoint.url_validation`).
    PlainToken(String),
    /// Answer 200 with this JSON body (`application/json`): Discord's PING
    /// interaction, answered `{"type":1}` (PONG).
    Json(&'static str),
}

/// The answer to a handshake: 200, with this content type and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeAnswer {
    /// `text/plain` or `application/json`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

impl Handshake {
    /// Reads `field` of a JSON body as text: the challenge or token a
    /// handshake carries.
    pub(crate) fn field(body: &[u8], field: &str) -> Result<String, Error> {
        let value: serde_json::Value = crate::event::decode_event(body)?;
        match value.get(field).and_then(serde_json::Value::as_str) {
            Some(text) => Ok(text.to_owned()),
            None => Err(crate::verify::missing_field(
                field,
                "a handshake carries the text it expects back",
            )),
        }
    }
}
