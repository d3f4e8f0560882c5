//! The [`Signer`]: the headers a provider sends with a delivery, for tests
//! and tools.

use std::borrow::Cow;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::marker::PhantomData;

use crate::error::ConfigError;
use crate::headers::Headers;
use crate::providers::Provider;
use crate::scheme::{Encoding, Format, IdShape, MAX_PARTS, Part, Scheme, TimeFormat};
use crate::secret::{KeyRole, Secret, SigningKey};
use crate::signature::MAX_SIGNATURES;
use crate::time::{format_rfc3339, unix_now};

/// Signs bodies the way provider `P` does, producing the exact headers it
/// sends with a delivery.
///
/// Use it in your own tests to send your receiver deliveries it must
/// accept (or, tampered with, refuse).
///
/// ```
/// use signed_webhooks::{GitHub, Signer, Stripe};
///
/// let headers = Signer::<Stripe>::new("whsec_test_secret")?.sign_at(br#"{"id":"evt_1"}"#, 1_790_000_000);
/// assert!(headers.get("stripe-signature").unwrap().starts_with("t=1790000000,v1="));
///
/// // GitHub's own published example.
/// let headers = Signer::<GitHub>::new("It's a Secret to Everybody")?.sign(b"Hello, World!");
/// assert_eq!(
///     headers.get("x-hub-signature-256"),
///     Some("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
/// );
/// # Ok::<(), signed_webhooks::ConfigError>(())
/// ```
pub struct Signer<P> {
    scheme: Scheme,
    keys: Box<[SigningKey]>,
    /// The URL signed, for a scheme that signs it ([`Signer::for_url`]).
    url: Option<String>,
    /// The method signed, for a scheme that signs it (HubSpot):
    /// [`Signer::with_method`], `POST` unless set.
    method: Cow<'static, str>,
    provider: PhantomData<fn() -> P>,
}

impl<P: Provider> Signer<P> {
    /// A signer for one secret, under the same rules as
    /// [`Verifier::new`](crate::Verifier::new).
    ///
    /// # Errors
    ///
    /// As for [`Verifier::new`](crate::Verifier::new): a provider that
    /// signs the URL it calls needs [`Signer::for_url`].
    pub fn new(secret: impl Into<Secret>) -> Result<Self, ConfigError> {
        Self::from_secrets([secret])
    }

    /// A signer for a provider that signs the URL it calls (Square,
    /// Twilio, HubSpot): each delivery is signed as a `POST` to `url`, the
    /// whole URL the provider is configured with
    /// (`https://hooks.example.com/square?x=1`). Twilio's form fields are
    /// read from the body; for a JSON body, end the URL's query with its
    /// `bodySHA256`, as Twilio does.
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidPublicOrigin`] unless `url` is an origin
    /// (`https://host[:port]`) followed by a path starting with `/` and
    /// holding RFC 3986 characters only; and those of [`Signer::new`].
    pub fn for_url(url: &str, secret: impl Into<Secret>) -> Result<Self, ConfigError> {
        let invalid = |reason| ConfigError::InvalidPublicOrigin { reason };
        crate::target::split_url(url).map_err(invalid)?;
        let mut signer = Self::build([secret], true)?;
        let (signed, _) = crate::target::signed_urls(url.to_owned(), signer.scheme.url_form);
        signer.url = Some(signed);
        Ok(signer)
    }

    /// The same signer, signing `method` instead of `POST` for a scheme
    /// that signs the method (HubSpot's v3 signs it). Other schemes sign no
    /// method and ignore it.
    ///
    /// ```
    /// use signed_webhooks::{HubSpot, RequestTarget, Signer, Verifier};
    ///
    /// let secret = "5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
    /// let url = "https://hooks.example.com/hubspot/card?portalId=62515";
    /// let body = br#"[{"eventId":1,"subscriptionType":"contact.creation"}]"#;
    /// let signer = Signer::<HubSpot>::for_url(url, secret)?.with_method("PUT")?;
    /// let headers = signer.sign_at(body, 1_790_000_000);
    ///
    /// let verifier = Verifier::<HubSpot>::at_public_origin("https://hooks.example.com", [secret])?;
    /// let put = RequestTarget::new("PUT", "/hubspot/card?portalId=62515");
    /// assert!(verifier.verify_target_at(&put, &headers, body, 1_790_000_000).is_ok());
    /// let post = RequestTarget::new("POST", "/hubspot/card?portalId=62515");
    /// assert!(verifier.verify_target_at(&post, &headers, body, 1_790_000_000).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ConfigError::InvalidMethod`] unless `method` is an HTTP token
    /// (`GET`, `POST`, …).
    pub fn with_method(mut self, method: &str) -> Result<Self, ConfigError> {
        crate::target::check_method(method)
            .map_err(|reason| ConfigError::InvalidMethod { reason })?;
        self.method = Cow::Owned(method.to_owned());
        Ok(self)
    }

