//! Twilio: how it signs, how it delivers, and its requests.
//!
//! Twilio's webhooks (an incoming SMS, a call, a status callback) are form
//! posts, `application/x-www-form-urlencoded`: `MessageSid`, `CallSid`,
//! `AccountSid`, `From`, `To`, `Body`, … Some products post JSON instead,
//! with the body's SHA-256 in the URL's `bodySHA256`.

use serde_json::Value;

use super::{Provider, Retries, WebhookEvent};
use crate::error::Error;
use crate::headers::Headers;
use crate::scheme::{Algorithm, Encoding, Part, Scheme, UrlForm};

/// Twilio: `X-Twilio-Signature: <base64>`, the HMAC-SHA1 of the full URL
/// Twilio called followed by the posted form fields, sorted by name, each
/// name followed by its value, keyed with the account's Auth Token as
/// shown (features `sha1` and `base64`); requests [`TwilioRequest`].
///
/// The URL is the one configured in Twilio (scheme, host, path and query as
/// sent, not sorted), so its verifier needs the public origin Twilio
/// calls, [`Verifier::at_public_origin`](crate::Verifier::at_public_origin),
/// and each request's path and query. As Twilio's SDKs do, a signature over
/// the URL with the default port (`:443`, `:80`) added or removed also
/// passes; another port does not (the SDKs strip any port). A JSON body is
/// covered by the `bodySHA256` in the signed URL, which must be its
/// lowercase hex SHA-256. A field repeated with the same value counts once,
/// as in Twilio's SDKs.
///
/// Not supported: the HMAC-SHA256 signatures made with a SharedKey, which
/// a request announces with `X-Twilio-Webhooks-Signature-Settings`: they
/// are refused as not matching.
///
/// Nothing signed carries a time: only duplicate detection refuses a
/// replay. Duplicates are recognised by the signed content (URL and
/// fields), never by the unsigned `I-Twilio-Idempotency-Token` header,
/// which a replay could change. A status callback of each status is its
/// own delivery (its fields differ).
#[cfg_attr(docsrs, doc(cfg(all(feature = "sha1", feature = "base64"))))]
#[derive(Debug, Clone, Copy, Default)]
pub struct Twilio;

impl Provider for Twilio {
    const NAME: &'static str = "twilio";
    type Event = TwilioRequest;
    fn scheme() -> Scheme {
        Scheme::body("x-twilio-signature")
            .with_algorithm(Algorithm::HmacSha1)
            .with_encoding(Encoding::Base64)
            .with_signed_content([Part::Url, Part::FormFields])
            .with_url_form(UrlForm::EitherDefaultPort)
    }
    const RETRIES: Retries = Retries::Unknown {
        source: "Twilio sets retries per URL, with connection overrides in the URL's fragment \
                 (`#rc=…`, twilio.com/docs/usage/webhooks/webhooks-connection-overrides); its \
                 default schedule is not published (tests/vectors/facts/twilio.md)",
    };
}

/// A request from Twilio: its form fields in the order sent, or its JSON
/// body.
///
/// ```
/// use signed_webhooks::{TwilioRequest, WebhookEvent};
///
/// let body = b"MessageSid=SM7f8a&AccountSid=AC01&From=%2B14155550199&Body=Hello+there";
/// let request = TwilioRequest::decode(body, &[("content-type", "application/x-www-form-urlencoded")])?;
/// assert_eq!(request.message_sid(), Some("SM7f8a"));
/// assert_eq!(request.get("From"), Some("+14155550199"));
/// assert_eq!(request.get("Body"), Some("Hello there"));
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TwilioRequest {
    /// The form fields, decoded, in the order sent (a name may repeat).
    pub fields: Vec<(String, String)>,
    /// The body, for a JSON request (`Content-Type: application/json`).
    pub json: Option<Value>,
}

impl TwilioRequest {
    /// The first value of field `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    /// `MessageSid`, for a message's webhook or status callback.
    pub fn message_sid(&self) -> Option<&str> {
        self.get("MessageSid")
    }

    /// `CallSid`, for a call's.
    pub fn call_sid(&self) -> Option<&str> {
        self.get("CallSid")
    }

    /// `AccountSid`.
    pub fn account_sid(&self) -> Option<&str> {
        self.get("AccountSid")
    }
}

impl WebhookEvent for TwilioRequest {
    fn decode(body: &[u8], headers: &dyn Headers) -> Result<Self, Error> {
        let json = headers.first_two("content-type")[0].is_some_and(|value| {
            value
                .get(..16)
                .is_some_and(|start| start.eq_ignore_ascii_case(b"application/json"))
        });
        if json {
            return Ok(TwilioRequest {
                fields: Vec::new(),
                json: Some(crate::event::decode_event(body)?),
            });
        }
        Ok(TwilioRequest {
            fields: crate::target::form_pairs(body),
            json: None,
        })
    }
}
