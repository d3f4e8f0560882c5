//! Public-key signatures (features `ed25519` and `p256`): the provider's
//! public key, parsed once when a verifier is built, and the private key a
//! signer signs with. Every operation is the maintained libraries':
//! `ed25519-dalek` (strict verification) and RustCrypto's `p256`.

use zeroize::Zeroizing;

use crate::error::SecretError;
use crate::scheme::{Algorithm, SecretFormat};
use crate::secret::{KeyRole, SigningKey};

/// A key of a public-key scheme: a public key to verify with, or a private
/// key to sign with (which wipes itself on drop).
#[derive(Clone)]
pub(crate) enum KeyPair {
    #[cfg(feature = "ed25519")]
    Ed25519Public(ed25519_dalek::VerifyingKey),
    #[cfg(feature = "ed25519")]
    Ed25519Private(Box<ed25519_dalek::SigningKey>),
    #[cfg(feature = "p256")]
    P256Public(p256::ecdsa::VerifyingKey),
    #[cfg(feature = "p256")]
    P256Private(Box<p256::ecdsa::SigningKey>),
}

/// The longest signature a public-key scheme carries, decoded: 64 bytes
/// for Ed25519, at most 72 for a DER ECDSA P-256 signature.
pub(crate) const MAX_SIGNATURE_LEN: usize = 72;

/// Parses `text` as `format` says, into the key `role` needs.
pub(crate) fn parse(
    text: &str,
    format: SecretFormat,
    algorithm: Algorithm,
    role: KeyRole,
) -> Result<SigningKey, SecretError> {
    let invalid = |expected: &'static str| SecretError::InvalidKey { expected };
    let _ = (text, role, &invalid);
    match (algorithm, format) {
        #[cfg(feature = "ed25519")]
        (Algorithm::Ed25519, SecretFormat::Hex) => {
            let expected = match role {
                KeyRole::Verify => "64 hex digits: the application's Ed25519 public key",
                KeyRole::Sign => "64 hex digits: a 32-byte Ed25519 private key (its seed)",
            };
            let mut bytes = Zeroizing::new([0u8; 32]);
            hex::decode_to_slice(text, &mut bytes[..]).map_err(|_| invalid(expected))?;
            ed25519(&bytes[..], role).ok_or(invalid(expected))
        }
        #[cfg(all(feature = "ed25519", feature = "base64"))]
        (Algorithm::Ed25519, SecretFormat::Base64KeyPair { public, private }) => {
            use base64ct::Encoding as _;
            let (prefix, expected) = match role {
                KeyRole::Verify => (
                    public,
                    "the public key's prefix (`whpk_`) and the base64 of a 32-byte Ed25519 \
                     public key",
                ),
                KeyRole::Sign => (
                    private,
                    "the private key's prefix (`whsk_`) and the base64 of a 32-byte Ed25519 \
                     seed, or of the seed and the public key (64 bytes)",
                ),
            };
            let encoded = text.strip_prefix(prefix).ok_or(invalid(expected))?;
            let decoded = Zeroizing::new(
                base64ct::Base64::decode_vec(encoded).map_err(|_| invalid(expected))?,
            );
            ed25519(&decoded, role).ok_or(invalid(expected))
        }
        #[cfg(feature = "p256")]
        (Algorithm::EcdsaP256Sha256, SecretFormat::Der) => {
            use base64ct::Encoding as _;
            use p256::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _};
            let expected = match role {
                KeyRole::Verify => {
                    "the base64 DER of a P-256 public key (SubjectPublicKeyInfo, without PEM lines)"
                }
                KeyRole::Sign => {
                    "the base64 DER of a P-256 private key (PKCS#8, without PEM lines)"
                }
            };
            let der =
                Zeroizing::new(base64ct::Base64::decode_vec(text).map_err(|_| invalid(expected))?);
            let key = match role {
                KeyRole::Verify => p256::ecdsa::VerifyingKey::from_public_key_der(&der)
                    .ok()
                    .map(KeyPair::P256Public),
                KeyRole::Sign => p256::ecdsa::SigningKey::from_pkcs8_der(&der)
                    .ok()
                    .map(|key| KeyPair::P256Private(Box::new(key))),
            };
            key.map(SigningKey::Pair).ok_or(invalid(expected))
        }
        _ => Err(invalid("a key of the kind the scheme's algorithm takes")),
    }
}

/// An Ed25519 key from its bytes: a public key (32 bytes, not of small
/// order) to verify; a 32-byte seed, or the seed and its public key, to
/// sign.
#[cfg(feature = "ed25519")]
fn ed25519(bytes: &[u8], role: KeyRole) -> Option<SigningKey> {
    let key = match role {
        KeyRole::Verify => {
            let key = ed25519_dalek::VerifyingKey::from_bytes(bytes.try_into().ok()?).ok()?;
            if key.is_weak() {
                return None;
            }
            KeyPair::Ed25519Public(key)
        }
        KeyRole::Sign => {
            let key = match bytes.len() {
                32 => ed25519_dalek::SigningKey::from_bytes(bytes.try_into().ok()?),
                64 => ed25519_dalek::SigningKey::from_keypair_bytes(bytes.try_into().ok()?).ok()?,
                _ => return None,
            };
            KeyPair::Ed25519Private(Box::new(key))
        }
    };
    Some(SigningKey::Pair(key))
}

impl KeyPair {
    /// Whether `signature` (decoded) is this public key's over the message
    /// given in parts. Ed25519 is checked strictly (RFC 8032's canonical
    /// `S`, no small-order point, as libsodium does) over the message made
    /// contiguous once, in `joined`; ECDSA over the parts.
    pub(crate) fn verifies(
        &self,
        parts: &[&[u8]],
        joined: &mut Option<Vec<u8>>,
        signature: &[u8],
    ) -> bool {
        let _ = (parts, &joined, signature);
        match self {
            #[cfg(feature = "ed25519")]
            KeyPair::Ed25519Public(key) => {
                let Ok(signature) = ed25519_dalek::Signature::from_slice(signature) else {
                    return false;
                };
                let message = joined.get_or_insert_with(|| parts.concat());
                key.verify_strict(message, &signature).is_ok()
            }
            #[cfg(feature = "p256")]
            KeyPair::P256Public(key) => {
                use p256::ecdsa::signature::MultipartVerifier as _;
                let Ok(signature) = p256::ecdsa::Signature::from_der(signature) else {
                    return false;
                };
                key.multipart_verify(parts, &signature).is_ok()
            }
            // A signer's key verifies nothing.
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// The signature of the message given in parts, for a private key:
    /// Ed25519's 64 bytes, or ECDSA's DER (RFC 6979 nonces).
    pub(crate) fn sign(&self, parts: &[&[u8]]) -> Option<Vec<u8>> {
        let _ = parts;
        match self {
            #[cfg(feature = "ed25519")]
            KeyPair::Ed25519Private(key) => {
                use ed25519_dalek::ed25519::signature::MultipartSigner as _;
                Some(key.multipart_sign(parts).to_bytes().to_vec())
            }
            #[cfg(feature = "p256")]
            KeyPair::P256Private(key) => {
                use p256::ecdsa::signature::MultipartSigner as _;
                let signature: p256::ecdsa::Signature = key.multipart_sign(parts);
                Some(signature.to_der().as_bytes().to_vec())
            }
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}