    /// A signer that signs with several secrets at once, one signature per
    /// secret in order, as a provider does while a secret is being rotated.
    ///
    /// # Errors
    ///
    /// As for [`Verifier::from_secrets`](crate::Verifier::from_secrets), and
    /// [`ConfigError::TooManySecrets`] beyond what one delivery carries:
    /// [`MAX_SIGNATURES`], or one for a scheme with a single signature
    /// (GitHub's).
    pub fn from_secrets<I>(secrets: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        Self::build(secrets, false)
    }

    /// A signer of `P`'s scheme; one that signs the URL only when it is
    /// given one (`with_url`).
    fn build<I>(secrets: I, with_url: bool) -> Result<Self, ConfigError>
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        let secrets: Vec<Secret> = secrets.into_iter().map(Into::into).collect();
        let scheme = P::scheme().for_keys(&secrets, true)?;
        scheme
            .check()
            .map_err(|reason| ConfigError::InvalidScheme { reason })?;
        if scheme.signs_url() && !with_url {
            return Err(ConfigError::PublicOriginRequired { provider: P::NAME });
        }
        let keys = SigningKey::from_secrets(
            secrets,
            scheme.secret_format,
            scheme.algorithm,
            Some(P::NAME),
            KeyRole::Sign,
        )?;
        let max = match scheme.format {
            Format::Single { .. } => 1,
            Format::Pairs { .. } | Format::Versioned { .. } => MAX_SIGNATURES,
        };
        if keys.len() > max {
            return Err(ConfigError::TooManySecrets {
                count: keys.len(),
                max,
            });
        }
        Ok(Signer {
            scheme,
            keys,
            url: None,
            method: Cow::Borrowed("POST"),
            provider: PhantomData,
        })
    }

    /// The headers for `body` signed now (with a fresh delivery id where
    /// the scheme has one).
    pub fn sign(&self, body: &[u8]) -> SignedHeaders {
        self.sign_at(body, unix_now())
    }

    /// The headers for `body` signed at `timestamp` (Unix seconds; ignored
    /// by schemes that sign no time), with a fresh delivery id where the
    /// scheme has one.
    ///
    /// Any `i64` is signed as given, so a test can also produce deliveries
    /// a verifier must refuse (a stale timestamp, say).
    pub fn sign_at(&self, body: &[u8], timestamp: i64) -> SignedHeaders {
        self.sign_with_id(body, timestamp, &fresh_id(self.scheme.id_shape))
    }

    /// The headers for `body` signed at `timestamp` with the delivery id
    /// `id` (ignored by schemes without one): a redelivery keeps its id.
    /// The time is written as the scheme writes it (Unix seconds or
    /// milliseconds, or RFC 3339).
    pub fn sign_with_id(&self, body: &[u8], timestamp: i64, id: &str) -> SignedHeaders {
        let scheme = &self.scheme;
        let names = &scheme.headers[0];
        let time = match scheme.time_format {
            TimeFormat::UnixSeconds => timestamp.to_string(),
            TimeFormat::UnixMillis => timestamp.saturating_mul(1000).to_string(),
            TimeFormat::Rfc3339 => format_rfc3339(timestamp, true),
        };
        let url = self.url.as_deref().unwrap_or_default();
        // A body whose hash the URL names and does not match signs as no
        // fields: no verifier accepts it.
        let fields = if scheme.content.contains(&Part::FormFields) {
            crate::target::form_fields(url, body)
                .map(|fields| fields.bytes)
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut parts: [&[u8]; MAX_PARTS] = [&[]; MAX_PARTS];
        for (slot, part) in parts.iter_mut().zip(&scheme.content) {
            *slot = match part {
                Part::Body => body,
                Part::Timestamp => time.as_bytes(),
                Part::Id => id.as_bytes(),
                Part::Literal(text) => text.as_bytes(),
                Part::Method => self.method.as_bytes(),
                Part::Url => url.as_bytes(),
                Part::FormFields => &fields,
            };
        }
        let parts = &parts[..scheme.content.len()];
        let signatures = self.keys.iter().map(|key| match key.token() {
            Some(token) => String::from_utf8_lossy(token).into_owned(),
            #[cfg(any(feature = "ed25519", feature = "p256"))]
            None if key.pair().is_some() => {
                let signature = key.pair().and_then(|pair| pair.sign(parts));
                encode(&signature.unwrap_or_default(), scheme.encoding)
            }
            None => {
                let mut tag = [0u8; 64];
                encode(key.expected(parts, &mut tag), scheme.encoding)
            }
        });
        let signature = match &scheme.format {
            Format::Pairs {
                separator,
                time_key,
                signature_key,
            } => {
                let separator = char::from(*separator);
                let time = time_key.map(|key| format!("{key}={time}"));
                time.into_iter()
                    .chain(signatures.map(|signature| format!("{signature_key}={signature}")))
                    .collect::<Vec<_>>()
                    .join(&separator.to_string())
            }
            Format::Versioned { version } => signatures
                .map(|signature| format!("{version},{signature}"))
                .collect::<Vec<_>>()
                .join(" "),
            Format::Single { prefix } => signatures.map(|s| format!("{prefix}{s}")).collect(),
        };
        let mut headers = Vec::with_capacity(3);
        if let Some(name) = &names.id {
            headers.push((name.clone(), id.to_owned()));
        }
        if let Some(name) = &names.timestamp {
            headers.push((name.clone(), time));
        }
        headers.push((names.signature.clone(), signature));
        SignedHeaders(headers)
    }
}

