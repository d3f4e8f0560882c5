//! [`Scheme`]: how a provider signs its deliveries, what it signs, and what
//! in a delivery bounds a replay and names a duplicate.

use std::borrow::Cow;
use std::time::Duration;

use crate::secret::Secret;

/// How far a signed timestamp may be from the receiver's clock, in the past
/// or the future, unless set otherwise: five minutes, as providers document.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The most parts a signed message may be made of.
pub(crate) const MAX_PARTS: usize = 8;

/// How signatures are written in their header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Encoding {
    /// Hexadecimal, 64 digits for an HMAC-SHA256 tag (either case accepted).
    Hex,
    /// Standard base64 with padding, 44 characters for an HMAC-SHA256 tag
    /// (feature `base64`, on by default).
    #[cfg(feature = "base64")]
    Base64,
}

/// How a delivery is authenticated: the MAC its signatures are, or a
/// shared token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA256 (RustCrypto `hmac` and `sha2`): most providers.
    HmacSha256,
    /// HMAC-SHA512.
    HmacSha512,
    /// HMAC-SHA1 (feature `sha1`), for providers that sign with nothing
    /// else (Intercom, Vercel, Twilio). Still sound as a MAC: HMAC's
    /// security does not rest on SHA-1's collision resistance. A provider
    /// that offers SHA-256 is never verified by SHA-1 (GitHub's legacy
    /// `X-Hub-Signature` stays refused).
    #[cfg(feature = "sha1")]
    HmacSha1,
    /// A shared token, sent as is in a header and compared with the
    /// configured one in constant time (GitLab's `X-Gitlab-Token`). It
    /// proves less than a MAC: that the sender knows the token, and
    /// nothing about the body or the time. Anyone who sees one delivery
    /// (a log, a proxy) can send any body.
    Token,
    /// Ed25519 (RFC 8032; feature `ed25519`, verified by `ed25519-dalek`'s
    /// strict check): Discord's interactions, Standard Webhooks' `v1a`. The
    /// "secret" is the provider's public key, as it shows it
    /// ([`SecretFormat::Hex`], [`SecretFormat::Base64KeyPair`]); a
    /// [`Signer`](crate::Signer) takes the private key instead. Signatures
    /// are 64 bytes; one with a non-canonical `S` or a small-order point is
    /// refused.
    #[cfg(feature = "ed25519")]
    Ed25519,
    /// ECDSA over P-256 with SHA-256, DER-encoded signatures (feature
    /// `p256`, RustCrypto's `p256`): SendGrid's Event Webhook. The "secret"
    /// is the provider's public key ([`SecretFormat::Der`]). Both `(r, s)`
    /// and `(r, n - s)` verify, as with OpenSSL, which the providers' SDKs
    /// use.
    #[cfg(feature = "p256")]
    EcdsaP256Sha256,
}

impl Algorithm {
    /// The length of a signature in bytes, once decoded (0 for a token).
    pub(crate) const fn tag_len(self) -> usize {
        match self {
            Algorithm::HmacSha256 => 32,
            Algorithm::HmacSha512 => 64,
            #[cfg(feature = "sha1")]
            Algorithm::HmacSha1 => 20,
            Algorithm::Token => 0,
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => 64,
            // DER: from 8 to 72 bytes.
            #[cfg(feature = "p256")]
            Algorithm::EcdsaP256Sha256 => 0,
        }
    }

    /// Whether the signatures are a public-key scheme's, verified with the
    /// provider's public key rather than a shared secret.
    pub const fn is_asymmetric(self) -> bool {
        match self {
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => true,
            #[cfg(feature = "p256")]
            Algorithm::EcdsaP256Sha256 => true,
            _ => false,
        }
    }
}

/// How a signed time is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeFormat {
    /// Decimal Unix seconds, no leading zero (Stripe's `t=`).
    UnixSeconds,
    /// Decimal Unix milliseconds (HubSpot's, WorkOS's, Linear's).
    UnixMillis,
    /// RFC 3339 text, fractions of a second allowed (Twitch's).
    Rfc3339,
}

/// The shape a delivery id must have, where the scheme signs it run
/// together with the next part: a fixed shape says where it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdShape {
    /// Any text (at most 256 bytes).
    Any,
    /// A UUID in its canonical 36-character form (Twitch's message ids).
    Uuid,
}

/// The shape a signed body must have, where the scheme signs it right
/// after a part of digits: a body that starts with `{` or `[` cannot be
/// taken for more digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyShape {
    /// Any bytes.
    Any,
    /// A JSON object or array: the first byte is `{` or `[`.
    JsonContainer,
}

/// One part of the message a provider signs, in order.
///
/// Stripe signs `[Timestamp, Literal("."), Body]`, Standard Webhooks
/// `[Id, Literal("."), Timestamp, Literal("."), Body]`, GitHub `[Body]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// The raw request body, exactly as received.
    Body,
    /// The timestamp exactly as it appears in the request.
    Timestamp,
    /// The delivery id exactly as it appears in its header.
    Id,
    /// Fixed bytes, such as the `.` between the parts.
    Literal(&'static str),
    /// The request's method as received, such as `POST` (HubSpot's v3).
    Method,
    /// The URL the provider called: the verifier's public origin
    /// (`https://hooks.example.com`, configured, see
    /// [`Verifier::at_public_origin`](crate::Verifier::at_public_origin))
    /// followed by the request's path and query exactly as received
    /// (Square, Twilio, HubSpot). Never built from the `Host` or
    /// `X-Forwarded-*` headers: nothing signs them.
    Url,
    /// The body's form fields (`application/x-www-form-urlencoded`),
    /// decoded, sorted by name then value, identical pairs once, each name
    /// followed by its value with nothing between (Twilio). Where the
    /// URL's query ends with `bodySHA256=` and 64 hex digits, named once
    /// (Twilio's JSON deliveries), it is empty instead, and the body must
    /// hash to that lowercase hex SHA-256 and be a JSON object or array.
    /// A field whose name does not start with an ASCII letter is refused,
    /// even where the signature matches. It stands for the body in the
    /// signed content.
    FormFields,
}

