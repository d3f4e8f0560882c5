//! The [`Verifier`]: secrets plus the timestamp policy, checking deliveries.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use subtle::{Choice, ConstantTimeEq};

use http::HeaderName;

use crate::adapter::UNLEESHED_SIGNATURE;
use crate::error::{Error, SecretError};
use crate::event::decode_event;
use crate::header::{SignatureHeader, TAG_LEN};
use crate::secret::{Secret, SigningKey};

/// How far a delivery's timestamp may be from the receiver's clock, in the
/// past or the future, unless set otherwise: five minutes, as providers
/// document.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Checks signed webhook deliveries.
///
/// A `Verifier` holds one or more secrets, each keyed into an HMAC state
/// once at construction, and the timestamp policy. It is cheap to clone
/// (the state is shared), `Send + Sync`, and verifying takes `&self`, so
/// build one at start-up and share it.
///
/// ```
/// use signed_webhooks::{Signer, Verifier};
///
/// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// let body = br#"{"id":"evt_1","type":"creator.approved","created_at":"2026-11-22T10:00:00Z","data":{"external_reference":"ref-1"}}"#;
/// let header = Signer::new(secret)?.sign_at(body, 1_790_000_000);
///
/// let verifier = Verifier::new(secret)?;
/// let verified = verifier.verify_at(&header, body, 1_790_000_042)?;
/// assert_eq!(verified.timestamp(), 1_790_000_000);
///
/// // The same request ten minutes later is a replay.
/// let err = verifier.verify_at(&header, body, 1_790_000_600).unwrap_err();
/// assert_eq!(err.code(), "timestamp_too_old");
/// # Ok::<(), signed_webhooks::Error>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    keys: Box<[SigningKey]>,
    /// `None` when the timestamp check is skipped.
    tolerance: Option<Duration>,
    header_name: HeaderName,
}

impl Verifier {
    /// A verifier for one secret, with the [`DEFAULT_TOLERANCE`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] when the secret is empty, or has
    /// surrounding whitespace or quotes: mistakes better caught at start-up
    /// than on every delivery. Any other secret is accepted, however short
    /// (see [`Secret::validate`]).
    pub fn new(secret: impl Into<Secret>) -> Result<Self, Error> {
        Self::from_secrets([secret])
    }

