//! The crate's errors: [`Error`] for a delivery that is refused,
//! [`ConfigError`] for a verifier that cannot be built, and the details
//! they carry.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

/// Why a delivery was refused.
///
/// Each variant is one thing an integrator can act on. [`Error::code`] gives
/// a stable machine-readable name, [`Error::status_code`] the HTTP status to
/// answer with, and [`Error::public_message`] one fixed sentence that is
/// safe to send back to whoever sent the request. The `Display` text is for
/// the operator's log: it has the details (which header, how old the
/// timestamp, how many secrets were tried), and never a secret or the
/// signature the receiver expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request carries no signature header (or another header the
    /// scheme signs, such as `webhook-id`).
    #[non_exhaustive]
    #[error("missing `{header}` header: the request was not signed, or a proxy dropped the header")]
    MissingHeader {
        /// The header that was looked for.
        header: Cow<'static, str>,
    },

    /// A header the scheme reads appears more than once, so there is no
    /// single value to trust.
    #[non_exhaustive]
    #[error("the `{header}` header appears more than once; a provider sends exactly one")]
    DuplicateHeader {
        /// The header that was repeated.
        header: Cow<'static, str>,
    },

    /// A header is present but not of the shape the scheme defines.
    #[non_exhaustive]
    #[error("malformed `{header}` header: {reason}")]
    MalformedHeader {
        /// The header.
        header: Cow<'static, str>,
        /// What is wrong with it.
        reason: HeaderError,
    },

    /// The signature header is well-formed but carries no signature of the
    /// version the verifier checks (`v1`; Standard Webhooks' `v1a` for a
    /// verifier given `whpk_` public keys): only other schemes, such as
    /// Stripe's test-mode `v0`.
    #[non_exhaustive]
    #[error(
        "the `{header}` header carries no signature of the version checked: `v1` (HMAC-SHA256) \
         for a secret, `v1a` (Ed25519) for a Standard Webhooks `whpk_` public key"
    )]
    NoSignature {
        /// The signature header.
        header: Cow<'static, str>,
    },

    /// The signed timestamp is older than the tolerance allows: a replay, a
    /// delivery held up for too long, or a receiver clock running ahead.
    #[non_exhaustive]
    #[error(
        "timestamp {timestamp} is {age}s in the past, beyond the {tolerance}s tolerance: \
         a replayed or delayed request, or this machine's clock is wrong",
        age = now.saturating_sub(*timestamp),
        tolerance = tolerance.as_secs()
    )]
    TimestampTooOld {
        /// The signed time, in Unix seconds.
        timestamp: i64,
        /// The receiver's clock when the check ran, in Unix seconds.
        now: i64,
        /// The tolerance in force.
        tolerance: Duration,
    },

    /// The signed timestamp is further in the future than the tolerance
    /// allows: a forged request, or a receiver clock running behind.
    #[non_exhaustive]
    #[error(
        "timestamp {timestamp} is {ahead}s in the future, beyond the {tolerance}s tolerance: \
         a forged request, or this machine's clock is behind (check NTP)",
        ahead = timestamp.saturating_sub(*now),
        tolerance = tolerance.as_secs()
    )]
    TimestampInFuture {
        /// The signed time, in Unix seconds.
        timestamp: i64,
        /// The receiver's clock when the check ran, in Unix seconds.
        now: i64,
        /// The tolerance in force.
        tolerance: Duration,
    },

    /// None of the signatures matches the body under any configured secret.
    #[non_exhaustive]
    #[error(
        "no signature matched ({signatures} signature(s) tried against {secrets} secret(s)){against}; \
         usual causes: the body was parsed and re-serialized instead of verifying the raw bytes, \
         the secret has stray whitespace, lost or gained its `whsec_` prefix, or it is the \
         secret of another environment or endpoint{url_causes}",
        against = VerifiedAgainst(url.as_deref()),
        url_causes = if url.is_some() {
            "; or the URL is not the one the provider called (the configured public origin: \
             https or http, host, port; the path, a trailing slash, the query)"
        } else {
            ""
        }
    )]
    SignatureMismatch {
        /// How many signatures the request carried.
        signatures: usize,
        /// How many secrets the verifier tried.
        secrets: usize,
        /// For a scheme that signs the URL (Square, Twilio, HubSpot): the
        /// URL the signatures were checked against, which the operator's
        /// log shows (the sender's answer does not).
        url: Option<Box<str>>,
    },

    /// The scheme signs the request's method or URL (Square, Twilio,
    /// HubSpot), and the verifier was not given them: call
    /// [`Verifier::verify_target`](crate::Verifier::verify_target) (or
    /// `verify_request`, or use an extractor), not `verify`. A receiver's
    /// setup error (500), never a pass.
    #[non_exhaustive]
    #[error(
        "{provider} signs the URL it calls: verify with `Verifier::verify_target` (the request's \
         method, path and query), not `verify` (a server setup error)"
    )]
    TargetRequired {
        /// The provider.
        provider: &'static str,
    },

    /// The request's method, path or query cannot be what the provider
    /// signed: a method that is not an HTTP token, a path not starting
    /// with `/`, or characters outside RFC 3986.
    #[non_exhaustive]
    #[error("malformed request target: {reason}")]
    MalformedTarget {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The verifier is pinned to one URL
    /// ([`Verifier::at_public_url`](crate::Verifier::at_public_url)) and
    /// the request came to another path or query: a delivery replayed
    /// elsewhere (with Twilio, possibly with bytes moved between the query
    /// and the form fields), or the provider's configured URL changed.
    #[non_exhaustive]
    #[error(
        "the request came to {received}, and this verifier is pinned to {expected}: a delivery \
         replayed to another path or query, or the URL configured at the provider changed"
    )]
    UnexpectedTarget {
        /// The pinned URL.
        expected: Box<str>,
        /// The public origin followed by the request's path and query.
        received: Box<str>,
    },

    /// The signature was valid but the body is not the event expected: not
    /// JSON, the wrong shape, or without the id or time the scheme reads
    /// from it.
    #[error("signed event could not be decoded: {0}")]
    Decode(#[from] Box<DecodeError>),
}