impl Part {
    /// Whether the part is read from the request's method or URL, which a
    /// verifier is given apart from the headers.
    pub(crate) fn is_target(self) -> bool {
        matches!(self, Part::Method | Part::Url)
    }
}

/// How a secret, as the provider shows it, becomes the HMAC key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretFormat {
    /// The secret's bytes, exactly as issued: a `whsec_` prefix is part of
    /// the key and nothing is decoded (Stripe, Unleeshed, Commet, GitHub).
    AsIssued,
    /// The key is the standard base64 (padded) after `prefix`, which is
    /// stripped when present (Standard Webhooks: `whsec_<base64>`).
    #[cfg(feature = "base64")]
    Base64 {
        /// The prefix the provider puts before the base64, such as `whsec_`.
        prefix: &'static str,
    },
    /// A public key in hex, as Discord shows an application's Ed25519 key
    /// (64 digits, either case). A [`Signer`](crate::Signer) takes the
    /// 32-byte private seed in hex instead.
    #[cfg(feature = "ed25519")]
    Hex,
    /// A key in standard base64 after a prefix that says which half of the
    /// pair it is (Standard Webhooks: `whpk_` for the 32-byte Ed25519
    /// public key a verifier takes; `whsk_` for the private key a
    /// [`Signer`](crate::Signer) takes, the 32-byte seed followed by the
    /// public key, or the seed alone). The prefix is required.
    #[cfg(all(feature = "ed25519", feature = "base64"))]
    Base64KeyPair {
        /// The public key's prefix, such as `whpk_`.
        public: &'static str,
        /// The private key's prefix, such as `whsk_`.
        private: &'static str,
    },
    /// A key in standard base64 of its DER encoding, without PEM armour,
    /// as SendGrid shows its verification key: a SubjectPublicKeyInfo for
    /// a verifier, a PKCS#8 private key for a [`Signer`](crate::Signer)
    /// (`openssl pkcs8 -topk8 -nocrypt -outform DER | base64`).
    #[cfg(feature = "p256")]
    Der,
}

impl SecretFormat {
    /// Whether keys of this format are public/private key pairs.
    pub(crate) const fn is_key_pair(self) -> bool {
        !matches!(self, SecretFormat::AsIssued) && !self.is_base64_secret()
    }

    const fn is_base64_secret(self) -> bool {
        #[cfg(feature = "base64")]
        if let SecretFormat::Base64 { .. } = self {
            return true;
        }
        false
    }
}

/// What identifies a delivery, for duplicate detection. Only what is signed
/// can serve: an unsigned header can be changed by whoever replays a
/// captured request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryId {
    /// A top-level field of the signed JSON body, a string or a number,
    /// which the provider keeps across retries (`id` for Stripe, Unleeshed,
    /// Commet). A body without it, or with an empty one, is refused.
    BodyField(&'static str),
    /// The id header, which the scheme signs (Standard Webhooks'
    /// `webhook-id`).
    IdHeader,
    /// The SHA-256 of the signed message, for providers whose bodies carry
    /// no id (GitHub, LeadLex): a replay of a request is caught, whichever
    /// of its signatures it keeps.
    SignedContent,
    /// A top-level field of the signed JSON body when the body has it
    /// (Slack's `event_id`, kept across retries), else the SHA-256 of the
    /// body alone, for the deliveries of the same provider that carry none
    /// (Slack's form-encoded slash commands): both are signed.
    BodyFieldOrBody(&'static str),
    /// The SHA-256 of the body alone, for providers whose body carries no
    /// single id and that may sign a redelivery with a new timestamp
    /// (SendGrid's batches of events, Calendly, Zoom): a redelivered body
    /// is caught whatever time it was signed at.
    Body,
    /// The SHA-256 of the body with the value of its signed time field
    /// ([`Scheme::with_body_timestamp`]) left out, for providers that put
    /// no id in the body and set that field anew on each retry (Linear's
    /// `webhookTimestamp`): a retry is the same delivery, and so is a
    /// replay; any other byte that differs makes another one. Refused at
    /// construction for a scheme without a time in the body.
    BodyWithoutTime,
    /// None: every delivery that verifies is processed, and duplicate
    /// detection passes it through unclaimed. For providers whose distinct
    /// deliveries can be the same signed bytes, and whose deliveries are
    /// hints that are harmless to handle twice (Dropbox's "these accounts
    /// changed", byte-identical for every change of an account): any key
    /// would take the second change for a replay of the first, and lose
    /// it. Nothing then refuses a replay of a captured delivery, so the
    /// handler must be safe to run again on one.
    Unkeyed,
}

/// Another way a scheme's deliveries may be signed, chosen by the key a
/// verifier or signer is given: Standard Webhooks' `whpk_` public keys
/// check `v1a` (Ed25519) signatures where `whsec_` secrets check `v1`
/// (HMAC-SHA256), the spec's "secret serialization" telling which is
/// which.
#[cfg(all(feature = "ed25519", feature = "base64"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KeyedVariant {
    pub(crate) algorithm: Algorithm,
    /// The signature version of the variant's items (`v1a`).
    pub(crate) version: &'static str,
    /// The prefix of a verifier's key (`whpk_`).
    pub(crate) public: &'static str,
    /// The prefix of a signer's key (`whsk_`).
    pub(crate) private: &'static str,
}

