//! The [`Verifier`]: a provider's scheme, your secrets and the time policy,
//! checking deliveries.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::body;
use crate::dedup::{DeliveryKey, Window};
use crate::error::{ConfigError, DecodeError, Error, HeaderError};
use crate::handshake::{EndpointCheck, EndpointCheckError, Handshake, HandshakeAnswer};
use crate::headers::Headers;
use crate::providers::{Provider, WebhookEvent};
use crate::scheme::{
    Algorithm, BodyShape, DeliveryId, Encoding, Format, HeaderNames, IdShape, MAX_PARTS, Part,
    Scheme, TimeFormat,
};
use crate::secret::{KeyRole, Secret, SigningKey};
#[cfg(feature = "base64")]
use crate::signature::{BASE64_TAG_LEN, EncodedList, encode_base64_tag};
use crate::signature::{
    MAX_SIGNATURES, PairSyntax, ParseError, RawList, SignatureHeader, SignatureList, TAG_LEN,
    check_bytes, decode_exact, parse_timestamp,
};
use crate::target::{
    RequestTarget, SignedFields, check_method, check_origin, check_path_and_query, form_fields,
    signed_urls, split_url,
};
use crate::time::unix_now;

/// The longest delivery id accepted, in bytes.
const MAX_ID_LEN: usize = 256;

/// Checks the signed deliveries of one provider, `P`.
///
/// A `Verifier` holds the provider's [`Scheme`], one or more secrets (each
/// keyed into an HMAC state once, at construction) and the time policy. It
/// is cheap to clone (the state is shared), `Send + Sync`, and verifying
/// takes `&self`: build one per provider at start-up and share it.
///
/// ```
/// use signed_webhooks::{Signer, Stripe, Verifier};
///
/// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/// let body = br#"{"id":"evt_1","object":"event","type":"invoice.paid","created":1790000000,"data":{"object":{}}}"#;
/// let headers = Signer::<Stripe>::new(secret)?.sign_at(body, 1_790_000_000);
///
/// let verifier = Verifier::<Stripe>::new(secret)?;
/// let verified = verifier.verify_at(&headers, body, 1_790_000_042)?;
/// assert_eq!(verified.timestamp(), Some(1_790_000_000));
///
/// // The same request ten minutes later is a replay.
/// let err = verifier.verify_at(&headers, body, 1_790_000_600).unwrap_err();
/// assert_eq!(err.code(), "timestamp_too_old");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Verifier<P> {
    inner: Arc<Inner>,
    provider: PhantomData<fn() -> P>,
}

#[derive(Clone)]
struct Inner {
    scheme: Scheme,
    /// The scheme's header names as `http` names, parsed once: looking a
    /// name up in an `http::HeaderMap` by `&str` parses it on every call.
    names: Box<[HttpNames]>,
    keys: Box<[SigningKey]>,
    /// How far the signed time may be from the clock; `None` when the time
    /// check is off.
    tolerance: Option<Duration>,
    /// The origin the provider calls (`https://hooks.example.com`), for a
    /// scheme that signs the URL.
    origin: Option<Box<str>>,
    /// The only path and query deliveries are verified at, where the URL
    /// is pinned ([`Verifier::at_public_url`]).
    pinned: Option<Box<str>>,
    /// The verify token of the provider's unsigned endpoint check (Meta's
    /// `hub.verify_token`), kept apart from the keys: it verifies no
    /// signature. Wiped when dropped.
    verify_token: Option<Zeroizing<String>>,
}

impl<P: Provider> Verifier<P> {
    /// A verifier for one secret, exactly as the provider issued it; for a
    /// public-key scheme (Discord, SendGrid, Standard Webhooks' `whpk_`),
    /// the provider's public key as it shows it, parsed here once.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidSecret`] when the secret is empty, has
    /// surrounding whitespace or quotes, or is not of the shape the
    /// provider's scheme requires (Standard Webhooks' `whsec_<base64>`; a
    /// public key that is not one, [`SecretError::InvalidKey`](crate::SecretError::InvalidKey));
    /// [`ConfigError::InvalidScheme`] when the provider's scheme is one a
    /// verifier cannot keep its promises with (a custom scheme that checks
    /// a time it does not sign, say);
    /// [`ConfigError::PublicOriginRequired`] when the provider signs the URL
    /// it calls (Square, Twilio, HubSpot): build that verifier with
    /// [`Verifier::at_public_origin`].
    pub fn new(secret: impl Into<Secret>) -> Result<Self, ConfigError> {
        Self::from_secrets([secret])
    }

    /// A verifier for several secrets, for rotation: a delivery passes when
    /// any of its signatures matches any of the secrets, and
    /// [`Verified::secret_index`] tells which one matched, so you can see
    /// when the old secret stops being used.
    ///
    /// # Errors
    ///
    /// [`ConfigError::NoSecrets`] for an empty list, and the errors of
    /// [`Verifier::new`] for any secret in it.
    pub fn from_secrets<I>(secrets: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        Self::with_scheme_at(P::scheme(), secrets, true, None)
    }

