//! Webhook secrets, and the HMAC keys derived from them.

use std::fmt;

use hmac::digest::FixedOutput;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::{ConfigError, SecretError};
use crate::scheme::SecretFormat;
use crate::signature::TAG_LEN;

/// Secrets shorter than this many bytes are accepted but logged as weak:
/// RFC 2104 (section 3) strongly discourages HMAC keys shorter than the
/// hash's output, 32 bytes for SHA-256.
const WEAK_BELOW: usize = 32;

/// The shortest key the Standard Webhooks specification allows (24 bytes,
/// "between 24 bytes and 64 bytes"), which Svix and its providers issue:
/// the receiver cannot choose another, so only a shorter one is logged.
#[cfg(feature = "standard-webhooks")]
const STANDARD_WEBHOOKS_MIN: usize = 24;

/// A webhook signing secret, exactly as the provider issued it.
///
/// How it becomes the HMAC key is the provider's scheme's to say
/// ([`SecretFormat`]): for most, its bytes are the key, a `whsec_` prefix
/// included; for Standard Webhooks, the key is the base64 after `whsec_`.
/// The `String` holding the secret is wiped (its whole buffer) when the
/// value is dropped, and neither `Debug` nor any error ever shows it.
///
/// You rarely build one yourself: [`Verifier::new`](crate::Verifier::new)
/// and [`Signer::new`](crate::Signer::new) take anything that converts into
/// a `Secret` (`String`, `&str`). Passing an owned `String` lets the crate
/// wipe that very buffer; a `&str` is copied, and only the copy is wiped.
/// SECURITY.md lists what else is and is not wiped.
///
/// ```
/// use signed_webhooks::Secret;
///
/// let secret = Secret::from("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
/// assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
/// ```
#[derive(Clone)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Checks the secret for what is certainly a mistake in copying it.
    ///
    /// Any other secret is accepted, however short: the provider chose it
    /// (Stripe's own SDK tests sign with `whsec_test_secret`, GitHub lets
    /// users pick any secret), and a receiver cannot choose another. A
    /// secret shorter than 32 bytes (SHA-256's output, below which RFC 2104
    /// calls an HMAC key weak) is logged as a warning once, when the
    /// [`Verifier`](crate::Verifier) or [`Signer`](crate::Signer) is built;
    /// the log line never includes the secret or its length.
    ///
    /// # Errors
    ///
    /// [`SecretError`] when the secret is empty or blank, has leading or
    /// trailing whitespace, or is wrapped in quotes.
    pub fn validate(&self) -> Result<(), SecretError> {
        let s = self.0.as_str();
        if s.trim().is_empty() {
            return Err(SecretError::Empty);
        }
        if s.trim() != s {
            return Err(SecretError::SurroundingWhitespace);
        }
        let b = s.as_bytes();
        if b.len() >= 2 && b[0] == b[b.len() - 1] && matches!(b[0], b'"' | b'\'') {
            return Err(SecretError::Quoted);
        }
        Ok(())
    }

    /// Validates the secret and derives its HMAC key as `format` says; the
    /// secret itself is then dropped (and wiped). Every verifier and signer
    /// is built through here, so a weak key is logged once, when it is
    /// configured (under `provider`'s name; not at all when it is `None`:
    /// the diagnosis's guesses are not configured keys).
    pub(crate) fn into_key(
        self,
        format: SecretFormat,
        provider: Option<&str>,
    ) -> Result<SigningKey, SecretError> {
        self.validate()?;
        let key = match format {
            SecretFormat::AsIssued => SigningKey::new(self.0.as_bytes()),
            #[cfg(feature = "standard-webhooks")]
            SecretFormat::Base64 { prefix } => {
                use base64ct::Encoding as _;
                let encoded = self.0.strip_prefix(prefix).unwrap_or(&self.0);
                let decoded = Zeroizing::new(
                    base64ct::Base64::decode_vec(encoded).map_err(|_| SecretError::NotBase64)?,
                );
                if decoded.is_empty() {
                    return Err(SecretError::NotBase64);
                }
                warn_if_weak(decoded.len(), STANDARD_WEBHOOKS_MIN, provider);
                return Ok(SigningKey::new(&decoded));
            }
        };
        warn_if_weak(self.0.len(), WEAK_BELOW, provider);
        Ok(key)
    }
}

/// Logs a key shorter than `weak_below` bytes, once, at configuration;
/// never the key or its length.
fn warn_if_weak(len: usize, weak_below: usize, provider: Option<&str>) {
    if let Some(provider) = provider
        && len < weak_below
    {
        crate::log_warn!(
            provider,
            "a webhook secret shorter than {weak_below} bytes was configured; it is accepted \
             because providers issue such secrets, but an HMAC-SHA256 key shorter than the \
             hash's 32-byte output is weaker than the hash (RFC 2104, section 3): use a \
             longer secret wherever you can choose it"
        );
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Secret(Zeroizing::new(secret))
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Secret::from(secret.to_owned())
    }
}