/// Stripe's `t=…,v1=…` items.
pub(crate) const STRIPE_PAIRS: Format = Format::Pairs {
    separator: b',',
    time_key: Some("t"),
    signature_key: "v1",
};

/// A time inside the signed body, for providers that sign no timestamp in
/// a header: the time the event was emitted, unchanged on retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BodyTime {
    /// The top-level field holding it: RFC 3339 text or Unix seconds.
    pub(crate) field: &'static str,
    /// How long after it a delivery is still accepted: the provider's whole
    /// retry schedule, and some.
    pub(crate) max_age: Duration,
}

/// Where the signatures are, and how they are written in their header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    /// `key=value` items (Stripe's `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`,
    /// Paddle's `ts=…;h1=…`, PagerDuty's `v1=…,v1=…`): the signatures under
    /// `signature_key`, and the timestamp under `time_key` when there is
    /// one.
    Pairs {
        /// Between items: `,` or `;`.
        separator: u8,
        /// The key of the timestamp item, if the header carries one.
        time_key: Option<&'static str>,
        /// The key of the signature items.
        signature_key: &'static str,
    },
    /// Space-separated `<version>,<signature>` items (Standard Webhooks:
    /// `v1,<base64> v1,<base64>`); items of other versions are skipped.
    /// Only Standard Webhooks' scheme builds one.
    #[cfg_attr(not(feature = "standard-webhooks"), allow(dead_code))]
    Versioned {
        /// The version whose signatures are checked, such as `v1`.
        version: &'static str,
    },
    /// One signature after a fixed prefix (GitHub: `sha256=<hex>`).
    Single {
        /// The prefix, possibly empty.
        prefix: Cow<'static, str>,
    },
}

/// The names of the headers a delivery comes with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct HeaderNames {
    pub(crate) signature: Cow<'static, str>,
    pub(crate) timestamp: Option<Cow<'static, str>>,
    pub(crate) id: Option<Cow<'static, str>>,
}

/// How a provider signs its deliveries: which headers carry what, what
/// bytes are signed, how the secret becomes the key, and what in a delivery
/// bounds a replay and names a duplicate.
///
/// Every provider this crate knows has its scheme built in (see
/// [`providers`](crate::providers)); describe another provider's with one of
/// the three families and the `with_` methods:
///
/// ```
/// use signed_webhooks::{Encoding, Part, Scheme};
///
/// // `X-Acme-Signature: sha256=<base64>` over `"{X-Acme-Timestamp}:{body}"`.
/// let acme = Scheme::body("x-acme-signature")
///     .with_prefix("sha256=")
///     .with_encoding(Encoding::Base64)
///     .with_timestamp_header("x-acme-timestamp")
///     .with_signed_content([Part::Timestamp, Part::Literal(":"), Part::Body]);
/// # let _ = acme;
/// ```
///
/// A scheme is checked when a [`Verifier`](crate::Verifier) is built from
/// it: one that does not sign the body, refers to a header it does not
/// name, or deduplicates by an unsigned id is refused there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheme {
    /// Alternatives: the first whose signature header is present is used
    /// (Standard Webhooks' `webhook-*`, then Svix's `svix-*`).
    pub(crate) headers: Vec<HeaderNames>,
    pub(crate) format: Format,
    pub(crate) algorithm: Algorithm,
    pub(crate) encoding: Encoding,
    pub(crate) content: Vec<Part>,
    pub(crate) secret_format: SecretFormat,
    pub(crate) tolerance: Duration,
    pub(crate) time_format: TimeFormat,
    pub(crate) delivery_id: DeliveryId,
    pub(crate) id_shape: IdShape,
    pub(crate) body_shape: BodyShape,
    pub(crate) body_time: Option<BodyTime>,
    /// How the received URL becomes the signed one.
    pub(crate) url_form: UrlForm,
    /// The variant a key of another kind selects (Standard Webhooks' `v1a`).
    #[cfg(all(feature = "ed25519", feature = "base64"))]
    pub(crate) keyed_variant: Option<KeyedVariant>,
}

/// How the URL a verifier is given becomes the URL it signs.
// Only the presets that need them build the last two (Twilio's needs
// `sha1` and `base64`, HubSpot's `base64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(all(feature = "sha1", feature = "base64")), allow(dead_code))]
pub(crate) enum UrlForm {
    /// Exactly as received (Square).
    AsReceived,
    /// As received, and also with the default port added or removed, for
    /// a provider that signs either (Twilio's SDK tries both).
    EitherDefaultPort,
    /// With `%3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B` decoded
    /// (HubSpot's v3 documentation).
    HubSpotDecoded,
}

impl Scheme {
    /// The timestamp and the signatures in one header,
    /// `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each `v1` the HMAC-SHA256 of
    /// `"{t}.{body}"`: Stripe's scheme, and Unleeshed's. Duplicates are
    /// recognised by the body's `id`. [`with_pair_keys`](Self::with_pair_keys)
    /// and [`with_item_separator`](Self::with_item_separator) describe the
    /// variants (Paddle's `ts=…;h1=…`).
    pub fn timestamped(signature_header: &'static str) -> Self {
        Scheme {
            format: STRIPE_PAIRS,
            content: vec![Part::Timestamp, Part::Literal("."), Part::Body],
            delivery_id: DeliveryId::BodyField("id"),
            ..Scheme::body(signature_header)
        }
    }