impl Error {
    /// A short, stable, machine-readable name for the error, for metrics
    /// labels and JSON error bodies (`"signature_mismatch"`,
    /// `"timestamp_too_old"`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Error::MissingHeader { .. } => "missing_signature_header",
            Error::DuplicateHeader { .. } => "duplicate_signature_header",
            Error::MalformedHeader { .. } => "malformed_signature_header",
            Error::NoSignature { .. } => "no_v1_signature",
            Error::TimestampTooOld { .. } => "timestamp_too_old",
            Error::TimestampInFuture { .. } => "timestamp_in_future",
            Error::SignatureMismatch { .. } => "signature_mismatch",
            Error::TargetRequired { .. } => "request_target_required",
            Error::MalformedTarget { .. } => "malformed_request_target",
            Error::UnexpectedTarget { .. } => "unexpected_request_target",
            Error::Decode(_) => "invalid_event",
        }
    }

    /// The HTTP status a receiver should answer with.
    ///
    /// - `400 Bad Request`: a missing, repeated or malformed header, or no
    ///   signature of a supported version: the request is not a signed
    ///   delivery at all.
    ///   So is a request target (method, path, query) that cannot be signed.
    /// - `500 Internal Server Error`: the receiver verified a scheme that
    ///   signs the URL without giving the verifier the request's target.
    /// - `401 Unauthorized`: a stale or future timestamp, no signature
    ///   matched, or a request to another URL than the one the verifier is
    ///   pinned to: the request claims to be signed but proves nothing.
    /// - `422 Unprocessable Entity`: the signature is valid, so the provider
    ///   really sent it, but the event does not decode. It is content this
    ///   receiver cannot process yet; a provider that retries (most do, see
    ///   [`Retries`](crate::Retries)) sends it again, which gives you time to
    ///   deploy a fix without losing the event. One that never retries
    ///   (GitHub) does not: the adapters log such a refusal at error level,
    ///   as lost unless redelivered by hand.
    pub fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Error::MissingHeader { .. }
            | Error::DuplicateHeader { .. }
            | Error::MalformedHeader { .. }
            | Error::NoSignature { .. }
            | Error::MalformedTarget { .. } => StatusCode::BAD_REQUEST,
            Error::TargetRequired { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            Error::TimestampTooOld { .. }
            | Error::TimestampInFuture { .. }
            | Error::SignatureMismatch { .. }
            | Error::UnexpectedTarget { .. } => StatusCode::UNAUTHORIZED,
            Error::Decode(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// One fixed sentence for whoever sent the request, usually a stranger:
    /// what kind of refusal this is, enough for an integrator pressing the
    /// provider's "send test" button, and nothing about the receiver (not
    /// how many secrets it holds, not its clock or tolerance, not which part
    /// of a header was wrong). The details are in the `Display` text, for
    /// the operator's log.
    pub fn public_message(&self) -> &'static str {
        match self {
            Error::MissingHeader { .. } => {
                "a header of the signed delivery is missing: this endpoint accepts signed webhook \
                 deliveries only"
            }
            Error::DuplicateHeader { .. } => {
                "a header of the signed delivery appears more than once"
            }
            Error::MalformedHeader { .. } => "a header of the signed delivery is malformed",
            Error::NoSignature { .. } => {
                "the signature header carries no signature of a supported version"
            }
            Error::TimestampTooOld { .. } => {
                "the signed timestamp is too old: a replayed or delayed delivery, or a clock that is off"
            }
            Error::TimestampInFuture { .. } => {
                "the signed timestamp is in the future: check the sender's clock"
            }
            Error::SignatureMismatch { .. } => {
                "signature does not match: verify the raw body with the secret of this endpoint"
            }
            Error::TargetRequired { .. } => {
                "this endpoint cannot verify deliveries: a server setup error"
            }
            Error::MalformedTarget { .. } => "the request's method or URL is malformed",
            Error::UnexpectedTarget { .. } => {
                "this endpoint verifies deliveries signed for another URL"
            }
            Error::Decode(_) => "the signed body is not an event this endpoint accepts",
        }
    }
}