    /// A verifier for a provider that signs the URL it calls (Square,
    /// Twilio, HubSpot), with its secrets (one, or several for rotation, as
    /// [`Verifier::from_secrets`]). `origin` is the public one the provider
    /// calls, `https://hooks.example.com`: each delivery is verified
    /// against it followed by the request's own path and query, so a
    /// receiver behind a proxy, which sees `http://10.0.0.7:8080/…`, still
    /// verifies what the provider signed. The `Host` and `X-Forwarded-*`
    /// headers are never read: nothing signs them.
    ///
    /// ```
    /// use signed_webhooks::{RequestTarget, Signer, Square, Verifier};
    ///
    /// let key = "eS7kmbr1DcT8R0lWu_mDDg";
    /// let body = br#"{"merchant_id":"6SSW7HV8K2ST5","type":"payment.updated","event_id":"b2a6f8c4"}"#;
    /// let headers = Signer::<Square>::for_url("https://hooks.example.com/square?x=1", key)?.sign(body);
    ///
    /// // A Square verifier without its origin is a start-up error.
    /// assert!(Verifier::<Square>::new(key).is_err());
    ///
    /// let verifier = Verifier::<Square>::at_public_origin("https://hooks.example.com", [key])?;
    /// let target = RequestTarget::new("POST", "/square?x=1");
    /// verifier.verify_target(&target, &headers, body)?;
    ///
    /// // The same delivery at another path is refused; the log says where.
    /// let err = verifier
    ///     .verify_target(&RequestTarget::new("POST", "/square"), &headers, body)
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("verified against https://hooks.example.com/square;"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// For a provider that signs no URL, the origin is checked and unused.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicOrigin`] unless `origin` is `https://` or
    /// `http://`, a host and an optional port, and nothing else (no path,
    /// not even `/`); and the errors of [`Verifier::from_secrets`].
    pub fn at_public_origin<I>(origin: &str, secrets: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        check_origin(origin).map_err(|reason| ConfigError::InvalidPublicOrigin { reason })?;
        Self::with_scheme_at(P::scheme(), secrets, true, Some(origin))
    }

    /// A verifier for a provider that signs the URL it calls (Square,
    /// Twilio, HubSpot), pinned to the one URL it is configured to call,
    /// `https://hooks.example.com/twilio?tenant=acme`: a delivery is
    /// verified only when the request's path and query are exactly that
    /// URL's (percent-escapes and parameter order included), and that URL
    /// is what the signature is checked against. Any other path or query is
    /// refused, [`Error::UnexpectedTarget`] (401), with both URLs in the
    /// operator's log. As with [`Verifier::at_public_origin`], the origin
    /// is the public one, and the `Host` and `X-Forwarded-*` headers are
    /// never read.
    ///
    /// Pinning matters for Twilio, which signs the URL and the form fields
    /// run together: without it, a replay can move bytes between the query
    /// and the fields (`?orderId=12` and a body starting `3AccountSid=…`
    /// sign like `?orderId=123` and `AccountSid=…`). With a fixed callback
    /// URL, pin it.
    ///
    /// ```
    /// use signed_webhooks::{RequestTarget, Signer, Square, Verifier};
    ///
    /// let key = "eS7kmbr1DcT8R0lWu_mDDg";
    /// let url = "https://hooks.example.com/square?tenant=acme";
    /// let body = br#"{"merchant_id":"6SSW7HV8K2ST5","type":"payment.updated","event_id":"b2a6f8c4"}"#;
    /// let headers = Signer::<Square>::for_url(url, key)?.sign(body);
    ///
    /// let verifier = Verifier::<Square>::at_public_url(url, [key])?;
    /// let target = RequestTarget::new("POST", "/square?tenant=acme");
    /// verifier.verify_target(&target, &headers, body)?;
    ///
    /// // Any other path or query is refused before any signature is checked.
    /// let elsewhere = RequestTarget::new("POST", "/square?tenant=acme&x=1");
    /// let err = verifier.verify_target(&elsewhere, &headers, body).unwrap_err();
    /// assert_eq!(err.code(), "unexpected_request_target");
    /// assert_eq!(err.status_code(), 401);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicOrigin`] unless `url` is an origin
    /// (`https://host[:port]`) followed by a path starting with `/` and
    /// holding RFC 3986 characters only (no fragment), or when the
    /// provider signs no URL (a pinned URL would not be checked); and the
    /// errors of [`Verifier::from_secrets`].
    pub fn at_public_url<I>(url: &str, secrets: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        let invalid = |reason| ConfigError::InvalidPublicOrigin { reason };
        let (origin, path_and_query) = split_url(url).map_err(invalid)?;
        if !P::scheme().signs_url() {
            return Err(invalid(
                "this provider signs no URL, so a pinned one would never be checked: use \
                 `Verifier::new`",
            ));
        }
        let mut verifier = Self::with_scheme_at(P::scheme(), secrets, true, Some(origin))?;
        Arc::make_mut(&mut verifier.inner).pinned = Some(path_and_query.into());
        Ok(verifier)
    }

    /// A verifier of `P`'s deliveries under `scheme`, at a public origin
    /// (checked) for a scheme that signs the URL: the constructors' common
    /// path, and the diagnosis's ([`crate::diagnose`]), which tries the
    /// scheme's variants with guessed secrets, and so does not log a guess
    /// as a weak configured secret (`log_weak` false).
    pub(crate) fn with_scheme_at<I>(
        scheme: Scheme,
        secrets: I,
        log_weak: bool,
        origin: Option<&str>,
    ) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        check_name(P::NAME)?;
        check_methods(P::NAME, P::METHODS)?;
        let secrets: Vec<Secret> = secrets.into_iter().map(Into::into).collect();
        let scheme = scheme.for_keys(&secrets, false)?;
        scheme
            .check()
            .map_err(|reason| ConfigError::InvalidScheme { reason })?;
        if scheme.signs_url() && origin.is_none() {
            return Err(ConfigError::PublicOriginRequired { provider: P::NAME });
        }
        let provider = log_weak.then_some(P::NAME);
        let keys = SigningKey::from_secrets(
            secrets,
            scheme.secret_format,
            scheme.algorithm,
            provider,
            KeyRole::Verify,
        )?;
        let tolerance = Some(match scheme.body_time {
            Some(body_time) => body_time.max_age,
            None => scheme.tolerance,
        });
        Ok(Verifier {
            inner: Arc::new(Inner {
                names: scheme.headers.iter().map(HttpNames::of).collect(),
                scheme,
                keys,
                tolerance,
                origin: origin.map(Box::from),
                pinned: None,
                verify_token: None,
            }),
            provider: PhantomData,
        })
    }