impl From<&String> for Secret {
    fn from(secret: &String) -> Self {
        Secret::from(secret.as_str())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// HMAC-SHA256 keyed once with a secret: `hmac`'s `Hmac<Sha256>` after
/// keying, cloned for each message so the key is absorbed only once.
///
/// What is wiped, with `sha2`'s and `hmac`'s `zeroize` features (see
/// `keyed_state_is_wiped_on_drop` below): the two SHA-256 states `hmac`
/// keeps (after the key XOR `ipad` and XOR `opad` blocks) and its block
/// buffer, when a `SigningKey` is dropped, and the same in every
/// per-message clone. What is not: the padded key block `hmac` builds on
/// the stack while keying (and, for a secret longer than 64 bytes, its
/// SHA-256 digest), the temporaries of finalization, and any copy the
/// compiler leaves behind when it moves a value.
#[derive(Clone)]
pub(crate) struct SigningKey(Hmac<Sha256>);

impl SigningKey {
    /// The keys of a verifier or signer: every secret given, each checked
    /// and keyed as the scheme's `format` says; a weak one is logged under
    /// `provider`'s name, unless it is `None`.
    pub(crate) fn from_secrets<I>(
        secrets: I,
        format: SecretFormat,
        provider: Option<&str>,
    ) -> Result<Box<[SigningKey]>, ConfigError>
    where
        I: IntoIterator,
        I::Item: Into<Secret>,
    {
        let keys = secrets
            .into_iter()
            .enumerate()
            .map(|(index, secret)| {
                secret
                    .into()
                    .into_key(format, provider)
                    .map_err(|reason| ConfigError::InvalidSecret { index, reason })
            })
            .collect::<Result<Box<[SigningKey]>, ConfigError>>()?;
        if keys.is_empty() {
            return Err(ConfigError::NoSecrets);
        }
        Ok(keys)
    }

    fn new(secret: &[u8]) -> Self {
        match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
            Ok(mac) => SigningKey(mac),
            Err(_) => unreachable!("HMAC takes keys of any length"),
        }
    }

    /// The tag of a message given in parts, fed to the HMAC in order
    /// (`[timestamp digits, ".", body]` for the `t=…,v1=…` scheme).
    #[inline]
    pub(crate) fn tag(&self, message: &[&[u8]]) -> [u8; TAG_LEN] {
        let mut mac = self.0.clone();
        for part in message {
            mac.update(part);
        }
        mac.finalize_fixed().into()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Result<(), SecretError> {
        Secret::from(s).validate()
    }

    #[test]
    fn accepts_the_shapes_providers_issue() {
        check("whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f").unwrap();
        check("a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2").unwrap();
        check("my custom secret of thirty-two chars").unwrap();
        // Short secrets providers really issue or users really choose.
        check("secret").unwrap();
        check("webhook_secret").unwrap();
        check("whsec_test_secret").unwrap();
        check("It's a Secret to Everybody").unwrap();
        check("x").unwrap();
        // A quote inside, or only at one end, is part of the secret.
        check("\"secret").unwrap();
        check("'").unwrap();
    }

    #[test]
    fn refuses_copy_paste_mistakes() {
        let good = "whsec_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f";
        assert_eq!(check(""), Err(SecretError::Empty));
        assert_eq!(check(" \n\t"), Err(SecretError::Empty));
        assert_eq!(
            check(&format!("{good}\n")),
            Err(SecretError::SurroundingWhitespace)
        );
        assert_eq!(
            check(&format!(" {good}")),
            Err(SecretError::SurroundingWhitespace)
        );
        assert_eq!(check(&format!("\"{good}\"")), Err(SecretError::Quoted));
        assert_eq!(check(&format!("'{good}'")), Err(SecretError::Quoted));
        // The same mistakes around a short secret are still refused.
        assert_eq!(check("secret\n"), Err(SecretError::SurroundingWhitespace));
        assert_eq!(check("'secret'"), Err(SecretError::Quoted));
    }

    /// GitHub's documented example ("Validating webhook deliveries" on
    /// docs.github.com): a short, user-chosen secret, and the HMAC of the
    /// raw body.
    #[test]
    fn short_secret_from_githubs_documentation() {
        let key = Secret::from("It's a Secret to Everybody")
            .into_key(SecretFormat::AsIssued, Some("github"))
            .unwrap();
        assert_eq!(
            hex::encode(key.tag(&[b"Hello, World!"])),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
    }

    #[test]
    fn keyed_state_is_wiped_on_drop() {
        // `Hmac<Sha256>` is its core (two SHA-256 states) and a block
        // buffer; neither carries the marker itself, so each part is
        // checked: the states wipe themselves with `sha2`'s `zeroize`
        // feature, the buffer with `block-buffer`'s (through `digest`'s).
        // Dropping one of these features fails this test.
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        type Core = hmac::block_api::HmacCore<Sha256>;
        wiped_on_drop::<<Sha256 as hmac::EagerHash>::Core>();
        wiped_on_drop::<hmac::digest::block_api::Buffer<Core>>();
        wiped_on_drop::<Zeroizing<String>>();
        let _: fn(&SigningKey) -> &Hmac<Sha256> = |key| &key.0;
    }
}