    /// One signature in one header: the hex HMAC-SHA256 of the raw body
    /// (Commet's scheme; with [`with_prefix`](Self::with_prefix)`("sha256=")`,
    /// GitHub's and LeadLex's). Nothing signed carries a time, so nothing
    /// but duplicate detection refuses a replay: duplicates are recognised
    /// by the signed content unless told otherwise.
    pub fn body(signature_header: &'static str) -> Self {
        Scheme {
            headers: vec![HeaderNames {
                signature: lowercase(Cow::Borrowed(signature_header)),
                timestamp: None,
                id: None,
            }],
            format: Format::Single {
                prefix: Cow::Borrowed(""),
            },
            algorithm: Algorithm::HmacSha256,
            encoding: Encoding::Hex,
            content: vec![Part::Body],
            secret_format: SecretFormat::AsIssued,
            tolerance: DEFAULT_TOLERANCE,
            time_format: TimeFormat::UnixSeconds,
            delivery_id: DeliveryId::SignedContent,
            id_shape: IdShape::Any,
            body_shape: BodyShape::Any,
            body_time: None,
            url_form: UrlForm::AsReceived,
            #[cfg(all(feature = "ed25519", feature = "base64"))]
            keyed_variant: None,
        }
    }

    /// Signatures of the body as `key=<hex>` items, separated by commas
    /// (PagerDuty's `v1=<hex>[,v1=<hex>…]`, several while it rotates
    /// secrets): any one matching passes. No time is signed.
    pub fn signature_items(signature_header: &'static str, key: &'static str) -> Self {
        Scheme {
            format: Format::Pairs {
                separator: b',',
                time_key: None,
                signature_key: key,
            },
            ..Scheme::body(signature_header)
        }
    }

    /// A shared token in a header, compared with the configured secret in
    /// constant time ([`Algorithm::Token`]: GitLab's `X-Gitlab-Token`). It
    /// proves only that the sender knows the token: nothing about the body,
    /// nor when it was sent. Duplicates are recognised by the body's
    /// SHA-256.
    pub fn token(token_header: &'static str) -> Self {
        Scheme {
            algorithm: Algorithm::Token,
            ..Scheme::body(token_header)
        }
    }