    /// Sets how far the signed time may be from the clock: in the past and
    /// the future for a timestamp in a header (300 s unless set); for a time
    /// inside the body (Commet, LeadLex), how long after the event was
    /// emitted a delivery is accepted (the provider's retry schedule and
    /// more, unless set), a time more than the scheme's tolerance ahead
    /// being refused too. Sub-second parts are ignored.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        Arc::make_mut(&mut self.inner).tolerance = Some(tolerance);
        self
    }

    /// Turns the time check off, for re-processing deliveries you stored
    /// earlier; the signature is still checked.
    ///
    /// **Never on live traffic**: without the time check a captured request
    /// verifies forever, and only duplicate detection, for as long as it
    /// remembers, stands between it and your handler.
    ///
    /// A scheme whose time is inside the body (Commet, LeadLex) still needs
    /// that field: a body without it is refused as `invalid_event`.
    #[must_use]
    pub fn dangerous_without_timestamp_check(mut self) -> Self {
        Arc::make_mut(&mut self.inner).tolerance = None;
        self
    }

    /// Sets the verify token of the provider's unsigned endpoint check
    /// ([`EndpointCheck::VerifyToken`]: Meta's `hub.verify_token`), the
    /// value typed in the provider's dashboard beside the callback URL. It
    /// is configuration of the check, kept apart from the signing keys
    /// (it is not the app secret, and verifies no delivery). Without it,
    /// the check is refused 403 and the log says what to set.
    ///
    /// ```
    /// use signed_webhooks::{Meta, Verifier};
    ///
    /// let verifier = Verifier::<Meta>::new("app-secret-from-the-app-dashboard")?
    ///     .with_verify_token("the-verify-token-typed-in-the-dashboard")?;
    /// let answer = verifier.answer_endpoint_check(Some(
    ///     "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=the-verify-token-typed-in-the-dashboard",
    /// ))?;
    /// assert_eq!(answer.body, b"1158201444");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidVerifyToken`] when the token is empty, has
    /// surrounding whitespace or quotes (as a secret would be refused);
    /// [`ConfigError::VerifyTokenNotTaken`] when the provider's endpoint check
    /// takes no token (Dropbox's) or it has none.
    pub fn with_verify_token(mut self, token: impl Into<String>) -> Result<Self, ConfigError> {
        let token = Zeroizing::new(token.into());
        if !matches!(P::ENDPOINT_CHECK, Some(EndpointCheck::VerifyToken { .. })) {
            return Err(ConfigError::VerifyTokenNotTaken { provider: P::NAME });
        }
        Secret::from(token.as_str())
            .validate()
            .map_err(|reason| ConfigError::InvalidVerifyToken { reason })?;
        Arc::make_mut(&mut self.inner).verify_token = Some(token);
        Ok(self)
    }

    /// Whether a verify token is set ([`Verifier::with_verify_token`]).
    pub fn has_verify_token(&self) -> bool {
        self.inner.verify_token.is_some()
    }

    /// The answer to the provider's unsigned endpoint check
    /// ([`Provider::ENDPOINT_CHECK`]), a `GET` whose raw query string
    /// (without `?`) is `query`: 200 with the challenge, `text/plain`
    /// (answer with `X-Content-Type-Options: nosniff` too). The axum and
    /// actix-web extractors call it for a `GET` to a provider with such a
    /// check; other stacks call it themselves, for those `GET`s only (a
    /// `GET` that is one of [`Provider::METHODS`], Twilio's, is a delivery
    /// to verify).
    ///
    /// # Errors
    ///
    /// [`EndpointCheckError`], with its status: 405 when the provider has
    /// no such check, 400 when the query is not exactly the check's
    /// parameters or the challenge is not one to echo ([`EndpointCheck`]
    /// says which are), 403 when the verify token is not the one set, or
    /// none is.
    pub fn answer_endpoint_check(
        &self,
        query: Option<&str>,
    ) -> Result<HandshakeAnswer, EndpointCheckError> {
        let Some(check) = P::ENDPOINT_CHECK else {
            return Err(EndpointCheckError::NoCheck {
                provider: P::NAME,
                methods: P::METHODS,
            });
        };
        let type_name = std::any::type_name::<P>();
        crate::handshake::answer_endpoint_check(
            check,
            P::NAME,
            type_name.rsplit("::").next().unwrap_or(type_name),
            query,
            self.inner.verify_token.as_deref().map(String::as_str),
        )
    }

    /// The public origin deliveries are verified at, for a scheme that
    /// signs the URL ([`Verifier::at_public_origin`]).
    pub fn public_origin(&self) -> Option<&str> {
        self.inner.origin.as_deref()
    }

    /// The path and query deliveries must arrive at, for a verifier pinned
    /// to one URL ([`Verifier::at_public_url`]).
    pub fn pinned_path_and_query(&self) -> Option<&str> {
        self.inner.pinned.as_deref()
    }

    /// The scheme deliveries are checked against.
    pub fn scheme(&self) -> &Scheme {
        &self.inner.scheme
    }

    /// The tolerance in force, or `None` when the time check is off. A
    /// scheme that signs no time (GitHub's) still reports one; nothing uses
    /// it ([`Scheme::signs_time`] tells).
    pub fn tolerance(&self) -> Option<Duration> {
        self.inner.tolerance
    }

    /// Verifies a delivery against the system clock.
    ///
    /// `headers` are the request's (an `http::HeaderMap`, actix-web's, or a
    /// list of pairs); `body` is the raw request body, exactly the bytes
    /// received, not JSON parsed and serialized again.
    ///
    /// # Errors
    ///
    /// See [`Verifier::verify_at`].
    pub fn verify(
        &self,
        headers: &(impl Headers + ?Sized),
        body: &[u8],
    ) -> Result<Verified, Error> {
        self.verify_at(headers, body, unix_now())
    }

    /// Verifies a delivery against a given clock, in Unix seconds: for
    /// tests, and for work that must not depend on the system clock.
    ///
    /// The headers are parsed and a signed timestamp checked before any
    /// HMAC is computed (or public-key signature checked), so malformed and
    /// stale requests cost almost nothing; signatures are compared in
    /// constant time; a time inside the body is read only once the
    /// signature has matched. Nothing is allocated, except to read a time
    /// inside the body, to build a signed URL (and sort Twilio's form
    /// fields), and for an Ed25519 check, the signed message made
    /// contiguous once.
    ///
    /// # Errors
    ///
    /// [`Error::MissingHeader`], [`Error::DuplicateHeader`],
    /// [`Error::MalformedHeader`] or [`Error::NoSignature`] for headers not
    /// of the scheme's shape; [`Error::TimestampTooOld`] or
    /// [`Error::TimestampInFuture`] outside the tolerance;
    /// [`Error::SignatureMismatch`]; [`Error::Decode`] when the signed body
    /// lacks the time the scheme reads from it.
    /// [`Error::TargetRequired`] for a scheme that signs the URL (Square,
    /// Twilio, HubSpot): those are verified with
    /// [`Verifier::verify_target_at`].
    pub fn verify_at(
        &self,
        headers: &(impl Headers + ?Sized),
        body: &[u8],
        now: i64,
    ) -> Result<Verified, Error> {
        let mut parsed = Parsed::EMPTY;
        self.parse_into(headers, &mut parsed)?;
        self.check_signed_time(&parsed, now)?;
        self.verify_parsed(&parsed, body, now)
    }

    /// Verifies a delivery against the system clock, given the request's
    /// method and its path and query as received: for the schemes that
    /// sign the URL (Square, Twilio, HubSpot), whose verifier has a public
    /// origin ([`Verifier::at_public_origin`]). Any other scheme ignores
    /// the target.
    ///
    /// # Errors
    ///
    /// See [`Verifier::verify_target_at`].
    pub fn verify_target(
        &self,
        target: &RequestTarget<'_>,
        headers: &(impl Headers + ?Sized),
        body: &[u8],
    ) -> Result<Verified, Error> {
        self.verify_target_at(target, headers, body, unix_now())
    }

    /// [`Verifier::verify_target`] against a given clock, in Unix seconds.
    ///
    /// # Errors
    ///
    /// Those of [`Verifier::verify_at`], and [`Error::MalformedTarget`] for
    /// a method, path or query that cannot be what the provider signed.
    /// [`Error::SignatureMismatch`] says, in its text for the operator's
    /// log, which URL the signatures were checked against.
    pub fn verify_target_at(
        &self,
        target: &RequestTarget<'_>,
        headers: &(impl Headers + ?Sized),
        body: &[u8],
        now: i64,
    ) -> Result<Verified, Error> {
        let mut parsed = Parsed::EMPTY;
        self.parse_into(headers, &mut parsed)?;
        self.parse_target_into(target, &mut parsed)?;
        self.check_signed_time(&parsed, now)?;
        self.verify_parsed(&parsed, body, now)
    }

    /// [`Verifier::verify_with_key_at`] given the request's target, for
    /// the schemes that sign the URL.
    ///
    /// # Errors
    ///
    /// Those of [`Verifier::verify_target_at`] and
    /// [`Verifier::verify_with_key`].
    pub fn verify_target_with_key_at(
        &self,
        target: &RequestTarget<'_>,
        headers: &(impl Headers + ?Sized),
        body: &[u8],
        now: i64,
    ) -> Result<(Verified, Option<DeliveryKey>), Error> {
        let mut parsed = Parsed::EMPTY;
        self.parse_into(headers, &mut parsed)?;
        self.parse_target_into(target, &mut parsed)?;
        self.check_signed_time(&parsed, now)?;
        let (verified, fields) = self.verify_parsed_fields(&parsed, body, now)?;
        let key = self.delivery_key_of(&parsed, body, &verified, &fields)?;
        Ok((verified, key))
    }

    /// Reads the request's target, for a scheme that signs it: the URL it
    /// signs, from the public origin and the request's path and query.
    pub(crate) fn parse_target_into<'h>(
        &self,
        target: &RequestTarget<'h>,
        parsed: &mut Parsed<'h>,
    ) -> Result<(), Error> {
        let scheme = &self.inner.scheme;
        if !scheme.signs_url() {
            return Ok(());
        }
        let Some(origin) = self.inner.origin.as_deref() else {
            return Err(Error::TargetRequired { provider: P::NAME });
        };
        let malformed = |reason| Error::MalformedTarget { reason };
        check_method(target.method()).map_err(malformed)?;
        check_path_and_query(target.path_and_query()).map_err(malformed)?;
        // Made at its length at once (`format!` would grow it).
        let mut url = String::with_capacity(origin.len() + target.path_and_query().len());
        url.push_str(origin);
        url.push_str(target.path_and_query());
        if let Some(pinned) = self.inner.pinned.as_deref()
            && target.path_and_query() != pinned
        {
            return Err(Error::UnexpectedTarget {
                expected: format!("{origin}{pinned}").into(),
                received: url.into(),
            });
        }
        parsed.method = Some(target.method());
        parsed.urls = Some(signed_urls(url, scheme.url_form));
        Ok(())
    }

    /// Verifies a delivery against the system clock, then decodes it into
    /// the provider's event type. Nothing is decoded unless the delivery
    /// verifies.
    ///
    /// # Errors
    ///
    /// Those of [`Verifier::verify_at`], and [`Error::Decode`] when the body
    /// is not the provider's event.
    pub fn verify_event(
        &self,
        headers: &(impl Headers + ?Sized),
        body: &[u8],
    ) -> Result<P::Event, Error> {
        self.verify(headers, body)?;
        P::Event::decode(body, &headers)
    }

    /// Verifies a delivery against the system clock, and names it for
    /// duplicate detection: the [`DeliveryKey`] is derived only from what
    /// the provider signed (see [`DeliveryId`]) and starts with the
    /// provider's name: `stripe:id:evt_1`, `github:sha256:<hex>`. Give it to
    /// [`Deduplicator::claim`](crate::dedup::Deduplicator::claim).
    ///
    /// `None` for a provider whose deliveries have no key
    /// ([`DeliveryId::Unkeyed`]: Dropbox, whose distinct notifications can
    /// be the same bytes): process every such delivery, claim nothing.
    ///
    /// # Errors
    ///
    /// Those of [`Verifier::verify_at`], and [`Error::Decode`] when the
    /// scheme reads the id from the body and the body has none (or an empty
    /// one).
    pub fn verify_with_key(
        &self,
        headers: &(impl Headers + ?Sized),
        body: &[u8],
    ) -> Result<(Verified, Option<DeliveryKey>), Error> {
        self.verify_with_key_at(headers, body, unix_now())
    }

    /// [`Verifier::verify_with_key`] against a given clock, in Unix seconds.
    ///
    /// # Errors
    ///
    /// Those of [`Verifier::verify_with_key`].
    pub fn verify_with_key_at(
        &self,
        headers: &(impl Headers + ?Sized),
        body: &[u8],
        now: i64,
    ) -> Result<(Verified, Option<DeliveryKey>), Error> {
        // `verify_parsed` refuses a scheme that signs the URL.
        let mut parsed = Parsed::EMPTY;
        self.parse_into(headers, &mut parsed)?;
        self.check_signed_time(&parsed, now)?;
        let (verified, fields) = self.verify_parsed_fields(&parsed, body, now)?;
        let key = self.delivery_key_of(&parsed, body, &verified, &fields)?;
        Ok((verified, key))
    }

    /// Checks the shape of every header the scheme reads, and nothing else
    /// (for `diagnose`, which tells a header's fault from the body's).
    pub(crate) fn check_headers(&self, headers: &(impl Headers + ?Sized)) -> Result<(), Error> {
        let mut parsed = Parsed::EMPTY;
        self.parse_into(headers, &mut parsed)
    }

    /// Reads and checks the shape of every header the scheme reads, into
    /// a slot of the caller's frame ([`Parsed::EMPTY`]): the ~300 bytes of
    /// parsed signatures are written where they are used, not copied there
    /// through `Result`s. On an error, `parsed` holds nothing meaningful.
    #[inline]
    pub(crate) fn parse_into<'h>(
        &self,
        headers: &'h (impl Headers + ?Sized),
        parsed: &mut Parsed<'h>,
    ) -> Result<(), Error> {
        let inner = &*self.inner;
        parse_headers(&inner.scheme, &inner.names, headers, parsed)
    }

    /// Checks a timestamp read from the headers against `now`: the check
    /// that can be made before the body is read.
    pub(crate) fn check_signed_time(&self, parsed: &Parsed<'_>, now: i64) -> Result<(), Error> {
        match (parsed.timestamp, self.inner.tolerance) {
            (Some((timestamp, _)), Some(tolerance)) => {
                check_window(timestamp, now, tolerance, tolerance)
            }
            _ => Ok(()),
        }
    }

    /// Checks the signatures against the body, then a time inside the body.
    /// A timestamp in the headers must have been checked against `now`
    /// already ([`Verifier::check_signed_time`]).
    pub(crate) fn verify_parsed(
        &self,
        parsed: &Parsed<'_>,
        body: &[u8],
        now: i64,
    ) -> Result<Verified, Error> {
        self.verify_parsed_fields(parsed, body, now)
            .map(|(verified, _)| verified)
    }

    /// [`Verifier::verify_parsed`], also handing back the signed form of
    /// the body's form fields it verified (empty unless the scheme signs
    /// them): [`Verifier::delivery_key_of`] hashes them, and they are
    /// decoded, sorted and joined once per delivery.
    pub(crate) fn verify_parsed_fields(
        &self,
        parsed: &Parsed<'_>,
        body: &[u8],
        now: i64,
    ) -> Result<(Verified, Vec<u8>), Error> {
        let inner = &*self.inner;
        let scheme = &inner.scheme;
        let mismatch = || Error::SignatureMismatch {
            signatures: parsed.signatures.count(),
            secrets: inner.keys.len(),
            url: parsed.urls.as_ref().map(|(url, _)| url.as_str().into()),
        };
        let (url, other_url) = match &parsed.urls {
            Some((url, other)) => (url.as_bytes(), other.as_deref().map(str::as_bytes)),
            None if scheme.signs_url() => {
                return Err(Error::TargetRequired { provider: P::NAME });
            }
            None => (&[][..], None),
        };
        let fields = self.fields_of(parsed, body).map_err(|()| mismatch())?;
        let (fields, refused_fields) = (fields.bytes, fields.refused);
        let mut secret_index = None;
        for url in std::iter::once(url).chain(other_url) {
            let mut parts: [&[u8]; MAX_PARTS] = [&[]; MAX_PARTS];
            let parts = parsed.signed_parts(&scheme.content, body, url, &fields, &mut parts);
            secret_index = match &parsed.signatures {
                Signatures::Raw(list) => self.match_raw(list, parts),
                signatures => inner
                    .keys
                    .iter()
                    .position(|key| bool::from(signatures.any_matches(&key.tag(parts)))),
            };
            if secret_index.is_some() {
                break;
            }
        }
        let Some(secret_index) = secret_index else {
            return Err(mismatch());
        };
        // Form fields that cannot be the provider's, though signed: bytes
        // moved between the URL and the fields by a replay.
        if let Some(reason) = refused_fields {
            return Err(missing_field(".", reason));
        }
        // A body the scheme signs run together with digits (or a URL) must
        // not start with one; one followed by digits must not end with
        // one: otherwise a replay could move bytes across.
        if scheme.body_shape == BodyShape::JsonContainer {
            let followed = scheme
                .content
                .windows(2)
                .any(|pair| pair[0] == Part::Body && !matches!(pair[1], Part::Literal(_)));
            if !matches!(body.first(), Some(b'{' | b'['))
                || (followed && !matches!(body.last(), Some(b'}' | b']')))
            {
                return Err(missing_field(
                    ".",
                    "the signed body is not a JSON object or array, as the provider signs it",
                ));
            }
        }

        let mut timestamp = parsed.timestamp.map(|(seconds, _)| seconds);
        let mut replayable_until = None;
        if let Some(body_time) = scheme.body_time {
            let emitted = body::timestamp(body, body_time.field, scheme.time_format)?;
            timestamp = Some(emitted);
            if let Some(tolerance) = inner.tolerance {
                check_window(emitted, now, tolerance, scheme.tolerance)?;
                replayable_until = Some(add_secs(emitted, tolerance));
            }
        } else if let (Some(seconds), Some(tolerance)) = (timestamp, inner.tolerance) {
            replayable_until = Some(add_secs(seconds, tolerance));
        }
        let verified = Verified {
            secret_index,
            timestamp,
            replayable_until,
        };
        Ok((verified, fields))
    }

    /// The signed form of the body's form fields, for a scheme that signs
    /// them (Twilio's); empty otherwise. `Err` when the URL names the
    /// body's SHA-256 and the body does not have it.
    fn fields_of(&self, parsed: &Parsed<'_>, body: &[u8]) -> Result<SignedFields, ()> {
        match &parsed.urls {
            Some((url, _)) if self.inner.scheme.content.contains(&Part::FormFields) => {
                form_fields(url, body)
            }
            _ => Ok(SignedFields::default()),
        }
    }

    /// The secret whose tag one of `list`'s signatures is, for the
    /// algorithms that are not HMAC-SHA256 (a token: the secret the header
    /// carries). Each signature is decoded once, to the algorithm's length;
    /// every comparison is constant-time.
    fn match_raw(&self, list: &RawList<'_>, parts: &[&[u8]]) -> Option<usize> {
        let scheme = &self.inner.scheme;
        #[cfg(any(feature = "ed25519", feature = "p256"))]
        if scheme.algorithm.is_asymmetric() {
            return self.match_public_key(list, parts);
        }
        let mut decoded = [([0u8; 64], 0usize); MAX_SIGNATURES];
        for (slot, text) in decoded.iter_mut().zip(list.signatures()) {
            if scheme.algorithm == Algorithm::Token {
                // The token itself, hashed as the configured one is.
                let digest = Sha256::digest(text);
                slot.0[..digest.len()].copy_from_slice(&digest);
                slot.1 = digest.len();
            } else if let Some(tag) = decode_exact(
                text,
                scheme.encoding,
                scheme.algorithm.tag_len(),
                &mut slot.0,
            ) {
                slot.1 = tag.len();
            }
        }
        let decoded = &decoded[..list.signatures().len()];
        self.inner.keys.iter().position(|key| {
            let mut expected = [0u8; 64];
            let expected = key.expected(parts, &mut expected);
            let matched = decoded
                .iter()
                .filter(|(_, len)| *len == expected.len())
                .fold(Choice::from(0), |matched, (signature, len)| {
                    matched | signature[..*len].ct_eq(expected)
                });
            bool::from(matched)
        })
    }

    /// The public key one of `list`'s signatures verifies under, for a
    /// public-key scheme. Signatures and keys are public: nothing here
    /// needs to be constant-time. A signature that does not decode to a
    /// whole one (empty, truncated, of another encoding) never verifies.
    #[cfg(any(feature = "ed25519", feature = "p256"))]
    fn match_public_key(&self, list: &RawList<'_>, parts: &[&[u8]]) -> Option<usize> {
        use crate::keys::MAX_SIGNATURE_LEN;
        let encoding = self.inner.scheme.encoding;
        let mut decoded = [([0u8; MAX_SIGNATURE_LEN], 0usize); MAX_SIGNATURES];
        for (slot, text) in decoded.iter_mut().zip(list.signatures()) {
            slot.1 = decode_any(text, encoding, &mut slot.0).map_or(0, <[u8]>::len);
        }
        let decoded = &decoded[..list.signatures().len()];
        let mut joined = None;
        self.inner.keys.iter().position(|key| {
            key.pair().is_some_and(|pair| {
                decoded
                    .iter()
                    .filter(|(_, len)| *len > 0)
                    .any(|(signature, len)| pair.verifies(parts, &mut joined, &signature[..*len]))
            })
        })
    }

    /// The answer to a `handshake` whose request verified (`verified`): Zoom
    /// wants its token's HMAC under the secret that matched.
    pub fn answer_handshake(&self, verified: &Verified, handshake: &Handshake) -> HandshakeAnswer {
        match handshake {
            Handshake::Echo(challenge) => HandshakeAnswer {
                content_type: "text/plain",
                body: challenge.as_bytes().to_vec(),
            },
            Handshake::Json(body) => HandshakeAnswer {
                content_type: "application/json",
                body: body.as_bytes().to_vec(),
            },
            Handshake::PlainToken(token) => {
                let key = &self.inner.keys[verified.secret_index().min(self.inner.keys.len() - 1)];
                let mut tag = [0u8; 64];
                let encrypted = hex::encode(key.expected(&[token.as_bytes()], &mut tag));
                HandshakeAnswer {
                    content_type: "application/json",
                    body: serde_json::json!({ "plainToken": token, "encryptedToken": encrypted })
                        .to_string()
                        .into_bytes(),
                }
            }
        }
    }

    /// The key of a delivery that verified, from its parse: the parse that
    /// was verified, so nothing unsigned can name it; `fields`, the signed
    /// form fields that verified ([`Verifier::verify_parsed_fields`]).
    pub(crate) fn delivery_key_of(
        &self,
        parsed: &Parsed<'_>,
        body: &[u8],
        verified: &Verified,
        fields: &[u8],
    ) -> Result<Option<DeliveryKey>, Error> {
        let sha256 = |hash: Sha256| format!("sha256:{}", hex::encode(hash.finalize()));
        let body_hash = || sha256(Sha256::new_with_prefix(body));
        let id = match self.inner.scheme.delivery_id {
            DeliveryId::Unkeyed => return Ok(None),
            DeliveryId::BodyField(field) => format!("id:{}", body::id(body, field)?),
            DeliveryId::BodyFieldOrBody(field) => match body::id(body, field) {
                Ok(id) => format!("id:{id}"),
                Err(_) => body_hash(),
            },
            DeliveryId::Body => body_hash(),
            DeliveryId::BodyWithoutTime => {
                // `check` keeps this variant to schemes with a body time,
                // which the verification has read: the field is there.
                let field = self.inner.scheme.body_time.map_or("", |time| time.field);
                let span = body::value_span(body, field).ok_or_else(|| {
                    missing_field(field, "the signed body has no time to leave out")
                })?;
                // The offset is hashed too: two bodies share a key only when
                // all but the time's value is the same, in the same place.
                let mut hash = Sha256::new();
                hash.update((span.start as u64).to_be_bytes());
                hash.update(&body[..span.start]);
                hash.update(&body[span.end..]);
                sha256(hash)
            }
            DeliveryId::IdHeader => {
                let id = parsed.id.unwrap_or_default();
                format!("id:{}", String::from_utf8_lossy(id))
            }
            DeliveryId::SignedContent => {
                // Verified: the fields are those that matched, computed
                // once by the verification.
                let url = parsed.urls.as_ref().map_or("", |(url, _)| url.as_str());
                let mut parts: [&[u8]; MAX_PARTS] = [&[]; MAX_PARTS];
                let parts = parsed.signed_parts(
                    &self.inner.scheme.content,
                    body,
                    url.as_bytes(),
                    fields,
                    &mut parts,
                );
                let mut hash = Sha256::new();
                for part in parts {
                    hash.update(part);
                }
                sha256(hash)
            }
        };
        Ok(Some(DeliveryKey::new::<P>(&id, verified.window())))
    }
}