/// Why a [`Verifier`](crate::Verifier) or [`Signer`](crate::Signer) could
/// not be built: mistakes better caught at start-up than on every delivery.
///
/// No variant ever holds a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A secret was refused.
    #[non_exhaustive]
    #[error("invalid webhook secret (number {} of those given): {reason}", index + 1)]
    InvalidSecret {
        /// Its position in the list given, from 0.
        index: usize,
        /// What is wrong with it.
        reason: SecretError,
    },
    /// No secret was given.
    #[error("no secret was given; pass at least the one the provider issued")]
    NoSecrets,
    /// More secrets than a [`Signer`](crate::Signer) can put in one
    /// delivery: the header would be one no verifier accepts.
    #[non_exhaustive]
    #[error(
        "{count} secrets to sign with, but this scheme's header carries at most {max} \
         signature(s)"
    )]
    TooManySecrets {
        /// The number of secrets given.
        count: usize,
        /// The most a delivery may carry.
        max: usize,
    },
    /// A [`Scheme`](crate::Scheme) that a verifier cannot keep its
    /// promises with, such as one that does not sign the body.
    #[non_exhaustive]
    #[error("invalid scheme: {reason}")]
    InvalidScheme {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The provider signs the URL it calls (Square, Twilio, HubSpot), and
    /// no public origin was given: build the verifier with
    /// [`Verifier::at_public_origin`](crate::Verifier::at_public_origin)
    /// (a signer with [`Signer::for_url`](crate::Signer::for_url)).
    #[non_exhaustive]
    #[error(
        "{provider} signs the URL it calls: build its verifier with \
         `Verifier::at_public_origin(\"https://your.public.host\", secrets)`, the origin the \
         provider calls (not the one this server sees behind a proxy); a signer with \
         `Signer::for_url`"
    )]
    PublicOriginRequired {
        /// The provider.
        provider: &'static str,
    },
    /// A public origin (or a signer's URL) that is not of the form
    /// `https://host[:port]`.
    #[non_exhaustive]
    #[error("invalid public origin: {reason}")]
    InvalidPublicOrigin {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A method given to [`Signer::with_method`](crate::Signer::with_method)
    /// that is not an HTTP token.
    #[non_exhaustive]
    #[error("invalid method: {reason}")]
    InvalidMethod {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A [`Provider::NAME`](crate::Provider::NAME) that cannot start a
    /// duplicate key: it must be 1 to 64 lowercase ASCII letters, digits,
    /// `-` or `_`.
    #[non_exhaustive]
    #[error(
        "invalid provider name {name:?}: use 1 to 64 lowercase ASCII letters, digits, `-` or `_` \
         (it starts every duplicate key of the provider's deliveries)"
    )]
    InvalidProviderName {
        /// The name.
        name: &'static str,
    },
    /// A [`Provider::METHODS`](crate::Provider::METHODS) that would refuse
    /// every delivery: empty, or a method that is not uppercase ASCII
    /// letters (`"post"` is never what a request says).
    #[non_exhaustive]
    #[error(
        "{provider}'s METHODS {methods:?} would refuse every delivery: list the uppercase HTTP \
         methods it delivers with, POST first"
    )]
    InvalidMethods {
        /// The provider.
        provider: &'static str,
        /// Its methods.
        methods: &'static [&'static str],
    },
    /// A verify token ([`Verifier::with_verify_token`](crate::Verifier::with_verify_token))
    /// that is certainly a mistake in copying it: empty, with surrounding
    /// whitespace or quotes.
    #[non_exhaustive]
    #[error("invalid verify token (checked as a secret would be): {reason}")]
    InvalidVerifyToken {
        /// What is wrong with it.
        reason: SecretError,
    },
    /// A verify token given for a provider whose endpoint check takes
    /// none ([`Provider::ENDPOINT_CHECK`](crate::Provider::ENDPOINT_CHECK)).
    #[non_exhaustive]
    #[error("{provider} checks its endpoints without a verify token: remove `with_verify_token`")]
    VerifyTokenNotTaken {
        /// The provider.
        provider: &'static str,
    },
}