    /// Standard Webhooks (and Svix, which reads the same headers under
    /// `svix-` names): `webhook-id`, `webhook-timestamp` (Unix seconds) and
    /// `webhook-signature`, a space-separated list of `v1,<base64>` items,
    /// each the HMAC-SHA256 of `"{id}.{timestamp}.{body}"` keyed with the
    /// base64-decoded secret (`whsec_<base64>`). Duplicates are recognised
    /// by the signed `webhook-id`.
    ///
    /// With feature `ed25519`, a verifier given `whpk_` public keys checks
    /// the asymmetric `v1a,<base64>` items instead (Ed25519 over the same
    /// content), and a signer given `whsk_` private keys writes them. One
    /// verifier takes keys of one kind: `whsec_` secrets or `whpk_` keys.
    #[cfg(feature = "standard-webhooks")]
    pub fn standard_webhooks() -> Self {
        let names = |prefix: &'static str| HeaderNames {
            signature: Cow::Owned(format!("{prefix}-signature")),
            timestamp: Some(Cow::Owned(format!("{prefix}-timestamp"))),
            id: Some(Cow::Owned(format!("{prefix}-id"))),
        };
        Scheme {
            headers: vec![names("webhook"), names("svix")],
            format: Format::Versioned { version: "v1" },
            encoding: Encoding::Base64,
            content: vec![
                Part::Id,
                Part::Literal("."),
                Part::Timestamp,
                Part::Literal("."),
                Part::Body,
            ],
            secret_format: SecretFormat::Base64 { prefix: "whsec_" },
            delivery_id: DeliveryId::IdHeader,
            #[cfg(feature = "ed25519")]
            keyed_variant: Some(KeyedVariant {
                algorithm: Algorithm::Ed25519,
                version: "v1a",
                public: "whpk_",
                private: "whsk_",
            }),
            ..Scheme::body("webhook-signature")
        }
    }

    /// The scheme for these keys: a scheme with a [`KeyedVariant`] takes
    /// it when every key is of the variant's kind (`whpk_` to verify,
    /// `whsk_` to sign), and refuses a list that mixes kinds.
    pub(crate) fn for_keys(
        self,
        secrets: &[Secret],
        signing: bool,
    ) -> Result<Self, crate::ConfigError> {
        #[cfg(all(feature = "ed25519", feature = "base64"))]
        if let Some(variant) = self.keyed_variant {
            let prefix = if signing {
                variant.private
            } else {
                variant.public
            };
            let first = secrets.first().is_some_and(|s| s.starts_with(prefix));
            if let Some(index) = secrets.iter().position(|s| s.starts_with(prefix) != first) {
                return Err(crate::ConfigError::InvalidSecret {
                    index,
                    reason: crate::SecretError::MixedKinds,
                });
            }
            if first {
                return Ok(Scheme {
                    algorithm: variant.algorithm,
                    format: Format::Versioned {
                        version: variant.version,
                    },
                    secret_format: SecretFormat::Base64KeyPair {
                        public: variant.public,
                        private: variant.private,
                    },
                    keyed_variant: None,
                    ..self
                });
            }
        }
        let _ = (secrets, signing);
        Ok(self)
    }

    /// Sets the prefix before the signature of a [`body`](Self::body)
    /// scheme, such as `sha256=`. A header without it is malformed.
    #[must_use]
    pub fn with_prefix(mut self, prefix: impl Into<Cow<'static, str>>) -> Self {
        self.format = Format::Single {
            prefix: prefix.into(),
        };
        self
    }

    /// Sets the keys of a `key=value` header's items: the timestamp's and
    /// the signatures' (`t` and `v1` unless set; Paddle's `ts` and `h1`).
    #[must_use]
    pub fn with_pair_keys(mut self, time_key: &'static str, signature_key: &'static str) -> Self {
        if let Format::Pairs { separator, .. } = self.format {
            self.format = Format::Pairs {
                separator,
                time_key: Some(time_key),
                signature_key,
            };
        }
        self
    }

    /// Sets what separates a `key=value` header's items (`,` unless set;
    /// Paddle's `;`).
    #[must_use]
    pub fn with_item_separator(mut self, separator: char) -> Self {
        if let Format::Pairs {
            time_key,
            signature_key,
            ..
        } = self.format
        {
            self.format = Format::Pairs {
                // Checked to be one visible ASCII byte by `check`.
                separator: u8::try_from(separator).unwrap_or(0),
                time_key,
                signature_key,
            };
        }
        self
    }

    /// Sets the MAC (HMAC-SHA256 unless set), or makes the header a shared
    /// token ([`Algorithm::Token`]).
    #[must_use]
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets how signatures are written (hex unless set). The `key=value`
    /// family is hex only.
    #[must_use]
    pub fn with_encoding(mut self, encoding: Encoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Reads the signatures from another header; the alternatives a scheme
    /// has by default (Svix's names) are dropped.
    #[must_use]
    pub fn with_signature_header(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.headers.truncate(1);
        self.headers[0].signature = lowercase(name.into());
        self
    }

    /// Reads a signed timestamp from a header of its own (in the
    /// [`with_time_format`](Self::with_time_format), Unix seconds unless
    /// set), checked against the tolerance; put [`Part::Timestamp`] in the
    /// signed content where the provider signs it.
    #[must_use]
    pub fn with_timestamp_header(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.headers.truncate(1);
        self.headers[0].timestamp = Some(lowercase(name.into()));
        self
    }

    /// Sets how the signed time is written, in a header or in the body
    /// (Unix seconds unless set).
    #[must_use]
    pub fn with_time_format(mut self, format: TimeFormat) -> Self {
        self.time_format = format;
        self
    }

    /// Reads a delivery id from a header; put [`Part::Id`] in the signed
    /// content where the provider signs it.
    #[must_use]
    pub fn with_id_header(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.headers.truncate(1);
        self.headers[0].id = Some(lowercase(name.into()));
        self
    }

    /// Sets the shape the delivery id must have ([`IdShape::Any`] unless
    /// set): a signed id run together with the next part needs a fixed
    /// one.
    #[must_use]
    pub fn with_id_shape(mut self, shape: IdShape) -> Self {
        self.id_shape = shape;
        self
    }

    /// Sets the shape the signed body must have ([`BodyShape::Any`] unless
    /// set): a body signed right after digits must not start with one.
    #[must_use]
    pub fn with_body_shape(mut self, shape: BodyShape) -> Self {
        self.body_shape = shape;
        self
    }

    /// Sets what is signed, part by part.
    #[must_use]
    pub fn with_signed_content(mut self, parts: impl IntoIterator<Item = Part>) -> Self {
        self.content = parts.into_iter().collect();
        self
    }

    /// Sets how the secret becomes the key ([`SecretFormat::AsIssued`]
    /// unless set).
    #[must_use]
    pub fn with_secret_format(mut self, format: SecretFormat) -> Self {
        self.secret_format = format;
        self
    }

    /// Sets how far a signed timestamp may be from the clock, in the past
    /// and the future ([`DEFAULT_TOLERANCE`] unless set). For a time inside
    /// the body it bounds only the future; the past is bounded by
    /// [`with_body_timestamp`](Self::with_body_timestamp)'s `max_age`. A
    /// [`Verifier`](crate::Verifier) may narrow or widen it.
    #[must_use]
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets what identifies a delivery for duplicate detection.
    #[must_use]
    pub fn with_delivery_id(mut self, id: DeliveryId) -> Self {
        self.delivery_id = id;
        self
    }

    /// For a scheme that signs no time in a header: the signed body's
    /// top-level `field` holds when the event was emitted (RFC 3339 text or
    /// Unix seconds; Unix milliseconds with
    /// [`with_time_format`](Self::with_time_format)`(TimeFormat::UnixMillis)`),
    /// unchanged across the provider's retries. A delivery is refused when
    /// that time is more than `max_age` in the past, so choose a `max_age`
    /// longer than the provider's whole retry schedule; a duplicate store
    /// remembers deliveries at least that long, so every replay is refused
    /// by one or the other.
    #[must_use]
    pub fn with_body_timestamp(mut self, field: &'static str, max_age: Duration) -> Self {
        self.body_time = Some(BodyTime { field, max_age });
        self
    }

    /// Whether the scheme signs a timestamp, in a header or in the body: a
    /// captured request stops verifying once it is too old. Without one,
    /// only duplicate detection refuses a replay.
    pub fn signs_time(&self) -> bool {
        self.signs_header_time() || self.body_time.is_some()
    }

    /// Whether a header carries a signed timestamp (its own, or the
    /// timestamp item of a `key=value` header).
    pub fn signs_header_time(&self) -> bool {
        // `check` makes a `key=value` header with a time key sign it.
        self.content.contains(&Part::Timestamp)
    }

    /// Whether the scheme signs the request's method or the URL the
    /// provider called (Square, Twilio, HubSpot): its verifier needs a
    /// public origin, and each request's path and query.
    pub fn signs_url(&self) -> bool {
        self.content.iter().any(|part| part.is_target())
    }

    /// Sets how the received URL becomes the signed one.
    #[cfg_attr(not(feature = "base64"), allow(dead_code))]
    pub(crate) fn with_url_form(mut self, form: UrlForm) -> Self {
        self.url_form = form;
        self
    }

    /// The header the signatures are read from (the first alternative's).
    pub fn signature_header(&self) -> &str {
        &self.headers[0].signature
    }

    /// The header a signed timestamp is read from, when it has one of its
    /// own.
    pub fn timestamp_header(&self) -> Option<&str> {
        self.headers[0].timestamp.as_deref()
    }

    /// The header a delivery id is read from, when the scheme reads one.
    pub fn id_header(&self) -> Option<&str> {
        self.headers[0].id.as_deref()
    }

    /// The shape a delivery id must have ([`IdShape::Uuid`] where the
    /// scheme signs it run together with the next part, as Twitch's).
    pub fn id_shape(&self) -> IdShape {
        self.id_shape
    }

    /// The body field holding the signed time and how long after it a
    /// delivery is accepted, for a scheme that signs its time in the body.
    pub fn body_timestamp(&self) -> Option<(&'static str, Duration)> {
        self.body_time.map(|time| (time.field, time.max_age))
    }

    /// What identifies a delivery for duplicate detection.
    pub fn delivery_id(&self) -> DeliveryId {
        self.delivery_id
    }

    /// The MAC, or a shared token.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// How the signed time is written.
    pub fn time_format(&self) -> TimeFormat {
        self.time_format
    }

    /// The tolerance a verifier starts from.
    pub fn tolerance(&self) -> Duration {
        self.tolerance
    }

    /// Whether `headers` look like a delivery of this scheme: its
    /// signature header is present once and parses (prefix, encoding,
    /// items), and so do the timestamp and id headers it signs. **Nothing
    /// is verified**: no signature is checked, no time compared with the
    /// clock, and anyone can send such headers. It is for routing only
    /// (one URL serving several providers: `actix::ProviderGuard`, or the
    /// axum handler below), the route's verifier deciding.
    ///
    /// Providers whose headers have the same shape cannot be told apart
    /// by it (GitHub's and Meta's `X-Hub-Signature-256`, Unleeshed's and
    /// the exchange's, Standard Webhooks' and its vendors'): give those
    /// URLs of their own.
    ///
    /// ```
    /// use signed_webhooks::{GitHub, Provider, Signer, Stripe};
    ///
    /// # fn main() -> Result<(), signed_webhooks::ConfigError> {
    /// let headers = Signer::<Stripe>::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?.sign(b"{}");
    /// assert!(Stripe::scheme().matches_headers(&headers));
    /// assert!(!GitHub::scheme().matches_headers(&headers));
    /// // The shape, not the signature: a forged one matches too.
    /// let forged = [("Stripe-Signature", "t=1,v1=00000000000000000000000000000000000000000000000000000000000000ff")];
    /// assert!(Stripe::scheme().matches_headers(&forged));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// actix-web routes on it with `actix::ProviderGuard`; an axum example
    /// is in the `axum` module's docs.
    pub fn matches_headers(&self, headers: &(impl crate::Headers + ?Sized)) -> bool {
        let mut parsed = crate::verify::Parsed::EMPTY;
        if crate::verify::parse_headers(self, &[], headers, &mut parsed).is_ok() {
            return true;
        }
        // A scheme whose keys choose a variant (Standard Webhooks' `v1a`,
        // for `whpk_` keys) matches a delivery of either.
        #[cfg(all(feature = "ed25519", feature = "base64"))]
        if let Some(variant) = self.keyed_variant {
            let variant = Scheme {
                algorithm: variant.algorithm,
                format: Format::Versioned {
                    version: variant.version,
                },
                keyed_variant: None,
                ..self.clone()
            };
            let mut parsed = crate::verify::Parsed::EMPTY;
            return crate::verify::parse_headers(&variant, &[], headers, &mut parsed).is_ok();
        }
        false
    }

    /// Every header a delivery of this scheme is read from: for error
    /// messages, CORS lists and the like.
    pub fn header_names(&self) -> impl Iterator<Item = &str> {
        self.headers.iter().flat_map(|names| {
            [
                Some(&*names.signature),
                names.timestamp.as_deref(),
                names.id.as_deref(),
            ]
            .into_iter()
            .flatten()
        })
    }

    /// Checks that the scheme is one a verifier can keep its promises
    /// with; the reason when it is not.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        let count = |part: Part| self.content.iter().filter(|p| **p == part).count();
        if self.delivery_id == DeliveryId::BodyWithoutTime && self.body_time.is_none() {
            return Err(
                "duplicates are recognised by the body without its time, but the scheme reads \
                 no time in the body",
            );
        }
        if self.algorithm == Algorithm::Token {
            return self.check_token();
        }
        if count(Part::Body) + count(Part::FormFields) != 1 {
            return Err("the signed content must contain the body exactly once");
        }
        if count(Part::FormFields) > 0 && count(Part::Url) == 0 {
            return Err("form fields are signed with the URL they were posted to");
        }
        if count(Part::Url) > 1 || count(Part::Method) > 1 {
            return Err("the signed content has the URL or the method more than once");
        }
        if self.content.len() > MAX_PARTS {
            return Err("the signed content has more than 8 parts");
        }
        let (pairs, time_key) = match self.format {
            Format::Pairs {
                separator,
                time_key,
                signature_key,
            } => {
                let keys_valid = [Some(signature_key), time_key]
                    .into_iter()
                    .flatten()
                    .all(|key| {
                        !key.is_empty()
                            && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    });
                if !matches!(separator, b',' | b';')
                    || !keys_valid
                    || time_key == Some(signature_key)
                {
                    return Err(
                        "a `key=value` header's items are separated by `,` or `;`, and its keys \
                         are distinct letters, digits or `_`",
                    );
                }
                (true, time_key)
            }
            _ => (false, None),
        };
        let signs_timestamp = count(Part::Timestamp) > 0;
        if time_key.is_some() && !signs_timestamp {
            return Err(
                "the `t=…,v1=…` family signs its `t`: the signed content must contain the timestamp",
            );
        }
        for names in &self.headers {
            if signs_timestamp && time_key.is_none() && names.timestamp.is_none() {
                return Err("the signed content has a timestamp but no header carries one");
            }
            // A time that is checked but not signed would bound nothing: a
            // replay could set it to the present.
            if names.timestamp.is_some() && !signs_timestamp {
                return Err(
                    "a timestamp header the scheme does not sign: a replay could change it",
                );
            }
            if time_key.is_some() && names.timestamp.is_some() {
                return Err("the `t=…,v1=…` family reads its time from `t=`, not from a header");
            }
            if count(Part::Id) > 0 && names.id.is_none() {
                return Err("the signed content has an id but no header carries one");
            }
            if !names.all_valid() {
                return Err("a header name is empty or not a valid HTTP header name");
            }
        }
        if self.delivery_id == DeliveryId::IdHeader && count(Part::Id) == 0 {
            return Err(
                "duplicates are recognised by an id header the scheme does not sign: a replay \
                 could change it",
            );
        }
        if pairs && self.encoding != Encoding::Hex {
            return Err("the `t=…,v1=…` family carries hex signatures only");
        }
        if pairs && self.algorithm != Algorithm::HmacSha256 {
            return Err("the `key=value` family carries HMAC-SHA256 signatures only");
        }
        if !self.key_fits_algorithm() {
            return Err(
                "the key does not fit the algorithm: an HMAC takes a secret (`AsIssued`, \
                 `Base64`), Ed25519 a public key in `Hex` or `Base64KeyPair`, ECDSA P-256 one \
                 in `Der`",
            );
        }
        if let Format::Single { prefix } = &self.format
            && !prefix.bytes().all(|b| (b' '..=b'~').contains(&b))
        {
            return Err("the signature prefix is not visible ASCII");
        }
        if pairs && count(Part::Id) > 0 {
            return Err("the `t=…,v1=…` family signs no id");
        }
        if self.body_time.is_some() && self.signs_header_time() {
            return Err("a scheme signs its time in a header or in the body, not both");
        }
        if matches!(self.format, Format::Versioned { .. })
            && (self.algorithm != Algorithm::HmacSha256 || self.encoding != Encoding::Hex)
            && !self.versioned_base64_sha256()
            && !self.algorithm.is_asymmetric()
        {
            return Err(
                "a versioned signature list carries HMAC-SHA256 or public-key signatures only",
            );
        }
        self.check_adjacent_parts()
    }

    /// Whether the scheme's keys are of the kind its algorithm takes.
    fn key_fits_algorithm(&self) -> bool {
        match self.algorithm {
            #[cfg(feature = "ed25519")]
            Algorithm::Ed25519 => {
                #[cfg(feature = "base64")]
                if let SecretFormat::Base64KeyPair { .. } = self.secret_format {
                    return true;
                }
                self.secret_format == SecretFormat::Hex
            }
            #[cfg(feature = "p256")]
            Algorithm::EcdsaP256Sha256 => self.secret_format == SecretFormat::Der,
            _ => !self.secret_format.is_key_pair(),
        }
    }

    /// Whether this is Standard Webhooks' list: base64 HMAC-SHA256.
    fn versioned_base64_sha256(&self) -> bool {
        #[cfg(feature = "base64")]
        {
            self.algorithm == Algorithm::HmacSha256 && self.encoding == Encoding::Base64
        }
        #[cfg(not(feature = "base64"))]
        {
            false
        }
    }

    /// A token scheme: one header, compared with the secret; nothing else
    /// is read, nothing signed.
    fn check_token(&self) -> Result<(), &'static str> {
        if self.content != [Part::Body] {
            return Err("a token scheme signs nothing: its signed content is the body alone");
        }
        if !matches!(&self.format, Format::Single { prefix } if prefix.is_empty()) {
            return Err("a token is the whole header value: no prefix, no list");
        }
        if self.body_time.is_some()
            || self
                .headers
                .iter()
                .any(|n| n.timestamp.is_some() || n.id.is_some())
        {
            return Err("a token scheme signs no time and no id: a replay could change them");
        }
        if self.delivery_id == DeliveryId::IdHeader {
            return Err(
                "duplicates are recognised by an id header the scheme does not sign: a replay \
                 could change it",
            );
        }
        if !self.headers.iter().all(HeaderNames::all_valid) {
            return Err("a header name is empty or not a valid HTTP header name");
        }
        Ok(())
    }

    /// Refuses variable parts run together where a replay could move bytes
    /// from one into the other and still match the signature: `[Id, Body]`
    /// signs `evt_1{"a":1}` for both (`evt_1`, `{"a":1}`) and (`evt_1{`,
    /// `"a":1}`). Two variable parts may touch only where the first one's
    /// shape says where it ends: a UUID id (fixed length), an RFC 3339 time
    /// (it ends with `Z` or an offset, and a strict parse refuses anything
    /// moved in or out), or a time of digits followed by a JSON object or
    /// array body (which cannot start with a digit). Between any others, a
    /// literal separator is needed.
    ///
    /// The signed URL is the configured public origin followed by the
    /// request's path and query: the origin is the receiver's, but the
    /// path and query are whatever a replayed request carries. So a URL
    /// touches a following body only when the body must be a JSON object
    /// or array (its `{` or `[` is not a URL character, see
    /// [`Part::Url`]), and form fields (Twilio) only when duplicates are
    /// recognised by the signed bytes themselves.
    fn check_adjacent_parts(&self) -> Result<(), &'static str> {
        for pair in self.content.windows(2) {
            let delimited = match (pair[0], pair[1]) {
                // An empty literal separates nothing.
                (Part::Literal(""), _) | (_, Part::Literal("")) => false,
                // A literal separates parts that cannot contain it: digits
                // of a time, a UUID, a JSON container's ends; an id of any
                // shape could (Standard Webhooks' ids are the provider's,
                // never the replayer's, and hold no `.` in practice).
                (Part::Literal(_), _) | (_, Part::Literal(_)) => true,
                (Part::Id, _) => self.id_shape == IdShape::Uuid,
                (Part::Timestamp, next) => match self.time_format {
                    TimeFormat::Rfc3339 => true,
                    TimeFormat::UnixSeconds | TimeFormat::UnixMillis => {
                        next == Part::Body && self.body_shape == BodyShape::JsonContainer
                    }
                },
                // A method is an HTTP token (no `:` or `/`), and the URL
                // starts with the configured origin's `scheme://`: no byte
                // can move across.
                (Part::Method, next) => next == Part::Url,
                // The origin is configured, but the path and query come
                // from the request, and whoever replays one chooses them.
                // The verifier takes only RFC 3986 characters there, which
                // exclude `{`, `}`, `[` and `]`: a body that must start
                // with one cannot lend it to the URL, nor start with bytes
                // taken from it.
                (Part::Url, Part::Body) => self.body_shape == BodyShape::JsonContainer,
                // Twilio's own run-together form: bytes can move between
                // the query and the first field name, or between fields,
                // and the signed bytes stay the same. Accepted only where
                // duplicates are recognised by those signed bytes, so that
                // such a rearranged replay is the same delivery.
                (Part::Url, Part::FormFields) | (Part::FormFields, Part::Url) => {
                    self.delivery_id == DeliveryId::SignedContent
                }
                // A JSON body before digits: the verifier also checks that
                // it ends with `}` or `]`, which digits cannot join.
                (Part::Body, Part::Timestamp) => self.body_shape == BodyShape::JsonContainer,
                (Part::Url | Part::Body | Part::FormFields, _) => false,
            };
            if !delimited {
                return Err(
                    "two variable parts of the signed content run together: a replay could move \
                     bytes from one into the other (put a literal between them, or give the \
                     first a fixed shape: a UUID id, an RFC 3339 time, digits before a JSON body)",
                );
            }
        }
        Ok(())
    }
}