impl<P> Clone for Verifier<P> {
    fn clone(&self) -> Self {
        Verifier {
            inner: Arc::clone(&self.inner),
            provider: PhantomData,
        }
    }
}

impl<P: Provider> fmt::Debug for Verifier<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("provider", &P::NAME)
            .field("secrets", &self.inner.keys.len())
            .field("tolerance", &self.inner.tolerance)
            .finish_non_exhaustive()
    }
}

/// The headers of a delivery, read and checked for shape.
pub(crate) struct Parsed<'h> {
    signatures: Signatures<'h>,
    /// The signed timestamp and its digits as sent.
    timestamp: Option<(i64, &'h [u8])>,
    /// The delivery id as sent.
    id: Option<&'h [u8]>,
    /// The request's method, for a scheme that signs it.
    method: Option<&'h str>,
    /// For a scheme that signs the URL: the URL in its signed form, and
    /// another the provider may sign instead (Twilio's, with the default
    /// port added or removed).
    urls: Option<(String, Option<String>)>,
}

enum Signatures<'h> {
    /// Kept as parsed: the `t=…,v1=…` header is not copied again.
    Pairs(SignatureHeader<'h>),
    List(SignatureList),
    /// Base64 signatures as sent, compared in the encoded domain.
    #[cfg(feature = "base64")]
    Encoded(EncodedList<'h>),
    /// Signatures of any other algorithm, as sent: decoded when compared.
    Raw(RawList<'h>),
}

impl Signatures<'_> {
    /// How many signatures the header carries, including those that can
    /// never match.
    fn count(&self) -> usize {
        match self {
            Signatures::Pairs(header) => header.raw_signatures().len(),
            Signatures::List(list) => list.raw_signatures().len(),
            #[cfg(feature = "base64")]
            Signatures::Encoded(list) => list.raw_signatures().len(),
            Signatures::Raw(list) => list.signatures().len(),
        }
    }

    /// Whether any signature is `expected`, compared in constant time with
    /// every signature, whichever matches.
    fn any_matches(&self, expected: &[u8; TAG_LEN]) -> Choice {
        let any = |tags: &[Option<[u8; TAG_LEN]>]| {
            tags.iter().flatten().fold(Choice::from(0), |matched, tag| {
                matched | bytes_match(expected, tag)
            })
        };
        match self {
            Signatures::Pairs(header) => any(header.raw_signatures()),
            Signatures::List(list) => any(list.raw_signatures()),
            #[cfg(feature = "base64")]
            Signatures::Encoded(list) => {
                let expected: [u8; BASE64_TAG_LEN] = encode_base64_tag(expected);
                list.raw_signatures()
                    .iter()
                    .flatten()
                    .fold(Choice::from(0), |matched, signature| {
                        matched | bytes_match(&expected, signature)
                    })
            }
            // Compared by `Verifier::match_raw`, to their own length.
            Signatures::Raw(_) => Choice::from(0),
        }
    }
}

impl<'h> Parsed<'h> {
    /// Nothing parsed yet: the slot [`Verifier::parse_into`] fills.
    pub(crate) const EMPTY: Self = Parsed {
        signatures: Signatures::Pairs(SignatureHeader::EMPTY),
        timestamp: None,
        id: None,
        method: None,
        urls: None,
    };

    /// The signed message, part by part, in `slots`.
    fn signed_parts<'a>(
        &'a self,
        content: &'a [Part],
        body: &'a [u8],
        url: &'a [u8],
        fields: &'a [u8],
        slots: &'a mut [&'a [u8]; MAX_PARTS],
    ) -> &'a [&'a [u8]] {
        for (slot, part) in slots.iter_mut().zip(content) {
            *slot = match part {
                Part::Body => body,
                Part::Timestamp => self.timestamp.map_or(&[][..], |(_, digits)| digits),
                Part::Id => self.id.unwrap_or_default(),
                Part::Literal(text) => text.as_bytes(),
                Part::Method => self.method.unwrap_or_default().as_bytes(),
                Part::Url => url,
                Part::FormFields => fields,
            };
        }
        &slots[..content.len()]
    }
}