impl<P: Provider> fmt::Debug for Signer<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("provider", &P::NAME)
            .field("secrets", &self.keys.len())
            .finish()
    }
}

impl<P> Clone for Signer<P> {
    fn clone(&self) -> Self {
        Signer {
            scheme: self.scheme.clone(),
            keys: self.keys.clone(),
            url: self.url.clone(),
            method: self.method.clone(),
            provider: PhantomData,
        }
    }
}

/// The headers of a signed delivery, in the order a provider sends them:
/// `(name, value)` pairs, names in lowercase. They are [`Headers`], so a
/// verifier reads them directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders(Vec<(Cow<'static, str>, String)>);

impl SignedHeaders {
    /// The value of header `name` (case-insensitive).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The `(name, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(name, value)| (&**name, value.as_str()))
    }
}

impl Headers for SignedHeaders {
    fn first_two(&self, name: &str) -> [Option<&[u8]>; 2] {
        self.0.as_slice().first_two(name)
    }
}

impl IntoIterator for SignedHeaders {
    type Item = (Cow<'static, str>, String);
    type IntoIter = std::vec::IntoIter<Self::Item>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

fn encode(tag: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Hex => hex::encode(tag),
        #[cfg(feature = "base64")]
        Encoding::Base64 => {
            use base64ct::Encoding as _;
            base64ct::Base64::encode_string(tag)
        }
    }
}

/// A delivery id such as providers mint, `msg_` and 32 hex digits (or a
/// UUID where the scheme wants one): unique, not secret.
fn fresh_id(shape: IdShape) -> String {
    let random = std::collections::hash_map::RandomState::new();
    let mut hasher = random.build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    let high = hasher.finish();
    hasher.write_u64(high);
    let digits = format!("{high:016x}{:016x}", hasher.finish());
    match shape {
        IdShape::Uuid => format!(
            "{}-{}-{}-{}-{}",
            &digits[..8],
            &digits[8..12],
            &digits[12..16],
            &digits[16..20],
            &digits[20..]
        ),
        _ => format!("msg_{digits}"),
    }
}