impl HeaderNames {
    /// Whether every name is a lowercase HTTP token.
    fn all_valid(&self) -> bool {
        let valid = |name: &str| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        };
        valid(&self.signature)
            && self.timestamp.as_deref().is_none_or(valid)
            && self.id.as_deref().is_none_or(valid)
    }
}

/// Header names are matched in lowercase.
fn lowercase(name: Cow<'static, str>) -> Cow<'static, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_families_are_sound() {
        assert_eq!(Scheme::timestamped("stripe-signature").check(), Ok(()));
        assert_eq!(Scheme::body("x-commet-signature").check(), Ok(()));
        #[cfg(feature = "standard-webhooks")]
        assert_eq!(Scheme::standard_webhooks().check(), Ok(()));
        assert!(Scheme::timestamped("stripe-signature").signs_time());
        #[cfg(feature = "standard-webhooks")]
        assert!(Scheme::standard_webhooks().signs_time());
        assert!(!Scheme::body("x-hub-signature-256").signs_time());
        assert!(
            Scheme::body("x-commet-signature")
                .with_body_timestamp("timestamp", Duration::from_secs(3600))
                .signs_time()
        );
    }

    #[test]
    fn unsound_schemes_are_refused_with_a_reason() {
        let body = || Scheme::body("x-acme-signature");
        for (scheme, reason) in [
            (
                body().with_signed_content([Part::Timestamp]),
                "the signed content must contain the body exactly once",
            ),
            (
                body().with_signed_content([Part::Timestamp, Part::Body]),
                "the signed content has a timestamp but no header carries one",
            ),
            (
                body().with_signed_content([Part::Id, Part::Body]),
                "the signed content has an id but no header carries one",
            ),
            (
                body()
                    .with_id_header("x-acme-id")
                    .with_delivery_id(DeliveryId::IdHeader),
                "duplicates are recognised by an id header the scheme does not sign: a replay \
                 could change it",
            ),
            #[cfg(feature = "standard-webhooks")]
            (
                Scheme::timestamped("stripe-signature").with_encoding(Encoding::Base64),
                "the `t=…,v1=…` family carries hex signatures only",
            ),
            (
                body().with_signature_header("x acme"),
                "a header name is empty or not a valid HTTP header name",
            ),
            (
                body().with_timestamp_header("x-acme-timestamp"),
                "a timestamp header the scheme does not sign: a replay could change it",
            ),
            (
                Scheme::timestamped("x-acme-signature").with_signed_content([Part::Body]),
                "the `t=…,v1=…` family signs its `t`: the signed content must contain the timestamp",
            ),
            (
                Scheme::timestamped("x-acme-signature").with_timestamp_header("x-acme-timestamp"),
                "the `t=…,v1=…` family reads its time from `t=`, not from a header",
            ),
        ] {
            assert_eq!(scheme.check(), Err(reason), "{scheme:?}");
        }
    }

    #[test]
    fn header_names_are_lowercase_and_listed() {
        let scheme = Scheme::body("X-Acme-Signature").with_timestamp_header("X-Acme-Timestamp");
        assert_eq!(
            scheme.header_names().collect::<Vec<_>>(),
            ["x-acme-signature", "x-acme-timestamp"]
        );
        #[cfg(feature = "standard-webhooks")]
        assert_eq!(
            Scheme::standard_webhooks().header_names().count(),
            6,
            "webhook-* and svix-*"
        );
    }
}