/// What a successful verification established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Verified {
    secret_index: usize,
    timestamp: Option<i64>,
    replayable_until: Option<i64>,
}

impl Verified {
    /// Which secret matched: its position in the list given to
    /// [`Verifier::from_secrets`] (always 0 for [`Verifier::new`]).
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }

    /// The signed time, in Unix seconds: the timestamp of the headers, or
    /// the time inside the body; `None` when the scheme signs none
    /// (GitHub).
    pub fn timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    /// The last second, in Unix seconds, at which this very request would
    /// still verify if it were replayed: the signed time plus the
    /// tolerance. `None` when nothing signed bounds it (a scheme that signs
    /// no time, or the time check turned off): then only a duplicate store
    /// refuses a replay.
    pub fn replayable_until(&self) -> Option<i64> {
        self.replayable_until
    }

    /// The delivery's [`Window`] in a duplicate store: its signed time and
    /// tolerance, or unbounded when nothing signed bounds a replay.
    pub fn window(&self) -> Window {
        match (self.timestamp, self.replayable_until) {
            (Some(signed_at), Some(until)) => Window::new(
                signed_at,
                Some(Duration::from_secs(
                    u64::try_from(until.saturating_sub(signed_at)).unwrap_or(0),
                )),
            ),
            _ => Window::unbounded(),
        }
    }
}