    /// A verifier for several secrets, for rotation: a delivery passes when
    /// any of its `v1` signatures matches any of the secrets, and
    /// [`Verified::secret_index`] tells which one matched, so you can see
    /// when the old secret stops being used.
    ///
    /// ```
    /// use signed_webhooks::{Signer, Verifier};
    ///
    /// let new = "whsec_new_0123456789abcdef0123456789abcdef";
    /// let old = "whsec_old_0123456789abcdef0123456789abcdef";
    /// let verifier = Verifier::from_secrets([new, old])?;
    ///
    /// let header = Signer::new(old)?.sign_at(b"{}", 1_790_000_000);
    /// let verified = verifier.verify_at(&header, b"{}", 1_790_000_000)?;
    /// assert_eq!(verified.secret_index(), 1);
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSecret`] when the list is empty or any secret is
    /// invalid.
    pub fn from_secrets<I>(secrets: I) -> Result<Self, Error>
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        let keys = keys_from_secrets(secrets)?;
        Ok(Verifier {
            inner: Arc::new(Inner {
                keys,
                tolerance: Some(DEFAULT_TOLERANCE),
                header_name: UNLEESHED_SIGNATURE,
            }),
        })
    }

    /// Sets how far the timestamp may be from the clock, in the past and in
    /// the future alike. Sub-second parts are ignored.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        Arc::make_mut(&mut self.inner).tolerance = Some(tolerance);
        self
    }

    /// Turns the timestamp check off, for re-processing deliveries you
    /// stored earlier (the signature is still checked).
    ///
    /// Never use this on live traffic: without the timestamp check, a
    /// captured request can be replayed forever.
    #[must_use]
    pub fn without_timestamp_check(mut self) -> Self {
        Arc::make_mut(&mut self.inner).tolerance = None;
        self
    }

    /// Sets the request header the HTTP adapters read the signature from
    /// (default [`UNLEESHED_SIGNATURE`], `X-Unleeshed-Signature`). The scheme
    /// is Stripe's, so [`STRIPE_SIGNATURE`](crate::STRIPE_SIGNATURE) with a
    /// Stripe endpoint secret verifies Stripe's webhooks too.
    #[must_use]
    pub fn with_header_name(mut self, name: HeaderName) -> Self {
        Arc::make_mut(&mut self.inner).header_name = name;
        self
    }

    /// The request header the HTTP adapters read the signature from.
    pub fn header_name(&self) -> &HeaderName {
        &self.inner.header_name
    }

    /// The tolerance in force, or `None` when the timestamp check is off.
    pub fn tolerance(&self) -> Option<Duration> {
        self.inner.tolerance
    }

    /// How many secrets this verifier tries.
    pub fn secret_count(&self) -> usize {
        self.inner.keys.len()
    }

    /// Verifies a delivery against the system clock.
    ///
    /// `header` is the signature header's value; `body` is the raw request
    /// body, exactly the bytes received, not JSON parsed and serialized
    /// again.
    ///
    /// # Errors
    ///
    /// See [`Verifier::verify_at`].
    pub fn verify(&self, header: &str, body: &[u8]) -> Result<Verified, Error> {
        self.verify_at(header, body, unix_now())
    }

    /// Verifies a delivery against a given clock, in Unix seconds: for
    /// tests, and for work that must not depend on the system clock.
    ///
    /// The header is parsed, then the timestamp checked, and only then is any
    /// HMAC computed, so stale or malformed requests cost almost nothing.
    /// Signatures are compared in constant time. Nothing is allocated.
    ///
    /// # Errors
    ///
    /// [`Error::MalformedHeader`], [`Error::NoSignature`],
    /// [`Error::TimestampTooOld`], [`Error::TimestampInFuture`] or
    /// [`Error::SignatureMismatch`].
    pub fn verify_at(&self, header: &str, body: &[u8], now: i64) -> Result<Verified, Error> {
        // Parsed in place: the header (~300 bytes) is not moved around.
        let mut parsed = SignatureHeader::EMPTY;
        parsed.parse_into(header)?;
        self.check_timestamp(parsed.timestamp(), now)?;
        self.check_signatures(&parsed, body)
    }

    /// Verifies a delivery against the system clock, then decodes its JSON
    /// body into `E`: one of this crate's event types such as
    /// [`UnleeshedEvent`](crate::UnleeshedEvent), or a type of your own.
    ///
    /// Nothing is decoded unless the signature and timestamp are valid.
    ///
    /// # Errors
    ///
    /// The errors of [`Verifier::verify_at`], and [`Error::Decode`] when the
    /// body is not a valid `E`.
    pub fn verify_event<E: DeserializeOwned>(&self, header: &str, body: &[u8]) -> Result<E, Error> {
        self.verify_event_at(header, body, unix_now())
    }

    /// [`Verifier::verify_event`] against a given clock, in Unix seconds.
    ///
    /// # Errors
    ///
    /// As for [`Verifier::verify_event`].
    pub fn verify_event_at<E: DeserializeOwned>(
        &self,
        header: &str,
        body: &[u8],
        now: i64,
    ) -> Result<E, Error> {
        self.verify_at(header, body, now)?;
        decode_event(body)
    }

    /// The first half of a verification split around reading the body:
    /// parses the header and checks its timestamp against `now`, so that a
    /// request that can never pass is refused before its body is read.
    ///
    /// Finish with [`Verifier::verify_body`] once the body is in. The HTTP
    /// adapters work this way.
    ///
    /// ```
    /// use signed_webhooks::{Signer, Verifier};
    ///
    /// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// let header = Signer::new(secret)?.sign_at(b"{}", 1_790_000_000);
    /// let verifier = Verifier::new(secret)?;
    ///
    /// let checked = verifier.check_header_at(&header, 1_790_000_001)?;
    /// // … read the body …
    /// let verified = verifier.verify_body(&checked, b"{}")?;
    /// assert_eq!(verified.timestamp(), 1_790_000_000);
    /// # Ok::<(), signed_webhooks::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::MalformedHeader`], [`Error::NoSignature`],
    /// [`Error::TimestampTooOld`] or [`Error::TimestampInFuture`].
    pub fn check_header_at<'h>(
        &self,
        header: &'h str,
        now: i64,
    ) -> Result<CheckedHeader<'h>, Error> {
        let header = SignatureHeader::parse(header)?;
        self.check_timestamp(header.timestamp(), now)?;
        Ok(CheckedHeader(header))
    }

    /// The second half of a split verification: checks the body against the
    /// signatures of a header that passed [`Verifier::check_header_at`].
    ///
    /// # Errors
    ///
    /// [`Error::SignatureMismatch`].
    pub fn verify_body(&self, header: &CheckedHeader<'_>, body: &[u8]) -> Result<Verified, Error> {
        self.check_signatures(&header.0, body)
    }

    fn check_timestamp(&self, timestamp: i64, now: i64) -> Result<(), Error> {
        let Some(tolerance) = self.inner.tolerance else {
            return Ok(());
        };
        let limit = i128::from(tolerance.as_secs());
        let age = i128::from(now) - i128::from(timestamp);
        if age > limit {
            Err(Error::TimestampTooOld {
                timestamp,
                now,
                tolerance,
            })
        } else if -age > limit {
            Err(Error::TimestampInFuture {
                timestamp,
                now,
                tolerance,
            })
        } else {
            Ok(())
        }
    }

    fn check_signatures(
        &self,
        header: &SignatureHeader<'_>,
        body: &[u8],
    ) -> Result<Verified, Error> {
        let digits = header.timestamp_digits().as_bytes();
        for (secret_index, key) in self.inner.keys.iter().enumerate() {
            let expected = key.tag(&[digits, b".", body]);
            for signature in header.signatures() {
                if bool::from(tags_match(&expected, signature)) {
                    return Ok(Verified {
                        timestamp: header.timestamp(),
                        secret_index,
                        signature: *signature,
                    });
                }
            }
        }
        Err(Error::SignatureMismatch {
            signatures: header.signature_count(),
            secrets: self.inner.keys.len(),
        })
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &self.inner.keys.len())
            .field("tolerance", &self.inner.tolerance)
            .field("header_name", &self.inner.header_name)
            .finish()
    }
}

