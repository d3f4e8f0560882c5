//! The one error type of the crate, and the reasons it carries.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong while building a [`Verifier`](crate::Verifier)
/// or [`Signer`](crate::Signer), or while checking a delivery.
///
/// Each variant is one thing an integrator can act on; [`Error::code`] gives
/// a stable machine-readable name for it and [`Error::status_code`] the HTTP
/// status a receiver should answer with. No variant ever holds a secret or
/// the signature the receiver expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request carries no signature header at all.
    #[error("missing `{header}` header: the request was not signed, or a proxy dropped the header")]
    MissingHeader {
        /// The header that was looked for.
        header: http::HeaderName,
    },

    /// The request carries the signature header more than once, so there is
    /// no single value to trust.
    #[error("the `{header}` header appears more than once; a provider sends exactly one")]
    DuplicateHeader {
        /// The header that was repeated.
        header: http::HeaderName,
    },

    /// The signature header is present but does not have the
    /// `t=<unix seconds>,v1=<hex>` shape.
    #[error("malformed signature header: {0}")]
    MalformedHeader(#[from] HeaderError),

    /// The header is well-formed but has no `v1=` signature (only other
    /// schemes, which this crate does not accept).
    #[error(
        "the signature header has no `v1=` signature; only HMAC-SHA256 (`v1`) signatures are accepted"
    )]
    NoSignature,

    /// The timestamp is older than the tolerance allows: a replay, a
    /// delivery held up for too long, or a receiver clock running ahead.
    #[error(
        "timestamp {timestamp} is {age}s in the past, beyond the {tolerance}s tolerance: \
         a replayed or delayed request, or this machine's clock is wrong",
        age = now.saturating_sub(*timestamp),
        tolerance = tolerance.as_secs()
    )]
    TimestampTooOld {
        /// The `t=` value of the header, in Unix seconds.
        timestamp: i64,
        /// The receiver's clock when the check ran, in Unix seconds.
        now: i64,
        /// The tolerance in force.
        tolerance: Duration,
    },

    /// The timestamp is further in the future than the tolerance allows:
    /// a forged request, or a receiver clock running behind.
    #[error(
        "timestamp {timestamp} is {ahead}s in the future, beyond the {tolerance}s tolerance: \
         a forged request, or this machine's clock is behind (check NTP)",
        ahead = timestamp.saturating_sub(*now),
        tolerance = tolerance.as_secs()
    )]
    TimestampInFuture {
        /// The `t=` value of the header, in Unix seconds.
        timestamp: i64,
        /// The receiver's clock when the check ran, in Unix seconds.
        now: i64,
        /// The tolerance in force.
        tolerance: Duration,
    },

    /// None of the `v1=` signatures matches the body under any configured
    /// secret.
    #[error(
        "no signature matched ({signatures} `v1` signature(s) tried against {secrets} secret(s)); \
         usual causes: the body was parsed and re-serialized instead of verifying the raw bytes, \
         the secret has stray whitespace or quotes, or it is the secret of another environment \
         or endpoint"
    )]
    SignatureMismatch {
        /// How many `v1=` values the header carried.
        signatures: usize,
        /// How many secrets the verifier tried.
        secrets: usize,
    },

    /// A secret handed to [`Verifier::new`](crate::Verifier::new),
    /// [`Verifier::from_secrets`](crate::Verifier::from_secrets) or
    /// [`Signer::new`](crate::Signer::new) was refused.
    #[error("invalid webhook secret: {0}")]
    InvalidSecret(#[from] SecretError),

    /// The body is larger than the receiver accepts. Raised by the HTTP
    /// adapters, which read bodies through the framework's size limit.
    #[error(
        "request body is larger than the receiver's {} limit; raise the framework's body \
         limit (axum `DefaultBodyLimit`, actix-web `PayloadConfig`) if such events are legitimate",
        limit.map_or_else(|| "body size".to_owned(), |limit| format!("{limit}-byte"))
    )]
    BodyTooLarge {
        /// The limit in bytes, when the framework makes it known.
        limit: Option<usize>,
    },

    /// The body could not be read: the client went away mid-upload, or the
    /// transport failed.
    #[error("request body could not be read: {0}")]
    BodyRead(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// Another request is processing the same delivery right now (a
    /// concurrent redelivery or replay). Answer 409 with `Retry-After`: the
    /// provider retries, and by then the first attempt has finished or
    /// failed.
    #[error(
        "this delivery is being processed by another request; retry after {}s",
        retry_after.as_secs().max(1)
    )]
    InFlight {
        /// When a retry is worth trying.
        retry_after: Duration,
    },

    /// The in-memory duplicate store is full of deliveries whose tolerance
    /// window is still open, so it cannot remember another without opening
    /// a door to replays. The delivery is refused with 503 and retried later.
    #[error(
        "the duplicate-delivery store is full: all {capacity} entries are still within their \
         replay window; the delivery was not processed and should be retried (raise the \
         store's capacity)"
    )]
    ReplayStoreFull {
        /// The store's capacity.
        capacity: usize,
    },

    /// The duplicate-delivery store cannot be reached (Redis down, say).
    /// Failing closed, the delivery is refused with 503 and retried later;
    /// the cause is in [`source`](std::error::Error::source), not in the
    /// message, which may reach the client.
    #[error(
        "the duplicate-delivery store is unavailable; the delivery was not processed and \
         should be retried"
    )]
    ReplayStoreUnavailable(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// An HTTP adapter found no [`Verifier`](crate::Verifier) where it looks
    /// for one: the receiver itself is misconfigured.
    #[error("the receiver has no webhook Verifier configured (a server setup error; see its log)")]
    MissingVerifier,

    /// The signature was valid but the body is not the JSON event expected.
    #[error("signed event could not be decoded: {0}")]
    Decode(#[from] Box<DecodeError>),
}

impl Error {
    /// A short, stable, machine-readable name for the error, suitable for
    /// metrics labels and JSON error bodies (`"signature_mismatch"`,
    /// `"timestamp_too_old"`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Error::MissingHeader { .. } => "missing_signature_header",
            Error::DuplicateHeader { .. } => "duplicate_signature_header",
            Error::MalformedHeader(_) => "malformed_signature_header",
            Error::NoSignature => "no_v1_signature",
            Error::TimestampTooOld { .. } => "timestamp_too_old",
            Error::TimestampInFuture { .. } => "timestamp_in_future",
            Error::SignatureMismatch { .. } => "signature_mismatch",
            Error::InvalidSecret(_) => "invalid_secret",
            Error::BodyTooLarge { .. } => "body_too_large",
            Error::BodyRead(_) => "body_read_failed",
            Error::MissingVerifier => "verifier_not_configured",
            Error::InFlight { .. } => "delivery_in_progress",
            Error::ReplayStoreFull { .. } => "replay_store_full",
            Error::ReplayStoreUnavailable(_) => "replay_store_unavailable",
            Error::Decode(_) => "invalid_event",
        }
    }

    /// The HTTP status a receiver should answer with.
    ///
    /// - `400 Bad Request`: no header, two headers, a malformed header or no
    ///   `v1` signature: the request is not a signed delivery at all.
    /// - `401 Unauthorized`: a stale or future timestamp, or no signature
    ///   matched: the request claims to be signed but proves nothing.
    /// - `400 Bad Request` too when the body could not be read.
    /// - `413 Payload Too Large`: the body is over the limit.
    /// - `422 Unprocessable Entity`: the signature is valid, so the provider
    ///   really sent it, but the event does not decode. It is not a bad
    ///   request from a stranger; it is content this receiver cannot process
    ///   yet, and the provider will retry it (every non-2xx is retried),
    ///   which gives you time to deploy a fix without losing the event.
    /// - `409 Conflict`: the same delivery is being processed right now.
    ///   Not a 5xx: it is normal operation, not a fault to page anyone for.
    /// - `500 Internal Server Error`: an invalid secret or a missing
    ///   verifier, i.e. the receiver itself is misconfigured.
    /// - `503 Service Unavailable`: the duplicate store is down or full;
    ///   the delivery is retried later.
    pub fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Error::MissingHeader { .. }
            | Error::DuplicateHeader { .. }
            | Error::MalformedHeader(_)
            | Error::NoSignature
            | Error::BodyRead(_) => StatusCode::BAD_REQUEST,
            Error::TimestampTooOld { .. }
            | Error::TimestampInFuture { .. }
            | Error::SignatureMismatch { .. } => StatusCode::UNAUTHORIZED,
            Error::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Decode(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::InvalidSecret(_) | Error::MissingVerifier => StatusCode::INTERNAL_SERVER_ERROR,
            Error::InFlight { .. } => StatusCode::CONFLICT,
            Error::ReplayStoreFull { .. } | Error::ReplayStoreUnavailable(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    /// How long the sender should wait before retrying, for refusals that
    /// are temporary (the `Retry-After` header of 409 and 503 answers).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::InFlight { retry_after } => Some((*retry_after).max(Duration::from_secs(1))),
            Error::ReplayStoreFull { .. } | Error::ReplayStoreUnavailable(_) => {
                Some(Duration::from_secs(5))
            }
            _ => None,
        }
    }
}