/// Refuses a provider name that could not start a duplicate key on its
/// own: it must not hold the key's separators, nor be empty.
fn check_name(name: &'static str) -> Result<(), ConfigError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if valid {
        Ok(())
    } else {
        Err(ConfigError::InvalidProviderName { name })
    }
}

/// Refuses a provider's [`Provider::METHODS`] that would refuse every
/// delivery: none, or one that is not an uppercase HTTP method name.
fn check_methods(name: &'static str, methods: &'static [&'static str]) -> Result<(), ConfigError> {
    let valid = !methods.is_empty()
        && methods.iter().all(|method| {
            (1..=16).contains(&method.len()) && method.bytes().all(|b| b.is_ascii_uppercase())
        });
    if valid {
        Ok(())
    } else {
        Err(ConfigError::InvalidMethods {
            provider: name,
            methods,
        })
    }
}

/// A signed time read from a header, in Unix seconds: decimal seconds or
/// milliseconds (canonical digits), or RFC 3339 text.
fn parse_time(text: &[u8], format: TimeFormat) -> Result<i64, HeaderError> {
    match format {
        TimeFormat::UnixSeconds => parse_timestamp(text),
        TimeFormat::UnixMillis => parse_timestamp(text).map(|ms| ms.div_euclid(1000)),
        TimeFormat::Rfc3339 => std::str::from_utf8(text)
            .ok()
            .and_then(crate::time::parse_rfc3339)
            .ok_or(HeaderError::InvalidTimestamp),
    }
}

/// Whether `id` is a UUID in its canonical form: 36 characters, hex digits
/// with hyphens after the 8th, 12th, 16th and 20th.
fn is_uuid(id: &[u8]) -> bool {
    id.len() == 36
        && id.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Refuses a time more than `past` before `now` or `future` after it.
fn check_window(timestamp: i64, now: i64, past: Duration, future: Duration) -> Result<(), Error> {
    let age = i128::from(now) - i128::from(timestamp);
    if age > i128::from(past.as_secs()) {
        Err(Error::TimestampTooOld {
            timestamp,
            now,
            tolerance: past,
        })
    } else if -age > i128::from(future.as_secs()) {
        Err(Error::TimestampInFuture {
            timestamp,
            now,
            tolerance: future,
        })
    } else {
        Ok(())
    }
}

fn add_secs(seconds: i64, duration: Duration) -> i64 {
    seconds.saturating_add(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX))
}

/// [`Verifier::parse_into`] for `scheme`, whose header names `names` holds
/// parsed as `http` names (an alternative it lacks is looked up by text):
/// a verifier's, or none for [`Scheme::matches_headers`].
#[inline]
pub(crate) fn parse_headers<'h>(
    scheme: &Scheme,
    names_parsed: &[HttpNames],
    headers: &'h (impl Headers + ?Sized),
    parsed: &mut Parsed<'h>,
) -> Result<(), Error> {
    let map = headers.as_header_map();
    let mut present = None;
    for (index, names) in scheme.headers.iter().enumerate() {
        let http_names = names_parsed.get(index).unwrap_or(&HttpNames::NONE);
        let values = lookup(headers, map, &names.signature, &http_names.signature);
        if values[0].is_some() {
            present = Some((names, http_names, values));
            break;
        }
    }
    let Some((names, http_names, values)) = present else {
        return Err(Error::MissingHeader {
            header: scheme.headers[0].signature.clone(),
        });
    };
    let value = single(&names.signature, values)?;
    let text = || {
        std::str::from_utf8(value).map_err(|_| Error::MalformedHeader {
            header: names.signature.clone(),
            reason: HeaderError::InvalidCharacter,
        })
    };
    // The name is cloned only on a refusal: a scheme's names may be
    // owned strings (Standard Webhooks'), and a verification that
    // passes allocates nothing.
    let malformed = |error: ParseError| match error {
        ParseError::Malformed(reason) => Error::MalformedHeader {
            header: names.signature.clone(),
            reason,
        },
        ParseError::NoSignature => Error::NoSignature {
            header: names.signature.clone(),
        },
    };
    parsed.timestamp = None;
    match &scheme.format {
        &Format::Pairs {
            separator,
            time_key,
            signature_key,
        } => {
            if !matches!(parsed.signatures, Signatures::Pairs(_)) {
                parsed.signatures = Signatures::Pairs(SignatureHeader::EMPTY);
            }
            if let Signatures::Pairs(header) = &mut parsed.signatures {
                let syntax = PairSyntax {
                    separator,
                    time_key,
                    signature_key,
                };
                header.parse_into(text()?, syntax).map_err(malformed)?;
                if time_key.is_some() {
                    let seconds = match scheme.time_format {
                        TimeFormat::UnixMillis => header.timestamp().div_euclid(1000),
                        _ => header.timestamp(),
                    };
                    parsed.timestamp = Some((seconds, header.timestamp_digits().as_bytes()));
                }
            }
        }
        Format::Versioned { version } if scheme.algorithm.is_asymmetric() => {
            parsed.signatures =
                Signatures::Raw(RawList::parse_versioned(value, version).map_err(malformed)?);
        }
        Format::Versioned { version } => {
            parsed.signatures = match scheme.encoding {
                Encoding::Hex => Signatures::List(
                    SignatureList::parse_versioned(value, version).map_err(malformed)?,
                ),
                #[cfg(feature = "base64")]
                Encoding::Base64 => Signatures::Encoded(
                    EncodedList::parse_versioned(value, version).map_err(malformed)?,
                ),
            };
        }
        Format::Single { prefix } if scheme.algorithm == Algorithm::HmacSha256 => {
            parsed.signatures = Signatures::List(
                SignatureList::parse_single(text()?, prefix, scheme.encoding).map_err(malformed)?,
            );
        }
        Format::Single { prefix } => {
            parsed.signatures =
                Signatures::Raw(RawList::parse_single(text()?, prefix).map_err(malformed)?);
        }
    }
    if let Some(name) = &names.timestamp {
        let text = required(headers, map, name, &http_names.timestamp)?;
        let seconds =
            parse_time(text, scheme.time_format).map_err(|reason| Error::MalformedHeader {
                header: name.clone(),
                reason,
            })?;
        parsed.timestamp = Some((seconds, text));
    }
    parsed.id = match &names.id {
        Some(name) => {
            let id = required(headers, map, name, &http_names.id)?;
            let shaped = match scheme.id_shape {
                IdShape::Uuid => is_uuid(id),
                _ => true,
            };
            if id.is_empty() || id.len() > MAX_ID_LEN || !shaped {
                return Err(Error::MalformedHeader {
                    header: name.clone(),
                    reason: HeaderError::InvalidId,
                });
            }
            Some(id)
        }
        None => None,
    };
    Ok(())
}