/// A signature header whose shape and timestamp passed
/// [`Verifier::check_header_at`], waiting for the body.
#[derive(Debug, Clone)]
pub struct CheckedHeader<'h>(SignatureHeader<'h>);

impl<'h> CheckedHeader<'h> {
    /// The parsed header.
    pub fn header(&self) -> &SignatureHeader<'h> {
        &self.0
    }
}

/// What a successful verification established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verified {
    timestamp: i64,
    secret_index: usize,
    signature: [u8; TAG_LEN],
}

impl Verified {
    /// The signed timestamp, in Unix seconds.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }

    /// Which secret matched: its position in the list given to
    /// [`Verifier::from_secrets`] (always 0 for [`Verifier::new`]).
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }

    /// The `v1` signature that matched, decoded from hex. It is public (it
    /// was in the request), and unique to this timestamp and body: a key for
    /// spotting a replayed request.
    pub fn signature(&self) -> &[u8; TAG_LEN] {
        &self.signature
    }
}

/// Compares two tags in constant time.
///
/// The tags are XORed a 32-bit word at a time and the differences ORed
/// into one word, which `subtle` then compares with zero: no branch depends
/// on the content, and there is one optimization barrier instead of one per
/// byte. (Words of 32 bits, as the tag was just written: wider loads of
/// narrower fresh stores would stall store-to-load forwarding.)
#[inline]
fn tags_match(a: &[u8; TAG_LEN], b: &[u8; TAG_LEN]) -> Choice {
    let (a, _) = a.as_chunks::<4>();
    let (b, _) = b.as_chunks::<4>();
    let difference = a.iter().zip(b).fold(0u32, |acc, (a, b)| {
        acc | (u32::from_ne_bytes(*a) ^ u32::from_ne_bytes(*b))
    });
    difference.ct_eq(&0)
}

pub(crate) fn keys_from_secrets<I>(secrets: I) -> Result<Box<[SigningKey]>, Error>
where
    I: IntoIterator,
    I::Item: Into<Secret>,
{
    let keys = secrets
        .into_iter()
        .map(|secret| secret.into().into_key())
        .collect::<Result<Box<[SigningKey]>, SecretError>>()?;
    if keys.is_empty() {
        return Err(SecretError::NoSecrets.into());
    }
    Ok(keys)
}

/// The system clock in Unix seconds; negative before 1970.
pub(crate) fn unix_now() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}
