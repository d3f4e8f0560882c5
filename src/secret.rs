//! Webhook secrets, and the HMAC keys derived from them.

use std::fmt;

use hmac::digest::FixedOutput;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256, Sha512};
use zeroize::Zeroizing;

use crate::error::{ConfigError, SecretError};
use crate::scheme::{Algorithm, SecretFormat};
use crate::signature::TAG_LEN;

/// Secrets shorter than this many bytes are accepted but logged as weak:
/// RFC 2104 (section 3) strongly discourages HMAC keys shorter than the
/// hash's output, 32 bytes for SHA-256 (and as many for a token).
const WEAK_BELOW: usize = 32;

/// The shortest key the Standard Webhooks specification allows (24 bytes,
/// "between 24 bytes and 64 bytes"), which Svix and its providers issue:
/// the receiver cannot choose another, so only a shorter one is logged.
#[cfg(feature = "base64")]
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
        algorithm: Algorithm,
        provider: Option<&str>,
        role: KeyRole,
    ) -> Result<SigningKey, SecretError> {
        self.validate()?;
        #[cfg(any(feature = "ed25519", feature = "p256"))]
        if algorithm.is_asymmetric() {
            return crate::keys::parse(&self.0, format, algorithm, role);
        }
        let _ = role;
        let weak_below = match algorithm {
            Algorithm::HmacSha512 => 64,
            #[cfg(feature = "sha1")]
            Algorithm::HmacSha1 => 20,
            _ => WEAK_BELOW,
        };
        let key = match format {
            SecretFormat::AsIssued => SigningKey::new(self.0.as_bytes(), algorithm),
            #[cfg(feature = "base64")]
            SecretFormat::Base64 { prefix } => {
                use base64ct::Encoding as _;
                let encoded = self.0.strip_prefix(prefix).unwrap_or(&self.0);
                let decoded = Zeroizing::new(
                    base64ct::Base64::decode_vec(encoded).map_err(|_| SecretError::NotBase64)?,
                );
                if decoded.is_empty() {
                    return Err(SecretError::NotBase64);
                }
                warn_if_weak(
                    decoded.len(),
                    STANDARD_WEBHOOKS_MIN.min(weak_below),
                    provider,
                );
                return Ok(SigningKey::new(&decoded, algorithm));
            }
            // `Scheme::check` pairs key-pair formats with public-key
            // algorithms only.
            #[allow(unreachable_patterns)]
            _ => return Err(SecretError::NotBase64),
        };
        warn_if_weak(self.0.len(), weak_below, provider);
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

impl Secret {
    /// Whether the secret starts with `prefix` (`whpk_`): which kind of
    /// key it is, for a scheme whose keys say.
    #[cfg(all(feature = "ed25519", feature = "base64"))]
    pub(crate) fn starts_with(&self, prefix: &str) -> bool {
        self.0.starts_with(prefix)
    }
}

/// Whether a key is wanted to verify (a provider's public key) or to sign
/// (its private key): the same for a shared secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyRole {
    Verify,
    Sign,
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

/// A secret keyed once: `hmac`'s `Hmac<Sha256>` (or SHA-512, SHA-1) after
/// keying, cloned for each message so the key is absorbed only once; or a
/// shared token and its SHA-256.
///
/// What is wiped, with `sha2`'s, `sha1`'s and `hmac`'s `zeroize` features
/// (see `keyed_state_is_wiped_on_drop` below): the two hash states `hmac`
/// keeps (after the key XOR `ipad` and XOR `opad` blocks) and its block
/// buffer, when a `SigningKey` is dropped, and the same in every
/// per-message clone; a token and its digest. What is not: the padded key
/// block `hmac` builds on the stack while keying (and, for a secret longer
/// than a block, its digest), the temporaries of finalization, and any
/// copy the compiler leaves behind when it moves a value.
#[derive(Clone)]
pub(crate) enum SigningKey {
    Sha256(Hmac<Sha256>),
    Sha512(Hmac<Sha512>),
    #[cfg(feature = "sha1")]
    Sha1(Hmac<sha1::Sha1>),
    /// The token as configured (a signer sends it), and its SHA-256 (a
    /// verifier compares digests: constant time whatever the lengths).
    Token {
        token: Zeroizing<Vec<u8>>,
        digest: Zeroizing<[u8; TAG_LEN]>,
    },
    /// A provider's public key, or a private key to sign with
    /// ([`crate::keys`]).
    #[cfg(any(feature = "ed25519", feature = "p256"))]
    Pair(crate::keys::KeyPair),
}

impl SigningKey {
    /// The keys of a verifier or signer: every secret given, each checked
    /// and keyed as the scheme's `format` says; a weak one is logged under
    /// `provider`'s name, unless it is `None`.
    pub(crate) fn from_secrets(
        secrets: Vec<Secret>,
        format: SecretFormat,
        algorithm: Algorithm,
        provider: Option<&str>,
        role: KeyRole,
    ) -> Result<Box<[SigningKey]>, ConfigError> {
        let keys = secrets
            .into_iter()
            .enumerate()
            .map(|(index, secret)| {
                secret
                    .into_key(format, algorithm, provider, role)
                    .map_err(|reason| ConfigError::InvalidSecret { index, reason })
            })
            .collect::<Result<Box<[SigningKey]>, ConfigError>>()?;
        if keys.is_empty() {
            return Err(ConfigError::NoSecrets);
        }
        Ok(keys)
    }

    fn new(secret: &[u8], algorithm: Algorithm) -> Self {
        fn keyed<M: KeyInit>(secret: &[u8]) -> M {
            match M::new_from_slice(secret) {
                Ok(mac) => mac,
                Err(_) => unreachable!("HMAC takes keys of any length"),
            }
        }
        match algorithm {
            Algorithm::HmacSha256 => SigningKey::Sha256(keyed(secret)),
            Algorithm::HmacSha512 => SigningKey::Sha512(keyed(secret)),
            #[cfg(feature = "sha1")]
            Algorithm::HmacSha1 => SigningKey::Sha1(keyed(secret)),
            Algorithm::Token => SigningKey::Token {
                token: Zeroizing::new(secret.to_vec()),
                digest: Zeroizing::new(Sha256::digest(secret).into()),
            },
            // `into_key` parses these itself.
            #[allow(unreachable_patterns)]
            _ => unreachable!("a public-key algorithm is keyed by crate::keys"),
        }
    }

    /// The HMAC-SHA256 tag of a message given in parts, fed to the HMAC in
    /// order (`[timestamp digits, ".", body]` for the `t=…,v1=…` scheme):
    /// the hot path of every HMAC-SHA256 scheme. Any other key gives a tag
    /// no signature decodes to.
    #[inline]
    pub(crate) fn tag(&self, message: &[&[u8]]) -> [u8; TAG_LEN] {
        match self {
            SigningKey::Sha256(key) => {
                let mut mac = key.clone();
                for part in message {
                    mac.update(part);
                }
                mac.finalize_fixed().into()
            }
            _ => [0; TAG_LEN],
        }
    }

    /// What a signature must decode to, for any algorithm: the tag of the
    /// message given in parts, written into `out`; for a token, its
    /// SHA-256 (the signature being the token, hashed the same way before
    /// the comparison). Returns the bytes written.
    pub(crate) fn expected<'o>(&self, message: &[&[u8]], out: &'o mut [u8; 64]) -> &'o [u8] {
        fn mac<M: Mac + Clone + FixedOutput>(key: &M, message: &[&[u8]], out: &mut [u8]) -> usize {
            let mut mac = key.clone();
            for part in message {
                Mac::update(&mut mac, part);
            }
            let tag = mac.finalize_fixed();
            out[..tag.len()].copy_from_slice(&tag);
            tag.len()
        }
        let len = match self {
            SigningKey::Sha256(key) => mac(key, message, out),
            SigningKey::Sha512(key) => mac(key, message, out),
            #[cfg(feature = "sha1")]
            SigningKey::Sha1(key) => mac(key, message, out),
            SigningKey::Token { digest, .. } => {
                out[..TAG_LEN].copy_from_slice(&digest[..]);
                TAG_LEN
            }
            // Verified by `KeyPair::verifies`, signed by `KeyPair::sign`.
            #[cfg(any(feature = "ed25519", feature = "p256"))]
            SigningKey::Pair(_) => 0,
        };
        &out[..len]
    }

    /// The token a signer sends, for a token key.
    pub(crate) fn token(&self) -> Option<&[u8]> {
        match self {
            SigningKey::Token { token, .. } => Some(token),
            _ => None,
        }
    }

    /// The public or private key, for a public-key scheme.
    #[cfg(any(feature = "ed25519", feature = "p256"))]
    pub(crate) fn pair(&self) -> Option<&crate::keys::KeyPair> {
        match self {
            SigningKey::Pair(pair) => Some(pair),
            _ => None,
        }
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
            .into_key(
                SecretFormat::AsIssued,
                Algorithm::HmacSha256,
                Some("github"),
                KeyRole::Verify,
            )
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
        wiped_on_drop::<<Sha512 as hmac::EagerHash>::Core>();
        wiped_on_drop::<hmac::digest::block_api::Buffer<hmac::block_api::HmacCore<Sha512>>>();
        #[cfg(feature = "sha1")]
        {
            wiped_on_drop::<<sha1::Sha1 as hmac::EagerHash>::Core>();
            wiped_on_drop::<hmac::digest::block_api::Buffer<hmac::block_api::HmacCore<sha1::Sha1>>>(
            );
        }
        wiped_on_drop::<Zeroizing<String>>();
        wiped_on_drop::<Zeroizing<Vec<u8>>>();
        // A signer's private keys (public keys are not secret).
        #[cfg(feature = "ed25519")]
        wiped_on_drop::<ed25519_dalek::SigningKey>();
        #[cfg(feature = "p256")]
        wiped_on_drop::<p256::ecdsa::SigningKey>();
        // Every key is one of these, and nothing else.
        let _: fn(&SigningKey) = |key| match key {
            SigningKey::Sha256(mac) => {
                let _: &Hmac<Sha256> = mac;
            }
            SigningKey::Sha512(mac) => {
                let _: &Hmac<Sha512> = mac;
            }
            #[cfg(feature = "sha1")]
            SigningKey::Sha1(mac) => {
                let _: &Hmac<sha1::Sha1> = mac;
            }
            SigningKey::Token { token, digest } => {
                let _: (&Zeroizing<Vec<u8>>, &Zeroizing<[u8; TAG_LEN]>) = (token, digest);
            }
            // Public keys are not secret; private keys wipe themselves
            // (checked above).
            #[cfg(any(feature = "ed25519", feature = "p256"))]
            SigningKey::Pair(pair) => match pair {
                #[cfg(feature = "ed25519")]
                crate::keys::KeyPair::Ed25519Private(key) => {
                    let _: &ed25519_dalek::SigningKey = key;
                }
                #[cfg(feature = "p256")]
                crate::keys::KeyPair::P256Private(key) => {
                    let _: &p256::ecdsa::SigningKey = key;
                }
                _ => {}
            },
        };
    }
}