/// The one value of a header among those a request carries for it: a
/// request that repeats a header the scheme reads is refused, since there
/// would be no single value to trust.
// The name is a `Cow` so that the error borrows a `'static` one, not copies it.
#[allow(clippy::ptr_arg)]
pub(crate) fn single<'h>(
    name: &Cow<'static, str>,
    values: [Option<&'h [u8]>; 2],
) -> Result<&'h [u8], Error> {
    match values {
        [None, _] => Err(Error::MissingHeader {
            header: name.clone(),
        }),
        [Some(_), Some(_)] => Err(Error::DuplicateHeader {
            header: name.clone(),
        }),
        [Some(value), None] => Ok(value),
    }
}

/// The one value of a header the scheme needs besides the signature,
/// checked as text ([`check_bytes`]) and without surrounding spaces or tabs.
#[allow(clippy::ptr_arg)]
fn required<'h>(
    headers: &'h (impl Headers + ?Sized),
    map: Option<&'h http::HeaderMap>,
    name: &Cow<'static, str>,
    http_name: &Option<http::HeaderName>,
) -> Result<&'h [u8], Error> {
    let value = single(name, lookup(headers, map, name, http_name))?;
    check_bytes(value).map_err(|reason| Error::MalformedHeader {
        header: name.clone(),
        reason,
    })?;
    // Checked: the only whitespace left is spaces and tabs.
    Ok(value.trim_ascii())
}