/// What is wrong with a header that does not have the shape its scheme
/// defines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// The header value is empty.
    #[error("the header is empty")]
    Empty,
    /// The header is longer than [`MAX_HEADER_LEN`](crate::MAX_HEADER_LEN).
    #[non_exhaustive]
    #[error("the header is {len} bytes long, over the {max}-byte limit")]
    TooLong {
        /// The length seen.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The header holds bytes outside visible ASCII.
    #[error("the header contains characters outside visible ASCII")]
    InvalidCharacter,
    /// Two commas in a row, or a comma at either end.
    #[error("the header has an empty item (two commas in a row, or a comma at an end)")]
    EmptyItem,
    /// An item has no `=` between its key and value.
    #[non_exhaustive]
    #[error("the item starting at byte {position} has no `=`; items are `key=value`")]
    MissingEquals {
        /// Byte offset of the item in the header.
        position: usize,
    },
    /// An item has nothing before its `=`.
    #[non_exhaustive]
    #[error("the item starting at byte {position} has an empty key")]
    EmptyKey {
        /// Byte offset of the item in the header.
        position: usize,
    },
    /// No `t=` item.
    #[error("the header has no `t=` timestamp")]
    MissingTimestamp,
    /// More than one `t=` item.
    #[error("the header has more than one `t=` timestamp")]
    DuplicateTimestamp,
    /// The timestamp is not plain decimal digits.
    #[error("the timestamp is not a plain decimal number of Unix seconds (no sign, no spaces)")]
    InvalidTimestamp,
    /// The timestamp has leading zeros, so it is not the canonical decimal
    /// form the provider signs.
    #[error("the timestamp has leading zeros; providers send canonical decimal seconds")]
    TimestampLeadingZero,
    /// The timestamp does not fit in an `i64`.
    #[error("the timestamp is too large to be a Unix timestamp")]
    TimestampOutOfRange,
    /// More signatures than [`MAX_SIGNATURES`](crate::MAX_SIGNATURES).
    #[non_exhaustive]
    #[error("the header has more than {max} signatures")]
    TooManySignatures {
        /// The limit.
        max: usize,
    },
    /// The signature does not start with the prefix the scheme defines
    /// (such as `sha256=`).
    #[error("the signature does not start with the scheme's prefix")]
    MissingPrefix,
    /// The signature is not an HMAC-SHA256 tag in the scheme's encoding
    /// (64 hex digits, or 44 characters of base64): empty or truncated, say.
    #[error("the signature is not a whole HMAC-SHA256 tag in the scheme's encoding")]
    InvalidSignature,
    /// The delivery id is empty or longer than 256 bytes.
    #[error("the delivery id is empty or longer than 256 bytes")]
    InvalidId,
}

