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
/// covered by the `bodySHA256` Twilio appends to the URL, which must be
/// its lowercase hex SHA-256: it counts only as the query's last
/// parameter, of exactly 64 hex digits, named once (Twilio's SDKs read it
/// anywhere); otherwise the body is a form. A field repeated with the same
/// value counts once, as in Twilio's SDKs.
///
/// **Where the URL ends and the fields begin is not signed**: Twilio signs
/// the URL and the fields run together, so a replay can move bytes between
/// the query and the body (`?orderId=12` with a body starting
/// `3AccountSid=…` signs like `?orderId=123` with `AccountSid=…`).
/// - With a fixed callback URL, pin it:
///   [`Verifier::at_public_url`](crate::Verifier::at_public_url)
///   (`"https://hooks.example.com/twilio?tenant=acme"`) refuses any other
///   path or query.
/// - A form field whose name does not start with an ASCII letter (none of
///   Twilio's does) is refused after the signature matched
///   ([`Error::Decode`](crate::Error::Decode)): that stops a shift of
///   digits, the usual tail of an id or amount, into the body. It does not
///   stop one at a letter (`?tenant=acmeA` with a body `ccountSid…`).
/// - With per-message query parameters (`StatusCallback?orderId=…`), no
///   URL can be pinned, and the ambiguity is Twilio's own. Then **duplicate
///   detection is what bounds Twilio replays**: the delivery key is the
///   SHA-256 of the signed bytes, the same for every rearrangement, so a
///   rearranged replay of a delivery already processed is a duplicate;
///   but only while the deduplicator remembers it, and only once it was
///   processed (a replay that arrives first, or after the key expired,
///   passes).
///
/// Not supported: the HMAC-SHA256 signatures made with a SharedKey, which
/// a request announces with `X-Twilio-Webhooks-Signature-Settings`: they
/// are refused as not matching.
///
/// Nothing signed carries a time: only duplicate detection refuses a
/// replay, as above. Duplicates are recognised by the signed content (URL
/// and fields), never by the unsigned `I-Twilio-Idempotency-Token` header,
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
    /// Each webhook URL is called with `POST` (Twilio's default) or `GET`,
    /// as configured in Twilio. A `GET` carries the parameters in the
    /// URL's query, signed as part of the URL, and no body (the SDK's
    /// `RequestValidator.validate(uri, {}, signature)`; twilio 9.13.0,
    /// tests/vectors/facts/twilio.md).
    const METHODS: &'static [&'static str] = &["POST", "GET"];
}

/// A request from Twilio: its form fields in the order sent, or its JSON
/// body, told apart by the body's first byte as the verifier did (see
/// [`WebhookEvent::decode`]), never by the unsigned `Content-Type`.
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
    /// The body, for a JSON request (one whose URL carries `bodySHA256`:
    /// its body is a JSON object or array).
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
    /// JSON when the body's first byte that is not whitespace is `{` or
    /// `[`, form fields otherwise; the unsigned `Content-Type` is not read.
    /// For a delivery the verifier passed, this is the choice it made from
    /// the signed URL: it accepts a body hashed in `bodySHA256` only when
    /// it starts so, and form fields only when each name starts with an
    /// ASCII letter, which such a body cannot have.
    fn decode(body: &[u8], _headers: &dyn Headers) -> Result<Self, Error> {
        if crate::target::is_json_body(body) {
            return Ok(TwilioRequest {
                fields: Vec::new(),
                json: Some(crate::event::decode_event(body)?),
            });
        }
        Ok(TwilioRequest {
            fields: crate::target::form_pairs(body)
                .into_iter()
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
            json: None,
        })
    }
}