/// The scheme's header names parsed as `http` names (`None` for a name
/// `http` would not take, which is then looked up by text).
#[derive(Clone)]
pub(crate) struct HttpNames {
    signature: Option<http::HeaderName>,
    timestamp: Option<http::HeaderName>,
    id: Option<http::HeaderName>,
}

impl HttpNames {
    /// No name parsed: every header is looked up by text.
    const NONE: HttpNames = HttpNames {
        signature: None,
        timestamp: None,
        id: None,
    };

    fn of(names: &HeaderNames) -> Self {
        let parse = |name: &str| http::HeaderName::from_bytes(name.as_bytes()).ok();
        HttpNames {
            signature: parse(&names.signature),
            timestamp: names.timestamp.as_deref().and_then(parse),
            id: names.id.as_deref().and_then(parse),
        }
    }
}

/// [`Headers::first_two`], by the name parsed once when `headers` are an
/// `http::HeaderMap`.
#[inline]
fn lookup<'h>(
    headers: &'h (impl Headers + ?Sized),
    map: Option<&'h http::HeaderMap>,
    name: &str,
    http_name: &Option<http::HeaderName>,
) -> [Option<&'h [u8]>; 2] {
    match (map, http_name) {
        (Some(map), Some(http_name)) => {
            let mut values = map
                .get_all(http_name)
                .iter()
                .map(http::HeaderValue::as_bytes);
            [values.next(), values.next()]
        }
        _ => headers.first_two(name),
    }
}

/// Compares two tags (or their encodings) in constant time: the
/// differences of 32-bit words are ORed into one word, which `subtle`
/// compares with zero, so no branch depends on the content.
#[inline]
fn bytes_match<const N: usize>(a: &[u8; N], b: &[u8; N]) -> Choice {
    const { assert!(N.is_multiple_of(4)) };
    let (a, _) = a.as_chunks::<4>();
    let (b, _) = b.as_chunks::<4>();
    let difference = a.iter().zip(b).fold(0u32, |acc, (a, b)| {
        acc | (u32::from_ne_bytes(*a) ^ u32::from_ne_bytes(*b))
    });
    difference.ct_eq(&0)
}

/// Decodes a signature of any length up to `out`'s, in `encoding` (hex in
/// either case; canonical padded base64).
#[cfg(any(feature = "ed25519", feature = "p256"))]
fn decode_any<'o, const N: usize>(
    text: &[u8],
    encoding: Encoding,
    out: &'o mut [u8; N],
) -> Option<&'o [u8]> {
    match encoding {
        Encoding::Hex => {
            let out = out.get_mut(..text.len() / 2)?;
            hex::decode_to_slice(text, out).ok()?;
            Some(out)
        }
        #[cfg(feature = "base64")]
        Encoding::Base64 => {
            use base64ct::Encoding as _;
            base64ct::Base64::decode(text, out).ok()
        }
    }
}

/// The decode error of a signed body that lacks a field the scheme reads.
pub(crate) fn missing_field(field: &str, what: &str) -> Error {
    let cause = <serde_json::Error as serde::de::Error>::custom(what);
    Error::Decode(Box::new(DecodeError::new(field.to_owned(), cause)))
}