/// Why a secret was refused.
///
/// The secret itself never appears in this error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// An empty or blank secret.
    #[error("the secret is empty; set it to the value the provider issued")]
    Empty,
    /// The secret begins or ends with whitespace, typically a trailing
    /// newline from a `.env` file or a copy-paste.
    #[error(
        "the secret has leading or trailing whitespace (a newline from a .env file or a \
         copy-paste?); providers never issue such secrets, so trim it where it is loaded"
    )]
    SurroundingWhitespace,
    /// The secret is wrapped in matching quotes, as happens when a `.env`
    /// loader keeps them.
    #[error(
        "the secret is wrapped in quotes; the quotes are not part of the secret the provider issued"
    )]
    Quoted,
    /// The scheme's secrets are base64 (Standard Webhooks' `whsec_<base64>`)
    /// and this one is not standard, padded base64, or decodes to nothing.
    #[error(
        "the secret is not `whsec_` followed by standard base64 (with `+`, `/` and `=` \
         padding), as this provider issues them; copy it again from the provider's dashboard"
    )]
    NotBase64,
    /// The scheme's key is a public key (a private key, to sign) and this
    /// one is not one, written as the provider shows it.
    #[non_exhaustive]
    #[error("the key is not {expected}; copy it again from the provider's dashboard")]
    InvalidKey {
        /// What the key must be.
        expected: &'static str,
    },
    /// Keys of two kinds in one list (Standard Webhooks' `whsec_` secrets
    /// and `whpk_` public keys): a verifier checks one kind of signature.
    #[error(
        "the keys given are of two kinds (a `whsec_` secret and a `whpk_` public key, say); \
         build one verifier per kind"
    )]
    MixedKinds,
}

/// A signed body that is not the event the receiver asked for.
///
/// Raised only after the signature and the timestamp were checked, so the
/// content really came from the provider.
#[derive(Debug)]
pub struct DecodeError {
    path: String,
    source: serde_json::Error,
}

impl DecodeError {
    pub(crate) fn new(path: String, source: serde_json::Error) -> Self {
        DecodeError { path, source }
    }

    /// Where in the JSON document decoding failed, as a dotted path such as
    /// `data.external_reference` or `items[2].id`; `.` for the document
    /// itself (or when the crate was built without the `json-path` feature).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The line of the body where decoding failed (1-based), or 0 when the
    /// failure is not tied to a position.
    pub fn line(&self) -> usize {
        self.source.line()
    }

    /// The column of the body where decoding failed (1-based), or 0 when
    /// the failure is not tied to a position.
    pub fn column(&self) -> usize {
        self.source.column()
    }

    /// Whether the body is not JSON at all (as opposed to JSON of the wrong
    /// shape).
    pub fn is_syntax(&self) -> bool {
        matches!(
            self.source.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        )
    }

    /// The underlying `serde_json` error.
    pub fn json_error(&self) -> &serde_json::Error {
        &self.source
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.source)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// `; verified against <url>` in a refusal's log text, for a scheme that
/// signs the URL.
struct VerifiedAgainst<'a>(Option<&'a str>);

impl fmt::Display for VerifiedAgainst<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(url) => write!(f, "; verified against {url}"),
            None => Ok(()),
        }
    }
}