/// What is wrong with a signature header that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// The header value is empty.
    #[error("the header is empty; expected `t=<unix seconds>,v1=<hex signature>`")]
    Empty,
    /// The header is longer than [`MAX_HEADER_LEN`](crate::MAX_HEADER_LEN).
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
    #[error("the item starting at byte {position} has no `=`; items are `key=value`")]
    MissingEquals {
        /// Byte offset of the item in the header.
        position: usize,
    },
    /// An item has nothing before its `=`.
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
    /// The `t=` value is not plain decimal digits.
    #[error("the `t=` value is not a plain decimal number of Unix seconds (no sign, no spaces)")]
    InvalidTimestamp,
    /// The `t=` value has leading zeros, so it is not the canonical decimal
    /// form the provider signs.
    #[error("the `t=` value has leading zeros; providers send canonical decimal seconds")]
    TimestampLeadingZero,
    /// The `t=` value does not fit in an `i64`.
    #[error("the `t=` value is too large to be a Unix timestamp")]
    TimestampOutOfRange,
    /// More `v1=` items than [`MAX_SIGNATURES`](crate::MAX_SIGNATURES).
    #[error("the header has more than {max} `v1=` signatures")]
    TooManySignatures {
        /// The limit.
        max: usize,
    },
}

/// Why a secret was refused at construction.
///
/// The secret itself never appears in this error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// An empty or blank secret.
    #[error("the secret is empty; set it to the value the provider issued (`whsec_…`)")]
    Empty,
    /// An empty list of secrets for
    /// [`Verifier::from_secrets`](crate::Verifier::from_secrets) or
    /// [`Signer::from_secrets`](crate::Signer::from_secrets).
    #[error("no secret was given; pass at least the one the provider issued (`whsec_…`)")]
    NoSecrets,
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
    /// More secrets than a [`Signer`](crate::Signer) can sign with: it
    /// writes one `v1=` signature per secret into one header, and a header
    /// carries at most [`MAX_SIGNATURES`](crate::MAX_SIGNATURES), so the
    /// header would be one no verifier accepts.
    #[error(
        "{count} secrets to sign with, but a signature header carries at most {max} `v1` \
         signatures; no verifier would accept the header"
    )]
    TooMany {
        /// The number of secrets given.
        count: usize,
        /// The most a header may carry.
        max: usize,
    },
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
